"""Baselines: what a unit's own 上半年总结 already says of each of its 下半年 targets.

The summary part of the same document is read with the outcome matcher (same subject, unit and
kind; named projects found by name). A baseline is evidence, not a fact: it is shown for review
and applied as the target's start value only on request. Where the summary measures against an
annual figure that the H2 target is the remainder of ("本年度拟新建17家…目前已建成2家", target
"建设14家"), the baseline is on another base: it is flagged as such instead of read as "2 of 14".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tracker.extract.claims import Claim, find_claims
from tracker.extract.model import Document, TargetSpec, UnitPlan
from tracker.extract.numerals import fold
from tracker.extract.outcome import Outcome, PlanTarget, match, split_unit

SOURCE = "据上半年总结"
_ANNUAL = re.compile(r"(?:本年度|今年|全年|年度|年内|\d{4}年)[^，,。；;]{0,6}?(?:拟|计划|预计|要|将)?[^，,。；;]{0,4}?"
                     r"(?:新建|建设|建成|完成|实施|开工|竣工)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<u>[\u4e00-\u9fff]{1,3})")


@dataclass
class Baseline:
    """A target's baseline read from the summary, with its quote and how to read it."""

    target: TargetSpec
    value: float | None
    unit: str | None
    quote: str
    verdict: str  # met | not_met | unclear (as for outcomes: how far the baseline already is)
    note: str = ""
    annual: float | None = None  # the annual figure the H2 target is the remainder of

    @property
    def remainder(self) -> bool:
        return self.annual is not None

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        d: dict[str, Any] = {"value": (int(v) if v is not None and float(v).is_integer() else v), "unit": self.unit,
                             "quote": self.quote, "verdict": self.verdict, "source": SOURCE}
        if self.note:
            d["note"] = self.note
        if self.annual is not None:
            d["annual_target"] = int(self.annual) if float(self.annual).is_integer() else self.annual
        return d

    def message(self) -> str:
        """One line for the review table, in Chinese."""
        shown = "—" if self.value is None else f"{_fmt(self.value)}{self.unit or ''}"
        if self.remainder:
            return (f"上半年总结按全年计划{_fmt(self.annual or 0)}{self.target.unit or ''}计：已{shown}；"
                    f"下半年指标为剩余部分，不按“{shown}/{_fmt(self.target.value or 0)}”计")
        return f"{SOURCE}：{shown}（{self.note or self.quote[:30]}）"


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _annual_for(claim: Claim, spec: TargetSpec, summary: str) -> float | None:
    """An annual figure the H2 target is the remainder of, stated near the baseline."""
    if spec.value is None or claim.value is None:
        return None
    n = fold(summary)
    k = n.find(fold(claim.sentence)[:12]) if claim.sentence else -1
    if k < 0:
        return None
    window = n[max(0, k - 200):k + len(claim.sentence) + 10]
    _, base = split_unit(spec.unit)
    for m in _ANNUAL.finditer(window):
        annual = float(m.group("n"))
        if not m.group("u").startswith(base[:1]) and not m.group("u").startswith(("个", "家")):
            continue
        if annual > spec.value and annual > claim.value and annual - claim.value >= spec.value - 1e-9 \
                and annual - claim.value - spec.value <= max(2.0, 0.2 * annual):
            return annual
    return None


def unit_baselines(unit: UnitPlan, year: int | None = None) -> list[tuple[PlanTarget, Baseline | None]]:
    """For each target of a unit's plan (in item order), its baseline from the unit's summary, or None."""
    targets: list[PlanTarget] = []

    def walk(items: list[Any]) -> None:
        for it in items:
            targets.extend(PlanTarget(t, context=it.text, unit_name=unit.name, item_label=it.label,
                                      item_title=it.title) for t in it.targets)
            walk(it.children)

    walk(unit.items)
    if not unit.summary_text.strip() or not targets or not same_year_summary(unit):
        return [(t, None) for t in targets]
    claims = [c for c in find_claims(unit.summary_text) if not _is_plan_sentence(c)]
    outcomes = match(targets, claims, year or unit.period_start.year, text=unit.summary_text)
    return [(o.target, _baseline(o, unit.summary_text)) for o in outcomes]


def same_year_summary(unit: UnitPlan) -> bool:
    """Whether the summary part reports on the plan's own year so far (上半年总结 + 下半年计划).

    A 年度总结 followed by next year's plan (or a work report's review of last year) gives last
    year's figures: they are not how far this year's targets already are.
    """
    return unit.period_start.month >= 7 and unit.period_start.year == unit.period_end.year


_ANNUAL_WORDS = re.compile(r"全年|年度|累计|总数|总量|全年累计|年底前累计")


def annual_target(t: PlanTarget) -> bool:
    """Whether a target counts the whole year (全年…96个, 2023年度预计6家), so that what the summary
    reports for the first half is its start; an H2 target without such words may be new work only."""
    from tracker.extract.outcome import sentence_of

    return bool(_ANNUAL_WORDS.search(fold(sentence_of(t))))


_FUTURE = re.compile(r"拟|将要|计划|预计|力争|争取|下半年|下一步")


def _is_plan_sentence(c: Claim) -> bool:
    """Summary sentences that state intentions (本年度拟新建17家) are no baseline."""
    return bool(_FUTURE.search(fold(c.clause)))


def _baseline(o: Outcome, summary: str) -> Baseline | None:
    c = o.claim
    if c is None:
        return None
    spec = o.target.spec
    verdict = o.verdict
    note = o.reason
    annual = None
    if c.value is not None and spec.kind != "deadline":
        annual = _annual_for(c, spec, summary)
        if annual is not None:
            verdict = "unclear"
            note = f"全年计划{_fmt(annual)}，下半年指标为其剩余部分"
    quote = c.clause
    return Baseline(target=spec, value=c.value, unit=c.unit, quote=quote, verdict=verdict, note=note, annual=annual)


def document_baselines(doc: Document) -> list[list[tuple[PlanTarget, Baseline | None]]]:
    """Per unit, the targets with their baselines."""
    return [unit_baselines(u, doc.year) for u in doc.units]


def annotate(doc: Document, data: dict[str, Any]) -> dict[str, Any]:
    """Add "baseline" to every target of ``doc.to_dict()`` output (same order as the document)."""
    for udict, pairs in zip(data.get("units", []), document_baselines(doc), strict=False):
        flat = list(_flat_targets(udict.get("items") or []))
        for tdict, (_, b) in zip(flat, pairs, strict=False):
            tdict["baseline"] = b.to_dict() if b else None
            # how far the summary says the target already is (met / not_met / unclear / not_mentioned)
            tdict["verdict"] = b.verdict if b else "not_mentioned"
    return data


def _flat_targets(items: list[dict[str, Any]]) -> Any:
    for it in items:
        yield from it.get("targets") or []
        yield from _flat_targets(it.get("children") or [])
