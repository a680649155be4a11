"""The bundled examples (what `make demo` imports) parse as their author meant."""

from __future__ import annotations

from pathlib import Path

from tracker.extract import parse_file

PLANS = Path(__file__).resolve().parents[2] / "examples" / "plans"


def _count(items) -> int:
    return sum(1 + _count(i.children) for i in items)


def test_compilation_holds_four_units_and_no_summary_items():
    doc = parse_file(PLANS / "2024下半年工作计划汇编.txt")
    assert [u.name for u in doc.units] == ["某县教育局", "某县卫生健康局", "某县农业农村局", "某县住房和城乡建设局"]
    assert (doc.year, doc.half) == (2024, 2)
    texts = [i.text for u in doc.units for i in u.items]
    assert not any("新增学位1350个" in t or "学位依然紧张" in t for t in texts)
    assert [_count(u.items) for u in doc.units] == [8, 8, 10, 4]


def test_work_points_and_word_plan():
    [points] = parse_file(PLANS / "2025年县发展和改革委员会工作要点.md").units
    assert (str(points.period_start), str(points.period_end)) == ("2025-01-01", "2025-12-31")
    assert [i.label for i in points.items] == ["一、", "二、", "三、"]
    [water] = parse_file(PLANS / "某县水利局2024年下半年工作计划.docx").units
    rows = water.items[0].children
    assert [(t.value, str(t.deadline)) for t in rows[0].targets] == [(3, "2024-10-31")]
