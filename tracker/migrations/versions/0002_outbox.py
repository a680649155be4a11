"""notification outbox (one row per job, period and channel), unit contacts, log indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job", sa.String, nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("channel", sa.String, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", sa.String, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.String, nullable=True),
        sa.Column("claimed_by", sa.String, nullable=True),
        sa.Column("claimed_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime, nullable=True),
        sa.UniqueConstraint("job", "period", "channel", name="uq_outbox_job_period_channel"),
    )
    # Lookups of a target's or a retracted row's log entries (re-import, undo, reports).
    op.create_index("ix_progress_target", "progress_update", ["target_id"])
    op.create_index("ix_progress_retracts", "progress_update", ["retracts_id"])
    # Units gain a contact (mobile number) to @-mention in group robots; existing rows keep NULL.
    with op.batch_alter_table("unit") as batch:
        batch.add_column(sa.Column("contact", sa.String, nullable=True))


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_index("ix_progress_retracts", "progress_update")
    op.drop_index("ix_progress_target", "progress_update")
    with op.batch_alter_table("unit") as batch:
        batch.drop_column("contact")
