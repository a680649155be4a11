"""`tracker notify …`: send the overdue list or the weekly summary, test channels, show the log."""


import typer

from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

JOB_ALIASES = {"overdue": "overdue", "逾期": "overdue", "weekly": "weekly", "周报": "weekly", "每周": "weekly"}


def _job(text: str) -> str:
    from tracker.errors import InputError

    job = JOB_ALIASES.get(text.strip().lower())
    if job is None:
        raise InputError(f"未知通知类型：{text}（可选：overdue 逾期提醒、weekly 每周汇总）")
    return job


@app.command("send")
def send(
    ctx: typer.Context,
    job: str = typer.Argument(..., metavar="overdue|weekly", help="overdue：红灯任务清单；weekly：每周汇总"),
    channel: str = typer.Option(None, "--channel", "-c", metavar="渠道", help="只发给这个渠道（按名称）"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只显示消息内容，不发送、不记录"),
    force: bool = typer.Option(False, "--force", help="本期已发送过也再发一次（另记一条，保留历史）"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """立即发送逾期提醒或每周汇总（同一期默认只发一次）。"""
    import logging

    from tracker import notify
    from tracker.cli import render
    from tracker.cli.daily import check_format

    fmt = check_format(fmt)
    name = _job(job)
    c = context(ctx)
    notify.setup_logging(logging.WARNING, timezone=c.config.timezone)
    results = notify.send(c, name, channel, dry_run=dry_run, force=force)
    if fmt == "json":
        render.print_json([r.to_dict() for r in results])
    else:
        render.notify_outcomes(results)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


@app.command("test")
def test(
    ctx: typer.Context,
    channel: str = typer.Option(None, "--channel", "-c", metavar="渠道", help="只测试这个渠道（按名称）"),
) -> None:
    """向通知渠道发送一条测试消息。"""
    import logging

    from tracker import notify
    from tracker.cli import render

    c = context(ctx)
    notify.setup_logging(logging.WARNING, timezone=c.config.timezone)
    results = notify.send_test(c, channel)
    render.notify_outcomes(results)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


@app.command("log")
def log_(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", "-n", metavar="条数", help="显示最近多少条"),
    status: str = typer.Option(None, "--status", "-s", metavar="状态", help="只看某状态：sent、failed、pending、sending"),
    job: str = typer.Option(None, "--job", metavar="任务名", help="只看某类：overdue、weekly、test"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """发送记录：发了什么、何时、发到哪个渠道、哪些失败及原因。"""
    from tracker import notify
    from tracker.cli import render
    from tracker.cli.daily import check_format

    fmt = check_format(fmt)
    job_name = None
    if job:
        job_name = "test" if job.strip().lower() in ("test", "测试") else _job(job)
    rows = notify.outbox_log(context(ctx), limit, status.strip().lower() if status else None, job_name)
    if fmt == "json":
        render.print_json(rows)
    else:
        render.outbox_table(rows)
