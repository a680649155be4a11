"""The board kept for the day (revision 0008): read back only while nothing it counts has changed.

Each test writes through a second, plain sqlite3 connection where it stands for someone editing the
database by hand; the triggers must see those writes as they see tracker's own.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest

from tracker import store, tasks


@pytest.fixture
def plan_world(sqlite_world):  # type: ignore[no-untyped-def]
    from tests.plan_samples import write_plan

    sqlite_world.run("plan", "import", str(write_plan(sqlite_world.path)))
    return sqlite_world


@contextlib.contextmanager
def by_hand(world) -> Iterator[sqlite3.Connection]:  # type: ignore[no-untyped-def]
    raw = sqlite3.connect(world.db_url.split("///", 1)[1], isolation_level=None)
    try:
        yield raw
    finally:
        raw.close()


def stamp(world) -> tuple[int, int | None]:  # type: ignore[no-untyped-def]
    with by_hand(world) as raw:
        return raw.execute("SELECT data_version, board_version FROM board_stamp").fetchone()  # type: ignore[no-any-return]


def counted(ctx):  # type: ignore[no-untyped-def]
    return ctx.db.read(lambda c: tasks.count_board(c, ctx))[0]


def test_a_board_asked_again_is_read_back(plan_world) -> None:  # type: ignore[no-untyped-def]
    ctx = plan_world.context()
    first = tasks.board(ctx)
    version, kept = stamp(plan_world)
    assert kept == version and first == counted(ctx)
    with by_hand(plan_world) as raw:  # the kept rows alone, no watched table touched
        raw.execute("UPDATE board_cache SET green = 999 WHERE position = 0")
    assert tasks.board(ctx)[0].counts["绿"] == 999  # read back, not counted again
    ctx.today = ctx.today.replace(day=ctx.today.day + 1)
    assert tasks.board(ctx) == counted(ctx)  # another day: counted afresh
    with by_hand(plan_world) as raw:
        raw.execute("UPDATE board_cache SET green = 999 WHERE position = 0")
    ctx.config.data["status"]["red_band"] = ctx.rules.red_band + 1  # another config
    assert tasks.board(ctx) == counted(ctx)  # counted afresh, not the 999 kept
    assert stamp(plan_world) == (version, version)
    ctx.db.close()


def test_a_board_kept_by_other_code_is_counted_again(plan_world, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Another release (or an edited checkout) of the counting code counts afresh."""
    import os

    code = tmp_path / "counting_code.py"
    code.write_text("# stands for a module of tasks.BOARD_CODE\n", encoding="utf-8")
    monkeypatch.setattr(tasks, "BOARD_CODE", (*tasks.BOARD_CODE, str(code)))
    ctx = plan_world.context()
    tasks.board(ctx)
    with by_hand(plan_world) as raw:
        raw.execute("UPDATE board_cache SET green = 999 WHERE position = 0")
    assert tasks.board(ctx)[0].counts["绿"] == 999
    os.utime(code, ns=(code.stat().st_atime_ns, code.stat().st_mtime_ns + 10**9))
    assert tasks.board(ctx) == counted(ctx)
    ctx.db.close()


@pytest.mark.parametrize("edit", [
    "UPDATE unit SET name = '改名的单位'",
    "INSERT INTO unit (name, created_at) VALUES ('新单位', '2023-01-01 00:00:00')",
    "UPDATE task SET completion = 100 WHERE parent_id IS NULL",
    "UPDATE task SET cancelled_on = '2023-09-01' WHERE parent_id IS NULL",
    "INSERT INTO task (plan_id, unit_id, title, created_at, updated_at, completion) "
    "SELECT plan_id, unit_id, '手工补录的任务', created_at, updated_at, 0 FROM task LIMIT 1",
    "DELETE FROM task WHERE id NOT IN (SELECT parent_id FROM task WHERE parent_id IS NOT NULL) "
    "AND id NOT IN (SELECT task_id FROM target) AND id NOT IN (SELECT task_id FROM progress_update)",
    "UPDATE plan SET period_end = '2023-09-30'",  # every light is 红 already: the count stays
])
def test_every_change_to_what_the_board_counts_is_seen(plan_world, edit) -> None:  # type: ignore[no-untyped-def]
    ctx = plan_world.context()
    before = tasks.board(ctx)
    version, _ = stamp(plan_world)
    with by_hand(plan_world) as raw:
        raw.execute("PRAGMA foreign_keys = ON")
        assert raw.execute(edit).rowcount > 0
    assert stamp(plan_world)[0] > version
    after = tasks.board(ctx)
    assert after == counted(ctx)
    assert (after != before) == (not edit.startswith("UPDATE plan"))
    ctx.db.close()


