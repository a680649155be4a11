"""Measurable commitments in an item's text: counts, percentages, amounts and deadlines.

A small rule set written for the genre: numbers (Arabic, full-width or Chinese) with their
measure word, ranges, comparators, 万/亿 magnitudes, percentages, money, and deadlines resolved
against the plan period, each with the commitment word (确保/力争/争取/预计/计划) that governs it.
What is not a target is as important: ages, durations, years, ordinals, quoted names and codes,
parenthetical explanations, baselines (在…基础上), class thresholds (亿元以上项目) and
achievements already reported (已完成…).
"""

from __future__ import annotations

import bisect
import calendar
import re
from datetime import date
from typing import Any

from tracker.extract.model import TargetSpec
from tracker.extract.numerals import CN_NUM_CHARS, fold, to_number

# -- vocabulary ----------------------------------------------------------------------------------

MEASURES = sorted(
    """个 家 名 人 项 所 座 台 张 户 亩 公里 千米 平方米 平方公里 立方米 方 米 人次 次 场 件 套 辆 条 处 批
    支 间 栋 幢 床 张 册 本 篇 部 款 类 种 期 届 班 位 只 头 吨 千瓦 兆瓦 MW 千伏 公顷 株 棵 盏 块 宗 起 例 份
    门 村 镇 校 园 站 片 段 对 组 轮 课时 学时 学分 标段 床位 口 眼 根 台套 千瓦时 度 吨标准煤 万千瓦 万吨
    万亩 万人 万户 万人次 万平方米 公斤 千克 万斤 斤 万元 亿元 元 万 亿 个百分点 百分点 余""".split(),
    key=len, reverse=True,
)
COUNT_MEASURES = [m for m in MEASURES if m not in ("万元", "亿元", "元", "万", "亿", "个百分点", "百分点", "余")]
_MEASURE_RX = "|".join(re.escape(m) for m in COUNT_MEASURES)

_NUM = rf"(?:\d+(?:\.\d+)?|[{CN_NUM_CHARS}]+|[xX]{{1,3}}|\*{{1,3}})"
_SEP = r"\s*(?:-|－|—+|–|~|～|至|到)\s*"
TOKEN = re.compile(
    rf"(?<![\d.{CN_NUM_CHARS}a-zA-Z第])(?P<a>{_NUM})(?P<apct>%)?(?:{_SEP}(?P<b>{_NUM}))?\s*"
    rf"(?:(?P<pct>%|‰)|(?P<money>(?P<mmag>万|亿|千万|百万|千)?(?:元|美元))|(?P<pts>个?百分点)"
    rf"|(?P<mag>万|亿)?(?P<meas>{_MEASURE_RX}))"
    rf"(?P<post>及以上|以上|以下|以内|左右|多|余)?"
)
_CN_PCT = re.compile(rf"百分之(?P<a>[\d.{CN_NUM_CHARS}]+)")

GE_BEFORE = ("不少于", "不低于", "不小于", "超过", "突破", "至少", "高于", "多于", "大于")
LE_BEFORE = ("不超过", "不高于", "不大于", "降至", "降到", "降低到", "降低至", "下降到", "下降至", "控制在", "压减到",
             "压减至", "压降至", "减少到", "减少至", "低于", "少于", "小于", "以内")
_CMP_BEFORE = re.compile("|".join(sorted(GE_BEFORE + LE_BEFORE, key=len, reverse=True)))
COMMITMENTS = ("确保", "力争", "争取", "预计", "计划")
# 计划 is a commitment when it governs a verb (计划新建), not when it is a noun (“名医高徒”计划, 工作计划).
_COMMIT_RX = re.compile(r"确保|力争|争取|预计|(?<![”\"作的划])计划(?=[\u4e00-\u9fff])(?!书|表|任务|生育)")
_TIME_WORDS = re.compile(r"(?:19|20)\d{2}(?:至(?:19|20)?\d{2,4})?年度?|每年|全年|年内|年底前?|年末|下半年|上半年|"
                         r"\d{1,2}月(?:底|末|份)?(?:前|之前)?|[一二三四]季度|全县|全区|全市|全镇|全省")
