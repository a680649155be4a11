"""target rules (cumulative, level, recurring, milestone), corrections, undoable edits, cancels, unit aliases

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

All additive. A target gains its rule and period (``every``) and the values derived from the
log that its rule needs (periods met, next unmet period end, the day it was met, whether a
level held). A task gains the level it must hold until a day, and a cancellation. Log rows gain
a correction flag, the fields an edit changed (so it can be undone) and the entry an undo undid.
Existing targets read as cumulative, as they were counted before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("rule", sa.String, nullable=True, server_default="cumulative"))
        batch.add_column(sa.Column("every", sa.String, nullable=True))
        batch.add_column(sa.Column("periods_met", sa.Integer, nullable=True))
        batch.add_column(sa.Column("periods_total", sa.Integer, nullable=True))
        batch.add_column(sa.Column("next_due", sa.Date, nullable=True))
        batch.add_column(sa.Column("met_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("held", sa.Integer, nullable=True))
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("hold_until", sa.Date, nullable=True))
        batch.add_column(sa.Column("hold_state", sa.Integer, nullable=True))
        batch.add_column(sa.Column("cancelled_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("cancel_reason", sa.String, nullable=True))
    with op.batch_alter_table("progress_update") as batch:
        batch.add_column(sa.Column("correction", sa.Integer, nullable=True))
        batch.add_column(sa.Column("changes", sa.Text, nullable=True))
        batch.add_column(sa.Column("undoes_id", sa.Integer, nullable=True))
    op.create_index("ix_progress_undoes", "progress_update", ["undoes_id"])
    op.create_table(
        "unit_alias",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_unit_alias_name", "unit_alias", ["name"], unique=True)
    op.create_index("ix_unit_alias_unit_id", "unit_alias", ["unit_id"])


def downgrade() -> None:
    op.drop_table("unit_alias")
    op.drop_index("ix_progress_undoes", "progress_update")
    with op.batch_alter_table("progress_update") as batch:
        for col in ("undoes_id", "changes", "correction"):
            batch.drop_column(col)
    with op.batch_alter_table("task") as batch:
        for col in ("cancel_reason", "cancelled_on", "hold_state", "hold_until"):
            batch.drop_column(col)
    with op.batch_alter_table("target") as batch:
        for col in ("held", "met_on", "next_due", "periods_total", "periods_met", "every", "rule"):
            batch.drop_column(col)
