"""`tracker report …`: the weekly report and the year-end plan-versus-result report."""

import typer

from tracker.cli.tree import context
from tracker.entry import keep_until_exit

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

FORMAT_HELP = "输出格式：terminal（终端表格）、md、html、docx、xlsx"
OUTPUT_HELP = "输出文件（或目录）；不给时写入配置 [report] reports_dir，按报告和周期命名"


def _show(res) -> None:  # type: ignore[no-untyped-def]
    from tracker.cli import render

    if res.fmt == "terminal":
        render.report_terminal(res.doc, res.path)
        if res.path is not None:
            render.report_written(res.path)
    else:
        render.report_written(res.path)


@app.command("weekly")
def weekly(
    ctx: typer.Context,
    week: str = typer.Option(None, "--week", metavar="周", help="ISO 周次，如 2023-W41（默认：今天所在的周）"),
    on: str = typer.Option(None, "--date", metavar="日期", help="报告该日期所在的周（YYYY-MM-DD）"),
    unit: str = typer.Option(None, "--unit", "-u", metavar="单位", help="只看某单位"),
    fmt: str = typer.Option("terminal", "--format", "-f", metavar="格式", help=FORMAT_HELP),
    output: str = typer.Option(None, "--output", "-o", metavar="文件", help=OUTPUT_HELP),
) -> None:
    """督办周报：红黄绿、红灯与逾期事项、本周新增逾期/完成/预警、进展填报、近期到期、催办、与上周对比。

    每周按 [report] report_day（默认周五）截止。
    """
    from tracker.context import parse_day
    from tracker.reports import no_gc, weekly_report

    with no_gc():
        res = weekly_report(context(ctx), week=week, on=parse_day(on, "--date 日期") if on else None, unit=unit,
                            fmt=fmt, output=output)
        _show(res)
        keep_until_exit(res)  # else freed here, before the collector is back on
        del res


@app.command("yearend")
def yearend(
    ctx: typer.Context,
    year: int = typer.Option(None, "--year", metavar="年份", help="年度（默认：今年）"),
    half: int = typer.Option(None, "--half", metavar="1或2", help="只看上半年（1）或下半年（2）"),
    unit: str = typer.Option(None, "--unit", "-u", metavar="单位", help="只看某单位"),
    fmt: str = typer.Option("terminal", "--format", "-f", metavar="格式", help=FORMAT_HELP),
    output: str = typer.Option(None, "--output", "-o", metavar="文件", help=OUTPUT_HELP),
) -> None:
    """年度总结：计划原文与完成对照、完成结果、确保/力争类指标、各单位按平均完成度排名、未完成事项。

    跨年度事项按本期应完成的份额评定；晚于截止日期完成的为逾期完成。
    """
    from tracker.reports import no_gc, yearend_report

    with no_gc():
        res = yearend_report(context(ctx), year=year, half=half, unit=unit, fmt=fmt, output=output)
        _show(res)
        keep_until_exit(res)
        del res
