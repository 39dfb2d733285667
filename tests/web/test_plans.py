from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.conftest import csrf, import_event, sign_up
from tests.web.test_planning import CROWD_CSV
from touchpoints.storage.schema import AttendeeRow, EventRow, PlanRow, SeatRow, SessionRow

PLAN_URL = re.compile(r"/events/\d+/plans/\d+")
METRIC = re.compile(r'data-metric="(\w+)">([^<]*)<')


def _event_with_crowd(client):
    sign_up(client)
    return f"/events/{import_event(client, CROWD_CSV.encode())}"


def _session(client, event, kind="tables", **fields):
    data = {"name": "Breakfast tables", "kind": kind, "table_size": "5", "rounds": "2"}
    data |= {"time_limit": "0.2", "csrf_token": csrf(client, event)} | fields
    response = client.post(f"{event}/sessions", data=data)
    assert response.status_code == 200
    return response.url.path


def _plan(client, session):
    """Plan the session and wait for the plan (polling its progress, as the page does)."""
    response = client.post(f"{session}/plans", data={"csrf_token": csrf(client, session)})
    plan = response.url.path
    assert PLAN_URL.fullmatch(plan)
    deadline = time.monotonic() + 60
    while "Planning:" in client.get(f"{plan}/progress").text:
        assert time.monotonic() < deadline, "planning did not finish"
        time.sleep(0.1)
    return plan


def _metrics(page):
    return dict(METRIC.findall(page.text))


def _post(client, url, page, **data):
    return client.post(url, data={"csrf_token": csrf(client, page)} | data)


def test_a_session_is_created_and_listed_on_the_event(client):
    event = _event_with_crowd(client)

    session = _session(client, event, name="Round tables")
    listed = client.get(f"{event}/sessions", headers={"HX-Request": "true"})

    assert "Round tables" in client.get(session).text
    assert "Tables of 5, 2 round(s), 0.2 s to search." in client.get(session).text
    assert 'hx-get="' + f'{event}/sessions"' in client.get(event).text
    assert re.search(r"Round tables</a></td>\s*<td>Tables of 5</td>", listed.text)
    assert "<html" not in listed.text


def test_planning_shows_progress_until_the_plan_is_ready(client):
    event = _event_with_crowd(client)
    session = _session(client, event)

    plan = _plan(client, session)
    done = client.get(f"{plan}/progress", headers={"HX-Request": "true"})

    assert "is ready" in done.text
    assert done.headers["HX-Refresh"] == "true"
    assert "every 1s" not in done.text
    assert "ready" in client.get(session).text


def test_the_plan_page_polls_its_progress_while_planning(client, app):
    event = _event_with_crowd(client)
    _session(client, event)
    with app.state.db.begin() as db:  # a plan nobody runs stays "planning"
        plan = PlanRow(session_id=1, status="planning", stage="finding the event's topics")
        db.add(plan)
        db.flush()
        plan_id = plan.id

    page = client.get(f"{event}/plans/{plan_id}")
    progress = client.get(f"{event}/plans/{plan_id}/progress", headers={"HX-Request": "true"})

    assert 'hx-trigger="every 1s"' in page.text
    assert "Planning: finding the event&#39;s topics" in page.text
    assert "HX-Refresh" not in progress.headers


def test_the_review_shows_themes_hooks_metrics_and_who_shares_nothing(client):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))

    page = client.get(plan)

    assert page.text.count('class="card table-card"') == 8  # 4 tables, 2 rounds
    assert re.search(r"<h3>Table 1: [^<]+</h3>", page.text)
    assert "You both" in page.text  # the engine's explanation of a hook
    assert set(_metrics(page)) == {
        "hook_coverage",
        "mean_hook",
        "min_hook",
        "repeated_pairs",
        "acquaintances_together",
        "rule_violations",
        "total_value",
    }
    assert "Share nothing with anybody here (1):</strong> Uma Vale" in page.text


def test_moving_a_person_changes_their_table_and_the_shown_metrics(client):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))
    before = client.get(plan)
    round_one = before.text.split('id="round-1"')[1].split('id="round-2"')[0]
    tables = re.split(r"<h3>Table (\d+)", round_one)
    at = next(
        int(n) for n, body in zip(tables[1::2], tables[2::2], strict=True) if "Ann Archer" in body
    )
    target = 1 if at != 1 else 2

    after = _post(client, f"{plan}/move", plan, attendee="1", round="1", table=str(target))

    round_one = after.text.split('id="round-1"')[1].split('id="round-2"')[0]
    moved_to = round_one.split(f"<h3>Table {target}")[1].split("<h3>")[0]
    assert "Ann Archer" in moved_to
    assert _metrics(after) != _metrics(before)