_DONE = re.compile(r"已经?[^，,。；;]{0,6}?(完成|建成|实现|开工|竣工|完工|达到|达|到位|投入|投用|落地|签约|招聘|培训|发放|拨付|有|累计|新增|引进|创建|通过|开展|办理|上报|审批|验收)"
                   r"|目前|截至|截止目前|累计|同比(增长|下降)?[^，,。；;]{0,3}已|上半年(共|已|完成|新增|实现|累计)")
# Progress figures of a 进度表: a share of the task already done (占任务数的28.86%, 完成率76%).
# A progress column of a 进度表 read as "进展情况：已开工12个": what happened, not the goal.
_PROGRESS_CELL = re.compile(r"\s*(进展情况|完成情况|目前进展|推进情况|进度情况|进展|进度|完成率|实际完成)\s*[：:]")
_PROGRESS_SHARE = re.compile(r"(占[^，,。；;]{0,12}(任务|目标|计划|总数)[^，,。；;]{0,4}|完成率|完成进度|进度|序时进度|任务完成)的?\s*$")
# Policies, meetings and slogans named by a number: 市委20条措施, 十堰26条具体措施, 第X次党代会.
_NAMED_COUNT = re.compile(r"\s*(条|项|点)[^，,。；;]{0,4}(措施|意见|举措|政策|规定|要求|办法|禁令|硬招|实招|清单|意见)"
                          r"|\s*(次|届)[^，,。；;]{0,6}(会|会议|全会|党代会|代表大会)")
# The size of the list that follows (产业开发有五项：, 七个重点工作要求：): not a target.
_LIST_SIZE_AFTER = re.compile(r"[^，,。；;]{0,12}[：:]")
# Descriptions of a project or a risk, not commitments: 全长13公里, 宽度为0.3米, 潜在经济损失1800万元.
_DESCRIPTIVE = re.compile(r"(长度|宽度|高度|深度|直径|厚度|全长|总长|长约|宽约|占地|建筑面积|规划面积|总面积|损失|威胁|受灾|位于|距离|裂缝)"
                          r"[^，,。；;]{0,8}$|(?<!完成)总投资[^，,。；;]{0,4}$")
_RANKING = re.compile(r"(全省|全市|全国|全区|全县|省|市|国内|排名|位列|进入|稳居|保持|居)前$")
# A figure reached with no measure word: an index or a score (综合指数达到90).
_REACH_BARE = re.compile(r"(达到|达|提高到|提升到|增至|突破|超过|不低于|不少于|保持在|稳定在)\s*$")
_PEOPLE_WAN = re.compile(r"(?:人数|户数|人口|人次|数量|规模|客流|游客|用户)[^，,。；;\d]{0,4}?(\d+(?:\.\d+)?)\s*(万|亿)(?:(以上|左右)|(?![\u4e00-\u9fff]))")
_LIFESPAN = re.compile(r"寿命[^，,。；;]{0,6}?(?:达到|达|提高到|提升到|超过)\s*(\d{2,3}(?:\.\d+)?)\s*岁")
# Forward words that make a clause of a progress report a commitment (计划、预计、确保、年内…).
_FORWARD_CLAUSE = re.compile(r"计划|预计|确保|力争|争取|目标|任务是|年内|年底|底前|月底前|下半年|将|拟|要|不低于|不少于|以上")
# A bare figure at the end of a commitment clause of a 进度表 (计划改造老旧小区440,截至…).
_BARE_COUNT = re.compile(r"(?<![\d.])(\d{2,7})(?=\s*(?:[，,。；;(（]|$))")
_BASELINE = re.compile(r"在[^，,。；;在]{0,30}?基础上")
_THRESHOLD_NEXT = re.compile(r"[\u4e00-\u9fff]")
_QUOTES = re.compile(r"“[^”\n]{0,40}”|\"[^\"\n]{0,40}\"|《[^》\n]{0,60}》|「[^」\n]{0,40}」|‘[^’\n]{0,40}’")
_PARENS = re.compile(r"[（(][^（()）\n]{0,200}[)）]")
_RATIO = re.compile(r"每(?:[千万百十]|\d+)?(?:人|户|平方公里|公里|家|所|村|个)[^，,。；;]{0,8}$")
_IDIOM = re.compile(r"四个意识|四个自信|两个维护|两个确立|三个代表|五位一体|四个全面|三会一课|一岗双责|两学一做|三严三实|"
                    r"一体两翼|两个毫不动摇|三大攻坚战|六稳|六保|八项规定|两个责任|一把手")
