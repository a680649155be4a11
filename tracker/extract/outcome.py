"""Plan targets read against what a later document says: which claim speaks of which target, and the verdict.

Matching, for the genre of year-end summaries and work-report reviews:
- the same kind and unit: a percent is not a count, 个百分点 is not %, 万亩 is 亩 times 10 000,
  人 and 人次 (and 家/个/所) count alike; a growth rate (增长8%) only answers a growth rate;
- the same subject: character bigrams of the subject's core (the noun after its last verb,
  入规 read as 规上), tolerant of word order and of qualifiers (全社会, 全年, 新);
- a subject that is only 产值/投资/面积 needs its qualifier (轻工纺织产业…产值增长45%) near
  the claim too; in "A、B分别…" lists the i-th value answers the i-th;
- the plan year: 五年来, 累计 or another year's figure is a match with verdict ``unclear``;
- each claim answers one target, best first; below the threshold nothing is proposed.

Verdicts follow the gold files' rules: met / not_met / unclear / not_mentioned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tracker.extract.claims import COMPLETION as COMPLETION_RX
from tracker.extract.claims import Claim, find_claims, period_of_claim, strip_words
from tracker.extract.model import Document, PlanItem, TargetSpec
from tracker.extract.numerals import fold

THRESHOLD = 0.5
ABOUT_TOLERANCE = 0.2  # percentage points an 'about' target may be missed by and still be unclear

_SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7}
_ALIKE = [{"人", "人次", "名", "位"}, {"个", "家", "所", "座", "处", "项"}, {"户", "户次", "家"}]
_VERBS = re.compile(r"新建改造|新改扩建|改扩建|新改建|新建|建设|建成|新增|完成|实施|打造|发展|培育|新培育|认定|新认定|引进|"
                    r"改造|新改造|治理|开展|推动|推进|组织|举办|创建|创成|新认证|认证|扩量提质|提升|更新|提标|转移|"
                    r"扩大到|扩大|达到|实现|带动|精准|拓展|落实|争创|启动|确保|力争|争取|预计")
_FILLER = re.compile(r"^(?:全市|全县|全区|全省|全镇|全社会|全年|年内|本年度|今年|当年|市区|我市|我县|我区|全体|目前|截至目前|"
                     r"上半年|下半年|其中|共|累计|[五十三两二]年来|过去[五十三两二]年|近[五十三两二]年)+")
_TIME = re.compile(r"(?:19|20)\d{2}(?:至(?:19|20)?\d{2,4})?年度?|^年度|每年|全年|年内|年底前?|年末|下半年|上半年|确保|力争|争取|预计|计划|基本")
_SYNONYMS = (("信贷总量", "贷款余额"), ("入规", "规上"), ("规模以上", "规上"), ("限额以上", "限上"), ("外贸进出口", "进出口"),
             ("信贷", "贷款"), ("比率", "比例"), ("竣工投产", "竣工"), ("上线率", "录取率"), ("建成投产", "建成"),
             ("已经", ""), ("已全部", ""), ("全部", ""), ("已", ""), ("均", ""), ("的", ""), ("发放", ""), ("“", ""), ("”", ""), ("\"", ""))
# Aggregates a report may name by a near synonym: a match through one of them is only "unclear".
APPROX = (("第一产业增加值", "农业增加值"), ("第一产业", "农业增加值"), ("一产", "农业增加值"),
          ("第二产业", "工业增加值"), ("二产", "工业增加值"), ("第三产业", "服务业增加值"), ("三产", "服务业增加值"))
_GENERIC = {"产值", "投资", "面积", "产量", "收入", "资金", "规模", "总量", "项目", "企业", "人数", "增加值", "营业收入",
            "销售收入", "营收", "税收", "产能", "种植面积", "覆盖率", "比例", "比重", "占比"}
_QUALIFIER = re.compile(r"([\u4e00-\u9fff]{2,8}?)(?:产业|行业|领域|板块)")
_COMPLETION_WORDS = re.compile(r"完成|建成|竣工|开工|封顶|投产|实现|通过|到位|清零|销号")


@dataclass
class PlanTarget:
    """A plan target and the words around it in its item (for a subject that is only 产值)."""

    spec: TargetSpec
    context: str = ""
    unit_name: str = ""
    item_label: str = ""
    item_title: str = ""


@dataclass
class Outcome:
    """What the later document says of one plan target."""

    target: PlanTarget
    claim: Claim | None = None
    verdict: str = "not_mentioned"
    reason: str = ""
    score: float = 0.0
    more: list[Claim] = field(default_factory=list)

    @property
    def value(self) -> float | None:
        return self.claim.value if self.claim else None

    def outcome_dict(self) -> dict[str, Any] | None:
        if self.claim is None:
            return None
        c = self.claim
        v = c.value
        out: dict[str, Any] = {"value": (int(v) if v is not None and float(v).is_integer() else v), "unit": c.unit,
                               "quote": c.clause, "comparator": c.comparator}
        if self.more:
            out["more_quotes"] = [m.clause for m in self.more]
        return out

    def to_dict(self) -> dict[str, Any]:
        d = self.target.spec.to_dict()
        if self.target.spec.kind != "deadline":
            d.pop("date", None)
        d.update({"unit_name": self.target.unit_name, "item_label": self.target.item_label,
                  "outcome": self.outcome_dict(), "verdict": self.verdict, "reason": self.reason})
        return d


# -- plan side -----------------------------------------------------------------------------------


def targets_of(doc: Document) -> list[PlanTarget]:
    """Every target of a parsed plan document with its item text as context."""
    out: list[PlanTarget] = []

    def walk(items: list[PlanItem], unit: str) -> None:
        for it in items:
            out.extend(PlanTarget(t, context=it.text, unit_name=unit, item_label=it.label, item_title=it.title)
                       for t in it.targets)
            walk(it.children, unit)

    for u in doc.units:
        walk(u.items, u.name)
    return out


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v)).rstrip("0").rstrip(".")


@dataclass
class _TFeat:
    core: str
    change: str | None
    level: bool
    index: int
    list_len: int
    sentence: str
    qualifier: str
    increment: bool


def _locate(q: str, v: float | None, unit: str | None = None) -> int:
    if v is None:
        return -1
    num = rf"(?<![\d.]){re.escape(_fmt(v))}(?![\d])"
    if unit:
        m = re.search(num + r"\s*" + re.escape(fold(unit)), q)
        if m:
            return m.start()
    m = re.search(num, q)
    return m.start() if m else -1


def _target_features(t: PlanTarget) -> _TFeat:
    spec = t.spec
    q = fold(spec.quote)
    v = spec.value if spec.value is not None else spec.min
    pos = _locate(q, v, spec.unit)
    change: str | None = None
    level = False
    index, list_len = -1, 0
    core = ""
    if pos >= 0:
        nums = [m for m in re.finditer(r"(?<![\d.])\d+(?:\.\d+)?(?!\d|\s*年)", q)]
        before = [m for m in nums if m.start() < pos]
        cs = before[-1].end() if before else 0
        clause_start = max(q.rfind(ch, 0, pos) for ch in "，,；;。") + 1
        cs = max(cs, clause_start, q.rfind("、", 0, pos) + 1)
        seg = q[cs:pos]
        k = q.rfind("分别", 0, pos)
        if k >= 0:
            names_seg = re.split(r"[，,；;：:]", q[:k])[-1]
            after = [m for m in nums if m.start() > k]
            index = next((i for i, m in enumerate(after) if m.start() == pos), -1)
            list_len = len(after)
            names = [x for x in re.split(r"[、，,]|和|及|与", names_seg) if x.strip()]
            core_seg = names[index] if 0 <= index < len(names) and len(names) == list_len else names_seg
            _, change, level, _ = strip_words(q[k + 2:pos] if index == 0 else q[k:pos].split("分别")[-1])
            if index > 0:
                _, change, level, _ = strip_words(q[k + 2:after[0].start()])
            core = strip_words(core_seg)[0]
        else:
            core, change, level, _ = strip_words(_TIME.sub("", seg))
            if spec.kind in ("count", "amount", "ratio"):
                tail = q[pos:]
                m = re.match(r"[\d.]+\s*" + re.escape(fold(spec.unit or "")) + r"(?:以上|以内|左右|多)?", tail)
                rest = tail[m.end():] if m else ""
                after_subj = re.split(r"[，,、；;。（(]|以上|以下|和|等", rest)[0]
                if len(_core(after_subj)) >= 2 and len(_core(core)) < 2:
                    core = after_subj
    gold_subject = spec.subject or ""
    if (not core or len(_core(core)) < 2) and pos >= 0 and not gold_subject:
        first = re.search(r"\d", q[clause_start:pos]) if pos >= 0 else None
        if first:  # 城镇化率提高1.5个百分点、达到47.7%: the level shares the rise's subject
            core = strip_words(q[clause_start:clause_start + first.start()])[0]
    if not core or len(_core(core)) < 2:
        core = gold_subject
    if spec.kind == "deadline" and not core:
        core = strip_words(_TIME.sub("", q))[0]
    # growth targets written as "产值增长20%" keep their change even if the subject came from elsewhere
    if change is None and re.search(r"增长|增速|提高|下降|降低", gold_subject) and spec.kind == "percent" \
            and not re.search(r"提高到|提高至|降至|降到", q):
        change = "down" if re.search(r"下降|降低", gold_subject) else "up"
    sentence = _sentence_of(fold(t.context), q) if t.context else q
    qm = _QUALIFIER.search(sentence)
    qualifier = qm.group(1) if qm else re.split(r"[，,；;、]", sentence)[0][:8]
    if pos >= 0 and q.rfind("、", 0, pos) > clause_start:
        # 粮食播种面积稳定在312万亩、产量保持在80万吨: the list's head noun qualifies 产量
        head = _core(strip_words(_TIME.sub("", q[clause_start:q.find("、", clause_start)]))[0])
        head = re.split(r"\d", head)[0]
        if len(head) >= 2:
            qualifier = head[:2]
    own = q[clause_start:pos] if pos >= 0 else q
    increment = bool(_INCREMENT.search(own)) or bool(_INCREMENT.match(gold_subject))
    return _TFeat(_core(core), change, level, index, list_len, sentence, _core(qualifier), increment)


def sentence_of(t: PlanTarget) -> str:
    """The sentence of the target's item that holds its quote, up to the quote (folded)."""
    q = fold(t.spec.quote)
    return _sentence_of(fold(t.context), q) if t.context else q


