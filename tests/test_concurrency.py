"""Several processes writing at once: every row is kept and nobody sees 'database is locked'."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

BIN = str(Path(sys.executable).parent / "tracker")


def test_two_processes_updating_at_once_both_succeed(world):
    w = world
    w.run("unit", "add", "区卫生健康局")
    w.run("task", "add", "招聘医生", "--unit", "区卫生健康局", "--count", "256", "--measure", "名")
    env = {**os.environ, "TRACKER_DB": w.db_url}

    def worker(n: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run([BIN, "task", "update", "1", "--add", "1", "--note", f"进程{n}", "--by", f"p{n}"],
                              cwd=w.path, env=env, capture_output=True, text=True, timeout=120)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(worker, range(2)))
    for r in results:
        assert r.returncode == 0, r.stderr
        assert "locked" not in r.stderr
    log = w.json("task", "log", "1")
    assert sorted(r["note"] for r in log) == ["进程0", "进程1"]
    assert w.json("task", "list")[0]["targets"][0]["current"] == 2


@pytest.mark.parametrize("procs, each", [(8, 200)])
def test_many_writers_keep_every_row(world, procs, each):
    """8 processes × 200 updates to the same tasks: all rows kept, all exit 0 (issue 6)."""
    w = world
    w.run("unit", "add", "区卫生健康局")
    for i in range(4):
        w.run("task", "add", f"任务{i}", "--unit", "区卫生健康局", "--count", "100000", "--measure", "个")
    script = (
        "import sys\n"
        "from tracker.context import Context\n"
        "from tracker.tasks import log_update\n"
        "ctx = Context.load()\n"
        "n = int(sys.argv[1])\n"
        f"for i in range({each}):\n"
        "    log_update(ctx, 1 + i % 4, add=1, note=f'p{n}-{i}', author=f'p{n}')\n"
    )
    env = {**os.environ, "TRACKER_DB": w.db_url}
    procs_ = [subprocess.Popen([sys.executable, "-c", script, str(n)], cwd=w.path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for n in range(procs)]
    outs = [p.communicate(timeout=600) for p in procs_]
    for p, (_, err) in zip(procs_, outs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    tasks = w.json("task", "list")
    assert sum(t["targets"][0]["current"] for t in tasks) == procs * each
    total = sum(len(w.json("task", "log", str(t["id"]))) for t in tasks)
    assert total == procs * each
    notes = {r["note"] for t in tasks for r in w.json("task", "log", str(t["id"]))}
    assert len(notes) == procs * each  # every process's every update, none lost or merged


def test_a_read_sees_one_snapshot_while_another_process_commits(world):
    """``Database.read`` is one snapshot: a report's several queries never mix two states of the
    data, even when another process commits between them (WAL on SQLite, REPEATABLE READ on
    PostgreSQL)."""
    from tracker.db import Database

    w = world
    w.run("unit", "add", "区卫生健康局")
    w.run("task", "add", "招聘医生", "--unit", "区卫生健康局", "--count", "256", "--measure", "名")
    reader, writer = Database(w.db_url), Database(w.db_url)

    def two_queries(c):
        first = c.scalar("SELECT count(*) FROM progress_update")
        writer.write(lambda wc: wc.execute(
            "INSERT INTO progress_update (task_id, target_id, action, value, happened_on, recorded_at) "
            "VALUES (1, 1, 'update', 5, '2023-10-09', '2023-10-09 09:00:00')"))
        return first, c.scalar("SELECT count(*) FROM progress_update")

    try:
        assert reader.read(two_queries) == (0, 0)  # the other process's row is not seen halfway
        assert reader.read(lambda c: c.scalar("SELECT count(*) FROM progress_update")) == 1  # the next read does
        # Without a snapshot, the second query would have counted the row committed in between.
        c = reader.conn
        first = c.scalar("SELECT count(*) FROM progress_update")
        writer.write(lambda wc: wc.execute("DELETE FROM progress_update"))
        c.end_read()
        assert (first, c.scalar("SELECT count(*) FROM progress_update")) == (1, 0)
        c.end_read()
    finally:
        reader.close()
        writer.close()
