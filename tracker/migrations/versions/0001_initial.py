"""initial schema: unit, plan, task, target, progress_update

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_unit_name", "unit", ["name"], unique=True)
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("plan_heading", sa.String, nullable=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("source_path", sa.String, nullable=True),
        sa.Column("source_sha256", sa.String, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_plan_unit_id", "plan", ["unit_id"])
    op.create_table(
        "task",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("plan_id", sa.Integer, sa.ForeignKey("plan.id"), nullable=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("task.id"), nullable=True),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("label", sa.String, nullable=False, server_default=""),
        sa.Column("title", sa.String, nullable=False),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("owner", sa.String, nullable=True),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("percent", sa.Float, nullable=True),
        sa.Column("done_on", sa.Date, nullable=True),
        sa.Column("last_update_on", sa.Date, nullable=True),
        sa.Column("vanished_at", sa.DateTime, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_task_unit_deadline", "task", ["unit_id", "deadline"])
    op.create_index("ix_task_plan_parent", "task", ["plan_id", "parent_id"])
    op.create_index("ix_task_parent_id", "task", ["parent_id"])
    op.create_table(
        "target",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("kind", sa.String, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("min_value", sa.Float, nullable=True),
        sa.Column("max_value", sa.Float, nullable=True),
        sa.Column("comparator", sa.String, nullable=False, server_default="="),
        sa.Column("measure", sa.String, nullable=True),
        sa.Column("subject", sa.String, nullable=True),
        sa.Column("commitment", sa.String, nullable=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("start_value", sa.Float, nullable=True),
        sa.Column("current_value", sa.Float, nullable=True),
        sa.Column("quote", sa.String, nullable=True),
    )
    op.create_index("ix_target_task_id", "target", ["task_id"])
    op.create_table(
        "progress_update",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id"), nullable=False),
        sa.Column("target_id", sa.Integer, sa.ForeignKey("target.id"), nullable=True),
        sa.Column("action", sa.String, nullable=False, server_default="update"),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("percent", sa.Float, nullable=True),
        sa.Column("note", sa.String, nullable=True),
        sa.Column("author", sa.String, nullable=True),
        sa.Column("happened_on", sa.Date, nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("retracts_id", sa.Integer, sa.ForeignKey("progress_update.id"), nullable=True),
    )
    op.create_index("ix_progress_task_recorded", "progress_update", ["task_id", "recorded_at"])
    op.create_index("ix_progress_happened", "progress_update", ["happened_on"])


def downgrade() -> None:
    for table in ("progress_update", "target", "task", "plan", "unit"):
        op.drop_table(table)
