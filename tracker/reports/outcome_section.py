"""The year-end report's section on what the year-end summary claims (issue 13), kept apart.

It adds, after the report's own sections, one table setting what was logged beside what the
stored summary claims (``tracker outcome import … --apply``), the targets the summary never
mentions (silent drops), and the claims that contradict the log. Nothing is added when no
summary was imported.
"""

from __future__ import annotations

from typing import Any

from tracker.context import Context
from tracker.reports import data as d
from tracker.reports.layout import Col, Doc, Heading, Para, Table

VERDICTS = {"met": "完成", "not_met": "未完成", "unclear": "待核实", "not_mentioned": "未提及"}


def _scaled(value: float | None, unit: str | None, target_unit: str | None) -> float | None:
    """The claim in the target's unit, or None when it is not in a comparable unit (完成年计划的118%)."""
    from tracker.extract.outcome import alike_units, split_unit

    if value is None or not alike_units(split_unit(unit)[1], split_unit(target_unit)[1]):
        return None
    return value * split_unit(unit)[0] / split_unit(target_unit)[0]


def add_outcome_section(ctx: Context, r: d.Yearend, doc: Doc) -> None:
    """Append the summary-against-log section to a year-end Doc, if any summary was imported."""
    from tracker import store
    from tracker.outcomes import AUTHOR
    from tracker.tasks import fmt_num

    targets = [(it, t) for it in r.items for t in it.line.targets]
    ids = [t.id for _, t in targets]
    claims = ctx.db.read(lambda c: store.outcome_claims_for_targets(c, ids))
    if not claims:
        return
    claimed = sorted({int(row["target_id"]) for row in claims})
    logged = ctx.db.read(lambda c: store.logged_values(c, claimed, r.as_of.isoformat(), AUTHOR))
    latest: dict[int, dict[str, Any]] = {}
    for row in claims:
        latest.setdefault(int(row["target_id"]), row)
    rows: list[list[Any]] = []
    silent: list[list[Any]] = []
    contra: list[list[Any]] = []
    for it, t in targets:
        cl = latest.get(t.id)
        if cl is None:
            continue
        log = logged.get(t.id)
        said = _scaled(cl["value"], cl["unit"], t.measure)
        claim_text = "—" if cl["verdict"] == "not_mentioned" else (
            ("" if cl["value"] is None else f"{fmt_num(cl['value'])}{cl['unit'] or ''} ") + f"«{cl['quote'] or ''}»")
        rows.append([it.line.unit, it.line.name, t.quote or "", t.goal, log, claim_text, VERDICTS.get(cl["verdict"], "")])
        if cl["verdict"] == "not_mentioned":
            silent.append([it.line.unit, it.line.name, t.quote or "", t.goal, log])
        elif said is not None and log is not None and abs(said - log) > 0.01 * max(abs(said), abs(log), 1e-9):
            contra.append([it.line.unit, it.line.name, t.quote or "", log, claim_text])
        elif cl["verdict"] == "not_met" and (t.ratio or 0) >= 100:
            contra.append([it.line.unit, it.line.name, t.quote or "", log, claim_text + "（总结称未完成）"])
    doc.add(Heading("五、年终总结对照", 1),
            Para("以下对照年终总结（或次年工作报告）对各项指标的说法与填报的进展；"
                 "“未提及”为总结中没有说到的指标，需向责任单位核实。"),
            Table("年终总结所称与填报对照", [Col("单位"), Col("事项"), Col("计划指标（原文）"), Col("目标"),
                                              Col("单位填报值", "num"), Col("总结所称"), Col("判断")], rows,
                  sheet="总结对照"))
    doc.add(Heading(f"（一）总结未提及的指标（{len(silent)}项）", 2))
    if silent:
        doc.add(Table("", [Col("单位"), Col("事项"), Col("计划指标（原文）"), Col("目标"), Col("单位填报值", "num")], silent,
                      sheet="未提及"))
    else:
        doc.add(Para("所有指标在总结中均有说法。"))
    doc.add(Heading(f"（二）总结与填报不一致（{len(contra)}项）", 2))
    if contra:
        doc.add(Table("", [Col("单位"), Col("事项"), Col("计划指标（原文）"), Col("单位填报值", "num"), Col("总结所称")], contra,
                      sheet="不一致"))
    else:
        doc.add(Para("没有与填报不一致的说法。"))
