"""Sessions, plans and seats: what is kept of an event's networking sessions.

A plan row is created "planning" (:func:`start_plan`); the planner
(:func:`touchpoints.web.planning.run_plan`) writes its progress and, when done, its
seats. At most one plan of a session is *published* (what attendees see): publishing
one retires the one before. Seats are numbered from 1 (``round``, ``table``); in a 1:1
session ``table`` is the number of the pair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from touchpoints.core.model import Attendee
from touchpoints.errors import NotFoundError, TouchpointsError
from touchpoints.storage import repository as repo
from touchpoints.storage.schema import EventRow, PlanRow, SeatRow, SessionRow

__all__ = [
    "FINISHED",
    "KINDS",
    "MAX_ROUNDS",
    "MAX_TIME_LIMIT",
    "STALE_AFTER",
    "add_walk_in",
    "clear_session_rules",
    "create_session",
    "plan_of",
    "plan_rounds",
    "plans_of",
    "publish_plan",
    "published_plan",
    "request_stop",
    "save_round",
    "session_of",
    "sessions_of",
    "set_session_rules",
    "start_plan",
]

#: Session kinds: seated tables, or 1:1 rounds.
KINDS = {"tables": "Tables", "pairs": "1:1 rounds"}
#: Largest number of rounds and longest search a session may ask for.
MAX_ROUNDS, MAX_TIME_LIMIT = 50, 600.0
#: A plan still "planning" this long after its time limit was interrupted (a restart).
STALE_AFTER = dt.timedelta(minutes=10)
#: A plan in one of these states is finished: it can be changed by hand and published.
FINISHED = ("ready", "published")


# --- sessions -------------------------------------------------------------------------


def create_session(
    db: Session,
    event: EventRow,
    *,
    name: str,
    kind: str,
    table_size: int,
    rounds: int,
    time_limit: float,
) -> SessionRow:
    """A new networking session of ``event``."""
    name = name.strip() or KINDS.get(kind, "")
    if kind not in KINDS:
        raise TouchpointsError(f"a session is {' or '.join(KINDS)}, not {kind!r}")
    if kind == "tables" and not 2 <= table_size <= 500:
        raise TouchpointsError("a table seats 2 to 500 people")
    if not 1 <= rounds <= MAX_ROUNDS:
        raise TouchpointsError(f"a session has 1 to {MAX_ROUNDS} rounds")
    if not 0 <= time_limit <= MAX_TIME_LIMIT:
        raise TouchpointsError(f"the time limit is 0 to {MAX_TIME_LIMIT:.0f} seconds")
    row = SessionRow(
        event_id=event.id,
        name=name[:200],
        kind=kind,
        table_size=table_size if kind == "tables" else 2,
        rounds=rounds,
        time_limit=time_limit,
    )
    db.add(row)
    db.flush()
    return row


def sessions_of(db: Session, event_id: int) -> list[SessionRow]:
    """An event's sessions, oldest first."""
    query = select(SessionRow).where(SessionRow.event_id == event_id)
    return list(db.scalars(query.order_by(SessionRow.id)))


def session_of(db: Session, event: EventRow, session_id: int) -> SessionRow:
    """A session of ``event`` (one of another event is "not found")."""
    row = db.get(SessionRow, session_id)
    if row is None or row.event_id != event.id:
        raise NotFoundError("no such session")
    return row


def set_session_rules(db: Session, session: SessionRow, text: str, filename: str) -> None:
    """Keep ``text``, a seating-rules CSV the caller has read, as the session's rules."""
    if session.kind != "tables":
        raise TouchpointsError("seating rules are for tables sessions only")
    session.rules_csv, session.rules_filename = text, filename[:200]
    db.flush()


def clear_session_rules(db: Session, session: SessionRow) -> None:
    """The session has no seating rules (attendees' own "avoid" still count)."""
    session.rules_csv = session.rules_filename = None
    db.flush()


# --- plans ----------------------------------------------------------------------------


def start_plan(db: Session, session: SessionRow) -> PlanRow:
    """A new plan of ``session``, waiting for :func:`run_plan`."""
    running = db.scalar(
        select(PlanRow.id).where(PlanRow.session_id == session.id, PlanRow.status == "planning")
    )
    if running is not None:
        plan = db.get(PlanRow, running)
        if plan is not None and not _stale(plan, session):
            raise TouchpointsError("this session is being planned; wait for that plan first")
    row = PlanRow(session_id=session.id, status="planning", stage="waiting", progress=0.0)
    db.add(row)
    db.flush()
    return row


