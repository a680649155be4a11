"""Numeric and qualitative claims in a later document (a year-end summary, a work-report review).

A summary reports what was done in dense lists: "全年地区生产总值增长5.6%，地方一般公共预算收入
增长32.8%", "扩量提质建设高标准农田41万亩、高效节水灌溉12万亩", "城乡居民人均可支配收入分别增长
5.4%和8.7%". Each number with its measure word becomes a ``Claim``: its value, unit, kind, the words
before it (its subject), whether it is a change (增长/下降) or a level (达到/增加到), a bound (以上,
突破, 以内), its period (the year, or 五年来/累计 over several years), and the clause it was
said in. Qualitative completions (圆满完成, 全部完成, 动态清零) and stage statements (正在…,
已完成设计招标) are claims without a number. Pure: text in, claims out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.extract.numerals import CN_NUM_CHARS, fold, to_number
from tracker.extract.targets import MEASURES

# -- vocabulary ----------------------------------------------------------------------------------

# Measure words a summary uses beyond the plan grammar's (群 of bees, 棒 of mushroom logs …).
EXTRA_MEASURES = ("群", "棒", "场次", "羽", "尾", "人次", "户次", "千瓦时", "标箱", "架次", "艘", "家次", "宗次")
_MEAS = sorted({m for m in (*MEASURES, *EXTRA_MEASURES)
                if m not in ("万元", "亿元", "元", "万", "亿", "个百分点", "百分点", "余")}, key=len, reverse=True)
_MEAS_RX = "|".join(re.escape(m) for m in _MEAS)
_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUM_CHARS}]+)"
CLAIM_TOKEN = re.compile(
    rf"(?<![\d.{CN_NUM_CHARS}a-zA-Z第])(?P<a>{_NUM})"
    rf"(?:(?P<pct>%|‰)|(?P<money>(?P<mmag>万|亿|千万|百万|千)?(?:元|美元))|(?P<pts>个?百分点)|(?P<times>倍)"
    rf"|(?P<mag>万|亿)?(?P<yu>余|多)?(?P<meas>{_MEAS_RX}))"
    rf"(?P<post>及以上|以上|以下|以内|左右|多|余)?"
)
_CN_PCT = re.compile(rf"百分之(?P<a>[\d.{CN_NUM_CHARS}]+)")
_DOUBLED = re.compile(r"翻(?:一)?番|翻了一番|翻倍")
_CHANGE_UP = ("增长", "增加", "提高", "提升", "上涨", "上升", "增幅", "增速", "涨幅", "拉动")
_CHANGE_DOWN = ("下降", "减少", "降低", "压减", "压降", "缩减", "降幅")
_LEVEL = ("增加到", "增加至", "增至", "提高到", "提高至", "提升到", "提升至", "达到", "达", "降至", "降到", "降低到",
          "下降到", "下降至", "减少到", "减少至", "稳定在", "保持在", "保持", "控制在", "占比", "为", "是")
_STOCK = re.compile(r"增加到|增加至|增至|累计|总数|总量达|共有|拥有|达到|总计")
GE_WORDS = ("突破", "超过", "超", "不少于", "不低于", "高于", "至少", "逾")
LE_WORDS = ("不超过", "不高于", "低于", "控制在", "以内")
_CUMULATIVE = re.compile(r"[五十三两二]年来|过去[五十三两二]年|近[五十三两二]年|[五十三两二]年间|[五十三两二]年累计|累计|历年|"
                         r"以来|十[三四]五(?:期间|以来|时期)")
_OTHER_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
COMPLETION = re.compile(r"圆满完成|全部完成|全面完成|顺利完成|如期完成|超额完成|提前完成|胜利完成|完成了?[^，,。；;]{0,12}?任务|"
                        r"全部实现|全面实现|如期实现|动态清零|全部清零|全部销号|全部到位|全部建成|全部开工|全部封顶|"
                        r"已全部|全部落实|完成率100%|均已完成|已完成")
PARTIAL = re.compile(r"基本完成|基本实现|基本建成|部分完成|有序推进|加快推进|稳步推进|正在|正进行|正在进行|正同步|"
                     r"施工至|完成了?前期|设计招标|初步设计|可研|规划调整|土地出让|土地整备|前期工作|招标工作")
_QUOTE_SPANS = re.compile(r"“[^”\n]{0,40}”|\"[^\"\n]{0,40}\"|《[^》\n]{0,60}》")
_PAREN_SPANS = re.compile(r"[（(][^（()）\n]{0,120}[)）]")
_CLAUSE_END = "，,；;。！？!?\n"
PLAN_SHARE_UNIT = "%（占年计划）"
_PLAN_SHARE = re.compile(r"完成(?:了)?(?:全?年度?|年)?(?:计划|目标|任务|目标任务)(?:任务)?的(?:[\d.]+%、)*$")
_SENT_END = "；;。！？!?\n"


@dataclass
class Claim:
    """One thing a later document says was achieved, with the words it was said in."""

    kind: str  # count | percent | amount | multiple | plan_share (完成年计划的X%) | qualitative | stage
    value: float | None
    unit: str | None  # as written: 万亩, %, 个百分点, 亿元, 倍
    comparator: str = "="  # = >= <=  (>= for 突破600亿元 and 91%以上: only a bound)
    subject: str = ""  # words before the number in its clause (or the name from a 分别 list)
    context: str = ""  # the clause before, for a subject that is only 产值 or 面积
    clause: str = ""  # the clause, original characters: what is quoted back
    sentence: str = ""
    start: int = 0  # offset in the text the claims were read from
    change: str | None = None  # up | down | None (a level or a count)
    stock: bool = False  # a level or running total (增加到83个), not what was added this year
    period: str = "year"  # year | cumulative | other
    index: int = -1  # position in a 分别 list
    list_len: int = 0
    completed: bool = False  # a completion claim (圆满完成, 全部实现)
    names: list[str] = field(default_factory=list)
    after: str = ""  # words after the measure (已建成2家, 2个项目的主体结构已全部封顶)
    wide: str = ""  # the text just before the clause, for a claim whose subject is only a verb

    def to_dict(self) -> dict[str, object]:
        v = self.value
        return {"kind": self.kind, "value": (int(v) if v is not None and float(v).is_integer() else v),
                "unit": self.unit, "comparator": self.comparator, "subject": self.subject, "quote": self.clause,
                "change": self.change, "stock": self.stock, "period": self.period}


# -- the review part of a later document ---------------------------------------------------------


def review_text(text: str) -> str:
    """The part of a document that reports (not its plan for the next period).

    Reuses the plan reader's outline: whatever is not in a plan section is review. A document
    that is all plan by that reading (a 述职报告 or a summary without headings) is read whole.
    """
    from tracker.extract.outline import clean_lines, split_units, unit_sections

    lines = clean_lines(text)
    units = split_units(lines)
    parts: list[str] = []
    for raw in units:
        sections = unit_sections(raw)
        if all(s.kind == "preamble" for s in sections):
            parts.extend(ln.orig for ln in raw.lines)
            continue
        for sec in sections:
            if sec.kind != "plan":
                parts.extend(ln.orig for ln in sec.lines)
    return "\n".join(parts) if parts else "\n".join(ln.orig for ln in lines)


# -- claims --------------------------------------------------------------------------------------


def _spans(rx: re.Pattern[str], n: str) -> list[tuple[int, int]]:
    return [m.span() for m in rx.finditer(n)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def _bounds(n: str, pos: int, ends: str) -> tuple[int, int]:
    s = pos
    while s > 0 and n[s - 1] not in ends:
        s -= 1
    e = pos
    while e < len(n) and n[e] not in ends:
        e += 1
    return s, e


_SUBJ_TRIM = re.compile(r"^(?:[、，,：:和及与\s]|并且|其中|另外|同时|全年|年内)+|[、，,：:\s]+$")


def strip_words(seg: str) -> tuple[str, str | None, bool, str]:
    """(subject, change, level, comparator word) from the words before a number."""
    change: str | None = None
    level = False
    cmp_word = ""
    s = seg.rstrip()
    for _ in range(3):
        hit = False
        for w in sorted((*GE_WORDS, *LE_WORDS), key=len, reverse=True):
            if s.endswith(w):
                cmp_word, s, hit = w, s[: -len(w)], True
                break
        for w in sorted(_LEVEL, key=len, reverse=True):
            if s.endswith(w):
                level, s, hit = True, s[: -len(w)], True
                break
        for w in _CHANGE_UP + _CHANGE_DOWN:
            if s.endswith(w) or s.endswith(w + "了"):
                change = "up" if w in _CHANGE_UP else "down"
                s, hit = s[: s.rfind(w)], True
                break
        s = re.sub(r"(同比|分别|均|实现|完成|共|累计|年均|平均|稳定|持续|保持|了)$", "", s)
        if not hit:
            break
    return _SUBJ_TRIM.sub("", s).strip(), change, level, cmp_word


def find_claims(text: str) -> list[Claim]:
    """Every numeric, qualitative and stage claim in a text, in reading order."""
    n = fold(text)
    quotes, parens = _spans(_QUOTE_SPANS, n), _spans(_PAREN_SPANS, n)
    out: list[Claim] = []
    prev_end = 0
    prev_clause = -1
    last_subject = ""
    numeric_clauses: set[int] = set()
    tokens = [(m.start("a"), m) for m in CLAIM_TOKEN.finditer(n)]
    tokens += [(m.start("a"), m) for m in _CN_PCT.finditer(n)]
    tokens.sort(key=lambda x: x[0])
    for a_start, m in tokens:
        if _inside(a_start, parens) or _inside(a_start, quotes):
            continue
        a = to_number(m.group("a"))
        if a is None:
            continue
        gd = m.groupdict()
        cn = not m.group("a")[0].isdigit()
        if cn and (a < 10 or gd.get("meas") in ("期", "次", "批", "轮", "类", "种", "方", "度", "口", "部", "门", "本", "张", "起", "对")):
            continue
        if gd.get("meas") == "个" and n.startswith(("月", "工作日", "小时"), m.end()):
            continue
        cs, ce = _bounds(n, a_start, _CLAUSE_END)
        if n.startswith("的", m.end()) and CLAIM_TOKEN.search(n, m.end(), ce):
            continue  # 年销售收入超10亿元的龙头企业达100家: the first figure names a class
        ss, se = _bounds(n, a_start, _SENT_END)
        if cs != prev_clause:
            prev_end = cs
            last_subject = ""
        prev_clause = cs
        seg = n[max(cs, prev_end):a_start]
        prev_end = m.end()
        post = gd.get("post")
        after = n[m.end():m.end() + 3]
        if post in ("以上", "以下") and m.end() < len(n) and re.match(r"[\u4e00-\u9fff]", n[m.end()]) \
                and not n.startswith(("的", "和", "、"), m.end()):
            continue  # 亿元以上项目: a class of things
        if gd.get("pct") and _PLAN_SHARE.search(n[max(cs, a_start - 16):a_start]):
            kind, unit = "plan_share", PLAN_SHARE_UNIT  # 完成年计划的118.2%: a share of the plan, any target
        elif gd.get("pct") or gd.get("pts") or "百分之" in m.group(0):
            kind, unit = "percent", ("个百分点" if gd.get("pts") else ("‰" if gd.get("pct") == "‰" else "%"))
        elif gd.get("money"):
            kind, unit = "amount", gd["money"]
        elif gd.get("times"):
            kind, unit = "multiple", "倍"
        else:
            kind, unit = "count", (gd.get("mag") or "") + (gd.get("meas") or "")
            if unit in ("万", "亿", ""):
                continue
        if kind == "count" and re.search(r"(?:19|20)\d{2}$", m.group("a")) and unit in ("年",):
            continue
        if kind == "plan_share":
            seg = _PLAN_SHARE.sub("", seg)
        subject, change, level, cmp_word = strip_words(seg)
        if not subject or re.fullmatch(r"[、和及与]+", subject):
            subject = last_subject
        else:
            last_subject = subject
        comparator = "="
        if post in ("以上", "及以上", "多", "余") or gd.get("yu") or after.startswith("以上") or cmp_word in GE_WORDS:
            comparator = ">="
        elif post in ("以内", "以下") or after.startswith(("以内", "以下")) or cmp_word in LE_WORDS:
            comparator = "<="
        clause_o = text[cs:ce].strip()
        period = "year"
        if _CUMULATIVE.search(n[max(ss, cs - 20):ce]):
            period = "cumulative"
        ctx_s, _ = _bounds(n, max(0, cs - 1), _CLAUSE_END) if cs > ss else (cs, cs)
        after_words = ""
        if kind == "count":
            am = re.match(r"[^，,。；;、（(\d]{0,16}", n[m.end():ce])
            after_words = am.group(0) if am else ""
        claim = Claim(kind=kind, value=a, unit=unit, comparator=comparator, subject=subject,
                      after=after_words, wide=n[max(0, cs - 60):cs],
                      context=n[ctx_s:cs].strip("，,"), clause=clause_o, sentence=text[ss:se].strip(), start=a_start,
                      change=change, stock=bool(level and kind == "count") or bool(_STOCK.search(seg)),
                      period=period)
        out.append(claim)
        numeric_clauses.add(cs)
    _distribute(n, out)
    for m in _DOUBLED.finditer(n):
        cs, ce = _bounds(n, m.start(), _CLAUSE_END)
        ss, se = _bounds(n, m.start(), _SENT_END)
        subject, _, _, _ = strip_words(re.sub(r"(实现|基本|了)$", "", n[cs:m.start()]))
        out.append(Claim(kind="multiple", value=1.0, unit="倍", subject=subject, clause=text[cs:ce].strip(),
                         sentence=text[ss:se].strip(), start=m.start(), change="up",
                         context=n[_bounds(n, max(0, cs - 1), _CLAUSE_END)[0]:cs].strip("，,") if cs > ss else ""))
    for rx, kind in ((COMPLETION, "qualitative"), (PARTIAL, "stage")):
        for m in rx.finditer(n):
            cs, ce = _bounds(n, m.start(), _CLAUSE_END)
            if kind == "qualitative" and cs in numeric_clauses:
                continue
            ss, se = _bounds(n, m.start(), _SENT_END)
            if any(c.kind in ("qualitative", "stage") and c.start >= cs and c.start < ce for c in out):
                continue
            subject = n[cs:m.start()].strip() or n[m.end():ce].strip()
            out.append(Claim(kind=kind, value=None, unit=None, subject=subject, clause=text[cs:ce].strip(),
                             sentence=text[ss:se].strip(), start=m.start(), completed=kind == "qualitative",
                             period="cumulative" if _CUMULATIVE.search(n[cs:ce]) else "year"))
    out.sort(key=lambda c: c.start)
    return out


_LIST_SPLIT = re.compile(r"[、，,]|和|及|与")


def _distribute(n: str, claims: list[Claim]) -> None:
    """"A、B和C分别达到x、y和z": the i-th value belongs to the i-th name."""
    by_clause: dict[int, list[Claim]] = {}
    for c in claims:
        cs, _ = _bounds(n, c.start, _CLAUSE_END)
        by_clause.setdefault(cs, []).append(c)
    for cs, group in by_clause.items():
        first = group[0]
        head = n[cs:first.start]
        k = head.rfind("分别")
        if k < 0 or len(group) < 2:
            continue
        names_seg = head[:k]
        names_seg = re.split(r"[，,；;：:]", names_seg)[-1]
        names = [x.strip() for x in _LIST_SPLIT.split(names_seg) if x.strip()]
        lst = [c for c in group if c.kind == first.kind]
        for i, c in enumerate(lst):
            c.index, c.list_len = i, len(lst)
            if len(names) == len(lst):
                c.subject = names[i]
                c.names = names
            else:
                c.subject = strip_words(names_seg)[0] or c.subject
        for c in lst[1:]:
            c.change = c.change or first.change


def period_of_claim(claim: Claim, year: int | None) -> str:
    """year | cumulative | other: a claim that names another year than the plan year is not about it."""
    if claim.period != "year" or year is None:
        return claim.period
    years = {int(y) for y in _OTHER_YEAR.findall(fold(claim.clause))}
    if years and year not in years:
        return "other"
    return "year"
