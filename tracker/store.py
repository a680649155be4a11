"""Every query tracker runs, as plain SQL over a ``tracker.db.Connection``.

Rows come back as dicts with dates as ISO strings (the same on SQLite and PostgreSQL). Writes
are meant to run inside ``Database.write`` so each command commits all or nothing.
"""

from __future__ import annotations

from typing import Any

from tracker.db import Connection

TASK_COLUMNS = """
    k.id, k.plan_id, k.unit_id, k.parent_id, k.position, k.label, k.title, k.text, k.owner,
    k.start_date, k.deadline, k.percent, k.done_on, k.last_update_on, k.vanished_at,
    k.completion, k.open_target_due, k.targets_deadline,
    k.created_at, k.updated_at, u.name AS unit, p.period_start, p.period_end, p.title AS plan_title
"""
TASK_FROM = "task k JOIN unit u ON u.id = k.unit_id LEFT JOIN plan p ON p.id = k.plan_id"
# What status computation needs, without the long text columns (board, reports' counts).
TASK_COLUMNS_LIGHT = """
    k.id, k.plan_id, k.unit_id, k.parent_id, k.position, k.label, k.title, '' AS text, k.owner,
    k.start_date, k.deadline, k.percent, k.done_on, k.last_update_on, k.vanished_at,
    k.completion, k.open_target_due, k.targets_deadline,
    k.created_at, k.updated_at, u.name AS unit, p.period_start, p.period_end, p.title AS plan_title
"""
TARGET_COLUMNS_LIGHT = """
    t.id, t.task_id, t.position, t.kind, t.value, t.min_value, t.max_value, t.comparator,
    t.measure, NULL AS subject, t.commitment, t.deadline, t.start_value, t.current_value, NULL AS quote
"""
TARGET_COLUMNS = """
    t.id, t.task_id, t.position, t.kind, t.value, t.min_value, t.max_value, t.comparator,
    t.measure, t.subject, t.commitment, t.deadline, t.start_value, t.current_value, t.quote
"""


# -- units ---------------------------------------------------------------------------------
def unit_by_name(c: Connection, name: str) -> dict[str, Any] | None:
    return c.one("SELECT id, name, contact FROM unit WHERE name = :name", name=name)


def units(c: Connection) -> list[dict[str, Any]]:
    return c.query(
        "SELECT u.id, u.name, u.contact, "
        "(SELECT count(*) FROM task k WHERE k.unit_id = u.id AND k.vanished_at IS NULL) AS tasks "
        "FROM unit u ORDER BY u.id"
    )


def insert_unit(c: Connection, name: str, created_at: Any, contact: str | None = None) -> int:
    return c.insert("unit", name=name, contact=contact, created_at=created_at)


def set_unit_contact(c: Connection, unit_id: int, contact: str | None) -> None:
    c.execute("UPDATE unit SET contact = :contact WHERE id = :id", contact=contact, id=unit_id)


# -- plans ---------------------------------------------------------------------------------
def insert_plan(c: Connection, **values: Any) -> int:
    return c.insert("plan", **values)


def plan(c: Connection, plan_id: int) -> dict[str, Any] | None:
    return c.one(
        "SELECT p.*, u.name AS unit FROM plan p JOIN unit u ON u.id = p.unit_id WHERE p.id = :id", id=plan_id
    )


def plans(c: Connection) -> list[dict[str, Any]]:
    return c.query(
        "SELECT p.id, p.title, p.period_start, p.period_end, p.source_path, p.source_sha256, p.created_at, "
        "u.name AS unit, "
        "(SELECT count(*) FROM task k WHERE k.plan_id = p.id AND k.vanished_at IS NULL) AS tasks "
        "FROM plan p JOIN unit u ON u.id = p.unit_id ORDER BY p.id"
    )


def plan_for_unit_period(c: Connection, unit_id: int, start: str, end: str) -> dict[str, Any] | None:
    return c.one(
        "SELECT * FROM plan WHERE unit_id = :u AND period_start = :s AND period_end = :e ORDER BY id LIMIT 1",
        u=unit_id, s=start, e=end,
    )


