"""The scheduler daemon: APScheduler 3 with its job store in the project's database.

Only ``tracker scheduler run`` opens a scheduler. At every start it re-adds its jobs from
``[schedule]`` (a stored job keeps the settings it was stored with, so config changes would
otherwise be ignored) with coalescing and a long misfire grace, keeping a stored next run time
that has already passed so that a run missed while the daemon was down is made up once. Job
functions are referenced as ``tracker.scheduler:scheduled_run`` so the store can import them.

Working days: with ``workdays_only`` a run on an official holiday is skipped and a 调休 working
weekend counts as a working day (chinesecalendar). A cron day-of-week of mon-fri therefore fires
every day and the job checks the rule, so a 调休 Saturday runs. For years chinesecalendar does
not know (it covers 2004–2026 as installed) Monday–Friday are the working days, with a warning.

Exactly-once delivery is the outbox's business (tracker.notify): two daemons, a catch-up run and
a manual ``scheduler run-job`` for the same period deliver one message.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tracker import notify
from tracker.context import Context
from tracker.errors import ConfigError, InputError, TrackerError

log = logging.getLogger("tracker.scheduler")


def now(timezone: str) -> datetime:
    """The wall clock in ``timezone`` (one place, so tests can fix it)."""
    return datetime.now(ZoneInfo(timezone))

JOB_FUNC = "tracker.scheduler:scheduled_run"
JOBS = notify.JOBS
JOB_TITLES = {"overdue": "逾期提醒", "weekly": "每周汇总"}
DAY_ZH = {"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}
TABLE = "apscheduler_jobs"
OFF = {"off", "none", "disabled", "关闭", "停用"}
CRON_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS = {"mon", "tue", "wed", "thu", "fri"}

# Options of the running daemon (config file, database, fixed today), for job runs.
_daemon_opts: dict[str, str | None] = {}


# -- working days ------------------------------------------------------------------------------
_warned_years: set[int] = set()


def is_workday(day: date) -> bool:
    """An official working day in China (holidays off, 调休 weekends on); Mon–Fri past the data."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            log.warning("chinesecalendar 没有 %d 年的节假日数据：按周一至周五为工作日处理"
                        "（请升级 chinesecalendar：pip install -U chinesecalendar）", day.year)
        return day.weekday() < 5


def job_name(name: str, cron: str, workdays_only: bool = False) -> str:
    """A job's name as the configured schedule says it, e.g. 逾期提醒（周一至周五 09:00，仅工作日）."""
    title = JOB_TITLES.get(name, name)
    fields = cron.split()
    if len(fields) != 5:
        return f"{title}（{cron}）"
    minute, hour, dom, month, dow = fields
    try:
        days_text = _dow_names(dow)
    except ValueError:
        days_text = dow
    order = list(DAY_ZH)
    days = sorted(_expand_days(days_text), key=order.index) if days_text != "*" else []
    if not days or len(days) == 7:
        when = "每天"
    elif len(days) > 2 and order.index(days[-1]) - order.index(days[0]) == len(days) - 1:
        when = f"{DAY_ZH[days[0]]}至{DAY_ZH[days[-1]]}"
    else:
        when = "、".join(DAY_ZH[d] for d in days)
    if dom != "*" or month != "*":
        when = f"{'每月' if month == '*' else month + '月'}{dom + '日' if dom != '*' else ''} {when}".strip()
    at = f"{int(hour):02d}:{int(minute):02d}" if hour.isdecimal() and minute.isdecimal() else f"{hour}时{minute}分"
    extra = "，仅工作日" if workdays_only else ""
    return f"{title}（{when} {at}{extra}）"


