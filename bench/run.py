"""`make bench`: speed figures for tracker, printed as one table.

Builds scratch databases (10,000 tasks, 30,000 targets, 100,000 progress updates over 40 units;
optionally 1,000,000 updates and a PostgreSQL copy) and times whole `tracker` processes, the
median of several runs each, against the goals in the issues. Nothing here is a test: it
prints figures and marks each against its goal. The Taskwarrior side-by-side section is in
bench/taskwarrior.py; where the time goes is measured by bench/profile.py (see bench/PROFILE.md).
Every scratch folder (run.scratch) is removed at the end, also when the bench fails.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = str(Path(sys.executable).parent / "tracker")
sys.path.insert(0, str(ROOT))

ROWS: list[tuple[str, str, float | None, float | None, str]] = []
SCRATCH: list[Path] = []  # every scratch folder the bench makes; main() removes them all at the end


def scratch(prefix: str = "tracker-bench-") -> Path:
    """A fresh scratch folder, removed by main() at the end (also when the bench fails)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    SCRATCH.append(path)
    return path


def secs(value: float | None) -> str:
    """A figure as printed everywhere in the bench: seconds, three decimals (0.245 s)."""
    return "—" if value is None else f"{value:.3f} s"


def pad(text: str, width: int) -> str:
    """Left-align in a column of ``width`` terminal cells (a Chinese character takes two)."""
    cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cells)


def record(section: str, what: str, seconds: float | None, goal: float | None, note: str = "") -> None:
    ROWS.append((section, what, seconds, goal, note))
    print(f"  {section:<11} {pad(what, 56)} {secs(seconds):>9}  goal {secs(goal):>9} {_verdict(seconds, goal):<4} {note}",
          flush=True)


def _verdict(seconds: float | None, goal: float | None) -> str:
    return "" if seconds is None or goal is None else ("ok" if seconds <= goal else "SLOW")


