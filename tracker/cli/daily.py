"""What `task list`, `task show`, `task update` and `board` do once their options are read.

The typer commands (``task``, ``misc``) and the quick path (``quick``) both call these, so that
a command line gives the same output whichever of the two read it. Nothing here imports typer.
``context`` opens the command's core Context on first call: options are checked before the
database is touched, as typer's commands always did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.context import Context

Opener = Callable[[], "Context"]

FORMATS = ("table", "json")


def check_format(value: str, allowed: tuple[str, ...] = FORMATS) -> str:
    """The output format named by ``value`` (any case, spaces around), refused unless allowed."""
    from tracker.errors import InputError

    v = value.strip().lower()
    if v not in allowed:
        raise InputError(f"不支持的输出格式：{value}（可选：{'、'.join(allowed)}）")
    return v


def task_list(context: Opener, unit: str | None = None, status: str | None = None,
              due_before: str | None = None, search: str | None = None, plan: str | None = None,
              fmt: str = "table") -> None:
    """List the tasks a filter keeps: a table, JSON or CSV."""
    from tracker import tasks
    from tracker.cli import render
    from tracker.context import parse_day
    from tracker.errors import InputError
    from tracker.status import parse_status

    fmt = check_format(fmt, ("table", "json", "csv"))
    st = None
    if status:
        st = parse_status(status)
        if st is None:
            raise InputError(f"未知状态：{status}（可选：绿、黄、红、完成，或 green、yellow、red、done）")
    flt = tasks.TaskFilter(
        unit=unit, status=st, due_before=parse_day(due_before, "--due-before 日期") if due_before else None,
        search=search, plan_id=tasks.parse_id(plan, "计划编号") if plan else None,
    )
    views = tasks.list_tasks(context(), flt)
    if fmt == "json":
        render.print_json([v.to_dict() for v in views])
    elif fmt == "csv":
        cols = ["id", "unit", "label", "title", "deadline", "status", "progress", "expected", "owner", "parent_id"]
        render.print_csv([v.to_dict() for v in views], cols)
    else:
        byid = {v.id: v for v in views}
        render.task_table([(v, tasks.depth_of(v, byid)) for v in views])


def task_show(context: Opener, task_id: str, fmt: str = "table") -> None:
    """One task: its targets, sub-tasks and log; a table or JSON."""
    from tracker import tasks
    from tracker.cli import render

    fmt = check_format(fmt)
    d = tasks.show_task(context(), tasks.parse_id(task_id))
    if fmt == "json":
        data = d.view.to_dict()
        data["text"] = d.view.row["text"]
        data["log"] = d.log
        render.print_json(data)
    else:
        render.task_detail(d)


def task_update(context: Opener, task_id: str, target: str | None = None, value: str | None = None,
                add: str | None = None, percent: str | None = None, note: str | None = None,
                by: str | None = None, on: str | None = None, correct: bool = False, yes: bool = False) -> None:
    """Log one progress update and show the task's state after it."""
    from tracker import tasks
    from tracker.cli import render
    from tracker.context import parse_day

    res = tasks.log_update(
        context(), tasks.parse_id(task_id),
        target_index=tasks.parse_id(target, "指标序号") if target else None,
        value=tasks.parse_number(value, "--value") if value is not None else None,
        add=tasks.parse_number(add, "--add") if add is not None else None,
        percent=tasks.parse_number(percent, "--percent") if percent is not None else None,
        note=note, author=by, on=parse_day(on, "--on 日期") if on else None, correct=correct or yes,
    )
    what = ""
    if res.target is not None and res.value is not None:
        what = f"：{tasks.target_name(res.target)} 记为 {tasks.fmt_num(res.value)}{res.target['measure'] or ''}"
    elif res.percent is not None:
        what = f"：完成 {tasks.fmt_num(res.percent)}%"
    kind = "更正" if res.correction else "进展"
    render.success(f"已记录任务 #{res.task_id} 的{kind}（记录 #{res.update_id}）{what}")
    if res.later is not None and res.target is not None:
        render.info(f"注意：这条记录的日期早于 {str(res.later['happened_on'])[:10]} 的记录 #{res.later['id']}，"
                    f"已作为历史记录保存；当前值仍为 {tasks.fmt_num(res.current)}{res.target['measure'] or ''}。")
    if res.view is not None:
        render.task_state(res.view, res.target["id"] if res.target else None)


def board(context: Opener, fmt: str = "table") -> None:
    """Each unit's green, yellow, red and done counts and its overall completion."""
    from tracker import tasks
    from tracker.cli import render

    c = context()
    sums = tasks.board(c)
    if check_format(fmt) == "json":
        render.print_json([{"unit": s.unit, "total": s.total, "subs": s.subs, "counts": s.counts,
                            "completion": round(s.completion, 1), "cancelled": s.cancelled} for s in sums])
    else:
        render.board_table(sums, c.today.isoformat())
