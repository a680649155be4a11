"""`tracker db backup`: SQLite's online backup, restorable into a new file with identical rows."""

from __future__ import annotations

import sqlite3

import pytest

from tracker.db import Database

TABLES = ("unit", "plan", "task", "target", "progress_update", "outbox")


def dump(path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in TABLES}
    finally:
        con.close()


def test_backup_then_restore_gives_identical_rows(sqlite_world):
    w = sqlite_world
    w.run("unit", "add", "县水利局")
    w.run("task", "add", "水库除险加固", "--unit", "县水利局", "--count", "3", "--measure", "座")
    w.run("task", "update", "1", "--value", "2", "--note", "两座完工")
    w.run("undo")
    dest = w.path / "backups" / "copy.db"
    out = w.run("db", "backup", str(dest)).output
    assert "已备份" in out
    original = dump(w.db_url.split("///", 1)[1])
    assert original["progress_update"], "the log has rows to compare"
    assert dump(dest) == original
    ok = sqlite3.connect(dest).execute("PRAGMA integrity_check").fetchone()[0]
    assert ok == "ok"
    # "Restore": point tracker at the copy and keep working there.
    restored = w.run("--db", f"sqlite:///{dest}", "task", "log", "1", "--format", "json").stdout
    assert "两座完工" in restored
    db = Database(f"sqlite:///{dest}")
    assert db.current_revision() is not None
    db.close()


def test_backup_refuses_to_overwrite(sqlite_world):
    w = sqlite_world
    w.run("init")
    (w.path / "exists.db").write_text("keep me")
    r = w.run("db", "backup", str(w.path / "exists.db"), ok=False)
    assert r.exit_code == 2 and "已存在" in r.output
    assert (w.path / "exists.db").read_text() == "keep me"


@pytest.mark.postgres
def test_backup_on_postgres_points_to_pg_dump(pg_server, isolated, monkeypatch):
    from typer.testing import CliRunner

    from tests.conftest import World, fresh_pg_url

    monkeypatch.setenv("TRACKER_DB", fresh_pg_url(pg_server))
    world = World(isolated, fresh_pg_url(pg_server), CliRunner())
    r = world.run("db", "backup", str(world.path / "x.db"), ok=False)
    assert r.exit_code == 2 and "pg_dump" in r.output
