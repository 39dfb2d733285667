"""Organizers' planning: sessions, plans made in the background with live progress,
review, moves and swaps by hand, publishing, printed cards, and no-shows and walk-ins on the day.

Every URL is under ``/events/{event_id}``, and every handler first finds the event
among the logged-in organizer's own (another organizer's is a 404). Planning runs in
a thread started from the request (:func:`~touchpoints.web.planning.run_plan`, with
its own database session); the plan page polls a small partial every second until
the plan is done. Pages that need the event's topics are built in the thread pool:
finding topics is CPU work.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from touchpoints.core.acquaintance import avoid_pairs
from touchpoints.core.model import Attendee
from touchpoints.core.plans.repair import Move
from touchpoints.core.plans.rules import Rules, check_rules
from touchpoints.core.plans.tables import table_capacities
from touchpoints.errors import (
    ImportRowsError,
    InfeasiblePlanError,
    InputFileError,
    NotFoundError,
    TouchpointsError,
)
from touchpoints.files.plans import write_cards_html
from touchpoints.files.rules import read_rules, with_avoid
from touchpoints.storage import plans as store
from touchpoints.storage import repository as repo
from touchpoints.storage import views
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
#: The largest seating-rules file taken (a rules file is a few lines).
MAX_RULES_BYTES = 1024 * 1024


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


def _session_context(db: Session, event: EventRow, session: SessionRow) -> dict[str, Any]:
    """What the session page shows: its plans, and its seating rules in words (or why
    the stored rules file no longer fits the event)."""
    context: dict[str, Any] = {
        "event": event,
        "session": session,
        "plans": store.plans_of(db, session.id),
        "kinds": store.KINDS,
        "metrics": METRICS,
    }
    if session.kind != "tables":
        return context
    attendees = views.event_attendees(db, event.id)
    context["avoiding"] = len(avoid_pairs(attendees)[0])
    if session.rules_csv is not None:
        try:
            rules = _read_rules(session.rules_csv.encode(), _filename(session), attendees, session)
        except ImportRowsError as error:
            context["stale"] = error.problems
        except InputFileError as error:
            context["stale_error"] = error.message
        else:
            context["rules"] = _rules_in_words(rules, [a.name for a in attendees])
    return context


def _read_rules(
    data: bytes, filename: str, attendees: Sequence[Attendee], session: SessionRow
) -> Rules:
    """The rules file read against the event's attendees and the session's tables."""
    tables = len(table_capacities(len(attendees), size=session.table_size))
    return read_rules(io.BytesIO(data), filename=filename, attendees=attendees, tables=tables)


def _filename(session: SessionRow) -> str:
    return session.rules_filename or "rules.csv"


def _rules_in_words(rules: Rules, names: Sequence[str]) -> list[str]:
    """One line per rule, for the session page: "Keep apart: Ann Archer, Bo Chen"."""

    def who(people: Any) -> str:
        return ", ".join(names[p] for p in people)

    lines = [f"Keep apart: {who(pair)}" for pair in rules.keep_apart]
    lines += [f"Keep together: {who(group)}" for group in rules.keep_together]
    pinned: dict[int, list[int]] = {}
    for person, table in rules.pinned.items():
        pinned.setdefault(table, []).append(person)
    lines += [f"Always at table {t + 1}: {who(people)}" for t, people in sorted(pinned.items())]
    lines += [
        f"{names[p]} needs a table with: {', '.join(sorted(tags))}"
        for p, tags in rules.needs.items()
    ]
    lines += [
        f"Table {t + 1}: {', '.join(sorted(tags))}" for t, tags in sorted(rules.table_tags.items())
    ]
    return lines


async def session_page(request: Request) -> Response:
    me = organizer_id(request)
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        session = store.session_of(db, event, int(request.path_params["session_id"]))
        return render(request, "session.html", _session_context(db, event, session))


async def session_rules(request: Request) -> Response:
    """Take a seating-rules CSV for a tables session: read against the event's
    attendees and the session's tables, and kept only when every row is good."""
    me = organizer_id(request)
    form = await checked_form(request)
    upload = form.get("file")
    data, filename = b"", ""
    if upload is not None and not isinstance(upload, str) and upload.filename:
        data, filename = await upload.read(MAX_RULES_BYTES + 1), upload.filename[-200:]
    await form.close()
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        session = store.session_of(db, event, int(request.path_params["session_id"]))
        if session.kind != "tables":
            raise TouchpointsError("seating rules are for tables sessions only")
        context = _session_context(db, event, session) | {"upload": filename}
        refused = None
        if not filename:
            refused = "Choose a rules file."
        elif len(data) > MAX_RULES_BYTES:
            refused = f"{filename} is larger than {MAX_RULES_BYTES // 1024} KB."
        if refused is not None:
            return render(request, "session.html", context | {"rules_error": refused}, 400)
        attendees = views.event_attendees(db, event.id)
        layout = table_capacities(len(attendees), size=session.table_size)
        try:  # every bad row, else a combination no seating can meet (as planning would)
            rules = _read_rules(data, filename, attendees, session)
            names = [a.name for a in attendees]
            check_rules(with_avoid(rules, attendees)[0], layout, len(attendees), names)
        except ImportRowsError as error:
            return render(request, "session.html", context | {"problems": error.problems}, 400)
        except (InputFileError, InfeasiblePlanError) as error:
            return render(request, "session.html", context | {"rules_error": error.message}, 400)
        store.set_session_rules(db, session, data.decode("utf-8-sig"), filename)
    return RedirectResponse(f"/events/{event.id}/sessions/{session.id}#rules", 303)