def _sentence_of(ctx: str, q: str) -> str:
    """The sentence of the item text that holds the quote, up to the quote."""
    k = ctx.find(q)
    if k < 0:
        k = ctx.find(q[:8]) if len(q) >= 8 else -1
    if k < 0:
        return q
    s = max(ctx.rfind(ch, 0, k) for ch in "。；;！？\n") + 1
    return ctx[s:k + len(q)]


@lru_cache(maxsize=65536)
def _core(s: str) -> str:
    """A subject's core: no qualifiers (全市, 新), no leading verbs, synonyms folded."""
    s = fold(s or "")
    s = re.sub(r"[（(][^）)]*[）)]", "", s)
    for a, b in _SYNONYMS:
        s = s.replace(a, b)
    s = re.sub(r"[\s“”\"‘’《》、，,：:；;。·\-—]+", "", s)
    s = re.sub(r"(增长|增速|增幅|下降|降幅|提高|提升|涨幅)$", "", s)
    s = _TIME.sub("", s)
    if len(s) > 4:
        s = s[:2] + s[2:].replace("新增", "")  # 城镇新增就业 = 新增城镇就业
    for _ in range(4):
        s = _FILLER.sub("", s)
        m = _VERBS.match(s)
        if m and len(s) - m.end() >= 2:
            s = s[m.end():]
            continue
        lead = [v for v in _VERBS.finditer(s, 0, 7) if 0 < v.start() <= 4 and len(s) - v.end() >= 3]
        if lead:  # 扩量提质建设高标准农田: a short lead phrase, then the verb
            s = s[lead[0].end():]
            continue
        break
    if s.startswith("新") and len(s) >= 4:
        s = s[1:]
    if _VERBS.fullmatch(s) or re.fullmatch(r"建成|开工|竣工|投产|封顶|新建", s):
        return ""
    return s