def update_plan(c: Connection, plan_id: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    c.execute(f"UPDATE plan SET {sets} WHERE id = :id", id=plan_id, **values)


# -- tasks ---------------------------------------------------------------------------------
def _task_filter(
    unit_id: int | None = None, plan_id: int | None = None, include_vanished: bool = False
) -> tuple[str, dict[str, Any]]:
    where, params = [], {}
    if not include_vanished:
        where.append("k.vanished_at IS NULL")
    if unit_id is not None:
        where.append("k.unit_id = :unit_id")
        params["unit_id"] = unit_id
    if plan_id is not None:
        where.append("k.plan_id = :plan_id")
        params["plan_id"] = plan_id
    return (" WHERE " + " AND ".join(where)) if where else "", params


def task_rows(
    c: Connection, unit_id: int | None = None, plan_id: int | None = None, include_vanished: bool = False,
    light: bool = False,
) -> list[dict[str, Any]]:
    where, params = _task_filter(unit_id, plan_id, include_vanished)
    cols = TASK_COLUMNS_LIGHT if light else TASK_COLUMNS
    return c.query(f"SELECT {cols} FROM {TASK_FROM}{where} ORDER BY k.unit_id, k.plan_id, k.position, k.id",
                   **params)


def target_rows(
    c: Connection, unit_id: int | None = None, plan_id: int | None = None, include_vanished: bool = False,
    light: bool = False,
) -> list[dict[str, Any]]:
    where, params = _task_filter(unit_id, plan_id, include_vanished)
    cols = TARGET_COLUMNS_LIGHT if light else TARGET_COLUMNS
    return c.query(f"SELECT {cols} FROM target t JOIN task k ON k.id = t.task_id{where} "
                   "ORDER BY t.task_id, t.position, t.id", **params)


def top_level_rollups(c: Connection) -> list[dict[str, Any]]:
    """What the board needs of each current top-level task: its stored rollups and dates."""
    return c.query(
        "SELECT k.id, k.parent_id, k.start_date, k.deadline, k.done_on, k.completion, k.open_target_due, "
        "k.targets_deadline, k.created_at, u.name AS unit, p.period_start, p.period_end "
        f"FROM {TASK_FROM} WHERE k.parent_id IS NULL AND k.vanished_at IS NULL"
    )


def task(c: Connection, task_id: int) -> dict[str, Any] | None:
    return c.one(f"SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE k.id = :id", id=task_id)


def subtree_ids(c: Connection, task_id: int) -> list[int]:
    """The task and all its descendants."""
    rows = c.query(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM task WHERE id = :id UNION ALL SELECT k.id FROM task k JOIN sub ON k.parent_id = sub.id) "
        "SELECT id FROM sub", id=task_id,
    )
    return [int(r["id"]) for r in rows]


