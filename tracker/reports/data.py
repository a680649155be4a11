"""What the reports say, gathered from the database into plain dataclasses (no formatting).

``weekly`` and ``yearend`` read the tasks, targets and the effective progress log once each,
replay the log to the days they need (``history``) and compute everything from that: counts
against 序时进度, traffic lights, the week's changes, the comparison with last week, and the
year-end plan-versus-result table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from tracker import counting, parallel, store
from tracker import status as st
from tracker.context import Context
from tracker.db import Connection
from tracker.errors import InputError
from tracker.reports import history
from tracker.reports.notes import EMPTY, Parts, split_note
from tracker.tasks import (
    TaskView,
    build_views,
    depth_of,
    fmt_num,
    ordered_views,
    require_unit,
    target_goal_text,
    to_date,
)

V = TypeVar("V")
PACES = ("已完成", "超进度", "达进度", "欠进度")
LIGHTS = (st.GREEN, st.YELLOW, st.RED, st.DONE)
RESULTS = ("超额完成", "完成", "逾期完成", "基本完成", "未完成", "无进展")
DONE_RESULTS = ("超额完成", "完成", "逾期完成")
COMMITMENTS = ("确保", "力争/争取", "其他")
SILENT_DAYS = 14  # default of [report] stale_days: no update for this many days goes on the 催办 lists
TREND_WEEKS = 8
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_CN = "一二三四五六日"


# -- one task, as reports show it ----------------------------------------------------------------
@dataclass
class TargetLine:
    id: int
    kind: str
    goal: str  # as written: "≥14家", "截止 2023-09-30"
    measure: str
    commitment: str | None
    quote: str | None
    current: float | None
    completion: float | None  # 0–100
    subject: str | None = None
    ratio: float | None = None  # completion in percent, unclamped (120 for 120/100)

    @property
    def text(self) -> str:
        """"7家/≥14家（50%）" (a deadline target: "截止 2023-09-30（已完成）")."""
        if self.kind == "deadline":
            return f"{self.goal}（{'已完成' if (self.completion or 0) >= 100 else '未完成'}）"
        cur = "—" if self.current is None else f"{fmt_num(self.current)}{self.measure}"
        return f"{cur}/{self.goal}（{(self.completion or 0):.0f}%）"


@dataclass
class Line:
    """A task as of the report's day: figures, status and latest note."""

    id: int
    unit: str
    label: str
    title: str
    depth: int
    owner: str
    start: date | None
    deadline: date | None
    status: str
    completion: float
    expected: float | None
    pace: str
    done: bool
    done_on: str | None
    targets: list[TargetLine]
    note: str | None
    note_on: str | None
    last_update: str | None
    parts: Parts = EMPTY
    overdue_days: int | None = None  # days past its deadline (or a target's), when overdue and not done
    overdue_since: date | None = None  # the deadline it is past
    parent: str = ""  # the title of its top-level item, for a sub-item

    @property
    def behind(self) -> float | None:
        """Points behind 序时进度 (0 when on or ahead of it)."""
        if self.expected is None:
            return None
        return max(0.0, self.expected - self.completion)

    @property
    def name(self) -> str:
        """Numbering label and title, indented by depth with full-width spaces."""
        return "　" * self.depth + (self.label or "") + self.title

    @property
    def targets_text(self) -> str:
        return "；".join(t.text for t in self.targets)

    @property
    def is_top(self) -> bool:
        return self.depth == 0


def make_line(v: TaskView, depth: int, state: history.State) -> Line:
    # The fields are given in their order, not by name: ten thousand lines and three times as
    # many targets in a year-end report, and a call by keywords takes twice as long.
    row = state.notes.get(v.id)
    note = row["note"].strip() if row else None
    targets = [TargetLine(  # completion and ratio are set by tasks.rollup
        int(t["id"]), t["kind"], target_goal_text(t), t["measure"] or "", t["commitment"], t["quote"],
        t["current_value"], t.get("completion"), t.get("subject"), t["ratio"],
    ) for t in v.targets]
    r = v.row
    return Line(
        v.id, v.unit, r["label"] or "", r["title"], depth, r["owner"] or "", v.start, v.deadline, v.status,
        v.completion, v.expected, "", v.done, r["done_on"], targets, note or None,
        row["happened_on"] if row else None, state.last_on.get(v.id), split_note(note) if note else EMPTY,
    )


# -- shared input ---------------------------------------------------------------------------------
@dataclass
class Source:
    units: list[dict[str, Any]]  # every unit in scope, in id order
    rows: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    log: list[dict[str, Any]]
    edits: list[dict[str, Any]] = field(default_factory=list)  # task edits after the day, in log order
    version: int | None = None  # ``store.data_version`` of the snapshot read (None: none kept)

    def rows_at(self, day: date) -> list[dict[str, Any]]:
        """The task rows as they stood at the end of ``day`` (later deadline edits undone)."""
        return history.rows_at(self.rows, self.edits, day)


