"""What the extractor produces: documents, unit plans, plan items and target specifications."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


@dataclass
class TargetSpec:
    """One measurable commitment read from an item's text, with the words it came from."""

    kind: str  # count | percent | amount | deadline | ratio
    value: float | None = None
    min: float | None = None
    max: float | None = None
    comparator: str = "="  # = >= <= range
    unit: str | None = None
    subject: str | None = None
    commitment: str | None = None
    deadline: date | None = None
    date: date | None = None  # the due date itself, for kind == "deadline"
    quote: str = ""
    unsure: list[str] = field(default_factory=list)  # why a reviewer should look at it
    approx: bool = False  # 增长7%左右, 约3000亩: about the value, not exactly
    rule: str = "cumulative"  # cumulative | level | recurring | milestone (see extract/kinds.py)
    every: str | None = None  # recurring: year | quarter | month

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind, "value": _num(self.value), "min": _num(self.min), "max": _num(self.max),
            "comparator": self.comparator, "unit": self.unit, "subject": self.subject,
            "commitment": self.commitment, "deadline": _iso(self.deadline), "quote": self.quote,
            "rule": self.rule, "every": self.every,
        }
        if self.kind == "deadline":
            out["date"] = _iso(self.date)
        out["approx"] = self.approx
        out["unsure"] = list(self.unsure)
        return out


def _num(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


@dataclass
class PlanItem:
    """A numbered plan item; its children are the sub-items written under or inside it."""

    label: str
    title: str
    text: str
    targets: list[TargetSpec] = field(default_factory=list)
    children: list[PlanItem] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)  # why a reviewer should look at it

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "title": self.title, "text": self.text,
                "targets": [t.to_dict() for t in self.targets],
                "children": [c.to_dict() for c in self.children], "unsure": list(self.unsure)}


@dataclass
class SectionNote:
    """How one section of a unit's document was read: its heading, kind, and whether it was taken."""

    heading: str | None
    kind: str  # plan | summary | other | preamble
    taken: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"heading": self.heading, "kind": self.kind, "taken": self.taken, "reason": self.reason}


@dataclass
class UnitPlan:
    """One unit's document inside a file: its title, plan section and items."""

    name: str
    title: str
    plan_heading: str | None
    period_start: date
    period_end: date
    items: list[PlanItem] = field(default_factory=list)
    sections: list[SectionNote] = field(default_factory=list)
    reason: str = ""  # how the plan part was found
    warnings: list[str] = field(default_factory=list)
    summary_text: str = ""  # the summary part (上半年工作总结…), for baselines

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "plan_heading": self.plan_heading,
                "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()},
                "reason": self.reason, "sections": [s.to_dict() for s in self.sections],
                "warnings": list(self.warnings), "items": [i.to_dict() for i in self.items]}


@dataclass
class Document:
    """A parsed file: the unit plans it holds and the period they are for."""

    units: list[UnitPlan]
    year: int
    half: int | None
    source: str | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # lines the clean stage removed, by reason
    wrapper: str | None = None  # the 关于印发……的通知 the document came in

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "year": self.year, "half": self.half, "wrapper": self.wrapper,
                "dropped": dict(self.dropped), "units": [u.to_dict() for u in self.units]}
