"""Tasks: computed views (completion, expected progress, traffic light) and logged changes."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from tracker import status as st
from tracker import store
from tracker.context import Context
from tracker.db import Connection
from tracker.errors import InputError, NotFoundError
from tracker.record import Record

_DATES: dict[str, date] = {}


def _json() -> Any:
    import json  # only the commands that log an edit or undo need it

    return json


def to_date(value: Any) -> date | None:
    """A date from an ISO string (cached: the same few dates recur across thousands of rows)."""
    d = _DATES.get(value) if value.__class__ is str else None
    if d is not None:
        return d
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    key = str(value)[:10]
    d = _DATES.get(key)
    if d is None:
        d = _DATES[key] = date.fromisoformat(key)
    if value.__class__ is str and (len(key) == len(value) or len(_DATES) < 4096):  # dates, a few timestamps
        _DATES[value] = d
    return d


def fmt_num(x: float | None) -> str:
    """A number as people write it: 14, 2.5, 300."""
    if x is None:
        return "—"
    if float(x).is_integer():
        return str(int(x))
    return f"{x:.4f}".rstrip("0").rstrip(".")


def target_goal_text(t: dict[str, Any]) -> str:
    """The target as written, e.g. '≥256名', '2–3个', '≤9.3%', '截止 2023-09-30'."""
    measure = t.get("measure") or ""
    if t["kind"] == "deadline":
        return f"截止 {t.get('deadline') or ''}".strip()
    if t.get("comparator") == "range":
        return f"{fmt_num(t.get('min_value'))}–{fmt_num(t.get('max_value'))}{measure}"
    sign = {">=": "≥", "<=": "≤"}.get(t.get("comparator") or "=", "")
    return f"{sign}{fmt_num(t.get('value'))}{measure}"


class TaskView(Record):
    """A task with everything computed that lists, boards and reports show."""

    __slots__ = ("row", "targets", "children", "completion", "expected", "status", "start", "deadline", "done",
                 "open_target_due", "targets_deadline", "hold_until", "hold_state", "id")

    def __init__(self, row: dict[str, Any], targets: list[dict[str, Any]], id: int = -1) -> None:  # noqa: A002
        self.row = row
        self.targets = targets
        self.children: list[TaskView] = []
        self.completion = 0.0
        self.expected: float | None = None
        self.status = st.GREEN
        self.start: date | None = None
        self.deadline: date | None = None
        self.done = False
        self.open_target_due: date | None = None
        self.targets_deadline: date | None = None
        self.hold_until: date | None = None
        self.hold_state: int | None = None
        self.id = id  # the row's id (``build_views`` sets it: reports read it hundreds of thousands of times)

    @property
    def unit(self) -> str:
        return str(self.row["unit"])

    @property
    def is_top(self) -> bool:
        return self.row["parent_id"] is None

    def pace(self, rules: st.Rules) -> str:
        return st.pace(self.completion, self.expected, rules, self.done)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "unit": self.unit,
            "role": "配合" if self.row.get("role") == "assist" else "牵头",
            "plan_id": self.row["plan_id"],
            "parent_id": self.row["parent_id"],
            "label": self.row["label"],
            "title": self.row["title"],
            "owner": self.row["owner"],
            "start": self.start.isoformat() if self.start else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "status": self.status,
            "status_en": st.STATUS_EN[self.status],
            "progress": round(self.completion, 1),
            "expected": None if self.expected is None else round(self.expected, 1),
            "done_on": self.row["done_on"],
            "last_update_on": self.row["last_update_on"],
            "cancelled_on": self.row.get("cancelled_on"),
            "cancel_reason": self.row.get("cancel_reason"),
            "targets": [target_dict(t) for t in self.targets],
            "children": [ch.id for ch in self.children],
        }


def target_dict(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": t["id"],
        "kind": t["kind"],
        "value": t["value"],
        "min": t["min_value"],
        "max": t["max_value"],
        "comparator": t["comparator"],
        "measure": t["measure"],
        "subject": t["subject"],
        "commitment": t["commitment"],
        "deadline": t["deadline"],
        "start": t["start_value"],
        "start_source": t.get("start_source"),
        "current": t["current_value"],
        "completion": None if t.get("completion") is None else round(t["completion"], 1),
        "quote": t["quote"],
        "rule": t.get("rule") or st.CUMULATIVE,
        "every": t.get("every"),
        "periods_met": t.get("periods_met"),
        "periods_total": t.get("periods_total"),
        "next_due": t.get("next_due"),
        "met_on": t.get("met_on"),
        "held": t.get("held"),
    }


def rollup(row: dict[str, Any], targets: list[dict[str, Any]], children: list[float]) -> tuple[
        float, date | None, date | None, date | None, int | None]:
    """A task's completion, earliest unmet target deadline, latest target deadline, and the day
    until which it must hold a level with how it held (None, None without level targets).

    Also sets each target's ``completion`` (and ``ratio``, unclamped). The same function feeds live views and the stored
    rollup columns, so the two cannot disagree in how they count. A recurring target's open
    deadline is the end of its first unmet period, not the plan's end.
    """
    done = row["done_on"] is not None
    open_due: date | None = None
    latest: date | None = None
    hold_until: date | None = None
    hold_state: int | None = None
    for t in targets:
        ratio = t["ratio"] = st.raw_target_ratio(t, done)  # unclamped, for 超额完成 (reports)
        t["completion"] = None if ratio is None else st.clamp(ratio)  # st.target_completion
        rule = t.get("rule") or st.CUMULATIVE
        d = to_date(t["deadline"])
        if d is not None:
            latest = d if latest is None or d > latest else latest
        due = to_date(t.get("next_due")) if rule == st.RECURRING else d
        if rule == st.RECURRING and t.get("periods_total") is None:
            due = d  # not derived yet: its deadline
        if due is not None and (t["completion"] or 0) < 100 and (open_due is None or due < open_due):
            open_due = due
        if rule == st.LEVEL and t.get("kind") in st.NUMERIC_KINDS:
            until = to_date(t.get("next_due")) or d
            if until is not None:
                hold_until = until if hold_until is None or until > hold_until else hold_until
            held = t.get("held")
            if held is not None:
                hold_state = held if hold_state is None else min(hold_state, held)
    if hold_until is None:
        hold_state = None
    completion = st.task_completion(targets, row["percent"], children, done, measured=True)
    return completion, open_due, latest, hold_until, hold_state


def task_span(r: dict[str, Any], targets_deadline: date | None) -> tuple[date | None, date | None]:
    """A task's start and deadline: its own, else its plan's period (the deadline: its targets'
    latest first), the start at the latest the day it was created."""
    return (to_date(r["start_date"]) or to_date(r["period_start"]) or to_date(r["created_at"]),
            to_date(r["deadline"]) or targets_deadline or to_date(r["period_end"]))


def build_views(
    rows: list[dict[str, Any]], targets: list[dict[str, Any]] | None, today: date, rules: st.Rules
) -> dict[int, TaskView]:
    """Compute every task's completion and status; children are computed before parents.

    With ``targets`` None the stored rollup columns are used instead of the targets (every row
    must then have them; see ``load_views``).
    """
    by_task: dict[int, list[dict[str, Any]]] = {}
    for t in targets or []:
        by_task.setdefault(int(t["task_id"]), []).append(t)
    views = {(i := int(r["id"])): TaskView(row=r, targets=by_task.get(i, []), id=i) for r in rows}
    if targets is not None:
        for v in views.values():
            parent = v.row["parent_id"]
            if parent is not None and parent in views:
                views[parent].children.append(v)
    computed: set[int] = set()

    def compute(v: TaskView) -> None:
        if v.id in computed:
            return
        computed.add(v.id)
        r = v.row
        if targets is None:
            completion, open_due, latest = r["completion"], to_date(r["open_target_due"]), to_date(r["targets_deadline"])
            hold_until, hold_state = to_date(r.get("hold_until")), r.get("hold_state")
        else:
            for ch in v.children:
                compute(ch)
            completion, open_due, latest, hold_until, hold_state = rollup(
                r, v.targets, [c.completion for c in v.children])
        v.done = r["done_on"] is not None
        v.completion = completion
        v.open_target_due, v.targets_deadline = open_due, latest
        v.start, v.deadline = task_span(r, latest)
        v.expected = st.expected_progress(v.start, v.deadline, today)
        overdue_target = open_due is not None and open_due < today
        v.status = st.task_status(v.completion, v.start, v.deadline, today, rules, v.done, overdue_target,
                                  hold_until, hold_state)
        v.hold_until, v.hold_state = hold_until, hold_state

    for v in views.values():
        compute(v)
    return views


def load_views(
    c: Connection, ctx: Context, unit_id: int | None = None, plan_id: int | None = None, light: bool = False
) -> dict[int, TaskView]:
    """Views of the tasks in scope.

    ``light`` is for summaries (the board): it leaves out texts and reads the stored rollups
    instead of every target, unless some row has not been computed yet.
    """
    rows = store.task_rows(c, unit_id=unit_id, plan_id=plan_id, light=light)
    if light and all(r["completion"] is not None for r in rows):
        return build_views(rows, None, ctx.today, ctx.rules)
    targets = store.target_rows(c, unit_id=unit_id, plan_id=plan_id, light=light)
    return build_views(rows, targets, ctx.today, ctx.rules)


def refresh_plan_rollups(c: Connection, plan_id: int, today: date, rules: st.Rules) -> None:
    """Recompute the stored rollups of every current task of a plan in one pass (after an import)."""
    rows = store.task_rows(c, plan_id=plan_id, light=True)
    views = build_views(rows, store.target_rows(c, plan_id=plan_id, light=True), today, rules)
    store.set_rollups(c, [
        {"id": v.id, "c": v.completion, "o": v.open_target_due, "d": v.targets_deadline, "h": v.hold_until,
         "s": v.hold_state} for v in views.values()
        if (v.row["completion"], to_date(v.row["open_target_due"]), to_date(v.row["targets_deadline"]),
            to_date(v.row["hold_until"]), v.row["hold_state"])
        != (v.completion, v.open_target_due, v.targets_deadline, v.hold_until, v.hold_state)
    ])


def refresh_rollups(c: Connection, task_ids: list[int]) -> None:
    """Recompute the stored rollups of these tasks and of all their ancestors, deepest first.

    Runs inside the write transaction that changed the tasks. On PostgreSQL each row is locked
    before it is read, so two writers changing siblings cannot leave their parent stale. The
    tasks' rows, children and targets are read a few queries for all (a 填报 form touches
    hundreds of tasks), not a few queries per task.
    """
    depth: dict[int, int] = {}
    for tid, ancestors in store.ancestor_chains(c, list(dict.fromkeys(task_ids))).items():
        chain = [tid, *ancestors]
        for i, node in enumerate(chain):
            depth[node] = max(depth.get(node, 0), len(chain) - 1 - i)
    nodes = sorted(depth)
    inputs = store.rollups_inputs(c, nodes)
    children = store.children_rollups(c, nodes)
    targets: dict[int, list[dict[str, Any]]] = {tid: [] for tid in nodes}
    for t in store.targets_by_task_ids(c, nodes):
        targets[int(t["task_id"])].append(t)
    memo: dict[int, float] = {}
    updates: list[dict[str, Any]] = []

    def compute(tid: int) -> float:
        # a child outside the set whose rollup was never stored is read on its own
        row = inputs.get(tid) if tid in depth else store.rollups_inputs(c, [tid]).get(tid)
        if row is None:
            return 0.0
        kids = []
        for ch in children[tid] if tid in depth else store.children_rollups(c, [tid])[tid]:
            cid = int(ch["id"])
            if cid in memo:
                kids.append(memo[cid])
            elif ch["completion"] is not None and cid not in depth:
                kids.append(float(ch["completion"]))
            else:
                kids.append(compute(cid))
        own = targets[tid] if tid in depth else store.targets_of(c, tid)
        completion, open_due, latest, hold_until, hold_state = rollup(row, own, kids)
        updates.append({"id": tid, "c": completion, "o": open_due, "d": latest, "h": hold_until, "s": hold_state})
        memo[tid] = completion
        return completion

    for tid in sorted(depth, key=lambda n: -depth[n]):
        if tid not in memo and tid in inputs:
            compute(tid)
    store.set_rollups(c, updates)


def require_unit(c: Connection, name: str) -> dict[str, Any]:
    """A unit by its name, an alias, or the unique start of either (卫生 for 某县卫生健康局 is not a
    start; 某县卫 is)."""
    name = name.strip()
    unit = store.unit_by_name(c, name) if name else None
    if unit is None and name:
        found = store.units_with_prefix(c, name)
        if len(found) == 1:
            unit = found[0]
        elif len(found) > 1:
            names = "、".join(u["name"] for u in found[:10])
            raise InputError(f"单位“{name}”不唯一，可能是：{names}。请写出更完整的名称。")
    if unit is None:
        known = "、".join(u["name"] for u in store.units(c)[:20]) or "（尚无单位）"
        raise NotFoundError(f"未知单位：{name}。已有单位：{known}。可用 tracker unit add 添加，或导入计划。")
    return unit


def require_task(c: Connection, task_id: int) -> dict[str, Any]:
    row = store.task(c, task_id)
    if row is None:
        raise NotFoundError(f"任务不存在：编号 {task_id}（可用 tracker task list 查看任务编号）")
    return row


# -- listing -------------------------------------------------------------------------------
class TaskFilter(Record):
    """What `task list` narrows to (each field unset means any)."""

    def __init__(self, unit: str | None = None, status: str | None = None, due_before: date | None = None,
                 search: str | None = None, plan_id: int | None = None) -> None:
        self.unit = unit
        self.status = status
        self.due_before = due_before
        self.search = search
        self.plan_id = plan_id


def list_tasks(ctx: Context, flt: TaskFilter) -> list[TaskView]:
    """Tasks matching the filter, in plan order (children after their parents)."""

    def run(c: Connection) -> list[TaskView]:
        unit_id = require_unit(c, flt.unit)["id"] if flt.unit else None
        if flt.plan_id is not None and store.plan(c, flt.plan_id) is None:
            raise NotFoundError(f"计划不存在：编号 {flt.plan_id}（可用 tracker plan list 查看）")
        views = load_views(c, ctx, unit_id=unit_id, plan_id=flt.plan_id)
        ordered = ordered_views(views)
        if unit_id is not None:  # tasks the unit assists (配合), after those it leads (牵头)
            for v in ordered:
                v.row["role"] = "lead"
            ordered += _assisted_views(c, ctx, int(unit_id), flt.plan_id, views)
        needle = (flt.search or "").strip().lower()
        out = []
        for v in ordered:
            if flt.status and v.status != flt.status:
                continue
            if flt.due_before and (v.deadline is None or v.deadline > flt.due_before):
                continue
            if needle and needle not in (v.row["title"] + v.row["text"] + v.row["label"]).lower():
                continue
            out.append(v)
        return out

    return ctx.db.read(run)


def _assisted_views(c: Connection, ctx: Context, unit_id: int, plan_id: int | None,
                    led: dict[int, TaskView]) -> list[TaskView]:
    ids = [i for i in store.assisted_task_ids(c, unit_id) if i not in led]
    if not ids:
        return []
    rows = sorted((r for r in store.tasks_by_ids(c, ids) if r["vanished_at"] is None
                   and (plan_id is None or r["plan_id"] == plan_id)), key=lambda r: int(r["id"]))  # document order
    for r in rows:
        r["role"] = "assist"
    views = build_views(rows, store.targets_by_task_ids(c, [int(r["id"]) for r in rows]), ctx.today, ctx.rules)
    return [views[int(r["id"])] for r in rows]


def ordered_views(views: dict[int, TaskView]) -> list[TaskView]:
    """Depth-first plan order: each top-level task followed by its descendants."""
    out: list[TaskView] = []

    def walk(v: TaskView) -> None:
        out.append(v)
        for ch in sorted(v.children, key=lambda x: (x.row["position"], x.id)):
            walk(ch)

    tops = [v for v in views.values() if v.row["parent_id"] is None or v.row["parent_id"] not in views]
    for v in tops:  # rows already come in unit, plan, position order
        walk(v)
    return out


def depth_of(v: TaskView, views: dict[int, TaskView]) -> int:
    d, p = 0, v.row["parent_id"]
    while p is not None and p in views:
        d += 1
        p = views[p].row["parent_id"]
    return d


class TaskDetail(Record):
    """One task as `task show` prints it: its view, its log and its parent."""

    def __init__(self, view: TaskView, log: list[dict[str, Any]], parent: dict[str, Any] | None) -> None:
        self.view = view
        self.log = log
        self.parent = parent


def view_of(c: Connection, ctx: Context, task_id: int) -> TaskView:
    """One task's view with its current subtree (its children's completions roll up into it)."""
    ids = store.subtree_ids(c, task_id)
    rows = [r for r in store.tasks_by_ids(c, ids)
            if (r["vanished_at"] is None and r["cancelled_on"] is None) or r["id"] == task_id]
    return build_views(rows, store.targets_by_task_ids(c, ids), ctx.today, ctx.rules)[task_id]


def show_task(ctx: Context, task_id: int) -> TaskDetail:
    def run(c: Connection) -> TaskDetail:
        row = require_task(c, task_id)
        parent = store.task(c, row["parent_id"]) if row["parent_id"] else None
        return TaskDetail(view=view_of(c, ctx, task_id), log=store.progress_of(c, task_id), parent=parent)

    return ctx.db.read(run)


def task_log(ctx: Context, task_id: int) -> list[dict[str, Any]]:
    def run(c: Connection) -> list[dict[str, Any]]:
        require_task(c, task_id)
        return store.progress_of(c, task_id)

    return ctx.db.read(run)


# -- board ---------------------------------------------------------------------------------
class UnitSummary(Record):
    """One unit's line on the board."""

    def __init__(self, unit: str, counts: dict[str, int], total: int, completion: float, subs: int = 0,
                 cancelled: int = 0) -> None:
        self.unit = unit
        self.counts = counts
        self.total = total  # top-level items (``tracker.counting``)
        self.completion = completion
        self.subs = subs  # sub-items under them (counted into their completion, not beside them)
        self.cancelled = cancelled  # top-level tasks cancelled (撤销/调整): not in total, counted apart


