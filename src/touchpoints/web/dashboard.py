"""The organizer's network dashboard, put together from the database, the event's
crowd and the measures of :mod:`touchpoints.core.network` (gh-6).

A touchpoint is a pair who both confirmed (found in the database by
:func:`~touchpoints.storage.network.event_touchpoints`); its topic is the pair's
common ground (:meth:`Crowd.ground`), computed once per pair and crowd and kept
(:data:`_TOPICS`). One-sided confirmations are only ever counted: who confirmed whom
stays private until it is mutual.

*Isolated* attendees are those with no touchpoint yet, and those without a hook: who
shares nothing with anybody at the event (:meth:`Crowd.unmatched`), or nobody at
their table in the round the suggestions are for. For the latter the dashboard
suggests a seat: in the event's latest session of tables with a published plan, in
the round the organizer picks (round 2 by default when there are two or more, else
round 1), beside the person's best person to meet who has a seat in that round
(:func:`~touchpoints.core.network.seat_beside`); one click applies it with
:func:`touchpoints.web.planning.move_seat`. When that table is already full, the
suggestion is a swap instead: the person trades seats with the tablemate who has a hook
at their table (:func:`~touchpoints.core.network.swap_partner`, applied with
:func:`touchpoints.web.planning.swap_seats`); only when nobody there has one does the
table seat one more than the session's table size.

The network picture's layout takes a second or two for thousands of people, so it is
kept per event, attendee version and number of touchpoints (:class:`LayoutCache`):
touchpoints are only ever added, so the number names the network.
"""

from __future__ import annotations

import datetime
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from touchpoints.core.common_ground import CommonGround, GroundKind
from touchpoints.core.network import (
    Bucket,
    Tie,
    TieKinds,
    cliques,
    distribution,
    layout,
    over_time,
    seat_beside,
    swap_partner,
    tie_kinds,
    topics_sparked,
    touchpoints_per_attendee,
)
from touchpoints.core.plans.objective import pair_values_at
from touchpoints.core.plans.seating import tables_of
from touchpoints.core.plans.tables import HOOK_MIN
from touchpoints.core.topics import TopicKind
from touchpoints.errors import NotFoundError, TouchpointsError
from touchpoints.storage import plans as store
from touchpoints.storage.network import event_touchpoints
from touchpoints.storage.schema import PlanRow, SessionRow
from touchpoints.web import planning
from touchpoints.web.crowds import Crowd

__all__ = [
    "Dashboard",
    "LayoutCache",
    "Network",
    "Suggestion",
    "Swap",
    "Target",
    "dashboard",
    "event_network",
    "highlighted",
    "layouts_of",
    "seat_better",
    "seat_target",
    "shared_point",
]

#: Isolated people listed (with a suggestion each) at most; the rest are counted.
LIST_LIMIT = 100
#: Topics listed at most.
TOPIC_LIMIT = 20
#: Time buckets of the "touchpoints over time" chart.
BUCKETS = 24
#: Networks kept laid out (the least recently used goes first).
MAX_LAYOUTS = 8

#: Each crowd's topic per touchpoint (sorted id pair -> label, None for no shared
#: topic); forgotten with the crowd, so a change of interests starts afresh.
_TOPICS: weakref.WeakKeyDictionary[Crowd, dict[tuple[str, str], str | None]] = (
    weakref.WeakKeyDictionary()
)
_TOPICS_LOCK = threading.Lock()


# --- the network -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Network:
    """An event's touchpoints now: ties oldest first (with their topics), and the
    number of one-sided confirmations."""

    crowd: Crowd
    ties: tuple[Tie, ...]
    one_sided: int

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.crowd.attendees]


def _utc(at: datetime.datetime) -> datetime.datetime:
    """Aware UTC (SQLite gives naive UTC back, PostgreSQL aware)."""
    return at.replace(tzinfo=datetime.UTC) if at.tzinfo is None else at.astimezone(datetime.UTC)


def _topic_of(crowd: Crowd, a: str, b: str, known: dict[tuple[str, str], str | None]) -> str | None:
    key = (a, b)
    if key not in known:
        ground = crowd.ground(a, b)
        known[key] = ground.topic.label if ground is not None else None
    return known[key]


