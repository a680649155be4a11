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
    k.completion, k.open_target_due, k.targets_deadline, k.hold_until, k.hold_state, k.cancelled_on,
    k.cancel_reason, k.created_at, k.updated_at, u.name AS unit, p.period_start, p.period_end, p.title AS plan_title
"""
TASK_FROM = "task k JOIN unit u ON u.id = k.unit_id LEFT JOIN plan p ON p.id = k.plan_id"
# What status computation needs, without the long text columns (board, reports' counts).
TASK_COLUMNS_LIGHT = """
    k.id, k.plan_id, k.unit_id, k.parent_id, k.position, k.label, k.title, '' AS text, k.owner,
    k.start_date, k.deadline, k.percent, k.done_on, k.last_update_on, k.vanished_at,
    k.completion, k.open_target_due, k.targets_deadline, k.hold_until, k.hold_state, k.cancelled_on,
    k.cancel_reason, k.created_at, k.updated_at, u.name AS unit, p.period_start, p.period_end, p.title AS plan_title
"""
# The rule of a target and what its rule derives from the log (see tasks.derive_targets).
TARGET_RULE_COLUMNS = "coalesce(t.rule, 'cumulative') AS rule, t.every, t.periods_met, t.periods_total, " \
    "t.next_due, t.met_on, t.held"
TARGET_COLUMNS_LIGHT = f"""
    t.id, t.task_id, t.position, t.kind, t.value, t.min_value, t.max_value, t.comparator,
    t.measure, NULL AS subject, t.commitment, t.deadline, t.start_value, t.current_value, NULL AS quote,
    t.start_source, NULL AS start_quote,
    {TARGET_RULE_COLUMNS}
"""
TARGET_COLUMNS = f"""
    t.id, t.task_id, t.position, t.kind, t.value, t.min_value, t.max_value, t.comparator,
    t.measure, t.subject, t.commitment, t.deadline, t.start_value, t.current_value, t.quote,
    t.start_source, t.start_quote,
    {TARGET_RULE_COLUMNS}
"""


# -- units ---------------------------------------------------------------------------------
def unit_by_name(c: Connection, name: str) -> dict[str, Any] | None:
    """The unit of this name or alias (水利局 for 县水利局 once merged or renamed)."""
    row = c.one("SELECT id, name, contact FROM unit WHERE name = :name", name=name)
    if row is None:
        row = c.one("SELECT u.id, u.name, u.contact FROM unit_alias a JOIN unit u ON u.id = a.unit_id "
                    "WHERE a.name = :name", name=name)
    return row


def units_with_prefix(c: Connection, prefix: str) -> list[dict[str, Any]]:
    """Units whose name (or an alias) starts with ``prefix``."""
    like = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return c.query(
        "SELECT DISTINCT u.id, u.name, u.contact FROM unit u LEFT JOIN unit_alias a ON a.unit_id = u.id "
        "WHERE u.name LIKE :like ESCAPE '\\' OR a.name LIKE :like ESCAPE '\\' ORDER BY u.id", like=like)


def unit_aliases(c: Connection, unit_id: int) -> list[str]:
    return [str(r["name"]) for r in c.query("SELECT name FROM unit_alias WHERE unit_id = :u ORDER BY id", u=unit_id)]


def insert_alias(c: Connection, unit_id: int, name: str, created_at: Any) -> None:
    c.execute("DELETE FROM unit_alias WHERE name = :n", n=name)
    c.execute("INSERT INTO unit_alias (unit_id, name, created_at) VALUES (:u, :n, :t)", u=unit_id, n=name,
              t=created_at)


def rename_unit(c: Connection, unit_id: int, name: str) -> None:
    c.execute("DELETE FROM unit_alias WHERE name = :n", n=name)
    c.execute("UPDATE unit SET name = :n WHERE id = :id", n=name, id=unit_id)


def move_unit(c: Connection, from_id: int, into_id: int) -> dict[str, int]:
    """Everything of one unit moved to another (tasks, plans, aliases); the emptied unit removed."""
    moved = {"tasks": c.execute("UPDATE task SET unit_id = :i WHERE unit_id = :f", i=into_id, f=from_id),
             "plans": c.execute("UPDATE plan SET unit_id = :i WHERE unit_id = :f", i=into_id, f=from_id)}
    c.execute("UPDATE unit_alias SET unit_id = :i WHERE unit_id = :f", i=into_id, f=from_id)
    c.execute("DELETE FROM unit WHERE id = :f", f=from_id)
    return moved


def units(c: Connection) -> list[dict[str, Any]]:
    return c.query(
        "SELECT u.id, u.name, u.contact, "
        "(SELECT count(*) FROM task k WHERE k.unit_id = u.id AND k.vanished_at IS NULL) AS tasks "
        "FROM unit u ORDER BY u.id"
    )


def unit_names(c: Connection) -> dict[int, str]:
    """Every unit's name by id, in the order units are listed."""
    return {int(unit_id): str(name) for unit_id, name in c.rows("SELECT id, name FROM unit ORDER BY id")}


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
        where.append("k.vanished_at IS NULL AND k.cancelled_on IS NULL")
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


# A current task whose parent is current too: a sub-item (``tracker.counting``); the others are items.
_UNDER_CURRENT = ("EXISTS (SELECT 1 FROM task q WHERE q.id = k.parent_id AND q.vanished_at IS NULL "
                  "AND q.cancelled_on IS NULL)")


