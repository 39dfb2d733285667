from __future__ import annotations

import dataclasses
import io
import threading
import time
from collections import Counter

import pytest
from sqlalchemy import select

from touchpoints.errors import NotFoundError, TouchpointsError
from touchpoints.files.registrations import read_registrations
from touchpoints.storage import plans as store
from touchpoints.storage import repository as repo
from touchpoints.storage import touchpoints
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import AttendeeRow, PlanRow, SeatRow
from touchpoints.web import planning
from touchpoints.web.crowds import CrowdCache

#: 18 people in six circles of interests, and one who shares nothing with anybody.
CROWD_CSV = """Name,Email,Company,Interests
Ann Archer,ann@x.org,North Co,chess; jazz
Bo Chen,bo@x.org,East Co,chess openings; hiking
Cy Diaz,cy@x.org,South Co,chess; sourdough baking
Di Evans,di@x.org,West Co,Arsenal; jazz piano
Ed Fox,ed@x.org,Up Co,Premier League; hiking
Flo Gray,flo@x.org,Down Co,Arsenal; Python
Gus Hale,gus@x.org,In Co,jazz; Python programming
Hana Ito,hana@x.org,Out Co,jazz piano; bread baking
Ivo Jones,ivo@x.org,Far Co,jazz; mountain hiking
Jo King,jo@x.org,Near Co,sourdough baking; Premier League
Kim Lee,kim@x.org,Big Co,bread baking; chess
Lu Moss,lu@x.org,Small Co,sourdough baking; Python
Mo Nash,mo@x.org,Old Co,hiking; Arsenal
Ned Orr,ned@x.org,New Co,mountain hiking; chess openings
Oli Park,oli@x.org,Red Co,hiking; bread baking
Pia Quinn,pia@x.org,Blue Co,Python; Premier League
Rex Ross,rex@x.org,Green Co,Python programming; jazz piano
Sam Tate,sam@x.org,Gold Co,Python; chess
Uma Vale,uma@x.org,Grey Co,underwater basket weaving
"""


def crowd():
    return read_registrations(io.BytesIO(CROWD_CSV.encode()), filename="crowd.csv").attendees


@pytest.fixture
def factory(database_url):
    factory = open_database(database_url)
    yield factory
    factory.kw["bind"].dispose()


def _event(factory, people=True):
    with factory.begin() as db:
        organizer = repo.create_organizer(db, "ann@example.org", "long secret")
        event = repo.create_event(db, organizer.id, "Breakfast")
        if people:
            repo.add_attendees(db, event, crowd())
        return event.id


def _session(factory, event_id, **settings):
    settings = {
        "name": "Breakfast",
        "kind": "tables",
        "table_size": 5,
        "rounds": 2,
        "time_limit": 0.2,
    } | settings
    with factory.begin() as db:
        event = repo.event_of(db, 1, event_id)
        return store.create_session(db, event, **settings).id


def _planned(factory, session_id):
    with factory.begin() as db:
        event = repo.event_of(db, 1, 1)
        plan_id = store.start_plan(db, store.session_of(db, event, session_id)).id
    planning.run_plan(factory, plan_id)
    return plan_id


def _plan(factory, plan_id):
    with factory() as db:
        return db.get(PlanRow, plan_id)


def _seats(factory, plan_id):
    with factory() as db:
        rows = db.scalars(select(SeatRow).where(SeatRow.plan_id == plan_id))
        return {(s.round, s.attendee_id): s.table for s in rows}


def test_run_plan_seats_everybody_once_per_round_and_records_metrics(factory):
    event_id = _event(factory)
    plan_id = _planned(factory, _session(factory, event_id))

    plan = _plan(factory, plan_id)
    seats = _seats(factory, plan_id)

    assert (plan.status, plan.stage, plan.progress, plan.error) == ("ready", "done", 1.0, None)
    assert len(seats) == 2 * 19
    assert {t for t in seats.values()} == {1, 2, 3, 4}
    assert 0 < plan.metrics["hook_coverage"] <= 1
    assert plan.metrics["rule_violations"] == 0


