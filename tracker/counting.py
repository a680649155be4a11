"""What every summary counts: the plan's top-level items, with their sub-items rolled up.

The board, the notifications (overdue list and weekly summary) and the weekly and year-end
reports all count through ``count`` so that they give the same figures for the same database
and day: a top-level item is a task whose parent is not in scope (normally: it has none); its
sub-items count towards its completion and are listed under it, never counted beside it. Each
of them says so in the same words (``Count.line``): "计划一级事项 34 项，含子事项 12 项".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tracker import status as st
from tracker.record import Record


def is_top(v: Any, views: Mapping[int, Any]) -> bool:
    """A top-level item: no parent, or a parent outside the tasks in scope."""
    parent = v.row["parent_id"]
    return parent is None or parent not in views


class Count(Record):
    """Top-level items and the sub-items under them; lights and completion over the top-level items."""

    def __init__(self, tops: int = 0, subs: int = 0) -> None:
        self.tops = tops
        self.subs = subs
        self.lights = {s: 0 for s in st.STATUSES}
        self.red_subs = 0  # red sub-items (listed under their item, not counted beside it)
        self.completion_sum = 0.0

    @property
    def completion(self) -> float:
        return self.completion_sum / self.tops if self.tops else 0.0

    @property
    def red(self) -> int:
        return self.lights[st.RED]

    def line(self) -> str:
        """The counting rule in words, the same in every output."""
        return f"计划一级事项 {self.tops} 项，含子事项 {self.subs} 项"

    def add(self, v: Any, top: bool) -> None:
        if top:
            self.tops += 1
            self.lights[v.status] += 1
            self.completion_sum += v.completion
        else:
            self.subs += 1
            if v.status == st.RED:
                self.red_subs += 1


def count(views: Mapping[int, Any], units: Iterable[str] | None = None) -> Count:
    """The count of the tasks in ``views`` (of ``units`` only, when given)."""
    only = set(units) if units is not None else None
    out = Count()
    for v in views.values():
        if only is None or v.unit in only:
            out.add(v, is_top(v, views))
    return out


def count_by_unit(views: Mapping[int, Any]) -> dict[str, Count]:
    """``count`` for each unit that has tasks."""
    out: dict[str, Count] = {}
    for v in views.values():
        out.setdefault(v.unit, Count()).add(v, is_top(v, views))
    return out