@dataclass
class Base:
    """What every part of a report reads first: the units in scope, the task and target rows, and
    the data version they were read at (``store.data_version``)."""

    version: int | None
    units: list[dict[str, Any]]
    unit_id: int | None  # the one unit asked for (None: all)
    rows: list[dict[str, Any]]
    targets: list[dict[str, Any]]


def read_base(c: Connection, unit: str | None, quotes: bool = False) -> Base:
    """``Base`` of one unit or all; target quotes (and subjects) only when ``quotes``."""
    version = store.data_version(c)
    units, unit_id = _units(c, unit)
    return Base(version, units, unit_id, store.task_rows(c, unit_id=unit_id, light=not quotes),
                store.target_rows(c, unit_id=unit_id, light=not quotes))


def _same(base: Base, version: int | None) -> int | None:
    """The version when a later read saw the one ``base`` was read at, else None."""
    return version if version is not None and version == base.version else None


def load_at(ctx: Context, unit: str | None, day: date, quotes: bool = False,
            until: date | None = None, base: Base | None = None) -> tuple[Source, history.State]:
    """Tasks and targets (of one unit or all), the state of the log at the end of ``day`` and the
    log rows that happened after it (``Source.log``), in replay order.

    The stored current values are the replay of the whole log; only what the rows after ``day``
    touched is looked up as of ``day``, so the cost follows the days asked for, not the size of
    the log. Task texts are never shown; target quotes (and subjects) are read only when ``quotes``.

    ``until`` (default ``day``) is the latest day whose last-update dates the caller reads after
    replaying the rows up to it: a task updated after ``day`` and again by ``until`` gets its
    date from the replay, and its date as of ``day`` (the costliest lookup) is left stale.

    With ``base`` (read earlier) only the log is read here; ``Source.version`` is then None unless
    both reads saw the same data version.
    """
    key = day.isoformat()
    upto = (until or day).isoformat()

    def run(c: Connection) -> tuple[Source, dict[str, list[dict[str, Any]]]]:
        if base is None:
            got_base = read_base(c, unit, quotes)
            version = got_base.version
        else:
            got_base, version = base, _same(base, store.data_version(c))
        unit_id = got_base.unit_id
        got = {"notes": store.report_notes_at(c, key, unit_id)}
        after = store.report_log_after(c, key, unit_id)
        edits = store.report_edits_after(c, key, unit_id)
        if after:
            # Only what an effective row after the day changed can differ from the stored state
            # (a retracted row never counted): without such rows, the lookup is skipped.
            got |= _looked_up(c, key, unit_id,
                              {r["target_id"] for r in after if r["value"] is not None and r["target_id"] is not None},
                              {r["task_id"] for r in after if r["percent"] is not None},
                              any(r["action"] in ("done", "reopen") for r in after))
            renewed = {r["task_id"] for r in after if r["happened_on"] <= upto}
            stale = sorted({r["task_id"] for r in after} - renewed)
            got["last"] = store.report_last_updates_at(c, key, stale)
        return Source(got_base.units, got_base.rows, got_base.targets, after, edits, version), got

    src, got = ctx.db.read(run)
    return src, _state_at(src.rows, src.targets, got)


def _units(c: Connection, unit: str | None) -> tuple[list[dict[str, Any]], int | None]:
    """The units in scope and the id of the one asked for (None: all)."""
    if unit:
        u = require_unit(c, unit)
        return [u], int(u["id"])
    return store.units(c), None


def _looked_up(c: Connection, key: str, unit_id: int | None, valued: set[int], given: set[int],
               done_moves: bool) -> dict[str, list[dict[str, Any]]]:
    """The values, percents and done dates at the end of day ``key`` of what the log rows after it
    changed (``valued`` targets, ``given`` tasks, any done or reopen)."""
    got: dict[str, list[dict[str, Any]]] = {}
    if valued:
        got["values"] = store.report_values_at(c, key, sorted(valued))
    if given:
        got["percents"] = store.report_percents_at(c, key, sorted(given))
    if done_moves:
        got["done"] = store.report_done_at(c, key, unit_id)
    return got


def _state_at(rows: list[dict[str, Any]], targets: list[dict[str, Any]],
              got: dict[str, list[dict[str, Any]]]) -> history.State:
    """The stored state, with what was looked up as of an earlier day put over it."""
    state = history.State(
        values={t["id"]: t["current_value"] for t in targets if t["current_value"] is not None},
        percent={r["id"]: r["percent"] for r in rows if r["percent"] is not None},
        done_on={r["id"]: str(r["done_on"])[:10] for r in rows if r["done_on"] is not None},
        last_on={r["id"]: str(r["last_update_on"])[:10] for r in rows if r["last_update_on"] is not None},
        notes={n["task_id"]: n for n in got.get("notes", []) if n["id"] is not None},
    )
    for r in got.get("values", []):
        _put(state.values, r["target_id"], r["value"])
    for r in got.get("percents", []):
        _put(state.percent, r["task_id"], r["percent"])
    for r in got.get("done", []):
        _put(state.done_on, r["task_id"], _day(r["done_on"]))
    for r in got.get("last", []):
        _put(state.last_on, r["task_id"], _day(r["last_on"]))
    return state


