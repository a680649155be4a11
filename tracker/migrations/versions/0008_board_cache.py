"""the board's counts kept for the day, with a version of the tables they are read from

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

Additive only. ``board_stamp`` is one row: ``data_version`` counts the changes to the tables the
board reads (task, plan, unit) and ``board_version``, ``board_day`` and ``board_basis`` (the
status rules and the counting code) say what the counts kept in ``board_cache`` were computed
from. On SQLite, triggers on those three tables bump ``data_version`` inside the writing
transaction, whoever writes (tracker, a script, a database browser), so a board of the same day
and basis over the same version is the same board, read back instead of recomputed over every
item (``tasks.board``).

PostgreSQL gets the tables but no triggers: a counter row bumped by triggers there would be
locked by every writer from its first statement to its commit, and writers touching the same
tasks in another order would deadlock on it. The board is computed there each time.

A batch-mode migration on SQLite rebuilds a table and drops its triggers; the board checks that
all nine are there before it trusts the version, and a test holds head to them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WATCHED = ("task", "plan", "unit")
EVENTS = ("insert", "update", "delete")


def trigger_names() -> list[str]:
    return [f"board_stamp_{table}_{event}" for table in WATCHED for event in EVENTS]


def upgrade() -> None:
    op.create_table(
        "board_stamp",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("data_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("board_version", sa.Integer, nullable=True),
        sa.Column("board_day", sa.String, nullable=True),
        sa.Column("board_basis", sa.String, nullable=True),
    )
    op.create_table(
        "board_cache",
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("unit", sa.String, nullable=False),
        sa.Column("green", sa.Integer, nullable=False),
        sa.Column("yellow", sa.Integer, nullable=False),
        sa.Column("red", sa.Integer, nullable=False),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("completion", sa.Float, nullable=False),
        sa.Column("subs", sa.Integer, nullable=False),
        sa.Column("cancelled", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO board_stamp (id, data_version) VALUES (1, 0)")
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in WATCHED:
        for event in EVENTS:
            op.execute(f"CREATE TRIGGER board_stamp_{table}_{event} AFTER {event.upper()} ON {table} "
                       "BEGIN UPDATE board_stamp SET data_version = data_version + 1 WHERE id = 1; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("board_cache")
    op.drop_table("board_stamp")
