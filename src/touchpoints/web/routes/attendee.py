"""Attendees' pages, reached by their personal link: what they share, with whom.

``/a/{token}`` shows this round's table (or partner) with what the attendee shares
with each tablemate, the next rounds, and the best people to meet; the attendee edits
their interests there. ``/a/{token}/qr.svg`` is the personal link as a QR code.
Other attendees appear by first name only: no e-mail or contact detail is shown.
The link is the key, so these pages are never cached, indexed or sent as a referrer.
"""

from __future__ import annotations

import io

import segno
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.core.common_ground import CommonGround
from touchpoints.storage import repository as repo
from touchpoints.storage import views
from touchpoints.storage.views import Mate, Seat
from touchpoints.web.crowds import Crowd, event_crowd
from touchpoints.web.pages import render
from touchpoints.web.routes.registration import split_list
from touchpoints.web.security import checked_form

__all__ = ["PRIVATE_HEADERS", "personal_link", "routes"]

#: Headers of every page reached by a personal link.
PRIVATE_HEADERS = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
NOTHING_SHARED = "nothing shared yet — say hello"


def personal_link(request: Request, token: str) -> str:
    """The absolute address of an attendee's personal page."""
    return str(request.url_for("personal_page", token=token))


def _private(response: Response) -> Response:
    response.headers.update(PRIVATE_HEADERS)
    return response


def _table(crowd: Crowd, me: str, seat: Seat) -> dict[str, object]:
    mates = []
    for mate in seat.mates:
        shared = crowd.ground(me, mate.id)
        mates.append({"name": mate.first_name, "shared": _said(shared)})
    return {"seat": seat, "mates": mates}


def _said(shared: CommonGround | None) -> str:
    return shared.explanation if shared is not None else NOTHING_SHARED


async def personal_page(request: Request) -> Response:
    token = str(request.path_params["token"])
    with request.app.state.db() as db:
        row = repo.attendee_by_token(db, token)
        me, event = str(row.id), row.event
        seats = views.published_seats(db, row.id)
        crowd = await event_crowd(request.app, db, event.id, event.attendees_version)
    tables = [_table(crowd, me, seat) for seat in seats]
    to_meet = [
        {"mate": Mate(g.b, views.first_name(crowd.name_of(g.b))), "shared": g.explanation}
        for g in crowd.to_meet(me)
    ]
    context = {
        "me": row,
        "first_name": views.first_name(row.name),
        "event": event,
        "now": tables[0] if tables else None,
        "later": tables[1:],
        "to_meet": to_meet,
        "interests": "\n".join(row.lists.get("interests", ())),
        "saved": request.query_params.get("saved") == "1",
    }
    return _private(render(request, "attendee.html", context))


async def edit_interests(request: Request) -> Response:
    token = str(request.path_params["token"])
    form = await checked_form(request)
    interests = split_list(str(form.get("interests", "")))
    with request.app.state.db.begin() as db:
        row = repo.attendee_by_token(db, token)
        repo.update_interests(db, row, interests)
    return _private(RedirectResponse(f"/a/{token}?saved=1", 303))


async def qr_code(request: Request) -> Response:
    token = str(request.path_params["token"])
    with request.app.state.db() as db:
        row = repo.attendee_by_token(db, token)
    buffer = io.BytesIO()
    segno.make(personal_link(request, row.token), error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, title="Personal link"
    )
    return _private(Response(buffer.getvalue(), media_type="image/svg+xml"))


routes = [
    Route("/a/{token}", personal_page, name="personal_page"),
    Route("/a/{token}/interests", edit_interests, methods=["POST"], name="edit_interests"),
    Route("/a/{token}/qr.svg", qr_code, name="qr_code"),
]
