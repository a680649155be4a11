"""CLI habits: -h, --version, completion, metavars and click's own messages in Chinese; and the
test set-up waiting for the package manager's lock."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

BIN = Path(sys.executable).parent / "tracker"


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.run([str(BIN), *args], env={**full, **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [["-h"], ["task", "-h"], ["task", "update", "-h"], ["plan", "import", "-h"]])
def test_short_help_in_chinese(args):
    r = run(*args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("用法：tracker")
    assert "显示此帮助并退出" in r.stdout
    for english in ("Show this message and exit", "Usage:", "[OPTIONS]", "[required]", "TEXT"):
        assert english not in r.stdout, english


def test_help_fits_80_columns():
    import unicodedata

    def columns(line: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)

    for args in (["-h"], ["task", "update", "-h"], ["undo", "-h"], ["report", "-h"]):
        out = run(*args, COLUMNS="80").stdout
        assert max(columns(ln) for ln in out.splitlines()) <= 80, args


def test_version():
    from tracker import __version__

    for flag in ("--version", "-V"):
        r = run(flag)
        assert r.returncode == 0 and r.stdout.strip() == f"tracker {__version__}"


def test_metavars_say_what_an_option_takes():
    out = run("task", "update", "-h").stdout
    for option, metavar in (("--value", "数字"), ("--on", "日期"), ("--target", "序号"), ("--by", "姓名")):
        assert any(option in ln and metavar in ln for ln in out.splitlines()), option
    assert "编号" in run("task", "show", "-h").stdout.splitlines()[0]


def test_clicks_own_errors_are_in_chinese(tmp_path):
    r = run("report", "yearend", "--year", "abc", TRACKER_DB=str(tmp_path / "x.db"))
    assert r.returncode == 2
    assert "不是有效的整数" in r.stderr and "not a valid" not in r.stderr
    r = run("task", "list", "--nope")
    assert r.returncode == 2 and "未知选项" in r.stderr


def test_completion_scripts_and_completing(tmp_path):
    r = run("--show-completion", "bash")
    assert r.returncode == 0 and "_tracker_completion" in r.stdout
    done = subprocess.run([str(BIN)], env={**os.environ, "COMP_WORDS": "tracker task up", "COMP_CWORD": "2",
                                           "_TRACKER_COMPLETE": "complete_bash"},
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["update"]
    home = tmp_path / "home"
    home.mkdir()
    r = run("--install-completion", "bash", HOME=str(home), SHELL="/bin/bash")
    assert r.returncode == 0, r.stderr
    assert "已为 bash 安装命令补全" in r.stdout and "installed" not in r.stdout
    assert "_tracker_completion" in (home / ".bash_completions" / "tracker.sh").read_text()
    assert "tracker.sh" in (home / ".bashrc").read_text()


def test_waits_for_the_package_managers_lock_instead_of_failing(tmp_path):
    lock = tmp_path / "lock-frontend"
    lock.write_text("")
    script = REPO / "scripts" / "wait-apt-lock.sh"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, time, sys\n"
        f"f = open({str(lock)!r}, 'a'); fcntl.lockf(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(3)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with open(lock, "a") as f:  # the lock really is taken
            with pytest.raises(OSError):
                fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        give_up = subprocess.run(["bash", str(script)], env={**os.environ, "APT_LOCK_FILES": str(lock),
                                                             "APT_LOCK_WAIT": "1"}, capture_output=True, text=True)
        assert give_up.returncode == 1 and "still holds" in give_up.stderr
        waited = subprocess.run(["bash", str(script)], env={**os.environ, "APT_LOCK_FILES": str(lock),
                                                            "APT_LOCK_WAIT": "60"}, capture_output=True, text=True)
        assert waited.returncode == 0, waited.stderr
        assert "waiting for another apt/dpkg" in waited.stderr
    finally:
        holder.wait(timeout=30)
    free = subprocess.run(["bash", str(script)], env={**os.environ, "APT_LOCK_FILES": str(lock)},
                          capture_output=True, text=True)
    assert free.returncode == 0 and free.stderr == ""
    assert "wait-apt-lock.sh" in (REPO / "scripts" / "test-services.sh").read_text()


# -- notify --dry-run, scheduler job names, log times ---------------------------------------------
def test_notify_dry_run_checks_channel_urls_as_a_real_send(world):
    from tests.test_notify import write_config

    w = world
    write_config(w, [{"name": "督办群", "url": "nosuchscheme://abc"}])
    r = w.run("notify", "send", "weekly", "--dry-run", ok=False)
    assert r.exit_code == 2 and "地址无效或不受支持" in r.output.replace("\n", "")
    write_config(w, [{"name": "督办群", "url": "json://127.0.0.1:9/token"}])
    assert w.run("notify", "send", "weekly", "--dry-run").exit_code == 0


def test_scheduler_job_names_follow_the_configured_schedule(world):
    from tests.test_notify import write_config
    from tracker.scheduler import job_name

    assert job_name("overdue", "0 9 * * mon-fri", True) == "逾期提醒（周一至周五 09:00，仅工作日）"
    assert job_name("weekly", "30 15 * * 4", False) == "每周汇总（周四 15:30）"
    assert job_name("weekly", "0 8 * * *", False) == "每周汇总（每天 08:00）"
    w = world
    write_config(w, [], schedule='overdue = "30 8 * * mon,wed"\nweekly = "0 10 * * sat"')
    names = {j["name"]: j["title"] for j in w.json("scheduler", "jobs")}
    assert names == {"overdue": "逾期提醒（周一、周三 08:30，仅工作日）", "weekly": "每周汇总（周六 10:00，仅工作日）"}


def test_logs_use_the_configured_time_zone():
    import logging

    from tracker.notify import ZonedFormatter

    record = logging.LogRecord("tracker", logging.INFO, __file__, 1, "已发送", None, None)
    record.created = 1696816800.0  # 2023-10-09 02:00 UTC
    assert ZonedFormatter("%(asctime)s", "Asia/Shanghai").format(record) == "2023-10-09 10:00:00+0800"
    assert ZonedFormatter("%(asctime)s", "Asia/Urumqi").format(record) == "2023-10-09 08:00:00+0600"
