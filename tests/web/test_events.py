from __future__ import annotations

import re

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up
from touchpoints.demo import demo_event_bytes
from touchpoints.storage.schema import AttendeeRow

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _event(client, name="Breakfast"):
    response = client.post("/events", data={"name": name, "csrf_token": csrf(client, "/events")})
    assert response.status_code == 200
    return response.url.path


def _upload(client, event, content, filename="regs.csv"):
    return client.post(
        f"{event}/import",
        data={"csrf_token": csrf(client, event)},
        files={"file": (filename, content, "text/csv")},
    )


def test_import_shows_a_preview_and_imports_only_on_confirm(client):
    sign_up(client)
    event = _event(client)

    preview = _upload(client, event, demo_event_bytes())

    assert preview.status_code == 200
    assert "120 attendee(s) in regs.csv" in preview.text
    assert "Fiona Gallagher" in preview.text
    assert "0 of 0 attendee(s)" in client.get(event).text
    confirmed = client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})
    assert "120 of 120 attendee(s)" in confirmed.text


def test_a_bad_file_lists_every_problem_row_and_imports_nothing(client):
    sign_up(client)
    event = _event(client)

    response = _upload(client, event, b"Name,Email\nAnn,not-an-email\n,b@x.org\n")

    assert response.status_code == 400
    assert "2 problem(s); nothing was imported" in response.text
    assert "not an e-mail address" in response.text
    assert "0 of 0 attendee(s)" in client.get(event).text


def test_attendee_search_filters_by_name_or_organization(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, demo_event_bytes())
    client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})

    page = client.get(event, params={"q": "gallagher"})

    assert "1 of 120 attendee(s) matching “gallagher”" in page.text


def test_an_organizer_cannot_see_another_organizers_event(client, app):
    sign_up(client)
    event = _event(client, "Mine")
    with TestClient(app) as other:
        sign_up(other, "other@example.org")

        response = other.get(event)

    assert response.status_code == 404
    assert "Mine" not in response.text


def test_what_organizers_typed_is_rendered_escaped(client):
    sign_up(client)
    event = _event(client, "<script>alert(1)</script>")

    page = client.get(event).text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_attendee_page_needs_a_valid_token_and_shows_no_email(client):
    sign_up(client)
    event = _event(client)
    _upload(client, event, demo_event_bytes())
    client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})
    with client.app.state.db() as db:
        token = db.scalar(select(AttendeeRow.token).order_by(AttendeeRow.id))

    page = client.get(f"/a/{token}")

    assert page.status_code == 200
    assert "Hello, Fiona" in page.text
    assert not EMAIL.search(page.text)
    assert len(token) >= 32  # 192 random bits
    assert client.get("/a/not-a-token").status_code == 404
