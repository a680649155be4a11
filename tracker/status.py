"""Traffic-light status (序时进度 practice), as pure functions over plain values.

Completion of a target follows its rule (see ``tracker/extract/kinds.py``):

- cumulative: current / target clamped to 0–100 (``<=`` targets are met at or below their value;
  a range counts from its min; a start value shifts the origin);
- recurring: the share of the plan's periods (years, quarters, months) whose obligation is met,
  each period judged on its own; the end of the first unmet period is the target's open deadline;
- level: 100 while the latest reading holds the level, else current / target; the task cannot be
  完成 before the period ends and then only when every reading held (see ``task_status``);
- milestone (and deadline targets): met when recorded as reached or when the task is done.

A task's completion is the mean of its numeric targets, else its logged percent, else the mean
of its children. Its expected progress is the elapsed share of its period; the gap between the
two picks the colour.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tracker.record import Record

GREEN, YELLOW, RED, DONE = "绿", "黄", "红", "完成"
STATUSES = (GREEN, YELLOW, RED, DONE)
STATUS_ALIASES = {
    "绿": GREEN, "green": GREEN, "g": GREEN,
    "黄": YELLOW, "yellow": YELLOW, "y": YELLOW,
    "红": RED, "red": RED, "r": RED,
    "完成": DONE, "done": DONE, "d": DONE,
}
STATUS_EN = {GREEN: "green", YELLOW: "yellow", RED: "red", DONE: "done"}
NUMERIC_KINDS = ("count", "percent", "amount", "ratio")
CUMULATIVE, LEVEL, RECURRING, MILESTONE = "cumulative", "level", "recurring", "milestone"
# hold_state of a level target / task: the latest reading below the level, held now but not at
# every reading, held at every reading.
HOLD_BROKEN, HOLD_NOW, HOLD_ALWAYS = 0, 1, 2


class Rules(Record):
    """Configurable bands (points of completion behind expected) and the due-soon window."""

    __slots__ = ("yellow_band", "red_band", "due_soon_days", "on_pace_tolerance")

    def __init__(self, yellow_band: float = 10, red_band: float = 30, due_soon_days: int = 14,
                 on_pace_tolerance: float = 5) -> None:
        self.yellow_band = yellow_band
        self.red_band = red_band
        self.due_soon_days = due_soon_days
        self.on_pace_tolerance = on_pace_tolerance

    def __hash__(self) -> int:
        return hash(self._fields())

    @classmethod
    def from_config(cls, section: dict[str, Any]) -> Rules:
        return cls(
            yellow_band=float(section["yellow_band"]),
            red_band=float(section["red_band"]),
            due_soon_days=int(section["due_soon_days"]),
            on_pace_tolerance=float(section["on_pace_tolerance"]),
        )


def clamp(x: float, lo: float = 0.0, hi: float = 100.0) -> float:
    return max(lo, min(hi, x))


def goal_of(target: dict[str, Any]) -> float | None:
    """The number a target must reach: its value, or the min of a range."""
    if target.get("comparator") == "range":
        return target.get("min_value") if target.get("min_value") is not None else target.get("max_value")
    return target.get("value")


def meets(target: dict[str, Any], value: float | None) -> bool:
    """Whether one reading satisfies the target (a level held, a period's obligation met)."""
    goal = goal_of(target)
    if value is None or goal is None:
        return False
    if target.get("comparator") == "<=":
        return value <= goal
    if target.get("comparator") == "range" and target.get("max_value") is not None and target.get("rule") == LEVEL:
        return goal <= value <= target["max_value"]
    return value >= goal


def raw_target_ratio(target: dict[str, Any], task_done: bool = False) -> float | None:
    """Completion in percent, unclamped above (for 超额完成); None when it cannot be measured."""
    rule = target.get("rule") or CUMULATIVE
    if target.get("kind") == "deadline" or rule == MILESTONE:
        return 100.0 if task_done or target.get("met_on") else 0.0
    if rule == RECURRING and target.get("periods_total"):
        return 100.0 * (target.get("periods_met") or 0) / target["periods_total"]
    if rule == LEVEL and target.get("held") in (HOLD_NOW, HOLD_ALWAYS):
        return 100.0
    goal = goal_of(target)
    current = target.get("current_value")
    if goal is None:
        return None
    if current is None:
        return 0.0
    return _reading_ratio(target.get("comparator"), goal, target.get("start_value"), current)


def _reading_ratio(comparator: str | None, goal: float, start: float | None, current: float) -> float:
    """Percent of the way from the start value (or zero) to the goal that a reading stands at."""
    if comparator == "<=":
        if start is not None and start != goal:
            return max(0.0, (start - current) / (start - goal) * 100)
        if current <= goal:
            return 100.0
        return max(0.0, goal / current * 100) if current > 0 else 0.0
    if start is not None and goal != start:
        return max(0.0, (current - start) / (goal - start) * 100)
    if goal == 0:
        return 100.0 if current >= 0 else 0.0
    return max(0.0, current / goal * 100)


def reading_completion(target: dict[str, Any]) -> Callable[[float | None], float | None]:
    """``target_completion`` of a cumulative numeric target as a function of its current value.

    For replaying the log: the trend reads each target's completion at thousands of values, and
    the goal, start and comparator are looked up once here instead of at every reading.
    """
    goal = goal_of(target)
    if goal is None:
        return lambda current: None
    comparator, start = target.get("comparator"), target.get("start_value")
    if comparator != "<=" and (start is None or start == goal) and goal != 0:
        # The common case, ``_reading_ratio``'s last line clamped, written out: one call a reading.
        return lambda current: 0.0 if current is None else min(100.0, max(0.0, current / goal * 100))

    def completion(current: float | None) -> float | None:
        if current is None:
            return 0.0
        return clamp(_reading_ratio(comparator, goal, start, current))

    return completion


def target_completion(target: dict[str, Any], task_done: bool = False) -> float | None:
    r = raw_target_ratio(target, task_done)
    return None if r is None else clamp(r)


def task_completion(
    targets: list[dict[str, Any]],
    percent: float | None,
    children: list[float],
    done: bool,
    measured: bool = False,
) -> float:
    """Completion of one task from its targets, logged percent or children's completions.

    With ``measured`` the targets already carry their ``completion`` (computed once by the caller).
    """
    if done:
        return 100.0
    parts = [c for t in targets if t.get("kind") in NUMERIC_KINDS
             if (c := (t.get("completion") if measured else target_completion(t))) is not None]
    if parts:
        return sum(parts) / len(parts)
    if percent is not None:
        return clamp(percent)
    marks = [c for t in targets if t.get("kind") == "deadline" or t.get("rule") == MILESTONE
             if (c := (t.get("completion") if measured else target_completion(t))) is not None]
    if marks and max(marks) >= 100:  # milestones recorded as reached, one by one
        return sum(marks) / len(marks)
    if children:
        return sum(children) / len(children)
    return 0.0


def expected_progress(start: date | None, deadline: date | None, today: date) -> float | None:
    """序时进度: the elapsed share of the task's period, in percent."""
    if deadline is None:
        return None
    if start is None or start >= deadline:
        return 100.0 if today >= deadline else 0.0
    return clamp((today - start).days / (deadline - start).days * 100)


def task_status(
    completion: float,
    start: date | None,
    deadline: date | None,
    today: date,
    rules: Rules,
    done: bool = False,
    overdue_target: bool = False,
    hold_until: date | None = None,
    hold_state: int | None = None,
) -> str:
    """The traffic light: 完成, 红, 黄 or 绿.

    ``hold_until``: the task has a level to hold until that day. Before it the task is not 完成
    (a level held today is on track, 绿; the latest reading below the level is 红); after it the
    task is 完成 only if every reading held.
    """
    if done:
        return DONE
    if hold_until is not None:
        if today > hold_until:
            return DONE if completion >= 100 and hold_state == HOLD_ALWAYS else RED
        if hold_state == HOLD_BROKEN or overdue_target:
            return RED
        if completion >= 100:
            return GREEN
    if completion >= 100:
        return DONE
    if overdue_target or (deadline is not None and today > deadline):
        return RED
    expected = expected_progress(start, deadline, today)
    lag = (expected - completion) if expected is not None else 0.0
    if lag > rules.red_band:
        return RED
    if lag > rules.yellow_band:
        return YELLOW
    if deadline is not None and (deadline - today).days <= rules.due_soon_days:
        return YELLOW
    return GREEN


def pace(completion: float, expected: float | None, rules: Rules, done: bool) -> str:
    """Supervision offices' pace class: 已完成, 超进度, 达进度 or 欠进度."""
    if done or completion >= 100:
        return "已完成"
    if expected is None:
        return "达进度"
    gap = completion - expected
    if gap > rules.on_pace_tolerance:
        return "超进度"
    if gap >= -rules.on_pace_tolerance:
        return "达进度"
    return "欠进度"


def rule_label(rule: str | None, every: str | None) -> str:
    """A target's rule in a word for tables: 累计, 保持, 每季度, 节点."""
    if rule == LEVEL:
        return "保持"
    if rule == RECURRING:
        return {"year": "每年", "quarter": "每季度", "month": "每月"}.get(every or "", "周期")
    if rule == MILESTONE:
        return "节点"
    return "累计"


# -- rules over readings -----------------------------------------------------------------------
def periods(start: date, end: date, every: str | None) -> list[tuple[date, date]]:
    """The calendar years, quarters or months of [start, end], clipped to it (one period when
    ``every`` is None or unknown)."""
    if start > end:
        return [(start, end)]
    months = {"year": 12, "quarter": 3, "month": 1}.get(every or "")
    if months is None:
        return [(start, end)]
    out = []
    y, m = start.year, ((start.month - 1) // months) * months + 1
    while True:
        p0 = date(y, m, 1)
        ny, nm = (y + (m - 1 + months) // 12, (m - 1 + months) % 12 + 1)
        p1 = date(ny, nm, 1) - timedelta(days=1)
        if p0 > end:
            break
        out.append((max(p0, start), min(p1, end)))
        y, m = ny, nm
    return out


def derive_target(target: dict[str, Any], readings: list[tuple[date, float]], start: date, end: date) -> dict[str, Any]:
    """What a target's rule makes of its effective readings (day, value) in replay order:
    current_value and periods_met, periods_total, next_due, met_on, held."""
    rule = target.get("rule") or CUMULATIVE
    out: dict[str, Any] = {"current_value": readings[-1][1] if readings else None, "periods_met": None,
                           "periods_total": None, "next_due": None, "met_on": None, "held": None}
    if rule == RECURRING:
        spans = periods(start, end, target.get("every"))
        met = 0
        next_due = None
        last_met_on = None
        for p0, p1 in spans:
            inside = [(d, v) for d, v in readings if p0 <= d <= p1]
            if inside and meets(target, inside[-1][1]):
                met += 1
                last_met_on = inside[-1][0]
            elif next_due is None:
                next_due = p1
        out.update(periods_met=met, periods_total=len(spans), next_due=next_due,
                   met_on=last_met_on if next_due is None else None)
    elif rule == LEVEL and readings:
        ok = [meets(target, v) for _, v in readings]
        out["held"] = HOLD_BROKEN if not ok[-1] else (HOLD_ALWAYS if all(ok) else HOLD_NOW)
    elif rule == MILESTONE and readings and readings[-1][1] >= 1:
        out["met_on"] = readings[-1][0]
    return out


def period_of_day(target: dict[str, Any], day: date, start: date, end: date) -> tuple[date, date] | None:
    """The period of a recurring target that ``day`` falls in (None for other rules)."""
    if (target.get("rule") or CUMULATIVE) != RECURRING:
        return None
    return next(((p0, p1) for p0, p1 in periods(start, end, target.get("every")) if p0 <= day <= p1), None)


def parse_status(text: str) -> str | None:
    return STATUS_ALIASES.get(text.strip().lower())