def test_a_missing_trigger_means_nothing_is_kept(plan_world) -> None:  # type: ignore[no-untyped-def]
    """A batch-mode migration drops a rebuilt table's triggers; the board then counts every time."""
    ctx = plan_world.context()
    with by_hand(plan_world) as raw:
        raw.execute("DROP TRIGGER board_stamp_task_update")
        raw.execute("UPDATE board_stamp SET board_version = NULL")
    assert ctx.db.read(lambda c: store.board_version(c, "2023-10-09", tasks.board_basis(ctx.rules))) is None
    assert tasks.board(ctx) == counted(ctx)
    assert stamp(plan_world)[1] is None
    ctx.db.close()


def test_a_board_counted_while_another_writes_is_not_kept(plan_world) -> None:  # type: ignore[no-untyped-def]
    """The reading command does not wait for the write lock: it shows the board and keeps nothing."""
    ctx = plan_world.context()
    with by_hand(plan_world) as raw:
        raw.execute("BEGIN IMMEDIATE")
        try:
            assert tasks.board(ctx) == counted(ctx)
            assert not ctx.db.write_if_free(lambda c: c.execute("DELETE FROM board_cache"))
        finally:
            raw.execute("ROLLBACK")
    assert stamp(plan_world)[1] is None
    assert ctx.db.conn.scalar("SELECT count(*) FROM board_cache") == 0
    tasks.board(ctx)
    assert stamp(plan_world)[1] == stamp(plan_world)[0]
    ctx.db.close()


def test_a_board_of_an_older_version_is_not_kept(plan_world) -> None:  # type: ignore[no-untyped-def]
    ctx = plan_world.context()
    rows = [(s.unit, *s.counts.values(), s.total, s.completion, s.subs, s.cancelled) for s in counted(ctx)]
    version, _ = stamp(plan_world)
    with by_hand(plan_world) as raw:
        raw.execute("UPDATE unit SET contact = '张三'")
    assert not ctx.db.write(lambda c: store.keep_board(c, version, "2023-10-09", "r", rows))
    assert ctx.db.write(lambda c: store.keep_board(c, version + 1, "2023-10-09", "r", rows))
    assert ctx.db.read(lambda c: store.kept_board(c, version + 1, "2023-10-09", "r")) == rows
    assert ctx.db.read(lambda c: store.kept_board(c, version + 1, "2023-10-10", "r")) == []
    ctx.db.close()


def test_the_board_command_reads_back_what_it_showed(plan_world) -> None:  # type: ignore[no-untyped-def]
    first = plan_world.run("board").stdout
    version, kept = stamp(plan_world)
    assert kept == version
    assert plan_world.run("board").stdout == first
    tid = plan_world.json("task", "list")[0]["id"]
    plan_world.run("task", "done", str(tid))
    assert stamp(plan_world)[0] > version
    assert plan_world.run("board").stdout != first


def test_a_change_while_the_board_is_counted_is_not_kept_under_the_older_version(plan_world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Someone writes between the version read and the items read: the board shown may be the
    newer one, but it is not kept under the version read before the change."""
    ctx = plan_world.context()
    before = counted(ctx)
    items = store.item_light_rows

    def items_after_a_change(c):  # type: ignore[no-untyped-def]
        with by_hand(plan_world) as raw:
            raw.execute("UPDATE task SET completion = 100 WHERE parent_id IS NULL")
        return items(c)

    monkeypatch.setattr(store, "item_light_rows", items_after_a_change)
    tasks.board(ctx)
    assert stamp(plan_world)[1] is None
    monkeypatch.setattr(store, "item_light_rows", items)
    assert tasks.board(ctx) == counted(ctx) != before
    ctx.db.close()


def test_counting_code_without_files_keeps_nothing(plan_world, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Loaded from a zip, the modules have no size and time of their own: the board is counted."""
    monkeypatch.setattr(tasks, "BOARD_CODE", (*tasks.BOARD_CODE, str(tmp_path / "tracker.zip" / "tracker" / "tasks.py")))
    ctx = plan_world.context()
    assert tasks.board_basis(ctx.rules) is None
    assert tasks.board(ctx) == counted(ctx)
    assert stamp(plan_world)[1] is None
    ctx.db.close()


def test_a_commit_refused_ends_the_transaction(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Outside WAL a reader's lock refuses the commit; the write is rolled back, not left open,
    and the next write goes through."""
    from tracker.db import Database

    path = tmp_path / "r.db"
    db = Database(f"sqlite:///{path}")
    db.conn._raw.execute("PRAGMA journal_mode = DELETE")
    db.conn._raw.execute("CREATE TABLE t (x INTEGER)")
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM t").fetchall()  # holds a shared lock
        assert not db.write_if_free(lambda c: c.execute("INSERT INTO t VALUES (1)"))
        assert not db.conn._raw.in_transaction and not db.conn.in_transaction
    finally:
        reader.close()
    db.write(lambda c: c.execute("INSERT INTO t VALUES (2)"))
    assert db.conn.query("SELECT x FROM t") == [{"x": 2}]
    db.close()
