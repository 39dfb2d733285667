"""Everything the app reads and writes, as functions over a SQLAlchemy session.

Every query an organizer makes goes through their organizer id, so one organizer
never reaches another's events (:class:`~touchpoints.errors.NotFoundError`, the
same answer as for an event that does not exist). Attendee tokens are 192 random
bits (``secrets.token_urlsafe(24)``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from touchpoints.core.model import Attendee
from touchpoints.errors import AccountError, NotFoundError
from touchpoints.storage.schema import AttendeeRow, EventRow, OrganizerRow

__all__ = [
    "LIST_FIELDS",
    "add_attendees",
    "attendee_by_token",
    "attendees_of",
    "authenticate",
    "create_event",
    "create_organizer",
    "event_by_registration_code",
    "event_of",
    "events_of",
    "set_password",
    "to_attendee",
    "update_interests",
]

#: Attendee fields kept as lists (one JSON column).
LIST_FIELDS = ("interests", "languages", "knows", "arrived_with", "want_to_meet", "avoid")
_hasher = PasswordHasher()


def create_organizer(db: Session, email: str, password: str) -> OrganizerRow:
    """A new organizer account (the password stored as an Argon2id hash)."""
    email = email.strip().casefold()
    if "@" not in email or len(password) < 8:
        raise AccountError("give an e-mail address and a password of at least 8 characters")
    row = OrganizerRow(email=email, password_hash=_hasher.hash(password))
    db.add(row)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise AccountError("an account with this e-mail address exists; log in instead") from None
    return row


def set_password(db: Session, organizer: OrganizerRow, password: str) -> None:
    """Give an organizer a new password."""
    if len(password) < 8:
        raise AccountError("a password needs at least 8 characters")
    organizer.password_hash = _hasher.hash(password)


def authenticate(db: Session, email: str, password: str) -> OrganizerRow:
    """The organizer with this e-mail and password."""
    row = db.scalar(select(OrganizerRow).where(OrganizerRow.email == email.strip().casefold()))
    try:
        if row is None or not _hasher.verify(row.password_hash, password):
            raise AccountError("wrong e-mail address or password")
    except (VerificationError, InvalidHashError):
        raise AccountError("wrong e-mail address or password") from None
    return row


def create_event(db: Session, organizer_id: int, name: str) -> EventRow:
    """A new, empty event of an organizer."""
    name = name.strip()
    if not name:
        raise AccountError("an event needs a name")
    row = EventRow(
        organizer_id=organizer_id, name=name[:200], registration_code=secrets.token_urlsafe(12)
    )
    db.add(row)
    db.flush()
    return row


def events_of(db: Session, organizer_id: int) -> list[EventRow]:
    """An organizer's events, newest first."""
    query = select(EventRow).where(EventRow.organizer_id == organizer_id)
    return list(db.scalars(query.order_by(EventRow.id.desc())))


def event_of(db: Session, organizer_id: int, event_id: int) -> EventRow:
    """One of the organizer's events (another's is "not found", like a missing one)."""
    row = db.get(EventRow, event_id)
    if row is None or row.organizer_id != organizer_id:
        raise NotFoundError("no such event")
    return row


def event_by_registration_code(db: Session, code: str) -> EventRow:
    """The event whose public registration page has this code."""
    row = db.scalar(select(EventRow).where(EventRow.registration_code == code))
    if row is None:
        raise NotFoundError("no such event")
    return row


def add_attendees(db: Session, event: EventRow, people: Sequence[Attendee]) -> list[AttendeeRow]:
    """Store imported attendees, each with a fresh personal link token."""
    taken = {
        r
        for r in db.scalars(select(AttendeeRow.external_id).where(AttendeeRow.event_id == event.id))
    }
    rows = []
    for person in people:
        external = person.id if person.id not in taken else f"{person.id}-{secrets.token_hex(3)}"
        taken.add(external)
        rows.append(
            AttendeeRow(
                event_id=event.id,
                external_id=external,
                token=secrets.token_urlsafe(24),
                name=person.name,
                email=person.email,
                organization=person.organization,
                job_title=person.job_title,
                bio=person.bio,
                hometown=person.hometown,
                lists={field: list(getattr(person, field)) for field in LIST_FIELDS},
            )
        )
    db.add_all(rows)
    _attendees_changed(db, event.id)
    db.flush()
    return rows


def _attendees_changed(db: Session, event_id: int) -> None:
    """Move the event's attendee version on (in the database, so every process sees it)."""
    db.execute(
        update(EventRow)
        .where(EventRow.id == event_id)
        .values(attendees_version=EventRow.attendees_version + 1)
        .execution_options(synchronize_session=False)
    )


def attendees_of(db: Session, event_id: int, search: str = "") -> list[AttendeeRow]:
    """An event's attendees in import order, optionally those whose name, organization
    or e-mail contains ``search`` (case ignored)."""
    query = select(AttendeeRow).where(AttendeeRow.event_id == event_id)
    if search.strip():
        pattern = f"%{search.strip().casefold()}%"
        query = query.where(
            or_(
                func.lower(AttendeeRow.name).like(pattern),
                func.lower(AttendeeRow.organization).like(pattern),
                func.lower(AttendeeRow.email).like(pattern),
            )
        )
    return list(db.scalars(query.order_by(AttendeeRow.id)))


def attendee_by_token(db: Session, token: str) -> AttendeeRow:
    """The attendee whose personal link carries this token (with their event)."""
    query = select(AttendeeRow).options(joinedload(AttendeeRow.event))
    row = db.scalar(query.where(AttendeeRow.token == token)) if token else None
    if row is None:
        raise NotFoundError("this link is not valid (ask the organizer for yours)")
    return row


def to_attendee(row: AttendeeRow) -> Attendee:
    """The engine's view of a stored attendee (its id is the row id, as text)."""
    lists = row.lists or {}
    return Attendee(
        id=str(row.id),
        name=row.name,
        email=row.email,
        organization=row.organization,
        job_title=row.job_title,
        bio=row.bio,
        hometown=row.hometown,
        **{field: tuple(lists.get(field, ())) for field in LIST_FIELDS},
    )


#: The most interests one attendee keeps, and the longest one (characters).
MAX_INTERESTS = 40
MAX_INTEREST_CHARS = 300


def update_interests(db: Session, attendee: AttendeeRow, interests: Sequence[str]) -> None:
    """Replace an attendee's interests (trimmed, blank and repeated ones dropped, the
    first spelling kept; at most :data:`MAX_INTERESTS` of :data:`MAX_INTEREST_CHARS`)."""
    kept: dict[str, str] = {}
    for interest in interests:
        text = " ".join(interest.split())[:MAX_INTEREST_CHARS]
        if text:
            kept.setdefault(text.casefold(), text)
    # A new dict, so that SQLAlchemy sees the JSON column change.
    attendee.lists = {**(attendee.lists or {}), "interests": list(kept.values())[:MAX_INTERESTS]}
    _attendees_changed(db, attendee.event_id)
    db.flush()
