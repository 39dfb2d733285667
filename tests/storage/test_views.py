from __future__ import annotations

import pytest

from touchpoints.core.model import Attendee
from touchpoints.storage import repository as repo
from touchpoints.storage import views
from touchpoints.storage.schema import PlanRow, SeatRow, SessionRow


@pytest.fixture
def crowd(db):
    organizer = repo.create_organizer(db, "ann@example.org", "long secret")
    event = repo.create_event(db, organizer.id, "Breakfast")
    rows = repo.add_attendees(
        db,
        event,
        [
            Attendee(str(i), name, email=f"{name.lower()}@x.org", interests=("chess",))
            for i, name in enumerate(["Ann Lee", "Bo Chen", "Cy Diaz", "Di Eze"], 1)
        ],
    )
    return event, rows


def _plan(db, event, kind, status, seats):
    session = SessionRow(event_id=event.id, name=f"{kind} {status}", kind=kind)
    db.add(session)
    db.flush()
    plan = PlanRow(session_id=session.id, status=status)
    db.add(plan)
    db.flush()
    for round_, table, row in seats:
        db.add(SeatRow(plan_id=plan.id, round=round_, table=table, attendee_id=row.id))
    db.flush()


def test_published_seats_list_every_round_with_tablemates_by_first_name(db, crowd):
    event, (ann, bo, cy, di) = crowd
    _plan(db, event, "tables", "published", [(2, 1, ann), (2, 1, cy), (1, 1, ann), (1, 1, bo)])
    _plan(db, event, "tables", "ready", [(1, 1, ann), (1, 1, di)])
    _plan(db, event, "pairs", "published", [(1, 3, ann), (1, 3, di), (1, 4, bo), (1, 4, cy)])

    seats = views.published_seats(db, ann.id)

    assert seats == [
        views.Seat("tables published", "tables", 1, 1, (views.Mate(str(bo.id), "Bo"),)),
        views.Seat("tables published", "tables", 2, 1, (views.Mate(str(cy.id), "Cy"),)),
        views.Seat("pairs published", "pairs", 1, 3, (views.Mate(str(di.id), "Di"),)),
    ]


def test_an_attendee_without_a_published_seat_has_none(db, crowd):
    _, rows = crowd

    assert views.published_seats(db, rows[0].id) == []


def test_the_event_version_moves_when_attendees_come_or_change_their_interests(db, crowd):
    event, rows = crowd
    before = views.event_version(db, event.id)

    repo.add_attendees(db, event, [Attendee("9", "Ed Fox")])
    added = views.event_version(db, event.id)
    repo.update_interests(db, rows[0], ["opera"])
    edited = views.event_version(db, event.id)

    assert before < added < edited
    assert views.event_version(db, event.id + 1) == 0


def test_event_attendees_are_engine_values_in_import_order(db, crowd):
    event, rows = crowd

    attendees = views.event_attendees(db, event.id)

    assert [a.id for a in attendees] == [str(r.id) for r in rows]
    assert attendees[0].interests == ("chess",)