def _row_ids(app):
    with app.state.db() as db:
        return {a.name: a.id for a in db.scalars(select(AttendeeRow))}


def test_swapping_two_people_trades_their_tables_and_updates_the_metrics(client, app):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))
    before = client.get(plan)
    tables = _tables_by_name(app, plan)[1]
    other = next(name for name, table in tables.items() if table != tables["Ann Archer"])
    ids = _row_ids(app)

    after = _post(client, f"{plan}/swap", plan, attendee="1", other=str(ids[other]), round="1")

    swapped = _tables_by_name(app, plan)
    assert after.status_code == 200
    assert after.url.path == plan
    assert (swapped[1]["Ann Archer"], swapped[1][other]) == (tables[other], tables["Ann Archer"])
    assert sorted(swapped[1].values()) == sorted(tables.values())  # no table grows
    assert _metrics(after) != _metrics(before)
    assert 'action="' + f'{plan}/swap"' in before.text


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"other": "1"}, "choose two different people to swap"),
        ({"other": "someone"}, "Swap with: expected a number, got &#39;someone&#39;"),
        ({"round": "3"}, "there is no round 3"),
        ({"other": "tablemate"}, "both sit at table"),
    ],
)
def test_a_swap_that_cannot_be_made_is_refused_with_a_clear_message(client, app, fields, message):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))
    tables = _tables_by_name(app, plan)
    if fields.get("other") == "tablemate":
        mate = next(
            n for n, t in tables[1].items() if t == tables[1]["Ann Archer"] and n != "Ann Archer"
        )
        fields = {"other": str(_row_ids(app)[mate])}

    refused = _post(
        client, f"{plan}/swap", plan, **{"attendee": "1", "other": "2", "round": "1"} | fields
    )

    assert refused.status_code == 400
    assert message in refused.text
    assert _tables_by_name(app, plan) == tables


def test_publishing_retires_the_plan_published_before(client):
    event = _event_with_crowd(client)
    session = _session(client, event)
    first, second = _plan(client, session), _plan(client, session)

    _post(client, f"{first}/publish", first)
    published = _post(client, f"{second}/publish", second)

    assert "<strong>Published</strong>" in published.text
    assert "(retired)" in client.get(first).text
    assert re.search(r"plan 1</a></td>\s*<td>retired", client.get(session).text)


def test_a_failed_plan_leaves_the_published_plan_as_it_was(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)
    published = _plan(client, session)
    _post(client, f"{published}/publish", published)
    with app.state.db.begin() as db:  # a layout the planner cannot seat
        db.get(SessionRow, 1).table_size = 1

    failed = _plan(client, session)

    assert "Planning failed: a table needs at least 2 seats" in client.get(failed).text
    assert "(published)" in client.get(published).text
    listed = client.get(f"{event}/sessions", headers={"HX-Request": "true"})
    assert f'<a href="{published}">' in listed.text


def test_the_cards_page_has_one_card_per_table_and_round(client):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))

    cards = client.get(f"{plan}/cards")

    assert cards.headers["content-type"].startswith("text/html")
    assert cards.text.count('<div class="card">') == 8
    assert cards.text.count('<div class="card agenda">') == 19


def test_repair_lets_a_no_show_go_and_seats_a_walk_in(client):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))
    _post(client, f"{plan}/publish", plan)

    repaired = _post(
        client,
        f"{plan}/repair",
        plan,
        round="1",
        no_show="2",
        walk_in_name="Zoe Walker",
        walk_in_interests="chess; jazz",
    )

    assert repaired.status_code == 200
    assert "Round 1 repaired:" in repaired.text
    assert re.search(r"<li>Zoe Walker: sits at table \d", repaired.text)
    round_one = repaired.text.split('id="round-1"')[1].split('id="round-2"')[0]
    round_two = repaired.text.split('id="round-2"')[1]
    assert "Zoe Walker" in round_one
    assert "Bo Chen" not in round_one
    assert "Bo Chen" in round_two


def test_a_plan_that_is_not_published_is_not_repaired(client):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event))

    response = _post(client, f"{plan}/repair", plan, round="1", no_show="2")

    assert response.status_code == 400
    assert "only a published tables plan is repaired" in response.text


def test_one_to_one_rounds_are_reviewed_as_pairs(client):
    event = _event_with_crowd(client)
    plan = _plan(client, _session(client, event, kind="pairs", rounds="2"))

    page = client.get(plan)

    assert page.text.count('class="card table-card"') == 18  # 8 pairs and a trio, twice
    assert "<h3>Pair 9" in page.text
    assert "On the day" not in page.text


