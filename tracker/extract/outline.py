"""Text → units → plan sections → numbered items with their children.

A compilation holds several units' documents, each starting at its title line; inside a unit,
headings classify sections as plan or summary; inside plan sections, numbering labels
(（一） 1. 1、 (1) ① 一是 首先 …) build the item tree, whether each item has its own line or
several run together in one paragraph. All matching is done on the folded text (see numerals),
all text handed back is the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.extract.clean import Cleaned, Line, clean
from tracker.extract.numerals import fold, ordinal

# -- lines --------------------------------------------------------------------------------------


def clean_lines(text: str) -> list[Line]:
    """Non-blank lines with chrome, wrappers, markup, TOC entries and advertising removed."""
    return clean_document(text)[0]


def clean_document(text: str) -> tuple[list[Line], Cleaned]:
    """The cleaned, run-split lines and the cleaning record (wrapper, dropped lines)."""
    cleaned = clean(text, is_title)
    return split_runs(cleaned.lines), cleaned


# -- unit titles ---------------------------------------------------------------------------------

_YEAR = r"(?:19|20)\d{2}|20[xX*]{2}|201\*|\d{2}[xX]{2}"
_PERIOD_MARK = re.compile(rf"(?:{_YEAR})\s*学?年|上半年|下半年|年度|全年|今年|明年|十[一二三四五六]五")
_DOC_KIND = re.compile(r"总结|计划|要点|实施方案|工作方案|行动方案|建设方案|思路|打算|安排|规划|考核细则")
_ALL_PLAN_KIND = re.compile(r"要点|实施方案|工作方案|计划|思路|打算|安排|规划")
_NOT_TITLE = re.compile(r"汇编|合集|目录|\d+\s*篇|范文|模板|大全")
_LABEL_START = re.compile(r"^([（(〈<]?\s*[一二三四五六七八九十\d]{1,3}\s*[）)〉>、.,:：]|[一二三四五六七八九十]{1,2}[是要]|第[一二三四五六七八九十]{1,3}|[①-⑳⑴-⒇⒈-⒛㈠-㈩])")
_ORG_END = re.compile(r"(局|委|委员会|办|办公室|中心|学校|中学|小学|学院|大学|医院|卫生院|院|所|站|队|厅|部|处|科|街道|镇|乡|公司|集团|政府|协会|管委会|馆|组|会)$")
_WRAP = re.compile(r"^关于(印发)?|^《|》$|》?的?(通知|报告|汇报)$")


def is_title(n: str) -> bool:
    if len(n) > 80 or len(n) < 6 or n.endswith(("。", ";", "；", ",", "，", ":", "：")):
        return False
    if "。" in n or "，" in n or "," in n or _LABEL_START.match(n) or _NOT_TITLE.search(n):
        return False
    if not _DOC_KIND.search(n):
        return False
    return bool(_PERIOD_MARK.search(n) or re.search(r"工作要点|实施方案|工作方案|工作计划|工作规划|行动方案|行动计划|发展规划|"
                                                    r"建设方案|工作思路|工作安排|考核细则", n))


def unit_name(n: str) -> str:
    """The unit a title is about: what comes before its year, period or document kind."""
    s = _WRAP.sub("", n).strip()
    s = _WRAP.sub("", s).strip()
    s = s.lstrip("《").rstrip("》")
    m = _PERIOD_MARK.search(s) or _DOC_KIND.search(s)
    name = s[: m.start()] if m else ""
    name = re.sub(r"(关于|的|[\s、·:：\-—])+$", "", name)
    return name.strip("《》“”\"' ")


# -- labels --------------------------------------------------------------------------------------

_CN = "一二三四五六七八九十"
_LABELS: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"第\s*([{_CN}]{{1,3}})\s*(?:部分|章|篇)[、.:：\s]*|§\s*(\d{{1,2}})\s*[.．、]?\s*")),
    ("cn_dun", re.compile(rf"([{_CN}]{{1,3}})\s*(?:、|[.．](?![\d]))\s*")),
    ("cn_paren", re.compile(rf"[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*[、.,，]?\s*")),
    ("num_paren", re.compile(r"[（(]\s*(\d{1,3})\s*[）)]\s*[、.,，]?\s*")),
    ("num_dot", re.compile(r"(\d{1,3})\s*(?:、|\.(?!\d)|,(?!\d)|．)\s*")),
    ("num_rparen", re.compile(r"(\d{1,2})\s*[）)]\s*")),
    ("circled", re.compile(r"([①-⑳])\s*")),
    ("paren_char", re.compile(r"([⑴-⒇])\s*")),
    ("enclosed", re.compile(r"([㈠-㈩])\s*")),
    ("stop_char", re.compile(r"([⒈-⒛])\s*")),
    ("angle", re.compile(rf"[〈<]\s*([{_CN}]{{1,3}})\s*[〉>]\s*")),
    ("diyi", re.compile(rf"第\s*([{_CN}]{{1,2}})\s*(?:[,，、:：]|是)\s*")),
    ("yishi", re.compile(rf"([{_CN}]{{1,2}})是\s*(?![否非])")),
    ("yiyao", re.compile(rf"([{_CN}]{{1,2}})要(?![求素点件])\s*")),
    ("seq", re.compile(r"(首先|其次|再次|然后|最后)(?:是|要|一点)?\s*[,，、:：]?\s*")),
    # Bullets of slides, briefings and web lists; "?" where a conversion lost the bullet glyph.
    ("bullet", re.compile(r"([●◆■▪•※□★☆▲►◇◎√✓➢➤▶❖✔▸◦○]|\?(?=\s*[\u4e00-\u9fff“])|(?:--|——)(?=[\u4e00-\u9fff]))\s*")),
]
_SEQ = {"首先": 1, "其次": 2, "再次": 3, "然后": 4, "最后": 0}
# Styles that may appear run together inside a paragraph, and what may stand before them.
_INLINE_BEFORE = {
    "cn_dun": "。；;！？!?：: ",
    "cn_paren": "。；;！？!?：:",
    "num_paren": "。；;！？!?：:，,",
    "num_dot": "。；;！？!?：:",
    "circled": "。；;！？!?：:，,",
    "paren_char": "。；;！？!?：:，,",
    "enclosed": "。；;！？!?：:",
    "stop_char": "。；;！？!?：:",
    "yishi": "。；;！？!?：:，,.%）)”\" 0123456789",
    "yiyao": "。；;！？!?：:，,",
    "diyi": "。；;！？!?：:，,",
    "seq": "。；;！？!?：:",
}
_INLINE_ANY = re.compile(
    rf"(?<=[。；;！？!?：: ])[{_CN}]{{1,3}}\s*[、．]|[（(]\s*[{_CN}\d]{{1,3}}\s*[）)]|\d{{1,2}}\s*(?:、|\.(?!\d)|．)|[①-⑳⑴-⒇㈠-㈩⒈-⒛]"
    rf"|[{_CN}]{{1,2}}[是要]|第\s*[{_CN}]{{1,2}}\s*(?:[,，、:：]|是)|首先|其次|再次|然后|最后"
)


@dataclass
class Label:
    style: str
    number: int
    end: int  # where the label (and the spaces after it) ends


def leading_label(n: str, pos: int = 0, styles: tuple[str, ...] | None = None) -> Label | None:
    """The numbering label at ``pos`` of a folded text, if any."""
    for style, rx in _LABELS:
        if styles is not None and style not in styles:
            continue
        m = rx.match(n, pos)
        if not m:
            continue
        word = m.group(1) or (m.group(2) if m.re.groups >= 2 else None) or ""
        num = _SEQ.get(word) if style == "seq" else (1 if style == "bullet" else ordinal(word))
        if num is None:
            continue
        if style in ("yishi", "yiyao") and num > 12:
            continue
        if m.end() >= len(n) and style not in ("cn_dun", "cn_paren", "part", "num_dot", "num_paren"):
            continue
        return Label(style, num, m.end())
    return None


# -- runs: lines that hold several outline lines -------------------------------------------------

_TITLE_RUN = re.compile(r"^(.{6,60}?)[ \u3000]+(\S.{15,})$")
_HEAD_COLON = re.compile(r"^(.{2,24}?)[：:]\s*(?=\S)")


def _split_at(ln: Line, cuts: list[int]) -> list[Line]:
    out, prev = [], 0
    for c in [*cuts, len(ln.norm)]:
        o, n = ln.orig[prev:c].strip(), ln.norm[prev:c].strip()
        if n:
            out.append(Line(o, n))
        prev = c
    return out


def _heading_chain(n: str) -> list[int]:
    """Where a run-together chain of 一、二、三、 (or 第一部分…) labels starts, inside one line."""
    cuts: list[int] = []
    first = leading_label(n, 0, ("cn_dun", "part"))
    expect = first.number + 1 if first else 1
    style = first.style if first else None
    for m in re.finditer(r"(?<=[。；;！？!?：: \u3000])(?:[一二三四五六七八九十]{1,3}\s*[、．]|第[一二三四五六七八九十]{1,3}(?:部分|章|篇))", n):
        lab = leading_label(n, m.start(), ("cn_dun", "part"))
        if lab is None or lab.number != expect or (style is not None and lab.style != style):
            continue
        style = lab.style
        cuts.append(m.start())
        expect += 1
    if not first and len(cuts) < 2:
        return []
    return cuts


def split_runs(lines: list[Line]) -> list[Line]:
    """Lines as the outline would have them when a page ran them together.

    Families: web reposts that lost their line breaks (the title, the preamble and 一、二、三、
    in one paragraph); headings followed by their first item in the same paragraph
    (二、下半年的工作目标：公共卫生……, 三、下半年工作计划（一）……).
    """
    out: list[Line] = []
    for ln in lines:
        parts = [ln]
        m = _TITLE_RUN.match(ln.norm)
        if m and is_title(m.group(1)):
            parts = _split_at(ln, [m.start(2)])
        pieces: list[Line] = []
        for p in parts:
            cuts = _heading_chain(p.norm) if len(p.norm) > 30 else []
            pieces.extend(_split_at(p, cuts) if cuts else [p])
        for p in pieces:
            lab = leading_label(p.norm, 0, _HEADING_STYLES)
            if lab is not None:
                rest = p.norm[lab.end:]
                hc = _HEAD_COLON.match(rest)
                if hc and heading_kind(hc.group(1)) != "other":
                    out.extend(_split_at(p, [lab.end + hc.end()]))
                    continue
                sub = re.search(r"(?<=[^\s，,、])[（(]一[）)]", rest)
                if sub and sub.start() <= 24 and heading_kind(rest[:sub.start()]) != "other":
                    out.extend(_split_at(p, [lab.end + sub.start()]))
                    continue
            out.append(p)
    return out


# -- sections ------------------------------------------------------------------------------------

_STRONG_PLAN = re.compile(rf"下半年|下一步|下步|下阶段|下一阶段|明年|来年|今后|未来|后续|今年(?!以来|上半年|1|一)|(?:{_YEAR})\s*年(?:度)?(?:工作)?(?:计划|要点|思路|打算|安排|重点|目标|任务)")
_PLAN_WORD = re.compile(r"计划|打算|思路|安排|要点|重点|任务|目标|举措|措施|工作|方向|设想|展望")
_PLAN_END = re.compile(r"(计划|打算|思路|安排|要点|重点工作|工作重点|重点任务|主要任务|工作任务|目标任务|任务目标|工作目标|总体目标|发展目标|主要目标|目标和任务|目标及任务|主要举措|展望|设想|努力方向|改进方向|整改措施|改进措施|整改方向)[:：]?$")
_SUMMARY = re.compile(r"总结|成效|成绩|亮点|回顾|完成情况|进展情况|开展情况|工作情况|基本情况|推进情况|落实情况|执行情况|主要做法|做法|存在|问题|不足|困难|短板|挑战|经验|体会|启示|成果|收获|特色")


_STRONG_SUMMARY = re.compile(r"情况$|收获|业绩|反思|总结|回顾|现实基础|客观依据|内在条件|发展环境|面临的?形势|形势分析|机遇(和|与)挑战|背景$|发展基础|发展现状|基本现状|发展成就|成效|成绩|完成情况|进展情况|开展情况|工作情况|基本情况|推进情况|落实情况|执行情况|存在的?(主要)?问题|主要问题|问题(和|与|及)不足|不足之处|不足|主要做法")


_PAST_MARK = re.compile(r"了|取得|显著|明显|丰硕|初显|凸显|稳步|有序|扎实|不断|持续|进一步巩固")


def heading_kind(rest: str) -> str:
    """plan / summary / other for a heading's words (after its label)."""
    r = rest.strip().rstrip("：:。")
    if _STRONG_PLAN.search(r) and _PLAN_WORD.search(r):
        return "plan"
    if _STRONG_SUMMARY.search(r) or (_SUMMARY.search(r) and _PAST_MARK.search(r)):
        return "summary"  # 巩固成果, 打造特色: imperative headings with a summary word are not summaries
    if _PLAN_END.search(r):
        return "plan"
    return "other"


