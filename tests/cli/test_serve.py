from __future__ import annotations

import re

from starlette.testclient import TestClient

from touchpoints.cli.serve import DEMO_ORGANIZER, seed_demo
from touchpoints.settings import Settings
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
