"""The database is never created by accident: only init and plan import make one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import REPO, World

PLAN = REPO / "examples" / "plans" / "2024下半年工作计划汇编.txt"


def flat(r) -> str:
    """The output with rich's line wrapping (80 columns) undone."""
    return r.output.replace("\n", "")


def cli(isolated: Path, url: str) -> World:
    return World(isolated, url, CliRunner())


@pytest.mark.parametrize("args", [["board"], ["task", "list"], ["task", "show", "1"], ["unit", "list"],
                                  ["unit", "add", "县水利局"], ["db", "status"], ["db", "upgrade"], ["undo"],
                                  ["plan", "import", str(PLAN), "--dry-run"]])
def test_read_and_other_commands_on_a_missing_database_say_how_to_create_it(isolated, args):
    db = isolated / "typo" / "trackr.db"
    r = cli(isolated, "").run("--db", str(db), *args, ok=False)
    assert r.exit_code == 2, flat(r)
    assert "数据库不存在" in flat(r) and "tracker init" in flat(r) and "TRACKER_DB" in flat(r)
    assert not db.exists() and not db.parent.exists()


def test_board_on_a_mistyped_path_creates_nothing(isolated):
    w = cli(isolated, "")
    w.run("--db", str(isolated / "tracker.db"), "init")
    r = w.run("--db", str(isolated / "trackre.db"), "board", ok=False)
    assert r.exit_code == 2 and "数据库不存在" in flat(r)
    assert sorted(p.name for p in isolated.iterdir()) == ["tracker.db"]


def test_init_and_plan_import_create_it(isolated):
    w = cli(isolated, "")
    a, b = isolated / "a.db", isolated / "b.db"
    assert "数据库已就绪" in w.run("--db", str(a), "init").output
    w.run("--db", str(b), "plan", "import", str(PLAN))
    assert a.exists() and b.exists()
    assert len(w.json("--db", str(b), "board")) == 4


def test_missing_parent_folder_is_a_clear_error_and_is_not_made(isolated):
    db = isolated / "nonexistent-dir" / "x.db"
    for args in (["init"], ["plan", "import", str(PLAN)]):
        r = cli(isolated, "").run("--db", str(db), *args, ok=False)
        assert r.exit_code == 2
        assert "数据库所在的文件夹不存在" in flat(r) and "mkdir -p" in flat(r)
        assert "内部错误" not in flat(r)
    assert not db.parent.exists()


def test_default_location_folder_is_made_by_init(isolated):
    w = cli(isolated, "")
    w.run("init")
    assert (isolated / "db" / "tracker.db").exists()


def test_unwritable_location_is_a_clear_error(isolated):
    # /proc refuses new files even for root; a regular file cannot hold a database either.
    (isolated / "afile").write_text("x", encoding="utf-8")
    for db in ("/proc/tracker-test.db", str(isolated / "afile" / "x.db")):
        r = cli(isolated, "").run("--db", db, "init", ok=False)
        assert r.exit_code == 2, flat(r)
        assert "内部错误" not in flat(r) and "Traceback" not in flat(r)
        assert any(w in flat(r) for w in ("没有权限", "不是文件夹", "无法打开数据库文件", "无法创建"))


def test_empty_file_is_never_turned_into_a_database(isolated, monkeypatch):
    empty = isolated / "empty.db"
    empty.write_bytes(b"")
    monkeypatch.setenv("TRACKER_DB", str(empty))
    for args in (["init"], ["board"], ["plan", "import", str(PLAN)]):
        r = cli(isolated, "").run(*args, ok=False)
        assert r.exit_code == 2 and "空文件" in flat(r)
    assert empty.read_bytes() == b""


def test_foreign_files_are_never_overwritten(isolated):
    text = isolated / "notes.db"
    text.write_text("这是一份会议记录\n" * 20, encoding="utf-8")
    other = isolated / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE 台账 (id INTEGER PRIMARY KEY, 事项 TEXT)")
    con.execute("INSERT INTO 台账 (事项) VALUES ('保留我')")
    con.commit()
    con.close()
    before_text, before_other = text.read_bytes(), other.read_bytes()
    r = cli(isolated, "").run("--db", str(text), "init", ok=False)
    assert r.exit_code == 2 and "不是 SQLite 数据库文件" in flat(r)
    r = cli(isolated, "").run("--db", str(other), "init", ok=False)
    assert r.exit_code == 2 and "不是 tracker 的数据库" in flat(r) and "台账" in flat(r)
    r = cli(isolated, "").run("--db", str(other), "plan", "import", str(PLAN), ok=False)
    assert r.exit_code == 2
    assert text.read_bytes() == before_text and other.read_bytes() == before_other
    assert not Path(str(other) + "-wal").exists()


@pytest.mark.postgres
def test_postgres_database_without_schema_is_refused_until_init(pg_server, isolated):
    from tests.conftest import _counter

    name = f"n{next(_counter)}"
    pg_server.admin(f"CREATE DATABASE {name}")
    url = str(pg_server.url(name))
    w = cli(isolated, url)
    r = w.run("--db", url, "board", ok=False)
    assert r.exit_code == 2 and "尚未初始化" in flat(r) and "tracker init" in flat(r)
    w.run("--db", url, "init")
    assert w.json("--db", url, "board") == []
