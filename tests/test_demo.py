"""`make demo` as the README tells it: the demo database is where the README says, `tracker
board` then shows it, and a second run keeps it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

BIN = Path(sys.executable).parent / "tracker"


def demo(db: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "TRACKER_DB": f"sqlite:///{db}", "TRACKER_TODAY": "2024-10-15",
            "TRACKER_BIN": str(BIN), **env}
    full.pop("TRACKER_CONFIG", None)
    return subprocess.run(["bash", str(REPO / "examples" / "demo.sh")], env=full, capture_output=True,
                          text=True, timeout=600)


def tracker(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.run([str(BIN), *args], cwd=cwd, env={**full, **env}, capture_output=True, text=True,
                          timeout=60)


def test_demo_then_board_as_the_readme_says_and_a_second_demo_keeps_it(tmp_path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    m = re.search(r"export TRACKER_DB=(\S+) TRACKER_TODAY=(\S+)", readme)
    assert m, "README tells how to point tracker at the demo database"
    assert m.group(1) == "db/demo.db"
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "DEMO_DB := db/demo.db" in makefile and f"DEMO_TODAY ?= {m.group(2)}" in makefile

    work = tmp_path / "clone"
    (work / "db").mkdir(parents=True)
    db = work / "db" / "demo.db"
    first = demo(db)
    assert first.returncode == 0, first.stderr
    assert "export TRACKER_DB=" in first.stdout

    board = tracker("board", "--format", "json", cwd=work, TRACKER_DB=m.group(1), TRACKER_TODAY=m.group(2))
    assert board.returncode == 0, board.stderr
    rows = json.loads(board.stdout)
    assert len(rows) == 5 and sum(r["total"] for r in rows) > 15
    assert any(r["counts"]["绿"] for r in rows)
    log_before = tracker("task", "log", "2", "--format", "json", cwd=work, TRACKER_DB=m.group(1)).stdout

    second = demo(db)
    assert second.returncode == 0, second.stderr
    assert "演示数据库已存在，保留不动" in second.stdout
    again = tracker("board", "--format", "json", cwd=work, TRACKER_DB=m.group(1), TRACKER_TODAY=m.group(2))
    assert json.loads(again.stdout) == rows
    assert tracker("task", "log", "2", "--format", "json", cwd=work, TRACKER_DB=m.group(1)).stdout == log_before
    assert json.loads(log_before), "the demo logged progress on task 2"

    tracker("task", "update", "2", "--target", "1", "--value", "100", "--by", "演示", cwd=work,
            TRACKER_DB=m.group(1), TRACKER_TODAY=m.group(2))
    fresh = demo(db, FRESH="1")
    assert fresh.returncode == 0, fresh.stderr

    def entries(text: str) -> list[tuple]:
        return [(r["action"], r["value"], r["note"], r["author"], r["happened_on"]) for r in json.loads(text)]

    after = tracker("task", "log", "2", "--format", "json", cwd=work, TRACKER_DB=m.group(1)).stdout
    assert entries(after) == entries(log_before)  # made anew: the extra update is gone


def readme_commands() -> list[list[str]]:
    """The 常用命令 lines of the README that act on the demo database, in order."""
    import shlex

    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## 常用命令", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    out = []
    for line in block.splitlines():
        cmd = line.split("  #", 1)[0].strip()
        if cmd.startswith(("tracker task", "tracker board", "tracker undo", "tracker log", "tracker unit alias")):
            out.append(shlex.split(cmd)[1:])
    return out


def test_readme_commands_work_as_written_on_the_demo(tmp_path):
    work = tmp_path / "clone"
    (work / "db").mkdir(parents=True)
    assert demo(work / "db" / "demo.db").returncode == 0
    commands = readme_commands()
    assert len(commands) >= 15
    env = {"TRACKER_DB": "db/demo.db", "TRACKER_TODAY": "2024-10-15", "TRACKER_USER": "督办员"}
    for args in commands:
        r = tracker(*args, cwd=work, **env)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
        assert "内部错误" not in r.stderr
    # The README's --percent example targets a task without numeric targets, so it is recorded.
    shown = json.loads(tracker("task", "show", "31", "--format", "json", cwd=work, **env).stdout)
    assert any(e["percent"] == 60 and e["action"] == "update" for e in shown["log"])
    log = json.loads(tracker("log", "--format", "json", cwd=work, **env).stdout)
    assert {"update", "done", "edit", "cancel", "retract"} <= {r["action"] for r in log}