def _put(into: dict[int, V], key: int, value: V | None) -> None:
    if value is None:
        into.pop(key, None)
    else:
        into[key] = value


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def share(n: float, total: float) -> float:
    return n / total * 100 if total else 0.0


def competition_ranks(keys: list[tuple[float, ...]]) -> list[int]:
    """Ranks 1, 2, 2, 4 … for keys sorted best first (equal keys share a rank)."""
    ranks: list[int] = []
    for i, k in enumerate(keys):
        ranks.append(ranks[-1] if i and k == keys[i - 1] else i + 1)
    return ranks


# -- weekly ---------------------------------------------------------------------------------------
@dataclass
class Tally:
    """Counts of one unit (or all: unit "合计") against 序时进度 and by traffic light."""

    unit: str
    total: int = 0
    pace: dict[str, int] = field(default_factory=lambda: {p: 0 for p in PACES})
    lights: dict[str, int] = field(default_factory=lambda: {s: 0 for s in LIGHTS})
    completion: float = 0.0
    last_completion: float = 0.0
    rank: int | None = None
    last_rank: int | None = None

    @property
    def gained(self) -> float:
        return self.completion - self.last_completion

    @property
    def rank_change(self) -> int | None:
        """Places gained since last week (positive: moved up)."""
        if self.rank is None or self.last_rank is None:
            return None
        return self.last_rank - self.rank

    @property
    def on_pace(self) -> int:
        """已完成, 超进度 and 达进度 together."""
        return self.pace["已完成"] + self.pace["超进度"] + self.pace["达进度"]

    def share(self, n: int) -> float:
        return share(n, self.total)


@dataclass
class Update:
    day: str
    unit: str
    task_id: int
    task: str
    author: str
    content: str  # what was updated: "指标（≥14家）", "完成百分比", "标记完成" …
    value: str  # "7家", "30%", ""
    note: str


@dataclass
class Silent:
    unit: str
    last_update: str | None
    silent_days: int | None  # None: never updated
    open_tasks: int


@dataclass
class Stale:
    """A task to chase (催办): open, and nothing logged on it (or its sub-items) for N days or ever."""

    line: Line
    last_update: str | None
    days: int | None  # None: never updated


@dataclass
class Weekly:
    week: str  # "2023-W40"
    year: int
    number: int
    start: date  # the first day of the report week: the day after last week's cut-off
    end: date  # this week's cut-off (the report day)
    as_of: date  # the cut-off, or today when that is earlier
    last_as_of: date  # last week's cut-off
    unit: str | None
    total: Tally
    units: list[Tally]
    completed: list[Line]
    newly_overdue: list[Line]
    at_risk: list[Line]
    updates: list[Update]
    due_soon: list[Line]
    due_soon_days: int
    silent: list[Silent]
    silent_days: int
    by_unit: dict[str, list[Line]]
    trend: list[tuple[str, float]]  # (week label, overall completion at each week's cut-off), oldest first
    red: list[Line] = field(default_factory=list)  # every red item (top-level and sub-items), plan order
    overdue: list[Line] = field(default_factory=list)  # everything past its deadline and not done
    stale: list[Stale] = field(default_factory=list)  # tasks to chase
    scope: counting.Count = field(default_factory=counting.Count)
    expected: float | None = None  # mean 序时进度 of the top-level items
    report_day: int = 4  # 0 = Monday … 6 = Sunday

    @property
    def report_day_name(self) -> str:
        return "周" + WEEKDAY_CN[self.report_day]


WEEK_RE = re.compile(r"^\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*$")


def parse_week(text: str) -> tuple[int, int]:
    m = WEEK_RE.match(text)
    if not m:
        raise InputError(f"周次格式无效：{text!r}（应为 ISO 周次，如 2023-W41）")
    year, number = int(m.group(1)), int(m.group(2))
    try:
        date.fromisocalendar(year, number, 1)
    except ValueError:
        weeks = date(year, 12, 28).isocalendar()[1]
        raise InputError(f"不存在的周次：{text}（{year}年共有{weeks}周）") from None
    return year, number


def report_weekday(ctx: Context) -> int:
    """The configured report day ([report] report_day), 0 = Monday … 6 = Sunday."""
    return WEEKDAYS.index(str(ctx.config.get("report", "report_day")).strip().lower()[:3])


def stale_days(ctx: Context) -> int:
    return int(ctx.config.get("report", "stale_days"))


def week_of(ctx: Context, week: str | None, on: date | None) -> tuple[int, int, date, date]:
    if week and on:
        raise InputError("--week 与 --date 只能选一个")
    if week:
        year, number = parse_week(week)
    else:
        year, number, _ = (on or ctx.today).isocalendar()
    start = date.fromisocalendar(year, number, 1)
    if start > ctx.today:
        raise InputError(f"{year}年第{number}周尚未开始（今天是 {ctx.today.isoformat()}）")
    return year, number, start, start + timedelta(days=6)


