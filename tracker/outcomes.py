"""Plan against outcome: a later document (年度工作总结, next year's 政府工作报告) read against a plan.

``parse_outcome`` needs no database: a plan file and a summary file in, one entry per plan target
out. ``import_outcome`` reads a summary against an imported plan and, with ``apply``, logs the
values found as progress updates (author 年终总结导入, the quote as note), once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker.context import Context
from tracker.errors import InputError

AUTHOR = "年终总结导入"
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


@dataclass
class OutcomeReport:
    """Every plan target with what the later document says of it."""

    source: str
    plan_source: str
    year: int | None
    outcomes: list[Any]
    summary_date: date | None = None
    applied: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"met": 0, "not_met": 0, "unclear": 0, "not_mentioned": 0}
        for o in self.outcomes:
            out[o.verdict] = out.get(o.verdict, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "plan": self.plan_source, "year": self.year,
                "summary_date": self.summary_date.isoformat() if self.summary_date else None,
                "counts": self.counts(), "targets": [o.to_dict() for o in self.outcomes],
                "applied": self.applied, "skipped": self.skipped}


def summary_date(text: str, year: int | None) -> date | None:
    """The date a summary was written or delivered (——2024年1月11日在…), if it says so near its top."""
    for m in _DATE.finditer(text[:600]):
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if year is None or d.year >= year:
            return d
    return None


def _read(path: str | Path) -> str:
    from tracker.extract.reader import read_document

    return read_document(Path(path))


def parse_outcome(summary: str | Path, plan: str | Path, year: int | None = None) -> OutcomeReport:
    """Read SUMMARY against the targets of PLAN (both files); no database."""
    from tracker.extract import parse_file
    from tracker.extract.outcome import compare, targets_of

    if year is not None and not 1990 <= year <= 2100:
        raise InputError(f"--year 应为 1990 到 2100 之间的年份：{year}")
    if str(plan).lower().endswith(".json"):
        targets, plan_year_j = targets_from_json(Path(plan))
        plan_year = year or plan_year_j
    else:
        doc = parse_file(Path(plan), year=year)
        targets, plan_year = targets_of(doc), year or doc.year
    text = _read(summary)
    outcomes = compare(targets, text, plan_year)
    return OutcomeReport(str(summary), str(plan), plan_year, outcomes, summary_date(text, plan_year))


def targets_from_json(path: Path) -> tuple[list[Any], int | None]:
    """Plan targets from JSON: `tracker plan parse --format json` output (reviewed or edited), or
    {"plan_year": Y, "targets": [{"quote", "kind", "value", "min", "max", "comparator", "unit",
    "subject", "context"?}]}."""
    import json

    from tracker.extract.model import TargetSpec
    from tracker.extract.outcome import PlanTarget

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"无法读取计划 JSON：{path.name}（{exc}）") from None
    if not isinstance(data, dict):
        raise InputError(f"计划 JSON 应为对象（含 units 或 targets）：{path.name}")

    def spec(t: Any) -> TargetSpec:
        bad = InputError(f"计划 JSON 中的指标格式不对：{str(t)[:60]}（kind 应为 {'、'.join(KINDS)}，value/min/max 为数字，"
                         "unit/subject/quote 为文字）")
        if not isinstance(t, dict) or str(t.get("kind") or "count") not in KINDS:
            raise bad
        texts = [t.get(k) for k in ("unit", "subject", "commitment", "quote", "context")]
        if any(x is not None and not isinstance(x, str) for x in texts):
            raise bad
        try:
            return TargetSpec(kind=str(t.get("kind") or "count"), value=_f(t.get("value")), min=_f(t.get("min")),
                              max=_f(t.get("max")), comparator=str(t.get("comparator") or "="), unit=t.get("unit"),
                              subject=t.get("subject"), commitment=t.get("commitment"), quote=str(t.get("quote") or ""))
        except (TypeError, ValueError, OverflowError):
            raise bad from None

    out: list[Any] = []
    year: int | None = data.get("plan_year") or data.get("year")
    if "units" in data:
        def walk(items: list[dict[str, Any]], unit: str) -> None:
            for it in items:
                out.extend(PlanTarget(spec(t), context=str(it.get("text") or ""), unit_name=unit,
                                      item_label=str(it.get("label") or ""), item_title=str(it.get("title") or ""))
                           for t in it.get("targets") or [])
                walk(it.get("children") or [], unit)

        try:
            for u in data["units"]:
                walk(u.get("items") or [], str(u.get("name") or ""))
                if year is None and (u.get("period") or {}).get("start"):
                    year = int(str(u["period"]["start"])[:4])
        except (AttributeError, TypeError, ValueError):
            raise InputError(f"计划 JSON 的 units 格式不对（应为 tracker plan parse --format json 的输出）：{path.name}") from None
    elif isinstance(data.get("targets"), list):
        out = [PlanTarget(spec(t), context=str(t.get("context") or "")) for t in data["targets"]]
    else:
        raise InputError(f"计划 JSON 中没有 units 或 targets：{path.name}")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int | str) or not str(year).isdecimal()
                             or not 1990 <= int(year) <= 2100):
        raise InputError(f"计划 JSON 中的年份无效：{year}")
    return out, (int(year) if year else None)


KINDS = ("count", "percent", "amount", "deadline", "ratio")


def _f(x: Any) -> float | None:
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, int | float | str):
        raise TypeError(x)
    v = float(x)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(x)
    return v


def _spec_of(row: dict[str, Any]) -> Any:
    from tracker.extract.model import TargetSpec

    return TargetSpec(kind=row["kind"], value=row["value"], min=row["min_value"], max=row["max_value"],
                      comparator=row["comparator"] or "=", unit=row["measure"], subject=row["subject"],
                      commitment=row["commitment"], deadline=row["deadline"], quote=row["quote"] or "")


def import_outcome(ctx: Context, summary: str | Path, plan_id: int, apply: bool = False,
                   year: int | None = None) -> OutcomeReport:
    """Read SUMMARY against imported plan PLAN_ID; with ``apply`` log what it found (once)."""
    from tracker import store
    from tracker.errors import NotFoundError
    from tracker.extract.outcome import PlanTarget, compare, split_unit
    from tracker.status import NUMERIC_KINDS
    from tracker.tasks import recompute, refresh_rollups

    text = _read(summary)

    def load(c: Any) -> tuple[dict[str, Any], list[tuple[dict[str, Any], dict[str, Any]]]]:
        p = store.plan(c, plan_id)
        if p is None:
            raise NotFoundError(f"计划不存在：#{plan_id}（用 tracker plan list 查看计划编号）")
        tasks = store.plan_task_rows(c, plan_id)
        rows = store.targets_by_task_ids(c, [t["id"] for t in tasks])
        by_id = {t["id"]: t for t in tasks}
        return p, [(by_id[r["task_id"]], r) for r in rows
                   if r["task_id"] in by_id and by_id[r["task_id"]].get("vanished_at") is None]

    plan, pairs = ctx.db.read(load)
    start = plan["period_start"]
    end = plan["period_end"]
    end_d = end if isinstance(end, date) else date.fromisoformat(str(end)[:10])
    start_d = start if isinstance(start, date) else date.fromisoformat(str(start)[:10])
    plan_year = year or start_d.year
    targets = [PlanTarget(_spec_of(r), context=t.get("text") or t.get("title") or "",
                          unit_name=str(plan.get("unit") or ""), item_label=t.get("label") or "",
                          item_title=t.get("title") or "") for t, r in pairs]
    outcomes = compare(targets, text, plan_year)
    report = OutcomeReport(str(summary), f"#{plan_id}", plan_year, outcomes, summary_date(text, plan_year))
    for o, (task, row) in zip(outcomes, pairs, strict=True):
        o.task_id, o.target_id = task["id"], row["id"]  # type: ignore[attr-defined]
    if not apply:
        return report
    day = report.summary_date or end_d
    day = min(day, ctx.today)
    sha_path = Path(summary)
    pending = []
    for o, (task, row) in zip(outcomes, pairs, strict=True):
        c_ = o.claim
        if c_ is None or c_.value is None or o.verdict == "unclear" or row["kind"] not in NUMERIC_KINDS:
            continue
        if c_.kind == "plan_share":
            report.skipped.append({"task_id": task["id"], "target_id": row["id"], "value": c_.value,
                                   "quote": c_.clause, "reason": "总结给出的是完成年计划的比例，不是完成值"})
            continue
        value = c_.value * split_unit(c_.unit)[0] / split_unit(row["measure"])[0]
        if value < 0 or (row["kind"] == "percent" and value > 100):
            report.skipped.append({"task_id": task["id"], "target_id": row["id"], "value": value, "quote": c_.clause,
                                   "reason": "数值超出该指标允许的范围（增长率等不是完成值）"})
            continue
        pending.append((task, row, value, c_.clause))
    now = ctx.now()

    def run(c: Any) -> list[dict[str, Any]]:
        """Claims and progress rows in one transaction: all of them or none."""
        _store_claims(c, sha_path, outcomes, pairs, day, now)
        done: list[dict[str, Any]] = []
        touched: list[int] = []
        for task, row, value, note in pending:
            if any(p["author"] == AUTHOR and p["target_id"] == row["id"] and (p["note"] or "") == note
                   and p["action"] == "update" for p in store.progress_of(c, task["id"])):
                continue  # logged by an earlier run: nothing twice
            store.insert_progress(c, task_id=task["id"], target_id=row["id"], action="update", value=value,
                                  percent=None, note=note, author=AUTHOR, happened_on=day, recorded_at=now,
                                  retracts_id=None)
            recompute(c, task["id"])
            store.update_task(c, task["id"], updated_at=now)
            touched.append(task["id"])
            done.append({"task_id": task["id"], "target_id": row["id"], "value": value, "quote": note,
                         "on": day.isoformat()})
        if touched:
            refresh_rollups(c, sorted(set(touched)))
        return done

    report.applied = ctx.db.write(run)
    return report


def _store_claims(c: Any, path: Path, outcomes: list[Any], pairs: list[tuple[dict[str, Any], dict[str, Any]]],
                  day: date, now: Any) -> None:
    """Keep what the summary says of every target (not_mentioned too), once per summary content."""
    from tracker import store
    from tracker.plans import file_sha256

    sha = file_sha256(path)
    have = store.outcome_claim_keys(c, sha)
    rows = []
    for o, (task, row) in zip(outcomes, pairs, strict=True):
        if int(row["id"]) in have:
            continue
        cl = o.claim
        rows.append({"task_id": task["id"], "target_id": row["id"], "source_path": str(path.resolve()),
                     "source_sha256": sha, "value": cl.value if cl else None, "unit": cl.unit if cl else None,
                     "quote": cl.clause if cl else None, "verdict": o.verdict, "claimed_on": day,
                     "recorded_at": now})
    store.insert_outcome_claims(c, rows)