_HEADING_STYLES = ("part", "cn_dun", "cn_paren", "angle")


@dataclass
class Heading:
    style: str  # a label style, or "" for an unlabeled heading
    kind: str
    text: str


def as_heading(line: Line) -> Heading | None:
    n = line.norm
    lab = leading_label(n, 0, _HEADING_STYLES)
    rest = n[lab.end:] if lab else n
    core = rest.rstrip("：:。")
    if len(core) > 30 or not core or any(ch in core for ch in "。；;！？"):
        return None
    if lab is None:
        if len(core) > 24 or any(ch in core for ch in "，,、：:") or n.endswith("。") or leading_label(n) is not None:
            return None  # 教学处：负责……的统筹安排。 is a sentence, not a heading
        kind = heading_kind(core)
        if kind == "other" or (kind == "plan" and not (_STRONG_PLAN.search(core) or _PLAN_END.search(core))):
            return None
        if kind == "summary" and not _STRONG_SUMMARY.search(core):
            return None  # 学习有困难学生教育, 特色发展: words of a task, not a summary heading
        return Heading("", kind, line.orig)
    return Heading(lab.style, heading_kind(core), line.orig)


# -- units ---------------------------------------------------------------------------------------


@dataclass
class RawUnit:
    title: str
    name: str
    lines: list[Line] = field(default_factory=list)


