"""`tracker outcome …`: a year-end summary (or next year's work report) read against a plan."""


import typer

from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def _year(year: str | None) -> int | None:
    from tracker.tasks import parse_id

    return parse_id(year, "--year 年份") if year else None


@app.command("parse")
def parse(
    summary: str = typer.Argument(..., help="年终总结或次年工作报告：.txt .md 或 .docx"),
    plan: str = typer.Option(..., "--plan", help="计划文档（.txt .md 或 .docx）"),
    year: str = typer.Option(None, "--year", help="计划年份（默认从计划文档识别）"),
    fmt: str = typer.Option("table", "--format", "-f", help="table 或 json"),
) -> None:
    """逐项对照计划指标与总结中的说法（不写数据库）。"""
    from tracker import outcomes
    from tracker.cli import render
    from tracker.cli.daily import check_format

    fmt = check_format(fmt)
    report = outcomes.parse_outcome(summary, plan, _year(year))
    if fmt == "json":
        render.print_json(report.to_dict())
    else:
        render.outcome_table(report.to_dict())


@app.command("import")
def import_(
    ctx: typer.Context,
    summary: str = typer.Argument(..., help="年终总结或次年工作报告：.txt .md 或 .docx"),
    plan_id: str = typer.Option(..., "--plan", help="已导入计划的编号（见 tracker plan list）"),
    year: str = typer.Option(None, "--year", help="计划年份（默认取计划周期的年份）"),
    apply: bool = typer.Option(False, "--apply", help="把总结中的数值记为进展（作者“年终总结导入”，引文作说明）"),
    fmt: str = typer.Option("table", "--format", "-f", help="table 或 json"),
) -> None:
    """对照已导入的计划；加 --apply 把找到的数值记入进展（重复运行不会重复记录）。"""
    from tracker import outcomes
    from tracker.cli import render
    from tracker.cli.daily import check_format
    from tracker.tasks import parse_id

    fmt = check_format(fmt)
    report = outcomes.import_outcome(context(ctx), summary, parse_id(plan_id, "计划编号"), apply=apply,
                                     year=_year(year))
    data = report.to_dict()
    if fmt == "json":
        render.print_json(data)
        return
    render.outcome_table(data)
    if apply:
        render.info(f"已记录进展 {len(data['applied'])} 条（作者：{outcomes.AUTHOR}）" if data["applied"]
                    else "没有新的进展需要记录（已记录过的不再重复）")
    else:
        render.info("以上为预览，未写入；加 --apply 把数值记为进展")
