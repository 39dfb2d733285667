"""Sign-up, log-in and log-out of organizers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.errors import AccountError
from touchpoints.storage import repository as repo
from touchpoints.web.pages import render
from touchpoints.web.security import checked_form, log_in, log_out

__all__ = ["routes"]


def _next(request: Request, fallback: str = "/events") -> str:
    """Where to go after logging in: only a path on this site."""
    target = str(request.query_params.get("next", ""))
    return target if target.startswith("/") and not target.startswith("//") else fallback


async def home(request: Request) -> Response:
    return RedirectResponse("/events" if "organizer" in request.session else "/login", 303)


async def signup(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "signup.html", {})
    form = await checked_form(request)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    try:
        with request.app.state.db.begin() as db:
            organizer = repo.create_organizer(db, email, password)
            organizer_id = organizer.id
    except AccountError as error:
        return render(request, "signup.html", {"error": error.message, "email": email}, 400)
    log_in(request, organizer_id)
    return RedirectResponse("/events", 303)


async def login(request: Request) -> Response:
    if request.method == "GET":
        return render(request, "login.html", {"next": _next(request)})
    form = await checked_form(request)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    try:
        with request.app.state.db() as db:
            organizer_id = repo.authenticate(db, email, password).id
    except AccountError as error:
        context = {"error": error.message, "email": email, "next": _next(request)}
        return render(request, "login.html", context, 400)
    log_in(request, organizer_id)
    return RedirectResponse(_next(request), 303)


async def logout(request: Request) -> Response:
    await checked_form(request)
    log_out(request)
    return RedirectResponse("/login", 303)


routes = [
    Route("/", home),
    Route("/signup", signup, methods=["GET", "POST"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