# -- triggers ----------------------------------------------------------------------------------
def _dow_names(field_text: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) in APScheduler's names (which count from Monday)."""
    out: list[str] = []
    for item in field_text.lower().split(","):
        base, _, step = item.partition("/")
        lo, dash, hi = base.partition("-")
        if lo.isdecimal() and (not dash or hi.isdecimal()):
            a, b = int(lo), int(hi) if dash else int(lo)
            if not (0 <= a <= 7 and 0 <= b <= 7) or a > b:
                raise ValueError(f"星期字段无效：{item}")
            stride = int(step) if step.isdecimal() and int(step) > 0 else 1
            out += [CRON_DAYS[d] for d in range(a, b + 1, stride if dash else 1)]
        else:
            out.append(item)
    return ",".join(dict.fromkeys(out))


def make_trigger(expr: str, timezone: str, workdays_only: bool) -> Any:
    """An APScheduler CronTrigger from a crontab line; with workdays_only, mon-fri fires daily."""
    from apscheduler.triggers.cron import CronTrigger

    fields = expr.split()
    if len(fields) != 5:
        raise ValueError("应为 5 个字段：分 时 日 月 星期")
    dow = _dow_names(fields[4])
    if workdays_only and _expand_days(dow) == WEEKDAYS:
        dow = "*"  # the job checks the working-day rule (调休 weekends run, holidays do not)
    return CronTrigger(minute=fields[0], hour=fields[1], day=fields[2], month=fields[3], day_of_week=dow,
                       timezone=ZoneInfo(timezone))


def _expand_days(dow: str) -> set[str]:
    names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    out: set[str] = set()
    for item in dow.split(","):
        lo, dash, hi = item.partition("-")
        if lo in names and dash and hi in names and names.index(lo) <= names.index(hi):
            out.update(names[names.index(lo):names.index(hi) + 1])
        elif item in names:
            out.add(item)
        else:
            return {item}
    return out


@dataclass
class JobSpec:
    name: str
    cron: str
    enabled: bool
    trigger: Any = None


def job_specs(ctx: Context) -> list[JobSpec]:
    """The jobs as configured in [schedule]; ConfigError for an invalid cron line."""
    out = []
    workdays = bool(ctx.config.get("schedule", "workdays_only"))
    for name in JOBS:
        expr = str(ctx.config.get("schedule", name)).strip()
        if expr.lower() in OFF:
            out.append(JobSpec(name, expr, False))
            continue
        try:
            trigger = make_trigger(expr, ctx.config.timezone, workdays)
        except ValueError as exc:
            raise ConfigError(f"配置项 [schedule] {name} 不是有效的 cron 表达式：{expr!r}（{exc}），"
                              f"文件：{ctx.config.where}") from None
        out.append(JobSpec(name, expr, True, trigger))
    return out


def last_fire_time(trigger: Any, now: datetime, window: timedelta) -> datetime | None:
    """The trigger's latest fire time in (now - window, now]: the run a (late) job is doing."""
    t = trigger.get_next_fire_time(None, now - window)
    last = None
    while t is not None and t <= now:
        last = t
        t = trigger.get_next_fire_time(t, t + timedelta(seconds=1))
    return last


def next_runs(spec: JobSpec, now: datetime, workdays_only: bool, count: int = 1) -> list[datetime]:
    """The next fire times on which the job will actually send (non-working days skipped)."""
    out: list[datetime] = []
    t = spec.trigger.get_next_fire_time(None, now) if spec.enabled else None
    horizon = now + timedelta(days=400)
    while t is not None and len(out) < count and t <= horizon:
        if not workdays_only or is_workday(t.date()):
            out.append(t)
        t = spec.trigger.get_next_fire_time(t, t + timedelta(seconds=1))
    return out


# -- running a job -------------------------------------------------------------------------------
@dataclass
class JobRun:
    job: str
    day: date
    skipped: str = ""
    outcomes: list[notify.Outcome] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"job": self.job, "day": self.day.isoformat(), "skipped": self.skipped,
                "outcomes": [o.to_dict() for o in self.outcomes]}