def cutoffs(ctx: Context, monday: date) -> tuple[date, date, date]:
    """(this week's cut-off, the day it is judged (cut-off or today), last week's cut-off) of
    the ISO week starting ``monday``: one rule for the report, the comparison and the trend."""
    cut = monday + timedelta(days=report_weekday(ctx))
    return cut, min(cut, ctx.today), cut - timedelta(days=7)


def _overdue_since(v: TaskView, day: date) -> date | None:
    """The deadline (the task's, else its earliest unmet target's) that ``v`` is past on ``day``."""
    if v.done or v.completion >= 100:
        return None
    if v.deadline is not None and v.deadline < day:
        return v.deadline
    if v.open_target_due is not None and v.open_target_due < day:
        return v.open_target_due
    return None


def _overdue(v: TaskView, day: date) -> bool:
    return _overdue_since(v, day) is not None


@dataclass
class LastWeek:
    """What the weekly report compares with: each task at last week's cut-off, from the replayed
    state, the completion model and the deadlines the tasks had then (``deadlines``: the view's
    deadline for tasks whose deadline was edited since)."""

    state: history.State
    completion: dict[int, float]
    day: date
    deadlines: dict[int, date | None] = field(default_factory=dict)

    def done(self, v: TaskView) -> bool:
        return v.id in self.state.done_on or self.completion[v.id] >= 100

    def overdue(self, v: TaskView) -> bool:
        """As ``_overdue`` would have said of the task's view on that day."""
        if self.done(v):
            return False
        deadline = self.deadlines.get(v.id, v.deadline)
        if deadline is not None and deadline < self.day:
            return True
        done = v.id in self.state.done_on
        for t in v.targets:
            due = to_date(t["deadline"])
            if due is not None and due < self.day:
                then = {**t, "current_value": self.state.values.get(t["id"])}
                if (st.target_completion(then, done) or 0) < 100:
                    return True
        return False


def _update_of(r: dict[str, Any], v: TaskView, targets: dict[int, dict[str, Any]]) -> Update:
    action = r["action"]
    value = ""
    if action == "done":
        content = "标记完成"
    elif action == "reopen":
        content = "重新打开"
    elif r["target_id"] is not None and int(r["target_id"]) in targets:
        t = targets[int(r["target_id"])]
        content = f"指标（{target_goal_text(t)}）"
        if r["value"] is not None:
            value = f"{fmt_num(r['value'])}{t['measure'] or ''}"
    elif r["percent"] is not None:
        content = "完成百分比"
        value = f"{fmt_num(r['percent'])}%"
    else:
        content = "进展说明"
    return Update(day=str(r["happened_on"])[:10], unit=v.unit, task_id=v.id, task=v.row["title"],
                  author=r["author"] or "", content=content, value=value, note=(r["note"] or "").strip())


def _tally(name: str, views: list[TaskView], rules: st.Rules) -> Tally:
    t = Tally(name)
    for v in views:
        t.total += 1
        t.pace[v.pace(rules)] += 1
        t.lights[v.status] += 1
        t.completion += v.completion
    t.completion = t.completion / t.total if t.total else 0.0
    return t


def _rank(tallies: list[Tally], attr: str, target: str) -> None:
    ordered = sorted(tallies, key=lambda t: -round(getattr(t, attr), 9))
    ranks = competition_ranks([(round(getattr(t, attr), 9),) for t in ordered])
    for t, r in zip(ordered, ranks, strict=True):
        setattr(t, target, r)


def _lines(views: dict[int, TaskView], state: history.State, day: date, rules: st.Rules) -> tuple[
        list[TaskView], dict[int, Line]]:
    """Views in plan order and their report lines (depth, pace, days overdue, top-level item)."""
    ordered = ordered_views(views)
    lines: dict[int, Line] = {}
    top_title = ""
    for v in ordered:
        depth = depth_of(v, views)
        ln = make_line(v, depth, state)
        ln.pace = v.pace(rules)
        since = _overdue_since(v, day)
        ln.overdue_days = (day - since).days if since is not None else None
        ln.overdue_since = since
        if depth == 0:
            top_title = ln.title
        else:
            ln.parent = top_title
        lines[v.id] = ln
    return ordered, lines


def trend_points(ctx: Context, unit: str | None, days: list[date], base: Base | None = None) -> tuple[
        int | None, dict[date, float]]:
    """The overall completion at the end of each of ``days`` (in order), and the data version it
    was read at (``store.data_version``; with ``base``, None unless the log was read at the
    version ``base`` was)."""
    key = days[0].isoformat()

    def run(c: Connection) -> tuple[int | None, dict[date, float]]:
        if base is None:
            got_base = read_base(c, unit)
            version = got_base.version
        else:
            got_base, version = base, _same(base, store.data_version(c))
        rows, targets, unit_id = got_base.rows, got_base.targets, got_base.unit_id
        log = store.trend_log_after(c, key, unit_id)  # (task_id, target_id, action, value, percent, happened_on)
        got = _looked_up(c, key, unit_id, {r[1] for r in log if r[3] is not None and r[1] is not None},
                         {r[0] for r in log if r[4] is not None}, any(r[2] in ("done", "reopen") for r in log))
        model = history.CompletionModel(rows, targets)
        return version, history.overall_series(model, _state_at(rows, targets, got), log, days)

    return ctx.db.read(run)