def test_run_plan_pairs_people_numbering_the_pairs(factory):
    event_id = _event(factory)
    plan_id = _planned(factory, _session(factory, event_id, kind="pairs", rounds=3))

    seats = _seats(factory, plan_id)

    assert _plan(factory, plan_id).status == "ready"
    for r in (1, 2, 3):
        tables = [t for (round_, _), t in seats.items() if round_ == r]
        assert sorted(set(tables)) == list(range(1, 10))  # 19 people: 8 pairs and a trio
        assert len(tables) == 19


def test_a_failed_plan_records_its_error_and_leaves_the_published_plan(factory):
    event_id = _event(factory)
    session_id = _session(factory, event_id)
    published = _planned(factory, session_id)
    with factory.begin() as db:
        store.publish_plan(db, db.get(PlanRow, published))
    with factory.begin() as db:  # an impossible layout
        store.session_of(db, repo.event_of(db, 1, event_id), session_id).table_size = 1

    failed = _planned(factory, session_id)

    assert _plan(factory, failed).status == "failed"
    assert _plan(factory, failed).error == "a table needs at least 2 seats, this session has 1"
    assert _plan(factory, published).status == "published"
    assert _seats(factory, failed) == {}


def test_an_event_without_attendees_fails_to_plan(factory):
    event_id = _event(factory, people=False)

    plan_id = _planned(factory, _session(factory, event_id))

    assert _plan(factory, plan_id).error == "this event has no attendees yet: import some first"


def test_publishing_retires_the_plan_published_before(factory):
    event_id = _event(factory)
    session_id = _session(factory, event_id)
    first, second = _planned(factory, session_id), _planned(factory, session_id)

    with factory.begin() as db:
        store.publish_plan(db, db.get(PlanRow, first))
    with factory.begin() as db:
        store.publish_plan(db, db.get(PlanRow, second))

    assert (_plan(factory, first).status, _plan(factory, second).status) == (
        "retired",
        "published",
    )


def test_moving_a_person_changes_their_seat_and_the_metrics(factory):
    event_id = _event(factory)
    session_id = _session(factory, event_id)
    plan_id = _planned(factory, session_id)
    before = _plan(factory, plan_id).metrics
    table = _seats(factory, plan_id)[(1, 1)]
    target = 1 if table != 1 else 2

    with factory.begin() as db:
        event = repo.event_of(db, 1, event_id)
        plan, session = store.plan_of(db, event, plan_id)
        crowd_ = CrowdCache().crowd(db, event_id)
        planning.move_seat(db, plan, session, crowd_, round_number=1, attendee_id=1, table=target)

    assert _seats(factory, plan_id)[(1, 1)] == target
    assert _plan(factory, plan_id).metrics != before


def _swap(factory, event_id, plan_id, **where):
    with factory.begin() as db:
        event = repo.event_of(db, 1, event_id)
        plan, session = store.plan_of(db, event, plan_id)
        return planning.swap_seats(db, plan, session, CrowdCache().crowd(db, event_id), **where)


def _apart(seats, round_number):
    """Two attendees (row ids) at different tables in the round."""
    first = seats[(round_number, 1)]
    other = next(p for (r, p), t in sorted(seats.items()) if r == round_number and t != first)
    return 1, other


def test_swapping_two_people_trades_their_tables_and_measures_the_plan_again(factory):
    event_id = _event(factory)
    plan_id = _planned(factory, _session(factory, event_id))
    seats = _seats(factory, plan_id)
    a, b = _apart(seats, 2)
    sizes = Counter(t for (r, _), t in seats.items() if r == 2)
    before = _plan(factory, plan_id).metrics

    tables = _swap(factory, event_id, plan_id, round_number=2, a=a, b=b)

    after = _seats(factory, plan_id)
    assert tables == (seats[(2, b)], seats[(2, a)])
    assert (after[(2, a)], after[(2, b)]) == (seats[(2, b)], seats[(2, a)])
    assert {k: v for k, v in after.items() if k not in {(2, a), (2, b)}} == {
        k: v for k, v in seats.items() if k not in {(2, a), (2, b)}
    }
    assert Counter(t for (r, _), t in after.items() if r == 2) == sizes
    assert _plan(factory, plan_id).metrics != before


