"""One definition of what is counted: board, notifications, weekly and year-end reports.

On the bundled example plans (top-level items with sub-items, some red, some overdue) every
summary counts the plan's top-level items with their sub-items rolled up, says so in the same
line, and gives the same figures on the same database and day.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "examples" / "plans" / "2024下半年工作计划汇编.txt"


@pytest.fixture
def demo(world, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACKER_TODAY", "2024-10-15")
    world.run("plan", "import", str(PLAN))
    rows = json.loads(world.run("task", "list", "--format", "json").stdout)
    by_title = {r["title"]: r for r in rows}

    def tid(part: str) -> str:
        return str(next(r["id"] for t, r in by_title.items() if part in t))

    world.run("task", "update", tid("基层做实"), "--target", "1", "--value", "11", "--on", "2024-10-10")
    world.run("task", "update", tid("医院做强"), "--percent", "55", "--on", "2024-10-12")
    world.run("task", "update", tid("推进教育数字化"), "--target", "1", "--value", "32", "--on", "2024-10-14")
    return world


def test_every_summary_counts_the_same(demo) -> None:  # type: ignore[no-untyped-def]
    from tracker.context import Context
    from tracker.counting import Count
    from tracker.reports import data

    board = demo.json("board")
    tops = sum(u["total"] for u in board)
    subs = sum(u["subs"] for u in board)
    red = sum(u["counts"]["红"] for u in board)
    done = sum(u["counts"]["完成"] for u in board)
    assert tops > 0 and subs > 0 and red > 0  # the sample has sub-items and red items
    line = Count(tops=tops, subs=subs).line()
    assert line in demo.run("board").stdout

    # notifications
    overdue = json.loads(demo.run("notify", "send", "overdue", "--dry-run", "--format", "json").stdout)
    text = "\n".join(b for o in overdue for b in o["bodies"])
    assert line in text and f"其中红灯 **{red}** 项" in text
    numbered = re.findall(r"^\d+\. ", text, flags=re.M)  # top-level items are numbered, sub-items not
    assert len(numbered) == red
    weekly_msg = json.loads(demo.run("notify", "send", "weekly", "--dry-run", "--format", "json").stdout)
    text = "\n".join(b for o in weekly_msg for b in o["bodies"])
    assert line in text and f"🔴红 {red}、✅完成 {done}" in text

    # the weekly report of this week (judged today: before Friday's cut-off)
    c = Context.load()
    w = data.weekly(c)
    assert w.as_of == c.today
    assert (w.total.total, w.scope.tops, w.scope.subs, w.total.lights["红"], w.total.lights["完成"]) == (
        tops, tops, subs, red, done)
    assert sum(1 for ln in w.red if ln.is_top) == red
    md = demo.path / "w.md"
    demo.run("report", "weekly", "--format", "md", "-o", str(md))
    assert line in md.read_text(encoding="utf-8")

    # the year-end report of this year, as of today
    y = data.yearend(c, year=2024)
    assert (y.total, y.scope.tops, y.scope.subs) == (tops, tops, subs)
    assert len(y.unfinished) == tops - y.done
    assert sum(1 for it in y.unfinished_rows if it.line.is_top) == len(y.unfinished)
    md = demo.path / "y.md"
    demo.run("report", "yearend", "--year", "2024", "--format", "md", "-o", str(md))
    assert line in md.read_text(encoding="utf-8")