def _trend_in_child(ctx: Context, base: Base, days: list[date]) -> tuple[int | None, dict[date, float]]:
    try:
        return trend_points(ctx, None, days, base)
    finally:
        ctx.db.close()


def trend_in_background(ctx: Context, base: Base, days: list[date]) -> parallel.Pending | None:
    """``trend_points`` over ``base`` in a forked child (``tracker.parallel``), which shares the
    rows already read instead of reading them again; None where that cannot be done here or
    could not be checked: only on SQLite, whose data version tells whether the child read the
    log at the version of ``base`` (``store.data_version``)."""
    if base.version is None:
        return None
    ctx.db.close()  # no connection may cross the fork: each side opens its own
    return parallel.start(_trend_in_child, ctx, base, days) if ctx.db.forkable() else None


def weekly(ctx: Context, week: str | None = None, on: date | None = None, unit: str | None = None,
           trend: bool = True, background: bool = True) -> Weekly:
    """The weekly report of the ISO week given (or containing ``on``, or today).

    The week is judged at its cut-off, the configured report day (Friday by default), or today
    when that is earlier; last week at last week's cut-off, so a report regenerated later shows
    what the one filed said. The report week runs from the day after last week's cut-off to this
    week's: every update and every deadline falls in exactly one week. ``trend`` adds the overall
    completion at the cut-off of each of the last weeks (drawn in the HTML and Excel reports);
    ``background`` lets a second process work it out meanwhile (the same figures).
    """
    unit = unit.strip() if unit and unit.strip() else None
    year, number, monday, _ = week_of(ctx, week, on)
    cut, as_of, last_as_of = cutoffs(ctx, monday)
    rules = ctx.rules
    trend_days = [last_as_of - timedelta(days=7 * k) for k in range(TREND_WEEKS - 2, -1, -1)] + [as_of]
    # The trend reads and replays seven more weeks of the log than the rest of the report: on
    # SQLite it is worked out in a second process meanwhile (``trend_in_background``).
    base, pending = None, None
    if trend and background and ctx.db.is_sqlite and parallel.possible():
        base = ctx.db.read(lambda c: read_base(c, unit))
        pending = trend_in_background(ctx, base, trend_days)
        if pending is None:
            base = None  # one read for all, as below
    try:
        load_day = trend_days[0] if trend and pending is None else last_as_of
        src, start_state = load_at(ctx, unit, load_day, until=as_of, base=base)
        model = history.CompletionModel(src.rows, src.targets)
        rep = history.replay(src.log, [as_of, last_as_of], model,
                             trend_days if trend and pending is None else [last_as_of], start=start_state)
        overall = rep.overall
        state = rep.states[as_of]
        now = history.views_at(src.rows_at(as_of), src.targets, state, as_of, rules)
        then_rows = {int(r["id"]): r for r in src.rows_at(last_as_of)}
        moved: dict[int, date | None] = {}
        for v in now.values():
            old = then_rows[v.id]["deadline"]
            if old != v.row["deadline"]:
                moved[v.id] = to_date(old) or v.targets_deadline or to_date(v.row["period_end"])
        last = LastWeek(rep.states[last_as_of], rep.completions[last_as_of], last_as_of, moved)

        ordered, lines = _lines(now, state, as_of, rules)
        by_unit: dict[str, list[Line]] = {}
        for v in ordered:
            by_unit.setdefault(v.unit, []).append(lines[v.id])

        # Counts: top-level items (``counting``), per unit and in all; ranks by completion now and last week.
        scope = counting.count(now)
        tops = [v for v in ordered if lines[v.id].is_top]
        tallies: list[Tally] = []
        names = [u["name"] for u in src.units]
        tops_of: dict[str, list[TaskView]] = {}
        for v in tops:
            tops_of.setdefault(v.row["unit"], []).append(v)
        for name in names:
            mine = tops_of.get(name)
            if not mine:
                continue
            t = _tally(name, mine, rules)
            t.last_completion = sum(last.completion[v.id] for v in mine) / len(mine)
            tallies.append(t)
        _rank(tallies, "completion", "rank")
        _rank(tallies, "last_completion", "last_rank")
        total = _tally("合计", tops, rules)
        total.last_completion = sum(last.completion[v.id] for v in tops) / len(tops) if tops else 0.0
        expected = [v.expected for v in tops if v.expected is not None]

        completed = [lines[v.id] for v in ordered if v.status == st.DONE and not last.done(v)]
        newly_overdue = [lines[v.id] for v in ordered if _overdue(v, as_of) and not last.overdue(v)]
        overdue = [lines[v.id] for v in ordered if _overdue(v, as_of)]
        red = [lines[v.id] for v in ordered if v.status == st.RED]
        at_risk = [lines[v.id] for v in ordered if v.status == st.YELLOW]
        horizon = as_of + timedelta(days=rules.due_soon_days)
        soon = [v for v in ordered if not v.done and v.status != st.DONE and v.deadline is not None
                and as_of <= v.deadline <= horizon]
        soon.sort(key=lambda v: v.deadline or as_of)  # stable: plan order within a day
        due_soon = [lines[v.id] for v in soon]

        target_rows = {int(t["id"]): t for t in src.targets}
        first, last_day = (last_as_of + timedelta(days=1)).isoformat(), as_of.isoformat()
        updates = [_update_of(r, now[int(r["task_id"])], target_rows) for r in src.log
                   if first <= str(r["happened_on"])[:10] <= last_day and int(r["task_id"]) in now]

        # 催办: by task (its own and its sub-items' latest update) and by unit.
        n_days = stale_days(ctx)
        latest: dict[int, str] = {}
        for v in reversed(ordered):  # sub-items come after their parent: walk back to roll dates up
            day = max([state.last_on.get(v.id, "")] + [latest.get(ch.id, "") for ch in v.children])
            if day:
                latest[v.id] = day
        stale: list[Stale] = []
        for v in ordered:
            if v.done or v.status == st.DONE:
                continue
            seen = latest.get(v.id)
            gap = (as_of - date.fromisoformat(seen)).days if seen else None
            if gap is None or gap >= n_days:
                stale.append(Stale(lines[v.id], seen, gap))

        silent: list[Silent] = []
        open_tops: dict[str, int] = {}
        last_update_of: dict[str, str] = {}
        for v in ordered:
            unit_name = v.row["unit"]
            if lines[v.id].is_top and v.status != st.DONE:
                open_tops[unit_name] = open_tops.get(unit_name, 0) + 1
            last_on = state.last_on.get(v.id)
            if last_on is not None and last_on > last_update_of.get(unit_name, ""):
                last_update_of[unit_name] = last_on
        for name in names:
            if not open_tops.get(name):
                continue
            last_update = last_update_of.get(name)
            gap = (as_of - date.fromisoformat(last_update)).days if last_update else None
            if gap is None or gap >= n_days:
                silent.append(Silent(name, last_update, gap, open_tops[name]))
        silent.sort(key=lambda s: -(s.silent_days if s.silent_days is not None else 10 ** 6))

        if pending is not None:  # as late as can be: the child works while the lists are made
            got = pending.result()
            if got is None or got[0] is None or got[0] != src.version:
                # The child failed, or a read saw another state of the data (a write came between
                # them): the whole report again, from one read.
                return weekly(ctx, week, on, unit, trend, background=False)
            overall = got[1]
        points = [(f"第{day.isocalendar()[1]}周", value) for day, value in overall.items()] if trend else []
    finally:
        if pending is not None:
            pending.close()

    return Weekly(
        week=f"{year}-W{number:02d}", year=year, number=number, start=last_as_of + timedelta(days=1), end=cut,
        as_of=as_of, last_as_of=last_as_of, unit=unit, total=total, units=tallies, completed=completed,
        newly_overdue=newly_overdue, at_risk=at_risk, updates=updates, due_soon=due_soon,
        due_soon_days=rules.due_soon_days, silent=silent, silent_days=n_days, by_unit=by_unit,
        trend=points, red=red, overdue=overdue, stale=stale, scope=scope,
        expected=sum(expected) / len(expected) if expected else None, report_day=report_weekday(ctx),
    )


