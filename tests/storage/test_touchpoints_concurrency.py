"""Simultaneous confirmations lose nothing and duplicate nothing, on every backend:
each thread has its own database session, and all start at once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from touchpoints.core.model import Attendee
from touchpoints.core.touchpoints import mutual_pairs
from touchpoints.storage import repository as repo
from touchpoints.storage import touchpoints as store
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import AttendeeRow, ConfirmationRow

PEOPLE = 200


@pytest.fixture
def factory(database_url):
    factory = open_database(database_url)
    yield factory
    factory.kw["bind"].dispose()


@pytest.fixture
def event(factory):
    with factory.begin() as db:
        organizer = repo.create_organizer(db, "org@example.org", "long secret")
        event = repo.create_event(db, organizer.id, "Breakfast")
        rows = repo.add_attendees(
            db, event, [Attendee(str(i), f"Person {i}") for i in range(PEOPLE)]
        )
        return event.id, [r.id for r in rows]


def _all_at_once(jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Run every job in its own thread, released together; the errors raised."""
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as error:  # reported by the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _confirmer(factory, me: int, other: int) -> Callable[[], None]:
    def job() -> None:
        with factory.begin() as db:
            store.confirm(db, db.get(AttendeeRow, me), db.get(AttendeeRow, other), "table")

    return job


def test_200_attendees_confirming_at_once_make_every_touchpoint_once(factory, event):
    event_id, ids = event
    partners = {ids[i]: ids[i ^ 1] for i in range(PEOPLE)}  # 100 pairs, both sides confirm

    errors = _all_at_once([_confirmer(factory, me, other) for me, other in partners.items()])

    assert errors == []
    with factory() as db:
        confirmations = store.event_confirmations(db, event_id)
    assert len(confirmations) == PEOPLE
    assert {(int(c.by), int(c.met)) for c in confirmations} == set(partners.items())
    assert len(mutual_pairs(confirmations)) == PEOPLE // 2


def test_the_same_confirmation_sent_200_times_at_once_is_one_row(factory, event):
    _, ids = event

    errors = _all_at_once([_confirmer(factory, ids[0], ids[1]) for _ in range(PEOPLE)])

    assert errors == []
    with factory() as db:
        count = db.scalar(select(func.count()).select_from(ConfirmationRow))
    assert count == 1
