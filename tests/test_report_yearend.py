"""The year-end report as a supervision office files it: multi-year items for their share of the
year, units ranked by average completion, the plan's wording beside the outcome, late completion,
unfinished items one level deep with their sub-items under them."""

from __future__ import annotations

import pytest

A, B = "县人力资源和社会保障局", "县商务局"


def build(w) -> None:  # type: ignore[no-untyped-def]
    for u in (A, B):
        w.run("unit", "add", u)
    add = [
        ("储备技能人才", A, "--count", "3200", "--measure", "人", "--due", "2026-12-31"),  # 1: 2023–2026
        ("开展职业技能培训", A, "--count", "100", "--measure", "人次", "--due", "2023-12-31"),  # 2
        ("新增城镇就业", A, "--count", "100", "--measure", "人", "--due", "2023-12-31"),  # 3
        ("发展夜间经济", B, "--due", "2023-06-30"),  # 4: finished late
        ("建设农贸市场", B, "--due", "2023-12-31"),  # 5: parent of 6 and 7
    ]
    for title, unit, *opts in add:
        w.run("task", "add", title, "--unit", unit, *opts)
    w.run("task", "add", "城东农贸市场", "--parent", "5", "--due", "2023-12-31")  # 6
    w.run("task", "add", "城西农贸市场", "--parent", "5", "--due", "2023-12-31")  # 7
    for tid in range(1, 8):
        w.run("task", "edit", str(tid), "--start", "2023-01-01", "--by", "督办科")
    w.run("task", "edit", "4", "--text", "发展夜间经济。打造3条夜间消费街区，带动就业500人。", "--by", "督办科")
    w.run("task", "update", "1", "--value", "900", "--on", "2023-11-30")  # 2023's share is 800
    w.run("task", "update", "2", "--value", "95", "--on", "2023-12-20")
    w.run("task", "update", "3", "--value", "87", "--on", "2023-12-20")
    w.run("task", "done", "4", "--on", "2023-07-16")
    w.run("task", "done", "6", "--on", "2023-12-01")
    w.run("task", "update", "7", "--percent", "20", "--on", "2023-12-01")

    from tracker import store
    from tracker.context import Context

    ctx = Context.load()

    def quotes(c):  # type: ignore[no-untyped-def]
        for tid, subject in ((2, "技能培训"), (3, "城镇新增就业")):
            [t] = store.targets_of(c, tid)
            store.update_target(c, int(t["id"]), quote="完成100人", subject=subject)

    ctx.db.write(quotes)
    ctx.close()


@pytest.fixture
def ye(world, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRACKER_TODAY", "2024-01-10")
    build(world)
    return world


def yearend():  # type: ignore[no-untyped-def]
    from tracker.context import Context
    from tracker.reports import data

    return data.yearend(Context.load(), year=2023)


def test_multi_year_item_counts_for_its_share(ye) -> None:  # type: ignore[no-untyped-def]
    r = yearend()
    item = next(it for it in r.items if it.line.title == "储备技能人才")
    share = 364 / 1460  # 序时进度 on 2023-12-31 of a span from 2023-01-01 to 2026-12-31
    assert item.share == pytest.approx(share * 100)
    assert item.rate == pytest.approx(900 / 3200 / share * 100)
    assert item.result == "超额完成"
    assert r.multi_year == 1 and "跨年度事项1项" in r.summary
    md = ye.path / "y.md"
    ye.run("report", "yearend", "--year", "2023", "--format", "md", "-o", str(md))
    assert "储备技能人才（跨年度事项，本期应完成25%）" in md.read_text(encoding="utf-8")


def test_units_ranked_by_average_completion(ye) -> None:  # type: ignore[no-untyped-def]
    r = yearend()
    # A: 100 (its share met), 95, 87 -> 94.0, nothing else fully done but the multi-year item;
    # B: 100 (late), parent (100 + 20) / 2 = 60 -> 80.0, with one of two items done.
    got = [(u.unit, u.rank, round(u.completion, 1), round(u.rate, 1)) for u in r.units]
    assert got == [(A, 1, 94.0, 33.3), (B, 2, 80.0, 50.0)]


def test_late_completion_and_unfinished_one_level(ye) -> None:  # type: ignore[no-untyped-def]
    r = yearend()
    late = next(it for it in r.items if it.line.title == "发展夜间经济")
    assert (late.result, late.late_days, late.result_text) == ("逾期完成", 16, "逾期完成（16天）")
    assert r.results["逾期完成"] == 1 and r.done == 2
    rows = [(it.line.title, it.line.depth) for it in r.unfinished_rows]
    assert rows == [("开展职业技能培训", 0), ("新增城镇就业", 0), ("建设农贸市场", 0), ("城西农贸市场", 1)]
    assert len(r.unfinished) == 3 and "一级事项3项，其下未完成子事项1项" in r.summary


def test_plan_text_and_target_subjects_beside_outcome(ye) -> None:  # type: ignore[no-untyped-def]
    from tracker.reports import layout

    r = yearend()
    night = next(it for it in r.items if it.line.title == "发展夜间经济")
    assert night.plan_text == "打造3条夜间消费街区，带动就业500人。"
    doc = layout.yearend_doc(r)
    cells = [row for b in doc.blocks if isinstance(b, layout.Table) and b.sheet in (A, B) for row in b.rows]
    texts = {row[2] for row in cells}
    assert "打造3条夜间消费街区，带动就业500人。" in texts and "（无量化指标）" not in texts
    # the same quote twice, told apart by the subject
    assert {"完成100人（技能培训）", "完成100人（城镇新增就业）"} <= texts
