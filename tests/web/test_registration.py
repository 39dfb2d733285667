from __future__ import annotations

import re

from sqlalchemy import func, select

from tests.web.conftest import csrf, sign_up
from tests.web.test_attendee import import_event, people
from touchpoints.storage.schema import AttendeeRow, EventRow

FORM = {
    "name": "Gus Hale",
    "email": "gus@x.org",
    "interests": "sailing\nchess, Chess",
    "organization": "Hale & Co",
    "hometown": "Galway",
    "languages": "English, Irish",
    "bio": "I sail on weekends.",
}


def _code(app, event_id):
    with app.state.db() as db:
        return db.get(EventRow, event_id).registration_code


def _count(app):
    with app.state.db() as db:
        return db.scalar(select(func.count(AttendeeRow.id)))


def _register(client, code, **fields):
    page = f"/r/{code}"
    return client.post(page, data={**FORM, **fields, "csrf_token": csrf(client, page)})


def test_the_registration_page_marks_required_fields_and_says_the_email_is_private(client, app):
    sign_up(client)
    code = _code(app, import_event(client))

    page = client.get(f"/r/{code}")

    assert page.status_code == 200
    assert "Register for Breakfast" in page.text
    assert re.search(r'id="name" name="name" type="text" value="" required', page.text)
    assert re.search(r'id="email" name="email" type="email" value="" required', page.text)
    assert "Private: only the organizer sees it" in page.text
    assert page.text.count("(required)") == 2


def test_registering_creates_the_attendee_and_opens_their_personal_page(client, app):
    sign_up(client)
    event_id = import_event(client)

    response = _register(client, _code(app, event_id))

    assert response.status_code == 200
    assert response.url.path.startswith("/a/")
    assert "Hello, Gus" in response.text
    gus = people(app, event_id)["Gus"]
    assert response.url.path == f"/a/{gus.token}"
    assert gus.email == "gus@x.org"
    assert gus.organization == "Hale & Co"
    assert gus.hometown == "Galway"
    assert gus.bio == "I sail on weekends."
    assert gus.lists["interests"] == ["sailing", "chess"]
    assert gus.lists["languages"] == ["English", "Irish"]


def test_a_new_registrant_shows_up_among_the_people_to_meet(client, app):
    sign_up(client)
    event_id = import_event(client)
    cy = f"/a/{people(app, event_id)['Cy'].token}"
    assert "<strong>Gus</strong>" not in client.get(cy).text  # (a token may contain "Gus")

    _register(client, _code(app, event_id), interests="knitting")

    assert "<strong>Gus</strong>" in client.get(cy).text


def test_a_form_with_errors_lists_them_keeps_the_values_and_saves_nothing(client, app):
    sign_up(client)
    code = _code(app, import_event(client))
    before = _count(app)

    response = _register(client, code, name="  ", email="not-an-email")

    assert response.status_code == 400
    assert "nothing was saved" in response.text
    assert "Give your name." in response.text
    assert "This is not an e-mail address." in response.text
    assert 'value="not-an-email"' in response.text
    assert "I sail on weekends." in response.text
    assert _count(app) == before


def test_an_email_as_name_or_an_overlong_field_is_refused(client, app):
    sign_up(client)
    code = _code(app, import_event(client))
    before = _count(app)

    first = _register(client, code, name="gus@x.org")
    second = _register(client, code, bio="x" * 5001)

    assert first.status_code == second.status_code == 400
    assert "not an e-mail address" in first.text
    assert "5000 characters at most" in second.text
    assert _count(app) == before


def test_an_unknown_registration_code_is_not_found(client):
    assert client.get("/r/nope").status_code == 404


def test_registering_without_the_csrf_token_is_refused(client, app):
    sign_up(client)
    code = _code(app, import_event(client))
    before = _count(app)

    response = client.post(f"/r/{code}", data=FORM)

    assert response.status_code == 403
    assert _count(app) == before
