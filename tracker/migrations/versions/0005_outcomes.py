"""plan against outcome: where a target's start value came from, and what later summaries claimed

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

target.start_source / start_quote record that a start value was read from the document's own
上半年总结 (据上半年总结) and the words it was read from. outcome_claim keeps, per target and
summary file, what a year-end summary (or next year's work report) says was achieved and the
verdict, for the year-end report's claims column, its silent drops and its contradictions.
All additive: existing rows keep NULL.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("target") as batch:
        batch.add_column(sa.Column("start_source", sa.String, nullable=True))
        batch.add_column(sa.Column("start_quote", sa.Text, nullable=True))
    op.create_table(
        "outcome_claim",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id"), nullable=False),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("target.id"), nullable=False),
        sa.Column("source_path", sa.String, nullable=False),
        sa.Column("source_sha256", sa.String, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("unit", sa.String, nullable=True),
        sa.Column("quote", sa.Text, nullable=True),
        sa.Column("verdict", sa.String, nullable=False),
        sa.Column("claimed_on", sa.Date, nullable=True),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("target_id", "source_sha256", name="uq_outcome_claim_target_source"),
    )
    op.create_index("ix_outcome_claim_task", "outcome_claim", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_outcome_claim_task", table_name="outcome_claim")
    op.drop_table("outcome_claim")
    with op.batch_alter_table("target") as batch:
        batch.drop_column("start_quote")
        batch.drop_column("start_source")