# -- year end -------------------------------------------------------------------------------------
@dataclass
class Item:
    """One planned item (task) at year end: its figures, completion rate and result."""

    line: Line
    rate: float  # percent of what the period asked; above 100 when a target was exceeded
    result: str
    target_results: list[str]
    plan_text: str = ""  # the plan's wording (its first sentence), when it says more than the title
    share: float | None = None  # a multi-year item: the share (percent) of it due by the period's end
    late_days: int | None = None  # 逾期完成: days past the deadline it was finished
    finished_on: str | None = None

    @property
    def result_text(self) -> str:
        """"逾期完成（16天）", or the result."""
        return f"逾期完成（{self.late_days}天）" if self.result == "逾期完成" else self.result

    @property
    def year_completion(self) -> float:
        """Completion of what the period asked, 0–100 (what units are ranked by)."""
        return min(100.0, self.rate)


@dataclass
class CommitmentTally:
    kind: str  # 确保, 力争/争取, 其他
    total: int = 0
    results: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RESULTS})

    @property
    def done(self) -> int:
        return sum(self.results[r] for r in DONE_RESULTS)

    @property
    def rate(self) -> float:
        return share(self.done, self.total)


@dataclass
class UnitResult:
    unit: str
    total: int = 0
    results: dict[str, int] = field(default_factory=lambda: {r: 0 for r in RESULTS})
    completion: float = 0.0  # mean completion (0–100) of its items, of what the period asked
    rank: int = 0

    @property
    def done(self) -> int:
        return sum(self.results[r] for r in DONE_RESULTS)

    @property
    def rate(self) -> float:
        return share(self.done, self.total)


