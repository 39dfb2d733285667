from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import csrf, sign_up


def test_sign_up_logs_in_with_an_httponly_samesite_session_cookie(client):
    response = client.get("/signup")
    cookie = response.headers["set-cookie"]

    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    page = sign_up(client)
    assert page.url.path == "/events"
    assert "Your events" in page.text


def test_log_in_with_a_wrong_password_is_refused_with_a_message(client):
    sign_up(client)
    client.post("/logout", data={"csrf_token": csrf(client, "/events")})

    response = client.post(
        "/login",
        data={"email": "org@example.org", "password": "wrong one", "csrf_token": csrf(client)},
    )

    assert response.status_code == 400
    assert "wrong e-mail address or password" in response.text
    assert client.get("/events").url.path == "/login"


def test_a_second_account_with_the_same_email_is_refused(client, app):
    sign_up(client)
    with TestClient(app) as other:
        token = csrf(other, "/signup")
        response = other.post(
            "/signup",
            data={"email": "ORG@example.org", "password": "another pass", "csrf_token": token},
        )

    assert response.status_code == 400
    assert "already" in response.text or "exists" in response.text


def test_a_post_without_the_csrf_token_is_refused(client):
    client.get("/signup")

    response = client.post("/signup", data={"email": "a@b.org", "password": "long enough"})

    assert response.status_code == 403
    assert "This form has expired" in response.text


def test_pages_of_organizers_redirect_to_login_when_logged_out(client):
    response = client.get("/events", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/events"
