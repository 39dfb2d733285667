"""The app on a fresh database (SQLite, and PostgreSQL where there is one), a client,
and helpers for forms."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from touchpoints.settings import Settings
from touchpoints.web.app import create_app

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(database_url, tmp_path):
    """The app on a fresh database, once per backend (see ``database_url``)."""
    app = create_app(Settings(database_url, "test-secret", tmp_path))
    yield app
    app.state.db.kw["bind"].dispose()


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


def csrf(client, path="/login"):
    """The CSRF token of a page's form."""
    return CSRF.search(client.get(path).text).group(1)


def sign_up(client, email="org@example.org", password="correct horse"):
    token = csrf(client, "/signup")
    response = client.post(
        "/signup", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 200, response.text  # followed to /events
    return response


def import_event(client, content: bytes, name="Breakfast"):
    """A new event of the logged-in organizer with these registrations (a CSV, through
    the import preview and its confirmation); its id."""
    page = client.post("/events", data={"name": name, "csrf_token": csrf(client, "/events")})
    event = page.url.path
    client.post(
        f"{event}/import",
        data={"csrf_token": csrf(client, event)},
        files={"file": ("regs.csv", content, "text/csv")},
    )
    confirmed = client.post(f"{event}/import/confirm", data={"csrf_token": csrf(client, event)})
    assert confirmed.status_code == 200
    return int(event.rsplit("/", 1)[1])