_ORGISH = re.compile(r"(省|市|州|盟|县|旗|区|镇|乡|村|街道|社区|[一二三四五六七八九十\d]中|公司|集团|高中|附中)$")
_NOT_ORG_START = re.compile(r"^([—\-－–《“\"（(]|关于|制定|实施|公布|印发|推进|加快|建设|深化|开展|做好|加强|支持|促进|落实|全面|进一步)")


def org_like(name: str) -> bool:
    """Whether a name read from a title can be an issuing unit (县水利局), not a fragment (公布, 制定并实施)."""
    n = fold(name).strip()
    return 2 <= len(n) <= 30 and not _NOT_ORG_START.match(n) and bool(_ORG_END.search(n) or _ORGISH.search(n))


def _same_unit(a: str, b: str) -> bool:
    fa, fb = fold(a), fold(b)
    return bool(fa and fb and (fa in fb or fb in fa))


def split_units(lines: list[Line], issuer: str = "") -> list[RawUnit]:
    """Each unit starts at its title line; text before the first title is a preamble.

    Families: a compilation of several units' documents (each title names another unit) against
    one document with sub-titles, annexes and sub-plans (绍兴一中 2021年度工作要点 and its
    附件, a 行动方案 of four 子计划): a later title opens a new unit only when it names another
    organisation; otherwise it stays a line of the current document. ``issuer`` is the office
    of a 关于印发……的通知 wrapper, the unit of a title that names none.
    """
    units: list[RawUnit] = []
    pre: list[Line] = []
    for ln in lines:
        if is_title(ln.norm):
            name = unit_name(ln.norm)
            if name and name in ln.norm:  # the original spelling (traditional characters stay)
                at = ln.norm.index(name)
                name = ln.orig[at:at + len(name)]
            if name and not org_like(name):
                name = ""
            body = units[-1].lines if units else pre
            if not name and body and _ORG_END.search(body[-1].norm) and len(body[-1].norm) <= 25 \
                    and not _LABEL_START.match(body[-1].norm) and "。" not in body[-1].norm:
                name = body.pop().orig  # a title set on two lines: unit, then period and kind
            current = units[-1] if units else None
            if current is not None and current.lines and (not name or _same_unit(name, current.name)
                                                         or (not current.name and not _ORG_END.search(fold(name)))):
                current.lines.append(ln)  # a sub-title of the same document
                continue
            if current is not None and not current.lines:
                if not name:
                    continue
                units.pop()  # a title with no body is a table-of-contents entry
            units.append(RawUnit(ln.orig, name or issuer))
            continue
        (units[-1].lines if units else pre).append(ln)
    units = [u for u in units if u.lines]  # a title with no body is a table of contents entry
    if not units:
        return [RawUnit(_guess_title(pre), issuer, pre)] if pre else []
    return units


