"""`tracker unit …`: add and list units."""


import typer

from tracker.cli.tree import context

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
    from tracker.cli.daily import check_format

    rows = tasks.list_units(context(ctx))
    if check_format(fmt) == "json":
        render.print_json(rows)
    else:
        render.table(f"单位（{len(rows)} 个）", ["编号", "单位", "别名", "联系人", "任务数"],
                     [[r["id"], r["name"], "、".join(r["aliases"]), r["contact"] or "", r["tasks"]] for r in rows])


@app.command("rename")
def rename(
    ctx: typer.Context,
    old: str = typer.Argument(..., metavar="单位", help="现在的名称（或别名、唯一的开头）"),
    new: str = typer.Argument(..., metavar="新名称", help="新的名称；原名称保留为别名"),
) -> None:
    """单位改名（原名称保留为别名，再导入旧名称的文档仍归入此单位）。"""
    from tracker import tasks
    from tracker.cli import render

    r = tasks.rename_unit(context(ctx), old, new)
    render.success(f"单位 #{r['id']} 已改名：{r['old']} → {r['name']}（“{r['old']}”保留为别名）")


@app.command("merge")
def merge(
    ctx: typer.Context,
    source: str = typer.Argument(..., metavar="单位", help="要并入的单位，如 水利局"),
    into: str = typer.Option(..., "--into", metavar="单位", help="并入到此单位，如 县水利局"),
) -> None:
    """合并单位：计划和任务全部移到 --into 单位，被并入单位的名称成为别名。"""
    from tracker import tasks
    from tracker.cli import render

    r = tasks.merge_units(context(ctx), source, into)
    render.success(f"已把“{r['from']}”并入“{r['into']}”：{r['plans']} 个计划、{r['tasks']} 项任务；"
                   f"“{r['from']}”保留为别名")


@app.command("alias")
def alias(
    ctx: typer.Context,
    unit: str = typer.Argument(..., metavar="单位", help="单位名称"),
    name: str = typer.Argument(..., metavar="别名", help="另一个叫法，如 县水利局 的 水利局"),
) -> None:
    """给单位加一个别名（命令和导入都认）。"""
    from tracker import tasks
    from tracker.cli import render

    r = tasks.add_alias(context(ctx), unit, name)
    render.success(f"“{r['alias']}”已是单位“{r['unit']}”的别名")
