"""the data version also counts changes to targets and the progress log

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Additive only. 0008's ``board_stamp.data_version`` counted the changes to task, plan and unit,
the tables the board reads. A report also reads the targets and the progress log; with the same
triggers on those two tables the version stands for everything a report reads, so two reads in
different connections that see the same version see the same data (a weekly report's trend is
read and replayed in a second process beside the report, ``tracker.parallel``). PostgreSQL gets
no triggers, as in 0008.
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

WATCHED = ("target", "progress_update")
EVENTS = ("insert", "update", "delete")


def trigger_names() -> list[str]:
    return [f"board_stamp_{table}_{event}" for table in WATCHED for event in EVENTS]


def upgrade() -> None:
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