def test_a_running_plan_can_be_stopped_from_its_page_and_a_finished_one_cannot(client, app):
    event = _event_with_crowd(client)
    _session(client, event)
    with app.state.db.begin() as db:  # a plan nobody runs stays "planning"
        plan = PlanRow(session_id=1, status="planning", stage="seating round 1 of 2")
        db.add(plan)
        db.flush()
        running = f"{event}/plans/{plan.id}"
    finished = _plan(client, _session(client, event))

    before = client.get(running)
    stopped = _post(client, f"{running}/stop", running)
    refused = _post(client, f"{finished}/stop", finished)

    assert "Stop and keep the best plan so far" in before.text
    assert stopped.status_code == 200
    assert "Stopping: the plan keeps the best seating found" in stopped.text
    with app.state.db() as db:
        assert db.get(PlanRow, plan.id).stop_requested
    assert refused.status_code == 400
    assert "only a running plan can be stopped" in refused.text


def _plan_urls(event, session, plan):
    return [
        ("get", f"{event}/sessions", {}),
        (
            "post",
            f"{event}/sessions",
            {"kind": "tables", "table_size": "5", "rounds": "1", "time_limit": "0"},
        ),
        ("get", session, {}),
        ("post", f"{session}/plans", {}),
        ("get", plan, {}),
        ("get", f"{plan}/progress", {}),
        ("post", f"{plan}/move", {"attendee": "1", "round": "1", "table": "1"}),
        ("post", f"{plan}/swap", {"attendee": "1", "other": "2", "round": "1"}),
        ("post", f"{plan}/publish", {}),
        ("post", f"{plan}/stop", {}),
        ("get", f"{plan}/cards", {}),
        ("post", f"{plan}/repair", {"round": "1"}),
        ("post", f"{session}/rules", {}),
        ("post", f"{session}/rules/clear", {}),
        ("get", f"{session}/rules.csv", {}),
    ]


def test_another_organizer_gets_404_on_every_plan_url(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)
    plan = _plan(client, session)
    with TestClient(app) as other:
        sign_up(other, "other@example.org")
        token = csrf(other, "/events")

        for method, url, data in _plan_urls(event, session, plan):
            if method == "get":
                response = other.get(url)
            else:
                response = other.post(url, data={"csrf_token": token} | data)

            assert (url, response.status_code) == (url, 404)
            assert "Breakfast" not in response.text
    assert "(ready)" in client.get(plan).text


def test_every_post_without_its_csrf_token_is_refused(client):
    event = _event_with_crowd(client)
    session = _session(client, event)
    plan = _plan(client, session)

    for method, url, data in _plan_urls(event, session, plan):
        if method == "post":
            response = client.post(url, data=data)

            assert (url, response.status_code) == (url, 403)
    assert "(ready)" in client.get(plan).text


@pytest.mark.parametrize("field", ["rounds", "time_limit", "table_size"])
def test_a_session_with_a_number_that_is_not_one_is_refused(client, field):
    event = _event_with_crowd(client)

    response = client.post(
        f"{event}/sessions",
        data={"kind": "tables", "table_size": "5", "rounds": "1", "time_limit": "1"}
        | {field: "many", "csrf_token": csrf(client, event)},
    )

    assert response.status_code == 400
    assert "expected a number, got &#39;many&#39;" in response.text


#: Seating rules for the crowd of 19 at tables of 5 (tables 1 to 4).
RULES_CSV = """rule,attendees,table,tags
keep-apart,Ann Archer; bo@x.org,,
keep-together,Cy Diaz; Di Evans,,
pin,gus@x.org,3,
needs,Hana Ito,,accessible
table-tags,,2,accessible; German
"""


def _upload_rules(client, session, content=RULES_CSV, filename="rules.csv"):
    return client.post(
        f"{session}/rules",
        data={"csrf_token": csrf(client, session)},
        files={"file": (filename, content.encode(), "text/csv")},
    )


def _tables_by_name(app, plan):
    """Each round's table of each attendee, by name, from the stored seats."""
    plan_id = int(plan.rsplit("/", 1)[1])
    with app.state.db() as db:
        names = {a.id: a.name for a in db.scalars(select(AttendeeRow))}
        seats = db.scalars(select(SeatRow).where(SeatRow.plan_id == plan_id))
        rounds: dict[int, dict[str, int]] = {}
        for seat in seats:
            rounds.setdefault(seat.round, {})[names[seat.attendee_id]] = seat.table
    return rounds


def test_seating_rules_are_listed_in_words_and_every_round_keeps_them(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)

    uploaded = _upload_rules(client, session)
    plan = _plan(client, session)

    assert uploaded.status_code == 200
    assert uploaded.url.path == session
    for line in (
        "Keep apart: Ann Archer, Bo Chen",
        "Keep together: Cy Diaz, Di Evans",
        "Always at table 3: Gus Hale",
        "Hana Ito needs a table with: accessible",
        "Table 2: accessible, german",
    ):
        assert f"<li>{line}</li>" in uploaded.text
    rounds = _tables_by_name(app, plan)
    assert sorted(rounds) == [1, 2]
    for tables in rounds.values():
        assert len(tables) == 19
        assert tables["Ann Archer"] != tables["Bo Chen"]
        assert tables["Cy Diaz"] == tables["Di Evans"]
        assert (tables["Gus Hale"], tables["Hana Ito"]) == (3, 2)
    assert _metrics(client.get(plan))["rule_violations"] == "0"