def summarize(views: dict[int, TaskView] | list[TaskView]) -> dict[str, UnitSummary]:
    """Per-unit counts of each light and mean completion over top-level items (``tracker.counting``)."""
    from tracker import counting

    scope = views if isinstance(views, dict) else {v.id: v for v in views}
    return {unit: UnitSummary(unit, n.lights, n.tops, n.completion, n.subs)
            for unit, n in counting.count_by_unit(scope).items()}


def item_lights(rows: list[tuple[Any, ...]], today: date, rules: st.Rules,
                names: dict[int, str]) -> dict[str, UnitSummary]:
    """``summarize(build_views(…))`` for the board's rows of top-level items with stored rollups
    (``store.item_light_rows``), without building a view per item: the board's 5,000 items in a
    few milliseconds.

    The light is ``status.task_status`` over the same fields ``build_views`` reads; a test holds
    the board to the views' counts on a real database."""
    acc: dict[int, list[Any]] = {}
    task_status = st.task_status
    for unit_id, completion, start, created_at, deadline, done_on, open_due, hold_until, hold_state in rows:
        a = acc.get(unit_id)
        if a is None:
            a = acc[unit_id] = [{s: 0 for s in st.STATUSES}, 0, 0.0]
        due = to_date(open_due)
        light = task_status(completion, to_date(start) or to_date(created_at), to_date(deadline), today, rules,
                            done_on is not None, due is not None and due < today, to_date(hold_until), hold_state)
        a[0][light] += 1
        a[1] += 1
        a[2] += completion
    return {names[unit_id]: UnitSummary(names[unit_id], lights, n, total / n if n else 0.0)
            for unit_id, (lights, n, total) in acc.items()}


