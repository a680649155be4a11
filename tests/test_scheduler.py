"""The scheduler: working days, triggers, restart and catch-up, two schedulers on one database.

APScheduler runs for real (BackgroundScheduler on the project database's job store); instead of
waiting for wall-clock times, a stored job's next run time is put in the past — exactly what a
daemon finds after downtime — and the test waits (bounded) for the run's event.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.test_notify import TOKEN, Server, outbox, seed, write_config

TZ = ZoneInfo("Asia/Shanghai")
NEVER_SOON = 'overdue = "0 9 1 1 *"\nweekly = "0 16 1 1 *"'  # 1 January: never fires during a test


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server().start()
    yield s
    s.stop()


# -- working days ----------------------------------------------------------------------------------
def test_working_days_follow_the_official_calendar():
    from tracker.scheduler import is_workday

    assert not is_workday(date(2023, 10, 2))  # National Day holiday (Monday)
    assert is_workday(date(2023, 10, 7))  # 调休: Saturday is a working day
    assert is_workday(date(2023, 10, 8))  # and so is that Sunday
    assert is_workday(date(2023, 10, 9))
    assert not is_workday(date(2023, 10, 14))  # an ordinary Saturday


def test_years_without_holiday_data_fall_back_to_monday_to_friday(caplog):
    from tracker import scheduler

    scheduler._warned_years.discard(2031)
    caplog.set_level("WARNING", logger="tracker.scheduler")
    assert scheduler.is_workday(date(2031, 1, 6))  # Monday
    assert not scheduler.is_workday(date(2031, 1, 4))  # Saturday
    assert "2031" in caplog.text and "周一至周五" in caplog.text
    assert caplog.text.count("2031 年") == 1  # warned once per year


def test_mon_fri_trigger_fires_daily_so_adjusted_weekends_run():
    from tracker.scheduler import JobSpec, make_trigger, next_runs

    daily = make_trigger("0 9 * * mon-fri", "Asia/Shanghai", workdays_only=True)
    fri = datetime(2023, 10, 6, 10, 0, tzinfo=TZ)
    assert daily.get_next_fire_time(None, fri) == datetime(2023, 10, 7, 9, 0, tzinfo=TZ)
    plain = make_trigger("0 9 * * 1-5", "Asia/Shanghai", workdays_only=False)  # crontab numbers: 1 = Monday
    assert plain.get_next_fire_time(None, fri) == datetime(2023, 10, 9, 9, 0, tzinfo=TZ)
    weekly = make_trigger("0 16 * * 5", "Asia/Shanghai", workdays_only=True)
    assert weekly.get_next_fire_time(None, fri) == datetime(2023, 10, 6, 16, 0, tzinfo=TZ)
    sunday = make_trigger("0 8 * * 0", "Asia/Shanghai", workdays_only=False)
    assert sunday.get_next_fire_time(None, fri).date() == date(2023, 10, 8)
    # Runs that will actually send, from before the National Day break: the 调休 weekend first.
    spec = JobSpec("overdue", "0 9 * * mon-fri", True, daily)
    runs = next_runs(spec, datetime(2023, 9, 28, 10, 0, tzinfo=TZ), workdays_only=True, count=3)
    assert [t.date() for t in runs] == [date(2023, 10, 7), date(2023, 10, 8), date(2023, 10, 9)]


def test_run_job_skips_national_day_and_runs_on_the_adjusted_saturday(world, server):
    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}])
    seed(w)
    r = w.run("--today", "2023-10-02", "scheduler", "run-job", "overdue")
    assert "不是工作日" in r.output
    assert server.received == []
    r = w.run("--today", "2023-10-07", "scheduler", "run-job", "overdue")
    assert "已发送" in r.output
    [got] = server.received
    assert "2023-10-07" in got.json["title"]
    assert [x["period"] for x in outbox(w)] == ["2023-10-07"]


def _fix_clock(monkeypatch, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """The daemon's clock stands at ``when``; "today" is not fixed (as in production)."""
    from tracker import scheduler

    monkeypatch.setattr(scheduler, "now", lambda tz: when.astimezone(ZoneInfo(tz)))
    monkeypatch.setattr(scheduler, "_daemon_opts", {})
    monkeypatch.delenv("TRACKER_TODAY", raising=False)


