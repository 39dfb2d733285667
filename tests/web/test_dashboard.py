from __future__ import annotations

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from tests.web.conftest import csrf, import_event, sign_up
from touchpoints.storage import plans as store
from touchpoints.storage.schema import AttendeeRow, ConfirmationRow, EventRow, PlanRow, SeatRow
from touchpoints.storage.touchpoints import confirm

#: Ann and Bo work together; Cy arrived with Di; Uma shares nothing with anybody.
CROWD_CSV = """Name,Email,Company,Interests,Arrived with
Ann Archer,ann@x.org,North Co,chess; jazz,
Bo Chen,bo@x.org,North Co,chess openings; hiking,
Cy Diaz,cy@x.org,South Co,chess; sourdough baking,Di Evans
Di Evans,di@x.org,West Co,Arsenal; jazz piano,
Ed Fox,ed@x.org,Up Co,Premier League; hiking,
Flo Gray,flo@x.org,Down Co,Arsenal; Python,
Gus Hale,gus@x.org,In Co,jazz; Python programming,
Hana Ito,hana@x.org,Out Co,jazz piano; bread baking,
Uma Vale,uma@x.org,Grey Co,underwater basket weaving,
"""
EMAILS = re.findall(r"[\w.]+@x\.org", CROWD_CSV)
NAMES = ["Ann", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hana", "Uma"]
#: Tables (from 1) in rounds 1 and 2, in the order of NAMES. In round 2 Flo and Gus
#: have nobody at their table they share a point with.
ROUND_1 = [1, 1, 1, 2, 2, 2, 3, 3, 3]
ROUND_2 = [1, 2, 3, 1, 2, 3, 2, 3, 1]
T0 = datetime.datetime(2025, 5, 1, 9, 0, tzinfo=datetime.UTC)
#: Mutual touchpoints, and the minute (after T0) each became mutual.
MUTUAL = [("Ann", "Bo", 0), ("Ann", "Cy", 60), ("Cy", "Di", 120), ("Di", "Flo", 240)]
ONE_SIDED = [("Ed", "Gus"), ("Hana", "Ann")]


def _import(client):
    sign_up(client)
    event_id = import_event(client, CROWD_CSV.encode())
    return f"/events/{event_id}", event_id


def _people(app, event_id):
    with app.state.db() as db:
        rows = db.scalars(select(AttendeeRow).where(AttendeeRow.event_id == event_id))
        return {row.name.split()[0]: row.id for row in rows}


def _publish(app, event_id, ids, rounds=(ROUND_1, ROUND_2), table_size=4):
    """A published tables plan (tables of 4 unless told) with the given seats."""
    with app.state.db.begin() as db:
        event = db.get(EventRow, event_id)
        session = store.create_session(
            db,
            event,
            name="Breakfast tables",
            kind="tables",
            table_size=table_size,
            rounds=2,
            time_limit=1,
        )
        plan = PlanRow(session_id=session.id, status="ready", stage="done", progress=1.0)
        db.add(plan)
        db.flush()
        row_ids = [ids[name] for name in NAMES]
        for number, tables in enumerate(rounds, start=1):
            store.save_round(db, plan.id, row_ids, number, [t - 1 for t in tables])
        store.publish_plan(db, plan)
        return plan.id


def _confirm(app, ids):
    with app.state.db.begin() as db:
        rows = {name: db.get(AttendeeRow, row) for name, row in ids.items()}
        for a, b, minute in MUTUAL:
            confirm(db, rows[a], rows[b], "table")
            confirm(db, rows[b], rows[a], "table")
            db.execute(
                update(ConfirmationRow)
                .where(ConfirmationRow.other_id.in_([ids[a], ids[b]]))
                .where(ConfirmationRow.attendee_id.in_([ids[a], ids[b]]))
                .values(created_at=T0 + datetime.timedelta(minutes=minute))
            )
        for a, b in ONE_SIDED:
            confirm(db, rows[a], rows[b], "code")


@pytest.fixture
def event(client, app):
    """The event's path and its people's row ids, with a published plan and touchpoints."""
    path, event_id = _import(client)
    ids = _people(app, event_id)
    _publish(app, event_id, ids)
    _confirm(app, ids)
    return path, ids


def _measure(page, name):
    return re.search(rf'data-measure="{name}">([^<]*)<', page.text).group(1)


def _seat(app, plan_id, attendee, round_number):
    with app.state.db() as db:
        return db.scalar(
            select(SeatRow.table).where(
                SeatRow.plan_id == plan_id,
                SeatRow.attendee_id == attendee,
                SeatRow.round == round_number,
            )
        )


def test_dashboard_counts_touchpoints_and_one_sided_confirmations(client, event):
    path, _ = event

    page = client.get(f"{path}/dashboard")

    assert page.status_code == 200
    assert _measure(page, "touchpoints") == "4"
    assert _measure(page, "one_sided") == "2"
    assert _measure(page, "connected") == "5 of 9"
    assert _measure(page, "no_touchpoint") == "4"


def test_dashboard_shows_touchpoints_over_time(client, event):
    path, _ = event

    page = client.get(f"{path}/dashboard")

    over_time = page.text.split('id="over-time"')[1].split("</section>")[0]
    rows = re.findall(
        r"<tr><td>([^<]+)</td><td>[^<]+</td><td>(\d+)</td><td>(\d+)</td></tr>", over_time
    )
    assert rows[0] == ("2025-05-01 09:00", "1", "1")
    assert rows[-1][2] == "4"
    assert sum(int(new) for _, new, _ in rows) == 4
    assert over_time.count("<rect") == len(rows) == 24


def test_dashboard_shows_the_distribution_of_touchpoints_per_attendee(client, event):
    path, _ = event

    page = client.get(f"{path}/dashboard")

    found = re.findall(r'data-touchpoints="(\d+)"><td>\d+</td><td>(\d+)</td>', page.text)
    assert found == [("0", "4"), ("1", "2"), ("2", "3")]


def test_dashboard_splits_ties_within_organizations_and_groups_from_bridging_ones(client, event):
    path, _ = event

    page = client.get(f"{path}/dashboard")

    assert _measure(page, "same_organization") == "1"  # Ann and Bo, both North Co
    assert _measure(page, "same_clique") == "1"  # Cy arrived with Di
    assert _measure(page, "bridging") == "2"
    assert _measure(page, "bridging_share") == "50%"


def test_dashboard_lists_the_topics_that_sparked_touchpoints(client, event):
    path, _ = event

    page = client.get(f"{path}/dashboard")

    topics = page.text.split('id="topics"')[1].split("</section>")[0]
    assert re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", topics) == [
        ("chess", "2"),
        ("English football", "1"),
    ]
    assert _measure(page, "no_topic") == "1"  # Cy and Di share nothing


