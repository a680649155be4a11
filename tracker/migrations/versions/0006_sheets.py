"""task units (lead / assisting) and 填报 form submissions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

Additive only. ``task_unit`` links a task to the units that assist it (role ``assist``); the lead
unit stays ``task.unit_id``, so the board and reports keep counting a task once, for its lead.
``form_export`` records every 填报 form written (its id ties the file to the unit and period);
``form_submission`` records every imported 填报 form: which unit, which period, the file's digest
and the digest of what it said, so that importing the same form twice logs nothing new and
``form status`` can list the units that have not sent theirs.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_unit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("task.id"), nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("role", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("task_id", "unit_id", "role", name="uq_task_unit_role"),
    )
    op.create_index("ix_task_unit_unit", "task_unit", ["unit_id", "role"])
    op.create_index("ix_task_unit_task", "task_unit", ["task_id"])
    op.create_table(
        "form_export",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String, nullable=False, unique=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("exported_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_form_export_period_unit", "form_export", ["period", "unit_id"])
    op.create_table(
        "form_submission",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("form_id", sa.String, nullable=False),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("unit.id"), nullable=False),
        sa.Column("period", sa.String, nullable=False),
        sa.Column("file_name", sa.String, nullable=True),
        sa.Column("file_sha256", sa.String, nullable=False),
        sa.Column("content_sha256", sa.String, nullable=False),
        sa.Column("author", sa.String, nullable=True),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("logged", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_form_submission_period_unit", "form_submission", ["period", "unit_id"])
    op.create_index("ix_form_submission_form", "form_submission", ["form_id"])


def downgrade() -> None:
    op.drop_index("ix_form_submission_form", "form_submission")
    op.drop_index("ix_form_submission_period_unit", "form_submission")
    op.drop_table("form_submission")
    op.drop_index("ix_form_export_period_unit", "form_export")
    op.drop_table("form_export")
    op.drop_index("ix_task_unit_task", "task_unit")
    op.drop_index("ix_task_unit_unit", "task_unit")
    op.drop_table("task_unit")
