"""Read-side queries behind attendees' pages: where they sit, with whom, and the crowd.

What comes out of here for other attendees carries first names only: e-mail addresses
and other contact details leave through one view alone, :func:`touchpoint_people`, and
only for mutual touchpoints, as each person chose to share them. The whole event as
engine :class:`Attendee` values (e-mails included, for the engine's acquaintance
matching) is for computation, not display.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from touchpoints.core.model import Attendee
from touchpoints.core.touchpoints import Contact, Sharing, View, contact_of
from touchpoints.storage.repository import to_attendee
from touchpoints.storage.schema import AttendeeRow, EventRow, PlanRow, SeatRow, SessionRow

__all__ = [
    "Mate",
    "Place",
    "Seat",
    "Touchpoints",
    "event_attendees",
    "event_version",
    "first_name",
    "published_seats",
    "seats_of_people",
    "touchpoint_people",
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


def _seats_query() -> Select[Any]:
    mine = aliased(SeatRow)
    mate = aliased(SeatRow)
    return (
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
        .where(mine.attendee_id == bindparam("attendee"), PlanRow.status == _PUBLISHED)
        .order_by(SessionRow.id, mine.round, mine.table, AttendeeRow.id)
    )


#: Built once: every visit of a personal page runs it.
_SEATS = _seats_query()


def published_seats(db: Session, attendee_id: int) -> list[Seat]:
    """Every round of every published plan the attendee has a seat in, with their
    tablemates; by session (oldest first), then round. One query."""
    rows = db.execute(_SEATS, {"attendee": attendee_id}).all()
    places: dict[tuple[int, int], tuple[str, str, int, int]] = {}
    mates: dict[tuple[int, int], list[Mate]] = {}
    for session, kind, plan_id, round_, table, mate_id, name in rows:
        places.setdefault((plan_id, round_), (session, kind, round_, table))
        around = mates.setdefault((plan_id, round_), [])
        if mate_id is not None:
            around.append(Mate(str(mate_id), first_name(name)))
    return [Seat(*place, tuple(mates[key])) for key, place in places.items()]


@dataclass(frozen=True, slots=True)
class Place:
    """Where someone sits in one round of a published plan that I have a seat in."""

    session: str
    kind: str  # "tables" or "pairs"
    round: int
    table: int
    with_me: bool  # at my table (or my partner) in that round


def seats_of_people(
    db: Session, attendee_id: int, people: Collection[int]
) -> dict[int, list[Place]]:
    """Where each of ``people`` sits in every round of a published plan that
    ``attendee_id`` has a seat in, by session (oldest first) then round; someone
    without a seat in a round has no place for it. One query (a personal page)."""
    if not people:
        return {}
    mine, theirs = aliased(SeatRow), aliased(SeatRow)
    rows = db.execute(
        select(SessionRow.name, SessionRow.kind, mine.round, mine.table)
        .add_columns(theirs.attendee_id, theirs.table)
        .join(PlanRow, PlanRow.id == mine.plan_id)
        .join(SessionRow, SessionRow.id == PlanRow.session_id)
        .join(theirs, (theirs.plan_id == mine.plan_id) & (theirs.round == mine.round))
        .where(
            mine.attendee_id == attendee_id,
            PlanRow.status == _PUBLISHED,
            theirs.attendee_id.in_(list(people)),
        )
        .order_by(SessionRow.id, mine.round, theirs.attendee_id)
    ).all()
    places: dict[int, list[Place]] = {}
    for session, kind, round_, my_table, person, table in rows:
        places.setdefault(person, []).append(Place(session, kind, round_, table, table == my_table))
    return places


@dataclass(frozen=True, slots=True)
class Touchpoints:
    """What an attendee's page shows of their confirmations."""

    mutual: tuple[tuple[int, Contact], ...]  # touchpoints: full name and released details
    waiting: tuple[Mate, ...]  # confirmed by me only: first name, nothing released


def touchpoint_people(db: Session, view: View) -> Touchpoints:
    """The people of ``view`` (:func:`touchpoints.storage.touchpoints.my_view`), in its
    order: contact details only for mutual touchpoints, as each chose to share them
    (:func:`~touchpoints.core.touchpoints.contact_of`). One query, none for an empty view."""
    mutual = [int(other) for other, _ in view.mutual]
    waiting = [int(other) for other in view.waiting]
    if not mutual and not waiting:
        return Touchpoints((), ())
    rows = {
        row.id: row
        for row in db.scalars(select(AttendeeRow).where(AttendeeRow.id.in_(mutual + waiting)))
    }
    return Touchpoints(
        tuple(
            (i, contact_of(rows[i].name, rows[i].email, Sharing.from_json(rows[i].sharing)))
            for i in mutual
            if i in rows
        ),
        tuple(Mate(str(i), first_name(rows[i].name)) for i in waiting if i in rows),
    )


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
