"""`tracker unit …`: add and list units."""


import typer

from tracker.cli import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="单位", help="单位名称，如 区卫生健康局"),
    contact: str = typer.Option(None, "--contact", metavar="手机号", help="联系人手机号（群机器人 @ 提醒用）"),
) -> None:
    """新增单位。"""
    from tracker import tasks
    from tracker.cli import render

    uid = tasks.add_unit(context(ctx), name, contact)
    render.success(f"已新增单位 #{uid}：{name.strip()}")


@app.command("list")
def list_(ctx: typer.Context, fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="table 或 json")) -> None:
    """列出单位。"""
    from tracker import tasks
    from tracker.cli import render
    from tracker.cli.task import _format

    rows = tasks.list_units(context(ctx))
    if _format(fmt) == "json":
        render.print_json(rows)
    else:
        render.table(f"单位（{len(rows)} 个）", ["编号", "单位", "联系人", "任务数"],
                     [[r["id"], r["name"], r["contact"] or "", r["tasks"]] for r in rows])