def test_the_daemons_job_skips_the_holiday_and_runs_on_the_adjusted_weekend(world, server, monkeypatch):
    """scheduled_run (what APScheduler calls) at fixed clock times around National Day 2023."""
    from tracker import scheduler

    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}])
    seed(w)

    def fire(job: str, when: datetime) -> None:
        _fix_clock(monkeypatch, when)
        scheduler.scheduled_run(job)

    fire("overdue", datetime(2023, 10, 2, 9, 0, 3, tzinfo=TZ))  # Monday, National Day holiday
    assert server.received == []
    fire("weekly", datetime(2023, 10, 6, 16, 0, 2, tzinfo=TZ))  # Friday, still the holiday: no weekly summary
    assert server.received == []
    fire("overdue", datetime(2023, 10, 7, 9, 0, 3, tzinfo=TZ))  # Saturday, 调休 working day
    fire("overdue", datetime(2023, 10, 8, 9, 0, 3, tzinfo=TZ))  # Sunday, 调休 working day
    assert [g.json["title"] for g in server.received] == ["【督办提醒】红灯任务清单（2023-10-07）",
                                                          "【督办提醒】红灯任务清单（2023-10-08）"]
    # Restarted on Monday at 08:30 after missing Sunday's run: the made-up run belongs to Sunday,
    # which was delivered already.
    fire("overdue", datetime(2023, 10, 9, 8, 30, tzinfo=TZ))
    assert len(server.received) == 2
    fire("weekly", datetime(2023, 10, 13, 16, 0, 2, tzinfo=TZ))
    assert server.received[-1].json["title"].startswith("【督办周报】2023年第41周")
    assert [(x["job"], x["period"]) for x in outbox(w)] == [
        ("overdue", "2023-10-07"), ("overdue", "2023-10-08"), ("weekly", "2023-W41")]


def test_jobs_lists_the_next_runs_that_will_send(sqlite_world, monkeypatch):
    w = sqlite_world
    write_config(w, [])
    # Friday 10:00: the weekly summary is due the same day at 16:00, the overdue list on Monday.
    _fix_clock(monkeypatch, datetime(2023, 10, 13, 10, 0, tzinfo=TZ))
    jobs = {j["name"]: j for j in w.json("scheduler", "jobs")}
    assert jobs["weekly"]["next_runs"][0] == "2023-10-13T16:00:00+08:00"
    assert jobs["overdue"]["next_runs"][:2] == ["2023-10-16T09:00:00+08:00", "2023-10-17T09:00:00+08:00"]
    assert "2023-10-13 16:00" in w.run("scheduler", "jobs").output
    # Friday 6 October is a holiday: next weekly run a week later; the overdue list runs on the 调休 Saturday.
    _fix_clock(monkeypatch, datetime(2023, 10, 6, 10, 0, tzinfo=TZ))
    jobs = {j["name"]: j for j in w.json("scheduler", "jobs")}
    assert jobs["weekly"]["next_runs"][0] == "2023-10-13T16:00:00+08:00"
    assert jobs["overdue"]["next_runs"][0] == "2023-10-07T09:00:00+08:00"


def test_past_the_calendar_data_run_job_uses_monday_to_friday(world, server):
    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}])
    seed(w)
    assert "不是工作日" in w.run("--today", "2031-01-04", "scheduler", "run-job", "weekly").output  # Saturday
    assert server.received == []
    assert "已发送" in w.run("--today", "2031-01-06", "scheduler", "run-job", "overdue").output  # Monday


def test_run_job_without_channels_is_a_user_error(world):
    r = world.run("--today", "2023-10-09", "scheduler", "run-job", "weekly", ok=False)
    assert r.exit_code == 2 and "尚未配置通知渠道" in r.output


def test_invalid_cron_is_a_config_error(world):
    write_config(world, [], schedule='overdue = "0 9 * *"')
    r = world.run("scheduler", "jobs", ok=False)
    assert r.exit_code == 2 and "[schedule] overdue" in r.output


