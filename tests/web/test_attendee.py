from __future__ import annotations

import io
import re

import segno
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up
from tests.web.conftest import import_event as import_crowd
from touchpoints.storage.schema import AttendeeRow, PlanRow, SeatRow, SessionRow

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
CROWD = (
    b"Name,Email,Interests\n"
    b'Ann Lee,ann@x.org,"sailing; chess"\n'
    b'Bo Chen,bo@x.org,"sailing; jazz"\n'
    b"Cy Diaz,cy@x.org,knitting\n"
    b'Di Eze,di@x.org,"chess; jazz"\n'
    b"Ed Fox,ed@x.org,opera\n"
    b'Flo Gray,flo@x.org,"opera; chess"\n'
)


def import_event(client, content=CROWD, name="Breakfast"):
    """A new event with these registrations (by default :data:`CROWD`); its id."""
    return import_crowd(client, content, name)


def people(app, event_id):
    """The event's attendee rows by first name (and in import order)."""
    with app.state.db() as db:
        rows = db.scalars(select(AttendeeRow).where(AttendeeRow.event_id == event_id))
        return {row.name.split()[0]: row for row in sorted(rows, key=lambda r: r.id)}


def publish(app, event_id, rounds, *, kind="tables", name="Breakfast", status="published"):
    """A session with a plan: ``rounds`` is [[[attendee ids of a table], ...], ...]."""
    with app.state.db.begin() as db:
        session = SessionRow(event_id=event_id, name=name, kind=kind, rounds=len(rounds))
        db.add(session)
        db.flush()
        plan = PlanRow(session_id=session.id, status=status)
        db.add(plan)
        db.flush()
        for number, tables in enumerate(rounds, 1):
            for table, members in enumerate(tables, 1):
                for member in members:
                    db.add(SeatRow(plan_id=plan.id, round=number, table=table, attendee_id=member))
        return plan.id


def _crowd(client, app):
    sign_up(client)
    event_id = import_event(client)
    p = people(app, event_id)
    ids = {name: row.id for name, row in p.items()}
    publish(
        app,
        event_id,
        [
            [[ids["Ann"], ids["Bo"], ids["Cy"]], [ids["Di"], ids["Ed"], ids["Flo"]]],
            [[ids["Ann"], ids["Di"], ids["Ed"]], [ids["Bo"], ids["Cy"], ids["Flo"]]],
        ],
    )
    return event_id, p


def _section(html, heading_id):
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


def test_personal_page_shows_this_rounds_tablemates_and_what_they_share(client, app):
    _, p = _crowd(client, app)

    page = client.get(f"/a/{p['Ann'].token}")

    assert page.status_code == 200
    now = _section(page.text, "now")
    assert "Breakfast · round 1 · table 1" in now
    assert "<strong>Bo</strong>" in now
    assert "sailing" in now
    assert "<strong>Cy</strong>" in now
    assert "nothing shared yet — say hello" in now
    assert "Ann" not in now  # not one's own tablemate
    later = _section(page.text, "next")
    assert "round 2 · table 1" in later
    assert "<strong>Di</strong>" in later
    assert "chess" in later


def test_personal_page_shows_first_names_and_no_email_at_all(client, app):
    _, p = _crowd(client, app)

    page = client.get(f"/a/{p['Ann'].token}")

    assert EMAIL.findall(page.text) == []
    assert "Bo Chen" not in page.text  # others appear by first name only
    assert "Chen" not in page.text


def test_people_to_meet_lists_the_best_matches_with_the_shared_point(client, app):
    _, p = _crowd(client, app)

    page = client.get(f"/a/{p['Di'].token}")

    meet = _section(page.text, "meet")
    names = re.findall(r"<strong>(\w+)</strong>", meet)
    assert 1 <= len(names) <= 5
    assert {"Ann", "Bo", "Flo"} <= set(names)  # chess or jazz
    assert "you both wrote “chess”" in meet


def test_a_pair_session_shows_the_partner_and_pair_number(client, app):
    sign_up(client)
    event_id = import_event(client)
    p = people(app, event_id)
    publish(app, event_id, [[[p["Ann"].id, p["Bo"].id]]], kind="pairs", name="Speed rounds")

    page = client.get(f"/a/{p['Bo'].token}")

    now = _section(page.text, "now")
    assert "Speed rounds · round 1 · pair 1" in now
    assert "<strong>Ann</strong>" in now


def test_a_plan_not_published_is_not_shown(client, app):
    sign_up(client)
    event_id = import_event(client)
    p = people(app, event_id)
    publish(app, event_id, [[[p["Ann"].id, p["Bo"].id]]], status="ready")

    page = client.get(f"/a/{p['Ann'].token}")

    assert "once the organizer publishes the plan" in page.text
    assert "<strong>Bo</strong>" not in _section(page.text, "now")