@lru_cache(maxsize=65536)
def _approx(s: str) -> tuple[str, bool]:
    for a, b in APPROX:
        if s.startswith(a) and not s.startswith(b):
            return b + s[len(a):].replace("增加值", ""), True
    return s, False


@lru_cache(maxsize=65536)
def _grams(s: str) -> frozenset[str]:
    if len(s) < 2:
        return frozenset({s} if s else ())
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


# Words that name what is measured, not which thing: 增加值 of what, 投资 in what.
_MEASURE_HEADS = ("增加值", "总额", "总值", "收入", "投资", "产值", "总量", "余额", "规模", "面积", "产量", "比例", "比重")
# Qualifiers that name a different aggregate: 户籍 is not 常住, 农村 is not 城镇.
_CONTRASTS = (("户籍", "常住"), ("城镇", "农村"), ("城镇", "乡村"), ("城市", "农村"), ("规上", "限上"),
              ("一般公共预算", "政府性基金"), ("出口", "进口"), ("国家级", "省级"), ("省级", "市级"), ("市级", "县级"))


def similarity(a: str, b: str) -> float:
    """How alike two subject cores are: bigram Dice, raised when one holds the other.

    Two cores that end in the same measure word (增加值, 投资) are compared by what comes before it;
    contrasting qualifiers (户籍/常住) make them different measures.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    for x, y in _CONTRASTS:
        if (x in a and y in b and y not in a and x not in b) or (y in a and x in b and x not in a and y not in b):
            return 0.0
    for head in _MEASURE_HEADS:
        if a.endswith(head) and b.endswith(head) and len(a) > len(head) and len(b) > len(head):
            a, b = a[: -len(head)], b[: -len(head)]
            break
    ga, gb = _grams(a), _grams(b)
    dice = 2 * len(ga & gb) / (len(ga) + len(gb))
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short in long_ and len(short) >= 2 and len(short) / len(long_) >= 0.5:
        dice = max(dice, 0.8)
    return dice


# -- units ---------------------------------------------------------------------------------------


def split_unit(unit: str | None) -> tuple[float, str]:
    """(magnitude, base): 万亩 → (1e4, 亩), 亿元 → (1e8, 元), % → (1, %)."""
    u = (unit or "").strip()
    for mag in ("千万", "百万", "万", "亿", "千"):
        if u.startswith(mag) and len(u) > len(mag):
            return _SCALE[mag], u[len(mag):]
    return 1.0, u


def alike_units(a: str, b: str) -> bool:
    if a == b:
        return True
    return any(a in g and b in g for g in _ALIKE)


def _kind_of(spec: TargetSpec) -> str:
    if (spec.unit or "") == "倍":
        return "multiple"
    return "count" if spec.kind == "ratio" else spec.kind


def compatible(spec: TargetSpec, claim: Claim) -> bool:
    """Same kind and a unit that measures the same thing."""
    tk = _kind_of(spec)
    if tk == "deadline":
        return claim.kind in ("qualitative", "stage")
    if claim.kind in ("qualitative", "stage"):
        return True
    if claim.kind == "plan_share":
        return tk in ("count", "amount", "percent") and spec.kind != "ratio"
    if tk != claim.kind:
        return False
    if tk == "percent":
        return (spec.unit or "%") == (claim.unit or "%") or {spec.unit, claim.unit} <= {"%", None}
    if tk in ("amount", "multiple"):
        return True
    if spec.kind == "ratio":
        return False
    return alike_units(split_unit(spec.unit)[1], split_unit(claim.unit)[1])


def scaled(value: float | None, unit: str | None) -> float | None:
    return None if value is None else value * split_unit(unit)[0]


# -- matching ------------------------------------------------------------------------------------


def _score_gate(tf: _TFeat, t: PlanTarget, c: Claim) -> bool:
    """What depends only on the claim's kind, unit and change: whether it can answer the target at all."""
    spec = t.spec
    if not compatible(spec, c) or c.kind in ("qualitative", "stage"):
        return False  # named-project and completion matching is done apart, with stricter rules
    if c.kind == "plan_share":
        return True
    if spec.kind == "percent" and (tf.change is not None) != (c.change is not None):
        return False
    return not (tf.change and c.change and tf.change != c.change)


