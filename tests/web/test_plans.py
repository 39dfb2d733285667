from __future__ import annotations

import re
import time

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up
from tests.web.test_planning import CROWD_CSV
from touchpoints.storage.schema import PlanRow, SessionRow

PLAN_URL = re.compile(r"/events/\d+/plans/\d+")
METRIC = re.compile(r'data-metric="(\w+)">([^<]*)<')


def _event_with_crowd(client):
    sign_up(client)
    event = client.post(
        "/events", data={"name": "Breakfast", "csrf_token": csrf(client, "/events")}
    )
    path = event.url.path
    client.post(
        f"{path}/import",
        data={"csrf_token": csrf(client, path)},
        files={"file": ("crowd.csv", CROWD_CSV.encode(), "text/csv")},
    )
    client.post(f"{path}/import/confirm", data={"csrf_token": csrf(client, path)})
    return path


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
        ("post", f"{plan}/publish", {}),
        ("post", f"{plan}/stop", {}),
        ("get", f"{plan}/cards", {}),
        ("post", f"{plan}/repair", {"round": "1"}),
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
