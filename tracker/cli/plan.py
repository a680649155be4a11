"""`tracker plan …`: parse, import, list, show."""


import typer

from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


def _year_half(year: str | None, half: str | None) -> tuple[int | None, int | None]:
    from tracker.plans import check_period_args
    from tracker.tasks import parse_id

    y = parse_id(year, "--year 年份") if year else None
    h = parse_id(half, "--half") if half else None
    check_period_args(y, h)
    return y, h


def _baselines_mode(value: str, allowed: tuple[str, ...]) -> str:
    from tracker.errors import InputError

    v = (value or "").strip().lower()
    if v not in allowed:
        raise InputError(f"--baselines 只能是 {'、'.join(allowed)}：{value}")
    return v


@app.command("parse")
def parse(
    file: str = typer.Argument(..., metavar="文件", help="计划文档：.txt .md（UTF-8/GBK/UTF-16）、.docx，或任务清单 .xlsx .csv"),
    year: str = typer.Option(None, "--year", metavar="年份", help="计划年份（默认从标题或正文识别）"),
    half: str = typer.Option(None, "--half", metavar="1或2", help="1=上半年，2=下半年（默认从标题或正文识别）"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式",
                            help="table（树形预览）、json，或 xlsx（立项审核表，需 -o）"),
    out: str = typer.Option(None, "--out", "-o", metavar="文件", help="写入文件（--format xlsx 时必填，如 立项审核.xlsx）"),
    baselines: str = typer.Option("review", "--baselines", metavar="方式", help="review（显示上半年总结给出的基数，默认）或 off"),
) -> None:
    """解析文档并显示识别出的单位、条目和指标（不写数据库）。"""
    from tracker import plans
    from tracker.cli import render
    from tracker.cli.daily import check_format

    fmt = check_format(fmt, ("table", "json", "xlsx"))
    baselines = _baselines_mode(baselines, ("review", "off"))
    y, h = _year_half(year, half)
    if fmt == "xlsx":
        from tracker.errors import InputError

        if not out:
            raise InputError("--format xlsx 需要用 -o 指定输出文件，例如：-o 立项审核.xlsx")
        if not out.lower().endswith(".xlsx"):
            raise InputError(f"立项审核表应保存为 .xlsx 文件：{out}")
    doc = plans.parse(file, y, h)
    if fmt == "xlsx":
        from tracker.sheets.review import write_review

        rows = write_review(doc, out)
        render.success(f"已写入立项审核表：{out}（{rows} 行：条目与指标各一行）\n"
                       f"审核后导入：tracker plan import {out}")
        return
    data = doc.to_dict()
    if baselines != "off":
        from tracker.extract.baselines import annotate

        annotate(doc, data)
    if out:
        import json
        from pathlib import Path

        Path(out).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        render.success(f"已写入：{out}")
        return
    if fmt == "json":
        render.print_json(data)
    else:
        render.plan_tree(data)


@app.command("import")
def import_(
    ctx: typer.Context,
    file: str = typer.Argument(..., metavar="文件",
                               help="计划文档（.txt .md .docx）、任务清单（.xlsx .csv .docx 表格）、立项审核表或 JSON"),
    year: str = typer.Option(None, "--year", metavar="年份", help="计划年份（默认从文档识别）"),
    half: str = typer.Option(None, "--half", metavar="1或2", help="1=上半年，2=下半年（默认从文档识别）"),
    unit: str = typer.Option(None, "--unit", metavar="单位", help="单位名称：单篇文档时指定单位，汇编时只导入该单位"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示将做的变更，不写入"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="table 或 json"),
    baselines: str = typer.Option("review", "--baselines", metavar="方式",
                                  help="上半年总结给出的基数：review（只显示，默认）、apply（设为起始值）、off"),
) -> None:
    """导入计划：每个条目成为任务，子条目成为子任务，承诺成为指标（同一文件重复导入不产生变化）。"""
    from tracker import plans
    from tracker.cli import render
    from tracker.cli.daily import check_format

    fmt = check_format(fmt)
    y, h = _year_half(year, half)
    mode = _baselines_mode(baselines, ("review", "apply", "off"))
    result = plans.import_file(context(ctx, create=not dry_run), file, year=y, half=h, unit=unit, dry_run=dry_run,
                               baselines=mode)
    if fmt == "json":
        render.print_json(result.to_dict())
    else:
        render.import_result(result)


@app.command("remove")
def remove(
    ctx: typer.Context,
    plan_id: str = typer.Argument(..., metavar="编号", help="计划编号（见 plan list）"),
    force: bool = typer.Option(False, "--force", help="计划已有进展记录时也删除（SQLite 先自动备份）"),
    backed_up: bool = typer.Option(False, "--backed-up", help="PostgreSQL：已用 pg_dump 备份"),
) -> None:
    """删除一次导入的计划及其任务、指标（已有进展时需 --force，并先备份数据库）。"""
    from tracker import plans, tasks
    from tracker.cli import render

    r = plans.remove_plan(context(ctx), tasks.parse_id(plan_id, "计划编号"), force=force, backed_up=backed_up)
    render.success(f"已删除计划 #{r.plan['id']}（{r.plan['unit']}《{r.plan['title']}》）：{r.removed['tasks']} 项任务、"
                   f"{r.removed['targets']} 个指标、{r.removed['progress']} 条进展记录")
    if r.backup:
        render.info(f"删除前的备份：{r.backup}")


@app.command("list")
def list_(ctx: typer.Context, fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="table 或 json")) -> None:
    """列出已导入的计划。"""
    from tracker import plans
    from tracker.cli import render
    from tracker.cli.daily import check_format

    rows = plans.list_plans(context(ctx))
    if check_format(fmt) == "json":
        render.print_json(rows)
    else:
        render.table(f"计划（{len(rows)} 个）", ["编号", "单位", "标题", "周期", "任务数", "来源"],
                     [[r["id"], r["unit"], r["title"], f"{r['period_start']} 至 {r['period_end']}", r["tasks"],
                       (r["source_path"] or "").rsplit("/", 1)[-1]] for r in rows])


@app.command("show")
def show(
    ctx: typer.Context,
    plan_id: str = typer.Argument(..., metavar="编号", help="计划编号"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="table 或 json"),
) -> None:
    """查看计划及其全部任务的状态。"""
    from tracker import plans, tasks
    from tracker.cli import render
    from tracker.cli.daily import check_format

    c = context(ctx)
    pid = tasks.parse_id(plan_id, "计划编号")
    plan = plans.get_plan(c, pid)
    views = tasks.list_tasks(c, tasks.TaskFilter(plan_id=pid))
    if check_format(fmt) == "json":
        render.print_json({**plan, "tasks": [v.to_dict() for v in views]})
        return
    render.info(f"计划 #{plan['id']}：{plan['title']}\n单位：{plan['unit']}    周期：{plan['period_start']} 至 "
                f"{plan['period_end']}\n计划部分：{plan['plan_heading'] or '—'}    来源：{plan['source_path'] or '手工'}")
    byid = {v.id: v for v in views}
    render.task_table([(v, tasks.depth_of(v, byid)) for v in views])
