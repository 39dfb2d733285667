from __future__ import annotations

import pytest

from touchpoints.core.model import Attendee
from touchpoints.errors import AccountError, NotFoundError
from touchpoints.storage import repository as repo


def test_passwords_are_hashed_and_checked(db):
    organizer = repo.create_organizer(db, "Ann@Example.org", "long secret")

    assert "long secret" not in organizer.password_hash
    assert repo.authenticate(db, "ann@example.org", "long secret").id == organizer.id
    with pytest.raises(AccountError, match="wrong e-mail address or password"):
        repo.authenticate(db, "ann@example.org", "wrong secret")


def test_attendees_round_trip_to_the_engine_with_unguessable_tokens(db):
    organizer = repo.create_organizer(db, "ann@example.org", "long secret")
    event = repo.create_event(db, organizer.id, "Breakfast")
    person = Attendee("7", "Bo Chen", email="bo@x.org", interests=("chess", "jazz"))

    (row,) = repo.add_attendees(db, event, [person])

    assert repo.to_attendee(row) == Attendee(
        str(row.id), "Bo Chen", email="bo@x.org", interests=("chess", "jazz")
    )
    assert len(row.token) == 32
    assert repo.attendee_by_token(db, row.token).id == row.id
    with pytest.raises(NotFoundError):
        repo.attendee_by_token(db, "")


def test_an_event_belongs_to_its_organizer_only(db):
    ann = repo.create_organizer(db, "ann@example.org", "long secret")
    bo = repo.create_organizer(db, "bo@example.org", "long secret")
    event = repo.create_event(db, ann.id, "Breakfast")

    assert repo.event_of(db, ann.id, event.id).name == "Breakfast"
    with pytest.raises(NotFoundError, match="no such event"):
        repo.event_of(db, bo.id, event.id)