def event_network(db: Session, event_id: int, crowd: Crowd) -> Network:
    """The event's touchpoints as of now (any of people no longer in the crowd are
    left out)."""
    found = event_touchpoints(db, event_id)
    people = {a.id for a in crowd.attendees}
    with _TOPICS_LOCK:
        known = _TOPICS.setdefault(crowd, {})
    ties = tuple(
        Tie(a, b, _utc(at), _topic_of(crowd, a, b, known))
        for a, b, at in found.pairs
        if a in people and b in people
    )
    return Network(crowd, ties, one_sided=found.one_sided)


# --- where suggestions seat people -----------------------------------------------------


@dataclass(frozen=True, eq=False)
class Target:
    """The round suggestions are for, in the published plan of a tables session."""

    session: SessionRow
    plan: PlanRow
    round: int
    #: Table of each crowd position in every round (from 0; -1: no seat).
    seatings: list[list[int]]

    @property
    def seating(self) -> list[int]:
        """The table of each crowd position in the target round."""
        return self.seatings[self.round - 1]

    @cached_property
    def sizes(self) -> dict[int, int]:
        """People per table in the target round."""
        return dict(Counter(table for table in self.seating if table >= 0))

    def seats(self, crowd: Crowd) -> dict[str, int]:
        """Attendee id -> table in the target round."""
        return {a.id: t for a, t in zip(crowd.attendees, self.seating, strict=True)}

    @cached_property
    def _tables(self) -> dict[tuple[int, int], list[int]]:
        """(round index, table) -> the positions seated there."""
        return {
            (r, table): members
            for r, seating in enumerate(self.seatings)
            for table, members in tables_of(seating).items()
        }

    def at_table(self, table: int) -> list[int]:
        """The positions seated at ``table`` in the target round."""
        return self._tables.get((self.round - 1, table), [])

    def tablemates(self, crowd: Crowd, person: str) -> set[str]:
        """Who sits with ``person`` in the plan's other rounds."""
        i = crowd.index[int(person)]
        return {
            crowd.attendees[j].id
            for r, seating in enumerate(self.seatings)
            if r != self.round - 1 and seating[i] >= 0
            for j in self._tables[r, seating[i]]
            if j != i
        }


def _default_round(rounds: int) -> int:
    return 2 if rounds >= 2 else 1


def seat_target(
    db: Session, event_id: int, crowd: Crowd, round_number: int | None = None
) -> Target | str:
    """The round to seat people better in: ``round_number`` (else round 2 when the
    session has two or more, else 1) of the latest tables session with a published
    plan; or why there is none."""
    for session in reversed(store.sessions_of(db, event_id)):
        if session.kind != "tables":
            continue
        plan = store.published_plan(db, session.id)
        if plan is None:
            continue
        number = round_number if round_number is not None else _default_round(session.rounds)
        if not 1 <= number <= session.rounds:
            raise TouchpointsError(f"{session.name} has rounds 1 to {session.rounds}")
        seatings = store.plan_rounds(db, plan, crowd.index, session.rounds)
        return Target(session, plan, number, seatings)
    return (
        "No session of tables has a published plan yet: publish one to seat people "
        "better in its next round."
    )


def _without_hook(crowd: Crowd, seating: Sequence[int]) -> list[int]:
    """Seated people (positions) with nobody at their table they share a point with."""
    rows: list[int] = []
    cols: list[int] = []
    for members in tables_of(seating).values():
        for k, a in enumerate(members):
            rows.extend([a] * (len(members) - k - 1))
            cols.extend(members[k + 1 :])
    best = np.zeros(len(seating))
    if rows:
        r, c = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
        weight = pair_values_at(crowd.vocabulary, r, c)
        np.maximum.at(best, r, weight)
        np.maximum.at(best, c, weight)
    return [p for p, table in enumerate(seating) if table >= 0 and best[p] < HOOK_MIN]


def _partners(ties: Sequence[Tie], people: Collection[str]) -> dict[str, set[str]]:
    """The touchpoints of each of ``people``."""
    partners: dict[str, set[str]] = {person: set() for person in people}
    for tie in ties:
        if tie.a in partners:
            partners[tie.a].add(tie.b)
        if tie.b in partners:
            partners[tie.b].add(tie.a)
    return partners