def _score(tf: _TFeat, t: PlanTarget, c: Claim) -> float:
    if not _score_gate(tf, t, c):
        return 0.0
    if tf.list_len >= 2 and c.list_len == tf.list_len and not c.names and tf.index != c.index:
        return 0.0
    own_words = _core(c.subject) or ("" if len(_core(c.after)) >= 2 else _core(c.context))
    csub, approx = _approx(own_words)
    s = similarity(tf.core, csub)
    if c.after:
        s = max(s, similarity(tf.core, _core(c.subject + c.after)), similarity(tf.core, _core(c.after)))
    if not _core(c.subject) and not c.after and len(tf.core) >= 3 and tf.core in _core(c.wide):
        s = max(s, 0.6)  # 目前已建成2家: the subject is in the sentence before
    if approx and s >= 0.8:
        s = 0.79  # through a near synonym: below any direct match
    generic = tf.core in _GENERIC or csub in _GENERIC or len(tf.core) < 2
    if generic:
        qual = tf.qualifier
        near = _core(c.context) + csub + fold(c.clause)
        q = len(_grams(qual) & _grams(near)) / max(1, len(_grams(qual))) if qual else 0.0
        s = s * (0.4 + 0.6 * q) if q >= 0.5 else s * 0.4
        if qual and not qual.endswith(tf.core):
            s = max(s, similarity(qual + tf.core, csub))
        if not _core(c.subject) and not c.after and qual and len(qual) >= 2 and _grams(qual) <= _grams(near):
            s = max(s, 0.55)  # 粮食稳产，达到83.1万吨: the subject is the clause before
    return s


