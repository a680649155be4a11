"""The installed `tracker` command, run as a real process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "tracker"


def run(args, cwd, **env):
    exe = str(BIN) if BIN.exists() else shutil.which("tracker")
    assert exe, "the tracker entry point is not installed"
    full = {**os.environ, "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "测试员", **env}
    full.pop("TRACKER_CONFIG", None)
    return subprocess.run([exe, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=60)


def test_entry_point_runs_a_session(tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    assert run(["init"], tmp_path, TRACKER_DB=db).returncode == 0
    assert run(["unit", "add", "县水利局"], tmp_path, TRACKER_DB=db).returncode == 0
    r = run(["task", "add", "水库除险加固", "--unit", "县水利局", "--target", "完成3座水库除险加固"],
            tmp_path, TRACKER_DB=db)
    assert r.returncode == 0, r.stderr
    r = run(["task", "list", "--format", "json"], tmp_path, TRACKER_DB=db)
    assert r.returncode == 0, r.stderr
    [task] = json.loads(r.stdout)
    assert task["unit"] == "县水利局"
    bad = run(["task", "show", "42"], tmp_path, TRACKER_DB=db)
    assert bad.returncode == 2
    assert "任务不存在" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_default_database_goes_under_db_folder(tmp_path):
    r = run(["init"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "db" / "tracker.db").exists()


@pytest.mark.parametrize("args", [["--help"], ["task", "--help"]])
def test_help_does_not_load_the_orm(args, tmp_path):
    code = (f"import sys; sys.argv = ['tracker', *{args!r}]\n"
            "try:\n    import tracker.cli as c; c.main()\nexcept SystemExit:\n    pass\n"
            "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'apprise', 'docx', 'openpyxl', 'rich') "
            "if m in sys.modules]\nprint('LOADED', bad)")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "LOADED []" in r.stdout, r.stdout + r.stderr


def test_task_list_on_sqlite_does_not_load_the_orm(tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    assert run(["init"], tmp_path, TRACKER_DB=db).returncode == 0
    code = ("import sys; sys.argv = ['tracker', 'task', 'list']\n"
            "try:\n    import tracker.cli as c; c.main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', [m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules])")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "TRACKER_DB": db})
    assert "LOADED []" in r.stdout, r.stdout + r.stderr


def test_commands_run_with_the_garbage_collector_on_and_the_loaded_modules_frozen(tmp_path):
    """The console script pauses the collector only while the CLI loads (tracker.entry)."""
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 10000))\n"
            "sys.argv = ['tracker', '--version']\n"
            "from tracker.entry import main\n"
            "main()\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-2:] == ["tracker 0.1.0", "True True"]