# --- suggestions ----------------------------------------------------------------------


def shared_point(ground: CommonGround) -> str:
    """What a pair shares, in a few words: "both into chess"."""
    topic = ground.topic
    if ground.kind is GroundKind.RELATED:
        if ground.other_topic is not None:
            return f"related interests, {topic.label} and {ground.other_topic.label}"
        return f"related interests in {topic.label}"
    if topic.kind is TopicKind.HOMETOWN:
        return f"both come from {topic.label}"
    if topic.kind is TopicKind.LANGUAGE:
        return f"both speak {topic.label}"
    if topic.verb == "follow":
        return f"both follow {topic.label}"
    return f"both into {topic.label}"


@dataclass(frozen=True, slots=True)
class Swap:
    """The tablemate who trades seats with an isolated person, so that no table grows:
    they move to the person's table, beside someone they share a point with."""

    #: Their attendee id and name.
    person: str
    name: str
    #: The table they move to (the isolated person's, from 1), whom they sit beside
    #: there and what the two share.
    table: int
    beside: str
    shared: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Where to seat one isolated person in the target round, or why nowhere."""

    person: str
    name: str
    #: The person to sit beside, their table (from 1) and what the two share.
    beside: str | None = None
    table: int = 0
    shared: str = ""
    #: Already at that table (nothing to move).
    already: bool = False
    #: People at that table once they sit there, over the session's table size.
    crowded: int = 0
    #: Who trades seats with them, where that table is full already.
    swap: Swap | None = None
    #: Why there is no suggestion.
    reason: str | None = None

    @property
    def text(self) -> str:
        """The suggestion in words, before the click (a sentence)."""
        if self.reason is not None:
            return self.reason[:1].upper() + self.reason[1:] + "."
        where = f"{self.beside} at table {self.table}: {self.shared}"
        if self.already:
            return f"Already sits beside {where}. Introduce them."
        if self.swap is not None:
            s = self.swap
            return (
                f"Seat beside {self.beside} at table {self.table} ({self.shared}), swapping "
                f"with {s.name}, who moves to table {s.table} beside {s.beside}: {s.shared}."
            )
        crowded = f" (table {self.table} then seats {self.crowded})" if self.crowded else ""
        return f"Seat beside {where}{crowded}."


def _suggestion(
    crowd: Crowd,
    person: str,
    target: Target | None,
    seats: Mapping[str, int],
    met: set[str],
) -> Suggestion:
    """The suggestion for ``person``: beside the best of their people to meet who has a
    seat in the target round, leaving out whom they ``met`` (a touchpoint) and their
    tablemates in the plan's other rounds."""
    name = crowd.name_of(person)
    if target is None:
        return Suggestion(person, name, reason="no published tables plan")
    grounds = {g.b: g for g in crowd.to_meet(person)}
    if not grounds:
        return Suggestion(person, name, reason="shares nothing with anybody here")
    seen = met | target.tablemates(crowd, person)
    candidates = [other for other in grounds if other not in seen]
    capacity = target.session.table_size
    choice = seat_beside(person, candidates, seats, capacity=capacity, sizes=target.sizes)
    if choice is None:
        return Suggestion(
            person, name, reason="none of their best people to meet is free to sit with them"
        )
    crowded = choice.size_after if choice.size_after > capacity else 0
    swap = _swap(crowd, target, person, choice.beside) if crowded else None
    return Suggestion(
        person,
        name,
        beside=crowd.name_of(choice.beside),
        table=choice.table + 1,
        shared=shared_point(grounds[choice.beside]),
        already=choice.already,
        crowded=crowded if swap is None else 0,
        swap=swap,
    )


