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
from tracker.extract.classify import classify_item, classify_lead, classify_paragraph, is_progress_document
from tracker.extract.clean import Line, wrapper_issuer
from tracker.extract.kinds import classify_targets
from tracker.extract.model import Document, PlanItem, SectionNote, TargetSpec, UnitPlan
from tracker.extract.numerals import fold
from tracker.extract.outline import (
    MULTI_YEAR,
    Node,
    RawUnit,
    Section,
    all_plan_title,
    build_items,
    clean_document,
    guess_unit_name,
    leading_label,
    split_units,
    unit_sections,
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


_SPAN_RX = re.compile(r"((?:19|20)\d{2})\s*(?:年)?\s*[-—–~～至到]+\s*((?:19|20)\d{2})\s*年")


_FIVE_YEAR = {"十一五": 2006, "十二五": 2011, "十三五": 2016, "十四五": 2021, "十五五": 2026, "十六五": 2031}
_SCHOOL_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:[-—–至]\s*(?:19|20)?\d{2,4}\s*)?学年(?:度)?\s*(第一学期|上学期|第二学期|下学期)?")


def title_span(title: str) -> tuple[date, date] | None:
    """The period a title names beyond a calendar year or half, or None.

    Multi-year plans (行动计划（2021—2023年）, 十四五规划: 2021–2025) and school documents
    (2010学年工作思路: September to August; 2021学年第二学期: February to July).
    """
    t = fold(title)
    m = _SPAN_RX.search(t)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a < b <= a + 10:
            return date(a, 1, 1), date(b, 12, 31)
    for name, first in _FIVE_YEAR.items():
        if name in t:
            return date(first, 1, 1), date(first + 4, 12, 31)
    s = _SCHOOL_YEAR.search(t)
    if s:
        y = int(s.group(1))
        term = s.group(2) or ""
        if term in ("第一学期", "上学期"):
            return date(y, 9, 1), date(y + 1, 1, 31)
        if term in ("第二学期", "下学期"):
            return date(y + 1, 2, 1), date(y + 1, 7, 31)
        return date(y, 9, 1), date(y + 1, 8, 31)
    return None


def _text_period(lines_norm: list[str], heading: str | None) -> tuple[int | None, int | None]:
    h = fold(heading or "")
    year = _YEAR_RX.search(h)
    half = 2 if "下半年" in h else (1 if "上半年" in h and "下半年" not in h else None)
    if year:
        return int(year.group(1)), half
    years = Counter(int(m.group(1)) for ln in lines_norm[:200] for m in _YEAR_RX.finditer(ln))
    common = years.most_common(1)
    return (common[0][0] if common else None), half


def _item(node: Node, start: date, end: date, unsure: list[str] | None = None, forward_only: bool = False) -> PlanItem:
    text = "\n".join(node.orig).strip()
    targets = classify_targets(extract_targets(text, start, end, forward_only), text, start, end)
    for t in targets:
        _mark_target(t)
    marks = list(unsure or [])
    if len(text) > 600 and not node.children:
        marks.append("条目很长，可能包含多项任务")
    return PlanItem(label=node.label, title=item_title(text), text=text, targets=targets,
                    children=[_item(c, start, end, forward_only=forward_only) for c in node.children], unsure=marks)


def _mark_target(t: TargetSpec) -> None:
    """Why a reviewer should look at a target before import, where the rules are not sure."""
    if t.kind != "deadline" and not t.subject:
        t.unsure.append("没有识别出指标对象")
    if t.kind == "amount" and "投资" in fold(t.quote) and not t.commitment and "完成" not in fold(t.quote):
        t.unsure.append("可能是项目的投资规模，而不是要完成的金额")
    if t.value is not None and t.kind == "percent" and t.value > 100 and t.unit == "%" and "增长" not in fold(t.quote):
        t.unsure.append("比例超过100%")


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


def _section_text(sec: Section) -> str:
    return "\n".join(ln.orig for ln in sec.lines)


