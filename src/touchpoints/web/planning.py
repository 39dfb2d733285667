"""Planning an event's sessions for the web app: the background planner, and changes
by hand or on the day. The event's crowd (topics and pair values) comes from
:mod:`touchpoints.web.crowds`; persistence is :mod:`touchpoints.storage.plans`;
the engine is :mod:`touchpoints.core.plans`.

A plan is made in the background by :func:`run_plan`, with its own database session:
the planner's progress and every better plan it finds are written to the plan row
(``stage``, ``progress``, ``metrics``) in short transactions, so a page can poll them;
the seats are written once, when the plan is done. A plan that fails records its
error and changes nothing else.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import time
from collections.abc import Sequence
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from touchpoints.core.acquaintance import avoid_pairs
from touchpoints.core.model import Attendee
from touchpoints.core.plans.explain import TableCard, explain_plan
from touchpoints.core.plans.pairs import pair_rounds
from touchpoints.core.plans.repair import Move, repair_round
from touchpoints.core.plans.rules import Rules, broken_rules
from touchpoints.core.plans.seating import pairs_of, seating_of
from touchpoints.core.plans.tables import (
    PlanMetrics,
    iter_table_plans,
    plan_metrics,
    table_capacities,
)
from touchpoints.errors import (
    MAX_PROBLEMS_IN_MESSAGE,
    ImportRowsError,
    InfeasiblePlanError,
    InputFileError,
    NotFoundError,
    TouchpointsError,
)
from touchpoints.files.rules import read_rules, with_avoid
from touchpoints.storage import plans as store
from touchpoints.storage.schema import PlanRow, SeatRow, SessionRow
from touchpoints.storage.touchpoints import event_confirmations
from touchpoints.web.crowds import Crowd, CrowdCache

__all__ = ["cards", "move_seat", "repair_plan_round", "run_plan", "swap_seats"]

log = logging.getLogger(__name__)

#: Share of the progress bar for finding the event's topics (the planner gets the rest).
_TOPICS_SHARE = 0.2
#: Progress is written at most this often (seconds): SQLite has one writer.
_PROGRESS_EVERY = 0.25


# --- planning in the background -------------------------------------------------------


class _Reporter:
    """Writes a plan's stage and progress, at most every :data:`_PROGRESS_EVERY` s, and
    reads whether the organizer asked to stop (any process may have written that)."""

    def __init__(self, factory: sessionmaker[Session], plan_id: int) -> None:
        self.factory, self.plan_id, self.last = factory, plan_id, 0.0
        self.stop_requested, self.last_look = False, 0.0

    def should_stop(self) -> bool:
        """Whether the organizer asked to stop (the database is asked at most every
        :data:`_PROGRESS_EVERY` s)."""
        now = time.monotonic()
        if not self.stop_requested and now - self.last_look >= _PROGRESS_EVERY:
            self.last_look = now
            with self.factory() as db:
                asked = db.scalar(select(PlanRow.stop_requested).where(PlanRow.id == self.plan_id))
            self.stop_requested = bool(asked)
        return self.stop_requested

    def write(self, stage: str, progress: float, *, force: bool = False, **fields: Any) -> None:
        now = time.monotonic()
        if not force and now - self.last < _PROGRESS_EVERY:
            return
        self.last = now
        with self.factory.begin() as db:
            plan = db.get(PlanRow, self.plan_id)
            if plan is not None:
                plan.stage, plan.progress = stage[:200], min(max(progress, 0.0), 1.0)
                for name, value in fields.items():
                    setattr(plan, name, value)


def run_plan(
    factory: sessionmaker[Session], plan_id: int, crowds: CrowdCache | None = None
) -> None:
    """Make plan ``plan_id`` (status "planning"): ready with its seats, or failed with
    its error; the event's crowd comes from ``crowds`` (or is computed). Never raises:
    it runs in a thread of its own."""
    crowds = crowds if crowds is not None else CrowdCache()
    reporter = _Reporter(factory, plan_id)
    try:
        with factory() as db:
            plan = db.get(PlanRow, plan_id)
            session = db.get(SessionRow, plan.session_id) if plan is not None else None
            if plan is None or session is None:
                return
            kind, size, rounds = session.kind, session.table_size, session.rounds
            time_limit, rules_file = session.time_limit, _rules_file(session)

            def topics_progress(stage: str, done: int, total: int) -> None:
                reporter.write(stage, _TOPICS_SHARE * (done / total if total > 0 else 0.0))

            reporter.write("finding the event's topics", 0.0, force=True)
            crowd = crowds.crowd(db, session.event_id, topics_progress)
            earlier = _met_before(db, session, crowd)
        if not crowd.attendees:
            raise InfeasiblePlanError("this event has no attendees yet: import some first")
        if kind == "pairs":
            seatings, metrics = _pairs(crowd, rounds, plan_id, earlier)
        else:
            seatings, metrics = _tables(
                crowd, size, rounds, time_limit, plan_id, reporter, earlier, rules_file
            )
        with factory.begin() as db:
            for number, seating in enumerate(seatings, start=1):
                store.save_round(db, plan_id, crowd.row_ids, number, seating)
            plan = db.get(PlanRow, plan_id)
            assert plan is not None
            plan.status, plan.progress = "ready", 1.0
            plan.stage = "stopped early: the best plan found" if reporter.stop_requested else "done"
            plan.metrics = metrics
    except TouchpointsError as error:
        reporter.write("failed", 1.0, force=True, status="failed", error=error.message)
    except Exception:
        log.exception("planning plan %s failed", plan_id)
        message = "the planner stopped on an unexpected error (it is in the server log)"
        reporter.write("failed", 1.0, force=True, status="failed", error=message)


def _met_before(db: Session, session: SessionRow, crowd: Crowd) -> set[tuple[int, int]]:
    """Pairs (crowd indices, smaller first) who have met already: at a table of a
    published plan of the event's other sessions, or by a touchpoint confirmation
    (either side's). They are not seated together again where possible."""
    index = crowd.index
    published = (
        select(PlanRow.id)
        .join(SessionRow, PlanRow.session_id == SessionRow.id)
        .where(
            SessionRow.event_id == session.event_id,
            SessionRow.id != session.id,
            PlanRow.status == "published",
        )
    )
    tables: dict[tuple[int, int, int], list[int]] = {}
    for seat in db.scalars(select(SeatRow).where(SeatRow.plan_id.in_(published))):
        if seat.attendee_id in index:
            tables.setdefault((seat.plan_id, seat.round, seat.table), []).append(
                index[seat.attendee_id]
            )
    met = {pair for members in tables.values() for pair in combinations(sorted(members), 2)}
    for c in event_confirmations(db, session.event_id):
        a, b = index.get(int(c.by)), index.get(int(c.met))
        if a is not None and b is not None:
            met.add((min(a, b), max(a, b)))
    return met


def _tables(
    crowd: Crowd,
    size: int,
    rounds: int,
    time_limit: float,
    seed: int,
    reporter: _Reporter,
    earlier: set[tuple[int, int]],
    rules_file: tuple[str, str] | None = None,
) -> tuple[list[list[int]], dict[str, Any]]:
    if size < 2:
        raise InfeasiblePlanError(f"a table needs at least 2 seats, this session has {size}")
    layout = table_capacities(len(crowd.attendees), size=size)
    try:  # read against the attendees of now: a file that no longer fits fails the plan
        rules = _session_rules(rules_file, crowd.attendees, len(layout))
    except ImportRowsError as error:
        problems = "; ".join(p.message for p in error.problems[:MAX_PROBLEMS_IN_MESSAGE])
        raise InfeasiblePlanError(
            "the seating rules no longer fit this event's attendees or tables (fix the file"
            f" and upload it again): {problems}"
        ) from None

    def planner_progress(stage: str, elapsed: float) -> None:
        reporter.write(stage, _planner_progress(elapsed, time_limit))

    best = None
    for found in iter_table_plans(
        crowd.values,
        layout,
        rounds,
        rules=rules,
        acquainted=crowd.acquainted(),
        met_before=earlier,
        time_limit=time_limit,
        seed=seed,
        names=crowd.names,
        progress=planner_progress,
        stop=reporter.should_stop,
    ):
        best = found
        reporter.write(
            f"found a plan: {found.metrics.hook_coverage:.0%} have a hook",
            _planner_progress(found.seconds, time_limit),
            force=True,
            metrics=_metrics_json(found.metrics),
        )
    assert best is not None  # the first plan is always completed
    return [list(r) for r in best.rounds], _metrics_json(best.metrics)


def _session_rules(
    rules_file: tuple[str, str] | None, attendees: Sequence[Attendee], tables: int
) -> Rules:
    """A session's rules: its rules file, ``(text, filename)`` or none, read against
    ``attendees`` and ``tables`` tables, plus a keep-apart for every "avoid" an
    attendee gave (as ``touchpoints plan --rules`` has them).

    Raises
    ------
    InputFileError
        The file does not fit the attendees or tables (:class:`ImportRowsError` names
        every bad row).
    """
    rules = Rules()
    if rules_file is not None:
        text, filename = rules_file
        rules = read_rules(
            io.BytesIO(text.encode()), filename=filename, attendees=attendees, tables=tables
        )
    return with_avoid(rules, attendees)[0]


def _rules_file(session: SessionRow) -> tuple[str, str] | None:
    if session.kind != "tables" or session.rules_csv is None:
        return None
    return session.rules_csv, session.rules_filename or "rules.csv"


def _planner_progress(elapsed: float, time_limit: float) -> float:
    share = elapsed / time_limit if time_limit > 0 else 1.0
    return _TOPICS_SHARE + (1 - _TOPICS_SHARE) * min(share, 0.99)


def _pairs(
    crowd: Crowd, rounds: int, seed: int, earlier: set[tuple[int, int]]
) -> tuple[list[list[int]], dict[str, Any]]:
    never = [*crowd.acquainted(), *avoid_pairs(crowd.attendees)[0]]
    paired = pair_rounds(crowd.values, rounds, met_before=earlier, never=never, seed=seed)
    seatings = [seating_of(len(crowd.attendees), round_.groups) for round_ in paired]
    return seatings, _metrics_json(_measure(crowd, seatings, 2))


# --- changes by hand and on the day ---------------------------------------------------


def move_seat(
    db: Session,
    plan: PlanRow,
    session: SessionRow,
    crowd: Crowd,
    *,
    round_number: int,
    attendee_id: int,
    table: int,
) -> None:
    """Seat one attendee at ``table`` (from 1) in one round, by hand; the plan's
    metrics are measured again."""
    _check_change(plan, session, round_number)
    person = crowd.index.get(attendee_id)
    if person is None:
        raise NotFoundError("no such attendee at this event")
    seatings = store.plan_rounds(db, plan, crowd.index, session.rounds)
    tables = max(max(s, default=-1) for s in seatings) + 1
    if not 1 <= table <= tables + 1:
        raise TouchpointsError(f"choose a table from 1 to {tables + 1}")
    seatings[round_number - 1][person] = table - 1
    _save_change(db, plan, session, crowd, seatings, round_number)


def swap_seats(
    db: Session,
    plan: PlanRow,
    session: SessionRow,
    crowd: Crowd,
    *,
    round_number: int,
    a: int,
    b: int,
) -> tuple[int, int]:
    """Two attendees (row ids ``a`` and ``b``), each with a seat in the round, trade
    tables in that round, by hand: no table grows. The plan's metrics are measured
    again. Their tables (from 1) after the swap, ``a``'s first.

    Raises
    ------
    NotFoundError
        Either is not an attendee of this event.
    TouchpointsError
        The plan is not finished, there is no such round, ``a`` and ``b`` are the
        same person, either has no seat in the round, or both sit at one table.
    """
    _check_change(plan, session, round_number)
    first, second = crowd.index.get(a), crowd.index.get(b)
    if first is None or second is None:
        raise NotFoundError("no such attendee at this event")
    if first == second:
        raise TouchpointsError("choose two different people to swap")
    seatings = store.plan_rounds(db, plan, crowd.index, session.rounds)
    seating = seatings[round_number - 1]
    for person in (first, second):
        if seating[person] < 0:
            name = crowd.attendees[person].name
            raise TouchpointsError(f"{name} has no seat in round {round_number} to swap")
    if seating[first] == seating[second]:
        raise TouchpointsError(
            f"{crowd.attendees[first].name} and {crowd.attendees[second].name} both sit at "
            f"table {seating[first] + 1} in round {round_number}: nothing to swap"
        )
    seating[first], seating[second] = seating[second], seating[first]
    _save_change(db, plan, session, crowd, seatings, round_number)
    return seating[first] + 1, seating[second] + 1


def _check_change(plan: PlanRow, session: SessionRow, round_number: int) -> None:
    """Refuse a change by hand to a plan that is not finished, or to no round of it."""
    if plan.status not in store.FINISHED:
        raise TouchpointsError(f"this plan is {plan.status}: only a finished plan can change")
    if not 1 <= round_number <= session.rounds:
        raise TouchpointsError(f"there is no round {round_number}")


def _save_change(
    db: Session,
    plan: PlanRow,
    session: SessionRow,
    crowd: Crowd,
    seatings: Sequence[Sequence[int]],
    round_number: int,
) -> None:
    """Store one changed round and measure the plan again (the session's rules
    counted)."""
    store.save_round(db, plan.id, crowd.row_ids, round_number, seatings[round_number - 1])
    rules = _rules_now(session, crowd, seatings)
    plan.metrics = _metrics_json(_measure(crowd, seatings, session.table_size, rules))


def repair_plan_round(
    db: Session,
    plan: PlanRow,
    session: SessionRow,
    crowd: Crowd,
    *,
    round_number: int,
    no_shows: Sequence[int],
    walk_ins: Sequence[int] = (),
) -> tuple[Move, ...]:
    """Re-seat one round of a published tables plan for ``no_shows`` and ``walk_ins``
    (attendee row ids), moving as few people as possible; the moves made.

    Whoever has no seat in the round and is not a walk-in stays away (an earlier
    no-show, or someone registered after the plan was made).
    """
    if plan.status != "published" or session.kind != "tables":
        raise TouchpointsError("only a published tables plan is repaired on the day")
    if not 1 <= round_number <= session.rounds:
        raise TouchpointsError(f"there is no round {round_number}")
    index = crowd.index
    seatings = store.plan_rounds(db, plan, crowd.index, session.rounds)
    seating = seatings[round_number - 1]
    arriving = {index[w] for w in walk_ins if w in index}
    absent = {index[a] for a in no_shows if a in index}
    absent |= {i for i, t in enumerate(seating) if t < 0 and i not in arriving}
    met = {
        pair
        for r, other in enumerate(seatings)
        if r != round_number - 1
        for pair in pairs_of(other)
    }
    rules = _rules_now(session, crowd, seatings)
    fixed = repair_round(
        crowd.values,
        _layout(seatings, session.table_size),
        seating,
        absent=sorted(absent),
        rules=rules,
        met_before=met,
        names=crowd.names,
    )
    seatings[round_number - 1] = list(fixed.seating)
    store.save_round(db, plan.id, crowd.row_ids, round_number, fixed.seating)
    plan.metrics = _metrics_json(_measure(crowd, seatings, session.table_size, rules))
    return fixed.moves


def cards(crowd: Crowd, seatings: Sequence[Sequence[int]]) -> tuple[TableCard, ...]:
    """The plan explained: a theme per table, a hook per seat."""
    return explain_plan(crowd.vocabulary, seatings, acquaintances=crowd.known)


def _layout(seatings: Sequence[Sequence[int]], size: int) -> list[int]:
    """Seats per table: the session's table size, or more where a table holds more."""
    tables = max((max(s, default=-1) for s in seatings), default=-1) + 1
    fullest = [0] * tables
    for seating in seatings:
        for t in range(tables):
            fullest[t] = max(fullest[t], sum(1 for x in seating if x == t))
    return [max(size, f) for f in fullest] or [size]


def _rules_now(session: SessionRow, crowd: Crowd, seatings: Sequence[Sequence[int]]) -> Rules:
    """The session's rules for a change to a finished plan, read against today's
    attendees and the plan's tables; a rules file that no longer fits them is left out
    (the day goes on: planning again shows why)."""
    tables = len(_layout(seatings, session.table_size))
    try:
        return _session_rules(_rules_file(session), crowd.attendees, tables)
    except InputFileError:
        return _session_rules(None, crowd.attendees, tables)


def _measure(
    crowd: Crowd, seatings: Sequence[Sequence[int]], size: int, rules: Rules | None = None
) -> PlanMetrics:
    """The metrics of a seating; whoever has no seat in a round counts as alone there
    (a table of their own), which the engine's metrics expect of every person. Broken
    rules are counted on the seating itself: somebody absent breaks none."""
    layout = _layout(seatings, size)
    alone = max((list(s).count(-1) for s in seatings), default=0)
    whole = []
    for seating in seatings:
        extra = iter(range(len(layout), len(layout) + alone))
        whole.append([t if t >= 0 else next(extra) for t in seating])
    metrics = plan_metrics(
        crowd.values, [*layout, *[1] * alone], whole, rules=rules, acquainted=crowd.acquainted()
    )
    broken = sum(len(broken_rules(rules, s)) for s in seatings) if rules is not None else 0
    return dataclasses.replace(metrics, rule_violations=broken)


def _metrics_json(metrics: PlanMetrics) -> dict[str, Any]:
    return {
        k: round(v, 4) if isinstance(v, float) else v
        for k, v in dataclasses.asdict(metrics).items()
    }