def _swap(crowd: Crowd, target: Target, person: str, beside: str) -> Swap | None:
    """Who at ``beside``'s (full) table trades seats with ``person`` in the target
    round, so that both have a hook and no table grows; None when nobody there has a
    hook at ``person``'s table (or ``person`` has no seat)."""
    i, j = crowd.index[int(person)], crowd.index[int(beside)]
    seating = target.seating
    if seating[i] < 0:
        return None
    members = [*target.at_table(seating[i]), *target.at_table(seating[j])]
    ids = [crowd.attendees[p].id for p in members]
    rows, cols = np.triu_indices(len(members), k=1)
    positions = np.array(members, dtype=np.int64)
    weight = pair_values_at(crowd.vocabulary, positions[rows], positions[cols])
    pairs = zip(rows.tolist(), cols.tolist(), weight.tolist(), strict=True)
    shared: dict[tuple[str, str], float] = {(ids[a], ids[b]): w for a, b, w in pairs}

    def value(a: str, b: str) -> float:
        return shared.get((a, b), shared.get((b, a), 0.0))

    seats = {who: seating[p] for who, p in zip(ids, members, strict=True)}
    found = swap_partner(person, beside, seats, value, hook=HOOK_MIN)
    if found is None:
        return None
    ground = crowd.ground(found.other, found.beside)
    return Swap(
        found.other,
        crowd.name_of(found.other),
        table=seating[i] + 1,
        beside=crowd.name_of(found.beside),
        shared=shared_point(ground) if ground is not None else "a shared point",
    )


def seat_better(
    db: Session, network: Network, target: Target, attendee_id: int
) -> tuple[Suggestion, str]:
    """Apply the suggestion for one attendee: seat them beside their best person to
    meet in the target round (trading seats with the suggested tablemate there when
    the table is full). The suggestion, and what was done in words."""
    crowd = network.crowd
    if attendee_id not in crowd.index:
        raise NotFoundError("no such attendee at this event")
    person = str(attendee_id)
    met = _partners(network.ties, [person])[person]
    found = _suggestion(crowd, person, target, target.seats(crowd), met)
    if found.reason is not None:
        raise TouchpointsError(f"{found.name}: {found.reason}")
    if found.already:
        raise TouchpointsError(
            f"{found.name} already sits beside {found.beside} at table {found.table} "
            f"in round {target.round}: nothing to move"
        )
    done = (
        f"{found.name} now sits at table {found.table} in round {target.round} "
        f"beside {found.beside}: {found.shared}"
    )
    if found.swap is not None:
        s = found.swap
        planning.swap_seats(
            db,
            target.plan,
            target.session,
            crowd,
            round_number=target.round,
            a=attendee_id,
            b=int(s.person),
        )
        return found, f"{done}; {s.name} moved to table {s.table} beside {s.beside}: {s.shared}."
    planning.move_seat(
        db,
        target.plan,
        target.session,
        crowd,
        round_number=target.round,
        attendee_id=attendee_id,
        table=found.table,
    )
    return found, f"{done}."


# --- the page -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a small chart: its label, value and height (0 to 1 of the tallest)."""

    label: str
    value: int
    height: float


def _bars(points: Sequence[tuple[str, int]]) -> list[Bar]:
    tallest = max((value for _, value in points), default=0)
    return [Bar(label, value, value / tallest if tallest else 0.0) for label, value in points]


def _bucket_label(bucket: Bucket, with_date: bool) -> str:
    return bucket.start.strftime("%d %b %H:%M" if with_date else "%H:%M")


@dataclass(frozen=True, slots=True)
class Isolated:
    """One isolated person, why, and the suggestion for them."""

    row_id: int
    name: str
    no_touchpoint: bool
    no_hook: bool
    suggestion: Suggestion


@dataclass(frozen=True, eq=False)
class Dashboard:
    """Everything the dashboard page shows."""

    attendees: int
    touchpoints: int
    one_sided: int
    connected: int
    over_time: list[Bucket]
    time_bars: list[Bar]
    per_attendee: list[Bar]
    kinds: TieKinds
    topics: list[tuple[str, int]]
    topics_left_out: int
    no_topic: int
    isolated: list[Isolated]
    isolated_total: int
    no_touchpoint: int
    unmatched: list[str]
    target: Target | None
    why_no_target: str | None
    no_hook: int


