"""Alembic revisions: empty → head, previous revision with data → head, and models in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.db import Database
from tracker.migrations import HEAD, run_upgrade, script_head

TABLES = {"unit", "plan", "task", "target", "progress_update", "outbox", "outcome_claim", "task_unit", "form_export",
          "form_submission"}


def table_names(db: Database) -> set[str]:
    if db.is_sqlite:
        rows = db.conn.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {r["name"] for r in rows}
    rows = db.conn.query("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'")
    db.conn.end_read()
    return {r["name"] for r in rows}


def test_head_constant_matches_alembic():
    assert HEAD == script_head()


def test_empty_database_to_head(empty_db_url):
    db = Database(empty_db_url)
    assert db.current_revision() is None
    assert db.ensure_schema() is None  # nothing to copy aside in an empty database
    assert db.current_revision() == HEAD
    assert TABLES <= table_names(db)
    if db.is_sqlite:  # the data version counts every change (0008, 0009); a rebuilt table would lose them
        from tracker.store import DATA_TRIGGERS

        assert sorted(DATA_TRIGGERS) == [r["name"] for r in db.conn.query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
    db.close()


def fill_first_revision(db: Database) -> None:
    """Rows written with the 0001 schema (units had no contact column then)."""
    c = db.conn
    now = "2023-07-01 09:00:00.000000"
    with c.transaction():
        for i in range(3):
            c.execute("INSERT INTO unit (name, created_at) VALUES (:n, :t)", n=f"单位{i}", t=now)
        c.execute("INSERT INTO plan (unit_id, title, period_start, period_end, created_at, updated_at) "
                  "VALUES (1, '计划', '2023-07-01', '2023-12-31', :t, :t)", t=now)
        for i in range(10):
            c.execute("INSERT INTO task (plan_id, unit_id, title, created_at, updated_at) "
                      "VALUES (1, 1, :title, :t, :t)", title=f"任务{i}", t=now)
            c.execute("INSERT INTO target (task_id, kind, value, comparator) VALUES (:k, 'count', 14, '=')", k=i + 1)
            c.execute("INSERT INTO progress_update (task_id, target_id, action, value, happened_on, recorded_at) "
                      "VALUES (:k, :k, 'update', 3, '2023-08-01', :t)", k=i + 1, t=now)


def counts(db: Database) -> dict[str, int]:
    out = {t: int(db.conn.scalar(f"SELECT count(*) FROM {t}")) for t in ("unit", "plan", "task", "target",
                                                                          "progress_update")}
    db.conn.end_read()
    return out


@pytest.mark.parametrize("start", ["0001", "0002", "0003", "0006", "0007", "0008"])
def test_previous_revision_with_data_to_head(empty_db_url, tmp_path, start):
    db = Database(empty_db_url)
    run_upgrade(db, start)
    assert db.current_revision() == start
    fill_first_revision(db)
    before = counts(db)
    copy = db.upgrade(backup_dir=tmp_path / "backups")
    db = Database(empty_db_url)
    assert db.current_revision() == HEAD
    assert counts(db) == before == {"unit": 3, "plan": 1, "task": 10, "target": 10, "progress_update": 10}
    assert db.conn.scalar("SELECT count(*) FROM unit WHERE contact IS NULL") == 3
    assert db.conn.scalar("SELECT count(*) FROM target WHERE start_source IS NULL AND start_quote IS NULL") == 10
    assert db.conn.scalar("SELECT count(*) FROM outcome_claim") == 0
    # 0004: existing targets read as cumulative, as they were counted before; nothing derived yet.
    assert db.conn.query("SELECT DISTINCT rule, every, periods_total FROM target") == [
        {"rule": "cumulative", "every": None, "periods_total": None}]
    assert db.conn.scalar("SELECT count(*) FROM progress_update WHERE undoes_id IS NULL AND correction IS NULL") == 10
    assert db.conn.scalar("SELECT count(*) FROM unit_alias") == 0
    db.conn.end_read()
    if db.is_sqlite:
        assert copy is not None and Path(copy).exists()
        saved = Database(f"sqlite:///{copy}")
        assert saved.current_revision() == start
        assert counts(saved) == before
        saved.close()
    else:
        assert copy is None
    db.close()


def test_models_and_revisions_define_the_same_schema(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import tracker.models  # noqa: F401

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    db.ensure_schema()
    with db.engine().connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # SQLite reports VARCHAR for sqlmodel's AutoString; type differences are not compared by default.
    assert diffs == []
    db.close()


def test_cli_upgrade_reports_copy(isolated, monkeypatch):
    from typer.testing import CliRunner

    from tests.conftest import World

    url = f"sqlite:///{isolated / 'old.db'}"
    monkeypatch.setenv("TRACKER_DB", url)
    w = World(isolated, url, CliRunner())
    db = Database(w.db_url)
    run_upgrade(db, "0001")
    fill_first_revision(db)
    db.close()
    out = w.run("db", "upgrade").output
    assert f"0001 → {HEAD}" in out
    assert "升级前的副本" in out
    assert "已是最新版本" in w.run("db", "upgrade").output


def test_sheets_revision_from_0003_with_data_and_back(empty_db_url):
    """0006 adds task_unit, form_export and form_submission beside existing rows, and drops them again."""
    from alembic import command

    from tracker.migrations import alembic_config

    db = Database(empty_db_url)
    run_upgrade(db, "0003")
    fill_first_revision(db)
    run_upgrade(db, "0006")
    c = db.conn
    with c.transaction():
        c.execute("INSERT INTO task_unit (task_id, unit_id, role, position) VALUES (1, 2, 'assist', 0)")
        c.execute("INSERT INTO form_export (form_id, unit_id, period, rows, exported_at) "
                  "VALUES ('F1', 1, '2023-10', 10, '2023-10-01 09:00:00')")
    assert c.scalar("SELECT count(*) FROM task_unit") == 1
    assert counts(db)["task"] == 10
    cfg = alembic_config(db.url)
    with db.engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0003")
    assert db.current_revision() == "0003"
    names = table_names(db)
    assert not ({"task_unit", "form_export", "form_submission"} & names)
    assert counts(db) == {"unit": 3, "plan": 1, "task": 10, "target": 10, "progress_update": 10}
    db.close()


def progress_indexes(db: Database) -> dict[str, list[str]]:
    """The progress log's indexes and their columns, on either database."""
    if db.is_sqlite:
        names = [r["name"] for r in db.conn.query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'progress_update' AND sql IS NOT NULL")]
        return {n: [r["name"] for r in db.conn.query(f"PRAGMA index_info('{n}')")] for n in names}
    rows = db.conn.query(
        "SELECT i.relname AS name, a.attname AS col FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey) "
        "WHERE t.relname = 'progress_update' AND NOT x.indisprimary ORDER BY i.relname, array_position(x.indkey, a.attnum)")
    db.conn.end_read()
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["name"], []).append(r["col"])
    return out


