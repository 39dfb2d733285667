"""Confirmations in the database, on every backend."""

from __future__ import annotations

import pytest

from touchpoints.core.model import Attendee
from touchpoints.core.touchpoints import Sharing, Standing, TouchpointError
from touchpoints.errors import NotFoundError
from touchpoints.storage import repository as repo
from touchpoints.storage import touchpoints as store
from touchpoints.storage import views


@pytest.fixture
def people(db):
    organizer = repo.create_organizer(db, "org@example.org", "long secret")
    event = repo.create_event(db, organizer.id, "Breakfast")
    other = repo.create_event(db, organizer.id, "Lunch")
    ann, bo, cy = repo.add_attendees(
        db,
        event,
        [
            Attendee(str(i), n, email=f"{n.lower()}@x.org")
            for i, n in enumerate(["Ann", "Bo", "Cy"])
        ],
    )
    (zed,) = repo.add_attendees(db, other, [Attendee("1", "Zed", email="zed@x.org")])
    return ann, bo, cy, zed


def test_a_confirmation_is_waiting_until_the_other_confirms_and_then_mutual(db, people):
    ann, bo, _, _ = people

    assert store.confirm(db, ann, bo, "table") is Standing.WAITING
    assert store.my_view(db, bo).mutual == ()
    assert store.my_view(db, bo).waiting == ()
    assert store.confirm(db, bo, ann, "code") is Standing.MUTUAL

    assert [other for other, _ in store.my_view(db, ann).mutual] == [str(bo.id)]
    assert [other for other, _ in store.my_view(db, bo).mutual] == [str(ann.id)]


def test_confirming_twice_keeps_one_row(db, people):
    ann, bo, _, _ = people
    store.confirm(db, ann, bo, "table")
    store.confirm(db, ann, bo, "code")

    assert len(store.event_confirmations(db, ann.event_id)) == 1


def test_withdrawing_works_until_the_touchpoint_is_mutual(db, people):
    ann, bo, cy, _ = people
    store.confirm(db, ann, cy, "table")
    store.withdraw(db, ann, cy.id)
    store.withdraw(db, ann, cy.id)  # nothing left to withdraw: fine
    assert store.my_view(db, ann).waiting == ()

    store.confirm(db, ann, bo, "table")
    store.confirm(db, bo, ann, "table")
    with pytest.raises(TouchpointError, match="can no longer be withdrawn"):
        store.withdraw(db, ann, bo.id)
    assert len(store.my_view(db, ann).mutual) == 1


def test_confirming_oneself_or_someone_at_another_event_is_refused(db, people):
    ann, _, _, zed = people
    with pytest.raises(TouchpointError, match="your own code"):
        store.confirm(db, ann, ann, "code")
    with pytest.raises(TouchpointError, match="another event"):
        store.confirm(db, ann, zed, "code")
    assert store.event_confirmations(db, ann.event_id) == []


def test_meet_codes_are_unique_and_renewing_one_retires_the_old(db, people):
    ann, bo, cy, zed = people
    codes = {p.meet_code for p in people}
    assert len(codes) == 4
    assert all(len(c) >= 16 for c in codes)
    assert ann.meet_code != ann.token

    old = ann.meet_code
    new = store.renew_meet_code(db, ann)

    assert store.attendee_by_meet_code(db, new).id == ann.id
    with pytest.raises(NotFoundError, match="not valid"):
        store.attendee_by_meet_code(db, old)
    with pytest.raises(NotFoundError):
        store.attendee_by_meet_code(db, "")


def _contacts(db, me):
    return views.touchpoint_people(db, store.my_view(db, me)).mutual


def test_contacts_are_released_only_to_touchpoints_and_only_as_chosen(db, people):
    ann, bo, cy, _ = people
    store.set_sharing(db, ann, Sharing(email=True, phone="+1 555 0100"))
    store.set_sharing(db, bo, Sharing(link="https://bo.example.org"))
    store.confirm(db, ann, bo, "table")
    store.confirm(db, bo, ann, "table")
    store.confirm(db, cy, ann, "table")  # one-sided: Cy sees nothing of Ann

    ((other, contact),) = _contacts(db, bo)
    assert other == ann.id
    assert (contact.email, contact.phone, contact.link) == ("ann@x.org", "+1 555 0100", None)
    ((_, of_bo),) = _contacts(db, ann)
    assert (of_bo.email, of_bo.phone, of_bo.link) == (None, None, "https://bo.example.org")
    assert _contacts(db, cy) == ()