def test_editing_interests_saves_them_and_updates_the_matches(client, app):
    _, p = _crowd(client, app)
    cy = f"/a/{p['Cy'].token}"
    assert "<strong>Ed</strong>" not in _section(client.get(cy).text, "meet")

    response = client.post(
        f"{cy}/interests",
        data={"interests": "knitting\nopera, Opera", "csrf_token": csrf(client, cy)},
    )

    assert response.status_code == 200
    assert response.url.path == cy
    assert "Saved." in response.text
    assert "<strong>Ed</strong>" in _section(response.text, "meet")
    assert people(app, p["Cy"].event_id)["Cy"].lists["interests"] == ["knitting", "opera"]


def test_an_unknown_personal_link_is_not_found(client):
    response = client.get("/a/not-a-token")

    assert response.status_code == 404
    assert "this link is not valid" in response.text


def test_personal_pages_are_private_to_caches_search_engines_and_referrers(client, app):
    _, p = _crowd(client, app)
    ann = f"/a/{p['Ann'].token}"

    for response in (
        client.get(ann),
        client.get(f"{ann}/qr.svg"),
        client.get("/a/not-a-token"),  # an error page too
        client.get(f"/m/{p['Ann'].meet_code}"),
        client.post(f"{ann}/interests", data={}),  # refused: no CSRF token
    ):
        assert response.headers["cache-control"] == "private, no-store", response.url
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "noindex" in response.headers["x-robots-tag"]


def test_the_qr_code_encodes_the_absolute_personal_link(client, app):
    sign_up(client)
    p = people(app, import_event(client))
    token = p["Ann"].token

    response = client.get(f"/a/{token}/qr.svg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.startswith("<svg")
    expected = io.BytesIO()
    segno.make(f"http://testserver/a/{token}", error="m").save(
        expected, kind="svg", scale=4, xmldecl=False, title="Personal link"
    )
    assert response.content == expected.getvalue()
    assert client.get("/a/nope/qr.svg").status_code == 404


def test_the_organizer_sees_every_link_and_qr_code_of_their_event(client, app):
    sign_up(client)
    event_id = import_event(client)
    p = people(app, event_id)

    page = client.get(f"/events/{event_id}/links")

    assert page.status_code == 200
    for row in p.values():
        assert f"http://testserver/a/{row.token}" in page.text
        assert f'src="/a/{row.token}/qr.svg"' in page.text
        assert row.email in page.text  # the organizer may see e-mails
    with app.state.db() as db:
        code = db.get(AttendeeRow, p["Ann"].id).event.registration_code
    assert f"http://testserver/r/{code}" in page.text


def test_the_links_page_is_for_the_events_organizer_only(client, app):
    sign_up(client)
    event_id = import_event(client)
    with TestClient(app) as other:
        sign_up(other, "other@example.org")
        assert other.get(f"/events/{event_id}/links").status_code == 404
    with TestClient(app) as anonymous:
        response = anonymous.get(f"/events/{event_id}/links", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")


def test_the_vocabulary_is_computed_once_until_attendees_or_interests_change(
    client, app, monkeypatch
):
    from touchpoints.web.crowds import Crowd

    computed = []
    real = Crowd.of
    monkeypatch.setattr(
        Crowd, "of", lambda people, progress=None: computed.append(1) or real(people, progress)
    )
    _, p = _crowd(client, app)
    for row in p.values():
        client.get(f"/a/{row.token}")
    assert len(computed) == 1

    ann = f"/a/{p['Ann'].token}"
    client.post(f"{ann}/interests", data={"interests": "opera", "csrf_token": csrf(client, ann)})
    client.get(f"/a/{p['Bo'].token}")

    assert len(computed) == 2


def test_an_interests_edit_in_another_process_reaches_this_ones_pages(client, app, database_url):
    from touchpoints.settings import Settings
    from touchpoints.storage import views
    from touchpoints.web.app import create_app
    from touchpoints.web.crowds import crowds_of

    event_id, p = _crowd(client, app)
    client.get(f"/a/{p['Bo'].token}")  # this process keeps the event's crowd
    other = create_app(Settings(database_url, "test-secret", app.state.settings.data_dir))
    with TestClient(other) as elsewhere:
        ann = f"/a/{p['Ann'].token}"
        token = csrf(elsewhere, ann)
        elsewhere.post(f"{ann}/interests", data={"interests": "opera", "csrf_token": token})
    other.state.db.kw["bind"].dispose()

    client.get(f"/a/{p['Bo'].token}")

    with app.state.db() as db:
        crowd = crowds_of(app).get(event_id, views.event_version(db, event_id))
    assert crowd is not None
    (seen,) = [a for a in crowd.attendees if a.id == str(p["Ann"].id)]
    assert seen.interests == ("opera",)