def test_dashboard_lists_isolated_people_with_a_suggestion_each(client, event):
    path, ids = event

    page = client.get(f"{path}/dashboard")

    def row(name):
        return page.text.split(f'data-attendee="{ids[name]}"')[1].split("</tr>")[0]

    isolated = re.findall(r'<tr data-attendee="(\d+)">', page.text)
    assert isolated == [str(ids[n]) for n in ["Ed", "Flo", "Gus", "Hana", "Uma"]]
    assert "no touchpoint yet; no hook in round 2" in row("Gus")
    assert "no hook in round 2" in row("Flo")
    assert "no touchpoint" not in row("Flo")
    assert "Seat beside Flo Gray at table 3: both into Python." in row("Gus")
    assert "Seat better in round 2" in row("Gus")
    assert "Already sits beside Bo Chen at table 2: both into hiking." in row("Ed")
    assert "<button" not in row("Ed")
    assert "Shares nothing with anybody here." in row("Uma")
    assert "Share nothing with anybody here (1):</strong> Uma Vale" in page.text


def test_dashboard_suggestions_leave_out_tablemates_of_other_rounds(client, event):
    path, ids = event

    page = client.get(f"{path}/dashboard?round=1")

    # In round 1 Gus sits with Hana and Uma, and nobody there shares a point with him;
    # Flo (table 2) is his best person to meet.
    gus = page.text.split(f'data-attendee="{ids["Gus"]}"')[1].split("</tr>")[0]
    assert "Seat beside Flo Gray at table 2: both into Python." in gus
    assert 'name="round" value="1"' in gus
    assert "round 1</strong> of" in page.text


def test_seat_better_moves_the_person_beside_their_suggestion(client, app, event):
    path, ids = event
    plan_id = _plan_id(app)

    done = client.post(
        f"{path}/dashboard/seat",
        data={
            "attendee": str(ids["Gus"]),
            "round": "2",
            "csrf_token": csrf(client, f"{path}/dashboard"),
        },
    )

    assert done.status_code == 200
    assert done.url.path == f"{path}/dashboard"
    assert "Gus Hale now sits at table 3 in round 2 beside Flo Gray: both into Python." in done.text
    assert _seat(app, plan_id, ids["Gus"], 2) == 3
    assert _seat(app, plan_id, ids["Gus"], 1) == 3  # other rounds stay as they were
    assert "now sits at" not in client.get(f"{path}/dashboard").text  # said once