def board(ctx: Context) -> list[UnitSummary]:
    """Per unit, its lights, items, sub-items, completion and cancelled tasks, in unit order.

    On SQLite the board of a day is kept in the database with the version of the tables it was
    counted from (revision 0008: triggers count every change to task, plan and unit), and read
    back while the version, the day and the basis (rules and code, ``board_basis``) are the
    same: a board asked for again before anything changed reads 40 rows instead of working
    through every item. The version is read before the items, so a board counted while another
    process writes is never kept under a version older than what it read.
    """
    day, basis = ctx.today.isoformat(), board_basis(ctx.rules)

    def run(c: Connection) -> tuple[list[UnitSummary], int | None]:
        stamp = None if basis is None else store.board_version(c, day, basis)
        if stamp is not None and stamp[1] and basis is not None:
            kept = store.kept_board(c, stamp[0], day, basis)
            if kept:
                return [UnitSummary(unit, dict(zip(st.STATUSES, lights, strict=True)), total, completion, subs,
                                    cancelled)
                        for unit, *lights, total, completion, subs, cancelled in kept], None
        out, from_rollups = count_board(c, ctx)
        # kept only when counted from the rollups stored on the tasks, which the version covers
        return out, stamp[0] if stamp is not None and from_rollups else None

    out, version = ctx.db.read(run)
    if version is not None and basis is not None:
        rows = [(s.unit, *(s.counts[k] for k in st.STATUSES), s.total, s.completion, s.subs, s.cancelled)
                for s in out]
        ctx.db.write_if_free(lambda c: store.keep_board(c, version, day, basis, rows))
    return out


