"""Read-side queries behind attendees' pages: where they sit, with whom, and the crowd.

What comes out of here for other attendees carries names only: e-mail addresses and
other contact details never leave through these views (they are released by a mutual
touchpoint, elsewhere). The whole event as engine :class:`Attendee` values (e-mails
included, for the engine's acquaintance matching) is for computation, not display.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from touchpoints.core.model import Attendee
from touchpoints.storage.repository import to_attendee
from touchpoints.storage.schema import AttendeeRow, PlanRow, SeatRow, SessionRow

__all__ = [
    "Mate",
    "Seat",
    "event_attendees",
    "event_version",
    "first_name",
    "first_names",
    "published_seats",
]

_PUBLISHED = "published"


def first_name(name: str) -> str:
    """How other attendees see a person: the first word of their name."""
    words = name.split()
    return words[0] if words else name


@dataclass(frozen=True, slots=True)
class Mate:
    """Someone at the same table (or in the same pair): engine id and first name only."""

    id: str
    first_name: str


@dataclass(frozen=True, slots=True)
class Seat:
    """An attendee's place in one round of a published plan."""

    session: str
    kind: str  # "tables" or "pairs" (then ``table`` is the pair number)
    round: int
    table: int
    mates: tuple[Mate, ...]


def published_seats(db: Session, attendee_id: int) -> list[Seat]:
    """Every round of every published plan the attendee has a seat in, with their
    tablemates; by session (oldest first), then round."""
    mine = db.execute(
        select(SessionRow.id, SessionRow.name, SessionRow.kind, SeatRow.plan_id, SeatRow.round)
        .add_columns(SeatRow.table)
        .join(PlanRow, PlanRow.id == SeatRow.plan_id)
        .join(SessionRow, SessionRow.id == PlanRow.session_id)
        .where(SeatRow.attendee_id == attendee_id, PlanRow.status == _PUBLISHED)
        .order_by(SessionRow.id, SeatRow.round, SeatRow.table)
    ).all()
    if not mine:
        return []
    plan_ids = {row.plan_id for row in mine}
    around: dict[tuple[int, int, int], list[Mate]] = defaultdict(list)
    others = db.execute(
        select(SeatRow.plan_id, SeatRow.round, SeatRow.table, AttendeeRow.id, AttendeeRow.name)
        .join(AttendeeRow, AttendeeRow.id == SeatRow.attendee_id)
        .where(SeatRow.plan_id.in_(plan_ids), SeatRow.attendee_id != attendee_id)
        .order_by(AttendeeRow.id)
    ).all()
    for plan_id, round_, table, other_id, name in others:
        around[plan_id, round_, table].append(Mate(str(other_id), first_name(name)))
    return [
        Seat(
            row.name,
            row.kind,
            row.round,
            row.table,
            tuple(around.get((row.plan_id, row.round, row.table), ())),
        )
        for row in mine
    ]


def first_names(db: Session, ids: Iterable[str]) -> dict[str, str]:
    """Engine id -> first name, for these attendees."""
    wanted = [int(i) for i in ids]
    if not wanted:
        return {}
    rows = db.execute(select(AttendeeRow.id, AttendeeRow.name).where(AttendeeRow.id.in_(wanted)))
    return {str(row_id): first_name(name) for row_id, name in rows}


def event_version(db: Session, event_id: int) -> tuple[int, int]:
    """(highest attendee id, attendee count): changes when attendees come or go."""
    top, count = db.execute(
        select(func.max(AttendeeRow.id), func.count(AttendeeRow.id)).where(
            AttendeeRow.event_id == event_id
        )
    ).one()
    return int(top or 0), int(count)


def event_attendees(db: Session, event_id: int) -> list[Attendee]:
    """The event's attendees as engine values, in import order (for computation only)."""
    rows = db.scalars(
        select(AttendeeRow).where(AttendeeRow.event_id == event_id).order_by(AttendeeRow.id)
    )
    return [to_attendee(row) for row in rows]