#: Round 2 of a full event (tables of 3): Gus (table 1, with Bo and Uma) has no hook;
#: his best person to meet, Flo, sits at table 2 with Ed, who shares hiking with Bo.
FULL_ROUND_2 = [3, 1, 3, 3, 2, 2, 1, 2, 1]
#: The same, but nobody at Flo's table (Di, Hana) shares anything with Bo or Uma.
NO_SWAP_ROUND_2 = [3, 1, 3, 2, 3, 2, 1, 2, 1]


def _full_event(client, app, round_2):
    path, event_id = _import(client)
    ids = _people(app, event_id)
    _publish(app, event_id, ids, rounds=(ROUND_1, round_2), table_size=3)
    _confirm(app, ids)
    return path, ids


def _sizes(app, plan_id, round_number):
    with app.state.db() as db:
        tables = db.scalars(
            select(SeatRow.table).where(SeatRow.plan_id == plan_id, SeatRow.round == round_number)
        )
        return sorted(Counter(tables).values())


def test_at_a_full_table_the_suggestion_is_a_swap_and_the_click_makes_it(client, app):
    path, ids = _full_event(client, app, FULL_ROUND_2)
    plan_id = _plan_id(app)

    page = client.get(f"{path}/dashboard")
    done = client.post(
        f"{path}/dashboard/seat",
        data={"attendee": str(ids["Gus"]), "round": "2", "csrf_token": csrf(client, path)},
    )

    gus = page.text.split(f'data-attendee="{ids["Gus"]}"')[1].split("</tr>")[0]
    assert (
        "Seat beside Flo Gray at table 2 (both into Python), swapping with Ed Fox, "
        "who moves to table 1 beside Bo Chen: both into hiking." in gus
    )
    assert "then seats" not in gus
    assert done.status_code == 200
    assert (
        "Gus Hale now sits at table 2 in round 2 beside Flo Gray: both into Python; "
        "Ed Fox moved to table 1 beside Bo Chen: both into hiking." in done.text
    )
    assert (_seat(app, plan_id, ids["Gus"], 2), _seat(app, plan_id, ids["Ed"], 2)) == (2, 1)
    assert _sizes(app, plan_id, 2) == [3, 3, 3]
    assert (_seat(app, plan_id, ids["Gus"], 1), _seat(app, plan_id, ids["Ed"], 1)) == (3, 2)


def test_at_a_full_table_nobody_can_swap_with_the_table_takes_one_more(client, app):
    path, ids = _full_event(client, app, NO_SWAP_ROUND_2)
    plan_id = _plan_id(app)

    page = client.get(f"{path}/dashboard")
    done = client.post(
        f"{path}/dashboard/seat",
        data={"attendee": str(ids["Gus"]), "round": "2", "csrf_token": csrf(client, path)},
    )

    gus = page.text.split(f'data-attendee="{ids["Gus"]}"')[1].split("</tr>")[0]
    assert "Seat beside Flo Gray at table 2: both into Python (table 2 then seats 4)." in gus
    assert "swapping" not in gus
    assert "Gus Hale now sits at table 2 in round 2 beside Flo Gray: both into Python." in done.text
    assert _seat(app, plan_id, ids["Gus"], 2) == 2
    assert _sizes(app, plan_id, 2) == [2, 3, 4]


def test_seat_better_refuses_a_person_with_nowhere_better(client, app, event):
    path, ids = event
    token = csrf(client, f"{path}/dashboard")

    already = client.post(
        f"{path}/dashboard/seat", data={"attendee": str(ids["Ed"]), "csrf_token": token}
    )
    nobody = client.post(
        f"{path}/dashboard/seat", data={"attendee": str(ids["Uma"]), "csrf_token": token}
    )

    assert already.status_code == 400
    assert "Ed Fox already sits beside Bo Chen at table 2 in round 2" in already.text
    assert nobody.status_code == 400
    assert "Uma Vale: shares nothing with anybody here" in nobody.text
    assert _seat(app, _plan_id(app), ids["Ed"], 2) == 2


def test_seat_better_without_its_csrf_token_is_refused(client, app, event):
    path, ids = event

    response = client.post(f"{path}/dashboard/seat", data={"attendee": str(ids["Gus"])})

    assert response.status_code == 403
    assert _seat(app, _plan_id(app), ids["Gus"], 2) == 2


def test_without_a_published_tables_plan_suggestions_are_off(client, app):
    path, event_id = _import(client)
    _confirm(app, _people(app, event_id))

    page = client.get(f"{path}/dashboard")
    refused = client.post(
        f"{path}/dashboard/seat",
        data={"attendee": "1", "csrf_token": csrf(client, f"{path}/dashboard")},
    )

    assert "Seat suggestions are off: No session of tables has a published plan yet" in page.text
    assert '<button type="submit">Seat better' not in page.text
    assert refused.status_code == 400
    assert "publish one to seat people better" in refused.text


