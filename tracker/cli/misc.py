"""Top-level commands: init, board, undo."""


import typer

from tracker.cli import daily
from tracker.cli.tree import context


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("board")(board)
    app.command("undo")(undo)
    app.command("log")(log)


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
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="table 或 json"),
) -> None:
    """看板：各单位 绿/黄/红/完成 数量与总体完成度。"""
    daily.board(lambda: context(ctx), fmt)


def undo(
    ctx: typer.Context,
    entry: str = typer.Argument(None, metavar="[记录编号]", help="要撤销的记录编号（省略：当前用户最近的一条）"),
    by: str = typer.Option(None, "--by", metavar="姓名",
                           help="当前用户（默认：TRACKER_USER、配置 [user] name 或登录名）"),
) -> None:
    """撤销一条记录：进展、完成或修改（以“撤销”记录保存，原记录保留；撤销本身也可用 tracker undo 编号 撤销）。"""
    from tracker import tasks
    from tracker.cli import render

    c = context(ctx)
    res = tasks.undo(c, tasks.parse_id(entry, "记录编号") if entry else None, by)
    if res is None:
        render.info(f"{c.current_user(by)} 没有可撤销的记录（可用 tracker undo 记录编号 撤销指定的记录）")
        return
    render.success(f"已撤销{res.said}；撤销记为 #{res.undo_id}（要恢复：tracker undo {res.undo_id}）")
    if res.view is not None:
        render.task_state(res.view)


def log(
    ctx: typer.Context,
    since: str = typer.Option(None, "--since", metavar="日期", help="只看此日起录入的记录"),
    unit: str = typer.Option(None, "--unit", "-u", metavar="单位", help="只看某单位"),
    by: str = typer.Option(None, "--by", metavar="姓名", help="只看某人的记录"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="table 或 json"),
) -> None:
    """变更记录：进展、更正、完成、修改、撤销、导入及修订内容，按录入时间排列。"""
    from tracker import tasks
    from tracker.cli import render
    from tracker.cli.daily import check_format
    from tracker.context import parse_day

    fmt = check_format(fmt)
    rows = tasks.change_log(context(ctx), parse_day(since, "--since 日期") if since else None, unit, by)
    if fmt == "json":
        render.print_json(rows)
    else:
        render.change_log(rows)
