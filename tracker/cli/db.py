"""`tracker db …`: upgrade and backup."""


import typer

from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """把数据库结构升级到最新版本（SQLite 升级前先复制一份）。"""
    from tracker.cli import render
    from tracker.db import redact_url
    from tracker.migrations import HEAD

    c = context(ctx)
    db = c.database_unmigrated()
    before = db.current_revision()
    if before == HEAD:
        render.info(f"数据库已是最新版本（{HEAD}）：{redact_url(c.db_url)}")
        return
    copy = db.upgrade(backup_dir=c.config.path_of("database", "backup_dir"))
    db.close()
    render.success(f"数据库已升级：{before or '空库'} → {HEAD}")
    if copy:
        render.info(f"升级前的副本：{copy}")


@app.command("backup")
def backup(ctx: typer.Context, path: str = typer.Argument(..., metavar="文件", help="备份文件路径")) -> None:
    """用 SQLite 在线备份复制数据库（写入进行中也一致）。"""
    from pathlib import Path

    from tracker.cli import render

    dest = context(ctx).db.backup(Path(path))
    render.success(f"已备份到 {dest}")


@app.command("status")
def status(ctx: typer.Context) -> None:
    """显示数据库地址、结构版本和各表行数。"""
    from tracker import store
    from tracker.cli import render
    from tracker.db import redact_url

    c = context(ctx)
    counts = c.db.read(lambda conn: {t: store.count_rows(conn, t) for t in
                                     ("unit", "plan", "task", "target", "progress_update", "outbox")})
    render.info(f"数据库：{redact_url(c.db_url)}\n结构版本：{c.db.current_revision()}")
    render.table(None, ["表", "行数"], [[k, v] for k, v in counts.items()])