def _isolated_ids(
    crowd: Crowd, counts: Mapping[str, int], target: Target | None, matched_nothing: set[int]
) -> tuple[list[str], set[str], set[str]]:
    """Everybody isolated (crowd order), those with no touchpoint (``counts`` of
    touchpoints), and those without a hook at their table in the target round
    (``matched_nothing``, positions of who shares nothing with anybody, left out: no
    seat gives them one)."""
    alone = {person for person, count in counts.items() if not count}
    no_hook: set[str] = set()
    if target is not None:
        no_hook = {
            crowd.attendees[p].id
            for p in _without_hook(crowd, target.seating)
            if p not in matched_nothing
        }
    order = [a.id for a in crowd.attendees if a.id in alone or a.id in no_hook]
    return order, alone, no_hook


def highlighted(crowd: Crowd, target: Target | None) -> frozenset[str]:
    """People without a hook: sharing nothing with anybody, or nobody at their table
    in the target round (ringed in the picture)."""
    ids = {crowd.attendees[p].id for p in crowd.unmatched()}
    if target is not None:
        ids |= {crowd.attendees[p].id for p in _without_hook(crowd, target.seating)}
    return frozenset(ids)


def dashboard(
    db: Session, event_id: int, crowd: Crowd, round_number: int | None = None
) -> Dashboard:
    """The measures of the event's network, and the isolated people with suggestions."""
    network = event_network(db, event_id, crowd)
    ties = network.ties
    counts = touchpoints_per_attendee(network.ids, ties)
    found = seat_target(db, event_id, crowd, round_number)
    target = found if isinstance(found, Target) else None
    seats = target.seats(crowd) if target else {}
    unmatched = crowd.unmatched()
    order, alone, no_hook = _isolated_ids(crowd, counts, target, set(unmatched))
    partners = _partners(ties, order[:LIST_LIMIT])
    shown = [
        Isolated(
            int(person),
            crowd.name_of(person),
            person in alone,
            person in no_hook,
            _suggestion(crowd, person, target, seats, partners[person]),
        )
        for person in order[:LIST_LIMIT]
    ]
    known = cliques(network.ids, crowd.known.pairs.keys())
    organizations = {a.id: a.organization for a in crowd.attendees}
    buckets = over_time(ties, buckets=BUCKETS)
    with_date = bool(buckets) and buckets[0].start.date() != buckets[-1].end.date()
    sparked = topics_sparked(ties)
    return Dashboard(
        attendees=len(crowd.attendees),
        touchpoints=len(ties),
        one_sided=network.one_sided,
        connected=sum(1 for count in counts.values() if count),
        over_time=buckets,
        time_bars=_bars([(_bucket_label(b, with_date), b.new) for b in buckets]),
        per_attendee=_bars([(str(k), n) for k, n in distribution(counts)]),
        kinds=tie_kinds(ties, organizations, known),
        topics=sparked[:TOPIC_LIMIT],
        topics_left_out=len(sparked) - min(len(sparked), TOPIC_LIMIT),
        no_topic=sum(1 for tie in ties if tie.topic is None),
        isolated=shown,
        isolated_total=len(order),
        no_touchpoint=len(alone),
        unmatched=[crowd.attendees[p].name for p in unmatched],
        target=target,
        why_no_target=found if isinstance(found, str) else None,
        no_hook=len(no_hook),
    )


# --- the picture ----------------------------------------------------------------------


@dataclass(eq=False)
class LayoutCache:
    """Network layouts by (event, attendee version, number of touchpoints), the latest
    :data:`MAX_LAYOUTS` only."""

    size: int = MAX_LAYOUTS
    _entries: OrderedDict[tuple[int, int, int], dict[str, tuple[float, float]]] = field(
        default_factory=OrderedDict
    )
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def positions(
        self, event_id: int, version: int, network: Network
    ) -> dict[str, tuple[float, float]]:
        """Where each attendee is drawn (laid out here unless kept)."""
        key = (event_id, version, len(network.ties))
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        where = layout(network.ids, network.ties, seed=event_id)
        with self._lock:
            self._entries[key] = where
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return where


def layouts_of(app: Starlette) -> LayoutCache:
    """The app's cache of network layouts (created on first use)."""
    cache = getattr(app.state, "network_layouts", None)
    if not isinstance(cache, LayoutCache):
        cache = app.state.network_layouts = LayoutCache()
    return cache