_ORG_IN_TEXT = re.compile(
    r"(?:^|[，,。；;：:\s]|年|月|日|期间|以来)([^，,。；;：:\s“”《》（）()]{2,24}?"
    r"(?:局|委员会|委|办公室|办|中心|学校|中学|小学|学院|医院|卫生院|政府|街道办事处|街道|公司|集团|管委会|馆|厅))"
    r"(?=坚持|围绕|紧扣|在|深入|认真|按照|全面|聚焦|始终|以|把|着力|立足|[，,])")


_CONGRESS = re.compile(r"在([^，,。；;\s在]{1,14}?(?:省|自治区|市|州|盟|县|旗|区))第[一二三四五六七八九十\d]{1,4}届人民代表大会")
_GOVERNOR = re.compile(r"^([^，,。；;\s]{2,14}?(?:省|自治区|市|州|盟|县|旗|区))(?:代)?(?:省长|主席|市长|州长|县长|区长|旗长)")


def guess_unit_name(unit: RawUnit, file_stem: str | None = None) -> str:
    """A unit name for a document whose title does not give one: its file name, signature or first lines.

    A 政府工作报告 is delivered 在固原市第五届人民代表大会……上 by 广东省省长: its unit is that
    place's 人民政府.
    """
    for ln in unit.lines[:8]:
        m = _CONGRESS.search(ln.norm) or _GOVERNOR.match(ln.norm)
        if m:
            return ln.orig[m.start(1):m.end(1)] + "人民政府"
    t = fold(unit.title)
    mark = _PERIOD_MARK.search(t)
    if mark and org_like(t[:mark.start()]):  # 某县2024年民生实事项目推进情况表
        return unit.title[:mark.start()].strip()
    if file_stem:
        stem = fold(file_stem)
        if _DOC_KIND.search(stem) or _PERIOD_MARK.search(stem):
            name = unit_name(stem)
            if name and len(name) <= 30:
                return file_stem[stem.index(name):stem.index(name) + len(name)]
    tail = unit.lines[-3:]
    for ln in reversed(tail):
        n = ln.norm
        if len(n) <= 25 and _ORG_END.search(n) and not _LABEL_START.match(n) and not any(c in n for c in "。；;，,：:"):
            return ln.orig
    for ln in unit.lines[:3]:
        m = _ORG_IN_TEXT.search(ln.norm)
        if m:
            lead = re.match(r"(我代表|代表|受|我们|我|本)", ln.norm[m.start(1):])
            return ln.orig[m.start(1) + (lead.end() if lead else 0):m.end(1)]
    return ""


