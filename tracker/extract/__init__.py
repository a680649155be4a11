"""Plan extraction: text (or a file) → units → plan items → targets. Pure; no database.

``parse_file`` reads a document and returns a ``Document``; ``parse_text`` does the same for text
in hand; ``parse_target_phrase`` reads one phrase (``task add --target``) with the same rules.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

from tracker.errors import InputError
from tracker.extract.kinds import classify_targets
from tracker.extract.model import Document, PlanItem, TargetSpec, UnitPlan
from tracker.extract.numerals import fold
from tracker.extract.outline import (
    Node,
    build_items,
    clean_lines,
    guess_unit_name,
    plan_sections,
    split_units,
)
from tracker.extract.reader import read_document
from tracker.extract.targets import extract_targets, parse_target_phrase

__all__ = ["Document", "PlanItem", "TargetSpec", "UnitPlan", "parse_file", "parse_text", "parse_target_phrase",
           "read_document", "period_of"]

_PLAN_PART = re.compile(r"计划|打算|思路|要点|安排|方案|规划|重点")
_SPLIT = re.compile(r"和|及|暨|与|以及|并")
_YEAR_RX = re.compile(r"((?:19|20)\d{2})\s*年")


def period_of(year: int, half: int | None) -> tuple[date, date]:
    """The first and last day of a half year (or of the whole year when half is None)."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    if half == 2:
        return date(year, 7, 1), date(year, 12, 31)
    return date(year, 1, 1), date(year, 12, 31)


def title_period(title: str) -> tuple[int | None, int | None, bool]:
    """(year, half, known) from a title such as …2023年上半年工作总结和下半年工作计划."""
    t = fold(title)
    parts = _SPLIT.split(t)
    plan = next((p for p in reversed(parts) if _PLAN_PART.search(p)), t)
    y = _YEAR_RX.search(plan) or _YEAR_RX.search(t)
    year = int(y.group(1)) if y else None
    if "下半年" in plan:
        return year, 2, True
    if "上半年" in plan:
        return year, 1, True
    if re.search(r"年度|全年|工作要点|年工作计划|年工作思路|年计划", plan):
        return year, None, True
    if "上半年" in t and "下半年" not in t:
        return year, 2, True  # 上半年工作总结及下步打算: the plan is for the second half
    if "下半年" in t:
        return year, 2, True
    return year, None, False


def _text_period(lines_norm: list[str], heading: str | None) -> tuple[int | None, int | None]:
    h = fold(heading or "")
    year = _YEAR_RX.search(h)
    half = 2 if "下半年" in h else (1 if "上半年" in h and "下半年" not in h else None)
    if year:
        return int(year.group(1)), half
    years = Counter(int(m.group(1)) for ln in lines_norm[:200] for m in _YEAR_RX.finditer(ln))
    common = years.most_common(1)
    return (common[0][0] if common else None), half


def _item(node: Node, start: date, end: date) -> PlanItem:
    text = "\n".join(node.orig).strip()
    return PlanItem(label=node.label, title=item_title(text), text=text,
                    targets=classify_targets(extract_targets(text, start, end), text, start, end),
                    children=[_item(c, start, end) for c in node.children])


_TITLE_END = re.compile(r"[。；;！？!?：:\n]")


def item_title(text: str) -> str:
    """An item's title: its first sentence, or its first phrase when that sentence is long."""
    m = _TITLE_END.search(text)
    first = (text[: m.start()] if m else text).strip()
    if len(first) > 30:
        comma = re.search(r"[，,]", first)
        if comma and comma.start() >= 4:
            first = first[: comma.start()]
    if len(first) > 40:
        first = first[:40] + "…"
    return first.rstrip("，,、")


def parse_text(text: str, year: int | None = None, half: int | None = None, source: str | None = None,
               default_year: int | None = None) -> Document:
    """Extract every unit's plan items and targets from a document's text."""
    units: list[UnitPlan] = []
    raws = split_units(clean_lines(text))
    for raw in raws:
        if not raw.name and len(raws) == 1:
            raw.name = guess_unit_name(raw, Path(source).stem if source else None)
        sections = plan_sections(raw)
        ty, th, known = title_period(raw.title)
        heading = next((s.heading for s in sections if s.heading), None)
        hy, hh = _text_period([ln.norm for ln in raw.lines], heading)
        y = year or ty or hy or default_year or date.today().year
        h = half if half is not None else (th if known else (hh if hh is not None else th))
        start, end = period_of(y, h)
        items: list[PlanItem] = []
        used_heading = heading
        for sec in sections:
            roots, _ = build_items(sec.lines)
            if roots and not items:
                used_heading = sec.heading
            items.extend(_item(r, start, end) for r in roots)
        if not items:
            for sec in sections:
                _, loose = build_items(sec.lines)
                for para in loose:
                    if para.children:  # "下半年重点做好以下工作：一是…；二是…": the 一是 are the items
                        items.extend(_item(c, start, end) for c in para.children)
                    elif para.orig:
                        items.append(_item(para, start, end))
                if items:
                    used_heading = sec.heading
                    break
        units.append(UnitPlan(name=raw.name, title=raw.title, plan_heading=used_heading,
                              period_start=start, period_end=end, items=items))
    doc_year = year or (units[0].period_start.year if units else (default_year or date.today().year))
    doc_half = half
    if doc_half is None and units:
        first = units[0]
        doc_half = 1 if first.period_end.month == 6 else (2 if first.period_start.month == 7 else None)
    return Document(units=units, year=doc_year, half=doc_half, source=source)


def parse_file(path: str | Path, year: int | None = None, half: int | None = None) -> Document:
    """Read and extract a plan document; InputError when it holds no plan items."""
    p = Path(path)
    text = read_document(p)
    doc = parse_text(text, year=year, half=half, source=str(p))
    if not any(u.items for u in doc.units):
        raise InputError(f"{p.name} 中没有找到计划条目：未识别到“下半年工作计划”“下一步打算”“工作要点”等计划部分，"
                         "或计划部分没有编号条目（一、（一） 1. 一是 …）")
    return doc
