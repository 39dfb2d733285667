"""An event's touchpoints read for the dashboard, on every backend."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from touchpoints.core.model import Attendee
from touchpoints.core.touchpoints import mutual_pairs
from touchpoints.storage import repository as repo
from touchpoints.storage.network import event_touchpoints
from touchpoints.storage.schema import ConfirmationRow
from touchpoints.storage.touchpoints import confirm, event_confirmations

T0 = dt.datetime(2025, 5, 1, 9, 0, tzinfo=dt.UTC)


def _utc(at):
    """SQLite gives naive UTC back, PostgreSQL aware times."""
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _crowd(db):
    organizer = repo.create_organizer(db, "org@example.org", "long secret")
    event = repo.create_event(db, organizer.id, "Breakfast")
    other = repo.create_event(db, organizer.id, "Lunch")
    names = ["Ann", "Bo", "Cy", "Di"]
    people = repo.add_attendees(db, event, [Attendee(str(i), n) for i, n in enumerate(names)])
    elsewhere = repo.add_attendees(db, other, [Attendee("1", "Zed"), Attendee("2", "Yu")])
    return event, dict(zip(names, people, strict=True)), elsewhere


def _at(db, by, met, minutes):
    db.execute(
        update(ConfirmationRow)
        .where(ConfirmationRow.attendee_id == by.id, ConfirmationRow.other_id == met.id)
        .values(created_at=T0 + dt.timedelta(minutes=minutes))
    )


def test_event_touchpoints_finds_mutual_pairs_at_the_later_confirmation(db):
    event, p, (zed, yu) = _crowd(db)
    for by, met, minutes in [
        ("Cy", "Bo", 50),
        ("Bo", "Cy", 10),
        ("Ann", "Di", 20),
        ("Di", "Ann", 30),
        ("Ann", "Bo", 0),  # one-sided
        ("Cy", "Di", 5),  # one-sided
    ]:
        confirm(db, p[by], p[met], "table")
        _at(db, p[by], p[met], minutes)
    confirm(db, zed, yu, "table")
    confirm(db, yu, zed, "table")

    found = event_touchpoints(db, event.id)

    ann, bo, cy, di = (str(p[n].id) for n in ["Ann", "Bo", "Cy", "Di"])
    assert [(a, b, _utc(at)) for a, b, at in found.pairs] == [
        (ann, di, T0 + dt.timedelta(minutes=30)),
        (bo, cy, T0 + dt.timedelta(minutes=50)),
    ]
    assert found.one_sided == 2


def test_event_touchpoints_agrees_with_the_double_blind_rules(db):
    event, p, _ = _crowd(db)
    for by, met in [("Ann", "Bo"), ("Bo", "Ann"), ("Cy", "Ann"), ("Di", "Cy"), ("Cy", "Di")]:
        confirm(db, p[by], p[met], "code")

    found = event_touchpoints(db, event.id)

    assert [(a, b) for a, b, _ in found.pairs] == [
        (a, b) for a, b, _ in mutual_pairs(event_confirmations(db, event.id))
    ]
    assert found.one_sided == 1


def test_event_touchpoints_of_an_event_without_confirmations_is_empty(db):
    event, _, _ = _crowd(db)

    found = event_touchpoints(db, event.id)

    assert (found.pairs, found.one_sided) == ([], 0)
