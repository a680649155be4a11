"""The tracked-work model: Unit, Plan, Task, Target, ProgressUpdate (and the notification outbox).

These SQLModel classes define the schema that the alembic revisions create. Hot commands read and
write the same tables through plain SQL in ``store.py`` so that they start without the ORM.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Unit(SQLModel, table=True):
    """An office that owns plans and tasks, e.g. 区卫生健康局."""

    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True)
    contact: str | None = None  # mobile number to @-mention in group robots
    created_at: datetime


class UnitAlias(SQLModel, table=True):
    """Another name a unit goes by (县水利局 for 水利局), kept when units are merged or renamed."""

    __tablename__ = "unit_alias"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(index=True, unique=True)
    created_at: datetime


class Plan(SQLModel, table=True):
    """One imported or hand-made plan of one unit for one period."""

    __tablename__ = "plan"
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    title: str
    plan_heading: str | None = None
    period_start: date
    period_end: date
    source_path: str | None = None
    source_sha256: str | None = None
    created_at: datetime
    updated_at: datetime


class Task(SQLModel, table=True):
    """A plan item (or a hand-made task); sub-items point at their parent."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_unit_deadline", "unit_id", "deadline"),
        Index("ix_task_plan_parent", "plan_id", "parent_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id")
    unit_id: int = Field(foreign_key="unit.id")
    parent_id: int | None = Field(default=None, foreign_key="task.id", index=True)
    position: int = 0
    label: str = ""
    title: str
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    owner: str | None = None
    start_date: date | None = None
    deadline: date | None = None
    # Derived from the progress log, kept in step with it inside the same transaction.
    percent: float | None = None
    done_on: date | None = None
    last_update_on: date | None = None
    vanished_at: datetime | None = None  # set when a re-import no longer finds the item
    # Rollups kept in step with targets, log and children (NULL: not computed yet).
    completion: float | None = None
    open_target_due: date | None = None  # earliest deadline of a target not yet met
    targets_deadline: date | None = None  # latest deadline among the targets
    hold_until: date | None = None  # a level target must hold until this day (not done before)
    hold_state: int | None = None  # 0 latest reading below the level, 1 held now but not always, 2 always held
    cancelled_on: date | None = None  # 撤销/调整: kept, counted apart
    cancel_reason: str | None = None
    created_at: datetime
    updated_at: datetime


class Target(SQLModel, table=True):
    """A measurable commitment of a task: a count, percent, amount or deadline."""

    __tablename__ = "target"
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    position: int = 0
    kind: str  # count | percent | amount | deadline | ratio
    value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    comparator: str = "="  # = >= <= range
    measure: str | None = None  # 家 个 名 % 亿元 ...
    subject: str | None = None
    commitment: str | None = None  # 确保 力争 争取 预计 计划
    deadline: date | None = None
    start_value: float | None = None
    current_value: float | None = None  # latest logged value, derived from the log
    quote: str | None = None
    start_source: str | None = None  # 据上半年总结 when the start value was read from the summary part
    start_quote: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    rule: str | None = Field(default="cumulative", sa_column_kwargs={"server_default": "cumulative"})
    every: str | None = None  # recurring targets: year | quarter | month
    # Derived from the log according to the rule, kept in step with it:
    periods_met: int | None = None  # recurring: periods whose obligation is met
    periods_total: int | None = None  # recurring: periods of the plan
    next_due: date | None = None  # recurring: end of the earliest period not met
    met_on: date | None = None  # the day the target was met (milestones, cumulative)
    held: int | None = None  # level: like task.hold_state


