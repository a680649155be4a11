"""Tasks: computed views (completion, expected progress, traffic light) and logged changes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker import status as st
from tracker import store
from tracker.context import Context
from tracker.db import Connection
from tracker.errors import InputError, NotFoundError

_DATES: dict[str, date] = {}


def to_date(value: Any) -> date | None:
    """A date from an ISO string (cached: the same few dates recur across thousands of rows)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    key = str(value)[:10]
    d = _DATES.get(key)
    if d is None:
        d = _DATES[key] = date.fromisoformat(key)
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


@dataclass
class TaskView:
    """A task with everything computed that lists, boards and reports show."""

    row: dict[str, Any]
    targets: list[dict[str, Any]]
    children: list[TaskView] = field(default_factory=list)
    completion: float = 0.0
    expected: float | None = None
    status: str = st.GREEN
    start: date | None = None
    deadline: date | None = None
    done: bool = False
    open_target_due: date | None = None
    targets_deadline: date | None = None

    @property
    def id(self) -> int:
        return int(self.row["id"])

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
        "current": t["current_value"],
        "completion": None if t.get("completion") is None else round(t["completion"], 1),
        "quote": t["quote"],
    }


def rollup(row: dict[str, Any], targets: list[dict[str, Any]], children: list[float]) -> tuple[
        float, date | None, date | None]:
    """A task's completion, earliest unmet target deadline and latest target deadline.

    Also sets each target's ``completion``. The same function feeds live views and the stored
    rollup columns, so the two cannot disagree in how they count.
    """
    done = row["done_on"] is not None
    open_due: date | None = None
    latest: date | None = None
    for t in targets:
        t["completion"] = st.target_completion(t, done)
        d = to_date(t["deadline"])
        if d is not None:
            latest = d if latest is None or d > latest else latest
            if (t["completion"] or 0) < 100 and (open_due is None or d < open_due):
                open_due = d
    completion = st.task_completion(targets, row["percent"], children, done, measured=True)
    return completion, open_due, latest


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
    views = {int(r["id"]): TaskView(row=r, targets=by_task.get(int(r["id"]), [])) for r in rows}
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
        else:
            for ch in v.children:
                compute(ch)
            completion, open_due, latest = rollup(r, v.targets, [c.completion for c in v.children])
        v.done = r["done_on"] is not None
        v.completion = completion
        v.open_target_due, v.targets_deadline = open_due, latest
        v.deadline = to_date(r["deadline"]) or latest or to_date(r["period_end"])
        v.start = to_date(r["start_date"]) or to_date(r["period_start"]) or to_date(r["created_at"])
        v.expected = st.expected_progress(v.start, v.deadline, today)
        overdue_target = open_due is not None and open_due < today
        v.status = st.task_status(v.completion, v.start, v.deadline, today, rules, v.done, overdue_target)

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
        {"id": v.id, "c": v.completion, "o": v.open_target_due, "d": v.targets_deadline} for v in views.values()
        if (v.row["completion"], to_date(v.row["open_target_due"]), to_date(v.row["targets_deadline"]))
        != (v.completion, v.open_target_due, v.targets_deadline)
    ])


def refresh_rollups(c: Connection, task_ids: list[int]) -> None:
    """Recompute the stored rollups of these tasks and of all their ancestors, deepest first.

    Runs inside the write transaction that changed the tasks. On PostgreSQL each row is locked
    before it is read, so two writers changing siblings cannot leave their parent stale.
    """
    depth: dict[int, int] = {}
    for tid in task_ids:
        chain = [tid, *store.ancestor_ids(c, tid)]
        for i, node in enumerate(chain):
            depth[node] = max(depth.get(node, 0), len(chain) - 1 - i)
    memo: dict[int, float] = {}

    def compute(tid: int) -> float:
        row = store.rollup_inputs(c, tid)
        if row is None:
            return 0.0
        kids = []
        for ch in store.child_rollups(c, tid):
            cid = int(ch["id"])
            if cid in memo:
                kids.append(memo[cid])
            elif ch["completion"] is not None and cid not in depth:
                kids.append(float(ch["completion"]))
            else:
                kids.append(compute(cid))
        completion, open_due, latest = rollup(row, store.targets_of(c, tid), kids)
        store.set_rollup(c, tid, completion, open_due, latest)
        memo[tid] = completion
        return completion

    for tid in sorted(depth, key=lambda n: -depth[n]):
        if tid not in memo:
            compute(tid)


def require_unit(c: Connection, name: str) -> dict[str, Any]:
    unit = store.unit_by_name(c, name.strip())
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
@dataclass
class TaskFilter:
    unit: str | None = None
    status: str | None = None
    due_before: date | None = None
    search: str | None = None
    plan_id: int | None = None


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


