"""Read-side queries behind attendees' pages: where they sit, with whom, and the crowd.

What comes out of here for other attendees carries names only: e-mail addresses and
other contact details never leave through these views (they are released by a mutual
touchpoint, elsewhere). The whole event as engine :class:`Attendee` values (e-mails
included, for the engine's acquaintance matching) is for computation, not display.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from touchpoints.core.model import Attendee
from touchpoints.storage.repository import to_attendee
from touchpoints.storage.schema import AttendeeRow, EventRow, PlanRow, SeatRow, SessionRow

__all__ = [
    "Mate",
    "Seat",
    "event_attendees",
    "event_version",
    "first_name",
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
    tablemates; by session (oldest first), then round. One query: it runs on every
    visit of a personal page."""
    mine = aliased(SeatRow)
    mate = aliased(SeatRow)
    rows = db.execute(
        select(SessionRow.name, SessionRow.kind, mine.plan_id, mine.round, mine.table)
        .add_columns(AttendeeRow.id, AttendeeRow.name)
        .join(PlanRow, PlanRow.id == mine.plan_id)
        .join(SessionRow, SessionRow.id == PlanRow.session_id)
        .outerjoin(
            mate,
            (mate.plan_id == mine.plan_id)
            & (mate.round == mine.round)
            & (mate.table == mine.table)
            & (mate.attendee_id != mine.attendee_id),
        )
        .outerjoin(AttendeeRow, AttendeeRow.id == mate.attendee_id)
        .where(mine.attendee_id == attendee_id, PlanRow.status == _PUBLISHED)
        .order_by(SessionRow.id, mine.round, mine.table, AttendeeRow.id)
    ).all()
    places: dict[tuple[int, int], tuple[str, str, int, int]] = {}
    mates: dict[tuple[int, int], list[Mate]] = {}
    for session, kind, plan_id, round_, table, mate_id, name in rows:
        places.setdefault((plan_id, round_), (session, kind, round_, table))
        around = mates.setdefault((plan_id, round_), [])
        if mate_id is not None:
            around.append(Mate(str(mate_id), first_name(name)))
    return [Seat(*place, tuple(mates[key])) for key, place in places.items()]


def event_version(db: Session, event_id: int) -> int:
    """The event's attendee version: it changes whenever attendees come or change their
    interests (0 for an event that does not exist)."""
    version = db.scalar(select(EventRow.attendees_version).where(EventRow.id == event_id))
    return int(version or 0)


def event_attendees(db: Session, event_id: int) -> list[Attendee]:
    """The event's attendees as engine values, in import order (for computation only)."""
    rows = db.scalars(
        select(AttendeeRow).where(AttendeeRow.event_id == event_id).order_by(AttendeeRow.id)
    )
    return [to_attendee(row) for row in rows]