def test_log_indexes_revision_from_0006_with_data_and_back(empty_db_url):
    """0007 puts the log's target index in replay order and adds a partial index of the rows that
    are not updates; the rows stay, and the look-ups read the index meant for them."""
    from alembic import command

    from tracker.migrations import alembic_config

    db = Database(empty_db_url)
    run_upgrade(db, "0006")
    fill_first_revision(db)
    assert progress_indexes(db)["ix_progress_target"] == ["target_id"]
    run_upgrade(db, "0007")
    indexes = progress_indexes(db)
    assert "ix_progress_target" not in indexes
    assert indexes["ix_progress_target_order"] == ["target_id", "happened_on", "recorded_at", "id"]
    assert indexes["ix_progress_not_update"] == ["happened_on"]
    assert counts(db)["progress_update"] == 10
    if db.is_sqlite:  # the value-at-a-day look-up walks the new index, with no sort of its own
        plan = " ".join(str(r["detail"]) for r in db.conn.query(
            "EXPLAIN QUERY PLAN SELECT pu.value FROM progress_update pu WHERE pu.target_id = 3 "
            "AND pu.value IS NOT NULL AND coalesce(pu.happened_on, pu.happened_on) <= '2023-09-01' "
            "ORDER BY pu.happened_on DESC, pu.recorded_at DESC, pu.id DESC LIMIT 1"))
        assert "ix_progress_target_order" in plan and "TEMP B-TREE" not in plan
        from tracker import store

        def plan_of(fn, *args):  # type: ignore[no-untyped-def]
            seen: list[str] = []
            db.conn._raw.set_trace_callback(seen.append)
            try:
                fn(db.conn, *args)
            finally:
                db.conn._raw.set_trace_callback(None)
            return " ".join(str(r["detail"]) for sql in seen for r in db.conn.query("EXPLAIN QUERY PLAN " + sql))

        # the edits and done/reopen rows after a day: the partial index of the rows not updates;
        # a task's own updates (填报 import): still the task index, not the partial one
        assert "ix_progress_not_update" in plan_of(store.report_edits_after, "2023-07-01")
        assert "ix_progress_not_update" in plan_of(store.report_done_at, "2023-07-01")
        notes = plan_of(store.latest_notes_of, [1, 2, 3])
        assert "ix_progress_not_update" not in notes and "ix_progress_task_recorded" in notes
    cfg = alembic_config(db.url)
    with db.engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0006")
    assert db.current_revision() == "0006"
    assert progress_indexes(db)["ix_progress_target"] == ["target_id"]
    assert "ix_progress_not_update" not in progress_indexes(db)
    assert counts(db)["progress_update"] == 10
    db.close()