def test_a_swap_counts_the_seating_rules_it_breaks(factory):
    event_id = _event(factory)
    session_id = _session(factory, event_id)
    plan_id = _planned(factory, session_id)
    seats = _seats(factory, plan_id)
    a, b = _apart(seats, 1)
    with factory.begin() as db:  # Ann is pinned to her table in every round
        session = store.session_of(db, repo.event_of(db, 1, event_id), session_id)
        rules = f"rule,attendees,table,tags\npin,ann@x.org,{seats[(1, a)]},\n"
        store.set_session_rules(db, session, rules, "rules.csv")

    _swap(factory, event_id, plan_id, round_number=1, a=a, b=b)

    broken = 1 + (seats[(2, a)] != seats[(1, a)])  # round 1 now; round 2 as it was
    assert _plan(factory, plan_id).metrics["rule_violations"] == broken


@pytest.mark.parametrize(
    ("where", "error", "message"),
    [
        ({"round_number": 3}, TouchpointsError, "there is no round 3"),
        ({"b": 1}, TouchpointsError, "choose two different people to swap"),
        ({"b": 999}, NotFoundError, "no such attendee"),
        ({"b": "same table"}, TouchpointsError, "both sit at table"),
        ({"b": "no seat"}, TouchpointsError, "has no seat in round 1 to swap"),
    ],
)
def test_a_swap_that_cannot_be_made_is_refused_and_changes_nothing(factory, where, error, message):
    event_id = _event(factory)
    plan_id = _planned(factory, _session(factory, event_id))
    seats = _seats(factory, plan_id)
    where = dict(where)  # the parameter is shared by both backends' runs
    if where.get("b") == "same table":
        where["b"] = next(
            p for (r, p), t in seats.items() if r == 1 and p != 1 and t == seats[(1, 1)]
        )
    if where.get("b") == "no seat":
        with factory.begin() as db:
            event = repo.event_of(db, 1, event_id)
            where["b"] = store.add_walk_in(db, event, "Zoe Walker", "chess; jazz")

    with pytest.raises(error, match=message):
        _swap(factory, event_id, plan_id, **{"round_number": 1, "a": 1, "b": 2} | where)

    assert _seats(factory, plan_id) == seats


def test_repair_seats_a_walk_in_and_lets_a_no_show_go(factory):
    event_id = _event(factory)
    plan_id = _planned(factory, _session(factory, event_id))
    with factory.begin() as db:
        store.publish_plan(db, db.get(PlanRow, plan_id))

    with factory.begin() as db:
        event = repo.event_of(db, 1, event_id)
        plan, session = store.plan_of(db, event, plan_id)
        walk_in = store.add_walk_in(db, event, "Zoe Walker", "chess; jazz")
        moves = planning.repair_plan_round(
            db,
            plan,
            session,
            CrowdCache().crowd(db, event_id),
            round_number=2,
            no_shows=[2],
            walk_ins=[walk_in],
        )

    seats = _seats(factory, plan_id)
    assert (2, 2) not in seats
    assert (2, walk_in) in seats
    assert (1, 2) in seats  # the other round keeps its seats
    assert (1, walk_in) not in seats
    assert any(m.from_table is None and m.to_table == seats[(2, walk_in)] - 1 for m in moves)


