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


def tracker_exe() -> str:
    exe = str(BIN) if BIN.exists() else shutil.which("tracker")
    assert exe, "the tracker entry point is not installed"
    return exe


def run(args, cwd, **env):
    exe = tracker_exe()
    full = {**os.environ, "TRACKER_TODAY": "2023-10-09", "TRACKER_USER": "测试员", **env}
    full.pop("TRACKER_CONFIG", None)
    return subprocess.run([exe, *args], cwd=cwd, env=full, capture_output=True, text=True, timeout=60)


def one_task(tmp_path: Path, db: str) -> None:
    """A database made through the console script: a unit and a task with one target."""
    assert run(["init"], tmp_path, TRACKER_DB=db).returncode == 0
    assert run(["unit", "add", "县水利局"], tmp_path, TRACKER_DB=db).returncode == 0
    r = run(["task", "add", "水库除险加固", "--unit", "县水利局", "--target", "完成3座水库除险加固"],
            tmp_path, TRACKER_DB=db)
    assert r.returncode == 0, r.stderr


def test_entry_point_runs_a_session(tmp_path):
    db = f"sqlite:///{tmp_path / 't.db'}"
    one_task(tmp_path, db)
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


def leave_in_child(tmp_path: Path, before: str) -> subprocess.CompletedProcess[str]:
    code = ("import sys\nfrom tracker.entry import leave\n" + before +
            "sys.stdout.write('unflushed')\nleave(3)\nprint(' returned')\n")
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)


def test_leave_ends_the_process_with_its_output_and_code(tmp_path):
    r = leave_in_child(tmp_path, "")
    assert (r.returncode, r.stdout) == (3, "unflushed")


@pytest.mark.parametrize("before", [
    "import atexit; atexit.register(lambda: print(' at exit'))\n",
    "import threading, time; threading.Thread(target=time.sleep, args=(0.2,)).start()\n",
    f"from tracker.db import Database; Database('sqlite:///{'{}'}').conn\n",
    "import sqlalchemy\n",
])
def test_leave_returns_when_the_interpreter_still_has_work(tmp_path, before):
    """Exit handlers, other threads, open connections and SQLAlchemy's pools get Python's own exit."""
    r = leave_in_child(tmp_path, before.replace("{}", str(tmp_path / "t.db")))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("unflushed returned")


def test_leave_runs_openpyxls_exit_handler_first(tmp_path):
    """openpyxl's handler (it deletes write-only sheets' leftover temporary files) is run at once
    when it is the only one; with another handler too, Python's own exit runs them both."""
    make = ("from openpyxl.worksheet._writer import create_temporary_file\n"
            "open('left.txt', 'w').write(create_temporary_file())\n")
    r = leave_in_child(tmp_path, make)
    assert (r.returncode, r.stdout) == (3, "unflushed"), r.stderr
    assert not Path((tmp_path / "left.txt").read_text()).exists()
    r = leave_in_child(tmp_path, make + "import atexit; atexit.register(lambda: print(' at exit'))\n")
    assert r.stdout == "unflushed returned\n at exit\n", r.stderr
    assert not Path((tmp_path / "left.txt").read_text()).exists()


def test_keep_until_exit_only_under_the_console_script(tmp_path):
    """In a process the console script did not start (tests, the scheduler) nothing is kept."""
    from tracker import entry

    assert entry.keep_until_exit(object()) is False and entry._kept == []


def test_a_report_written_by_the_console_script_is_whole(tmp_path):
    """The report is left unfreed and openpyxl's handler run before the process ends: the
    workbook is complete and no temporary file is left behind."""
    import openpyxl

    db = f"sqlite:///{tmp_path / 't.db'}"
    one_task(tmp_path, db)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "w.xlsx"
    r = run(["report", "weekly", "--format", "xlsx", "-o", str(out)], tmp_path, TRACKER_DB=db, TMPDIR=str(scratch))
    assert r.returncode == 0, r.stderr
    assert "已生成报告" in r.stdout
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "汇总" and "说明" in wb.sheetnames
    assert list(scratch.iterdir()) == []


def test_a_command_leaves_its_writes_in_the_database_file(tmp_path):
    """The update is in the database file itself, not only in its write-ahead log: the connection
    was closed (copying the log back) before the process ended."""
    import sqlite3

    path = tmp_path / "t.db"
    db = f"sqlite:///{path}"
    one_task(tmp_path, db)
    r = run(["task", "update", "1", "--target", "1", "--value", "2", "--note", "两座完工"], tmp_path, TRACKER_DB=db)
    assert r.returncode == 0, r.stderr
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    copy = tmp_path / "copy.db"
    copy.write_bytes(path.read_bytes())  # the file alone, as someone copying it would
    with sqlite3.connect(copy) as raw:
        assert raw.execute("SELECT note FROM progress_update WHERE action = 'update'").fetchall() == [("两座完工",)]