# -- restart and catch-up -----------------------------------------------------------------------------
def _wait_for_runs(n: int):  # type: ignore[no-untyped-def]
    """An APScheduler listener and an event set once ``n`` job runs have finished."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED

    done = threading.Event()
    events: list = []

    def listener(ev) -> None:  # type: ignore[no-untyped-def]
        if ev.code & (EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED):
            events.append(ev)
            if len(events) >= n:
                done.set()

    listener.mask = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED  # type: ignore[attr-defined]
    return listener, done, events


def _meet_after_first_due_lookup(sched, barrier: threading.Barrier) -> None:  # type: ignore[no-untyped-def]
    """Hold the scheduler's first lookup of due jobs until every party has made its own.

    APScheduler moves a job's next run time right after it submits the job, so without this
    a slow second scheduler would find nothing due and the race under test would not happen.
    """
    store = sched._jobstores["default"]
    lookup = store.get_due_jobs
    met = threading.Event()

    def get_due_jobs(now):  # type: ignore[no-untyped-def]
        due = lookup(now)
        if due and not met.is_set():
            met.set()
            barrier.wait()
        return due

    store.get_due_jobs = get_due_jobs


def _set_next_run(ctx, job_id: str, when: datetime) -> None:  # type: ignore[no-untyped-def]
    """What downtime leaves behind: the stored job's next run time has passed.

    Written through the job store itself (no scheduler runs, so nothing can fire meanwhile).
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store = SQLAlchemyJobStore(engine=ctx.db.engine(), tablename="apscheduler_jobs")
    store.start(BackgroundScheduler(timezone=TZ), "default")
    job = store.lookup_job(job_id)
    job._modify(next_run_time=when)
    store.update_job(job)


def _stored(world) -> dict:  # type: ignore[no-untyped-def]
    return {j["name"]: j for j in json.loads(world.run("scheduler", "jobs", "--format", "json").stdout)}


def test_restarted_scheduler_keeps_its_jobs_and_catches_up_once(world, server):
    from apscheduler.events import EVENT_JOB_EXECUTED

    from tracker import scheduler

    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}], schedule=NEVER_SOON)
    seed(w)
    assert _stored(w)["weekly"]["stored_next_run"] is None  # no daemon yet

    ctx = w.context()
    try:
        first = scheduler.start(ctx)
        first.shutdown(wait=True)
        jobs = _stored(w)
        assert {j["stored_next_run"] is not None for j in jobs.values()} == {True}
        assert jobs["weekly"]["stored_next_run"].startswith(f"{datetime.now(TZ).year + 1}-01-01T16:00")

        # Down when the weekly run was due an hour ago; restarted: it runs once, late.
        _set_next_run(ctx, "weekly", datetime.now(TZ) - timedelta(hours=1))
        listener, done, events = _wait_for_runs(1)
        second = scheduler.start(ctx, listener=listener)
        try:
            assert done.wait(30), "the missed run was not made up"
        finally:
            second.shutdown(wait=True)
        assert [(e.job_id, e.code) for e in events] == [("weekly", EVENT_JOB_EXECUTED)]
        assert len(server.received) == 1
        assert server.received[0].json["title"].startswith("【督办周报】2023年第41周")
        assert [(x["job"], x["period"], x["status"]) for x in outbox(w)] == [("weekly", "2023-W41", "sent")]
        # The job is still stored, due next 1 January again.
        assert _stored(w)["weekly"]["stored_next_run"].startswith(f"{datetime.now(TZ).year + 1}-01-01")

        # A run missed again in the same week is made up but not delivered twice.
        _set_next_run(ctx, "weekly", datetime.now(TZ) - timedelta(minutes=5))
        listener, done, events = _wait_for_runs(1)
        third = scheduler.start(ctx, listener=listener)
        try:
            assert done.wait(30)
        finally:
            third.shutdown(wait=True)
        assert len(server.received) == 1
    finally:
        ctx.close()


def test_a_run_missed_beyond_the_grace_time_is_not_made_up(world, server):
    from apscheduler.events import EVENT_JOB_MISSED

    from tracker import scheduler

    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}],
                 schedule=NEVER_SOON + "\nmisfire_grace_seconds = 60")
    seed(w)
    ctx = w.context()
    try:
        scheduler.start(ctx).shutdown(wait=True)
        _set_next_run(ctx, "overdue", datetime.now(TZ) - timedelta(hours=2))
        listener, done, events = _wait_for_runs(1)
        sched = scheduler.start(ctx, listener=listener)
        try:
            assert done.wait(30)
        finally:
            sched.shutdown(wait=True)
        assert [(e.job_id, e.code) for e in events] == [("overdue", EVENT_JOB_MISSED)]
        assert server.received == []
    finally:
        ctx.close()


