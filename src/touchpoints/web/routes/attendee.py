"""Attendees' pages, reached by their personal link: what they share, with whom."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from touchpoints.storage import repository as repo
from touchpoints.web.pages import render

__all__ = ["routes"]


async def personal_page(request: Request) -> Response:
    with request.app.state.db() as db:
        me = repo.attendee_by_token(db, str(request.path_params["token"]))
        event = me.event
        return render(request, "attendee.html", {"me": me, "event": event})


routes = [Route("/a/{token}", personal_page)]