def run_job(ctx: Context, name: str, day: date | None = None, retry_failed: bool = False) -> JobRun:
    """What the daemon does for ``name`` on ``day``: skip non-working days, else send (once)."""
    if name not in JOBS:
        raise InputError(f"未知任务：{name}（可选：{'、'.join(JOBS)}）")
    day = day or ctx.today
    if bool(ctx.config.get("schedule", "workdays_only")) and not is_workday(day):
        log.info("%s：%s 不是工作日，跳过", name, day.isoformat())
        return JobRun(name, day, skipped=f"{day.isoformat()} 不是工作日（法定节假日或周末），跳过")
    outcomes = notify.send(ctx, name, day=day, retry_failed=retry_failed)
    for o in outcomes:
        log.info("%s %s → %s：%s %s", name, o.period, o.channel, o.status, o.detail)
    return JobRun(name, day, outcomes=outcomes)


def scheduled_run(name: str) -> None:
    """The APScheduler job function: runs ``name`` for the date it was scheduled for.

    That date is the trigger's latest fire time (a run made up after downtime belongs to the day it
    was due, not the day it ran), unless "today" is fixed with --today / TRACKER_TODAY. A user
    error (no channels, a bad URL after a config edit) is logged; the daemon keeps running.
    """
    opts = _daemon_opts
    try:
        ctx = Context.load(opts.get("config"), opts.get("db"), opts.get("today"))
    except TrackerError as exc:
        log.error("%s：无法读取配置，本次不运行：%s", name, exc.message)
        return
    try:
        fixed = opts.get("today") or os.environ.get("TRACKER_TODAY")
        day = ctx.today
        if not fixed:
            spec = next((s for s in job_specs(ctx) if s.name == name), None)
            grace = timedelta(seconds=float(ctx.config.get("schedule", "misfire_grace_seconds")) + 60)
            fired = last_fire_time(spec.trigger, now(ctx.config.timezone), grace) if spec and spec.enabled else None
            day = fired.date() if fired else now(ctx.config.timezone).date()
        try:
            run_job(ctx, name, day)
        except TrackerError as exc:
            log.warning("%s（%s）未发送：%s", name, day.isoformat(), exc.message)
        notify.deliver_pending(ctx)
    finally:
        ctx.close()


