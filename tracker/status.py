"""Traffic-light status (序时进度 practice), as pure functions over plain values.

Completion of a target is current / target clamped to 0–100 (``<=`` targets are met at or below
their value; a range counts from its min; a start value shifts the origin; a deadline target is
met when its task is marked done). A task's completion is the mean of its numeric targets, else
its logged percent, else the mean of its children. Its expected progress is the elapsed share of
its period; the gap between the two picks the colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

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


@dataclass(frozen=True)
class Rules:
    """Configurable bands (points of completion behind expected) and the due-soon window."""

    yellow_band: float = 10
    red_band: float = 30
    due_soon_days: int = 14
    on_pace_tolerance: float = 5

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


def raw_target_ratio(target: dict[str, Any], task_done: bool = False) -> float | None:
    """Completion in percent, unclamped above (for 超额完成); None when it cannot be measured."""
    if target.get("kind") == "deadline":
        return 100.0 if task_done else 0.0
    goal = goal_of(target)
    current = target.get("current_value")
    if goal is None:
        return None
    if current is None:
        return 0.0
    start = target.get("start_value")
    if target.get("comparator") == "<=":
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
) -> str:
    """The traffic light: 完成, 红, 黄 or 绿."""
    if done or completion >= 100:
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


def parse_status(text: str) -> str | None:
    return STATUS_ALIASES.get(text.strip().lower())
