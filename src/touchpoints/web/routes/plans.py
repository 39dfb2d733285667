"""Organizers' planning: sessions, plans made in the background with live progress,
review, moves by hand, publishing, printed cards, and no-shows and walk-ins on the day.

Every URL is under ``/events/{event_id}``, and every handler first finds the event
among the logged-in organizer's own (another organizer's is a 404). Planning runs in
a thread started from the request (:func:`~touchpoints.web.planning.run_plan`, with
its own database session); the plan page polls a small partial every second until
the plan is done. Pages that need the event's topics are built in the thread pool:
finding topics is CPU work.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from touchpoints.core.plans.repair import Move
from touchpoints.errors import TouchpointsError
from touchpoints.files.plans import write_cards_html
from touchpoints.storage import plans as store
from touchpoints.storage import repository as repo
from touchpoints.storage.schema import EventRow, PlanRow, SessionRow
from touchpoints.web import planning
from touchpoints.web.crowds import crowds_of
from touchpoints.web.pages import render
from touchpoints.web.security import checked_form, organizer_id

__all__ = ["routes"]

#: What each metric is called on the review page, and how it is shown.
METRICS = (
    ("hook_coverage", "Seats with a hook", "{:.0%}"),
    ("mean_hook", "Mean hook strength", "{:.2f}"),
    ("min_hook", "Weakest hook", "{:.2f}"),
    ("repeated_pairs", "Repeated meetings", "{}"),
    ("acquaintances_together", "Acquaintances together", "{}"),
    ("rule_violations", "Rule violations", "{}"),
    ("total_value", "Total common ground", "{:.1f}"),
)


def _event_id(request: Request) -> int:
    return int(request.path_params["event_id"])


def _number(form: FormData, name: str, kind: type[int] | type[float], label: str) -> Any:
    """A number from the form (a 400 page naming the field when it is not one)."""
    text = str(form.get(name, "")).strip()
    try:
        return kind(text)
    except ValueError:
        raise TouchpointsError(f"{label}: expected a number, got {text!r}") from None


def _start(request: Request, plan_id: int) -> None:
    threading.Thread(
        target=planning.run_plan,
        args=(request.app.state.db, plan_id, crowds_of(request.app)),
        name=f"plan-{plan_id}",
        daemon=True,
    ).start()


# --- sessions -------------------------------------------------------------------------


async def session_list(request: Request) -> Response:
    """The event's sessions (a partial for the event page), or a new session."""
    me = organizer_id(request)
    if request.method == "POST":
        form = await checked_form(request)
        kind = str(form.get("kind", "tables"))
        size = _number(form, "table_size", int, "Table size") if kind == "tables" else 2
        rounds = _number(form, "rounds", int, "Rounds")
        time_limit = _number(form, "time_limit", float, "Time limit")
        with request.app.state.db.begin() as db:
            event = repo.event_of(db, me, _event_id(request))
            session = store.create_session(
                db,
                event,
                name=str(form.get("name", "")),
                kind=kind,
                table_size=size,
                rounds=rounds,
                time_limit=time_limit,
            )
            url = f"/events/{event.id}/sessions/{session.id}"
        return RedirectResponse(url, 303)
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        context = {
            "event": event,
            "sessions": [
                (s, store.published_plan(db, s.id)) for s in store.sessions_of(db, event.id)
            ],
            "kinds": store.KINDS,
        }
        template = "_sessions.html" if request.headers.get("hx-request") else "sessions.html"
        return render(request, template, context)


async def session_page(request: Request) -> Response:
    me = organizer_id(request)
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        session = store.session_of(db, event, int(request.path_params["session_id"]))
        plans = store.plans_of(db, session.id)
        context = {
            "event": event,
            "session": session,
            "plans": plans,
            "kinds": store.KINDS,
            "metrics": METRICS,
        }
        return render(request, "session.html", context)


