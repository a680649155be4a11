"""`tracker task …`: add, list, show, update, done, edit, log."""


import typer

from tracker.cli import daily
from tracker.cli.daily import check_format
from tracker.cli.tree import context

app = typer.Typer(no_args_is_help=True, rich_markup_mode=None)

FORMAT_HELP = "输出格式：table（表格）、json 或 csv"


@app.command("add")
def add(
    ctx: typer.Context,
    title: str = typer.Argument(..., metavar="标题", help="任务标题"),
    unit: str = typer.Option(None, "--unit", "-u", metavar="单位", help="所属单位"),
    parent: str = typer.Option(None, "--parent", metavar="编号", help="上级任务编号（作为子任务）"),
    due: str = typer.Option(None, "--due", metavar="日期", help="截止日期 YYYY-MM-DD"),
    owner: str = typer.Option(None, "--owner", metavar="姓名", help="责任人"),
    target: str = typer.Option(None, "--target", metavar="原文", help="指标原文，如“建设14家社康机构”“管理率达到100%”"),
    count: str = typer.Option(None, "--count", metavar="数字", help="数量指标，如 14（配合 --measure 家）"),
    percent: str = typer.Option(None, "--percent", metavar="数字", help="比例指标（%），如 100"),
    amount: str = typer.Option(None, "--amount", metavar="数字", help="金额指标，如 300（配合 --measure 亿元）"),
    measure: str = typer.Option(None, "--measure", metavar="计量单位", help="计量单位：家、个、名、亿元……"),
    fmt: str = typer.Option("table", "--format", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """新增任务（可带指标）。"""
    from datetime import date

    from tracker import tasks
    from tracker.cli import render
    from tracker.context import parse_day
    from tracker.errors import InputError

    c = context(ctx)
    fmt = check_format(fmt)
    due_day = parse_day(due, "截止日期") if due else None
    new: list[tasks.NewTarget] = []
    if target:
        start = c.today
        end = due_day or date(c.today.year, 12, 31)
        new += tasks.targets_from_phrase(target, start, end)
    for value, kind, default_measure in ((count, "count", "个"), (percent, "percent", "%"), (amount, "amount", "万元")):
        if value is not None:
            x = tasks.parse_number(value, {"count": "--count", "percent": "--percent", "amount": "--amount"}[kind])
            new.append(tasks.NewTarget(kind=kind, value=x, comparator=">=" if kind != "percent" else "=",
                                       measure="%" if kind == "percent" else (measure or default_measure),
                                       deadline=due_day))
    if measure and not (count or amount):
        raise InputError("--measure 需与 --count 或 --amount 一起使用")
    parent_id = tasks.parse_id(parent, "上级任务编号") if parent else None
    task_id = tasks.add_task(c, title, unit=unit, parent_id=parent_id, due=due_day, owner=owner, targets=new)
    if fmt == "json":
        render.print_json(tasks.show_task(c, task_id).view.to_dict())
    else:
        render.success(f"已新增任务 #{task_id}：{title.strip()}（{len(new)} 个指标）")


@app.command("list")
def list_(
    ctx: typer.Context,
    unit: str = typer.Option(None, "--unit", "-u", metavar="单位", help="只看某单位"),
    status: str = typer.Option(None, "--status", "-s", metavar="状态", help="绿|黄|红|完成（或 green|yellow|red|done）"),
    due_before: str = typer.Option(None, "--due-before", metavar="日期", help="截止日期不晚于此日（YYYY-MM-DD）"),
    search: str = typer.Option(None, "--search", metavar="文字", help="在标题和正文中查找"),
    plan: str = typer.Option(None, "--plan", metavar="编号", help="只看某计划（编号）"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help=FORMAT_HELP),
) -> None:
    """列出任务及其状态、进度和指标。"""
    daily.task_list(lambda: context(ctx), unit, status, due_before, search, plan, fmt)


@app.command("show")
def show(
    ctx: typer.Context,
    task_id: str = typer.Argument(..., metavar="编号", help="任务编号"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """查看任务：指标（当前/目标/完成率）、子任务、进展记录。"""
    daily.task_show(lambda: context(ctx), task_id, fmt)


@app.command("update")
def update(
    ctx: typer.Context,
    task_id: str = typer.Argument(..., metavar="编号", help="任务编号"),
    target: str = typer.Option(None, "--target", "-t", metavar="序号",
                               help="指标序号（见 task show；只有一个数值指标时可省略）"),
    value: str = typer.Option(None, "--value", metavar="数字", help="指标的最新累计值（周期指标：本周期的值）"),
    add: str = typer.Option(None, "--add", metavar="数字", help="在当前值上增加"),
    percent: str = typer.Option(None, "--percent", metavar="数字",
                                help="完成百分比，只用于没有数值指标的任务（有数值指标时会被拒绝）"),
    note: str = typer.Option(None, "--note", "-m", metavar="文字", help="进展说明"),
    by: str = typer.Option(None, "--by", metavar="姓名", help="填报人（默认：TRACKER_USER、配置 [user] name 或登录名）"),
    on: str = typer.Option(None, "--on", metavar="日期", help="进展发生日期（默认今天；不能早于计划开始）"),
    correct: bool = typer.Option(False, "--correct", help="更正：允许累计值下降或超过目标 3 倍，记为更正记录"),
    yes: bool = typer.Option(False, "--yes", "-y", help="同 --correct"),
) -> None:
    """记录一条进展（只追加，不覆盖历史），并显示任务的最新状态。"""
    daily.task_update(lambda: context(ctx), task_id, target, value, add, percent, note, by, on, correct, yes)


@app.command("done")
def done(
    ctx: typer.Context,
    task_id: str = typer.Argument(..., metavar="编号", help="任务编号"),
    target: str = typer.Option(None, "--target", "-t", metavar="序号", help="只标记某个节点/时限指标已完成"),
    note: str = typer.Option(None, "--note", "-m", metavar="文字", help="完成说明"),
    by: str = typer.Option(None, "--by", metavar="姓名", help="填报人"),
    on: str = typer.Option(None, "--on", metavar="日期", help="完成日期（默认今天）"),
    yes: bool = typer.Option(False, "--yes", "-y", help="有红灯子任务时也标记完成"),
) -> None:
    """标记任务（或其某个节点指标）完成。"""
    from tracker import tasks
    from tracker.cli import render
    from tracker.context import parse_day

    tid = tasks.parse_id(task_id)
    c = context(ctx)
    uid = tasks.mark_done(c, tid, note=note, author=by, on=parse_day(on, "--on 日期") if on else None,
                          target_index=tasks.parse_id(target, "指标序号") if target else None, yes=yes)
    what = f"指标 {target}" if target else f"任务 #{tid}"
    if uid is None:
        render.info(f"{what} 已是完成状态，未重复记录")
    else:
        render.success(f"{what} 已标记完成（记录 #{uid}）")
        render.task_state(tasks.show_task(c, tid).view)


@app.command("edit")
def edit(
    ctx: typer.Context,
    task_id: str = typer.Argument(..., metavar="编号", help="任务编号"),
    title: str = typer.Option(None, "--title", metavar="文字", help="新标题"),
    due: str = typer.Option(None, "--due", metavar="日期", help="新截止日期"),
    start: str = typer.Option(None, "--start", metavar="日期", help="新开始日期"),
    owner: str = typer.Option(None, "--owner", metavar="姓名", help="新责任人"),
    text: str = typer.Option(None, "--text", metavar="文字", help="新正文"),
    label: str = typer.Option(None, "--label", metavar="编号文字", help="新编号，如（三）"),
    by: str = typer.Option(None, "--by", metavar="姓名", help="修改人"),
) -> None:
    """修改任务（修改会记入进展记录）。"""
    from tracker import tasks
    from tracker.cli import render
    from tracker.context import parse_day

    tid = tasks.parse_id(task_id)
    said = tasks.edit_task(
        context(ctx), tid, author=by, title=title, text=text, owner=owner, label=label,
        deadline=parse_day(due, "--due 日期") if due else None,
        start_date=parse_day(start, "--start 日期") if start else None,
    )
    if said:
        render.success(f"已修改任务 #{tid}：" + "；".join(said) + "（可用 tracker undo 撤销）")
        render.task_state(tasks.show_task(context(ctx), tid).view)
    else:
        render.info(f"任务 #{tid} 没有变化")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    task_id: str = typer.Argument(..., metavar="编号", help="任务编号"),
    reason: str = typer.Option(..., "--reason", metavar="撤销|调整", help="撤销（不再做）或 调整（改由其他安排）"),
    note: str = typer.Option(..., "--note", "-m", metavar="文字", help="依据，如：县政府常务会议决定调整"),
    by: str = typer.Option(None, "--by", metavar="姓名", help="操作人"),
) -> None:
    """撤销或调整任务（含子任务）：保留全部记录，不再计入看板与列表；可用 tracker undo 恢复。"""
    from tracker import tasks
    from tracker.cli import render

    tid = tasks.parse_id(task_id)
    uid = tasks.cancel_task(context(ctx), tid, reason, note, by)
    render.success(f"任务 #{tid} 已{reason.strip()}（记录 #{uid}）；记录保留，不再计入看板。恢复：tracker undo {uid}")


@app.command("log")
def log(
    ctx: typer.Context,
    task_id: str = typer.Argument(..., metavar="编号", help="任务编号"),
    fmt: str = typer.Option("table", "--format", "-f", metavar="格式", help="输出格式：table 或 json"),
) -> None:
    """查看任务的全部进展记录（含撤销与修改）。"""
    from tracker import tasks
    from tracker.cli import render

    fmt = check_format(fmt)
    rows = tasks.task_log(context(ctx), tasks.parse_id(task_id))
    if fmt == "json":
        render.print_json(rows)
    else:
        render.log_table(rows)