def _guess_title(lines: list[Line]) -> str:
    first = lines[0].norm if lines else ""
    return lines[0].orig if first and len(first) <= 40 and "。" not in first and not _LABEL_START.match(first) else ""


_DATE_LINE = re.compile(rf"^(?:{_YEAR})\s*年\s*\d{{1,2}}\s*月(\s*\d{{1,2}}\s*日)?$|^\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}$")


def drop_signature(lines: list[Line]) -> list[Line]:
    """The signature block at a document's end (unit name, date) is not part of the last item."""
    end = len(lines)
    while end > 0:
        n = lines[end - 1].norm
        if _DATE_LINE.match(n) or (len(n) <= 25 and _ORG_END.search(n) and not _LABEL_START.match(n)
                                   and not any(ch in n for ch in "。；;，,：:")):
            end -= 1
            continue
        break
    return lines[:end]


@dataclass
class Section:
    heading: str | None
    lines: list[Line]
    kind: str = "plan"  # plan | summary | other | preamble (before the first heading)
    annex: bool = False  # 附件…: a section of its own whatever numbering it holds


_ANNEX = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[：:]?\s*(.*)$")
_ANNEX_PLAN = re.compile(r"实事|任务|清单|分解|计划|项目|安排|要点|台账|责任|目标|指标")
# A plan heading for several years (二、“十五五”时期的主要目标和重点任务, 今后五年的主要任务).
MULTI_YEAR = re.compile(r"时期|今后五年|未来五年|五年(的|发展|规划)|十[一二三四五六]五")


