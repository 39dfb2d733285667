"""The database tables (SQLAlchemy 2), shared by SQLite and PostgreSQL.

Attendees' lists (interests, languages, …) are JSON columns; e-mail addresses are
stored for the organizer only and never leave through an attendee-facing query.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "AttendeeRow",
    "Base",
    "ConfirmationRow",
    "EventRow",
    "OrganizerRow",
    "PlanRow",
    "SeatRow",
    "SessionRow",
    "new_meet_code",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_meet_code() -> str:
    """A fresh "meet me" code: 96 random bits, URL-safe (16 characters)."""
    return secrets.token_urlsafe(12)


class Base(DeclarativeBase):
    """Every table."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class OrganizerRow(Base):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    registration_code: Mapped[str] = mapped_column(String(64), unique=True)
    #: Incremented whenever the event's attendees or their interests change (caches key on it).
    attendees_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    attendees: Mapped[list[AttendeeRow]] = relationship(
        back_populates="event", order_by="AttendeeRow.id", cascade="all, delete-orphan"
    )


class AttendeeRow(Base):
    __tablename__ = "attendees"
    __table_args__ = (UniqueConstraint("event_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    organization: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    bio: Mapped[str | None] = mapped_column(Text)
    hometown: Mapped[str | None] = mapped_column(String(200))
    lists: Mapped[dict[str, Any]] = mapped_column(default=dict)  # interests, languages, knows, …
    #: The public "meet me" code (its QR code is shown to others), not the private token.
    meet_code: Mapped[str] = mapped_column(String(32), unique=True, default=new_meet_code)
    #: Contact details released to touchpoints (see touchpoints.core.touchpoints.Sharing).
    sharing: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)

    event: Mapped[EventRow] = relationship(back_populates="attendees")


class SessionRow(Base):
    """A networking session of an event: tables or 1:1 rounds, and their settings."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # "tables" or "pairs"
    table_size: Mapped[int] = mapped_column(Integer, default=8)
    rounds: Mapped[int] = mapped_column(Integer, default=1)
    time_limit: Mapped[float] = mapped_column(Float, default=10.0)
    #: The seating-rules CSV the organizer uploaded, as text (read again at every plan,
    #: against the attendees then), and its file name; none: no rules.
    rules_csv: Mapped[str | None] = mapped_column(Text)
    rules_filename: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PlanRow(Base):
    """One planning run of a session; at most one plan of a session is published."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # planning, ready, failed, published, retired
    stage: Mapped[str] = mapped_column(String(200), default="")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The organizer asked to stop searching: keep the best plan found so far.
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SeatRow(Base):
    __tablename__ = "seats"
    __table_args__ = (
        UniqueConstraint("plan_id", "round", "attendee_id"),
        # Tablemates: every personal page looks up the people at one table of one round.
        Index("ix_seats_table", "plan_id", "round", "table"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    table: Mapped[int] = mapped_column(Integer)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id"), index=True)


class ConfirmationRow(Base):
    """Attendee ``attendee_id`` confirmed they met ``other_id`` (one row per direction;
    both rows make a touchpoint)."""

    __tablename__ = "confirmations"
    __table_args__ = (UniqueConstraint("attendee_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id"))
    other_id: Mapped[int] = mapped_column(ForeignKey("attendees.id"), index=True)
    via: Mapped[str] = mapped_column(String(20))  # "table" (a tablemate) or "code" (scanned)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
