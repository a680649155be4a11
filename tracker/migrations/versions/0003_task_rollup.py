"""derived rollup columns on task: completion, earliest unmet target deadline, latest target deadline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

The values are derived from targets, the progress log and children, and kept in step inside
every write transaction. Rows migrated from 0002 start with NULL, which means "not computed":
readers compute such tasks live, and the first write refreshes them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.add_column(sa.Column("completion", sa.Float, nullable=True))
        batch.add_column(sa.Column("open_target_due", sa.Date, nullable=True))
        batch.add_column(sa.Column("targets_deadline", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task") as batch:
        batch.drop_column("targets_deadline")
        batch.drop_column("open_target_due")
        batch.drop_column("completion")