def _items_from(secs: list[Section], start: date, end: date, by_content: bool, progress_doc: bool,
                notes: list[SectionNote]) -> list[PlanItem]:
    """Plan items of the given sections: numbered roots first, then enumerations, then paragraphs.

    ``by_content``: no heading said these sections are plan, so each root, enumeration and
    paragraph is kept only when its own words (classify) say it is a commitment.
    """
    items: list[PlanItem] = []
    loose_all: list[tuple[Section, Node]] = []
    for sec in secs:
        roots, loose = build_items(sec.lines)
        kept, first = 0, len(items)
        for r in roots:
            if by_content:
                text = "\n".join(r.orig)
                v = classify_item(item_title(text), _node_text(r), progress_doc)
                if v.kind != "plan":
                    continue
            items.append(_item(r, start, end, unsure=["按内容判断为计划事项"] if by_content and not progress_doc else [],
                               forward_only=by_content))
            kept += 1
        for para in loose:
            goal = _goal_item(sec, para, bool(roots), start, end, by_content)
            if goal is not None:
                items.insert(first, goal)  # the goals precede the tasks
                first += 1
                kept += 1
                continue
            loose_all.append((sec, para))
        if kept:
            _note(notes, sec, f"取编号条目 {kept} 项")
    # Enumerations run inside a paragraph (下半年要重点做好以下工作：一是……；二是……).
    for sec, para in loose_all:
        if not para.children:
            continue
        lead = "\n".join(para.orig)
        lead_verdict = classify_lead(lead)
        if lead_verdict is not None and lead_verdict.kind != "plan":
            continue
        if lead_verdict is None and by_content and any(
                classify_item(c.label, _node_text(c), progress_doc).kind != "plan" for c in para.children):
            continue
        items.extend(_item(c, start, end, forward_only=by_content) for c in para.children)
        _note(notes, sec, "取段落中的列举（一是……二是……）" if lead_verdict is None else lead_verdict.reason)
    if items:
        return items
    # Nothing numbered: each paragraph is an item (a work report's bold leads, a short notice).
    for sec, para in loose_all:
        if not para.orig:
            continue
        text = "\n".join(para.orig)
        if by_content:
            v = classify_paragraph(text)
            if v.kind != "plan":
                continue
        items.append(_item(para, start, end, unsure=["没有编号，按段落取为事项"], forward_only=by_content))
        _note(notes, sec, "没有编号条目，按段落取为事项")
    return items


_GOALS_LEAD = re.compile(r"^[^。；;]{0,14}(主要预期目标|预期目标|主要目标|发展目标|工作目标|总体目标|目标任务)[^。；;]{0,6}[：:是]")


_GOALS_HEADING = re.compile(r"(主要预期目标|预期目标|主要目标|发展目标|工作目标|总体目标|目标任务|任务目标|核心指标|主要指标)[：:]?$")


def _goal_item(sec: Section, para: Node, has_roots: bool, start: date, end: date,
               forward_only: bool) -> PlanItem | None:
    """A goals paragraph as an item of its own, when it states figures.

    Families: 主要预期目标是：地区生产总值增长7%左右；… of a work report (wherever it stands), and
    the unnumbered text of an 实施方案's 一、工作目标 section (the section is the item).
    """
    if para.children:
        return None
    heading = sec.heading or ""
    in_goal_section = not has_roots and bool(heading and _GOALS_HEADING.search(fold(heading)))
    if not (in_goal_section or _GOALS_LEAD.search(fold("\n".join(para.orig)[:40]))):
        return None
    goal = _item(para, start, end, forward_only=forward_only)
    if not _measurable(goal):
        return None
    if in_goal_section:
        lab = leading_label(fold(heading), 0)
        goal.label = heading[:lab.end].strip() if lab else ""
        goal.title = item_title(heading[lab.end:] if lab else heading).rstrip("：:")
    return goal


def _measurable(item: PlanItem) -> bool:
    """A goals paragraph is an item when it states figures (增长7%左右), not slogans (一条主线、三个坚持)."""
    return any(t.kind in ("percent", "amount") or re.search(r"\d", fold(t.quote)) for t in item.targets)


def _node_text(node: Node) -> str:
    parts = ["\n".join(node.orig)]
    parts.extend(_node_text(c) for c in node.children)
    return "\n".join(parts)


def _note(notes: list[SectionNote], sec: Section, reason: str) -> None:
    for n in notes:
        if n.heading == sec.heading and n.kind == sec.kind:
            n.taken = True
            if reason not in n.reason:
                n.reason = f"{n.reason}；{reason}" if n.reason else reason
            return


_KIND_CN = {"plan": "计划部分", "summary": "总结或问题部分", "other": "其他部分", "preamble": "开头部分"}


def _this_years_plan(sections: list[Section]) -> list[Section]:
    """The plan sections, less a work report's chapter on the coming five years when it has this year's plan.

    Family: 政府工作报告 with 二、“十五五”时期的主要目标和重点任务 (principles and five-year goals:
    一是聚焦……) before 三、2026年工作安排; the tasks to track are this year's.
    """
    plan = [s for s in sections if s.kind == "plan"]
    multi = [s for s in plan if s.heading and not s.annex and MULTI_YEAR.search(fold(s.heading))]
    if not multi or len(multi) == len(plan):
        return plan
    skip: set[int] = set()
    for i, sec in enumerate(sections):
        if sec in multi:
            skip.add(i)
            j = i + 1
            while j < len(sections) and not leading_label(fold(sections[j].heading or "一、"), 0):
                skip.add(j)  # 主要目标： and other unlabeled parts of the same chapter
                j += 1
    return [s for i, s in enumerate(sections) if s.kind == "plan" and i not in skip]