# The modules whose code counts the board: a kept board counted by other code (another release,
# an edited checkout) is not read back.
BOARD_CODE = (__file__, st.__file__, store.__file__)


def board_basis(rules: st.Rules) -> str | None:
    """What a board is counted with: the status rules, and the size and time of each module of
    ``BOARD_CODE`` (a few stat calls); None when a module is no file of its own (a zip)."""
    import os

    try:
        stats = [os.stat(path) for path in BOARD_CODE]
    except (OSError, TypeError):
        return None
    return repr(rules) + "|" + ",".join(f"{s.st_size}:{s.st_mtime_ns}" for s in stats)


def count_board(c: Connection, ctx: Context) -> tuple[list[UnitSummary], bool]:
    """The board counted from the items (``board`` without the kept copy), and whether it was
    counted from the rollups stored on them."""
    names = store.unit_names(c)
    rows = store.item_light_rows(c)
    subs: dict[int, int] | None = None
    if all(r[1] is not None for r in rows):  # completion: rolled up into the item
        # the items alone (their sub-items are rolled up into them), sub-items counted in SQL
        sums = item_lights(rows, ctx.today, ctx.rules, names)
        subs = store.sub_item_counts(c)
    else:  # rows migrated from before the rollup columns: compute them live
        sums = summarize(load_views(c, ctx, light=True))
    cancelled = store.cancelled_counts(c)
    out = []
    for unit_id, name in names.items():
        s = sums.get(name) or UnitSummary(name, {k: 0 for k in st.STATUSES}, 0, 0.0)
        if subs is not None:  # a unit's sub-items, also those under another unit's item
            s.subs = subs.get(unit_id, 0)
        s.cancelled = cancelled.get(unit_id, 0)
        out.append(s)
    return out, subs is not None