_CLAUSE_END = "，,；;。！？!?\n"
_SENT_END = "；;。！？!?\n"

# -- deadlines -----------------------------------------------------------------------------------

_MONTH = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DEADLINE = re.compile(
    rf"(?P<next>明年|次年|来年)?"
    rf"(?:(?:到|至|于|在|争取|力争)?(?P<y>(?:19|20)\d{{2}})\s*年(?:度)?)?"
    rf"(?:"
    rf"{_MONTH}\s*月(?:份)?(?:(?P<d>[0-3]?\d)\s*日|(?P<part>底|末|中旬|上旬|下旬|中))?(?P<before>前|之前|以前)?"
    rf"|(?P<half>上半年|下半年)"
    rf"|(?:第)?(?P<q>[一二三四1-4])\s*季度(?:末|底)?(?P<qbefore>前|之前)?"
    rf"|(?P<ye>年底|年末|年内|年终|年前|底前|底|全年|内)(?P<yebefore>前|之前)?"
    rf")"
)
_YEAR_ONLY = re.compile(r"(?:到|至)(?P<y>(?:19|20)\d{2})\s*年(?![度底末内\d]|[上下]半年|\s*\d)|(?P<y2>(?:19|20)\d{2})\s*年度")
_STRONG_VERB = re.compile(r"完成|实现|建成|开工|竣工|投产|投入使用|投入正式使用|正式使用|交付使用|投用|运营|运行|运作|出台|印发|制定|启动|通过|达到|达标|覆盖|落地|上线|"
                          r"验收|交付|封顶|挂牌|开业|开通|取得|建立|成立|创建|创成|办结|清零|销号|到位|见效|全覆盖|提交|完工|发放|拨付|招聘|认证")
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12}


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _same_day(d: date, year: int) -> date:
    return date(year, d.month, min(d.day, calendar.monthrange(year, d.month)[1]))


def resolve_deadline(m: re.Match[str], start: date, end: date) -> tuple[date | None, bool]:
    """The date a deadline phrase names, and whether it is a deadline on its own (not 全年/2023年度)."""
    year = int(m.group("y")) if m.group("y") else end.year
    if m.group("next"):
        year += 1
    try:
        if m.group("m"):
            raw = m.group("m")
            month = int(raw) if raw.isdigit() else _CN_MONTH[raw]
            if not 1 <= month <= 12:
                return None, False
            part = m.group("part")
            if m.group("d"):
                day = int(m.group("d"))
                d = date(year, month, min(day, calendar.monthrange(year, month)[1]))
            elif part in ("上旬",):
                d = date(year, month, 10)
            elif part in ("中旬", "中"):
                d = date(year, month, 20)
            else:
                d = _month_end(year, month)
            explicit = bool(part or m.group("before") or m.group("d") or "份" in m.group(0))
            if not m.group("y") and not m.group("next"):
                if d < start:
                    d = _same_day(d, d.year + 1)
                elif start.year < end.year and d > end:
                    d = _same_day(d, start.year)  # a 学年 from September: 10月底 is this autumn's
            return d, explicit
        if m.group("half"):
            return (date(year, 6, 30) if m.group("half") == "上半年" else date(year, 12, 31)), True
        if m.group("q"):
            q = "一二三四".find(m.group("q")) + 1 or int(m.group("q"))
            return _month_end(year, q * 3), True
        ye = m.group("ye")
        if ye:
            if ye in ("底", "底前", "内", "年前") and not m.group("y"):
                return None, False
            return date(year, 12, 31), ye not in ("全年",)
    except (ValueError, KeyError):
        return None, False
    return None, False


