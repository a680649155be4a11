"""Plan import: an extracted document becomes units, plans, tasks (with hierarchy) and targets.

A re-import matches each item to the task it was before (same parent, then same label and title,
same title, or very similar text), updates what changed, adds what is new and flags what
vanished, all in one transaction. Logged progress is never touched: targets that progress rows
refer to are kept even when the document no longer names them.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tracker import store
from tracker.context import Context
from tracker.db import Connection
from tracker.errors import InputError, NotFoundError
from tracker.sheets.lists import apply_item_units, table_fields
from tracker.tasks import NewTarget, new_target_from_spec, recompute, refresh_plan_rollups, to_date

SIMILAR = 0.8  # difflib ratio above which two item texts are the same item, revised


@dataclass
class UnitChange:
    """What an import did (or would do) to one unit's plan."""

    unit: str
    plan_id: int | None
    plan_title: str
    period: tuple[str, str]
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    unchanged: int = 0
    targets: int = 0
    new_plan: bool = False
    same_file: bool = False
    baselines: list[dict[str, Any]] = field(default_factory=list)  # read from the summary part (issue 13)
    details: dict[str, list[str]] = field(default_factory=dict)  # task → what changed, field by field

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit, "plan_id": self.plan_id, "plan_title": self.plan_title,
            "period": {"start": self.period[0], "end": self.period[1]},
            "new_plan": self.new_plan, "same_file": self.same_file,
            "created": self.created, "updated": self.updated, "vanished": self.vanished,
            "revived": self.revived, "unchanged": self.unchanged, "targets": self.targets,
            "baselines": self.baselines,
            "details": self.details,
        }


@dataclass
class ImportResult:
    source: str
    sha256: str
    units: list[UnitChange]
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return any(u.created or u.updated or u.vanished or u.revived or u.new_plan for u in self.units)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "dry_run": self.dry_run,
                "changed": self.changed, "units": [u.to_dict() for u in self.units]}


class _DryRun(Exception):
    def __init__(self, result: ImportResult):
        self.result = result


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse(path: str | Path, year: int | None = None, half: int | None = None) -> Any:
    """Extract a document without touching the database."""
    from tracker.extract import parse_file

    check_period_args(year, half)
    from tracker.sheets.lists import parse_sheet_file  # task lists, review sheets, JSON (issue 14)

    table = parse_sheet_file(Path(path), year=year, half=half)
    if table is not None:
        return table
    return parse_file(Path(path), year=year, half=half, require_items=False)


def check_period_args(year: int | None, half: int | None) -> None:
    if year is not None and not 1990 <= year <= 2100:
        raise InputError(f"--year 应为 1990 到 2100 之间的年份：{year}")
    if half is not None and half not in (1, 2):
        raise InputError(f"--half 只能是 1（上半年）或 2（下半年）：{half}")


def select_units(doc: Any, unit: str | None) -> list[Any]:
    """The document's unit plans, narrowed or renamed by --unit."""
    plans = [u for u in doc.units if u.items]
    if not plans:
        raise InputError("文件中没有找到任何计划条目（未识别到“下半年工作计划”“下一步打算”“工作要点”等部分）")
    if not unit:
        for u in plans:
            if not (u.name or "").strip():
                raise InputError(f"无法从标题识别单位名称：{u.title!r}，请用 --unit 指定")
        return plans
    unit = unit.strip()
    if len(plans) == 1:
        plans[0].name = unit
        return plans
    chosen = [u for u in plans if u.name and (unit in u.name or u.name in unit)]
    if not chosen:
        names = "、".join(u.name for u in plans)
        raise NotFoundError(f"文件中没有单位“{unit}”。文件中的单位：{names}")
    return chosen


def _flatten(items: list[Any], parent: Any = None) -> list[tuple[Any, Any, int]]:
    out = []
    for pos, it in enumerate(items):
        out.append((it, parent, pos))
        out.extend(_flatten(it.children, it))
    return out


