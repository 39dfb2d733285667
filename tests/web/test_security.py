"""Nobody sees what they should not: e-mails stay private, typed text is escaped,
personal links are unguessable, and every form needs its CSRF token.

(The session cookie's HttpOnly and SameSite flags are checked in test_account.py.)
"""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select
from starlette.routing import Route
from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up
from tests.web.test_attendee import import_event, people, publish
from touchpoints.demo import demo_event_bytes
from touchpoints.settings import Settings
from touchpoints.storage.schema import AttendeeRow, EventRow
from touchpoints.web.app import create_app

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMAGE)
#: What must never reach a page unescaped.
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")
_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _get_routes(app, prefixes):
    return [
        r
        for r in app.routes
        if isinstance(r, Route) and "GET" in (r.methods or ()) and r.path.startswith(prefixes)
    ]


def _fill(path, values):
    return _PARAM.sub(lambda m: str(values.get(m.group(1), "1")), path)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo event (120 attendees) imported through the web, with a published plan
    of two rounds of tables of 8 and a round of 1:1 pairs."""
    folder = tmp_path_factory.mktemp("demo")
    app = create_app(Settings(f"sqlite:///{folder / 'demo.db'}", "test-secret", folder))
    with TestClient(app) as client:
        sign_up(client)
        event_id = import_event(client, demo_event_bytes(), "Demo")
        with app.state.db() as db:
            rows = list(db.scalars(select(AttendeeRow).where(AttendeeRow.event_id == event_id)))
            code = db.get(EventRow, event_id).registration_code
        ids = [row.id for row in rows]
        shifted = ids[3:] + ids[:3]
        publish(
            app,
            event_id,
            [
                [ids[i : i + 8] for i in range(0, len(ids), 8)],
                [shifted[i : i + 8] for i in range(0, len(ids), 8)],
            ],
        )
        publish(app, event_id, [[ids[i : i + 2] for i in range(0, len(ids), 2)]], kind="pairs")
        yield app, client, rows, code
    app.state.db.kw["bind"].dispose()


def test_no_attendee_facing_page_of_the_demo_shows_an_email_address(demo):
    app, _, rows, code = demo
    routes = _get_routes(app, ("/a/", "/r/", "/m/"))
    assert {r.path for r in routes} >= {
        "/a/{token}",
        "/a/{token}/qr.svg",
        "/a/{token}/meet.svg",
        "/a/{token}/touchpoints.vcf",
        "/a/{token}/touchpoints.csv",
        "/m/{code}",
        "/r/{registration_code}",
    }
    assert all(row.email for row in rows)  # the demo has e-mails to leak
    with TestClient(app) as anonymous:  # what the holder of a link sees
        for row in rows:
            for route in routes:
                values = {"token": row.token, "registration_code": code, "code": row.meet_code}
                response = anonymous.get(_fill(route.path, values))

                assert response.status_code == 200, route.path
                assert EMAIL.findall(response.text) == [], (route.path, row.name)


def test_demo_personal_pages_show_tablemates_and_people_to_meet(demo):
    _, client, rows, _ = demo

    page = client.get(f"/a/{rows[0].token}").text

    assert page.count("<strong>") >= 7 + 7 + 1 + 1  # two tables, a partner, people to meet
    assert "nothing shared yet — say hello" in page or "both" in page


def test_attendee_tokens_carry_at_least_128_random_bits_and_are_unique(demo):
    _, _, rows, _ = demo
    tokens = [row.token for row in rows]

    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", t) for t in tokens)  # base64url: 6 bits a char
    assert min(len(t) for t in tokens) * 6 >= 128
    assert len(set(tokens)) == len(tokens) == 120


def _register(client, code, **fields):
    page = f"/r/{code}"
    return client.post(page, data={**fields, "csrf_token": csrf(client, page)})


def _assert_escaped(text, where):
    for raw in RAW:
        assert raw not in text, f"{raw!r} unescaped in {where}"


def test_typed_html_and_script_is_escaped_on_every_page_that_shows_it(client, app):
    sign_up(client)
    event_id = import_event(client)
    with app.state.db() as db:
        code = db.get(EventRow, event_id).registration_code
    for payload in PAYLOADS:
        other = IMAGE if payload == SCRIPT else SCRIPT
        response = _register(
            client,
            code,
            name=payload,
            email=f"{len(payload)}@x.org",
            interests=f"{payload}\n{other}\nsailing",
            organization=payload,
            hometown=payload,
            languages=payload,
            bio=f"{payload} {other}",
        )
        assert response.status_code == 200, response.text
        _assert_escaped(response.text, "the registrant's own page")
    p = people(app, event_id)
    ann = f"/a/{p['Ann'].token}"
    edited = client.post(
        f"{ann}/interests",
        data={"interests": f"sailing\n{SCRIPT}\n{IMAGE}", "csrf_token": csrf(client, ann)},
    )
    assert edited.status_code == 200
    with app.state.db() as db:
        rows = list(db.scalars(select(AttendeeRow).where(AttendeeRow.event_id == event_id)))
    script, image = (r for r in rows if r.name in PAYLOADS)
    others = [r for r in rows if r.name not in PAYLOADS]
    publish(
        app,
        event_id,
        [[[script.id, image.id, p["Ann"].id, p["Bo"].id], [r.id for r in others[2:]]]],
    )
    pages = {f"/a/{row.token}": row for row in rows}
    seen = dict.fromkeys(PAYLOADS, 0)
    for path in [*pages, f"/events/{event_id}", f"/events/{event_id}/links"]:
        text = client.get(path).text
        _assert_escaped(text, path)
        for payload in PAYLOADS:
            seen[payload] += str(escape(payload)) in text
    assert seen[SCRIPT] >= 5  # both registrants, Ann, Bo, the organizer's pages
    assert seen[IMAGE] >= 5
    ann_page = client.get(ann).text
    assert f"you both wrote “{escape(SCRIPT)}”" in ann_page  # a tablemate's phrase, escaped
    assert f"<strong>{escape(SCRIPT)}</strong>" in ann_page  # a tablemate's name, escaped
    assert str(escape(IMAGE)) in ann_page.split('id="yours"')[1]  # her own interests, escaped
    refused = _register(client, code, **dict.fromkeys(("name", "email", "bio"), IMAGE))
    assert refused.status_code == 400
    _assert_escaped(refused.text, "the registration form shown again")
    assert str(escape(IMAGE)) in refused.text


def test_every_post_route_refuses_a_request_without_the_csrf_token(client, app):
    sign_up(client)
    event_id = import_event(client)
    p = people(app, event_id)
    plan_id = publish(app, event_id, [[[p["Ann"].id, p["Bo"].id]]])
    with app.state.db() as db:
        code = db.get(EventRow, event_id).registration_code
    values = {
        "event_id": event_id,
        "token": p["Ann"].token,
        "registration_code": code,
        "plan_id": plan_id,
        "session_id": 1,
    }
    posts = [r for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or ())]
    assert {r.path for r in posts} >= {
        "/signup",
        "/login",
        "/logout",
        "/events",
        "/r/{registration_code}",
        "/a/{token}/interests",
        "/a/{token}/met",
        "/a/{token}/met-code",
        "/a/{token}/withdraw",
        "/a/{token}/sharing",
        "/a/{token}/meet-code",
    }

    for route in posts:
        path = _fill(route.path, values)
        refused = client.post(path, data={"anything": "x"}, follow_redirects=False)
        assert refused.status_code == 403, (route.path, refused.status_code)
        with_a_wrong_token = client.post(path, data={"csrf_token": "forged"})
        assert with_a_wrong_token.status_code == 403, route.path
