"""Top-level commands: init, board, undo."""


import typer

from tracker.cli import context


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("board")(board)
    app.command("undo")(undo)


def init(ctx: typer.Context) -> None:
    """初始化数据库（建表或升级到最新结构）。"""
    from tracker.cli import render
    from tracker.db import redact_url

    c = context(ctx, create=True)
    c.db.ensure_schema()  # already applied when opened; a no-op check here
    render.success(f"数据库已就绪：{redact_url(c.db_url)}")
    if c.migrated_copy:
        render.info(f"升级前的副本：{c.migrated_copy}")


def board(
    ctx: typer.Context,
    fmt: str = typer.Option("table", "--format", "-f", help="table 或 json"),
) -> None:
    """看板：各单位 绿/黄/红/完成 数量与总体完成度。"""
    from tracker import tasks
    from tracker.cli import render
    from tracker.cli.task import _format

    c = context(ctx)
    sums = tasks.board(c)
    if _format(fmt) == "json":
        render.print_json([{"unit": s.unit, "total": s.total, "counts": s.counts,
                            "completion": round(s.completion, 1)} for s in sums])
    else:
        render.board_table(sums, c.today.isoformat())


def undo(
    ctx: typer.Context,
    by: str = typer.Option(None, "--by", help="只撤销此人的最近一条"),
) -> None:
    """撤销最近一条进展（以“撤销”记录保存，原记录保留）。"""
    from tracker import tasks
    from tracker.cli import render

    last = tasks.undo_last(context(ctx), by)
    if last is None:
        render.info("没有可撤销的进展记录")
    else:
        render.success(f"已撤销记录 #{last['id']}（任务 #{last['task_id']}，{last['happened_on']}，{last['author']}）")
