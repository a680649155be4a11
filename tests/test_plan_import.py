"""`tracker plan import`: one transaction, idempotent, revisions matched, progress never dropped."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

COMPILATION = """2024年上半年工作总结和下半年工作计划汇编

目录
某县教育局2024年上半年工作总结和下半年工作计划\t1
某县水利局2024年上半年工作总结和下半年工作计划\t3

某县教育局2024年上半年工作总结和下半年工作计划

一、上半年工作总结
上半年新建幼儿园3所，已完成校舍改造12处。
二、下半年工作计划
（一）扩大优质学位供给。年底前新建改扩建学校4所，新增学位2000个以上。
（二）加强教师队伍建设。9月底前招聘教师120名，力争培训覆盖率达到100%。
（三）推进智慧校园建设。完成全县中小学网络提速改造。

某县水利局2024年上半年工作总结和下半年工作计划

一、上半年工作总结
上半年完成水库除险加固2座。
二、下半年工作计划
1.水库除险加固。确保汛前完成3座小型水库除险加固。
2.农村供水保障。年内农村自来水普及率提高到95%以上。
"""

REVISED = COMPILATION.replace(
    "（二）加强教师队伍建设。9月底前招聘教师120名",
    "（二）加强教师队伍建设。9月底前招聘教师150名",
).replace(
    "（三）推进智慧校园建设。完成全县中小学网络提速改造。\n",
    "（三）推进智慧校园建设。完成全县中小学网络提速改造。\n（四）办好人民满意的特殊教育。年底前建成资源教室5间。\n",
).replace("2.农村供水保障。年内农村自来水普及率提高到95%以上。\n", "")


def write(world, name: str, text: str) -> Path:
    p = world.path / name
    p.write_text(text, encoding="utf-8")
    return p


def titles(world) -> dict[str, dict]:
    return {t["title"]: t for t in world.json("task", "list")}


def test_import_creates_units_plans_tasks_targets(world):
    w = world
    p = write(w, "汇编.txt", COMPILATION)
    result = w.json("plan", "import", str(p))
    assert [u["unit"] for u in result["units"]] == ["某县教育局", "某县水利局"]
    assert all(u["new_plan"] for u in result["units"])
    plans = w.json("plan", "list")
    assert [(p["unit"], p["period_start"], p["period_end"]) for p in plans] == [
        ("某县教育局", "2024-07-01", "2024-12-31"), ("某县水利局", "2024-07-01", "2024-12-31")]
    tasks = titles(w)
    assert len(tasks) == 5
    teachers = next(t for t in tasks.values() if t["title"].startswith("加强教师队伍建设"))
    assert teachers["label"] == "（二）"
    values = sorted((t["kind"], t["value"]) for t in teachers["targets"] if t["kind"] != "deadline")
    assert ("count", 120) in values and ("percent", 100) in values


def test_same_file_twice_changes_nothing(world):
    w = world
    p = write(w, "汇编.txt", COMPILATION)
    w.run("plan", "import", str(p))
    before = w.json("task", "list")
    again = w.json("plan", "import", str(p))
    assert again["changed"] is False
    assert all(u["same_file"] and not u["created"] and not u["updated"] for u in again["units"])
    assert w.json("task", "list") == before
    assert len(w.json("plan", "list")) == 2


def test_revision_updates_adds_flags_and_keeps_progress(world):
    w = world
    w.run("plan", "import", str(write(w, "v1.txt", COMPILATION)))
    tasks = titles(w)
    teachers = next(t for t in tasks.values() if t["title"].startswith("加强教师队伍建设"))
    water = next(t for t in tasks.values() if t["title"].startswith("农村供水保障"))
    target_no = next(i for i, t in enumerate(teachers["targets"], 1) if t["kind"] == "count")
    w.run("--today", "2024-10-09", "task", "update", str(teachers["id"]), "--target", str(target_no), "--value", "80",
          "--note", "已招80名")
    w.run("--today", "2024-10-09", "task", "update", str(water["id"]), "--value", "90", "--note", "管网铺设中")
    result = w.json("plan", "import", str(write(w, "v2.txt", REVISED)))
    edu = next(u for u in result["units"] if u["unit"] == "某县教育局")
    wat = next(u for u in result["units"] if u["unit"] == "某县水利局")
    assert any("特殊教育" in n for n in edu["created"])
    assert any("教师队伍" in n for n in edu["updated"])
    assert any("农村供水" in n for n in wat["vanished"])
    after = titles(w)
    assert not any(t.startswith("农村供水保障") for t in after)  # vanished tasks leave the lists
    same = next(t for t in after.values() if t["title"].startswith("加强教师队伍建设"))
    assert same["id"] == teachers["id"]
    count = next(t for t in same["targets"] if t["kind"] == "count")
    assert count["value"] == 150 and count["current"] == 80
    # The vanished task and its log are still there.
    log = w.json("task", "log", str(water["id"]))
    assert [r["note"] for r in log if r["action"] != "import"] == ["管网铺设中"]
    assert [r["action"] for r in log] == ["update", "import"]  # the change log says it vanished
    assert [r["note"] for r in w.json("task", "log", str(teachers["id"])) if r["action"] != "import"] == ["已招80名"]
    # Importing the first version again brings the vanished task back.
    back = w.json("plan", "import", str(write(w, "v1again.txt", COMPILATION)))
    assert any("农村供水" in n for u in back["units"] for n in u["revived"])
    assert any(t.startswith("农村供水保障") for t in titles(w))


def test_dry_run_writes_nothing(world):
    w = world
    w.run("init")
    result = w.json("plan", "import", str(write(w, "汇编.txt", COMPILATION)), "--dry-run")
    assert result["dry_run"] is True
    assert sum(len(u["created"]) for u in result["units"]) == 5
    assert w.json("plan", "list") == [] and w.json("task", "list") == []


def test_unit_option_selects_one_unit(world):
    w = world
    w.run("plan", "import", str(write(w, "汇编.txt", COMPILATION)), "--unit", "某县水利局")
    assert {t["unit"] for t in w.json("task", "list")} == {"某县水利局"}
    r = w.run("plan", "import", str(write(w, "x.txt", COMPILATION)), "--unit", "某县公安局", ok=False)
    assert r.exit_code == 2 and "没有单位" in r.output


def test_year_and_half_override(world):
    w = world
    w.run("plan", "import", str(write(w, "汇编.txt", COMPILATION)), "--year", "2025", "--half", "2")
    assert {(p["period_start"], p["period_end"]) for p in w.json("plan", "list")} == {("2025-07-01", "2025-12-31")}
    r = w.run("plan", "import", str(write(w, "y.txt", COMPILATION)), "--half", "3", ok=False)
    assert r.exit_code == 2 and "--half" in r.output


def big_compilation(units: int, items: int) -> str:
    parts = []
    for u in range(units):
        name = f"某县第{u + 1}局"
        parts.append(f"{name}2024年上半年工作总结和下半年工作计划\n一、上半年工作总结\n上半年完成各项工作。\n二、下半年工作计划\n")
        for i in range(items):
            parts.append(f"{i + 1}.推进第{i + 1}项重点工作。年底前完成建设项目{i % 9 + 2}个，覆盖率达到90%以上。\n")
    return "\n".join(parts)


def test_import_killed_midway_leaves_database_unchanged(sqlite_world):
    """SIGKILL during a large import: the database is as before, intact, and a rerun completes."""
    w = sqlite_world
    w.run("plan", "import", str(write(w, "small.txt", COMPILATION)))
    db_path = w.db_url.split("///", 1)[1]

    def snapshot():
        con = sqlite3.connect(db_path)
        try:
            return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                         for t in ("unit", "plan", "task", "target", "progress_update"))
        finally:
            con.close()

    before = snapshot()
    big = write(w, "big.txt", big_compilation(40, 250))
    env = {**os.environ, "TRACKER_DB": w.db_url}
    exe = str(Path(sys.executable).parent / "tracker")
    proc = subprocess.Popen([exe, "plan", "import", str(big)], cwd=w.path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Wait until the importer holds the write lock (its transaction has begun), then kill it.
    deadline = time.time() + 60
    killed_inside = False
    while time.time() < deadline and proc.poll() is None:
        con = sqlite3.connect(db_path, timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        except sqlite3.OperationalError:
            os.kill(proc.pid, signal.SIGKILL)
            killed_inside = True
            break
        finally:
            con.close()
        time.sleep(0.01)
    proc.wait(timeout=30)
    if not killed_inside:
        pytest.fail("the import finished before it could be killed; make the file larger")
    assert snapshot() == before
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    r = subprocess.run([exe, "plan", "import", str(big)], cwd=w.path, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    after = snapshot()
    assert after[2] == before[2] + 40 * 250


@pytest.mark.postgres
def test_import_killed_midway_on_postgres(pg_server, isolated, monkeypatch):
    """The same on PostgreSQL: the server rolls back the killed importer's transaction."""
    from tests.conftest import fresh_pg_url
    from tracker.db import Database

    url = fresh_pg_url(pg_server)
    monkeypatch.setenv("TRACKER_DB", url)
    env = {**os.environ, "TRACKER_DB": url}
    exe = str(Path(sys.executable).parent / "tracker")
    small = isolated / "small.txt"
    small.write_text(COMPILATION, encoding="utf-8")
    assert subprocess.run([exe, "plan", "import", str(small)], env=env, capture_output=True).returncode == 0

    def snapshot():
        db = Database(url)
        try:
            return tuple(int(db.conn.scalar(f"SELECT count(*) FROM {t}"))
                         for t in ("unit", "plan", "task", "target", "progress_update"))
        finally:
            db.close()

    before = snapshot()
    big = isolated / "big.txt"
    big.write_text(big_compilation(40, 250), encoding="utf-8")
    proc = subprocess.Popen([exe, "plan", "import", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed_inside = False
    deadline = time.time() + 60
    watch = Database(url)
    try:
        while time.time() < deadline and proc.poll() is None:
            # Kill once the importer's transaction has written rows (it holds a row lock on task).
            busy = watch.conn.scalar(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'task' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
            )
            watch.conn.end_read()
            if busy:
                os.kill(proc.pid, signal.SIGKILL)
                killed_inside = True
                break
            time.sleep(0.01)
    finally:
        watch.close()
    proc.wait(timeout=30)
    if not killed_inside:
        pytest.fail("the import finished before it could be killed; make the file larger")
    deadline = time.time() + 30
    while snapshot() != before and time.time() < deadline:
        time.sleep(0.2)  # the server notices the dead client and rolls back
    assert snapshot() == before
    r = subprocess.run([exe, "plan", "import", str(big)], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert snapshot()[2] == before[2] + 40 * 250
