"""Touchpoint confirmations in the database: confirm, withdraw, and read them back.

One row per direction (:class:`~touchpoints.storage.schema.ConfirmationRow`); a pair
with both rows is a touchpoint. The double-blind rules themselves are
:mod:`touchpoints.core.touchpoints`. Writes are safe under concurrency: a confirmation
is an insert that ignores a row already there (the unique (attendee, other) key
settles simultaneous duplicates), and a withdrawal deletes only while the other
direction is absent, in one statement.
"""

from __future__ import annotations

from sqlalchemy import and_, delete, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from touchpoints.core.touchpoints import (
    Confirmation,
    Sharing,
    Standing,
    TouchpointError,
    View,
    standing,
    view_of,
)
from touchpoints.errors import NotFoundError
from touchpoints.storage.schema import (
    AttendeeRow,
    ConfirmationRow,
    PlanRow,
    SeatRow,
    new_meet_code,
)

__all__ = [
    "VIA",
    "attendee_by_meet_code",
    "confirm",
    "event_confirmations",
    "my_view",
    "renew_meet_code",
    "seated_together",
    "set_sharing",
    "withdraw",
]

#: How a confirmation was made: from a shared table (or pair), or by a meet-me code.
VIA = ("table", "code")


def attendee_by_meet_code(db: Session, code: str) -> AttendeeRow:
    """The attendee whose meet-me code this is."""
    row = db.scalar(select(AttendeeRow).where(AttendeeRow.meet_code == code.strip()))
    if row is None or not code.strip():
        raise NotFoundError("this meet-me code is not valid: scan it again or type it as shown")
    return row


def confirm(db: Session, me: AttendeeRow, other: AttendeeRow, via: str) -> Standing:
    """``me`` confirms they met ``other``: how the pair stands now (confirming twice
    changes nothing)."""
    if via not in VIA:
        raise ValueError(f"via must be one of {VIA}, not {via!r}")
    if other.id == me.id:
        raise TouchpointError("that is your own code: scan the code of the person you met")
    if other.event_id != me.event_id:
        raise TouchpointError("that person is at another event: confirm people from this one")
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.execute(
        insert(ConfirmationRow)
        .values(event_id=me.event_id, attendee_id=me.id, other_id=other.id, via=via)
        .on_conflict_do_nothing(index_elements=["attendee_id", "other_id"])
    )
    return _standing(db, me.id, other.id)


def withdraw(db: Session, me: AttendeeRow, other_id: int) -> None:
    """Take back ``me``'s one-sided confirmation of ``other_id`` (nothing to take back
    is fine); a mutual touchpoint is kept."""
    reverse = aliased(ConfirmationRow)
    db.execute(
        delete(ConfirmationRow).where(
            ConfirmationRow.attendee_id == me.id,
            ConfirmationRow.other_id == other_id,
            ~exists().where(reverse.attendee_id == other_id, reverse.other_id == me.id),
        )
    )
    if _standing(db, me.id, other_id) is Standing.MUTUAL:
        raise TouchpointError("you both confirmed this touchpoint: it can no longer be withdrawn")


def _standing(db: Session, me: int, other: int) -> Standing:
    rows = db.execute(
        select(ConfirmationRow.attendee_id, ConfirmationRow.other_id).where(
            or_(
                and_(ConfirmationRow.attendee_id == me, ConfirmationRow.other_id == other),
                and_(ConfirmationRow.attendee_id == other, ConfirmationRow.other_id == me),
            )
        )
    ).all()
    return standing(str(me), str(other), [(str(a), str(b)) for a, b in rows])


def _confirmations(db: Session, *where: object) -> list[Confirmation]:
    rows = db.execute(
        select(ConfirmationRow.attendee_id, ConfirmationRow.other_id, ConfirmationRow.created_at)
        .where(*where)  # type: ignore[arg-type]
        .order_by(ConfirmationRow.id)
    )
    return [Confirmation(str(by), str(met), at) for by, met, at in rows]


def my_view(db: Session, me: AttendeeRow) -> View:
    """``me``'s touchpoints and one-sided confirmations (never who confirmed ``me``
    without being confirmed back)."""
    return view_of(
        str(me.id),
        _confirmations(
            db, or_(ConfirmationRow.attendee_id == me.id, ConfirmationRow.other_id == me.id)
        ),
    )


def event_confirmations(db: Session, event_id: int) -> list[Confirmation]:
    """Every confirmation at the event, oldest first (for the organizer's measures)."""
    return _confirmations(db, ConfirmationRow.event_id == event_id)


def set_sharing(db: Session, me: AttendeeRow, sharing: Sharing) -> None:
    """Keep the contact details ``me`` releases to their touchpoints."""
    me.sharing = sharing.to_json()
    db.flush()


def renew_meet_code(db: Session, me: AttendeeRow) -> str:
    """A new meet-me code for ``me`` (the old one stops working)."""
    me.meet_code = new_meet_code()
    db.flush()
    return me.meet_code


def seated_together(db: Session, a: int, b: int) -> bool:
    """Whether ``a`` and ``b`` share a table (or a pair) in any round of a published plan."""
    mine, theirs = aliased(SeatRow), aliased(SeatRow)
    query = (
        select(mine.id)
        .join(
            theirs,
            (theirs.plan_id == mine.plan_id)
            & (theirs.round == mine.round)
            & (theirs.table == mine.table),
        )
        .join(PlanRow, PlanRow.id == mine.plan_id)
        .where(mine.attendee_id == a, theirs.attendee_id == b, PlanRow.status == "published")
        .limit(1)
    )
    return db.scalar(query) is not None