def unit_sections(unit: RawUnit) -> list[Section]:
    """A unit's body cut at its top-level headings, each section with the kind its heading says.

    An annex (附件1 / 2026年省十件民生实事, 附件：重点任务分解表) is one section of its own,
    plan when its title names commitments, whatever numbering it uses inside.
    """
    lines = drop_signature(unit.lines)
    if lines and unit.title and lines[0].orig == unit.title:
        lines = lines[1:]  # a guessed title (the first line) is not a heading of the body
    sections: list[Section] = [Section(None, [], "preamble")]
    style: str | None = None
    annex: Section | None = None
    pending_annex = False
    for ln in lines:
        a = _ANNEX.match(ln.norm) if len(ln.norm) <= 60 else None
        if a is not None:
            title = ln.orig[a.start(1):].strip()
            annex = Section(title or ln.orig, [], "plan" if _ANNEX_PLAN.search(a.group(1)) else "other", annex=True)
            pending_annex = not a.group(1)
            sections.append(annex)
            continue
        if annex is not None:
            if pending_annex and len(ln.norm) <= 40 and not leading_label(ln.norm):
                annex.heading, pending_annex = ln.orig, False
                annex.kind = "plan" if _ANNEX_PLAN.search(ln.norm) else "other"
                continue
            pending_annex = False
            annex.lines.append(ln)
            continue
        h = as_heading(ln)
        ends = h is not None and (
            style is None
            or h.style == style
            or (h.style == "" and h.kind != "other")
            or (style == "" and h.style in ("part", "cn_dun") and h.kind != "other")
        )
        if h is not None and ends and (style is not None or h.kind != "other"):
            style = h.style
            sections.append(Section(h.text, [], h.kind))
            continue
        sections[-1].lines.append(ln)
    return [s for s in sections if s.lines or s.heading]


def all_plan_title(title: str) -> bool:
    """A title that names a plan only (工作要点, 实施方案, 工作计划), not a summary or report."""
    t = fold(title)
    return bool(_ALL_PLAN_KIND.search(t) or re.search(r"细则|任务清单|责任清单|分解表|任务表|责任书", t)) \
        and not re.search(r"总结|情况|汇报|报告|回顾", t)


# -- items ---------------------------------------------------------------------------------------


@dataclass
class Node:
    label: str
    style: str
    number: int
    orig: list[str] = field(default_factory=list)
    norm: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    inline: bool = False

    def add(self, orig: str, norm: str) -> None:
        if orig.strip():
            self.orig.append(orig.strip())
            self.norm.append(norm.strip())


