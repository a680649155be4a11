"""`tracker form …`: export 填报 forms, import filled ones, see who has sent theirs."""

import typer

from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("export")
def export(
    ctx: typer.Context,
    unit: str = typer.Option(None, "--unit", help="只导出该单位的填报表（默认：每个有未完成任务的单位一份）"),
    period: str = typer.Option(None, "--period", help="填报期：按月 2023-10，按周 2023-W42（默认本月）"),
    out: str = typer.Option(".", "--out", "-o", help="输出文件夹"),
    fmt: str = typer.Option("table", "--format", "-f", help="table 或 json"),
) -> None:
    """每个单位一份 .xlsx 填报表（Excel、WPS 均可）：未完成的任务和指标、当前值、待填写的列。"""
    from tracker.cli import render
    from tracker.cli.daily import check_format
    from tracker.sheets.forms import export_forms

    fmt = check_format(fmt)
    forms = export_forms(context(ctx), unit=unit, period=period, out_dir=out)
    if fmt == "json":
        render.print_json([f.to_dict() for f in forms])
        return
    from pathlib import Path

    folder = Path(forms[0].path).parent if forms else Path(out)
    render.plain_table(f"已导出填报表 {len(forms)} 份，保存在：{folder}", ["单位", "任务", "行数", "文件"],
                       [[f.unit, str(f.tasks), str(f.rows), Path(f.path).name] for f in forms], [22, 5, 5, 40])


@app.command("import")
def import_(
    ctx: typer.Context,
    files: list[str] = typer.Argument(..., help="填好的填报表（.xlsx），可以多个"),  # noqa: B008 - typer reads it
    dry_run: bool = typer.Option(False, "--dry-run", help="只检查并显示将记录的进展，不写入"),
    partial: bool = typer.Option(False, "--partial", help="有错误的行跳过，其余照常导入（默认：有错误则整表不导入）"),
    unit: str = typer.Option(None, "--unit", help="只接受该单位的填报表"),
    fmt: str = typer.Option("table", "--format", "-f", help="table 或 json"),
) -> None:
    """把填好的填报表记录为进展（填报人为作者；同一张表重复导入不会重复记录）。"""
    from tracker.cli import render
    from tracker.cli.daily import check_format
    from tracker.sheets.forms import import_forms

    fmt = check_format(fmt)
    done = import_forms(context(ctx), files, dry_run=dry_run, partial=partial, unit=unit)
    failed = any(r.error or r.refused or (r.errors and not r.written) for r in done)
    if fmt == "json":
        render.print_json([r.to_dict() for r in done])
    else:
        render.form_results(done, dry_run)
    if failed:
        raise typer.Exit(2)


@app.command("status")
def status(
    ctx: typer.Context,
    period: str = typer.Option(None, "--period", help="填报期：2023-10 或 2023-W42（默认本月）"),
    fmt: str = typer.Option("table", "--format", "-f", help="table 或 json"),
) -> None:
    """本期各单位填报表的报送情况：已报送、未报送（催办名单）。"""
    from tracker.cli import render
    from tracker.cli.daily import check_format
    from tracker.sheets.forms import form_status

    fmt = check_format(fmt)
    per, rows = form_status(context(ctx), period)
    if fmt == "json":
        render.print_json({"period": per.key, "units": [r.to_dict() for r in rows]})
        return
    render.form_status(per, rows)