async def plan_session(request: Request) -> Response:
    """Start planning a session in the background; on to the plan's page."""
    me = organizer_id(request)
    await checked_form(request)
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        session = store.session_of(db, event, int(request.path_params["session_id"]))
        plan_id = store.start_plan(db, session).id
    _start(request, plan_id)
    return RedirectResponse(f"/events/{event.id}/plans/{plan_id}", 303)


# --- one plan -------------------------------------------------------------------------


def _plan_url(event: EventRow, plan: PlanRow) -> str:
    return f"/events/{event.id}/plans/{plan.id}"


def _review(
    request: Request,
    db: Session,
    event: EventRow,
    session: SessionRow,
    plan: PlanRow,
    moves: Sequence[Move] = (),
) -> dict[str, Any]:
    """What the plan page shows: progress while planning, else the plan explained."""
    context: dict[str, Any] = {
        "event": event,
        "session": session,
        "plan": plan,
        "kinds": store.KINDS,
        "metrics": METRICS,
        "unit": "Pair" if session.kind == "pairs" else "Table",
    }
    if plan.status not in ("ready", "published", "retired"):
        return context
    crowd = crowds_of(request.app).crowd(db, event.id)
    seatings = store.plan_rounds(db, plan, crowd.index, session.rounds)
    explained = planning.cards(crowd, seatings)
    names = {a.id: a.name for a in crowd.attendees}
    unmatched = crowd.unmatched()
    unmatched_ids = {crowd.attendees[i].id for i in unmatched}
    lonely = {s.attendee for c in explained for s in c.seats if s.hook is None} - unmatched_ids
    rounds: list[list[Any]] = [[] for _ in range(session.rounds)]
    for card in explained:
        rounds[card.round - 1].append(card)
    oversize = [
        (card.round, card.table, len(card.seats))
        for card in explained
        if session.kind == "tables" and len(card.seats) > session.table_size
    ]
    seated = {i for seating in seatings for i, t in enumerate(seating) if t >= 0}
    tables = max((max(s, default=-1) for s in seatings), default=-1) + 1
    context |= {
        "rounds": rounds,
        "names": names,
        "people": [(row, a) for row, a in zip(crowd.row_ids, crowd.attendees, strict=True)],
        "unmatched": [crowd.attendees[i].name for i in unmatched],
        "lonely": sorted(names[a] for a in lonely),
        "unseated": [a.name for i, a in enumerate(crowd.attendees) if i not in seated],
        "oversize": oversize,
        "tables": tables,
        "moves": [_move_text(m, crowd.names) for m in moves],
        "editable": plan.status in ("ready", "published"),
        "repairable": plan.status == "published" and session.kind == "tables",
    }
    return context


def _move_text(move: Move, names: Sequence[str]) -> str:
    who = names[move.person]
    if move.from_table is not None and move.to_table is not None:
        where = f"table {move.from_table + 1} → table {move.to_table + 1}"
    elif move.to_table is not None:
        where = f"sits at table {move.to_table + 1}"
    else:
        where = f"leaves table {(move.from_table or 0) + 1}"
    return f"{who}: {where} ({move.reason})"


def _plan_page(request: Request, me: int, status: int = 200) -> Response:
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        return render(request, "plan.html", _review(request, db, event, session, plan), status)


async def plan_page(request: Request) -> Response:
    me = organizer_id(request)
    return await run_in_threadpool(_plan_page, request, me)


async def plan_progress(request: Request) -> Response:
    """The progress partial, polled every second while planning; once the plan is
    done an htmx request reloads the page to show it."""
    me = organizer_id(request)
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        context = {"event": event, "session": session, "plan": plan}
        response = render(request, "_plan_progress.html", context)
    if plan.status != "planning" and request.headers.get("hx-request"):
        response.headers["HX-Refresh"] = "true"
    return response


def _move(request: Request, me: int, form: FormData) -> Response:
    round_number = _number(form, "round", int, "Round")
    attendee = _number(form, "attendee", int, "Person")
    table = _number(form, "table", int, "Table")
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        crowd = crowds_of(request.app).crowd(db, event.id)
        planning.move_seat(
            db, plan, session, crowd, round_number=round_number, attendee_id=attendee, table=table
        )
        url = _plan_url(event, plan)
    return RedirectResponse(f"{url}#round-{round_number}", 303)