def item_light_rows(c: Connection) -> list[tuple[Any, ...]]:
    """The stored rollups and dates of every top-level item as ``tracker.counting`` counts them
    (current tasks without a current parent), as tuples (unit_id, completion, start, created_at,
    deadline, done_on, open_target_due, hold_until, hold_state) for ``tasks.item_lights``.

    The start and deadline fall back here as ``tasks.task_span`` does (own date, the targets'
    latest deadline, the plan's period), all but the start's last resort, the day the task was
    created: the board reads 5,000 rows and each column it need not convert counts.
    """
    return c.rows(
        "SELECT k.unit_id, k.completion, COALESCE(k.start_date, p.period_start), k.created_at, "
        "COALESCE(k.deadline, k.targets_deadline, p.period_end), k.done_on, k.open_target_due, k.hold_until, "
        "k.hold_state FROM task k LEFT JOIN plan p ON p.id = k.plan_id "
        f"WHERE k.vanished_at IS NULL AND k.cancelled_on IS NULL AND (k.parent_id IS NULL OR NOT {_UNDER_CURRENT})"
    )


def sub_item_counts(c: Connection) -> dict[int, int]:
    """Per unit id, its current sub-items (counted under their items, not beside them)."""
    rows = c.rows(
        "SELECT k.unit_id, count(*) FROM task k "
        f"WHERE k.vanished_at IS NULL AND k.cancelled_on IS NULL AND k.parent_id IS NOT NULL AND {_UNDER_CURRENT} "
        "GROUP BY k.unit_id"
    )
    return {int(unit_id): int(n) for unit_id, n in rows}


# The triggers of revision 0008 that count the changes to the board's tables (SQLite only).
BOARD_TRIGGERS = tuple(f"board_stamp_{table}_{event}" for table in ("task", "plan", "unit")
                       for event in ("insert", "update", "delete"))
# With revision 0009's on target and progress_update, the version counts every change to what a
# report reads (SQLite only).
DATA_TRIGGERS = BOARD_TRIGGERS + tuple(f"board_stamp_{table}_{event}" for table in ("target", "progress_update")
                                       for event in ("insert", "update", "delete"))


def _trigger_count(names: tuple[str, ...]) -> str:
    """A subquery: how many of the named triggers the database has."""
    return ("(SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ("
            + ", ".join(f"'{name}'" for name in names) + "))")


_BOARD_TRIGGER_COUNT = _trigger_count(BOARD_TRIGGERS)
_DATA_TRIGGER_COUNT = _trigger_count(DATA_TRIGGERS)
# A kept board's row, in the order of ``tasks.board``'s tuples.
BOARD_CACHE_COLUMNS = ("unit", "green", "yellow", "red", "done", "total", "completion", "subs", "cancelled")
_BOARD_KEPT = ("SELECT 1 FROM board_stamp s WHERE s.id = 1 AND s.board_version = :version "
               "AND s.board_day = :day AND s.board_basis = :basis")


def board_version(c: Connection, day: str, basis: str) -> tuple[int, bool] | None:
    """The version of the board's tables and whether the kept board is of it, this day and this
    basis (``tasks.board_basis``); None where no version is kept (PostgreSQL, or a SQLite
    database missing a trigger)."""
    if not c.is_sqlite:
        return None
    row = c.rows(
        "SELECT s.data_version, s.board_version = s.data_version AND s.board_day = :day AND s.board_basis = :basis, "
        f"{_BOARD_TRIGGER_COUNT} FROM board_stamp s WHERE s.id = 1", day=day, basis=basis)
    if not row or row[0][2] != len(BOARD_TRIGGERS):
        return None
    return int(row[0][0]), bool(row[0][1])


def data_version(c: Connection) -> int | None:
    """The version of everything a report reads (units, plans, tasks, targets, the log): two reads
    that see the same version see the same rows. None where no such version is kept
    (PostgreSQL, or a SQLite database missing one of the triggers)."""
    if not c.is_sqlite:
        return None
    row = c.rows(f"SELECT s.data_version, {_DATA_TRIGGER_COUNT} FROM board_stamp s WHERE s.id = 1")
    if not row or row[0][1] != len(DATA_TRIGGERS):
        return None
    return int(row[0][0])


def kept_board(c: Connection, version: int, day: str, basis: str) -> list[tuple[Any, ...]]:
    """The kept board's rows (unit, green, yellow, red, done, total, completion, subs, cancelled),
    none unless it is still the one of this version, day and basis (checked in the same read)."""
    return c.rows(f"SELECT {', '.join(BOARD_CACHE_COLUMNS)} FROM board_cache WHERE EXISTS ({_BOARD_KEPT}) "
                  "ORDER BY position", version=version, day=day, basis=basis)


