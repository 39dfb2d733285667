"""The public registration page of an event: ``/r/{registration_code}``.

Anyone with the code may register; the new attendee lands on their personal page.
The e-mail address is required and private (the organizer's only). A form with
errors is shown again with every problem listed, and nothing is saved.
"""

from __future__ import annotations

import re
import secrets

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.core.model import Attendee
from touchpoints.storage import repository as repo
from touchpoints.web.pages import render
from touchpoints.web.security import checked_form

__all__ = ["FIELDS", "routes", "split_list"]

#: The form's text fields and their longest accepted length (characters).
FIELDS = {
    "name": 200,
    "email": 320,
    "interests": 4000,
    "organization": 200,
    "hometown": 200,
    "languages": 500,
    "bio": 5000,
}
_EMAIL = re.compile(r"[^\s@,;<>()\[\]\"]+@[^\s@,;<>()\[\]\"]+\.[^\s@,;<>()\[\]\".]{2,}")
_SPLIT = re.compile(r"[;,|\n]")


def split_list(text: str) -> list[str]:
    """A list typed in one box: items split on new lines, commas, ; or |."""
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def _values(form: FormData) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in FIELDS}


def _problems(values: dict[str, str]) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, limit in FIELDS.items():
        if len(values[name]) > limit:
            problems[name] = f"This is too long: {limit} characters at most."
    if not values["name"]:
        problems["name"] = "Give your name."
    elif "@" in values["name"]:
        problems["name"] = "Give your name, not an e-mail address."
    if not values["email"]:
        problems["email"] = "Give your e-mail address."
    elif not _EMAIL.fullmatch(values["email"]):
        problems.setdefault("email", "This is not an e-mail address.")
    return problems


def _attendee(values: dict[str, str]) -> Attendee:
    return Attendee(
        id=f"web-{secrets.token_hex(8)}",
        name=" ".join(values["name"].split()),
        email=values["email"],
        organization=values["organization"] or None,
        hometown=values["hometown"] or None,
        bio=values["bio"] or None,
        interests=tuple(split_list(values["interests"])),
        languages=tuple(split_list(values["languages"])),
    )


async def register(request: Request) -> Response:
    code = str(request.path_params["registration_code"])
    with request.app.state.db() as db:
        event = repo.event_by_registration_code(db, code)
    context: dict[str, object] = {"event": event, "values": dict.fromkeys(FIELDS, "")}
    if request.method == "GET":
        return render(request, "registration.html", context)
    values = _values(await checked_form(request))
    problems = _problems(values)
    if problems:
        context |= {"values": values, "problems": problems}
        return render(request, "registration.html", context, 400)
    with request.app.state.db.begin() as db:
        event = repo.event_by_registration_code(db, code)
        (row,) = repo.add_attendees(db, event, [_attendee(values)])
        repo.update_interests(db, row, list(row.lists.get("interests", ())))
        token = row.token
    return RedirectResponse(f"/a/{token}", 303)


routes = [Route("/r/{registration_code}", register, methods=["GET", "POST"], name="registration")]
