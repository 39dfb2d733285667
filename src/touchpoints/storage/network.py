"""An event's touchpoint network as the organizer's dashboard reads it (gh-6).

The pairs are found in the database (a confirmation joined with its reverse), so a
big event sends one row per touchpoint rather than two per pair; one-sided
confirmations are only counted. :func:`touchpoints.storage.touchpoints.event_confirmations`
reads every confirmation instead, for the double-blind rules themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from touchpoints.storage.schema import ConfirmationRow

__all__ = ["EventTouchpoints", "event_touchpoints"]


@dataclass(frozen=True, slots=True)
class EventTouchpoints:
    """Every touchpoint of an event as (a, b, when it became mutual), a < b as attendee
    row ids in text, oldest first; and how many confirmations are one-sided."""

    pairs: list[tuple[str, str, dt.datetime]]
    one_sided: int


def event_touchpoints(db: Session, event_id: int) -> EventTouchpoints:
    """The event's touchpoints and the number of one-sided confirmations (two queries)."""
    mine, theirs = aliased(ConfirmationRow), aliased(ConfirmationRow)
    # The later of the two confirmations, written so both backends keep its type.
    when = case((mine.created_at >= theirs.created_at, mine.created_at), else_=theirs.created_at)
    rows = db.execute(
        select(mine.attendee_id, mine.other_id, when)
        .join(
            theirs,
            (theirs.attendee_id == mine.other_id) & (theirs.other_id == mine.attendee_id),
        )
        .where(mine.event_id == event_id, mine.attendee_id < mine.other_id)
    ).all()
    # Oldest first, then by ids as text: the order of core.touchpoints.mutual_pairs.
    pairs = sorted(((str(a), str(b), at) for a, b, at in rows), key=lambda p: (p[2], p[0], p[1]))
    total = db.scalar(
        select(func.count())
        .select_from(ConfirmationRow)
        .where(ConfirmationRow.event_id == event_id)
    )
    return EventTouchpoints(pairs, int(total or 0) - 2 * len(pairs))
