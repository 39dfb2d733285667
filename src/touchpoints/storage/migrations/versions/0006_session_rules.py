"""sessions.rules_csv, rules_filename: a session's seating rules, as uploaded

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rules_csv", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("rules_filename", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("rules_filename")
        batch_op.drop_column("rules_csv")