def test_plans_of_another_event_are_not_found(factory):
    event_id = _event(factory)
    plan_id = _planned(factory, _session(factory, event_id))
    with factory.begin() as db:
        other = repo.create_event(db, 1, "Dinner")

        with pytest.raises(NotFoundError):
            store.plan_of(db, other, plan_id)
        with pytest.raises(NotFoundError):
            store.session_of(db, other, 1)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"kind": "speed dating"}, "a session is tables or pairs"),
        ({"table_size": 1}, "a table seats 2 to 500 people"),
        ({"rounds": 0}, "a session has 1 to 50 rounds"),
    ],
)
def test_create_session_refuses_bad_settings(factory, settings, message):
    event_id = _event(factory, people=False)

    with pytest.raises(TouchpointsError, match=message):
        _session(factory, event_id, **settings)


def _pairs_of(seats):
    tables = {}
    for (round_, person), table in seats.items():
        tables.setdefault((round_, table), []).append(person)
    return {frozenset((a, b)) for m in tables.values() for a in m for b in m if a < b}


def test_a_second_session_avoids_the_pairs_of_the_published_first_one(factory):
    event_id = _event(factory)
    first = _planned(factory, _session(factory, event_id, kind="pairs", rounds=1))
    with factory.begin() as db:
        store.publish_plan(db, db.get(PlanRow, first))

    second = _planned(factory, _session(factory, event_id, kind="pairs", rounds=1))

    assert _plan(factory, second).status == "ready"
    assert not _pairs_of(_seats(factory, first)) & _pairs_of(_seats(factory, second))


def test_avoid_entries_keep_people_apart_in_the_web_planner(factory):
    with factory.begin() as db:
        organizer = repo.create_organizer(db, "ann@example.org", "long secret")
        event = repo.create_event(db, organizer.id, "Breakfast")
        people = list(crowd())
        people[0] = dataclasses.replace(people[0], avoid=("Bo Chen",))  # both play chess
        repo.add_attendees(db, event, people)
        ann, bo = (r.id for r in repo.attendees_of(db, event.id)[:2])

    seats = _seats(factory, _planned(factory, _session(factory, event.id, rounds=3)))

    for round_ in (1, 2, 3):
        assert seats[(round_, ann)] != seats[(round_, bo)]


def test_people_who_confirmed_a_touchpoint_are_not_paired_again(factory):
    event_id = _event(factory)
    first = _planned(factory, _session(factory, event_id, kind="pairs", rounds=1))
    met = _pairs_of(_seats(factory, first))  # not published: only the confirmations count
    with factory.begin() as db:
        for a, b in met:
            touchpoints.confirm(db, db.get(AttendeeRow, a), db.get(AttendeeRow, b), "table")

    second = _planned(factory, _session(factory, event_id, kind="pairs", rounds=1))

    assert _plan(factory, second).status == "ready"
    assert not met & _pairs_of(_seats(factory, second))


def test_a_stopped_plan_keeps_the_best_seating_found_so_far(factory):
    event_id = _event(factory)
    session_id = _session(factory, event_id, rounds=4, time_limit=20)  # the first plan: ~5 s
    with factory.begin() as db:
        event = repo.event_of(db, 1, event_id)
        plan_id = store.start_plan(db, store.session_of(db, event, session_id)).id
    runner = threading.Thread(target=planning.run_plan, args=(factory, plan_id))
    started = time.monotonic()
    runner.start()
    while not _plan(factory, plan_id).metrics:  # the first complete plan
        assert runner.is_alive()
        time.sleep(0.05)

    with factory.begin() as db:
        store.request_stop(db, db.get(PlanRow, plan_id))
    runner.join(timeout=60)

    plan = _plan(factory, plan_id)
    assert not runner.is_alive()
    assert time.monotonic() - started < 20  # not the time it was given
    assert (plan.status, plan.stage) == ("ready", "stopped early: the best plan found")
    assert len(_seats(factory, plan_id)) == 4 * 19
    with factory.begin() as db, pytest.raises(TouchpointsError, match="only a running plan"):
        store.request_stop(db, db.get(PlanRow, plan_id))
