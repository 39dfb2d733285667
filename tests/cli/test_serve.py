from __future__ import annotations

import re

from sqlalchemy import select
from starlette.testclient import TestClient

from touchpoints.cli.serve import DEMO_ORGANIZER, seed_demo
from touchpoints.core.touchpoints import mutual_pairs
from touchpoints.settings import Settings
from touchpoints.storage.database import open_database
from touchpoints.storage.schema import SeatRow
from touchpoints.storage.touchpoints import event_confirmations
from touchpoints.web.app import create_app

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_the_demo_has_a_published_plan_and_a_fresh_password_each_start(tmp_path, database_url):
    settings = Settings(database_url, "test-secret", tmp_path)

    email, first_password, link = seed_demo(settings)
    _, second_password, same_link = seed_demo(settings)  # a restart: nothing seeded twice

    assert email == DEMO_ORGANIZER
    assert first_password != second_password
    assert link == same_link
    app = create_app(settings)
    with TestClient(app) as client:
        page = client.get(link)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)[1]
        login = client.post(
            "/login",
            data={"email": email, "password": second_password, "csrf_token": token},
        )
    app.state.db.kw["bind"].dispose()
    assert page.status_code == 200
    assert "Breakfast · round 1 · table" in page.text
    assert not EMAIL.search(page.text)
    assert "Demo event" in login.text


def test_the_demo_has_touchpoints_among_round_one_tablemates(tmp_path, database_url):
    settings = Settings(database_url, "test-secret", tmp_path)
    seed_demo(settings)
    seed_demo(settings)  # a restart adds no confirmations

    factory = open_database(database_url)
    with factory() as db:
        confirmations = event_confirmations(db, 1)
        seats = {
            (s.attendee_id, s.table) for s in db.scalars(select(SeatRow).where(SeatRow.round == 1))
        }
    factory.kw["bind"].dispose()
    table = dict(seats)
    mutual = mutual_pairs(confirmations)
    met = {int(person) for a, b, _ in mutual for person in (a, b)}
    assert len(mutual) >= 20
    assert len(confirmations) > 2 * len(mutual)  # some one-sided too
    assert len(met) < len(table)  # some have no touchpoint yet: the dashboard shows them
    assert len({(c.by, c.met) for c in confirmations}) == len(confirmations)
    assert any(table[int(a)] != table[int(b)] for a, b, _ in mutual)  # met away from tables
