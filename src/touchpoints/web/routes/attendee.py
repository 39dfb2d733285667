"""Attendees' pages, reached by their personal link: what they share, with whom.

``/a/{token}`` shows this round's table (or partner) with what the attendee shares
with each tablemate, the next rounds, their touchpoints, and the best people to meet;
the attendee edits their interests there. ``/a/{token}/qr.svg`` is the personal link as
a QR code. Other attendees appear by first name only: no e-mail or contact detail is
shown, except what a mutual touchpoint released (see :mod:`.touchpoints`, whose forms
post from this page). The link is the key, so these pages are never cached, indexed or
sent as a referrer (:class:`~touchpoints.web.security.PrivatePages`).
"""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import segno
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.core.common_ground import CommonGround
from touchpoints.core.touchpoints import Contact, Sharing
from touchpoints.storage import repository as repo
from touchpoints.storage import touchpoints as confirmations
from touchpoints.storage import views
from touchpoints.storage.views import Mate, Place, Seat
from touchpoints.web.crowds import Crowd, event_crowd
from touchpoints.web.pages import render
from touchpoints.web.routes.registration import split_list
from touchpoints.web.security import checked_form, remember_attendee

__all__ = ["personal_link", "personal_page_response", "routes"]

NOTHING_SHARED = "nothing shared yet — say hello"
#: What the page says after a touchpoint form, by query parameter and value:
#: (the section it is shown in, the text).
NOTICES = {
    ("met", "waiting"): (
        "touchpoints",
        "Noted. They see nothing of it until they confirm too.",
    ),
    ("met", "mutual"): (
        "touchpoints",
        "A touchpoint: you both confirmed. What they chose to share is below.",
    ),
    ("met", "withdrawn"): ("touchpoints", "Withdrawn. They never saw it."),
    ("saved", "card"): (
        "card",
        "Your contact card is saved. Only people you both confirmed meeting see it.",
    ),
    ("saved", "code"): ("meet-code", "Your meet-me code is new: the old one no longer works."),
}


def personal_link(request: Request, token: str) -> str:
    """The absolute address of an attendee's personal page."""
    return str(request.url_for("personal_page", token=token))


def _table(crowd: Crowd, me: str, seat: Seat, standing: dict[str, str]) -> dict[str, object]:
    mates = []
    for mate in seat.mates:
        shared = crowd.ground(me, mate.id)
        mates.append(
            {
                "id": mate.id,
                "name": mate.first_name,
                "shared": _said(shared),
                "standing": standing.get(mate.id, "none"),
            }
        )
    return {"seat": seat, "mates": mates}


def _said(shared: CommonGround | None) -> str:
    return shared.explanation if shared is not None else NOTHING_SHARED


def _met(contact: Contact, places: list[Place]) -> dict[str, object]:
    """A touchpoint as the page shows it: the phone as a tel: address, the link only
    if it is http(s) (it was checked when saved; checked again before it is a link)."""
    phone = contact.phone or ""
    link = contact.link or ""
    return {
        "contact": contact,
        "tel": re.sub(r"[^0-9+]", "", phone),
        "link": link if urlsplit(link).scheme.lower() in ("http", "https") else "",
        "places": places,
    }


async def personal_page(request: Request) -> Response:
    token = str(request.path_params["token"])
    notice = next(
        (
            {"at": at, "text": text}
            for (key, value), (at, text) in NOTICES.items()
            if request.query_params.get(key) == value
        ),
        None,
    )
    response = await personal_page_response(request, token, notice=notice)
    remember_attendee(request, token)  # a meet-me code scanned on this phone is theirs
    return response


async def personal_page_response(
    request: Request,
    token: str,
    *,
    notice: dict[str, str] | None = None,
    error: str = "",
    card: Sharing | None = None,
    status: int = 200,
) -> Response:
    """The personal page of ``token`` (a :class:`NotFoundError` if there is none), with
    a notice, or an error and the contact card as typed (a form shown again)."""
    with request.app.state.db() as db:
        row = repo.attendee_by_token(db, token)
        me, event = str(row.id), row.event
        seats = views.published_seats(db, row.id)
        view = confirmations.my_view(db, row)
        people = views.touchpoint_people(db, view)
        ids = [i for i, _ in people.mutual]
        places = views.seats_of_people(db, row.id, ids) if seats else {}
    crowd = await event_crowd(request.app, event.id, event.attendees_version)
    standing = {other: "mutual" for other, _ in view.mutual}
    standing.update(dict.fromkeys(view.waiting, "waiting"))
    tables = [_table(crowd, me, seat, standing) for seat in seats]
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
        "met": [_met(contact, places.get(i, [])) for i, contact in people.mutual],
        "waiting": people.waiting,
        "card": card if card is not None else Sharing.from_json(row.sharing),
        "notice": notice,
        "error": error,
        "interests": "\n".join(row.lists.get("interests", ())),
        "saved": request.query_params.get("saved") == "1",
    }
    return render(request, "attendee.html", context, status)


async def edit_interests(request: Request) -> Response:
    token = str(request.path_params["token"])
    form = await checked_form(request)
    interests = split_list(str(form.get("interests", "")))
    with request.app.state.db.begin() as db:
        row = repo.attendee_by_token(db, token)
        repo.update_interests(db, row, interests)
    return RedirectResponse(f"/a/{token}?saved=1", 303)


async def qr_code(request: Request) -> Response:
    token = str(request.path_params["token"])
    with request.app.state.db() as db:
        row = repo.attendee_by_token(db, token)
    buffer = io.BytesIO()
    segno.make(personal_link(request, row.token), error="m").save(
        buffer, kind="svg", scale=4, xmldecl=False, title="Personal link"
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml")


routes = [
    Route("/a/{token}", personal_page, name="personal_page"),
    Route("/a/{token}/interests", edit_interests, methods=["POST"], name="edit_interests"),
    Route("/a/{token}/qr.svg", qr_code, name="qr_code"),
]