def test_board_cache_revision_from_0007_with_data_and_back(empty_db_url):
    """0008 adds the board's stamp row and kept rows; on SQLite its triggers count each change to
    task, plan and unit, also of rows written before it."""
    from alembic import command

    from tracker import store
    from tracker.migrations import alembic_config

    db = Database(empty_db_url)
    run_upgrade(db, "0007")
    fill_first_revision(db)
    run_upgrade(db, "0008")
    c = db.conn
    assert c.query("SELECT * FROM board_stamp") == [
        {"id": 1, "data_version": 0, "board_version": None, "board_day": None, "board_basis": None}]
    assert c.scalar("SELECT count(*) FROM board_cache") == 0
    with c.transaction():
        c.execute("UPDATE task SET title = title || '（改）' WHERE id <= 3")
        c.execute("DELETE FROM progress_update WHERE task_id = 10")
        c.execute("DELETE FROM target WHERE task_id = 10")
        c.execute("DELETE FROM task WHERE id = 10")
        c.execute("UPDATE plan SET title = '新计划'")
        c.execute("INSERT INTO unit (name, created_at) VALUES ('新单位', '2023-07-01 09:00:00')")
    version = c.scalar("SELECT data_version FROM board_stamp")
    c.end_read()
    if db.is_sqlite:
        assert version == 3 + 1 + 1 + 1  # a row each
        assert store.board_version(c, "2023-10-09", "r") == (6, False)
    else:  # no triggers on PostgreSQL: the board is counted each time
        assert version == 0
        assert store.board_version(c, "2023-10-09", "r") is None
    cfg = alembic_config(db.url)
    with db.engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0007")
    assert db.current_revision() == "0007"
    assert not {"board_stamp", "board_cache"} & table_names(db)
    if db.is_sqlite:
        assert db.conn.scalar("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'") == 0
    assert counts(db) == {"unit": 4, "plan": 1, "task": 9, "target": 9, "progress_update": 9}
    db.close()


def test_log_stamp_revision_from_0008_with_data_and_back(empty_db_url):
    """0009 makes the data version count changes to targets and the progress log too, so that it
    stands for everything a report reads (``store.data_version``)."""
    from alembic import command

    from tracker import store
    from tracker.migrations import alembic_config

    db = Database(empty_db_url)
    run_upgrade(db, "0008")
    fill_first_revision(db)
    c = db.conn
    if db.is_sqlite:
        assert db.read(store.data_version) is None  # 0008's triggers alone do not cover the log
    run_upgrade(db, "0009")
    before = db.read(store.data_version)
    with c.transaction():
        c.execute("INSERT INTO progress_update (task_id, target_id, action, value, happened_on, recorded_at) "
                  "VALUES (1, 1, 'update', 4, '2023-08-02', '2023-08-02 09:00:00')")
        c.execute("UPDATE target SET current_value = 4 WHERE id = 1")
        c.execute("DELETE FROM progress_update WHERE task_id = 10")
        c.execute("DELETE FROM target WHERE task_id = 10")
    after = db.read(store.data_version)
    board = db.read(lambda c: store.board_version(c, "2023-10-09", "r"))
    if db.is_sqlite:
        assert before == 3 + 1 + 10  # the units, plan and tasks written under 0008
        assert after == before + 4  # a row each, none of them in task, plan or unit
        assert board == (after, False)  # the board's version is the same counter
    else:  # no triggers on PostgreSQL: nothing claims two reads saw the same rows
        assert before is None and after is None and board is None
    cfg = alembic_config(db.url)
    with db.engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0008")
    assert db.current_revision() == "0008"
    if db.is_sqlite:
        assert sorted(store.BOARD_TRIGGERS) == [r["name"] for r in db.conn.query(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")]
        db.conn.end_read()
    assert counts(db) == {"unit": 3, "plan": 1, "task": 10, "target": 9, "progress_update": 10}
    db.close()