# -- numbers from the command line ---------------------------------------------------------------
def parse_number(text: str, what: str) -> float:
    """A finite number, full-width digits accepted; InputError with a Chinese message otherwise."""
    s = text.strip().translate(str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")).replace(",", "")
    if s.endswith("%"):
        s = s[:-1]
    try:
        x = float(s)
    except ValueError:
        raise InputError(f"{what}应为数字：{text!r}") from None
    if not math.isfinite(x):
        raise InputError(f"{what}应为有限的数字：{text!r}")
    return x


def parse_id(text: str, what: str = "任务编号") -> int:
    s = str(text).strip().lstrip("#")
    if not s.isdecimal():
        raise InputError(f"{what}应为正整数：{text!r}")
    return int(s)


# -- writing -------------------------------------------------------------------------------
def task_period(row: dict[str, Any]) -> tuple[date, date]:
    """The span a task's periods are counted in: its plan's period, else its own dates."""
    start = to_date(row.get("period_start")) or to_date(row.get("start_date")) or to_date(row.get("created_at"))
    assert start is not None
    end = (to_date(row.get("period_end")) or to_date(row.get("deadline")) or to_date(row.get("targets_deadline"))
           or date(start.year, 12, 31))
    return start, max(start, end)


def recompute(c: Connection, task_id: int) -> None:
    """Re-derive a task's current values (by each target's rule), percent and done date from its
    effective log."""
    rows = store.effective_progress(c, task_id)
    readings: dict[int, list[tuple[date, float]]] = {}
    percent = None
    done_on = None
    last_on = None
    for r in rows:
        if r["target_id"] is not None and r["value"] is not None:
            readings.setdefault(int(r["target_id"]), []).append((to_date(r["happened_on"]), r["value"]))  # type: ignore[arg-type]
        if r["percent"] is not None:
            percent = r["percent"]
        if r["action"] == "done":
            done_on = r["happened_on"]
        elif r["action"] == "reopen":
            done_on = None
        last_on = r["happened_on"] if last_on is None or r["happened_on"] > last_on else last_on
    task = store.task(c, task_id)
    assert task is not None
    start, end = task_period(task)
    for t in store.targets_of(c, task_id):
        derived = st.derive_target(t, readings.get(int(t["id"]), []), start, end)
        if (t.get("rule") or st.CUMULATIVE) == st.LEVEL:
            derived["next_due"] = to_date(t["deadline"]) or end
        changed = {k: v for k, v in derived.items()
                   if (to_date(t.get(k)) if k in ("next_due", "met_on") else t.get(k))
                   != (v if not isinstance(v, date) else v)}
        if changed:
            store.set_target_derived(c, int(t["id"]), **changed)
    store.update_task(c, task_id, percent=percent, done_on=done_on, last_update_on=last_on)


def _pick_target(targets: list[dict[str, Any]], index: int | None) -> dict[str, Any] | None:
    numeric = [t for t in targets if t["kind"] in st.NUMERIC_KINDS]
    if index is not None:
        if index < 1 or index > len(targets):
            raise InputError(f"指标序号 {index} 不存在：该任务共有 {len(targets)} 个指标（见 tracker task show）")
        chosen = targets[index - 1]
        if chosen["kind"] not in st.NUMERIC_KINDS:
            raise InputError(f"指标 {index} 是时间节点，不能记录数值；完成后请用 tracker task done")
        return chosen
    if len(numeric) == 1:
        return numeric[0]
    if not numeric:
        return None
    raise InputError(f"该任务有 {len(numeric)} 个数值指标，请用 --target 序号 指定（见 tracker task show）")


def check_value(target: dict[str, Any], value: float) -> None:
    if value < 0:
        raise InputError(f"数值不能为负数：{fmt_num(value)}")
    if target["kind"] == "percent" and value > 100:
        raise InputError(f"百分比指标的数值不能超过 100：{fmt_num(value)}")


def check_percent(p: float) -> None:
    if p < 0 or p > 100:
        raise InputError(f"完成百分比应在 0 到 100 之间：{fmt_num(p)}")


def target_name(t: dict[str, Any], index: int | None = None) -> str:
    """How a target is named in messages: its subject, else its words, else 指标 N."""
    name = t.get("subject") or t.get("quote") or (f"指标 {index}" if index else "指标")
    return f"“{name}”"


def earliest_day(row: dict[str, Any]) -> date | None:
    """The first day progress can be dated: the plan's start (or the task's own, if earlier)."""
    plan_start = to_date(row.get("period_start"))
    own = to_date(row.get("start_date"))
    if plan_start is None:
        return None
    return min(plan_start, own) if own is not None else plan_start


def check_day(ctx: Context, row: dict[str, Any], day: date, what: str = "进展日期") -> None:
    if day > ctx.today:
        raise InputError(f"{what}不能晚于今天（{ctx.today.isoformat()}）：{day.isoformat()}")
    first = earliest_day(row)
    if first is not None and day < first:
        raise InputError(f"{what}早于计划开始日期（{first.isoformat()}）：{day.isoformat()}。"
                         f"请检查 --on 的年份；计划《{row.get('plan_title') or ''}》从 {first.isoformat()} 开始。")


class UpdateResult(Record):
    """What recording one progress update did."""

    def __init__(self, update_id: int, task_id: int, target: dict[str, Any] | None, value: float | None,
                 percent: float | None, view: TaskView | None = None, current: float | None = None,
                 later: dict[str, Any] | None = None, correction: bool = False) -> None:
        self.update_id = update_id
        self.task_id = task_id
        self.target = target
        self.value = value
        self.percent = percent
        self.view = view  # the task's resulting state
        self.current = current  # the target's current value after the update
        self.later = later  # a later-dated record that stays the current value
        self.correction = correction


def _readings(c: Connection, task_id: int, target_id: int) -> list[dict[str, Any]]:
    return [r for r in store.effective_progress(c, task_id)
            if r["target_id"] is not None and int(r["target_id"]) == target_id and r["value"] is not None]


def _suspicious(target: dict[str, Any], new: float, prior: dict[str, Any] | None) -> str | None:
    """Why a value needs --correct: a cumulative value falling, or one far over its target."""
    rule = target.get("rule") or st.CUMULATIVE
    measure = target.get("measure") or ""
    name = target_name(target)
    if (rule in (st.CUMULATIVE, st.RECURRING) and target.get("comparator") != "<=" and prior is not None
            and new < prior["value"]):
        return (f"指标{name}的累计值从 {fmt_num(prior['value'])}{measure}（{str(prior['happened_on'])[:10]}）"
                f"降到 {fmt_num(new)}{measure}。累计值一般不会下降")
    goal = st.goal_of(target)
    if goal is not None and goal > 0 and new > 3 * goal:
        return f"数值 {fmt_num(new)}{measure} 超过指标{name}目标 {target_goal_text(target)} 的 3 倍，可能是输入错误"
    return None


def log_update(
    ctx: Context,
    task_id: int,
    *,
    target_index: int | None = None,
    value: float | None = None,
    add: float | None = None,
    percent: float | None = None,
    note: str | None = None,
    author: str | None = None,
    on: date | None = None,
    correct: bool = False,
) -> UpdateResult:
    """Append one progress row and bring the task's derived values in step, in one transaction.

    Refused: --percent on a task with numeric targets (its progress comes from them), a day
    before the plan's start or after today, and, without ``correct``, a cumulative value that
    falls or one over 3× its target. Such a value given with ``correct`` is kept as a correction.
    """
    given = [x for x in (value, add, percent) if x is not None]
    if len(given) > 1:
        raise InputError("--value、--add、--percent 只能选一个")
    if not given and not (note and note.strip()):
        raise InputError("请给出 --value、--add、--percent 之一，或用 --note 记录进展说明")
    if percent is not None:
        check_percent(percent)
    day = on or ctx.today
    if day > ctx.today:
        raise InputError(f"进展日期不能晚于今天（{ctx.today.isoformat()}）：{day.isoformat()}")
    who = ctx.current_user(author)

    def run(c: Connection) -> UpdateResult:
        row = require_task(c, task_id)
        check_day(ctx, row, day)
        targets = store.targets_of(c, task_id, lock=True)
        numeric = [(i, t) for i, t in enumerate(targets, 1) if t["kind"] in st.NUMERIC_KINDS]
        if percent is not None and numeric:
            listed = "；".join(f"{i}. {target_name(t, i)} {target_goal_text(t)}" for i, t in numeric[:5])
            raise InputError(
                f"任务 #{task_id} 有数值指标，进度按指标计算，--percent 不会改变它。请用 --value（最新累计值）"
                f"或 --add（增量）记录指标{'，并用 --target 序号 指定指标' if len(numeric) > 1 else ''}，"
                f"如：tracker task update {task_id} --target {numeric[0][0]} --value 数值。指标：{listed}")
        target = None
        new_value = None
        prior = later = None
        suspicious = None
        if value is not None or add is not None:
            target = _pick_target(targets, target_index)
            if target is None:
                raise InputError("该任务没有数值指标，请用 --percent 记录完成百分比")
            readings = _readings(c, task_id, int(target["id"]))
            span = st.period_of_day(target, day, *task_period(row))
            before = [r for r in readings if to_date(r["happened_on"]) <= day  # type: ignore[operator]
                      and (span is None or span[0] <= to_date(r["happened_on"]))]  # type: ignore[operator]
            prior = before[-1] if before else None
            later_rows = [r for r in readings if to_date(r["happened_on"]) > day]  # type: ignore[operator]
            later = later_rows[-1] if later_rows else None
            base = prior["value"] if prior is not None else 0.0
            new_value = value if value is not None else base + (add or 0)
            check_value(target, new_value)
            suspicious = _suspicious(target, new_value, prior)
            if suspicious and not correct:
                raise InputError(f"{suspicious}。如确为更正或确认无误，请加 --correct（或 --yes）再提交，"
                                 "本条将记为更正记录。")
        elif target_index is not None:
            target = _pick_target(targets, target_index)
        uid = store.insert_progress(
            c, task_id=task_id, target_id=target["id"] if target else None, action="update",
            value=new_value, percent=percent, note=(note or "").strip() or None, author=who,
            happened_on=day, recorded_at=ctx.now(), retracts_id=None, correction=1 if correct else None,
        )
        recompute(c, task_id)
        store.update_task(c, task_id, updated_at=ctx.now())
        refresh_rollups(c, [task_id])
        view = view_of(c, ctx, task_id)
        current = None
        if target is not None:
            current = next((t["current_value"] for t in view.targets if t["id"] == target["id"]), None)
        return UpdateResult(uid, task_id, target, new_value, percent, view=view, current=current,
                            later=later if new_value is not None else None, correction=correct)

    return ctx.db.write(run)


def mark_done(ctx: Context, task_id: int, note: str | None = None, author: str | None = None,
              on: date | None = None, target_index: int | None = None, yes: bool = False) -> int | None:
    """Log that a task (or one of its milestone / deadline targets) is done; returns the row id,
    or None when it was already done. A parent with red children needs ``yes``."""
    day = on or ctx.today
    if day > ctx.today:
        raise InputError(f"完成日期不能晚于今天（{ctx.today.isoformat()}）：{day.isoformat()}")
    who = ctx.current_user(author)

    def run(c: Connection) -> int | None:
        row = require_task(c, task_id)
        check_day(ctx, row, day, "完成日期")
        if target_index is not None:
            targets = store.targets_of(c, task_id, lock=True)
            if not 1 <= target_index <= len(targets):
                raise InputError(f"指标序号 {target_index} 不存在：该任务共有 {len(targets)} 个指标（见 tracker task show）")
            t = targets[target_index - 1]
            if t["kind"] != "deadline" and (t.get("rule") or st.CUMULATIVE) != st.MILESTONE:
                raise InputError(f"指标 {target_index} 是数值指标，请用 tracker task update {task_id} "
                                 f"--target {target_index} --value 数值 记录")
            if t.get("met_on"):
                return None
            uid = store.insert_progress(
                c, task_id=task_id, target_id=t["id"], action="update", value=1.0, percent=None,
                note=(note or "").strip() or None, author=who, happened_on=day, recorded_at=ctx.now(),
                retracts_id=None,
            )
        else:
            if row["done_on"] is not None:
                return None
            if not yes:
                red = [v for v in view_of(c, ctx, task_id).children if v.status == st.RED]
                if red:
                    names = "、".join(f"#{v.id} {v.row['title']}" for v in red[:5])
                    raise InputError(f"任务 #{task_id} 还有 {len(red)} 项红灯子任务（{names}）。"
                                     "确认整项任务已完成，请加 --yes 再提交。")
            uid = store.insert_progress(
                c, task_id=task_id, target_id=None, action="done", value=None, percent=None,
                note=(note or "").strip() or None, author=who,
                happened_on=day, recorded_at=ctx.now(), retracts_id=None,
            )
        recompute(c, task_id)
        store.update_task(c, task_id, updated_at=ctx.now())
        refresh_rollups(c, [task_id])
        return uid

    return ctx.db.write(run)


# -- undo ------------------------------------------------------------------------------------------
UNDOABLE = ("update", "done", "reopen", "edit", "retract", "cancel")


class UndoResult(Record):
    """What undoing one log entry did."""

    def __init__(self, entry: dict[str, Any], undo_id: int, said: str, view: TaskView | None = None) -> None:
        self.entry = entry  # the entry undone
        self.undo_id = undo_id  # the new row that records the undo
        self.said = said  # what was undone, in words
        self.view = view


def _describe_entry(e: dict[str, Any]) -> str:
    action = e["action"]
    if action == "edit":
        return f"修改（{e.get('note') or ''}）"
    if action == "retract":
        return f"撤销（{e.get('note') or ''}）"
    if action == "done":
        return "标记完成"
    if action == "cancel":
        return f"撤销任务（{e.get('note') or ''}）"
    parts = []
    if e.get("value") is not None:
        parts.append(f"数值 {fmt_num(e['value'])}")
    if e.get("percent") is not None:
        parts.append(f"完成 {fmt_num(e['percent'])}%")
    if e.get("note"):
        parts.append(f"说明“{e['note']}”")
    return "进展：" + ("，".join(parts) or "—")


def _apply_changes(c: Connection, task_id: int, changes: dict[str, Any], direction: int, now: Any) -> None:
    """Set the fields of an edit's (or a cancel's) changes to their old (direction 0) or new (1)
    values; a cancel's cover the task's whole subtree."""
    fields = {k: v[direction] for k, v in changes.get("task", {}).items()}
    if fields:
        for tid in changes.get("subtree") or [task_id]:
            store.update_task(c, int(tid), updated_at=now, **fields)
    for tid, pair in changes.get("targets", {}).items():
        store.update_target(c, int(tid), deadline=pair[direction])


def _check_still(c: Connection, task_id: int, changes: dict[str, Any], direction: int, entry_id: int) -> None:
    """Refuse to undo an edit whose fields were changed again since (undo that change first)."""
    row = store.task(c, task_id)
    assert row is not None
    for k, pair in changes.get("task", {}).items():
        have = row[k]
        if str(have or "")[:10 if k in ("deadline", "start_date") else None] != str(pair[direction] or ""):
            raise InputError(f"记录 #{entry_id} 修改的字段之后又被修改过，请先撤销之后的修改（见 tracker task log {task_id}）")


def undo(ctx: Context, entry_id: int | None = None, author: str | None = None) -> UndoResult | None:
    """Undo one log entry, recorded as a new row (the entry itself is kept).

    Without ``entry_id``: the newest entry of the current user that is not an undo and not undone
    yet (None when there is none). With it: that entry, whoever made it; an undo named this way is
    itself undone (the entry it undid counts again).
    """
    who = ctx.current_user(author)

    def run(c: Connection) -> UndoResult | None:
        if entry_id is None:
            entry = store.last_undoable(c, who)
            if entry is None:
                return None
        else:
            entry = store.progress_entry(c, entry_id)
            if entry is None:
                raise NotFoundError(f"记录不存在：#{entry_id}（可用 tracker log 或 tracker task log 查看记录编号）")
            if entry["action"] not in UNDOABLE:
                raise InputError(f"记录 #{entry_id} 不能撤销")
            if entry["undone_by"] or entry["retracted_by"]:
                raise InputError(f"记录 #{entry_id} 已于记录 #{entry['undone_by'] or entry['retracted_by']} 撤销，"
                                 f"要恢复它请撤销那条：tracker undo {entry['undone_by'] or entry['retracted_by']}")
        task_id = int(entry["task_id"])
        require_task(c, task_id)
        now = ctx.now()
        base = dict(task_id=task_id, author=who, happened_on=ctx.today, recorded_at=now, undoes_id=entry["id"])
        said = f"记录 #{entry['id']}（任务 #{task_id}，{_describe_entry(entry)}，{entry['author'] or '—'}）"
        if entry["action"] in ("update", "done", "reopen"):
            uid = store.insert_progress(c, **{**base, "target_id": entry["target_id"], "action": "retract",
                                              "value": None, "percent": None, "note": f"撤销记录 #{entry['id']}",
                                              "retracts_id": entry["id"]})
        elif entry["action"] == "cancel":
            changes = _json().loads(entry["changes"] or "{}")
            _apply_changes(c, task_id, changes, 0, now)
            uid = store.insert_progress(c, **{**base, "target_id": None, "action": "retract", "value": None,
                                              "percent": None, "note": f"撤销记录 #{entry['id']}（恢复任务）",
                                              "retracts_id": entry["id"], "changes": entry["changes"]})
        elif entry["action"] == "edit":
            changes = _json().loads(entry["changes"] or "{}")
            if not changes:
                raise InputError(f"记录 #{entry['id']} 是早期版本的修改，没有保存修改前的值，无法撤销")
            _check_still(c, task_id, changes, 1, int(entry["id"]))
            _apply_changes(c, task_id, changes, 0, now)
            uid = store.insert_progress(c, **{**base, "target_id": None, "action": "retract", "value": None,
                                              "percent": None, "note": f"撤销修改 #{entry['id']}：{entry['note']}",
                                              "retracts_id": entry["id"], "changes": entry["changes"]})
        else:  # an undo: bring back what it undid
            original = store.progress_entry(c, int(entry["undoes_id"] or entry["retracts_id"]))
            assert original is not None
            if original["action"] in ("edit", "cancel"):
                changes = _json().loads(original["changes"] or "{}")
                if original["action"] == "edit":
                    _check_still(c, task_id, changes, 0, int(entry["id"]))
                _apply_changes(c, task_id, changes, 1, now)
                uid = store.insert_progress(c, **{**base, "target_id": None, "action": original["action"],
                                                  "value": None,
                                                  "percent": None, "note": original["note"],
                                                  "retracts_id": None, "changes": original["changes"]})
            else:
                uid = store.insert_progress(c, **{**base, "target_id": original["target_id"],
                                                  "action": original["action"], "value": original["value"],
                                                  "percent": original["percent"], "note": original["note"],
                                                  "happened_on": original["happened_on"], "retracts_id": None,
                                                  "correction": original["correction"]})
            said = f"撤销记录 #{entry['id']}，恢复记录 #{original['id']}（{_describe_entry(original)}）"
        recompute(c, task_id)
        store.update_task(c, task_id, updated_at=now)
        parent = store.task(c, task_id)
        refresh_rollups(c, [task_id] + ([int(parent["parent_id"])] if parent and parent["parent_id"] else []))
        return UndoResult(entry=entry, undo_id=uid, said=said, view=view_of(c, ctx, task_id))

    return ctx.db.write(run)


def undo_last(ctx: Context, author: str | None = None) -> dict[str, Any] | None:
    """The newest entry of ``author`` (or the current user) undone; None when nothing to undo."""
    res = undo(ctx, None, author)
    return None if res is None else res.entry


class NewTarget(Record):
    """A target the user adds to a task by hand."""

    def __init__(self, kind: str, value: float | None = None, min_value: float | None = None,
                 max_value: float | None = None, comparator: str = "=", measure: str | None = None,
                 subject: str | None = None, commitment: str | None = None, deadline: date | None = None,
                 start_value: float | None = None, quote: str | None = None, rule: str = st.CUMULATIVE,
                 every: str | None = None) -> None:
        self.kind = kind
        self.value = value
        self.min_value = min_value
        self.max_value = max_value
        self.comparator = comparator
        self.measure = measure
        self.subject = subject
        self.commitment = commitment
        self.deadline = deadline
        self.start_value = start_value
        self.quote = quote
        self.rule = rule
        self.every = every


def targets_from_phrase(phrase: str, start: date, end: date) -> list[NewTarget]:
    """Read a --target phrase with the plan importer's number and kind rules."""
    from tracker.extract import parse_target_phrase
    from tracker.extract.kinds import classify_targets

    specs = classify_targets(parse_target_phrase(phrase, period_start=start, period_end=end), phrase, start, end)
    if not specs:
        raise InputError(f"未能从 --target 中读出指标：{phrase!r}（例如：建设14家社康机构、管理率达到100%）")
    return [new_target_from_spec(s) for s in specs]


def new_target_from_spec(s: Any) -> NewTarget:
    return NewTarget(
        kind=s.kind, value=s.value, min_value=s.min, max_value=s.max, comparator=s.comparator,
        measure=s.unit, subject=s.subject, commitment=s.commitment,
        deadline=s.deadline or (s.date if s.kind == "deadline" else None), quote=s.quote,
        rule=getattr(s, "rule", None) or st.CUMULATIVE, every=getattr(s, "every", None),
    )


def insert_targets(c: Connection, task_id: int, targets: list[NewTarget], first_position: int = 0) -> None:
    store.insert_targets(c, [
        {"task_id": task_id, "position": first_position + i, "kind": t.kind, "value": t.value,
         "min_value": t.min_value, "max_value": t.max_value, "comparator": t.comparator, "measure": t.measure,
         "subject": t.subject, "commitment": t.commitment, "deadline": t.deadline, "start_value": t.start_value,
         "current_value": None, "quote": t.quote, "rule": t.rule, "every": t.every}
        for i, t in enumerate(targets)
    ])


def add_task(
    ctx: Context,
    title: str,
    *,
    unit: str | None = None,
    parent_id: int | None = None,
    due: date | None = None,
    owner: str | None = None,
    targets: list[NewTarget] | None = None,
    text: str = "",
) -> int:
    """Create a hand-made task (optionally a child) with its targets."""
    if not title.strip():
        raise InputError("任务标题不能为空")
    for t in targets or []:
        for v in (t.value, t.min_value, t.max_value):
            if v is not None and v < 0:
                raise InputError(f"指标数值不能为负数：{fmt_num(v)}")
        if t.kind == "percent" and t.value is not None and t.value > 100:
            raise InputError(f"百分比指标不能超过 100：{fmt_num(t.value)}")

    def run(c: Connection) -> int:
        plan_id = None
        if parent_id is not None:
            parent = require_task(c, parent_id)
            if unit and parent["unit"] != unit.strip():
                raise InputError(f"上级任务属于{parent['unit']}，与 --unit {unit} 不一致")
            unit_id, plan_id = parent["unit_id"], parent["plan_id"]
        elif unit:
            unit_id = require_unit(c, unit)["id"]
        else:
            raise InputError("请用 --unit 指定单位，或用 --parent 指定上级任务")
        now = ctx.now()
        task_id = store.insert_task(
            c, plan_id=plan_id, unit_id=unit_id, parent_id=parent_id,
            position=store.next_position(c, plan_id, parent_id, unit_id), label="", title=title.strip(),
            text=text or title.strip(), owner=owner, start_date=None if plan_id else ctx.today,
            deadline=due, percent=None, done_on=None, last_update_on=None, vanished_at=None,
            created_at=now, updated_at=now,
        )
        insert_targets(c, task_id, targets or [])
        refresh_rollups(c, [task_id])
        return task_id

    return ctx.db.write(run)


def edit_task(ctx: Context, task_id: int, author: str | None = None, **changes: Any) -> list[str]:
    """Change a task's fields; the change is logged as an 'edit' row that keeps the old and new
    values (so ``undo`` can take it back). Returns what changed.

    The old deadline and start shown are the ones in force (from the targets or the plan when the
    task has none of its own). A deadline before the start is refused; target deadlines that were
    the task's deadline move with it.
    """
    labels = {"title": "标题", "text": "正文", "owner": "责任人", "deadline": "截止日期",
              "start_date": "开始日期", "label": "编号"}
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise InputError("没有要修改的内容（可用 --title、--due、--owner、--start、--text、--label）")
    if "title" in changes and not str(changes["title"]).strip():
        raise InputError("任务标题不能为空")

    def run(c: Connection) -> list[str]:
        row = require_task(c, task_id)
        view = view_of(c, ctx, task_id)
        shown = {"deadline": view.deadline, "start_date": view.start}
        new_start = changes.get("start_date") or view.start
        new_deadline = changes.get("deadline") or view.deadline
        if new_start is not None and new_deadline is not None and new_deadline < new_start:
            if "deadline" in changes:
                raise InputError(f"截止日期 {new_deadline.isoformat()} 早于任务开始日期 {new_start.isoformat()}，"
                                 "未修改。如开始日期也要调整，请同时给出 --start。")
            raise InputError(f"开始日期 {new_start.isoformat()} 晚于截止日期 {new_deadline.isoformat()}，未修改")
        said = []
        task_changes: dict[str, list[Any]] = {}
        for k, v in changes.items():
            new = v.isoformat() if isinstance(v, date) else v
            old_shown = shown.get(k, row[k])
            old_shown = old_shown.isoformat() if isinstance(old_shown, date) else old_shown
            if row[k] == new or old_shown == new:
                continue  # nothing changes (a deadline already in force stays as it is)
            said.append(f"{labels[k]}：{old_shown or '（空）'} → {new}")
            task_changes[k] = [row[k], new]
        target_changes: dict[str, list[Any]] = {}
        if "deadline" in task_changes and view.deadline is not None:
            old_day = view.deadline.isoformat()
            for t in store.targets_of(c, task_id):
                if t["deadline"] is not None and str(t["deadline"])[:10] == old_day and old_day != task_changes["deadline"][1]:
                    target_changes[str(t["id"])] = [t["deadline"], task_changes["deadline"][1]]
            if target_changes:
                said.append(f"{len(target_changes)} 个指标的时限随之改为 {task_changes['deadline'][1]}")
        if not task_changes:
            return []
        record = {"task": task_changes, "targets": target_changes}
        _apply_changes(c, task_id, record, 1, ctx.now())
        store.insert_progress(
            c, task_id=task_id, target_id=None, action="edit", value=None, percent=None,
            note="；".join(said) or "修改", author=ctx.current_user(author), happened_on=ctx.today,
            recorded_at=ctx.now(), retracts_id=None, changes=_json().dumps(record, ensure_ascii=False),
        )
        if target_changes:
            recompute(c, task_id)
        refresh_rollups(c, [task_id])
        return said

    return ctx.db.write(run)


def add_unit(ctx: Context, name: str, contact: str | None = None) -> int:
    name = name.strip()
    if not name:
        raise InputError("单位名称不能为空")

    def run(c: Connection) -> int:
        if store.unit_by_name(c, name):
            raise InputError(f"单位已存在：{name}")
        return store.insert_unit(c, name, ctx.now(), contact)

    return ctx.db.write(run)


def list_units(ctx: Context) -> list[dict[str, Any]]:
    def run(c: Connection) -> list[dict[str, Any]]:
        rows = store.units(c)
        for r in rows:
            r["aliases"] = store.unit_aliases(c, int(r["id"]))
        return rows

    return ctx.db.read(run)


def rename_unit(ctx: Context, old: str, new: str) -> dict[str, Any]:
    """Give a unit a new name; the old one stays as an alias (imports and commands still find it)."""
    new = new.strip()
    if not new:
        raise InputError("新的单位名称不能为空")

    def run(c: Connection) -> dict[str, Any]:
        unit = require_unit(c, old)
        other = store.unit_by_name(c, new)
        if other is not None and other["id"] != unit["id"]:
            raise InputError(f"已有单位“{other['name']}”；要把两个单位合并，请用 tracker unit merge {unit['name']} "
                             f"--into {other['name']}")
        if unit["name"] != new:
            store.rename_unit(c, int(unit["id"]), new)
            store.insert_alias(c, int(unit["id"]), unit["name"], ctx.now())
        return {"id": unit["id"], "old": unit["name"], "name": new}

    return ctx.db.write(run)


def merge_units(ctx: Context, source: str, into: str) -> dict[str, Any]:
    """Move every plan and task of ``source`` into ``into``; ``source``'s name becomes an alias."""

    def run(c: Connection) -> dict[str, Any]:
        a, b = require_unit(c, source), require_unit(c, into)
        if a["id"] == b["id"]:
            raise InputError(f"“{source}”和“{into}”是同一个单位：{a['name']}")
        moved = store.move_unit(c, int(a["id"]), int(b["id"]))
        store.insert_alias(c, int(b["id"]), a["name"], ctx.now())
        return {"from": a["name"], "into": b["name"], **moved}

    return ctx.db.write(run)


def add_alias(ctx: Context, unit: str, alias: str) -> dict[str, Any]:
    alias = alias.strip()
    if not alias:
        raise InputError("别名不能为空")

    def run(c: Connection) -> dict[str, Any]:
        u = require_unit(c, unit)
        other = store.unit_by_name(c, alias)
        if other is not None and other["id"] != u["id"]:
            raise InputError(f"“{alias}”已是单位“{other['name']}”的名称或别名")
        if other is None:
            store.insert_alias(c, int(u["id"]), alias, ctx.now())
        return {"unit": u["name"], "alias": alias}

    return ctx.db.write(run)


# -- cancelling ---------------------------------------------------------------------------------
CANCEL_REASONS = ("撤销", "调整")


def cancel_task(ctx: Context, task_id: int, reason: str, note: str | None = None,
                author: str | None = None) -> int:
    """Cancel a task (撤销: dropped; 调整: replaced by another arrangement): kept with its log, left
    out of the board and the lists, logged as a 'cancel' entry that ``undo`` takes back."""
    reason = reason.strip()
    if reason not in CANCEL_REASONS:
        raise InputError(f"撤销原因应为 {'或'.join(CANCEL_REASONS)}：{reason!r}（用 --note 写明具体情况）")
    if not (note or "").strip():
        raise InputError("请用 --note 写明撤销或调整的依据（如：县政府常务会议决定调整）")

    def run(c: Connection) -> int:
        row = require_task(c, task_id)
        if row["cancelled_on"] is not None:
            raise InputError(f"任务 #{task_id} 已于 {row['cancelled_on']} {row['cancel_reason']}")
        ids = store.subtree_ids(c, task_id)
        record = {"task": {"cancelled_on": [None, ctx.today.isoformat()], "cancel_reason": [None, reason]},
                  "subtree": ids}
        for tid in ids:
            store.update_task(c, tid, cancelled_on=ctx.today, cancel_reason=reason, updated_at=ctx.now())
        uid = store.insert_progress(
            c, task_id=task_id, target_id=None, action="cancel", value=None, percent=None,
            note=f"{reason}：{(note or '').strip()}", author=ctx.current_user(author), happened_on=ctx.today,
            recorded_at=ctx.now(), retracts_id=None, changes=_json().dumps(record, ensure_ascii=False),
        )
        if row["parent_id"] is not None:
            refresh_rollups(c, [int(row["parent_id"])])
        return uid

    return ctx.db.write(run)


# -- the change log --------------------------------------------------------------------------------
def change_log(ctx: Context, since: date | None = None, unit: str | None = None,
               by: str | None = None) -> list[dict[str, Any]]:
    """Every logged change (updates, corrections, done, edits, undos, cancels, imports) in one
    stream, oldest first, optionally since a day, for one unit or by one person."""

    def run(c: Connection) -> list[dict[str, Any]]:
        unit_id = int(require_unit(c, unit)["id"]) if unit else None
        return store.change_log(c, since, unit_id, (by or "").strip() or None)

    return ctx.db.read(run)