def find_deadlines(n: str, start: date, end: date) -> list[tuple[int, int, date, bool]]:
    """(start, end, date, standalone) for each deadline phrase in a folded text."""
    out = []
    for m in _DEADLINE.finditer(n):
        if not m.group(0) or (m.group("m") and not (m.group("part") or m.group("before") or m.group("d") or "份" in m.group(0)
                                                     or _STRONG_VERB.match(n, m.end()) or m.group("y"))):
            continue
        if m.group("m") and m.start("m") > 0 and n[m.start("m") - 1].isdigit():
            continue
        d, standalone = resolve_deadline(m, start, end)
        if d is not None:
            out.append((m.start(), m.end(), d, standalone))
    for m in _YEAR_ONLY.finditer(n):
        if any(s <= m.start() < e for s, e, _, _ in out):
            continue
        y = int(m.group("y") or m.group("y2"))
        out.append((m.start(), m.end(), date(y, 12, 31), False))
    out.sort()
    return out


# -- scanning ------------------------------------------------------------------------------------


def _mask(n: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans inside quotes (names, codes) and inside parentheses (explanations)."""
    return [m.span() for m in _QUOTES.finditer(n)], [m.span() for m in _PARENS.finditer(n)]


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether pos is strictly inside one of the (sorted, non-overlapping) spans."""
    i = bisect.bisect_left(spans, (pos, pos)) - 1
    return i >= 0 and spans[i][0] < pos < spans[i][1]


class _Marks:
    """Positions of clause or sentence ends in a text, for bounds found by bisection."""

    def __init__(self, n: str, ends: str):
        self.n = n
        self.at = [m.start() for m in re.finditer("[" + re.escape(ends) + "]", n)]

    def bounds(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_left(self.at, pos)
        start = self.at[k - 1] + 1 if k > 0 else 0
        end = self.at[k] if k < len(self.at) else len(self.n)
        return start, end


def _bounds(n: str, pos: int, ends: str) -> tuple[int, int]:
    return _Marks(n, ends).bounds(pos)


def _comparator(n: str, clause_start: int, a_start: int, post: str | None, after: str) -> str:
    before = n[max(clause_start, a_start - 6):a_start]
    if post in ("以上", "及以上", "多", "余"):
        return ">="
    if post in ("以下", "以内"):
        return "<="
    if after.startswith(("以上", "及以上")):
        return ">="
    if after.startswith(("以内", "以下")):
        return "<="
    words = _CMP_BEFORE.findall(before)
    if not words:
        return "="
    return ">=" if words[-1] in GE_BEFORE else "<="


_SUBJECT_STOP = re.compile(r"[，,。；;、：:（(“\"]|以上|以下|以内|的|等|和|及|并|，")
_VERB_PREFIX = re.compile(r"^(?:确保|力争|争取|预计|计划|全年|年内|年底前?|新增|新建|建设|建成|完成|实现|达到|引进|培养|招聘|增加|"
                          r"推进|推动|开工|开展|打造|培育|新聘|柔性引进|储备|举办|组织|改造|提升|提高|新开工|新竣工投产|创建|争创)+")


_SUBJECT_STOP_AFTER = re.compile(r"[，,。；;、：:（(]|以上|以下|以内|的|等|和|及|并")
_FRAGMENT = re.compile(r"^(市级|省级|县级|区级|国家级|村|镇|乡|实现|达到|以上|左右|左右的|个|项|人|左)$")


def _subject_after(n: str, pos: int, end: int) -> str | None:
    """What a count counts: the words after it (14家社康机构, 2个市级“三名”工程), quotes kept whole."""
    seg = n[pos:end]
    masked = re.sub(r"“[^”]{0,20}”|\"[^\"]{0,20}\"", lambda q: "Q" * len(q.group(0)), seg)
    m = _SUBJECT_STOP_AFTER.search(masked)
    s = seg[: m.start()] if m else seg
    s = s.strip()
    if not s or _FRAGMENT.match(s):
        return None
    return s[:16]


def _subject_before(n: str, start: int, pos: int) -> str | None:
    seg = re.sub(r"[“\"]?[两二三四五六]个[“\"]?$", "", n[start:pos])
    for w in (*GE_BEFORE, *LE_BEFORE, "达到", "达", "提高到", "提高至", "提升到", "提升至", "增长", "下降", "提高", "提升",
              "增至", "保持在", "稳定在", "为"):
        if seg.endswith(w):
            seg = seg[: -len(w)]
            break
    for w in COMMITMENTS:
        seg = seg.replace(w, "")
    seg = re.split(r"[，,、：:和]|分别", seg)[-1]
    seg = _VERB_PREFIX.sub("", _TIME_WORDS.sub("", seg)).strip("“”\"（）() -")
    seg = re.sub(r"^(其中|其余|另外|同时|并且|力争|确保)", "", seg)
    return seg[-12:] or None


_FORWARD_SENTENCE = re.compile(r"年度目标|目标[：:是为]|任务是|计划|预计|确保|力争|争取|年内|年底前|下半年")
_PAST_SENTENCE = re.compile(r"\s*(截至|截止|目前|现已|至今|到目前|上半年|1-\d+月|1至\d+月)")


def _forward_sentence(n: str, ss: int, ce: int) -> bool:
    """Whether the sentence up to the clause commits (年度目标：新建3所，新增学位900个), not reports (截至7月底，…)."""
    return not _PAST_SENTENCE.match(n, ss) and bool(_FORWARD_SENTENCE.search(n, ss, ce))


def kind_guess(m: re.Match[str]) -> str:
    return "percent" if (m.group("pct") or m.group("pts") or m.group("apct")) else ("amount" if m.group("money") else "count")


def extract_targets(orig: str, start: date, end: date, forward_only: bool = False) -> list[TargetSpec]:
    """The targets in one item's own text (its children's text excluded by the caller).

    ``forward_only``: the text mixes commitments and progress (a 民生实事 进度表); a figure is a
    target only where its clause commits to it (计划、预计、确保、年内、不低于…).
    """
    if not orig:
        return []
    n = fold(orig)
    quotes, parens = _mask(n)
    deadlines = find_deadlines(n, start, end)
    out: list[tuple[int, TargetSpec]] = []
    numeric_clauses: set[int] = set()

    clauses, sentences = _Marks(n, _CLAUSE_END), _Marks(n, _SENT_END)

    def clause_of(pos: int) -> tuple[int, int]:
        return clauses.bounds(pos)

    starts = [d[0] for d in deadlines]

    def deadline_for(pos: int) -> date | None:
        _, ce = clause_of(pos)
        ss, _ = sentences.bounds(pos)
        i = bisect.bisect_left(starts, ce) - 1
        return deadlines[i][2] if i >= 0 and starts[i] >= ss else None

    commits = [(m.start(), m.group(0)) for m in _COMMIT_RX.finditer(n)]  # the simplified word: a fixed vocabulary
    commit_at = [c[0] for c in commits]

    def commitment_for(pos: int) -> str | None:
        ss, _ = sentences.bounds(pos)
        i = bisect.bisect_left(commit_at, pos) - 1
        return commits[i][1] if i >= 0 and commit_at[i] >= ss else None

    prev_end = 0
    for m in TOKEN.finditer(n):
        a_start = m.start("a")
        sub_start, prev_end = prev_end, m.end()
        if _inside(a_start, parens):
            continue
        cs, ce = clause_of(a_start)
        clause = n[cs:ce]
        pct = bool(m.group("pct") or m.group("pts") or m.group("apct"))
        if _inside(a_start, quotes) and not pct:
            continue
        if _DONE.search(clause) or _IDIOM.search(n, max(0, a_start - 1), m.end() + 4) or _PROGRESS_CELL.match(clause):
            continue
        bl = _BASELINE.search(clause)
        if bl and cs + bl.start() <= a_start < cs + bl.end():
            continue
        a_raw, b_raw = m.group("a"), m.group("b")
        placeholder = bool(re.fullmatch(r"[xX]+|\*+", a_raw))
        a = None if placeholder else to_number(a_raw)
        b = to_number(b_raw) if b_raw else None
        cn = not placeholder and not a_raw[0].isdigit()
        if placeholder or a is None:
            continue  # 新建xx所学校: a template's blank, nothing to track
        if cn and a is not None and (a < 2 or (m.group("meas") in ("期", "次", "批", "轮", "类", "种", "方", "度", "余", "口", "部", "门", "本", "张", "起", "对"))):
            continue  # 一批, 一张蓝图, 三期: words more than figures
        if b_raw and b is None:
            continue
        post = m.group("post")
        after = n[m.end():m.end() + 3]
        if m.group("meas") == "届" or (m.group("meas") and _NAMED_COUNT.match(n, m.start("meas"))):
            continue  # 市委20条措施, 第三次党代会: a name, not a figure to reach
        if not (m.group("pct") or m.group("money")) and _LIST_SIZE_AFTER.match(n, m.end()):
            continue  # 产业开发有五项：一是…: the size of the list that follows
        if (m.group("pct") or m.group("apct")) and _PROGRESS_SHARE.search(n, cs, a_start):
            continue  # 占任务数的28.86%: progress, not a goal
        if forward_only and not (commitment_for(a_start) or _FORWARD_CLAUSE.search(n, cs, ce)
                                 or _forward_sentence(n, sentences.bounds(a_start)[0], ce)):
            continue
        if not pct and _RANKING.search(n, max(cs, a_start - 6), a_start):
            continue  # 全省前8, 省前100名: a ranking, not a count to reach
        if m.group("money") and n.startswith("的", m.end()):
            continue  # 推动投资105亿元的……项目开工: the project's size; the commitment is the start
        ss, _ = sentences.bounds(a_start)
        if n.find("其中", ss, a_start) >= 0 and not b_raw \
                and _comparator(n, cs, a_start, post, after) == "=":
            continue  # 其中油茶5755亩、毛竹3380亩: a split of the figure before it (其中…不少于30名 is a floor of its own)
        if _DESCRIPTIVE.search(n, cs, a_start) or ("威胁" in n[cs:ce] and kind_guess(m) == "count"):
            continue
        if post in ("以上", "以下", "及以上") and m.end() < len(n) and _THRESHOLD_NEXT.match(n, m.end()) \
                and not n.startswith(("的", "和", "、"), m.end()):
            continue  # 亿元以上项目, 100人以上企业: a class of things, not a goal
        if m.group("meas") and m.group("meas") == "个" and n.startswith(("月", "工作日", "小时"), m.end()):
            continue
        if pct:
            kind, unit = "percent", ("个百分点" if m.group("pts") else ("‰" if m.group("pct") == "‰" else "%"))
            mag = ""
        elif m.group("money"):
            kind, unit, mag = "amount", m.group("money"), ""
        else:
            kind = "count"
            mag = m.group("mag") or ""
            unit = mag + m.group("meas")
        comparator = "range" if b_raw else _comparator(n, cs, a_start, post, after)
        if placeholder:
            value: float | None = None
        else:
            value = a
        spec = TargetSpec(
            kind=kind, unit=unit, comparator=comparator, quote=orig[cs:ce].strip(),
            commitment=commitment_for(a_start), deadline=deadline_for(a_start),
        )
        spec.approx = post == "左右" or after.startswith("左右") or n[max(cs, a_start - 1):a_start] == "约"
        if b_raw:
            spec.min, spec.max = a, b
            if a is not None and b is not None and a > b:
                spec.min, spec.max = b, a
        else:
            spec.value = value
        if kind == "count" and _RATIO.search(n[cs:a_start]):
            spec.kind = "ratio"
            spec.subject = _RATIO.search(n[cs:a_start]).group(0)  # type: ignore[union-attr]
        elif kind == "count":
            spec.subject = _subject_after(n, m.end(), ce) or _subject_before(n, max(cs, sub_start), a_start)
        else:
            spec.subject = _subject_before(n, max(cs, sub_start), a_start)
            if spec.subject is None and pct and n.startswith("的", m.end()):
                after_de = re.match(r"的([^，,。；;]{2,16}?)(?:达到|实现|完成|通过|建成|具备|开展|覆盖|纳入|$)", n[m.end():ce])
                spec.subject = after_de.group(1) if after_de else None  # 80%的村卫生室达到标准
        repeat = 1
        lead = n[max(cs, a_start - 3):a_start]
        rep = re.search(r"([两二三四五六])个[“\"]?$", lead)
        if pct and rep and _inside(a_start, quotes):
            repeat = int(to_number(rep.group(1)) or 1)
        if repeat > 1:  # “两个100%”: one target for each of the rates listed before it
            names = [x for x in re.split(r"[、,，和及与]", n[cs:a_start]) if x]
            names = [re.sub(r"[“\"]?[两二三四五六]个[“\"]?$", "", x) for x in names][-repeat:]
            for i in range(repeat):
                extra = TargetSpec(**{**spec.__dict__})
                if len(names) == repeat:
                    extra.subject = _VERB_PREFIX.sub("", names[i]).strip() or spec.subject
                out.append((a_start, extra))
        else:
            out.append((a_start, spec))
        numeric_clauses.add(cs)

    def add_count(pos: int, value: float, **kw: Any) -> None:
        """A count found by one of the rules below the measure-word scan, quoted by its clause."""
        cs, ce = clause_of(pos)
        out.append((pos, TargetSpec(kind="count", value=value, quote=orig[cs:ce].strip(), subject=_subject_before(n, cs, pos),
                                    commitment=commitment_for(pos), deadline=deadline_for(pos), **kw)))
        numeric_clauses.add(cs)

    for m in _BARE_COUNT.finditer(n):
        cs, ce = clause_of(m.start())
        if cs in numeric_clauses or m.start() == 0 or not ("\u4e00" <= n[m.start() - 1] <= "\u9fff"):
            continue
        commit = commitment_for(m.start())
        reach = _REACH_BARE.search(n, cs, m.start())
        if (reach is None and (commit is None or commit not in n[cs:m.start()])) or _DONE.search(n[cs:ce]) \
                or _inside(m.start(), parens):
            continue
        value = float(m.group(1))
        if 1900 <= value <= 2100:
            continue
        add_count(m.start(), value, comparator=_comparator(n, cs, m.start(), None, n[m.end():m.end() + 3]),
                  unsure=["数字后没有计量单位"])

    for m in _PEOPLE_WAN.finditer(n):  # 参保人数达50万以上: a bare 万 after 人数, 户数…
        cs, ce = clause_of(m.start(1))
        if cs in numeric_clauses or _DONE.search(n[cs:ce]) or _inside(m.start(1), parens):
            continue
        add_count(m.start(1), float(m.group(1)), unit=m.group(2), approx=m.group(3) == "左右",
                  comparator=">=" if m.group(3) == "以上" or "突破" in n[cs:m.start(1)] else "=")

    for m in _LIFESPAN.finditer(n):
        cs, ce = clause_of(m.start(1))
        if cs in numeric_clauses or _DONE.search(n[cs:ce]):
            continue
        add_count(m.start(1), float(m.group(1)), unit="岁")

    for m in _CN_PCT.finditer(n):
        v = to_number(m.group("a"))
        cs, ce = clause_of(m.start())
        if v is None or _inside(m.start(), parens) or _DONE.search(n[cs:ce]):
            continue
        out.append((m.start(), TargetSpec(kind="percent", value=v, unit="%", quote=orig[cs:ce].strip(),
                                          comparator=_comparator(n, cs, m.start(), None, n[m.end():m.end() + 3]),
                                          subject=_subject_before(n, cs, m.start()),
                                          commitment=commitment_for(m.start()), deadline=deadline_for(m.start()))))
        numeric_clauses.add(cs)

    for ds, de, d, standalone in deadlines:
        if not standalone or _inside(ds, parens) or _inside(ds, quotes):
            continue
        cs, ce = clause_of(ds)
        if cs in numeric_clauses:
            continue
        if forward_only and not (commitment_for(ds) or _FORWARD_CLAUSE.search(n, cs, ce)):
            continue
        clause = n[cs:ce]
        rest = clause[de - cs:]
        if _DONE.search(clause):
            continue
        if not (_STRONG_VERB.search(rest) or (n[de - 1] == "前" and len(rest) >= 2)):
            # "年底前，" alone: the deadline governs the next clause
            if len(clause.strip()) - (de - ds) <= 3 and ce < len(n) and n[ce] in "，,":
                ns, ne = clause_of(ce + 1)
                if ns not in numeric_clauses and _STRONG_VERB.search(n[ns:ne]):
                    cs, ce = cs, ne
                else:
                    continue
            else:
                continue
        out.append((ds, TargetSpec(kind="deadline", date=d, deadline=d, quote=orig[cs:ce].strip(),
                                   commitment=commitment_for(ds), subject=_subject_after(n, de, ce))))
    out.sort(key=lambda x: x[0])
    return [s for _, s in out]


def parse_target_phrase(phrase: str, period_start: date, period_end: date) -> list[TargetSpec]:
    """The targets in a short phrase such as "年底前建设14家社康机构" (for `task add --target`)."""
    return extract_targets(phrase.strip(), period_start, period_end)