def median_run(args: list[str], env: dict[str, str], runs: int = 5, cwd: Path | None = None) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run([BIN, *args], env=env, cwd=cwd, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(f"tracker {' '.join(args)} failed: {r.stderr[-500:]}")
    return statistics.median(times)


def build_database(url: str, tasks: int = 10_000, targets_per_task: int = 3, updates: int = 100_000,
                   units: int = 40, seed: int = 7) -> None:
    """Fill a migrated database directly with SQL (the CLI would take minutes for this much)."""
    from tracker.db import Database

    rnd = random.Random(seed)
    db = Database(url)
    db.ensure_schema()
    c = db.conn
    now = datetime(2023, 10, 9, 9, 0, 0)
    start, end = date(2023, 7, 1), date(2023, 12, 31)
    with c.transaction():
        for u in range(units):
            c.execute("INSERT INTO unit (id, name, created_at) VALUES (:id, :n, :t)", id=u + 1, n=f"第{u + 1:02d}单位",
                      t=now)
            c.execute("INSERT INTO plan (id, unit_id, title, period_start, period_end, created_at, updated_at) "
                      "VALUES (:id, :id, :title, :s, :e, :t, :t)", id=u + 1, title=f"第{u + 1:02d}单位下半年工作计划",
                      s=start, e=end, t=now)
        target_id = 0
        for k in range(tasks):
            unit = k % units + 1
            half = tasks // 2  # the first half are plan items, the second half their sub-items
            parent = None if k < half else ((k - half) // units % (half // units)) * units + unit
            c.execute("INSERT INTO task (id, plan_id, unit_id, parent_id, position, label, title, text, created_at, "
                      "updated_at) VALUES (:id, :p, :p, :par, :pos, :label, :title, :text, :t, :t)",
                      id=k + 1, p=unit, par=parent, pos=k, label=f"（{k % 12 + 1}）", title=f"重点任务{k + 1}",
                      text=f"推进第{k + 1}项重点工作，年底前完成建设任务。", t=now)
            for j in range(targets_per_task):
                target_id += 1
                c.execute("INSERT INTO target (id, task_id, position, kind, value, comparator, measure, deadline, "
                          "quote) VALUES (:id, :k, :j, :kind, :v, '>=', :m, :d, :q)", id=target_id, k=k + 1, j=j,
                          kind="count" if j < 2 else "percent", v=rnd.randint(5, 100) if j < 2 else 100,
                          m="个" if j < 2 else "%", d=end, q=f"完成{j + 1}项")
        n_targets = target_id
        for i in range(updates):
            t = rnd.randint(1, n_targets)
            task = (t - 1) // targets_per_task + 1
            day = start + timedelta(days=rnd.randint(0, 100))
            c.execute("INSERT INTO progress_update (task_id, target_id, action, value, note, author, happened_on, "
                      "recorded_at) VALUES (:k, :t, 'update', :v, :n, :a, :d, :r)", k=task, t=t,
                      v=rnd.randint(0, 100), n=f"进展说明{i}", a=f"填报人{i % 50}", d=day,
                      r=now - timedelta(seconds=updates - i))
        c.execute("UPDATE target SET current_value = (SELECT pu.value FROM progress_update pu WHERE pu.target_id = "
                  "target.id ORDER BY pu.happened_on DESC, pu.id DESC LIMIT 1)")
        c.execute("UPDATE task SET last_update_on = (SELECT max(pu.happened_on) FROM progress_update pu "
                  "WHERE pu.task_id = task.id)")
        from tracker.status import Rules
        from tracker.tasks import refresh_plan_rollups

        for u in range(units):  # what an import does after writing a plan's tasks
            refresh_plan_rollups(c, u + 1, date(2023, 10, 9), Rules())
    db.close()


def keep_pristine(db: Path, copy: Path) -> None:
    """A copy of the freshly built database, before any timed command writes to it."""
    import sqlite3

    src, dst = sqlite3.connect(db), sqlite3.connect(copy)
    src.backup(dst)
    dst.close()
    src.close()


def _copy_field(value: object) -> str:
    """One value in COPY's text format: \\N for NULL, backslash, tab and line breaks escaped."""
    if value is None:
        return "\\N"
    text = str(value)
    if any(ch in text for ch in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_to_postgres(sqlite_path: Path, url: str) -> None:
    """Put a built SQLite bench database on PostgreSQL: migrate there, then COPY every table's rows
    in foreign-key order (row-by-row INSERTs over the socket take minutes) and move the id
    sequences past the copied ids."""
    import io
    import sqlite3

    import psycopg2

    from tracker.db import Database

    db = Database(url)
    db.ensure_schema()
    db.close()
    src = sqlite3.connect(sqlite_path)
    order = ["unit", "plan", "task", "target", "progress_update"]
    kept = ("board_stamp", "board_cache")  # SQLite's kept board: the migration made PostgreSQL's own stamp
    others = [name for (name,) in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                              "'sqlite_%' AND name != 'alembic_version' ORDER BY name")
              if name not in order and name not in kept]
    pg = psycopg2.connect("postgresql://" + url.split("://", 1)[1])
    try:
        with pg.cursor() as pc:
            for table in order + others:
                cur = src.execute(f'SELECT * FROM "{table}"')
                cols = [d[0] for d in cur.description]
                rows = cur.fetchall()
                if not rows:
                    continue
                quoted = ", ".join(f'"{c}"' for c in cols)
                text = "".join("\t".join(_copy_field(v) for v in row) + "\n" for row in rows)
                pc.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', io.StringIO(text))
                if "id" in cols:
                    pc.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f'(SELECT max(id) FROM "{table}"))')
        pg.commit()
        pg.autocommit = True
        with pg.cursor() as pc:
            pc.execute("ANALYZE")
    finally:
        pg.close()
    src.close()


HELP_GOAL = 0.08  # issue 15
HOT_GOAL = 0.3  # issue 15: the hot commands on PostgreSQL (and never slower than that on SQLite)
REPORT_GOAL = 3.0  # issue 15: weekly and year-end, 10,000 tasks / 100,000 updates, every format


def section_commands(name: str, url: str, env: dict[str, str], runs: int) -> None:
    env = {**env, "TRACKER_DB": url, "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "bench"}
    record(name, "tracker --help", median_run(["--help"], env, runs), HELP_GOAL)
    record(name, "tracker task list --unit 第07单位", median_run(["task", "list", "--unit", "第07单位"], env, runs), HOT_GOAL)
    record(name, "tracker board", median_run(["board"], env, runs), HOT_GOAL)
    record(name, "tracker task show 4321", median_run(["task", "show", "4321"], env, runs), HOT_GOAL)
    record(name, "tracker task update 4321 --add 1", median_run(
        ["task", "update", "4321", "--target", "1", "--add", "1", "--note", "基准测试"], env, runs), HOT_GOAL)
    for kind, args in (("weekly", ["report", "weekly", "--format", "md", "-o"]),
                       ("yearend", ["report", "yearend", "--year", "2023", "--format", "md", "-o"])):
        out = scratch("tracker-bench-report-") / f"{kind}.md"
        try:
            record(name, f"tracker report {kind} (md)", median_run([*args, str(out)], env, max(1, runs // 2)), REPORT_GOAL)
        except SystemExit as exc:
            record(name, f"tracker report {kind}", None, REPORT_GOAL, f"not available: {str(exc)[:60]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="skip the 1,000,000-update and PostgreSQL sections")
    ap.add_argument("--only", default="", help="comma-separated section functions to run after the SQLite one "
                    f"(of: {', '.join(fn.__name__ for fn in EXTRA)}); default all")
    a = ap.parse_args()
    # Measure as on a user's machine: bytecode cached (some shells set PYTHONDONTWRITEBYTECODE).
    env = {k: v for k, v in os.environ.items() if k not in ("TRACKER_CONFIG", "PYTHONDONTWRITEBYTECODE")}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tracker")], capture_output=True)
    work = scratch()
    print(f"scratch folder: {work}")
    try:
        print("building 10,000 tasks / 30,000 targets / 100,000 updates over 40 units …", flush=True)
        url = f"sqlite:///{work / 'bench.db'}"
        t0 = time.perf_counter()
        build_database(url)
        print(f"  built in {time.perf_counter() - t0:.1f} s")
        keep_pristine(work / "bench.db", work / "pristine.db")
        section_commands("sqlite", url, env, a.runs)
        only = {name.strip() for name in a.only.split(",") if name.strip()}
        for fn in EXTRA:
            if not only or fn.__name__ in only:
                fn(work, env, a)
    finally:
        for path in SCRATCH:
            shutil.rmtree(path, ignore_errors=True)
        print(f"removed {len(SCRATCH)} scratch folder(s)")
        summary()


def summary() -> None:
    print("\nsummary")
    print(f"  {'section':<11} {'what':<56} {'time':>9}  {'goal':>9}")
    for section, what, sec, goal, note in ROWS:
        print(f"  {section:<11} {pad(what, 56)} {secs(sec):>9}  {secs(goal):>9} {_verdict(sec, goal):<4} {note}".rstrip())


EXTRA: list[Callable[[Path, dict[str, str], argparse.Namespace], None]] = []

if __name__ == "__main__":
    # The sections register themselves in the importable module bench.run (its EXTRA and ROWS),
    # not in this __main__ copy of the file: run that module's main() so that they take part.
    import bench.forms  # noqa: F401  (registers the 填报 forms section)
    import bench.outcome  # noqa: F401  (registers the plan-against-outcome section)
    import bench.plans  # noqa: F401  (registers the plan import section)
    import bench.run
    import bench.sections  # noqa: F401  (registers the other issues' sections in EXTRA)
    import bench.taskwarrior  # noqa: F401  (registers the Taskwarrior side-by-side section first)

    bench.run.main()
