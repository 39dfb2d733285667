"""The organizer's list of personal links: each attendee's link and QR code, to hand out.

Organizers only (login, and the event must be theirs); e-mails are shown here because
the organizer needs them to send the links.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from touchpoints.storage import repository as repo
from touchpoints.web.pages import render
from touchpoints.web.routes.attendee import personal_link
from touchpoints.web.security import PRIVATE_HEADERS, organizer_id

__all__ = ["routes"]


async def links_page(request: Request) -> Response:
    me = organizer_id(request)
    with request.app.state.db() as db:
        event = repo.event_of(db, me, int(request.path_params["event_id"]))
        people = [
            {"row": row, "link": personal_link(request, row.token)}
            for row in repo.attendees_of(db, event.id)
        ]
        registration = str(
            request.url_for("registration", registration_code=event.registration_code)
        )
        context = {"event": event, "people": people, "registration": registration}
        response = render(request, "links.html", context)
    response.headers.update(PRIVATE_HEADERS)
    return response


routes = [Route("/events/{event_id:int}/links", links_page, name="links")]