async def session_rules_clear(request: Request) -> Response:
    """The session has no seating rules any more."""
    me = organizer_id(request)
    await checked_form(request)
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        session = store.session_of(db, event, int(request.path_params["session_id"]))
        store.clear_session_rules(db, session)
    return RedirectResponse(f"/events/{event.id}/sessions/{session.id}#rules", 303)


async def session_rules_file(request: Request) -> Response:
    """The stored seating-rules file, as uploaded."""
    me = organizer_id(request)
    with request.app.state.db() as db:
        event = repo.event_of(db, me, _event_id(request))
        session = store.session_of(db, event, int(request.path_params["session_id"]))
        if session.rules_csv is None:
            raise NotFoundError("this session has no seating rules")
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", _filename(session)).strip("._") or "rules.csv"
        return Response(
            session.rules_csv,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )


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


def _reseat(
    request: Request, me: int, round_number: int, change: Callable[..., object]
) -> Response:
    """Change seats of one round of this plan by hand (``change(db, plan, session,
    crowd, round_number=...)``, in one transaction), then back to that round."""
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        crowd = crowds_of(request.app).crowd(db, event.id)
        change(db, plan, session, crowd, round_number=round_number)
        url = _plan_url(event, plan)
    return RedirectResponse(f"{url}#round-{round_number}", 303)


def _move(request: Request, me: int, form: FormData) -> Response:
    round_number = _number(form, "round", int, "Round")
    attendee = _number(form, "attendee", int, "Person")
    table = _number(form, "table", int, "Table")
    move = partial(planning.move_seat, attendee_id=attendee, table=table)
    return _reseat(request, me, round_number, move)


async def plan_move(request: Request) -> Response:
    """Seat one person at another table in one round, by hand."""
    me = organizer_id(request)
    form = await checked_form(request)
    return await run_in_threadpool(_move, request, me, form)


def _swap(request: Request, me: int, form: FormData) -> Response:
    round_number = _number(form, "round", int, "Round")
    attendee = _number(form, "attendee", int, "Person")
    other = _number(form, "other", int, "Swap with")
    return _reseat(request, me, round_number, partial(planning.swap_seats, a=attendee, b=other))


async def plan_swap(request: Request) -> Response:
    """Two people trade seats in one round, by hand (no table grows)."""
    me = organizer_id(request)
    form = await checked_form(request)
    return await run_in_threadpool(_swap, request, me, form)


async def _plan_action(request: Request, action: Callable[[Session, PlanRow], None]) -> Response:
    """A button on the plan page: ``action(db, plan)`` in one transaction, then the page."""
    me = organizer_id(request)
    await checked_form(request)
    with request.app.state.db.begin() as db:
        event = repo.event_of(db, me, _event_id(request))
        plan, _session = store.plan_of(db, event, int(request.path_params["plan_id"]))
        action(db, plan)
        url = _plan_url(event, plan)
    return RedirectResponse(url, 303)


async def plan_publish(request: Request) -> Response:
    return await _plan_action(request, store.publish_plan)


async def plan_stop(request: Request) -> Response:
    """Stop a running plan's search; it keeps the best plan found so far."""
    return await _plan_action(request, store.request_stop)


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


_SESSION = "/events/{event_id:int}/sessions/{session_id:int}"
_PLAN = "/events/{event_id:int}/plans/{plan_id:int}"
routes = [
    Route("/events/{event_id:int}/sessions", session_list, methods=["GET", "POST"]),
    Route("/events/{event_id:int}/sessions/{session_id:int}", session_page),
    Route("/events/{event_id:int}/sessions/{session_id:int}/plans", plan_session, methods=["POST"]),
    Route(f"{_SESSION}/rules", session_rules, methods=["POST"]),
    Route(f"{_SESSION}/rules/clear", session_rules_clear, methods=["POST"]),
    Route(f"{_SESSION}/rules.csv", session_rules_file),
    Route(_PLAN, plan_page),
    Route(f"{_PLAN}/progress", plan_progress),
    Route(f"{_PLAN}/move", plan_move, methods=["POST"]),
    Route(f"{_PLAN}/swap", plan_swap, methods=["POST"]),
    Route(f"{_PLAN}/publish", plan_publish, methods=["POST"]),
    Route(f"{_PLAN}/stop", plan_stop, methods=["POST"]),
    Route(f"{_PLAN}/cards", plan_cards),
    Route(f"{_PLAN}/repair", plan_repair, methods=["POST"]),
]