async def plan_move(request: Request) -> Response:
    """Seat one person at another table in one round, by hand."""
    me = organizer_id(request)
    form = await checked_form(request)
    return await run_in_threadpool(_move, request, me, form)


async def plan_publish(request: Request) -> Response:
    me = organizer_id(request)
    await checked_form(request)
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, _session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        store.publish_plan(db, plan)
        url = _plan_url(event, plan)
    return RedirectResponse(url, 303)


async def plan_stop(request: Request) -> Response:
    """Stop a running plan's search; it keeps the best plan found so far."""
    me = organizer_id(request)
    await checked_form(request)
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, _session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        store.request_stop(db, plan)
        url = _plan_url(event, plan)
    return RedirectResponse(url, 303)


def _cards(request: Request, me: int) -> Response:
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        if plan.status not in ("ready", "published", "retired"):
            raise TouchpointsError(f"this plan is {plan.status}: there are no cards to print")
        crowd = crowds_of(request.app).crowd(db, event.id)
        seatings = store.plan_rounds(db, plan, crowd.index, session.rounds)
        seated = {i for seating in seatings for i, t in enumerate(seating) if t >= 0}
        people = [a for i, a in enumerate(crowd.attendees) if i in seated]
        out = io.StringIO()
        title = f"{event.name} · {session.name}"
        write_cards_html(out, people, planning.cards(crowd, seatings), title=title)
    return HTMLResponse(out.getvalue())


async def plan_cards(request: Request) -> Response:
    """Print-ready cards: one per table per round, then an agenda per attendee."""
    me = organizer_id(request)
    return await run_in_threadpool(_cards, request, me)


def _repair(request: Request, me: int, form: FormData) -> Response:
    round_number = _number(form, "round", int, "Round")
    no_shows = [int(v) for v in map(str, form.getlist("no_show")) if v.isdigit()]
    walk_in = str(form.get("walk_in_name", "")).strip()
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        if plan.status != "published" or session.kind != "tables":
            raise TouchpointsError("only a published tables plan is repaired on the day")
        walk_ins = []
        if walk_in:
            interests = str(form.get("walk_in_interests", ""))
            walk_ins.append(store.add_walk_in(db, event, walk_in, interests))
        crowd = crowds_of(request.app).crowd(db, event.id)
        moves = planning.repair_plan_round(
            db,
            plan,
            session,
            crowd,
            round_number=round_number,
            no_shows=no_shows,
            walk_ins=walk_ins,
        )
        context = _review(request, db, event, session, plan, moves)
        context["repaired_round"] = round_number
        return render(request, "plan.html", context)


async def plan_repair(request: Request) -> Response:
    """Re-seat a published round for no-shows and a walk-in, with the fewest moves."""
    me = organizer_id(request)
    form = await checked_form(request)
    return await run_in_threadpool(_repair, request, me, form)


_PLAN = "/events/{event_id:int}/plans/{plan_id:int}"
routes = [
    Route("/events/{event_id:int}/sessions", session_list, methods=["GET", "POST"]),
    Route("/events/{event_id:int}/sessions/{session_id:int}", session_page),
    Route("/events/{event_id:int}/sessions/{session_id:int}/plans", plan_session, methods=["POST"]),
    Route(_PLAN, plan_page),
    Route(f"{_PLAN}/progress", plan_progress),
    Route(f"{_PLAN}/move", plan_move, methods=["POST"]),
    Route(f"{_PLAN}/publish", plan_publish, methods=["POST"]),
    Route(f"{_PLAN}/stop", plan_stop, methods=["POST"]),
    Route(f"{_PLAN}/cards", plan_cards),
    Route(f"{_PLAN}/repair", plan_repair, methods=["POST"]),
]