@dataclass
class TaskDetail:
    view: TaskView
    log: list[dict[str, Any]]
    parent: dict[str, Any] | None


def show_task(ctx: Context, task_id: int) -> TaskDetail:
    def run(c: Connection) -> TaskDetail:
        row = require_task(c, task_id)
        ids = store.subtree_ids(c, task_id)
        rows = [r for r in store.tasks_by_ids(c, ids) if r["vanished_at"] is None or r["id"] == task_id]
        views = build_views(rows, store.targets_by_task_ids(c, ids), ctx.today, ctx.rules)
        parent = store.task(c, row["parent_id"]) if row["parent_id"] else None
        return TaskDetail(view=views[task_id], log=store.progress_of(c, task_id), parent=parent)

    return ctx.db.read(run)


def task_log(ctx: Context, task_id: int) -> list[dict[str, Any]]:
    def run(c: Connection) -> list[dict[str, Any]]:
        require_task(c, task_id)
        return store.progress_of(c, task_id)

    return ctx.db.read(run)


# -- board ---------------------------------------------------------------------------------
@dataclass
class UnitSummary:
    unit: str
    counts: dict[str, int]
    total: int
    completion: float


def summarize(views: list[TaskView]) -> dict[str, UnitSummary]:
    """Per-unit counts of each light and mean completion over top-level tasks."""
    out: dict[str, UnitSummary] = {}
    for v in views:
        if not v.is_top:
            continue
        s = out.setdefault(v.unit, UnitSummary(v.unit, {k: 0 for k in st.STATUSES}, 0, 0.0))
        s.counts[v.status] += 1
        s.total += 1
        s.completion += v.completion
    for s in out.values():
        s.completion = s.completion / s.total if s.total else 0.0
    return out


def board(ctx: Context) -> list[UnitSummary]:
    def run(c: Connection) -> list[UnitSummary]:
        rows = store.top_level_rollups(c)
        if all(r["completion"] is not None for r in rows):
            views = build_views(rows, None, ctx.today, ctx.rules)
        else:  # rows migrated from before the rollup columns: compute them live
            views = load_views(c, ctx, light=True)
        sums = summarize(list(views.values()))
        return [sums.get(u["name"]) or UnitSummary(u["name"], {k: 0 for k in st.STATUSES}, 0, 0.0)
                for u in store.units(c)]

    return ctx.db.read(run)


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
    if not s.isdigit():
        raise InputError(f"{what}应为正整数：{text!r}")
    return int(s)


# -- writing -------------------------------------------------------------------------------
def recompute(c: Connection, task_id: int) -> None:
    """Re-derive a task's current values, percent and done date from its effective log."""
    rows = store.effective_progress(c, task_id)
    values: dict[int, float | None] = {}
    percent = None
    done_on = None
    last_on = None
    for r in rows:
        if r["target_id"] is not None and r["value"] is not None:
            values[int(r["target_id"])] = r["value"]
        if r["percent"] is not None:
            percent = r["percent"]
        if r["action"] == "done":
            done_on = r["happened_on"]
        elif r["action"] == "reopen":
            done_on = None
        last_on = r["happened_on"] if last_on is None or r["happened_on"] > last_on else last_on
    for t in store.targets_of(c, task_id):
        new = values.get(int(t["id"]))
        if new != t["current_value"]:
            store.set_target_current(c, int(t["id"]), new)
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


@dataclass
class UpdateResult:
    update_id: int
    task_id: int
    target: dict[str, Any] | None
    value: float | None
    percent: float | None


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
) -> UpdateResult:
    """Append one progress row and bring the task's derived values in step, in one transaction."""
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
    who = (author or ctx.default_author()).strip() or ctx.default_author()

    def run(c: Connection) -> UpdateResult:
        require_task(c, task_id)
        targets = store.targets_of(c, task_id, lock=True)
        target = None
        new_value = None
        if value is not None or add is not None:
            target = _pick_target(targets, target_index)
            if target is None:
                raise InputError("该任务没有数值指标，请用 --percent 记录完成百分比")
            new_value = value if value is not None else (target["current_value"] or 0) + (add or 0)
            check_value(target, new_value)
        elif target_index is not None:
            target = _pick_target(targets, target_index)
        uid = store.insert_progress(
            c, task_id=task_id, target_id=target["id"] if target else None, action="update",
            value=new_value, percent=percent, note=(note or "").strip() or None, author=who,
            happened_on=day, recorded_at=ctx.now(), retracts_id=None,
        )
        recompute(c, task_id)
        store.update_task(c, task_id, updated_at=ctx.now())
        refresh_rollups(c, [task_id])
        return UpdateResult(uid, task_id, target, new_value, percent)

    return ctx.db.write(run)


