"""Taskwarrior side by side (issue 15): the same 10,000 items, the comparable commands, one run.

Taskwarrior is installed from the system packages when `task` is missing (apt-get, as root);
when that cannot be done the section prints why and is skipped. The items are the bench
database's tasks, imported with `task import` into a TASKRC/TASKDATA of their own under the
scratch folder, project = unit name, so `task project:U list` lists what `tracker task list
--unit U` lists. Each pair is timed as whole processes, alternating (ours, theirs, theirs, ours, …)
so that both see the same machine load; the row shows our median, the goal is theirs (ratio ≤ 1.0).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from bench import run

UNIT = "第07单位"
TASK_ID = 4321
RUNS = 7


def find_or_install() -> tuple[str | None, str]:
    """The path of `task`, installing the taskwarrior package if needed; else (None, why)."""
    found = shutil.which("task")
    if found:
        return found, ""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "task not found and cannot install it (needs root and apt-get)"
    print("installing Taskwarrior (apt-get install -y taskwarrior) …", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "-q", "taskwarrior"]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:  # the package lists may be missing or stale: refresh once and retry
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, text=True)
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    found = shutil.which("task")
    if found:
        return found, ""
    return None, f"apt-get install taskwarrior failed: {(r.stderr or r.stdout).strip()[-120:]}"


def export_items(db_path: Path, out: Path) -> int:
    """Write the bench database's tasks as a Taskwarrior import file, in task id order."""
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT t.id, t.title, u.name, t.created_at, (SELECT max(g.deadline) FROM target g WHERE g.task_id = t.id) "
        "FROM task t JOIN unit u ON u.id = t.unit_id ORDER BY t.id").fetchall()
    con.close()
    items = []
    for task_id, title, unit, created, deadline in rows:
        entry = str(created)[:19].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
        item = {"uuid": str(uuid.UUID(int=task_id)), "status": "pending", "description": title, "project": unit,
                "entry": entry, "modified": entry}
        if deadline:
            item["due"] = str(deadline)[:10].replace("-", "") + "T000000Z"
        items.append(item)
    out.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return len(items)


Argv = list[str] | Callable[[int], list[str]]


def alternate(ours: Argv, theirs: Argv, env_ours: dict[str, str], env_theirs: dict[str, str],
              runs: int) -> tuple[float, float]:
    """Median whole-process seconds of both commands, run alternately (ABBA order); an argv may be
    a function of the run number (a modify that changes something every time)."""
    times: dict[int, list[float]] = {0: [], 1: []}
    cmds = ((ours, env_ours), (theirs, env_theirs))
    for i in range(runs):
        for which in ((0, 1) if i % 2 == 0 else (1, 0)):
            spec, env = cmds[which]
            argv = spec(i) if callable(spec) else spec
            t0 = time.perf_counter()
            r = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
            times[which].append(time.perf_counter() - t0)
            if r.returncode != 0:
                raise SystemExit(f"{' '.join(argv)} failed ({r.returncode}): {(r.stderr or r.stdout)[-300:]}")
    return statistics.median(times[0]), statistics.median(times[1])


def taskwarrior(work: Path, env: dict[str, str], args: argparse.Namespace) -> None:
    task, why = find_or_install()
    if task is None:
        print(f"  Taskwarrior section skipped: {why}")
        run.record("taskwarrior", "side by side with Taskwarrior", None, None, f"skipped: {why}")
        return
    version = subprocess.run([task, "--version"], capture_output=True, text=True).stdout.strip()
    home = work / "taskwarrior"
    (home / "data").mkdir(parents=True)
    rc = home / "taskrc"
    # No colour (the output goes to a pipe anyway), no confirmation prompts, no hooks, no news nag.
    rc.write_text(f"data.location={home / 'data'}\nconfirmation=off\ncolor=off\nhooks=off\n"
                  "news.version=99.0.0\n",
                  encoding="utf-8")
    tw_env = {**env, "TASKRC": str(rc), "TASKDATA": str(home / "data")}
    items = home / "items.json"
    n = export_items(work / "bench.db", items)
    print(f"importing {n:,} items into Taskwarrior {version} …", flush=True)
    t0 = time.perf_counter()
    r = subprocess.run([task, "import", str(items)], env=tw_env, capture_output=True, text=True)
    if r.returncode != 0:
        why = f"task import failed: {(r.stderr or r.stdout).strip()[-120:]}"
        run.record("taskwarrior", "side by side with Taskwarrior", None, None, why)
        return
    print(f"  imported in {time.perf_counter() - t0:.1f} s")
    info = subprocess.run([task, str(TASK_ID), "info"], env=tw_env, capture_output=True, text=True).stdout
    if f"重点任务{TASK_ID}" not in info:  # the ids must name the same item on both sides
        run.record("taskwarrior", "side by side with Taskwarrior", None, None, f"task {TASK_ID} is another item there")
        return

    ours_env = {**env, "TRACKER_DB": f"sqlite:///{work / 'bench.db'}", "TRACKER_TODAY": "2023-10-09",
                "TRACKER_USER": "bench"}
    runs = max(args.runs, RUNS)
    ours_bin, tid = run.BIN, str(TASK_ID)
    pairs = (
        (f"task list --unit {UNIT} · task project:{UNIT} list",
         [ours_bin, "task", "list", "--unit", UNIT], [task, f"project:{UNIT}", "list"]),
        (f"task show {tid} · task {tid} info", [ours_bin, "task", "show", tid], [task, tid, "info"]),
        ("board · task summary", [ours_bin, "board"], [task, "summary"]),
        (f"task update {tid} · task {tid} modify",
         [ours_bin, "task", "update", tid, "--target", "1", "--add", "1", "--note", "基准测试"],
         lambda i: [task, tid, "modify", "+bench" if i % 2 == 0 else "-bench"]),
    )
    for what, ours, theirs in pairs:
        try:
            mine, their = alternate(ours, theirs, ours_env, tw_env, runs)
        except SystemExit as exc:
            run.record("taskwarrior", what, None, None, f"failed: {str(exc)[:80]}")
            continue
        run.record("taskwarrior", what, mine, their,
                   f"Taskwarrior {run.secs(their)} · ratio {mine / their:.2f} (goal ≤ 1.00) · median of {runs}")
    mine, their = alternate([ours_bin, "--help"], [task, "help"], ours_env, tw_env, runs)
    run.record("taskwarrior", "--help · task help", mine, run.HELP_GOAL,
               f"Taskwarrior {run.secs(their)} · ratio {mine / their:.2f} · median of {runs}")


run.EXTRA.insert(0, taskwarrior)