_NAMES = re.compile(r"([\u4e00-\u9fffA-Za-z0-9（）()]{3,30}?)(?:、|和|与|及|等\s*\d|等[一二三四五六七八九十两]|等项目|”)")


def named_things(text: str) -> list[str]:
    """Projects or institutions a target names: “总项目-子工程”, 儿童医院、沙井医院二期…等4个项目."""
    n = fold(text)
    names: list[str] = []
    for m in re.finditer(r"[“\"]([^”\"]{4,60})[”\"]", n):
        parts = [p for p in re.split(r"[-—－]+", m.group(1)) if p]
        parts = parts[1:] if len(parts) > 1 else parts  # the sub-project, not its umbrella
        names.extend(p for p in parts if len(p) >= 6)
    for m in re.finditer(r"((?:[\u4e00-\u9fffA-Za-z0-9（）()]{2,20}、)+[\u4e00-\u9fffA-Za-z0-9（）()]{2,20})等\s*(?:\d+|[两二三四五六七八九十])\s*[个家所座项]", n):
        items = m.group(1).split("、")
        head = re.match(r"(?:.*)(开工建设|开工|推进|争取|力争|建设|推动|完成|实施)", items[0])
        if head:
            items[0] = items[0][head.end():]
        names.extend(x for x in items if len(x) >= 3)
    return names


_INCREMENT = re.compile(r"新增|新建|新认证|新认定|新培育|新发展|新签约|新改造|新入规|新聘|新开工|培育|引进")


def _own_region(tf: _TFeat, quote: str) -> str:
    """The part of the target's sentence that is its own: after the number before its quote."""
    sent = tf.sentence
    q = fold(quote)
    k = sent.find(q[:10]) if q else -1
    head = sent[:k] if k >= 0 else ""
    ends = [m.end() for m in re.finditer(r"\d+\s*[个家所座项名人%]", head)]
    start = ends[-1] if ends else 0
    return sent[start:]


def _mentions(name: str, clause: str) -> bool:
    """A clause speaks of a named thing: it holds a long enough piece of the name."""
    c = fold(clause)
    k = min(len(name), 6)
    if len(name) < 3:
        return False
    if name in c:
        return True
    return any(name[i:i + k] in c for i in range(len(name) - k + 1))