def mark_done(ctx: Context, task_id: int, note: str | None = None, author: str | None = None,
              on: date | None = None) -> int | None:
    """Log that a task is done; returns the row id, or None when it was already done."""
    day = on or ctx.today
    if day > ctx.today:
        raise InputError(f"完成日期不能晚于今天（{ctx.today.isoformat()}）：{day.isoformat()}")

    def run(c: Connection) -> int | None:
        row = require_task(c, task_id)
        if row["done_on"] is not None:
            return None
        uid = store.insert_progress(
            c, task_id=task_id, target_id=None, action="done", value=None, percent=None,
            note=(note or "").strip() or None, author=author or ctx.default_author(),
            happened_on=day, recorded_at=ctx.now(), retracts_id=None,
        )
        recompute(c, task_id)
        store.update_task(c, task_id, updated_at=ctx.now())
        refresh_rollups(c, [task_id])
        return uid

    return ctx.db.write(run)


def undo_last(ctx: Context, author: str | None = None) -> dict[str, Any] | None:
    """Retract the newest update (recorded as a new 'retract' row); None when nothing to undo."""

    def run(c: Connection) -> dict[str, Any] | None:
        last = store.last_retractable(c, author)
        if last is None:
            return None
        store.insert_progress(
            c, task_id=last["task_id"], target_id=last["target_id"], action="retract", value=None,
            percent=None, note=f"撤销记录 #{last['id']}", author=author or ctx.default_author(),
            happened_on=ctx.today, recorded_at=ctx.now(), retracts_id=last["id"],
        )
        recompute(c, int(last["task_id"]))
        refresh_rollups(c, [int(last["task_id"])])
        return last

    return ctx.db.write(run)


@dataclass
class NewTarget:
    kind: str
    value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    comparator: str = "="
    measure: str | None = None
    subject: str | None = None
    commitment: str | None = None
    deadline: date | None = None
    start_value: float | None = None
    quote: str | None = None


def targets_from_phrase(phrase: str, start: date, end: date) -> list[NewTarget]:
    """Read a --target phrase with the plan importer's number rules."""
    from tracker.extract import parse_target_phrase

    specs = parse_target_phrase(phrase, period_start=start, period_end=end)
    if not specs:
        raise InputError(f"未能从 --target 中读出指标：{phrase!r}（例如：建设14家社康机构、管理率达到100%）")
    return [new_target_from_spec(s) for s in specs]


def new_target_from_spec(s: Any) -> NewTarget:
    return NewTarget(
        kind=s.kind, value=s.value, min_value=s.min, max_value=s.max, comparator=s.comparator,
        measure=s.unit, subject=s.subject, commitment=s.commitment,
        deadline=s.deadline or (s.date if s.kind == "deadline" else None), quote=s.quote,
    )


def insert_targets(c: Connection, task_id: int, targets: list[NewTarget], first_position: int = 0) -> None:
    store.insert_targets(c, [
        {"task_id": task_id, "position": first_position + i, "kind": t.kind, "value": t.value,
         "min_value": t.min_value, "max_value": t.max_value, "comparator": t.comparator, "measure": t.measure,
         "subject": t.subject, "commitment": t.commitment, "deadline": t.deadline, "start_value": t.start_value,
         "current_value": None, "quote": t.quote}
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
    """Change a task's fields; the change is logged as an 'edit' row. Returns what changed."""
    labels = {"title": "标题", "text": "正文", "owner": "责任人", "deadline": "截止日期",
              "start_date": "开始日期", "label": "编号"}
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise InputError("没有要修改的内容（可用 --title、--due、--owner、--start、--text、--label）")
    if "title" in changes and not str(changes["title"]).strip():
        raise InputError("任务标题不能为空")

    def run(c: Connection) -> list[str]:
        row = require_task(c, task_id)
        said = []
        for k, v in changes.items():
            old = row[k]
            new = v.isoformat() if isinstance(v, date) else v
            if old != new:
                said.append(f"{labels[k]}：{old or '（空）'} → {new}")
        if not said:
            return []
        store.update_task(c, task_id, updated_at=ctx.now(), **changes)
        store.insert_progress(
            c, task_id=task_id, target_id=None, action="edit", value=None, percent=None,
            note="；".join(said), author=author or ctx.default_author(), happened_on=ctx.today,
            recorded_at=ctx.now(), retracts_id=None,
        )
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
    return ctx.db.read(store.units)