def _read_unit(raw: RawUnit, sections: list[Section], start: date,
               end: date) -> tuple[list[PlanItem], str | None, list[SectionNote], str, list[str]]:
    """Items, plan heading, section notes, reason and warnings for one unit's document."""
    notes = [SectionNote(s.heading, s.kind, False, f"标题表明是{_KIND_CN[s.kind]}" if s.heading else "")
             for s in sections]
    warnings: list[str] = []
    plan = _this_years_plan(sections)
    progress = is_progress_document(raw.title, "\n".join(ln.norm for ln in raw.lines[:3]))
    total = sum(len(sec.heading or "") + sum(len(ln.norm) for ln in sec.lines) for sec in sections) or 1
    covered = sum(len(sec.heading or "") + sum(len(ln.norm) for ln in sec.lines) for sec in plan) / total
    if all_plan_title(raw.title) and covered < 0.4:
        # 工作要点, 实施方案, 行动计划, 规划 whose plan headings (发展目标, 年度重点工作) head only a
        # small part: the whole document is plan but for a summary part.
        body = Section(None, [], "plan")
        for sec in sections:
            if sec.kind == "summary":
                continue
            if sec.heading:
                body.lines.append(Line(sec.heading, fold(sec.heading)))
            body.lines.extend(sec.lines)
        items = _items_from([body], start, end, False, False, [])
        for n in notes:
            n.taken = n.kind != "summary" and bool(items)
            if n.taken:
                n.reason = "全文是计划，整篇读取"
        why = f"标题“{raw.title}”表明全文是计划，整篇读取（总结部分除外）" if raw.title else "全文读取"
        return items, None, notes, why, warnings
    if plan:
        items = _items_from(plan, start, end, False, False, notes)
        # 今年政府工作的主要预期目标是：… often stands before the plan heading: it is an item too.
        goals = [g for sec in sections if sec.kind in ("preamble", "other")
                 for para in build_items(sec.lines)[1]
                 if (g := _goal_item(sec, para, True, start, end, False)) is not None]
        items = goals + items
        heading = next((s.heading for s in plan if s.heading), None)
        return items, heading, notes, f"按计划部分的标题（{heading}）读取" if heading else "按计划部分读取", warnings
    rest = [s for s in sections if s.kind != "summary"]
    items = _items_from(rest, start, end, True, progress, notes)
    warnings.append("没有找到计划部分的标题（如“下半年工作计划”“下一步打算”），按内容判断哪些是计划")
    why = ("进展报告：每个编号事项视为一项承诺，其下的进展不作为指标" if progress
           else "按内容判断：取要做的工作（要、将、确保、力争、计划……），不取已完成的情况")
    return items, None, notes, why, warnings


def parse_text(text: str, year: int | None = None, half: int | None = None, source: str | None = None,
               default_year: int | None = None) -> Document:
    """Extract every unit's plan items and targets from a document's text.

    The pipeline: clean (chrome, wrappers, page markers) → split into units → outline each unit
    into sections → classify sections (headings, then content) → items → targets.
    """
    units: list[UnitPlan] = []
    lines, cleaned = clean_document(text)
    raws = split_units(lines, wrapper_issuer(cleaned.wrapper_subject))
    for raw in raws:
        if not raw.name and len(raws) == 1:
            raw.name = guess_unit_name(raw, Path(source).stem if source else None)
        sections = unit_sections(raw)
        ty, th, known = title_period(raw.title)
        heading = next((s.heading for s in sections if s.kind == "plan" and s.heading), None)
        hy, hh = _text_period([ln.norm for ln in raw.lines], heading)
        y = year or ty or hy or default_year or date.today().year
        h = half if half is not None else (th if known else (hh if hh is not None else th))
        start, end = period_of(y, h)
        span = title_span(raw.title)
        if span and year is None and half is None:
            start, end = span  # 行动计划（2021—2023年）, 十四五规划: the plan's own years
        items, used_heading, notes, reason, warnings = _read_unit(raw, sections, start, end)
        if not items:
            warnings.append("没有找到计划条目：" + ("文中只有总结或问题部分" if any(n.kind == "summary" for n in notes)
                                               else "没有编号条目或要做的工作"))
        # The unit's text outside its plan sections (its 上半年总结, opening, other parts), for baselines.
        summary = "\n".join(_section_text(s) for s in sections if s.kind != "plan")
        units.append(UnitPlan(name=raw.name, title=raw.title, plan_heading=used_heading,
                              period_start=start, period_end=end, items=items, sections=notes,
                              reason=reason, warnings=warnings, summary_text=summary))
    doc_year = year or (units[0].period_start.year if units else (default_year or date.today().year))
    doc_half = half
    if doc_half is None and units:
        first = units[0]
        doc_half = 1 if first.period_end.month == 6 else (2 if first.period_start.month == 7 else None)
    return Document(units=units, year=doc_year, half=doc_half, source=source, dropped=dict(cleaned.dropped),
                    wrapper=cleaned.wrapper_subject)


def parse_file(path: str | Path, year: int | None = None, half: int | None = None,
               require_items: bool = True) -> Document:
    """Read and extract a plan document; InputError when it holds no plan items (if required)."""
    p = Path(path)
    text = read_document(p)
    doc = parse_text(text, year=year, half=half, source=str(p))
    if require_items and not any(u.items for u in doc.units):
        raise InputError(f"{p.name} 中没有找到计划条目：未识别到“下半年工作计划”“下一步打算”“工作要点”等计划部分，"
                         "正文中也没有编号的要做的工作（一、（一） 1. 一是 …）")
    return doc