@dataclass
class Yearend:
    year: int
    half: int | None
    start: date
    end: date
    as_of: date
    unit: str | None
    basic_percent: float
    items: list[Item]  # plan order, sub-items after their parent
    total: int  # top-level items
    done: int
    results: dict[str, int]  # over top-level items
    commitments: list[CommitmentTally]  # over every target of every item
    units: list[UnitResult]  # ranked by mean completion, best first
    unfinished: list[Item]  # top-level items not done
    summary: str
    unfinished_rows: list[Item] = field(default_factory=list)  # unfinished items, their unfinished sub-items under them
    scope: counting.Count = field(default_factory=counting.Count)
    multi_year: int = 0  # top-level items running past the period, counted for their share of it

    @property
    def scope_name(self) -> str:
        return {None: "全年", 1: "上半年", 2: "下半年"}[self.half]

    @property
    def rate(self) -> float:
        return share(self.done, self.total)

    @property
    def unfinished_subs(self) -> int:
        return sum(1 for it in self.unfinished_rows if not it.line.is_top)


def commitment_kind(word: str | None) -> str:
    if word == "确保":
        return "确保"
    if word in ("力争", "争取"):
        return "力争/争取"
    return "其他"


def result_of(rate: float, complete: bool, progressed: bool, basic: float) -> str:
    if complete:
        return "超额完成" if rate > 100 + 1e-9 else "完成"
    if not progressed:
        return "无进展"
    return "基本完成" if rate >= basic - 1e-9 else "未完成"


def period_of(ctx: Context, year: int | None, half: int | None) -> tuple[int, date, date]:
    if half is not None and half not in (1, 2):
        raise InputError(f"--half 只能是 1（上半年）或 2（下半年）：{half}")
    y = year if year is not None else ctx.today.year
    if y < 1900 or y > 9999:
        raise InputError(f"年度无效：{y}")
    start, end = date(y, 1, 1), date(y, 12, 31)
    if half == 1:
        end = date(y, 6, 30)
    elif half == 2:
        start = date(y, 7, 1)
    if start > ctx.today:
        what = f"{y}年" + {None: "", 1: "上半年", 2: "下半年"}[half]
        raise InputError(f"{what}尚未开始（今天是 {ctx.today.isoformat()}）")
    return y, start, end


def _in_period(v: TaskView, start: date, end: date) -> bool:
    """An item of the period: its span (start to deadline) overlaps it; a multi-year item too."""
    first, last = v.start, v.deadline
    if last is None:
        return first is not None and start <= first <= end
    if first is None or first > last:
        first = last
    return first <= end and last >= start


_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def first_sentence(text: str, title: str = "", limit: int = 120) -> str:
    """The plan's wording of an item, up to its first full stop, when it says more than the title."""
    t = " ".join((text or "").split())
    if not t or t == title.strip():
        return ""
    if t.startswith(title.strip()) and len(t) > len(title.strip()):
        rest = t[len(title.strip()):].lstrip("：:，,。 ")
        t = rest or t
    first = _SENTENCE_END.split(t, maxsplit=1)[0].strip()
    return first if len(first) <= limit else first[:limit - 1] + "…"


