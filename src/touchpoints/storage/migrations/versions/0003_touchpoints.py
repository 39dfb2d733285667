"""touchpoints: attendees' meet-me codes and sharing choices, and confirmations

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meet_code", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("sharing", sa.JSON(), server_default="{}", nullable=False))
    attendees = sa.table("attendees", sa.column("id", sa.Integer), sa.column("meet_code"))
    connection = op.get_bind()
    for (row_id,) in connection.execute(sa.select(attendees.c.id)).all():
        connection.execute(
            attendees.update()
            .where(attendees.c.id == row_id)
            .values(meet_code=secrets.token_urlsafe(12))
        )
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.alter_column("meet_code", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint("uq_attendees_meet_code", ["meet_code"])

    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("via", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["attendee_id"], ["attendees.id"]),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.ForeignKeyConstraint(["other_id"], ["attendees.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("attendee_id", "other_id"),
    )
    with op.batch_alter_table("confirmations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_confirmations_event_id"), ["event_id"])
        batch_op.create_index(batch_op.f("ix_confirmations_other_id"), ["other_id"])


def downgrade() -> None:
    op.drop_table("confirmations")
    with op.batch_alter_table("attendees", schema=None) as batch_op:
        batch_op.drop_constraint("uq_attendees_meet_code", type_="unique")
        batch_op.drop_column("sharing")
        batch_op.drop_column("meet_code")