# -- the daemon --------------------------------------------------------------------------------
def create_scheduler(ctx: Context, background: bool = True) -> Any:
    """A scheduler (not started) on the project database's job store, in the configured zone."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    grace = int(ctx.config.get("schedule", "misfire_grace_seconds"))
    store = SQLAlchemyJobStore(engine=ctx.db.engine(), tablename=TABLE)
    cls = BackgroundScheduler if background else BlockingScheduler
    return cls(jobstores={"default": store}, timezone=ZoneInfo(ctx.config.timezone),
               job_defaults={"coalesce": True, "misfire_grace_time": grace, "max_instances": 1})


def sync_jobs(sched: Any, ctx: Context) -> list[str]:
    """(Re-)add the configured jobs to a started (paused) scheduler; return their ids.

    A stored next run time already in the past is kept so the missed run is made up (once, as
    runs coalesce) if it is within the misfire grace; otherwise the next time comes from the
    trigger as configured now.
    """
    grace = int(ctx.config.get("schedule", "misfire_grace_seconds"))
    current = now(ctx.config.timezone)
    active = []
    for spec in job_specs(ctx):
        try:
            existing = sched.get_job(spec.name)
        except Exception as exc:  # noqa: BLE001 - a stored job that cannot be restored is replaced
            log.warning("任务库中的任务 %s 无法读取（%s），按配置重新登记", spec.name, exc)
            existing = None
        if not spec.enabled:
            if existing is not None:
                sched.remove_job(spec.name)
            log.info("任务 %s 已停用（[schedule] %s = %r）", spec.name, spec.name, spec.cron)
            continue
        extra: dict[str, Any] = {}
        if existing is not None and existing.next_run_time is not None and existing.next_run_time <= current:
            extra["next_run_time"] = existing.next_run_time
            log.info("任务 %s 在停机期间错过了 %s 的运行：将补发一次", spec.name, existing.next_run_time)
        sched.add_job(JOB_FUNC, trigger=spec.trigger, args=[spec.name], id=spec.name,
                      name=job_name(spec.name, spec.cron, bool(ctx.config.get("schedule", "workdays_only"))),
                      replace_existing=True, coalesce=True, misfire_grace_time=grace, max_instances=1, **extra)
        active.append(spec.name)
    for job in sched.get_jobs():
        if job.id not in active:
            sched.remove_job(job.id)
    return active


def start(ctx: Context, opts: dict[str, str | None] | None = None, listener: Any = None) -> Any:
    """Open the scheduler, sync its jobs from config, deliver leftovers, then let it run.

    ``listener`` (an APScheduler event callback) is added before any job can run.
    """
    _daemon_opts.clear()
    _daemon_opts.update(opts or {})
    sched = create_scheduler(ctx, background=True)
    if listener is not None:
        sched.add_listener(listener)
    sched.start(paused=True)
    try:
        sync_jobs(sched, ctx)
        for o in notify.deliver_pending(ctx):
            log.info("补发发件箱中的消息：%s %s → %s：%s", o.period, o.channel, o.status, o.detail)
    except BaseException:
        sched.shutdown(wait=False)
        raise
    sched.resume()
    for job in sched.get_jobs():
        log.info("任务 %s（%s）下次运行：%s", job.id, job.name, job.next_run_time)
    return sched


def run_daemon(ctx: Context, opts: dict[str, str | None]) -> None:
    """`tracker scheduler run`: run in the foreground until SIGINT or SIGTERM."""
    notify.setup_logging(logging.INFO, timezone=ctx.config.timezone)
    job_specs(ctx)  # a bad cron line stops here (exit code 2), before anything is stored
    try:
        notify.check_channels(ctx, notify.channels(ctx))  # a bad channel URL stops here too
    except InputError as exc:
        log.warning("%s（调度器照常运行，但不会发送任何消息）", exc.message)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        log.info("收到信号 %s，正在停止调度器……", signal.Signals(signum).name)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        sched = start(ctx, opts)
        log.info("调度器已启动（时区 %s，配置 %s，数据库 %s）", ctx.config.timezone, ctx.config.where,
                 _redacted_db(ctx.db_url))
        try:
            while not stop.wait(3600):
                pass
        finally:
            sched.shutdown(wait=True)
            log.info("调度器已停止")
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _redacted_db(url: str) -> str:
    from tracker.db import redact_url

    return redact_url(url)


# -- listing (no scheduler is started) ---------------------------------------------------------------
@dataclass
class JobInfo:
    name: str
    title: str
    cron: str
    enabled: bool
    stored_next: datetime | None
    next_runs: list[datetime]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "cron": self.cron, "enabled": self.enabled,
                "stored_next_run": self.stored_next.isoformat() if self.stored_next else None,
                "next_runs": [t.isoformat() for t in self.next_runs]}


def list_jobs(ctx: Context, count: int = 3) -> list[JobInfo]:
    """Each job with its next run times, read from config and the job store table (no scheduler)."""
    from tracker import store

    tz = ZoneInfo(ctx.config.timezone)
    current = now(ctx.config.timezone)
    specs = job_specs(ctx)
    stored = {r["id"]: r["next_run_time"] for r in ctx.db.read(lambda c: store.scheduler_next_runs(c, TABLE))}
    workdays = bool(ctx.config.get("schedule", "workdays_only"))
    out = []
    for spec in specs:
        ts = stored.get(spec.name)
        out.append(JobInfo(spec.name, job_name(spec.name, spec.cron, workdays), spec.cron, spec.enabled,
                           datetime.fromtimestamp(float(ts), tz) if ts is not None else None,
                           next_runs(spec, current, workdays, count)))
    return out