def yearend(ctx: Context, year: int | None = None, half: int | None = None, unit: str | None = None) -> Yearend:
    """Plan versus result for a year (or one half), as of its end: every item whose span overlaps
    the period, a multi-year item judged on the share of it due by the period's end; deadlines
    as they stood then."""
    unit = unit.strip() if unit and unit.strip() else None
    y, start, end = period_of(ctx, year, half)
    as_of = min(end, ctx.today)
    basic = float(ctx.config.get("report", "basic_done_percent"))
    rules = ctx.rules
    src, state = load_at(ctx, unit, as_of, quotes=True)
    rows = src.rows_at(as_of)
    if src.log or rows is not src.rows:  # things happened after the period: its state differs from the stored one
        views = history.views_at(rows, src.targets, state, as_of, rules)
    else:
        views = build_views(src.rows, src.targets, as_of, rules)

    # Top-level items of the period, each with its sub-items.
    chosen: list[tuple[TaskView, int]] = []
    keep = False
    for v in ordered_views(views):
        depth = depth_of(v, views)
        if depth == 0:
            keep = _in_period(v, start, end)
        if keep:
            chosen.append((v, depth))
    in_scope = {v.id: v for v, _ in chosen}

    progressed: dict[int, bool] = {}
    for v, _ in reversed(chosen):  # children come after parents: walk back to roll "any progress" up
        progressed[v.id] = v.id in state.last_on or any(progressed.get(ch.id, False) for ch in v.children)

    items: list[Item] = []
    tallies = {k: CommitmentTally(k) for k in COMMITMENTS}
    multi = 0
    for v, depth in chosen:
        ln = make_line(v, depth, state)
        ln.pace = v.pace(rules)
        part: float | None = None  # a multi-year item: percent of it due by the end of the period
        if v.deadline is not None and v.deadline > end and v.start is not None and v.start < v.deadline:
            part = st.expected_progress(v.start, v.deadline, end)
            if depth == 0:
                multi += 1
        numeric = [t.ratio for t in ln.targets if t.kind in st.NUMERIC_KINDS and t.ratio is not None]
        raw = sum(numeric) / len(numeric) if numeric else v.completion
        if part:
            rate = raw / part * 100
            complete = v.done or rate >= 100 - 1e-9
        else:
            complete = v.done or v.completion >= 100
            rate = max(100.0, raw) if complete else v.completion
        res = result_of(rate, complete, progressed[v.id], basic)
        finished = state.done_on.get(v.id) or (state.last_on.get(v.id) if complete else None)
        late = None
        if complete and finished and v.deadline is not None and part is None:
            days = (date.fromisoformat(finished[:10]) - v.deadline).days
            if days > 0:
                res, late = "逾期完成", days
        target_results = []
        for t in ln.targets:
            if res == "无进展":
                tr = "无进展"
            else:
                r = (t.ratio or 0.0) / part * 100 if part else (t.ratio or 0.0)
                tr = result_of(r, r >= 100 - 1e-9, True, basic)
            target_results.append(tr)
            tally = tallies[commitment_kind(t.commitment)]
            tally.total += 1
            tally.results[tr] += 1
        items.append(Item(ln, rate, res, target_results, first_sentence(v.row.get("text") or "", v.row["title"]),
                          part, late, finished))

    # Sub-items name their top-level item.
    parent = ""
    for it in items:
        if it.line.is_top:
            parent = it.line.title
        else:
            it.line.parent = parent

    tops = [it for it in items if it.line.is_top]
    results = {r: sum(1 for it in tops if it.result == r) for r in RESULTS}
    done = sum(results[r] for r in DONE_RESULTS)
    per_unit: dict[str, UnitResult] = {}
    for it in tops:
        u = per_unit.setdefault(it.line.unit, UnitResult(it.line.unit))
        u.total += 1
        u.results[it.result] += 1
        u.completion += it.year_completion
    order = {u["name"]: i for i, u in enumerate(src.units)}
    units = sorted(per_unit.values(), key=lambda u: order.get(u.unit, 0))
    for u in units:
        u.completion = u.completion / u.total if u.total else 0.0
    key = [(round(u.completion, 9), round(u.rate, 9)) for u in units]
    ranked = sorted(zip(units, key, strict=True), key=lambda p: (-p[1][0], -p[1][1]))
    units = [u for u, _ in ranked]
    for u, r in zip(units, competition_ranks([k for _, k in ranked]), strict=True):
        u.rank = r

    # 未完成事项: the top-level items not done, each with its own unfinished sub-items under it.
    unfinished = [it for it in tops if it.result not in DONE_RESULTS]
    unfinished_rows: list[Item] = []
    keep = False
    for it in items:
        if it.line.is_top:
            keep = it.result not in DONE_RESULTS
            if keep:
                unfinished_rows.append(it)
        elif keep and it.result not in DONE_RESULTS:
            unfinished_rows.append(it)
    report = Yearend(year=y, half=half, start=start, end=end, as_of=as_of, unit=unit, basic_percent=basic,
                     items=items, total=len(tops), done=done, results=results,
                     commitments=[tallies[k] for k in COMMITMENTS], units=units, unfinished=unfinished,
                     summary="", unfinished_rows=unfinished_rows, scope=counting.count(in_scope),
                     multi_year=multi)
    report.summary = yearend_summary(report)
    return report


def yearend_summary(r: Yearend) -> str:
    """The summary paragraph: "全年纳入统计的计划一级事项 46 项，含子事项 12 项；已完成38项……"."""
    res = r.results
    text = f"{r.scope_name}纳入统计的{r.scope.line()}"
    if r.multi_year:
        text += f"（其中跨年度事项{r.multi_year}项，按本期应完成的份额计）"
    if not r.total:
        return text + "。"
    text += f"；已完成{r.done}项"
    extra = [f"{k}{res[k]}项" for k in ("超额完成", "逾期完成") if res[k]]
    if extra:
        text += f"（其中{'、'.join(extra)}）"
    text += (f"，基本完成{res['基本完成']}项，未完成{res['未完成']}项，无进展{res['无进展']}项，"
             f"完成率{r.rate:.1f}%。")
    parts = [f"{c.kind}类指标{c.total}项，完成{c.done}项（{c.rate:.1f}%）" for c in r.commitments[:2] if c.total]
    if parts:
        text += "其中" + "；".join(parts) + "。"
    if len(r.units) >= 2:
        best, worst = r.units[0], r.units[-1]
        if round(best.completion, 1) == round(worst.completion, 1):
            text += f"各单位平均完成度均为{best.completion:.1f}%。"
        else:
            text += (f"各单位中，{best.unit}平均完成度最高（{best.completion:.1f}%，全部完成{best.rate:.1f}%），"
                     f"{worst.unit}最低（{worst.completion:.1f}%，全部完成{worst.rate:.1f}%）。")
    if r.unfinished:
        following = "下半年" if r.half == 1 else "下一年度"
        subs = f"，其下未完成子事项{r.unfinished_subs}项" if r.unfinished_subs else ""
        text += (f"未完成（含基本完成、无进展）的一级事项{len(r.unfinished)}项{subs}，"
                 f"建议纳入{following}计划继续推进。")
    else:
        text += "计划事项已全部完成。"
    return text