def test_the_network_picture_is_sent_compressed_when_the_browser_accepts_it(client, event):
    path, _ = event
    zipped = client.get(f"{path}/network.svg", headers={"Accept-Encoding": "gzip"})
    plain = client.get(f"{path}/network.svg", headers={"Accept-Encoding": "identity"})

    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers
    assert zipped.text == plain.text  # httpx unzips it
    assert zipped.text.startswith("<svg")


def test_network_svg_draws_one_circle_per_attendee(client, event):
    path, _ = event

    response = client.get(f"{path}/network.svg")

    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["content-security-policy"] == "default-src 'none'"
    root = ET.fromstring(response.text)
    circles = root.findall(".//{http://www.w3.org/2000/svg}circle")
    titles = sorted(c.find("{http://www.w3.org/2000/svg}title").text for c in circles)
    assert len(circles) == 9
    assert titles == sorted(
        f"{n} {s}" for n, s in (line.split(",")[0].split() for line in CROWD_CSV.splitlines()[1:])
    )
    # Flo and Gus (no hook in round 2) and Uma (shares nothing) are ringed.
    ringed = root.find(".//{http://www.w3.org/2000/svg}g[@class='highlight']")
    assert sorted(t.text for t in ringed.iter("{http://www.w3.org/2000/svg}title")) == [
        "Flo Gray",
        "Gus Hale",
        "Uma Vale",
    ]


def test_the_dashboard_draws_the_picture_of_its_round(client, event):
    path, _ = event

    assert f'data="{path}/network.svg"' in client.get(f"{path}/dashboard").text
    assert f'data="{path}/network.svg?round=1"' in client.get(f"{path}/dashboard?round=1").text


def test_touchpoints_csv_has_one_row_per_touchpoint(client, event):
    path, _ = event

    response = client.get(f"{path}/touchpoints.csv")

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == [
        "attendee",
        "organization",
        "other_attendee",
        "other_organization",
        "became_mutual",
        "topic",
    ]
    assert rows[1:] == [
        ["Ann Archer", "North Co", "Bo Chen", "North Co", "2025-05-01T09:00:00+00:00", "chess"],
        ["Ann Archer", "North Co", "Cy Diaz", "South Co", "2025-05-01T10:00:00+00:00", "chess"],
        ["Cy Diaz", "South Co", "Di Evans", "West Co", "2025-05-01T11:00:00+00:00", ""],
        [
            "Di Evans",
            "West Co",
            "Flo Gray",
            "Down Co",
            "2025-05-01T13:00:00+00:00",
            "English football",
        ],
    ]


def test_no_email_address_reaches_the_dashboard_the_picture_or_the_csv(client, event):
    path, _ = event

    for url in (f"{path}/dashboard", f"{path}/network.svg", f"{path}/touchpoints.csv"):
        text = client.get(url).text

        assert [e for e in EMAILS if e in text] == []
        assert "@x.org" not in text


def _plan_id(app):
    with app.state.db() as db:
        return db.scalar(select(PlanRow.id).where(PlanRow.status == "published"))


def _urls(path, ids):
    return [
        ("get", f"{path}/dashboard", {}),
        ("get", f"{path}/network.svg", {}),
        ("get", f"{path}/touchpoints.csv", {}),
        ("post", f"{path}/dashboard/seat", {"attendee": str(ids["Gus"]), "round": "2"}),
    ]


def test_another_organizer_gets_404_on_every_dashboard_url(client, app, event):
    path, ids = event
    with TestClient(app) as other:
        sign_up(other, "other@example.org")
        token = csrf(other, "/events")

        for method, url, data in _urls(path, ids):
            if method == "get":
                response = other.get(url)
            else:
                response = other.post(url, data={"csrf_token": token} | data)

            assert (url, response.status_code) == (url, 404)
            assert "Ann Archer" not in response.text
    assert _seat(app, _plan_id(app), ids["Gus"], 2) == 2


def test_anonymous_visitors_are_sent_to_the_login_page(app, event):
    path, ids = event
    with TestClient(app, follow_redirects=False) as anonymous:
        for method, url, data in _urls(path, ids):
            if method == "get":
                response = anonymous.get(url)
            else:
                response = anonymous.post(url, data=data)

            assert (url, response.status_code) == (url, 303)
            assert response.headers["location"] == f"/login?next={url}"


def test_a_round_that_is_not_a_number_or_not_in_the_session_is_refused(client, event):
    path, _ = event

    assert client.get(f"{path}/dashboard?round=two").status_code == 400
    assert "rounds 1 to 2" in client.get(f"{path}/dashboard?round=3").text


def test_the_event_page_links_to_its_dashboard(client, event):
    path, _ = event

    assert f'<a href="{path}/dashboard">Dashboard</a>' in client.get(path).text