def test_a_hand_move_that_breaks_a_rule_is_counted(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)
    _upload_rules(client, session)
    plan = _plan(client, session)
    with app.state.db() as db:
        gus = db.scalar(select(AttendeeRow.id).where(AttendeeRow.name == "Gus Hale"))

    moved = _post(client, f"{plan}/move", plan, attendee=str(gus), round="1", table="1")

    assert _metrics(moved)["rule_violations"] == "1"  # Gus is pinned to table 3


def test_a_bad_rules_file_is_refused_naming_file_line_and_column(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)
    bad = "rule,attendees,table,tags\nkeep-apart,Ann Archer; Nobody Here,,\npin,Gus Hale,9,\n"

    refused = _upload_rules(client, session, bad, "bad.csv")

    assert refused.status_code == 400
    assert "bad.csv has 2 problem(s); no rules were kept" in refused.text
    rows = re.findall(
        r"<tr><td>([^<]*)</td><td>(\d+)</td><td>(\w*)</td><td>([^<]*)</td>", refused.text
    )
    assert rows == [
        ("bad.csv", "2", "attendees", "no attendee with id, e-mail or name &#39;Nobody Here&#39;"),
        ("bad.csv", "3", "table", "expected a table number from 1 to 4, got &#39;9&#39;"),
    ]
    with app.state.db() as db:
        assert (db.get(SessionRow, 1).rules_csv, db.get(SessionRow, 1).rules_filename) == (
            None,
            None,
        )
    assert "No rules: anybody may sit anywhere." in client.get(session).text


def test_rules_no_seating_can_meet_are_refused_at_upload(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)
    clash = (
        "rule,attendees,table,tags\n"
        "keep-together,Ann Archer; Bo Chen,,\n"
        "keep-apart,Ann Archer; Bo Chen,,\n"
    )

    refused = _upload_rules(client, session, clash)

    assert refused.status_code == 400
    assert "Ann Archer" in refused.text
    with app.state.db() as db:
        assert db.get(SessionRow, 1).rules_csv is None


def test_the_rules_file_is_downloaded_as_uploaded_and_removed(client):
    event = _event_with_crowd(client)
    session = _session(client, event)
    _upload_rules(client, session, filename="our rules.csv")

    page = client.get(session)
    download = client.get(f"{session}/rules.csv")
    removed = _post(client, f"{session}/rules/clear", session)

    assert f'<a href="{session}/rules.csv">our rules.csv</a>' in page.text
    assert download.text == RULES_CSV
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert download.headers["content-disposition"] == 'attachment; filename="our_rules.csv"'
    assert removed.url.path == session
    assert "No rules: anybody may sit anywhere." in removed.text
    assert "Keep apart" not in removed.text
    assert client.get(f"{session}/rules.csv").status_code == 404


def test_rules_that_stop_fitting_the_attendees_fail_the_plan_and_keep_the_published(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event)
    _upload_rules(client, session)
    published = _plan(client, session)
    _post(client, f"{published}/publish", published)
    with app.state.db.begin() as db:  # Gus's e-mail, which the rules name him by, changes
        gus = db.scalar(select(AttendeeRow).where(AttendeeRow.name == "Gus Hale"))
        gus.email = "gus@elsewhere.org"
        db.get(EventRow, gus.event_id).attendees_version += 1

    failed = _plan(client, session)
    page = client.get(session)

    why = client.get(failed).text
    assert "Planning failed: the seating rules no longer fit" in why
    assert "rules.csv, line 4, column &#34;attendees&#34;: no attendee with id, e-mail" in why
    assert "&#39;gus@x.org&#39;" in why
    assert "(published)" in client.get(published).text
    assert "This file no longer fits the event" in page.text
    assert "<td>4</td><td>attendees</td>" in page.text


def test_a_one_to_one_session_takes_no_seating_rules(client, app):
    event = _event_with_crowd(client)
    session = _session(client, event, kind="pairs")

    page = client.get(session)
    refused = _upload_rules(client, session)

    assert "Seating rules are for tables sessions." in page.text
    assert 'action="' + f'{session}/rules"' not in page.text
    assert refused.status_code == 400
    assert "seating rules are for tables sessions only" in refused.text
    with app.state.db() as db:
        assert db.get(SessionRow, 1).rules_csv is None