def _targets_of(item: Any) -> list[NewTarget]:
    return [new_target_from_spec(t) for t in item.targets]


def _target_key(t: dict[str, Any] | NewTarget) -> tuple[Any, ...]:
    if isinstance(t, NewTarget):
        return (t.kind, t.quote, t.value, t.min_value, t.max_value, t.comparator, t.measure,
                t.deadline.isoformat() if t.deadline else None, t.commitment, t.subject, t.rule, t.every)
    return (t["kind"], t["quote"], t["value"], t["min_value"], t["max_value"], t["comparator"], t["measure"],
            t["deadline"], t["commitment"], t["subject"], t.get("rule") or "cumulative", t.get("every"))


def _goal(t: dict[str, Any] | NewTarget) -> str:
    from tracker.tasks import target_goal_text

    if isinstance(t, NewTarget):
        t = {"kind": t.kind, "value": t.value, "min_value": t.min_value, "max_value": t.max_value,
             "comparator": t.comparator, "measure": t.measure,
             "deadline": t.deadline.isoformat() if t.deadline else None}
    return target_goal_text(t)


def _sync_targets(c: Connection, task_id: int, wanted: list[NewTarget]) -> list[str]:
    """Make a task's targets those of the document; targets with logged progress are kept.
    Returns what changed, field by field (指标“社康机构”：14家 → 16家), empty when nothing did."""
    have = store.targets_of(c, task_id)
    if [_target_key(t) for t in have] == [_target_key(t) for t in wanted]:
        return []
    said: list[str] = []
    used: set[int] = set()
    for pos, w in enumerate(wanted):
        match = next((h for h in have if h["id"] not in used and h["kind"] == w.kind and h["quote"] == w.quote), None)
        if match is None:
            match = next((h for h in have if h["id"] not in used and h["kind"] == w.kind
                          and h["measure"] == w.measure and h["subject"] == w.subject), None)
        values = dict(position=pos, kind=w.kind, value=w.value, min_value=w.min_value, max_value=w.max_value,
                      comparator=w.comparator, measure=w.measure, subject=w.subject, commitment=w.commitment,
                      deadline=w.deadline, quote=w.quote, rule=w.rule, every=w.every)
        name = f"指标“{w.subject or w.quote}”"
        if match is not None:
            used.add(int(match["id"]))
            store.update_target(c, int(match["id"]), **values)
            if _goal(match) != _goal(w):
                said.append(f"{name}：{_goal(match)} → {_goal(w)}")
            new_due = w.deadline.isoformat() if w.deadline else None
            if match["deadline"] != new_due and w.kind != "deadline":
                said.append(f"{name}时限：{match['deadline'] or '（无）'} → {new_due or '（无）'}")
            if (match.get("rule") or "cumulative") != w.rule:
                from tracker.extract.kinds import describe

                said.append(f"{name}类型：{describe(match.get('rule'), match.get('every'))} → {describe(w.rule, w.every)}")
        else:
            store.insert_target(c, task_id=task_id, start_value=None, current_value=None, **values)
            said.append(f"新增{name}：{_goal(w)}")
    stale = [h for h in have if h["id"] not in used]
    if stale:
        store.delete_targets_without_progress(c, task_id)
        kept = {int(t["id"]) for t in store.targets_of(c, task_id)}
        for h in stale:
            said.append(f"{'保留（已有进展）' if int(h['id']) in kept else '删除'}指标“{h['subject'] or h['quote']}”："
                        f"{_goal(h)}")
        # Those still there carry progress: keep them, after the document's own.
        for i, h in enumerate(t for t in store.targets_of(c, task_id) if t["id"] in {s["id"] for s in stale}):
            store.update_target(c, int(h["id"]), position=len(wanted) + i)
    return said or ["指标原文有修改"]