def _stored_job(ctx, job_id: str):  # type: ignore[no-untyped-def]
    """A job as the job store holds it in the project database (read without running a scheduler)."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    store = SQLAlchemyJobStore(engine=ctx.db.engine(), tablename="apscheduler_jobs")
    store.start(BackgroundScheduler(timezone=TZ), "default")
    return store.lookup_job(job_id)


def test_jobs_are_stored_as_importable_references_and_config_changes_apply_at_restart(world, server):
    from tracker import scheduler

    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}], schedule=NEVER_SOON)
    ctx = w.context()
    try:
        scheduler.start(ctx).shutdown(wait=True)
        job = _stored_job(ctx, "weekly")
        assert job.func_ref == "tracker.scheduler:scheduled_run" and job.args == ("weekly",)
        assert (job.coalesce, job.misfire_grace_time, job.max_instances) == (True, 86400, 1)
        assert str(job.trigger.timezone) == "Asia/Shanghai"
    finally:
        ctx.close()
    write_config(w, [{"name": "督办群", "url": server.json_url()}],
                 schedule='overdue = "30 8 1 1 *"\nweekly = "off"\nmisfire_grace_seconds = 600')
    ctx = w.context()
    try:
        sched = scheduler.start(ctx)
        assert [j.id for j in sched.get_jobs()] == ["overdue"]
        sched.shutdown(wait=True)
        job = _stored_job(ctx, "overdue")
        assert job.misfire_grace_time == 600  # not frozen at the value it was first stored with
        assert (job.next_run_time.hour, job.next_run_time.minute) == (8, 30)
        assert _stored_job(ctx, "weekly") is None
    finally:
        ctx.close()
    jobs = _stored(w)
    assert jobs["weekly"]["enabled"] is False and jobs["weekly"]["stored_next_run"] is None


# -- two schedulers, two processes ----------------------------------------------------------------------
def test_two_schedulers_on_one_database_deliver_once(world, server):
    from tracker import scheduler

    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}], schedule=NEVER_SOON)
    seed(w)
    ctx_a, ctx_b = w.context(), w.context()
    try:
        scheduler.start(ctx_a).shutdown(wait=True)
        _set_next_run(ctx_a, "weekly", datetime.now(TZ) - timedelta(minutes=10))
        listener, done, events = _wait_for_runs(2)
        both_looked = threading.Barrier(2, timeout=20)
        scheds = []
        for ctx in (ctx_a, ctx_b):  # both see the missed run before either has made it up
            s = scheduler.create_scheduler(ctx)
            _meet_after_first_due_lookup(s, both_looked)
            s.add_listener(listener)
            s.start(paused=True)
            scheduler.sync_jobs(s, ctx)
            scheds.append(s)
        for s in scheds:
            s.resume()
        try:
            assert done.wait(30)
        finally:
            for s in scheds:
                s.shutdown(wait=True)
        assert [e.job_id for e in events] == ["weekly", "weekly"]  # both ran the job …
        assert len(server.received) == 1  # … one message arrived
        assert [x["status"] for x in outbox(w)] == ["sent"]
    finally:
        ctx_a.close()
        ctx_b.close()


def test_two_processes_running_the_scheduled_job_deliver_once(world, server):
    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}])
    seed(w)
    env = {**os.environ, "TRACKER_DB": w.db_url}
    code = "from tracker.scheduler import scheduled_run; scheduled_run('weekly')"
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=w.path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert TOKEN not in out + err
    assert len(server.received) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_daemon_stops_cleanly_on_a_signal(world, server, signame):
    import signal
    import time

    w = world
    write_config(w, [{"name": "督办群", "url": server.json_url()}], schedule=NEVER_SOON)
    env = {**os.environ, "TRACKER_DB": w.db_url}
    bin_ = os.path.join(os.path.dirname(sys.executable), "tracker")
    p = subprocess.Popen([bin_, "scheduler", "run"], cwd=w.path, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _stored(w)["weekly"]["stored_next_run"] is None:
        time.sleep(0.2)
    p.send_signal(getattr(signal, signame))
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    assert "调度器已启动" in err and f"收到信号 {signame}" in err and "调度器已停止" in err
    assert "Traceback" not in err
    assert TOKEN not in out + err