def _segments(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[。；;！？!?\n]", text) if x.strip()]


_STAGE = re.compile(r"正在|正进行|正同步|施工至|前期|设计|招标|可研|规划调整|土地|平整|审批|立项|筹备|尚未|未开工|未完成")


def match(targets: list[PlanTarget], claims: list[Claim], year: int | None = None,
          threshold: float = THRESHOLD, text: str | None = None) -> list[Outcome]:
    """One Outcome per target, in the targets' order; a claim answers at most one target.

    ``text`` (the later document's review part) lets targets that name their projects be
    answered by the sentences that speak of those projects.
    """
    feats = [_target_features(t) for t in targets]
    for c in claims:
        c.period = period_of_claim(c, year)
    numeric = [c for c in claims if c.kind not in ("qualitative", "stage")]
    groups: dict[tuple[str, str | None, str | None], list[int]] = {}
    index: dict[str, set[int]] = {}  # bigram → claims whose words hold it: no shared bigram, no match
    for j, c in enumerate(numeric):
        groups.setdefault((c.kind, c.unit, c.change), []).append(j)
        for part in (_core(c.subject), _core(c.after), _core(c.context), _core(c.wide), _core(c.subject + c.after),
                     _approx(_core(c.subject))[0], fold(c.clause)):
            for g in _grams(part):
                index.setdefault(g, set()).add(j)
    pairs: list[tuple[float, int, int]] = []
    for i, (t, tf) in enumerate(zip(targets, feats, strict=True)):
        near: set[int] = set()
        for g in _grams(tf.core) | _grams(tf.qualifier):
            near |= index.get(g, set())
        for members in groups.values():
            if _score_gate(tf, t, numeric[members[0]]):
                for j in members:
                    if j not in near:
                        continue
                    s = _score(tf, t, numeric[j])
                    if s >= threshold:
                        pairs.append((s, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    outcomes = [Outcome(t) for t in targets]
    used_t: set[int] = set()
    used_c: set[int] = set()
    for s, i, j in pairs:
        if i in used_t or j in used_c:
            continue
        used_t.add(i)
        used_c.add(j)
        outcomes[i].claim, outcomes[i].score = numeric[j], s
    words = [c for c in claims if c.kind in ("qualitative", "stage")]
    segs = _segments(text) if text else []
    for i, tf in enumerate(feats):
        if i not in used_t:
            _match_words(outcomes[i], tf, words, segs)
    for o, tf in zip(outcomes, feats, strict=True):
        o.verdict, o.reason = verdict(o, tf)
    return outcomes


def _match_words(o: Outcome, tf: _TFeat, words: list[Claim], segs: list[str]) -> None:
    """Targets answered in words: named projects at a stage, or a completion of the same subject."""
    t = o.target
    # a count names its things in its own words (X、Y等2个); a deadline may name them earlier in its sentence
    region = _own_region(tf, t.spec.quote) if t.spec.kind == "deadline" else t.spec.quote
    names = named_things(region) if segs else []
    if names:
        hits: list[str] = []
        for nm in names:
            seg = next((x for x in segs if _mentions(nm, x) and (_STAGE.search(fold(x)) or COMPLETION_RX.search(fold(x)))),
                       None)
            if seg and seg not in hits:
                hits.append(seg)
        if hits:
            done = all(COMPLETION_RX.search(fold(h)) and not _STAGE.search(fold(h)) for h in hits) and len(hits) == len(names)
            first = Claim(kind="qualitative" if done else "stage", value=None, unit=None, clause=hits[0],
                          sentence=hits[0], completed=done)
            o.claim, o.score = first, 0.6
            o.more = [Claim(kind=first.kind, value=None, unit=None, clause=h, sentence=h) for h in hits[1:]]
            return
    if not tf.core or len(tf.core) < 3:
        return
    best: tuple[float, Claim] | None = None
    for c in words:
        if not c.completed:
            continue
        s = similarity(tf.core, _core(c.subject))
        if s >= 0.75 and (best is None or s > best[0]):
            best = (s, c)
    if best:
        o.claim, o.score = best[1], best[0]


# -- verdicts ------------------------------------------------------------------------------------


def verdict(o: Outcome, tf: _TFeat | None = None) -> tuple[str, str]:
    """(verdict, reason in Chinese) by the rules: met / not_met / unclear / not_mentioned."""
    c = o.claim
    spec = o.target.spec
    if c is None:
        return "not_mentioned", "总结未提及"
    if c.period != "year":
        return "unclear", "总结中的数字为多年累计或其他年份，不能直接对照"
    if c.kind in ("qualitative", "stage"):
        if c.completed and not re.search(r"基本|部分", c.clause):
            return "met", "总结称已完成（无具体数字）"
        if c.kind == "stage":
            return "not_met", "总结只说明进展阶段，尚未完成"
        return "unclear", "总结只作定性表述"
    if tf is None:
        tf = _target_features(o.target)
    if c.kind == "plan_share" and c.value is not None:
        if c.value >= 100 - 1e-9:
            return "met", f"总结称完成年计划的{c.value:g}%"
        return "not_met", f"总结称只完成年计划的{c.value:g}%"
    tv = spec.value if spec.value is not None else spec.min
    if tv is None or c.value is None:
        return "unclear", "计划指标无具体数值"
    t_mag, t_base = split_unit(spec.unit)
    c_mag, c_base = split_unit(c.unit)
    if spec.kind == "count" and t_base != c_base and not ({t_base, c_base} <= {"人", "人次"}):
        pass  # alike units (家/个): compared as they are
    target = tv * t_mag
    got = c.value * c_mag
    if _approx(_core(c.subject))[1]:
        return "unclear", "总结用的是相近口径（如一产与农业增加值），不能确定是同一指标"
    if spec.kind == "count" and tf.increment and c.stock:
        return "unclear", "总结给出的是总量（存量），计划是新增量"
    cmp = spec.comparator or "="
    about = "左右" in spec.quote and cmp in ("=", "about")
    if cmp == "about":
        about = True
    ceiling = cmp == "<=" or (about and re.search(r"控制在|以内|以下|不超过|涨幅", spec.quote) is not None)
    if spec.kind == "percent" and not tf.change and spec.unit in ("%", None) and not ceiling \
            and c.comparator == "=" and got < 0.6 * target:
        return "unclear", "同一指标相差过大，统计口径可能已调整"
    if spec.kind == "percent" and not tf.change and got < target and _rise_met(spec.quote, c.clause):
        return "unclear", "提高幅度已达目标而水平值低于目标：基数已调整，水平值不能直接对照"
    lo, hi = got, got
    if c.comparator == ">=":
        hi = float("inf")
    elif c.comparator == "<=":
        lo = float("-inf")
    if ceiling:
        if hi <= target:
            return "met", "控制在目标以内"
        if lo > target:
            return "not_met", "超出控制目标"
        return "unclear", "总结只给出界限，不能判断"
    goal = target if cmp != "range" else (spec.min or tv) * t_mag
    if lo >= goal:
        return "met", "达到或超过目标"
    if hi < goal:
        if about and spec.kind == "percent" and goal - got <= ABOUT_TOLERANCE + 1e-9:
            return "unclear", "略低于“左右”目标（0.2个百分点以内）"
        return "not_met", "未达到目标"
    return "unclear", "总结只给出下限，低于目标，不能判断"


_RISE = re.compile(r"(?:提高|提升|增长|上升)(\d+(?:\.\d+)?)个?百分点")


def _rise_met(plan_quote: str, claim_clause: str) -> bool:
    """The plan sets a rise and a level in one breath, and the rise was met (the level then rests on a revised base)."""
    p, c = _RISE.search(fold(plan_quote)), _RISE.search(fold(claim_clause))
    return bool(p and c and float(c.group(1)) >= float(p.group(1)))


# -- whole documents -----------------------------------------------------------------------------


def compare(targets: list[PlanTarget], outcome_text: str, year: int | None = None) -> list[Outcome]:
    """Read a later document's review part and match its claims to the plan targets."""
    from tracker.extract.claims import review_text

    review = review_text(outcome_text)
    return match(targets, find_claims(review), year, text=review)


def silent_drops(outcomes: list[Outcome]) -> list[Outcome]:
    """Targets the later document never mentions."""
    return [o for o in outcomes if o.verdict == "not_mentioned"]