def keep_board(c: Connection, version: int, day: str, basis: str, rows: list[tuple[Any, ...]]) -> bool:
    """Keep a board computed at ``version``, unless the tables have changed since (False)."""
    if not c.execute("UPDATE board_stamp SET board_version = :version, board_day = :day, board_basis = :basis "
                     "WHERE id = 1 AND data_version = :version", version=version, day=day, basis=basis):
        return False
    c.execute("DELETE FROM board_cache")
    cols = ("position", *BOARD_CACHE_COLUMNS)
    c.execute_many(f"INSERT INTO board_cache ({', '.join(cols)}) VALUES ({', '.join(':' + k for k in cols)})",
                   [dict(zip(cols, (i, *row), strict=True)) for i, row in enumerate(rows)])
    return True


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
    marks, in_params = _in(ids)
    return c.query(f"SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE k.id IN ({marks}) ORDER BY k.position, k.id",
                   **in_params)


def targets_by_task_ids(c: Connection, ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks, in_params = _in(ids)
    return c.query(f"SELECT {TARGET_COLUMNS} FROM target t WHERE t.task_id IN ({marks}) ORDER BY t.task_id, t.position, t.id",
                   **in_params)


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


def ancestor_chains(c: Connection, task_ids: list[int]) -> dict[int, list[int]]:
    """``ancestor_ids`` of many tasks in one query: each task's parent, grandparent … (nearest first)."""
    if not task_ids:
        return {}
    marks, in_params = _in(task_ids)
    rows = c.query(
        "WITH RECURSIVE up(start, id, parent_id, depth) AS ("
        f" SELECT id, id, parent_id, 0 FROM task WHERE id IN ({marks})"
        " UNION ALL SELECT up.start, k.id, k.parent_id, up.depth + 1 FROM task k JOIN up ON k.id = up.parent_id)"
        " SELECT start, id FROM up WHERE depth > 0 ORDER BY start, depth", **in_params)
    out: dict[int, list[int]] = {int(t): [] for t in task_ids}
    for r in rows:
        out[int(r["start"])].append(int(r["id"]))
    return out


def rollups_inputs(c: Connection, task_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What a task's rollup is computed from (percent, done, cancelled), for many tasks, locked in
    id order inside a write (PostgreSQL)."""
    if not task_ids:
        return {}
    marks, in_params = _in(task_ids)
    rows = c.query(f"SELECT id, percent, done_on, cancelled_on FROM task WHERE id IN ({marks}) ORDER BY id"
                   + c.for_update, **in_params)
    return {int(r["id"]): r for r in rows}


def children_rollups(c: Connection, task_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Parent id -> its current (not vanished or cancelled) children with their stored completion."""
    if not task_ids:
        return {}
    marks, in_params = _in(task_ids)
    rows = c.query(f"SELECT id, parent_id, completion FROM task WHERE parent_id IN ({marks}) AND vanished_at IS NULL "
                   "AND cancelled_on IS NULL ORDER BY parent_id, id", **in_params)
    out: dict[int, list[dict[str, Any]]] = {int(t): [] for t in task_ids}
    for r in rows:
        out[int(r["parent_id"])].append({"id": r["id"], "completion": r["completion"]})
    return out


_SET_ROLLUP = ("UPDATE task SET completion = :c, open_target_due = :o, targets_deadline = :d, hold_until = :h, "
               "hold_state = :s WHERE id = :id")


def set_rollup(c: Connection, task_id: int, completion: float, open_target_due: Any, targets_deadline: Any,
               hold_until: Any = None, hold_state: int | None = None) -> None:
    c.execute(_SET_ROLLUP, c=completion, o=open_target_due, d=targets_deadline, h=hold_until, s=hold_state,
              id=task_id)


def set_rollups(c: Connection, rows: list[dict[str, Any]]) -> None:
    """set_rollup for many tasks at once: rows of id, c (completion), o (open target due), d (deadline),
    h (hold until), s (hold state)."""
    c.execute_many(_SET_ROLLUP, rows)


def plan_task_rows(c: Connection, plan_id: int) -> list[dict[str, Any]]:
    """Every task of a plan, vanished ones included (for re-import matching)."""
    return c.query("SELECT * FROM task WHERE plan_id = :p ORDER BY position, id", p=plan_id)


# -- targets -------------------------------------------------------------------------------
def insert_target(c: Connection, **values: Any) -> int:
    return c.insert("target", **values)


def insert_targets(c: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert many targets (all with the same columns) in one call."""
    if rows:
        cols = list(rows[0])
        c.execute_many(f"INSERT INTO target ({', '.join(cols)}) VALUES ({', '.join(':' + k for k in cols)})", rows)


def targets_of(c: Connection, task_id: int, lock: bool = False) -> list[dict[str, Any]]:
    return c.query(f"SELECT {TARGET_COLUMNS} FROM target t WHERE t.task_id = :id ORDER BY t.position, t.id"
                   + (c.for_update if lock else ""), id=task_id)


def set_target_derived(c: Connection, target_id: int, **values: Any) -> None:
    """current_value and the values its rule derives from the log (periods_met … held)."""
    update_target(c, target_id, **values)


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
    pu.happened_on, pu.recorded_at, pu.retracts_id, pu.correction, pu.changes, pu.undoes_id,
    (SELECT r.id FROM progress_update r WHERE r.retracts_id = pu.id LIMIT 1) AS retracted_by,
    (SELECT r.id FROM progress_update r WHERE r.undoes_id = pu.id LIMIT 1) AS undone_by
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


def last_undoable(c: Connection, author: str) -> dict[str, Any] | None:
    """The newest entry of ``author`` that ``tracker undo`` takes back: an update, done, reopen or
    edit (a redo included) not undone yet; undos themselves are undone only by naming them."""
    return c.one(
        f"SELECT {PROGRESS_COLUMNS} FROM progress_update pu "
        "WHERE pu.action IN ('update', 'done', 'reopen', 'edit', 'cancel') "
        "AND pu.author = :author "
        "AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = pu.id OR r.undoes_id = pu.id) "
        "ORDER BY pu.recorded_at DESC, pu.id DESC LIMIT 1", author=author,
    )


def progress_entry(c: Connection, entry_id: int) -> dict[str, Any] | None:
    return c.one(f"SELECT {PROGRESS_COLUMNS} FROM progress_update pu WHERE pu.id = :id", id=entry_id)


def cancelled_counts(c: Connection) -> dict[int, int]:
    """Per unit id, its cancelled top-level tasks (the board counts them apart)."""
    rows = c.rows("SELECT k.unit_id, count(*) FROM task k WHERE k.cancelled_on IS NOT NULL AND k.parent_id IS NULL "
                  "AND k.vanished_at IS NULL GROUP BY k.unit_id")
    return {int(unit_id): int(n) for unit_id, n in rows}


def _filters(conditions: list[tuple[str, str, Any]]) -> tuple[str, dict[str, Any]]:
    """" WHERE a AND b" and its parameters, for the (condition, parameter, value) whose value is given."""
    given = [(cond, name, value) for cond, name, value in conditions if value is not None]
    where = (" WHERE " + " AND ".join(cond for cond, _, _ in given)) if given else ""
    return where, {name: value for _, name, value in given}


def change_log(c: Connection, since: Any = None, unit_id: int | None = None, by: str | None = None) -> list[
        dict[str, Any]]:
    """Every log entry with its task and unit (recorded since ``since``), and the plans imported
    then, oldest first."""
    cond, params = _filters([("pu.recorded_at >= :since", "since", since), ("k.unit_id = :unit_id", "unit_id", unit_id),
                             ("pu.author = :by", "by", by or None)])
    rows = c.query(
        "SELECT pu.id, pu.task_id, pu.target_id, pu.action, pu.value, pu.percent, pu.note, pu.author, pu.happened_on, "
        "pu.recorded_at, pu.retracts_id, pu.undoes_id, pu.correction, k.label, k.title, u.name AS unit, "
        "t.measure, t.subject FROM progress_update pu JOIN task k ON k.id = pu.task_id JOIN unit u ON u.id = k.unit_id "
        f"LEFT JOIN target t ON t.id = pu.target_id{cond} ORDER BY pu.recorded_at, pu.id", **params)
    if by is None:
        pcond, pparams = _filters([("p.created_at >= :since", "since", since), ("p.unit_id = :unit_id", "unit_id", unit_id)])
        plans = c.query(
            "SELECT p.id AS plan_id, p.title, p.source_path, p.created_at AS recorded_at, u.name AS unit, "
            "(SELECT count(*) FROM task k WHERE k.plan_id = p.id) AS tasks "
            f"FROM plan p JOIN unit u ON u.id = p.unit_id{pcond}", **pparams)
        for p in plans:
            rows.append({"id": None, "task_id": None, "target_id": None, "action": "plan", "value": None,
                         "percent": None, "note": f"导入计划《{p['title']}》，{p['tasks']} 项任务", "author": None,
                         "happened_on": str(p["recorded_at"])[:10], "recorded_at": p["recorded_at"],
                         "retracts_id": None, "undoes_id": None, "correction": None, "label": "",
                         "title": "", "unit": p["unit"], "measure": None, "subject": None, "plan_id": p["plan_id"]})
        rows.sort(key=lambda r: (str(r["recorded_at"]), r["id"] or 0))
    return rows


def plan_progress_count(c: Connection, plan_id: int) -> int:
    return int(c.scalar("SELECT count(*) FROM progress_update pu JOIN task k ON k.id = pu.task_id "
                        "WHERE k.plan_id = :p AND pu.action <> 'import'", p=plan_id))


def delete_plan(c: Connection, plan_id: int) -> dict[str, int]:
    """Remove a plan with its tasks, targets and log rows (the caller has backed up and confirmed)."""
    tasks = "SELECT id FROM task WHERE plan_id = :p"
    out = {"progress": c.execute(f"DELETE FROM progress_update WHERE task_id IN ({tasks})", p=plan_id),
           "targets": c.execute(f"DELETE FROM target WHERE task_id IN ({tasks})", p=plan_id)}
    c.execute("UPDATE task SET parent_id = NULL WHERE plan_id = :p", p=plan_id)
    out["tasks"] = c.execute("DELETE FROM task WHERE plan_id = :p", p=plan_id)
    c.execute("DELETE FROM plan WHERE id = :p", p=plan_id)
    return out


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
    """Every effective log row (update/done/reopen, not retracted) up to ``until``, in replay order
    (happened_on, recorded_at, id): replayed from the start, the state of any day up to ``until``.

    Reports start from the stored state and read only the rows after the days they show
    (``report_log_after``); this is the whole-log reference they are tested against. On SQLite
    the table is scanned rather than read through the happened_on index (nearly every row
    qualifies, and index order means a random read per row); retractions, few, are dropped and
    the rows sorted here.
    """
    scan = " NOT INDEXED" if c.is_sqlite else ""
    join = " JOIN task k ON k.id = pu.task_id AND k.unit_id = :unit_id" if unit_id is not None else ""
    rows = c.query(
        "SELECT pu.id, pu.task_id, pu.target_id, pu.action, pu.value, pu.percent, pu.note, pu.author, "
        f"pu.happened_on, pu.recorded_at FROM progress_update pu{scan}{join} "
        "WHERE pu.action IN ('update', 'done', 'reopen') AND pu.happened_on <= :until",
        until=until, unit_id=unit_id,
    )
    retracted = {r["retracts_id"] for r in c.query(
        "SELECT retracts_id FROM progress_update WHERE retracts_id IS NOT NULL")}
    if retracted:
        rows = [r for r in rows if r["id"] not in retracted]
    rows.sort(key=lambda r: (str(r["happened_on"]), str(r["recorded_at"]), r["id"]))
    return rows


# A log row that counts: an update, done or reopen not cancelled by a retraction. (NOT IN: the
# few retracted ids are gathered once, where NOT EXISTS probes the index for every row.)
_EFFECTIVE = ("pu.action IN ('update', 'done', 'reopen') "
              "AND pu.id NOT IN (SELECT r.retracts_id FROM progress_update r WHERE r.retracts_id IS NOT NULL)")
# Said in so many words, this lets both databases read the partial index of the few rows that are
# not updates (ix_progress_not_update, migration 0007) instead of every update after a day.
_NOT_UPDATE = "action <> 'update'"
_DONE_OR_REOPEN = f" AND q.action IN ('done', 'reopen') AND q.{_NOT_UPDATE}"
# "Up to the day", written so that neither database reads it along the happened_on index: it
# holds for nearly every row, and the task or target index finds the few rows of one entity.
_UPTO = "coalesce(pu.happened_on, pu.happened_on) <= :day"
_LATEST = "ORDER BY pu.happened_on DESC, pu.recorded_at DESC, pu.id DESC LIMIT 1"  # last in replay order


def _touched(what: str, day: str, unit_id: int | None, cond: str = "") -> str:
    """Distinct ``what`` (task_id or target_id) of log rows after ``day``: the entities whose
    state on ``day`` may differ from their stored state. (The unary + keeps SQLite from reading
    the whole log along the task or target index for DISTINCT instead of the recent rows along
    the happened_on index.)"""
    join = " JOIN task k ON k.id = q.task_id AND k.unit_id = :unit_id" if unit_id is not None else ""
    return f"SELECT DISTINCT +q.{what} AS id FROM progress_update q{join} WHERE q.happened_on > :day{cond}"


def report_log_after(c: Connection, day: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """The effective log rows that happened after ``day``, in replay order (happened_on,
    recorded_at, id): with the stored state and ``report_*_at``, every state since ``day``."""
    return c.query(_log_after("pu.id, pu.task_id, pu.target_id, pu.action, pu.value, pu.percent, pu.note, "
                              "pu.author, pu.happened_on, pu.recorded_at", unit_id), day=day, unit_id=unit_id)


def trend_log_after(c: Connection, day: str, unit_id: int | None = None) -> list[tuple[Any, ...]]:
    """``report_log_after``'s rows as tuples of what a completion depends on: (task_id,
    target_id, action, value, percent, happened_on), for a trend's tens of thousands of rows."""
    return c.rows(_log_after("pu.task_id, pu.target_id, pu.action, pu.value, pu.percent, pu.happened_on", unit_id),
                  day=day, unit_id=unit_id)


def _log_after(columns: str, unit_id: int | None) -> str:
    """The SELECT of ``columns`` of the effective log rows after ``:day`` (of ``:unit_id``'s
    tasks when given), in replay order."""
    join = " JOIN task k ON k.id = pu.task_id AND k.unit_id = :unit_id" if unit_id is not None else ""
    return (f"SELECT {columns} FROM progress_update pu{join} WHERE pu.happened_on > :day AND {_EFFECTIVE} "
            "ORDER BY pu.happened_on, pu.recorded_at, pu.id")


def report_values_at(c: Connection, day: str, target_ids: list[int]) -> list[dict[str, Any]]:
    """For the given targets (those given a value after ``day``, as the caller read from the log
    rows after it): the value at the end of ``day`` (None: none yet)."""
    return _per_id(c, "SELECT x.id AS target_id, (SELECT pu.value FROM progress_update pu WHERE pu.target_id = x.id "
                      f"AND pu.value IS NOT NULL AND {_UPTO} AND {_EFFECTIVE} {_LATEST}) AS value "
                      "FROM target x WHERE x.id IN ({marks})", day, target_ids)


def report_percents_at(c: Connection, day: str, task_ids: list[int]) -> list[dict[str, Any]]:
    """For the given tasks (those given a percent after ``day``): the logged percent at the end of ``day``."""
    return _per_id(c, "SELECT x.id AS task_id, (SELECT pu.percent FROM progress_update pu WHERE pu.task_id = x.id "
                      f"AND pu.percent IS NOT NULL AND {_UPTO} AND {_EFFECTIVE} {_LATEST}) AS percent "
                      "FROM task x WHERE x.id IN ({marks})", day, task_ids)


def _per_id(c: Connection, sql: str, day: str, ids: list[int]) -> list[dict[str, Any]]:
    """``sql`` (with ``{marks}`` for an IN list) over the ids, 500 at a time.

    The report look-ups take their ids from the log rows the caller already read: finding them
    again in SQL (the distinct targets of the rows after a day) took half of a look-up's time.
    """
    out: list[dict[str, Any]] = []
    for i in range(0, len(ids), 500):
        marks, in_params = _in(ids[i:i + 500])
        out += c.query(sql.replace("{marks}", marks), day=day, **in_params)
    return out


def report_done_at(c: Connection, day: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """For each task marked done or reopened after ``day``: the day it stood done at the end of
    ``day`` (None: not done then)."""
    latest = (f"FROM progress_update pu WHERE pu.task_id = x.id AND pu.action IN ('done', 'reopen') "
              f"AND {_UPTO} AND {_EFFECTIVE} {_LATEST}")
    rows = c.query(
        f"SELECT x.id AS task_id, (SELECT pu.action {latest}) AS action, (SELECT pu.happened_on {latest}) AS day "
        f"FROM ({_touched('task_id', day, unit_id, _DONE_OR_REOPEN)}) x",
        day=day, unit_id=unit_id,
    )
    return [{"task_id": r["task_id"], "done_on": r["day"] if r["action"] == "done" else None} for r in rows]


def report_last_updates_at(c: Connection, day: str, task_ids: list[int]) -> list[dict[str, Any]]:
    """For the given tasks: the day of their last effective update up to ``day`` (None: none yet)."""
    return _per_id(c, "SELECT k.id AS task_id, (SELECT max(pu.happened_on) FROM progress_update pu WHERE "
                      f"pu.task_id = k.id AND {_UPTO} AND {_EFFECTIVE}) AS last_on FROM task k WHERE k.id IN ({{marks}})",
                   day, task_ids)


def report_notes_at(c: Connection, day: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Per current task, its latest note up to ``day``: the newest recorded effective row with a
    note (``task_id``, ``id``, ``note``, ``author``, ``happened_on``, ``recorded_at``; ``id`` None
    when it has none). Read backwards along the (task_id, recorded_at) index: a short seek a task."""
    tasks = "SELECT k.id FROM task k WHERE k.vanished_at IS NULL" + (
        " AND k.unit_id = :unit_id" if unit_id is not None else "")
    return c.query(
        "SELECT y.task_id, n.id, n.note, n.author, n.happened_on, n.recorded_at FROM ("
        " SELECT x.id AS task_id, (SELECT pu.id FROM progress_update pu WHERE pu.task_id = x.id"
        f"  AND pu.note IS NOT NULL AND pu.note <> '' AND {_UPTO}"
        f"  AND {_EFFECTIVE} ORDER BY pu.recorded_at DESC, pu.id DESC LIMIT 1) AS note_id FROM ({tasks}) x) y "
        "LEFT JOIN progress_update n ON n.id = y.note_id", day=day, unit_id=unit_id,
    )


def report_edits_after(c: Connection, day: str, unit_id: int | None = None) -> list[dict[str, Any]]:
    """Task edits logged after ``day`` (not undone), oldest first: what a past report must undo
    to show the task as it stood then (a deadline moved later is not applied backwards)."""
    join = " JOIN task k ON k.id = pu.task_id AND k.unit_id = :unit_id" if unit_id is not None else ""
    return c.query(
        f"SELECT pu.id, pu.task_id, pu.note, pu.happened_on, pu.recorded_at FROM progress_update pu{join} "
        f"WHERE pu.action = 'edit' AND pu.{_NOT_UPDATE} AND pu.happened_on > :day AND pu.id NOT IN "
        "(SELECT r.retracts_id FROM progress_update r WHERE r.retracts_id IS NOT NULL) "
        "ORDER BY pu.happened_on, pu.recorded_at, pu.id", day=day, unit_id=unit_id,
    )


# -- notification outbox -------------------------------------------------------------------------
def insert_outbox(c: Connection, job: str, period: str, channel: str, body: str, created_at: Any) -> int | None:
    """Insert a pending message; None when (job, period, channel) exists (also if inserted concurrently)."""
    row = c.one(
        "INSERT INTO outbox (job, period, channel, body, status, attempts, created_at) "
        "VALUES (:job, :period, :channel, :body, 'pending', 0, :created_at) "
        "ON CONFLICT (job, period, channel) DO NOTHING RETURNING id",
        job=job, period=period, channel=channel, body=body, created_at=created_at,
    )
    return None if row is None else int(row["id"])


OUTBOX_COLUMNS = ("id, job, period, channel, body, status, attempts, last_error, claimed_by, claimed_at, "
                  "created_at, sent_at")


def outbox_family(c: Connection, job: str, head: str, channel: str) -> list[dict[str, Any]]:
    """The parts of one message: the row keyed ``head`` and its "head k/n" continuations, in order."""
    return c.query(f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE job = :job AND channel = :channel "
                   "AND (period = :head OR period LIKE :like) ORDER BY id",
                   job=job, channel=channel, head=head, like=head + " %")


def outbox_heads(c: Connection, job: str, period: str, channel: str) -> list[str]:
    """The message keys already used for a period: the period itself and its "#N" resends."""
    rows = c.query("SELECT period FROM outbox WHERE job = :job AND channel = :channel "
                   "AND (period = :p OR period LIKE :like) AND period NOT LIKE '% %'",
                   job=job, channel=channel, p=period, like=period + "#%")
    return [str(r["period"]) for r in rows]


def outbox_row(c: Connection, outbox_id: int) -> dict[str, Any] | None:
    return c.one(f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = :id", id=outbox_id)


def claim_outbox(c: Connection, outbox_id: int, worker: str, now: Any, stale_before: Any,
                 retry_failed: bool = False) -> bool:
    """Atomically take a row for delivery; False when another process has it (or it is done)."""
    failed = " OR status = 'failed'" if retry_failed else ""
    n = c.execute(
        "UPDATE outbox SET status = 'sending', claimed_by = :worker, claimed_at = :now WHERE id = :id "
        f"AND (status = 'pending' OR (status = 'sending' AND claimed_at < :stale){failed})",
        worker=worker, now=now, stale=stale_before, id=outbox_id,
    )
    return n == 1


def outbox_sent(c: Connection, outbox_id: int, worker: str, now: Any) -> None:
    c.execute("UPDATE outbox SET status = 'sent', sent_at = :now, attempts = attempts + 1 "
              "WHERE id = :id AND claimed_by = :worker", now=now, id=outbox_id, worker=worker)


def outbox_attempt_failed(c: Connection, outbox_id: int, worker: str, error: str, final: bool) -> None:
    status = ", status = 'failed'" if final else ""
    c.execute(f"UPDATE outbox SET attempts = attempts + 1, last_error = :error{status} "
              "WHERE id = :id AND claimed_by = :worker", error=error, id=outbox_id, worker=worker)


def outbox_fail_pending(c: Connection, ids: list[int], error: str) -> None:
    if not ids:
        return
    marks, in_params = _in(ids)
    c.execute(f"UPDATE outbox SET status = 'failed', last_error = :error WHERE status = 'pending' AND id IN ({marks})",
              error=error, **in_params)


def outbox_unsent_heads(c: Connection, stale_before: Any) -> list[dict[str, Any]]:
    """One row per message that still has a pending part (or one claimed by a process that died)."""
    return c.query("SELECT min(id) AS id, job, channel, min(period) AS period FROM outbox "
                   "WHERE status = 'pending' OR (status = 'sending' AND claimed_at < :stale) "
                   "GROUP BY job, channel, period ORDER BY min(id)", stale=stale_before)


def outbox_rows(c: Connection, limit: int = 50, status: str | None = None, job: str | None = None) -> list[dict[str, Any]]:
    """The newest outbox rows (without bodies), for `tracker notify log`."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    if status:
        where.append("status = :status")
        params["status"] = status
    if job:
        where.append("job = :job")
        params["job"] = job
    cond = (" WHERE " + " AND ".join(where)) if where else ""
    return c.query("SELECT id, job, period, channel, status, attempts, last_error, claimed_by, created_at, sent_at "
                   f"FROM outbox{cond} ORDER BY id DESC LIMIT :limit", **params)


def scheduler_next_runs(c: Connection, table: str) -> list[dict[str, Any]]:
    """APScheduler's stored jobs (id, next_run_time as a UTC epoch), read without a scheduler."""
    assert table.isidentifier()
    if c.is_sqlite:
        exists = c.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :t", t=table)
    else:
        exists = c.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = :t "
                          "AND table_schema = current_schema()", t=table)
    if not exists:
        return []
    return c.query(f"SELECT id, next_run_time FROM {table} ORDER BY id")


# -- outcome claims (plan against a year-end summary) ---------------------------------------
def _in(ids: list[Any], prefix: str = "i") -> tuple[str, dict[str, Any]]:
    """Named parameters for an IN list: (":i0, :i1, …", {"i0": …, "i1": …})."""
    return ", ".join(f":{prefix}{n}" for n in range(len(ids))), {f"{prefix}{n}": v for n, v in enumerate(ids)}


def outcome_claim_keys(c: Connection, sha: str) -> set[int]:
    """Targets that already have a stored claim from the summary file with this content."""
    return {int(r["target_id"]) for r in c.query("SELECT target_id FROM outcome_claim WHERE source_sha256 = :s", s=sha)}


def insert_outcome_claims(c: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        cols = list(rows[0])
        c.execute_many(f"INSERT INTO outcome_claim ({', '.join(cols)}) VALUES ({', '.join(':' + k for k in cols)})",
                       rows)


def outcome_claims_for_targets(c: Connection, target_ids: list[int]) -> list[dict[str, Any]]:
    """Stored claims of these targets, newest summary first."""
    if not target_ids:
        return []
    # One row per target and summary file: read them all and keep those in scope, rather than
    # binding tens of thousands of ids into an IN list (the year-end report of a whole county).
    wanted = set(target_ids)
    rows = c.query("SELECT * FROM outcome_claim ORDER BY target_id, recorded_at DESC, id DESC")
    return [r for r in rows if int(r["target_id"]) in wanted]


def logged_values(c: Connection, target_ids: list[int], until: str, not_author: str) -> dict[int, float]:
    """The latest value logged on each target up to a day by anyone but ``not_author`` (retractions honoured)."""
    if not target_ids:
        return {}
    marks, params = _in(target_ids)
    rows = c.query(
        f"SELECT pu.target_id, pu.value FROM progress_update pu WHERE pu.target_id IN ({marks}) "
        "AND pu.action = 'update' AND pu.value IS NOT NULL AND pu.happened_on <= :until "
        "AND (pu.author IS NULL OR pu.author <> :na) "
        "AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = pu.id) "
        "ORDER BY pu.target_id, pu.happened_on, pu.recorded_at, pu.id", until=until, na=not_author, **params)
    return {int(r["target_id"]): float(r["value"]) for r in rows}


# -- task units (lead / assisting) -------------------------------------------------------------
def unit_ids_by_name(c: Connection, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    marks, in_params = _in(names, "n")
    rows = c.query(f"SELECT id, name FROM unit WHERE name IN ({marks})", **in_params)
    return {r["name"]: int(r["id"]) for r in rows}


def set_assisting_units(c: Connection, task_id: int, unit_ids: list[int]) -> bool:
    """Make a task's assisting units exactly these (in this order); True when that changed them."""
    have = [int(r["unit_id"]) for r in c.query(
        "SELECT unit_id FROM task_unit WHERE task_id = :t AND role = 'assist' ORDER BY position", t=task_id)]
    if have == unit_ids:
        return False
    c.execute("DELETE FROM task_unit WHERE task_id = :t AND role = 'assist'", t=task_id)
    if unit_ids:
        c.execute_many("INSERT INTO task_unit (task_id, unit_id, role, position) VALUES (:t, :u, 'assist', :p)",
                       [{"t": task_id, "u": u, "p": i} for i, u in enumerate(unit_ids)])
    return True


def assisted_task_ids(c: Connection, unit_id: int) -> list[int]:
    return [int(r["task_id"]) for r in c.query(
        "SELECT task_id FROM task_unit WHERE unit_id = :u AND role = 'assist' ORDER BY task_id", u=unit_id)]


# -- 填报 forms -------------------------------------------------------------------------------
def insert_form_export(c: Connection, **values: Any) -> int:
    return c.insert("form_export", **values)


def form_export(c: Connection, form_id: str) -> dict[str, Any] | None:
    return c.one("SELECT e.*, u.name AS unit FROM form_export e JOIN unit u ON u.id = e.unit_id "
                 "WHERE e.form_id = :f", f=form_id)


def form_exports(c: Connection, period: str) -> list[dict[str, Any]]:
    return c.query("SELECT e.unit_id, u.name AS unit, max(e.exported_at) AS exported_at, count(*) AS times "
                   "FROM form_export e JOIN unit u ON u.id = e.unit_id WHERE e.period = :p "
                   "GROUP BY e.unit_id, u.name ORDER BY e.unit_id", p=period)


def form_submissions(c: Connection, period: str) -> list[dict[str, Any]]:
    return c.query("SELECT s.*, u.name AS unit FROM form_submission s JOIN unit u ON u.id = s.unit_id "
                   "WHERE s.period = :p ORDER BY s.imported_at, s.id", p=period)


def form_submission_with_content(c: Connection, unit_id: int, period: str, digest: str) -> dict[str, Any] | None:
    return c.one("SELECT * FROM form_submission WHERE unit_id = :u AND period = :p AND content_sha256 = :d "
                 "ORDER BY id LIMIT 1", u=unit_id, p=period, d=digest)


def insert_form_submission(c: Connection, **values: Any) -> int:
    return c.insert("form_submission", **values)


def units_leading_open_tasks(c: Connection) -> list[dict[str, Any]]:
    return c.query("SELECT u.id, u.name, count(*) AS tasks FROM task k JOIN unit u ON u.id = k.unit_id "
                   "WHERE k.vanished_at IS NULL AND k.done_on IS NULL GROUP BY u.id, u.name ORDER BY u.id")


def insert_progress_rows(c: Connection, rows: list[dict[str, Any]]) -> None:
    """Append many progress rows (all with the same columns) in one call."""
    if rows:
        cols = list(rows[0])
        c.execute_many(f"INSERT INTO progress_update ({', '.join(cols)}) VALUES ({', '.join(':' + k for k in cols)})",
                       rows)


def latest_notes_of(c: Connection, task_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``latest_notes`` for some tasks only (a 填报 form's)."""
    if not task_ids:
        return {}
    marks, in_params = _in(task_ids)
    rows = c.query(
        "SELECT pu.task_id, pu.note, pu.author, pu.happened_on FROM progress_update pu WHERE pu.id IN ("
        " SELECT max(x.id) FROM progress_update x WHERE x.note IS NOT NULL AND x.note <> '' "
        f" AND x.action IN ('update', 'done', 'reopen') AND x.task_id IN ({marks})"
        " AND NOT EXISTS (SELECT 1 FROM progress_update r WHERE r.retracts_id = x.id) GROUP BY x.task_id)",
        **in_params)
    return {int(r["task_id"]): r for r in rows}


def latest_progress_days(c: Connection, task_ids: list[int]) -> dict[int, str]:
    """The latest happened_on in each task's log (any row), as ISO dates."""
    if not task_ids:
        return {}
    marks, in_params = _in(task_ids)
    rows = c.query(f"SELECT task_id, max(happened_on) AS d FROM progress_update WHERE task_id IN ({marks}) "
                   "GROUP BY task_id", **in_params)
    return {int(r["task_id"]): str(r["d"])[:10] for r in rows if r["d"] is not None}