def _inline_chains(n: str, start: int, own: Label | None, only: str | None = None,
                   end: int | None = None) -> list[tuple[int, Label]]:
    """Labels run together inside a paragraph: siblings of ``own`` or a 1, 2, 3… chain of children."""
    found: dict[str, list[tuple[int, Label]]] = {}
    for m in _INLINE_ANY.finditer(n, start, len(n) if end is None else end):
        pos = m.start()
        if pos == 0:
            continue
        lab = leading_label(n, pos, (only,) if only else tuple(_INLINE_BEFORE))
        if lab is None:
            continue
        before = n[pos - 1]
        if before not in _INLINE_BEFORE[lab.style]:
            continue
        found.setdefault(lab.style, []).append((pos, lab))
    best: list[tuple[int, Label]] = []
    for style, cands in found.items():
        sibling = own is not None and own.style == style
        expect = own.number + 1 if sibling and own is not None else 1
        chain: list[tuple[int, Label]] = []
        for pos, lab in cands:
            if lab.number == expect or (style == "seq" and lab.number == 0 and chain):
                chain.append((pos, lab))
                expect += 1
        if len(chain) >= (1 if sibling else 2) and (not best or chain[0][0] < best[0][0]):
            best = chain
    return best


def _fill(node: Node, orig: str, norm: str, start: int, end: int, depth: int = 0) -> None:
    """Give ``node`` the text orig[start:end], splitting off run-together children."""
    chain = _inline_chains(norm, start, None, end=end) if depth < 4 else []
    if not chain:
        node.add(orig[start:end], norm[start:end])
        return
    node.add(orig[start:chain[0][0]], norm[start:chain[0][0]])
    for i, (pos, lab) in enumerate(chain):
        stop = chain[i + 1][0] if i + 1 < len(chain) else end
        child = Node(orig[pos:lab.end].strip(), lab.style, lab.number, inline=True)
        node.children.append(child)
        _fill(child, orig, norm, lab.end, stop, depth + 1)


_TERM = re.compile(r"^(第[一二]学期|上学期|下学期|春季学期|秋季学期|寒假|暑假)(工作)?(安排|计划|重点)?[：:]?$")
_LEAD = re.compile(r"^[^，,、；;：:。（(“\"]{4,30}。")


def _lead_paragraph(n: str) -> bool:
    """A paragraph that opens with a short lead sentence and goes on at length."""
    m = _LEAD.match(n)
    return bool(m and len(n) - m.end() >= 40)


def build_items(lines: list[Line]) -> tuple[list[Node], list[Node]]:
    """Numbered items (a tree) and the unlabeled paragraphs, from a plan section's lines."""
    roots: list[Node] = []
    loose: list[Node] = []
    stack: list[Node] = []
    for ln in lines:
        n, o = ln.norm, ln.orig
        lab = leading_label(n)
        if lab is None and _TERM.match(n):
            # 工作思路 split by 学期 (第一学期 / 第二学期): each term holds its own numbered items.
            term = Node(o.strip().rstrip("：:"), "term", 0)
            stack.clear()
            roots.append(term)
            stack.append(term)
            continue
        if lab is None:
            if stack and stack[-1].style in _HEADING_STYLES + ("para",) and _lead_paragraph(n):
                # A work report's area (（一）…) and under it paragraphs that open with a lead
                # sentence (全力推动农业高效发展。…): each paragraph is a task of its own.
                para = Node("", "para", 0)
                _place(para, stack, roots)
                _fill(para, o, n, 0, len(n))
            elif stack:
                _fill(stack[-1], o, n, 0, len(n))
            else:
                para = Node("", "", 0)
                _fill(para, o, n, 0, len(n))
                loose.append(para)
            continue
        siblings = [(0, lab)]
        if lab.style in _INLINE_BEFORE:
            siblings += _inline_chains(n, lab.end, lab, only=lab.style)
        for i, (pos, sl) in enumerate(siblings):
            stop = siblings[i + 1][0] if i + 1 < len(siblings) else len(n)
            node = Node(o[pos:sl.end].strip(), sl.style, sl.number)
            _place(node, stack, roots)
            _fill(node, o, n, sl.end, stop)
    return roots, loose


def _place(node: Node, stack: list[Node], roots: list[Node]) -> None:
    styles = [s.style for s in stack]
    if node.style in styles:
        del stack[styles.index(node.style):]
    (stack[-1].children if stack else roots).append(node)
    stack.append(node)