def _match(item: Any, candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    for cand in candidates:
        if cand["label"] == item.label and cand["title"] == item.title:
            return cand
    for cand in candidates:
        if cand["title"] == item.title and item.title:
            return cand
    best, best_ratio = None, SIMILAR
    for cand in candidates:
        r = difflib.SequenceMatcher(None, cand["text"] or "", item.text or "", autojunk=False).quick_ratio()
        if r >= best_ratio:
            r = difflib.SequenceMatcher(None, cand["text"] or "", item.text or "", autojunk=False).ratio()
            if r >= best_ratio:
                best, best_ratio = cand, r
    return best


def _import_unit(c: Connection, ctx: Context, up: Any, source: str, sha: str,
                 baselines: str = "off") -> UnitChange:
    now = ctx.now()
    start = up.period_start.isoformat() if isinstance(up.period_start, date) else str(up.period_start)
    end = up.period_end.isoformat() if isinstance(up.period_end, date) else str(up.period_end)
    change = UnitChange(unit=up.name, plan_id=None, plan_title=up.title or up.name, period=(start, end))
    unit = store.unit_by_name(c, up.name)
    unit_id = int(unit["id"]) if unit else store.insert_unit(c, up.name, now)
    plan = store.plan_for_unit_period(c, unit_id, start, end)
    if plan is None:
        plan_id = store.insert_plan(
            c, unit_id=unit_id, title=up.title or up.name, plan_heading=up.plan_heading, period_start=start,
            period_end=end, source_path=source, source_sha256=sha, created_at=now, updated_at=now,
        )
        change.new_plan = True
        existing: list[dict[str, Any]] = []
    else:
        plan_id = int(plan["id"])
        if plan["source_sha256"] == sha:
            change.same_file = True
        existing = store.plan_task_rows(c, plan_id)
    change.plan_id = plan_id

    claimed: set[int] = set()
    id_of: dict[int, int] = {}  # id(item) -> task id
    by_parent: dict[int | None, list[dict[str, Any]]] = {}
    for t in existing:
        by_parent.setdefault(t["parent_id"], []).append(t)
    new_targets: list[dict[str, Any]] = []  # inserted in one call once all new tasks have ids
    log_rows: list[tuple[int, str]] = []  # (task, what the revision changed) for the change log
    for item, parent, pos in _flatten(up.items):
        parent_id = id_of[id(parent)] if parent is not None else None
        name = f"{item.label}{item.title}"
        wanted = _targets_of(item)
        change.targets += len(wanted)
        candidates = [t for t in by_parent.get(parent_id, ()) if t["id"] not in claimed]
        match = _match(item, candidates)
        lead_id, assist_ids = apply_item_units(c, item, unit_id, now)
        table = table_fields(item)
        if match is None:
            tid = store.insert_task(
                c, plan_id=plan_id, unit_id=lead_id, parent_id=parent_id, position=pos, label=item.label,
                title=item.title, text=item.text, owner=table.get("owner"), start_date=None,
                deadline=to_date(table.get("deadline")), percent=None,
                done_on=None, last_update_on=None, vanished_at=None, created_at=now, updated_at=now,
            )
            if assist_ids:
                store.set_assisting_units(c, tid, assist_ids)
            new_targets.extend(
                {"task_id": tid, "position": i, "kind": t.kind, "value": t.value, "min_value": t.min_value,
                 "max_value": t.max_value, "comparator": t.comparator, "measure": t.measure, "subject": t.subject,
                 "commitment": t.commitment, "deadline": t.deadline, "start_value": None, "current_value": None,
                 "quote": t.quote, "rule": t.rule, "every": t.every}
                for i, t in enumerate(wanted))
            change.created.append(name)
            id_of[id(item)] = tid
            continue
        tid = int(match["id"])
        claimed.add(tid)
        id_of[id(item)] = tid
        fields = {k: v for k, v in (("label", item.label), ("title", item.title), ("text", item.text),
                                    ("position", pos)) if match[k] != v}
        if table:  # a task-list row also says who leads, who owns it and when it is due
            if match["unit_id"] != lead_id:
                fields["unit_id"] = lead_id
            if match["owner"] != table["owner"]:
                fields["owner"] = table["owner"]
            if (str(match["deadline"])[:10] if match["deadline"] else None) != table["deadline"]:
                fields["deadline"] = to_date(table["deadline"])
        assist_changed = bool(table) and store.set_assisting_units(c, tid, assist_ids)
        if match["vanished_at"] is not None:
            fields["vanished_at"] = None
            change.revived.append(name)
        target_said = _sync_targets(c, tid, wanted)
        if target_said and match["last_update_on"] is not None:
            recompute(c, tid)  # a target's rule or period may have changed what its log means
        if fields:
            store.update_task(c, tid, updated_at=now, **fields)
        said = [f"{label}：{match[k]} → {fields[k]}" for k, label in (("label", "编号"), ("title", "标题"))
                if k in fields]
        if "text" in fields:
            said.append("正文有修改")
        said += target_said
        if assist_changed:
            said.append("配合单位有修改")
        if (set(fields) - {"position", "vanished_at"}) or target_said or assist_changed:
            change.updated.append(name)
            change.details[name] = said
            log_rows.append((tid, "；".join(said)))
        elif "vanished_at" not in fields:
            change.unchanged += 1
        if "vanished_at" in fields:
            log_rows.append((tid, "再次导入时恢复"))
    store.insert_targets(c, new_targets)
    for tid in sorted({int(t["task_id"]) for t in new_targets if t["rule"] in ("recurring", "level")}):
        recompute(c, tid)  # their periods (and the level's end) are known before any progress
    if baselines != "off":
        change.baselines = _baselines(c, up, id_of, apply=baselines == "apply")
    for old in existing:
        if old["id"] not in claimed and old["vanished_at"] is None:
            store.update_task(c, int(old["id"]), vanished_at=now, updated_at=now)
            change.vanished.append(f"{old['label']}{old['title']}")
            log_rows.append((int(old["id"]), "修订稿中已没有此条目（标记为已消失，进展保留）"))
    source_name = Path(source).name
    for tid, note in log_rows:
        store.insert_progress(c, task_id=tid, target_id=None, action="import", value=None, percent=None,
                              note=f"导入 {source_name}：{note}", author=ctx.current_user(None), happened_on=ctx.today,
                              recorded_at=now, retracts_id=None)
    if not change.same_file or change.created or change.updated or change.vanished or change.revived:
        refresh_plan_rollups(c, plan_id, ctx.today, ctx.rules)
    if plan is not None and (plan["source_sha256"] != sha or plan["source_path"] != source):
        store.update_plan(c, plan_id, source_path=source, source_sha256=sha, updated_at=now,
                          title=up.title or up.name, plan_heading=up.plan_heading)
    return change


def _baselines(c: Connection, up: Any, id_of: dict[int, int], apply: bool) -> list[dict[str, Any]]:
    """The baselines the unit's summary part gives its targets; with ``apply`` they become start values.

    A start value is set only where the baseline is a number on the target's own base, below its
    goal, for a target that counts the whole year (全年, 年度), and never over a start value someone
    set by hand.
    """
    from tracker.extract.baselines import SOURCE, annual_target, unit_baselines
    from tracker.extract.outcome import split_unit

    out: list[dict[str, Any]] = []
    pairs = unit_baselines(up)
    owner: dict[int, tuple[int, int]] = {}  # id(spec) -> (task id, position among the item's targets)
    for item, _, _ in _flatten(up.items):
        for pos, spec in enumerate(item.targets):
            owner[id(spec)] = (id_of[id(item)], pos)
    for t, b in pairs:
        if b is None:
            continue
        task_id, pos = owner[id(t.spec)]
        rows = store.targets_of(c, task_id)
        row = rows[pos] if pos < len(rows) else None
        entry = {**b.to_dict(), "task_id": task_id, "target_id": row["id"] if row else None,
                 "target_quote": t.spec.quote, "message": b.message(), "applied": False}
        goal = t.spec.value if t.spec.value is not None else t.spec.min
        usable = (b.value is not None and not b.remainder and b.verdict != "unclear" and goal is not None
                  and t.spec.kind in ("count", "percent", "amount") and row is not None and annual_target(t))
        if usable and row is not None and b.value is not None and goal is not None:
            value = b.value * split_unit(b.unit)[0] / split_unit(t.spec.unit)[0]
            if value < goal and row["start_source"] in (None, SOURCE) and (
                    row["start_source"] == SOURCE or row["start_value"] is None):
                if apply and (row["start_value"] != value or row["start_quote"] != b.quote):
                    store.update_target(c, int(row["id"]), start_value=value, start_source=SOURCE,
                                        start_quote=b.quote)
                entry["applied"] = apply
                entry["start_value"] = value
        out.append(entry)
    return out


def import_file(
    ctx: Context, path: str | Path, *, year: int | None = None, half: int | None = None,
    unit: str | None = None, dry_run: bool = False, baselines: str = "review",
) -> ImportResult:
    """Import (or re-import) a plan document in one transaction; dry_run rolls it back."""
    p = Path(path)
    doc = parse(p, year, half)
    units = select_units(doc, unit)
    sha = file_sha256(p)
    source = str(p.resolve())

    def run(c: Connection) -> ImportResult:
        result = ImportResult(source=source, sha256=sha,
                              units=[_import_unit(c, ctx, up, source, sha, baselines) for up in units],
                              dry_run=dry_run)
        if dry_run:
            raise _DryRun(result)
        return result

    try:
        return ctx.db.write(run)
    except _DryRun as dry:
        return dry.result


@dataclass
class RemoveResult:
    plan: dict[str, Any]
    removed: dict[str, int]
    backup: str | None


def remove_plan(ctx: Context, plan_id: int, force: bool = False, backed_up: bool = False) -> RemoveResult:
    """Remove an imported plan with its tasks and targets. A plan with logged progress is refused
    unless ``force``; then the SQLite database is copied aside first (PostgreSQL: the caller says
    it is backed up with ``backed_up``)."""

    def check(c: Connection) -> tuple[dict[str, Any], int]:
        plan = store.plan(c, plan_id)
        if plan is None:
            raise NotFoundError(f"计划不存在：编号 {plan_id}（可用 tracker plan list 查看）")
        return plan, store.plan_progress_count(c, plan_id)

    plan, progress = ctx.db.read(check)
    copy = None
    if progress:
        if not force:
            raise InputError(f"计划 #{plan_id}（{plan['unit']}《{plan['title']}》）已有 {progress} 条进展记录，未删除。"
                             "确需删除（进展记录一并删除），请加 --force：删除前会先备份数据库。")
        if ctx.db.is_sqlite:
            import time

            folder = ctx.config.path_of("database", "backup_dir")
            copy = str(ctx.db.backup(folder / f"before-plan-remove-{plan_id}-{time.strftime('%Y%m%d-%H%M%S')}.db"))
        elif not backed_up:
            raise InputError("PostgreSQL 数据库请先用 pg_dump 备份，再加 --force --backed-up 删除此计划")

    def run(c: Connection) -> dict[str, int]:
        check(c)
        return store.delete_plan(c, plan_id)

    return RemoveResult(plan=plan, removed=ctx.db.write(run), backup=copy)


def list_plans(ctx: Context) -> list[dict[str, Any]]:
    return ctx.db.read(store.plans)


def get_plan(ctx: Context, plan_id: int) -> dict[str, Any]:
    row = ctx.db.read(lambda c: store.plan(c, plan_id))
    if row is None:
        raise NotFoundError(f"计划不存在：编号 {plan_id}（可用 tracker plan list 查看）")
    return row