def tasks_by_ids(c: Connection, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    return c.query(f"SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE k.id IN ({marks}) ORDER BY k.position, k.id",
                   **{f"i{n}": v for n, v in enumerate(ids)})


def targets_by_task_ids(c: Connection, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ", ".join(f":i{n}" for n in range(len(ids)))
    return c.query(f"SELECT {TARGET_COLUMNS} FROM target t WHERE t.task_id IN ({marks}) ORDER BY t.task_id, t.position, t.id",
                   **{f"i{n}": v for n, v in enumerate(ids)})


def insert_task(c: Connection, **values: Any) -> int:
    return c.insert("task", **values)


def update_task(c: Connection, task_id: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    c.execute(f"UPDATE task SET {sets} WHERE id = :id", id=task_id, **values)


def next_position(c: Connection, plan_id: int | None, parent_id: int | None, unit_id: int) -> int:
    return int(c.scalar(
        "SELECT coalesce(max(position), -1) + 1 FROM task WHERE unit_id = :u "
        "AND coalesce(plan_id, 0) = coalesce(:p, 0) AND coalesce(parent_id, 0) = coalesce(:par, 0)",
        u=unit_id, p=plan_id, par=parent_id,
    ))


def ancestor_ids(c: Connection, task_id: int) -> list[int]:
    """The task's parent, grandparent … up to its top-level task."""
    rows = c.query(
        "WITH RECURSIVE up(id, parent_id, depth) AS ("
        " SELECT id, parent_id, 0 FROM task WHERE id = :id"
        " UNION ALL SELECT k.id, k.parent_id, up.depth + 1 FROM task k JOIN up ON k.id = up.parent_id)"
        " SELECT id FROM up WHERE depth > 0 ORDER BY depth", id=task_id,
    )
    return [int(r["id"]) for r in rows]


def rollup_inputs(c: Connection, task_id: int) -> dict[str, Any] | None:
    return c.one("SELECT id, percent, done_on FROM task WHERE id = :id" + c.for_update, id=task_id)


def child_rollups(c: Connection, task_id: int) -> list[dict[str, Any]]:
    """A task's current (not vanished) children with their stored completion."""
    return c.query("SELECT id, completion FROM task WHERE parent_id = :id AND vanished_at IS NULL ORDER BY id",
                   id=task_id)


def set_rollup(c: Connection, task_id: int, completion: float, open_target_due: Any, targets_deadline: Any) -> None:
    c.execute("UPDATE task SET completion = :c, open_target_due = :o, targets_deadline = :d WHERE id = :id",
              c=completion, o=open_target_due, d=targets_deadline, id=task_id)


def plan_task_rows(c: Connection, plan_id: int) -> list[dict[str, Any]]:
    """Every task of a plan, vanished ones included (for re-import matching)."""
    return c.query("SELECT * FROM task WHERE plan_id = :p ORDER BY position, id", p=plan_id)


# -- targets -------------------------------------------------------------------------------
def insert_target(c: Connection, **values: Any) -> int:
    return c.insert("target", **values)


def targets_of(c: Connection, task_id: int, lock: bool = False) -> list[dict[str, Any]]:
    return c.query(f"SELECT {TARGET_COLUMNS} FROM target t WHERE t.task_id = :id ORDER BY t.position, t.id"
                   + (c.for_update if lock else ""), id=task_id)


def set_target_current(c: Connection, target_id: int, value: float | None) -> None:
    c.execute("UPDATE target SET current_value = :v WHERE id = :id", v=value, id=target_id)


def update_target(c: Connection, target_id: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = :{k}" for k in values)
    c.execute(f"UPDATE target SET {sets} WHERE id = :id", id=target_id, **values)


def delete_targets_without_progress(c: Connection, task_id: int) -> None:
    """Drop a task's targets that no progress row refers to (used when a re-import rewrites them)."""
    c.execute(
        "DELETE FROM target WHERE task_id = :id AND NOT EXISTS "
        "(SELECT 1 FROM progress_update pu WHERE pu.target_id = target.id)", id=task_id,
    )


# -- progress log (append-only) ----------------------------------------------------------------
PROGRESS_COLUMNS = """
    pu.id, pu.task_id, pu.target_id, pu.action, pu.value, pu.percent, pu.note, pu.author,
    pu.happened_on, pu.recorded_at, pu.retracts_id,
    (SELECT r.id FROM progress_update r WHERE r.retracts_id = pu.id LIMIT 1) AS retracted_by
"""


def insert_progress(c: Connection, **values: Any) -> int:
    return c.insert("progress_update", **values)


def progress_of(c: Connection, task_id: int) -> list[dict[str, Any]]:
    return c.query(f"SELECT {PROGRESS_COLUMNS} FROM progress_update pu WHERE pu.task_id = :id "
                   "ORDER BY pu.recorded_at, pu.id", id=task_id)


def effective_progress(c: Connection, task_id: int) -> list[dict[str, Any]]:
    """Updates of a task that no retraction cancels, oldest first."""
    return c.query(
        "SELECT pu.* FROM progress_update pu WHERE pu.task_id = :id AND pu.action IN ('update', 'done', 'reopen') "
        "AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = pu.id) "
        "ORDER BY pu.happened_on, pu.recorded_at, pu.id", id=task_id,
    )


def last_retractable(c: Connection, author: str | None = None) -> dict[str, Any] | None:
    """The newest update or done row not yet retracted (optionally by one author)."""
    extra = " AND pu.author = :author" if author else ""
    return c.one(
        "SELECT pu.* FROM progress_update pu WHERE pu.action IN ('update', 'done', 'reopen')" + extra +
        " AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = pu.id) "
        "ORDER BY pu.recorded_at DESC, pu.id DESC LIMIT 1" + c.for_update, author=author,
    )


def progress_between(c: Connection, start: str, end: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Log rows that happened in [start, end], with their task and unit, for reports."""
    extra = " AND k.unit_id = :unit_id" if unit_id is not None else ""
    return c.query(
        f"SELECT {PROGRESS_COLUMNS}, k.title AS task_title, k.label AS task_label, u.name AS unit "
        "FROM progress_update pu JOIN task k ON k.id = pu.task_id JOIN unit u ON u.id = k.unit_id "
        "WHERE pu.happened_on >= :start AND pu.happened_on <= :end" + extra +
        " ORDER BY u.id, pu.happened_on, pu.id", start=start, end=end, unit_id=unit_id,
    )


def latest_notes(c: Connection) -> dict[int, dict[str, Any]]:
    """The newest recorded, non-retracted row with a note, per task."""
    rows = c.query(
        "SELECT pu.task_id, pu.note, pu.author, pu.happened_on FROM progress_update pu WHERE pu.id IN ("
        " SELECT max(x.id) FROM progress_update x WHERE x.note IS NOT NULL AND x.note <> '' "
        " AND x.action IN ('update', 'done', 'reopen') "
        " AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = x.id) GROUP BY x.task_id)"
    )
    return {int(r["task_id"]): r for r in rows}


def count_rows(c: Connection, table: str) -> int:
    assert table in {"unit", "plan", "task", "target", "progress_update", "outbox"}
    return int(c.scalar(f"SELECT count(*) FROM {table}"))


# -- reports (weekly and year-end) -------------------------------------------------------------
def report_log(c: Connection, until: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Every effective log row (update/done/reopen, not retracted) up to ``until``, in replay order.

    One bulk query: reports rebuild past states, latest notes and the week's updates from it.
    """
    join = " JOIN task k ON k.id = pu.task_id AND k.unit_id = :unit_id" if unit_id is not None else ""
    return c.query(
        "SELECT pu.id, pu.task_id, pu.target_id, pu.action, pu.value, pu.percent, pu.note, pu.author, "
        f"pu.happened_on, pu.recorded_at FROM progress_update pu{join} "
        "WHERE pu.action IN ('update', 'done', 'reopen') AND pu.happened_on <= :until "
        "AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = pu.id) "
        "ORDER BY pu.happened_on, pu.recorded_at, pu.id", until=until, unit_id=unit_id,
    )



# -- notification outbox -------------------------------------------------------------------------
