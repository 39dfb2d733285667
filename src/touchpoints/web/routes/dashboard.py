"""The organizer's network dashboard: measures, the network picture, a CSV of the
touchpoints, and one-click seat suggestions for isolated attendees (gh-6).

Every URL is under ``/events/{event_id}`` and first finds the event among the
logged-in organizer's own (another organizer's is a 404). The pages are built in the
thread pool: they read every confirmation and may compute the event's topics or the
network's layout. Nothing here shows an e-mail address or other contact detail, nor
who confirmed whom one-sidedly (a count only).
"""

from __future__ import annotations

import gzip
import io

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from touchpoints.errors import TouchpointsError
from touchpoints.files.network import write_touchpoints_csv
from touchpoints.storage import repository as repo
from touchpoints.storage import views
from touchpoints.web import dashboard as board
from touchpoints.web.crowds import crowds_of
from touchpoints.web.network_picture import network_svg
from touchpoints.web.pages import render
from touchpoints.web.security import checked_form, organizer_id

__all__ = ["routes"]

#: The session key of the message shown once after a seat suggestion is applied.
_NOTICE = "dashboard_notice"


def _event_id(request: Request) -> int:
    return int(request.path_params["event_id"])


def _round(text: object) -> int | None:
    """The round asked for (None: the default one)."""
    value = str(text or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise TouchpointsError(f"Round: expected a number, got {value!r}")
    return int(value)


def _page(request: Request, me: int) -> Response:
    asked = _round(request.query_params.get("round"))
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        crowd = crowds_of(request.app).crowd(db, event.id)
        shown = board.dashboard(db, event.id, crowd, asked)
        picture = f"/events/{event.id}/network.svg"
        if shown.target is not None and asked is not None:
            picture += f"?round={shown.target.round}"
        context = {
            "event": event,
            "board": shown,
            "target": shown.target,
            "picture": picture,
            "notice": request.session.pop(_NOTICE, None),
            "list_limit": board.LIST_LIMIT,
        }
        return render(request, "dashboard.html", context)


async def dashboard_page(request: Request) -> Response:
    """The dashboard; ``?round=N`` picks the round seat suggestions are for."""
    me = organizer_id(request)
    return await run_in_threadpool(_page, request, me)


def _picture(request: Request, me: int) -> Response:
    asked = _round(request.query_params.get("round"))
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        crowd = crowds_of(request.app).crowd(db, event.id)
        network = board.event_network(db, event.id, crowd)
        version = views.event_version(db, event.id)
        found = board.seat_target(db, event.id, crowd, asked)
        target = found if isinstance(found, board.Target) else None
        highlight = board.highlighted(crowd, target)
    positions = board.layouts_of(request.app).positions(event.id, version, network)
    labels = {a.id: a.name for a in crowd.attendees}
    svg = network_svg(positions, network.ties, labels, width=900, height=675, highlight=highlight)
    # Served on its own, an SVG is a document: it may load nothing and run nothing.
    headers = {"Content-Security-Policy": "default-src 'none'", "Vary": "Accept-Encoding"}
    body = svg.encode()
    if "gzip" in request.headers.get("accept-encoding", ""):
        # Hundreds of KB of coordinates shrink about five-fold; it holds no secret.
        body, headers["Content-Encoding"] = gzip.compress(body, compresslevel=6), "gzip"
    return Response(body, media_type="image/svg+xml", headers=headers)


async def network_picture(request: Request) -> Response:
    """The touchpoint network as an SVG: isolated people in their own colour, people
    without a hook (as on the dashboard, for ``?round=N``) ringed."""
    me = organizer_id(request)
    return await run_in_threadpool(_picture, request, me)


def _csv(request: Request, me: int) -> Response:
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        crowd = crowds_of(request.app).crowd(db, event.id)
        network = board.event_network(db, event.id, crowd)
    out = io.StringIO()
    write_touchpoints_csv(
        out,
        network.ties,
        {a.id: a.name for a in crowd.attendees},
        {a.id: a.organization for a in crowd.attendees},
    )
    filename = f"touchpoints-event-{event.id}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def touchpoints_csv(request: Request) -> Response:
    """Every touchpoint: names, organizations, when it became mutual, its topic."""
    me = organizer_id(request)
    return await run_in_threadpool(_csv, request, me)


def _seat(request: Request, me: int, form: FormData) -> Response:
    text = str(form.get("attendee", "")).strip()
    if not text.isdigit():
        raise TouchpointsError("choose someone to seat")
    asked = _round(form.get("round"))
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        crowd = crowds_of(request.app).crowd(db, event.id)
        found = board.seat_target(db, event.id, crowd, asked)
        if isinstance(found, str):
            raise TouchpointsError(found)
        network = board.event_network(db, event.id, crowd)
        _suggestion, done = board.seat_better(db, network, found, int(text))
        url = f"/events/{event.id}/dashboard?round={found.round}#isolated"
    request.session[_NOTICE] = done
    return RedirectResponse(url, 303)


async def seat_better(request: Request) -> Response:
    """Apply the seat suggestion for one isolated attendee (form: ``attendee``, the
    attendee's row id, and ``round``)."""
    me = organizer_id(request)
    form = await checked_form(request)
    return await run_in_threadpool(_seat, request, me, form)


routes = [
    Route("/events/{event_id:int}/dashboard", dashboard_page),
    Route("/events/{event_id:int}/dashboard/seat", seat_better, methods=["POST"]),
    Route("/events/{event_id:int}/network.svg", network_picture),
    Route("/events/{event_id:int}/touchpoints.csv", touchpoints_csv),
]