class ProgressUpdate(SQLModel, table=True):
    """One entry of the append-only progress log; a retraction is a new row pointing at the old."""

    __tablename__ = "progress_update"
    __table_args__ = (
        Index("ix_progress_task_recorded", "task_id", "recorded_at"),
        Index("ix_progress_happened", "happened_on"),
        Index("ix_progress_target_order", "target_id", "happened_on", "recorded_at", "id"),  # replay order
        # the few rows that are not updates, by day (migration 0007: partial on purpose)
        Index("ix_progress_not_update", "happened_on", sqlite_where=text("action <> 'update'"),
              postgresql_where=text("action <> 'update'")),
        Index("ix_progress_retracts", "retracts_id"),
        Index("ix_progress_undoes", "undoes_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    target_id: int | None = Field(default=None, foreign_key="target.id")
    action: str = "update"  # update | done | retract
    value: float | None = None  # target value after the update
    percent: float | None = None  # for tasks without numeric targets
    note: str | None = None
    author: str | None = None
    happened_on: date
    recorded_at: datetime
    retracts_id: int | None = Field(default=None, foreign_key="progress_update.id")
    correction: int | None = None  # 1: recorded as a correction (--correct / --yes)
    changes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # edits: JSON old/new
    undoes_id: int | None = None  # the entry this undo (or redo) undid


class Outbox(SQLModel, table=True):
    """A notification, written before it is delivered: one per (job, period, channel)."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("job", "period", "channel", name="uq_outbox_job_period_channel"),)
    id: int | None = Field(default=None, primary_key=True)
    job: str
    period: str
    channel: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    last_error: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    created_at: datetime
    sent_at: datetime | None = None


class OutcomeClaim(SQLModel, table=True):
    """What a year-end summary (or next year's work report) says of one target, and the verdict."""

    __tablename__ = "outcome_claim"
    __table_args__ = (
        UniqueConstraint("target_id", "source_sha256", name="uq_outcome_claim_target_source"),
        Index("ix_outcome_claim_task", "task_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    target_id: int = Field(foreign_key="target.id")
    source_path: str
    source_sha256: str
    value: float | None = None
    unit: str | None = None
    quote: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    verdict: str  # met | not_met | unclear | not_mentioned
    claimed_on: date | None = None
    recorded_at: datetime


class TaskUnit(SQLModel, table=True):
    """A unit that assists a task (配合单位); the lead unit (牵头单位) is ``task.unit_id``."""

    __tablename__ = "task_unit"
    __table_args__ = (
        UniqueConstraint("task_id", "unit_id", "role", name="uq_task_unit_role"),
        Index("ix_task_unit_unit", "unit_id", "role"),
        Index("ix_task_unit_task", "task_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    unit_id: int = Field(foreign_key="unit.id")
    role: str = "assist"
    position: int = 0


class FormExport(SQLModel, table=True):
    """One 填报 form written for a unit and period; the file carries ``form_id`` in a hidden sheet."""

    __tablename__ = "form_export"
    __table_args__ = (Index("ix_form_export_period_unit", "period", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    form_id: str = Field(unique=True)
    unit_id: int = Field(foreign_key="unit.id")
    period: str
    rows: int
    exported_at: datetime


class FormSubmission(SQLModel, table=True):
    """One imported 填报 form: its unit and period, and digests of the file and of what it said."""

    __tablename__ = "form_submission"
    __table_args__ = (
        Index("ix_form_submission_period_unit", "period", "unit_id"),
        Index("ix_form_submission_form", "form_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    form_id: str
    unit_id: int = Field(foreign_key="unit.id")
    period: str
    file_name: str | None = None
    file_sha256: str
    content_sha256: str
    author: str | None = None
    rows: int
    logged: int
    imported_at: datetime


class BoardStamp(SQLModel, table=True):
    """One row: the version of the board's tables (bumped by triggers on SQLite) and what the kept
    board was computed from (``tasks.board``)."""

    __tablename__ = "board_stamp"
    id: int | None = Field(default=None, primary_key=True)
    data_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    board_version: int | None = None
    board_day: str | None = None
    board_basis: str | None = None


class BoardCache(SQLModel, table=True):
    """The kept board, a row per unit in the board's order."""

    __tablename__ = "board_cache"
    position: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    unit: str
    green: int
    yellow: int
    red: int
    done: int
    total: int
    completion: float
    subs: int
    cancelled: int