def typer_help(tmp_path: Path, columns: str, prog: str = "tracker") -> str:
    code = f"import sys; sys.argv = [{prog!r}, '--help']\nfrom tracker.cli import main\nmain()"
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "COLUMNS": columns})
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("args", [["--help"], ["-h"], []])
def test_root_help_is_what_typer_prints(tmp_path, args):
    """The stored root help (tracker/cli/root_help-typer-<version>.txt, printed without loading
    typer) is the installed typer's own at 80 columns or more; when this fails, `make help`
    renders it again."""
    for columns in ("80", "132"):
        r = run(args, tmp_path, COLUMNS=columns)
        assert r.returncode == 0, r.stderr
        assert r.stdout == typer_help(tmp_path, columns)
    import typer

    from tracker.entry import ROOT_HELP, typer_version

    assert typer_version() == typer.__version__
    stored = Path(__file__).parent.parent / "tracker" / "cli" / ROOT_HELP.format(typer.__version__)
    assert stored.read_text(encoding="utf-8") == typer_help(tmp_path, "100")


def test_root_help_does_not_load_typer(tmp_path):
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('typer loaded:', 'typer' in sys.modules))\n"
            "sys.argv = ['tracker', '--help']\n"
            "from tracker.entry import main\n"
            "main()\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "COLUMNS": "100"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：tracker") and r.stdout.endswith("typer loaded: False\n")


def test_root_help_in_a_narrow_terminal_is_typer_s(tmp_path):
    """Below 80 columns click wraps the help narrower: typer prints it."""
    r = run(["--help"], tmp_path, COLUMNS="60")
    assert r.returncode == 0, r.stderr
    assert r.stdout == typer_help(tmp_path, "60") != typer_help(tmp_path, "100")


def test_root_help_under_another_name_names_it(tmp_path):
    exe = tracker_exe()
    link = tmp_path / "督办"
    link.symlink_to(exe)
    r = subprocess.run([str(link), "--help"], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                       env={**os.environ, "COLUMNS": "100"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：督办 [选项]")


@pytest.mark.parametrize("encoding", ["ascii", "gbk"])
def test_root_help_in_another_encoding_is_typer_s(tmp_path, encoding):
    """GBK output gets the stored text in GBK; an ASCII stdout, where click writes UTF-8, gets typer."""
    exe = tracker_exe()
    env = {**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": encoding}
    fast = subprocess.run([exe, "--help"], cwd=tmp_path, capture_output=True, timeout=60, env=env)
    code = "import sys; sys.argv = ['tracker', '--help']\nfrom tracker.cli import main\nmain()"
    slow = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, timeout=60, env=env)
    assert fast.returncode == slow.returncode == 0, fast.stderr + slow.stderr
    assert fast.stdout == slow.stdout and "用法".encode(encoding if encoding != "ascii" else "utf-8") in fast.stdout


def shell(line: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    exe = tracker_exe()
    return subprocess.run(["bash", "-c", line.replace("TRACKER", exe)], cwd=tmp_path, capture_output=True,
                          timeout=60, env={**os.environ, "COLUMNS": "100", **env})


@pytest.mark.parametrize("line, env", [
    ("TRACKER --help >&-; echo rc=$?", {}),  # no standard output at all
    ("TRACKER --help | (exec 0<&-; sleep 0.3); echo rc=${PIPESTATUS[0]}", {}),  # the reader is gone
    ("TRACKER --help", {"PYTHONIOENCODING": "ascii:replace"}),
    ("TRACKER --help", {"PYTHONIOENCODING": "utf-8:backslashreplace"}),
    ("TRACKER --help", {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}),
])
def test_root_help_where_typer_writes_otherwise_is_typer_s(tmp_path, line, env):
    """Streams typer treats its own way get exactly what typer does (here forced through typer
    by a variable the fast path leaves to it): code, output and messages."""
    fast = shell(line, tmp_path, **env)
    slow = shell(line, tmp_path, _TYPER_BASELINE="1", **env)
    assert (fast.returncode, fast.stdout, fast.stderr) == (slow.returncode, slow.stdout, slow.stderr)