def request_stop(db: Session, plan: PlanRow) -> None:
    """Ask a running plan to stop searching and keep the best plan it has found (the
    planner finishes its first plan in any case)."""
    if plan.status != "planning":
        raise TouchpointsError(f"this plan is {plan.status}: only a running plan can be stopped")
    plan.stop_requested = True
    db.flush()


def plans_of(db: Session, session_id: int) -> list[PlanRow]:
    """A session's plans, newest first."""
    query = select(PlanRow).where(PlanRow.session_id == session_id)
    return list(db.scalars(query.order_by(PlanRow.id.desc())))


def plan_of(db: Session, event: EventRow, plan_id: int) -> tuple[PlanRow, SessionRow]:
    """A plan of one of ``event``'s sessions, and its session.

    A plan still "planning" long after its time limit (the server restarted while it
    ran) is marked failed here.
    """
    plan = db.get(PlanRow, plan_id)
    session = db.get(SessionRow, plan.session_id) if plan is not None else None
    if plan is None or session is None or session.event_id != event.id:
        raise NotFoundError("no such plan")
    if plan.status == "planning" and _stale(plan, session):
        plan.status, plan.error = "failed", "planning was interrupted; plan again"
    return plan, session


def published_plan(db: Session, session_id: int) -> PlanRow | None:
    """The plan attendees see, if any."""
    query = select(PlanRow).where(PlanRow.session_id == session_id, PlanRow.status == "published")
    return db.scalar(query)


def publish_plan(db: Session, plan: PlanRow) -> None:
    """Publish ``plan``, retiring the session's published plan before it."""
    if plan.status not in (*FINISHED, "retired"):
        raise TouchpointsError(f"only a finished plan can be published (this one is {plan.status})")
    for old in db.scalars(
        select(PlanRow).where(
            PlanRow.session_id == plan.session_id,
            PlanRow.status == "published",
            PlanRow.id != plan.id,
        )
    ):
        old.status = "retired"
    db.flush()  # the old one first: at most one is published at any time
    plan.status = "published"
    db.flush()


def plan_rounds(
    db: Session, plan: PlanRow, index: Mapping[int, int], rounds: int
) -> list[list[int]]:
    """The plan's seating as the engine sees it: ``rounds[r][i]`` = table of person i
    (0-based; ``index`` maps attendee row ids to positions), -1 where person i has no
    seat in round r."""
    seating = [[-1] * len(index) for _ in range(rounds)]
    for seat in db.scalars(select(SeatRow).where(SeatRow.plan_id == plan.id)):
        person = index.get(seat.attendee_id)
        if person is not None and 1 <= seat.round <= rounds:
            seating[seat.round - 1][person] = seat.table - 1
    return seating


def save_round(
    db: Session,
    plan_id: int,
    row_ids: Sequence[int],
    round_number: int,
    seating: Sequence[int],
) -> None:
    """Replace one round's seats: person i (attendee row ``row_ids[i]``) at table
    ``seating[i]`` (0-based; -1 = no seat)."""
    db.execute(delete(SeatRow).where(SeatRow.plan_id == plan_id, SeatRow.round == round_number))
    db.add_all(
        SeatRow(plan_id=plan_id, round=round_number, table=table + 1, attendee_id=row_ids[i])
        for i, table in enumerate(seating)
        if table >= 0
    )
    db.flush()


# --- changes on the day ----------------------------------------------------------


def add_walk_in(db: Session, event: EventRow, name: str, interests: str) -> int:
    """Register someone who came without registering; their attendee row id."""
    name = name.strip()
    if not name:
        raise TouchpointsError("a walk-in needs a name")
    phrases = tuple(p.strip() for p in interests.replace("|", ";").split(";") if p.strip())
    if len(phrases) == 1 and "," in phrases[0]:
        phrases = tuple(p.strip() for p in phrases[0].split(",") if p.strip())
    person = Attendee(id=f"walk-in-{name.casefold()}", name=name[:200], interests=phrases)
    return repo.add_attendees(db, event, [person])[0].id


def _stale(plan: PlanRow, session: SessionRow) -> bool:
    created = plan.created_at
    if created.tzinfo is None:  # SQLite gives naive datetimes back
        created = created.replace(tzinfo=dt.UTC)
    limit = dt.timedelta(seconds=session.time_limit) + STALE_AFTER
    return dt.datetime.now(dt.UTC) - created > limit
