"""`tracker scheduler …`: the daemon that sends reminders on schedule, its jobs, a job run now."""


import typer

from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("run")
def run(ctx: typer.Context) -> None:
    """在前台运行调度器（日志写到标准错误；Ctrl-C 或 SIGTERM 停止）。"""
    from tracker import scheduler

    c = context(ctx)
    opts = dict(ctx.find_root().obj or {})
    scheduler.run_daemon(c, {k: opts.get(k) for k in ("config", "db", "today")})


@app.command("jobs")
def jobs(
    ctx: typer.Context,
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """列出定时任务及下次运行时间（不启动调度器）。"""
    from tracker import scheduler
    from tracker.cli import render
    from tracker.cli.daily import check_format

    fmt = check_format(fmt)
    infos = scheduler.list_jobs(context(ctx))
    if fmt == "json":
        render.print_json([i.to_dict() for i in infos])
    else:
        render.scheduler_jobs(infos)


@app.command("run-job")
def run_job(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME", help="overdue 或 weekly"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """立即按调度器的规则运行一个任务（非工作日跳过；本期已发送则不重发）。"""
    import logging

    from tracker import notify, scheduler
    from tracker.cli import render
    from tracker.cli.daily import check_format
    from tracker.cli.notify import _job

    fmt = check_format(fmt)
    job = _job(name)
    c = context(ctx)
    notify.setup_logging(logging.WARNING, timezone=c.config.timezone)
    result = scheduler.run_job(c, job)
    if fmt == "json":
        render.print_json(result.to_dict())
    else:
        render.job_run(result)
    if any(o.status == "failed" for o in result.outcomes):
        raise typer.Exit(1)
