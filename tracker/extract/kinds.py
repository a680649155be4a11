"""Which rule a target follows, read from the words it came from. Pure: text in, kind info out.

- ``cumulative`` (default): a count or amount that adds up to the target by its deadline.
- ``level``: a standing condition to hold (保持在95%以上, 稳定在20家, 维持, 始终; 不低于 / 控制在…以内
  for a rate): judged on the latest reading and, at period end, on every reading in the period.
- ``recurring``: an obligation per period (每年 / 每季度 / 每月 N 次 or N 人): one per period of the
  plan, each judged on its own.
- ``milestone``: a dated event (开工, 建成, 投用, 印发 …): done or not, with its date.

A multi-year commitment (2023至2026年每年储备800人) is read for the plan's own period: a yearly
obligation whose deadline is the plan's end, not the last year named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

CUMULATIVE, LEVEL, RECURRING, MILESTONE = "cumulative", "level", "recurring", "milestone"
RULES = (CUMULATIVE, LEVEL, RECURRING, MILESTONE)
EVERY_NAMES = {"year": "每年", "quarter": "每季度", "month": "每月"}

_EVERY = re.compile(r"(?:每|逐)(?P<p>年度?|季度?|个?月|半年)|(?:按|分)(?P<q>季度|月度?)")
_MULTI_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?\s*(?:至|到|—|–|-|~|～)\s*(?:19|20)\d{2}\s*年")
_LEVEL_ANY = re.compile(r"保持在|保持|稳定在|稳定|维持在|维持|始终|常态化保持|持续保持")
_LEVEL_RATE = re.compile(r"不低于|不少于|不高于|控制在|以内|以下")
_MILESTONE = re.compile(r"开工|建成|投用|投入使用|投运|印发|出台|完工|竣工|启用|挂牌|通车|上线|开园|开业")
_CLAUSE = re.compile(r"[，,。；;！？!?\n]")


@dataclass(frozen=True)
class KindInfo:
    """The rule of one target and, for recurring ones, its period."""

    rule: str = CUMULATIVE
    every: str | None = None  # year | quarter | month
    multi_year: bool = False


def _clause(text: str, quote: str) -> str:
    """The clause of ``text`` that holds ``quote`` (the quote itself when it is not found)."""
    if not quote:
        return ""
    at = text.find(quote)
    if at < 0:
        return quote
    start = max((m.end() for m in _CLAUSE.finditer(text, 0, at)), default=0)
    end_m = _CLAUSE.search(text, at + len(quote))
    return text[start: end_m.start() if end_m else len(text)]


def _every(word: str) -> str | None:
    if word.startswith("年"):
        return "year"
    if word.startswith("季"):
        return "quarter"
    if word.endswith("月") or word.startswith("月"):
        return "month"
    return None  # 每半年: no period of its own here; read as cumulative


def classify(kind: str, quote: str, text: str = "", comparator: str = "=") -> KindInfo:
    """The rule of a target of ``kind`` (count, percent, amount, ratio, deadline) written as ``quote``
    inside ``text`` (the item's text, for the words around the quote)."""
    clause = _clause(text, quote) if text else quote
    words = quote + "｜" + clause
    if kind == "deadline":
        return KindInfo(MILESTONE) if _MILESTONE.search(words) else KindInfo(CUMULATIVE)
    m = _EVERY.search(quote) or _EVERY.search(clause)
    if m:
        every = _every(m.group("p") or m.group("q") or "")
        if every is not None:
            return KindInfo(RECURRING, every, multi_year=bool(_MULTI_YEAR.search(words)))
    if _LEVEL_ANY.search(quote):
        return KindInfo(LEVEL)
    if kind in ("percent", "ratio") and (_LEVEL_RATE.search(quote) or comparator == "<="):
        # 接种率不低于95%, 死亡率控制在3‰以内: a rate that must stay on the right side
        if not re.search(r"降至|降到|下降到|提高到|提升至|提高至|达到|增长", quote):
            return KindInfo(LEVEL)
    return KindInfo(CUMULATIVE)


def classify_targets(specs: list[Any], text: str, period_start: date, period_end: date) -> list[Any]:
    """The extractor's TargetSpecs with their rule and period set; a multi-year or recurring
    commitment gets the plan's own end as deadline (each period is judged on its own)."""
    out = []
    for s in specs:
        info = classify(s.kind, s.quote or "", text, s.comparator)
        changes: dict[str, Any] = {"rule": info.rule, "every": info.every}
        if info.rule == RECURRING and (s.deadline is None or s.deadline > period_end or info.multi_year):
            changes["deadline"] = period_end
        out.append(replace(s, **changes))
    return out


def describe(rule: str | None, every: str | None) -> str:
    """The rule in a few words for tables: 累计, 保持, 每季度, 节点."""
    if rule == LEVEL:
        return "保持"
    if rule == RECURRING:
        return EVERY_NAMES.get(every or "", "周期")
    if rule == MILESTONE:
        return "节点"
    return "累计"
