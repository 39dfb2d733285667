"""Touchpoint graph measures: who met whom at an event, and what that network looks like.

A *touchpoint* (a :class:`Tie`) is a meeting two attendees both confirmed. The
organizer's dashboard asks: how many people did each attendee meet, who met nobody,
did meetings grow over the day, did people meet beyond their own organization and the
group they arrived knowing (*bridging* ties), which topics sparked meetings, and what
the network looks like (:func:`layout`, drawn by ``touchpoints.web.network_picture``).

Everything here is pure: attendee ids in, plain numbers out (see gh-6).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import rustworkx as rx

__all__ = [
    "Bucket",
    "SeatChoice",
    "SwapChoice",
    "Tie",
    "TieKinds",
    "cliques",
    "distribution",
    "isolated",
    "layout",
    "over_time",
    "seat_beside",
    "swap_partner",
    "tie_kinds",
    "topics_sparked",
    "touchpoints_per_attendee",
]

#: spring_layout is O(nodes^2) per iteration (about 60 ms per iteration for 3,000 nodes
#: on a 2-core box), so big networks get fewer iterations: node pairs x iterations is
#: capped at this much work, within [_MIN_ITERATIONS, _MAX_ITERATIONS]. Linear cooling,
#: not rustworkx's adaptive default: in few iterations it separates groups better (edge
#: length over random-pair distance 0.49 against 0.60 for 3,000 people in groups of 30).
_LAYOUT_WORK = 250_000_000
_MIN_ITERATIONS = 15
_MAX_ITERATIONS = 100
#: Share of the picture's height, at least and at most, for the band of isolated people.
_BAND_MIN, _BAND_MAX = 0.12, 0.5
#: Empty space between the network and the band of isolated people.
_BAND_GAP = 0.04


@dataclass(frozen=True, slots=True)
class Tie:
    """A touchpoint: attendees ``a`` and ``b`` both confirmed they met.

    The pair is stored sorted (``a < b``), whichever order it was given in, so equal
    meetings compare equal.

    >>> Tie("7", "3", datetime.datetime(2025, 5, 1, 10, 0), None)
    Tie(a='3', b='7', at=datetime.datetime(2025, 5, 1, 10, 0), topic=None)
    """

    a: str
    b: str
    #: When the second of the two confirmed (the tie became mutual).
    at: datetime.datetime
    #: The label of the topic that sparked the meeting, if any.
    topic: str | None = None

    def __post_init__(self) -> None:
        if self.a == self.b:
            raise ValueError(f"a tie needs two different attendees, got a=b={self.a!r}")
        if self.b < self.a:
            a, b = self.b, self.a
            object.__setattr__(self, "a", a)
            object.__setattr__(self, "b", b)


@dataclass(frozen=True, slots=True)
class Bucket:
    """Ties that became mutual in ``[start, end)`` (the last bucket includes ``end``)."""

    start: datetime.datetime
    end: datetime.datetime
    #: Ties in this bucket.
    new: int
    #: Ties up to the end of this bucket (cumulative).
    total: int


@dataclass(frozen=True, slots=True)
class TieKinds:
    """Ties split by what the two people already shared; each tie counts once."""

    #: Both work for the same organization.
    same_organization: int
    #: Different (or unknown) organizations, but already in the same acquaintance group.
    same_clique: int
    #: Neither: the meeting bridged two groups.
    bridging: int

    @property
    def total(self) -> int:
        """All ties."""
        return self.same_organization + self.same_clique + self.bridging

    @property
    def bridging_share(self) -> float:
        """Bridging ties over all ties; 0.0 when there are none."""
        return self.bridging / self.total if self.total else 0.0


def touchpoints_per_attendee(ids: Sequence[str], ties: Iterable[Tie]) -> dict[str, int]:
    """The number of touchpoints of each attendee (every id, 0 for none), in ``ids`` order.

    Each tie counts once for each of its two people; pass one tie per pair.

    Raises
    ------
    ValueError
        If a tie names an attendee who is not in ``ids``.

    Examples
    --------
    >>> at = datetime.datetime(2025, 5, 1, 10)
    >>> touchpoints_per_attendee(["a", "b", "c"], [Tie("a", "b", at), Tie("c", "a", at)])
    {'a': 2, 'b': 1, 'c': 1}
    """
    counts = dict.fromkeys(ids, 0)
    for tie in ties:
        for person in (tie.a, tie.b):
            if person not in counts:
                raise ValueError(f"tie {tie.a!r}-{tie.b!r} names {person!r}, not in ids")
            counts[person] += 1
    return counts


def distribution(counts: Mapping[str, int]) -> list[tuple[int, int]]:
    """``(touchpoints, attendees with that many)`` for every number from 0 to the most,
    gaps included (as 0 attendees), so it plots as a histogram as is.

    Empty ``counts`` give ``[]``. Raises ValueError on a negative count.

    >>> distribution({"a": 2, "b": 0, "c": 2})
    [(0, 1), (1, 0), (2, 2)]
    """
    if not counts:
        return []
    if min(counts.values()) < 0:
        raise ValueError("counts must not be negative")
    histogram = Counter(counts.values())
    return [(k, histogram[k]) for k in range(max(histogram) + 1)]


def over_time(ties: Iterable[Tie], *, buckets: int = 24) -> list[Bucket]:
    """Ties per time bucket, and the running total: is the event still making contacts?

    The ``buckets`` have equal width from the first tie to the last (to the
    microsecond). No ties give ``[]``; ties all at one moment give one bucket.

    Raises
    ------
    ValueError
        If ``buckets`` is less than 1.

    Examples
    --------
    >>> t = datetime.datetime(2025, 5, 1, 9)
    >>> h = datetime.timedelta(hours=1)
    >>> ties = [Tie("a", "b", t), Tie("a", "c", t + h), Tie("b", "c", t + 4 * h)]
    >>> [(b.start.hour, b.end.hour, b.new, b.total) for b in over_time(ties, buckets=2)]
    [(9, 11, 2, 2), (11, 13, 1, 3)]
    """
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, got {buckets}")
    times = sorted(tie.at for tie in ties)
    if not times:
        return []
    first, last = times[0], times[-1]
    tick = datetime.timedelta(microseconds=1)
    span = (last - first) // tick
    if span == 0:
        return [Bucket(first, last, len(times), len(times))]
    # Integer microseconds, so every tie lands in the bucket whose bounds it lies
    # between: bucket i is [ceil(i*span/n), ceil((i+1)*span/n)) from the first tie.
    bounds = [-(-i * span // buckets) for i in range(buckets + 1)]
    new = [0] * buckets
    for at in times:
        new[min((at - first) // tick * buckets // span, buckets - 1)] += 1
    result: list[Bucket] = []
    total = 0
    for i, count in enumerate(new):
        total += count
        start, end = first + bounds[i] * tick, first + bounds[i + 1] * tick
        result.append(Bucket(start, end, count, total))
    return result


def isolated(ids: Sequence[str], ties: Iterable[Tie]) -> list[str]:
    """The attendees with no touchpoint yet, in ``ids`` order (the organizer's
    "introduce these people" list). Raises ValueError like :func:`touchpoints_per_attendee`.

    >>> isolated(["a", "b", "c"], [Tie("c", "a", datetime.datetime(2025, 5, 1))])
    ['b']
    """
    return [person for person, count in touchpoints_per_attendee(ids, ties).items() if not count]


def cliques(ids: Sequence[str], pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """The acquaintance group of each attendee: connected components of "who already
    knows whom" (``pairs``, e.g. :func:`touchpoints.core.acquaintance.acquaintances`).

    Groups are numbered 0, 1, ... in order of their first member in ``ids``; someone
    who knows nobody is a group of one.

    Raises
    ------
    ValueError
        If a pair names an attendee who is not in ``ids``.

    Examples
    --------
    >>> cliques(["a", "b", "c", "d", "e"], [("d", "b"), ("b", "e")])
    {'a': 0, 'b': 1, 'c': 2, 'd': 1, 'e': 1}
    """
    # Union-find with path halving: a few lines, and faster than building a graph.
    parent = {person: person for person in ids}

    def root(person: str) -> str:
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    for a, b in pairs:
        for person in (a, b):
            if person not in parent:
                raise ValueError(f"pair {a!r}-{b!r} names {person!r}, not in ids")
        parent[root(a)] = root(b)
    numbers: dict[str, int] = {}
    return {person: numbers.setdefault(root(person), len(numbers)) for person in parent}


def _organization_key(name: str | None) -> str:
    return (name or "").strip().casefold()


def tie_kinds(
    ties: Iterable[Tie],
    organization: Mapping[str, str | None],
    clique: Mapping[str, int],
) -> TieKinds:
    """Count ties within an organization, within an acquaintance group (``clique``, from
    :func:`cliques`), and bridging both: did the event mix people?

    Organizations match ignoring case and surrounding spaces; a missing, None or blank
    organization matches nobody, and so does an id absent from ``clique``.

    Examples
    --------
    >>> at = datetime.datetime(2025, 5, 1)
    >>> ties = [Tie("a", "b", at), Tie("a", "c", at), Tie("c", "d", at)]
    >>> kinds = tie_kinds(ties, {"a": "Acme", "b": " ACME ", "c": None}, {"a": 0, "c": 0})
    >>> kinds.same_organization, kinds.same_clique, kinds.bridging, kinds.bridging_share
    (1, 1, 1, 0.3333333333333333)
    """
    same_organization = same_clique = bridging = 0
    for tie in ties:
        org_a, org_b = (
            _organization_key(organization.get(tie.a)),
            _organization_key(organization.get(tie.b)),
        )
        group_a, group_b = clique.get(tie.a), clique.get(tie.b)
        if org_a and org_a == org_b:
            same_organization += 1
        elif group_a is not None and group_a == group_b:
            same_clique += 1
        else:
            bridging += 1
    return TieKinds(same_organization, same_clique, bridging)


def topics_sparked(ties: Iterable[Tie]) -> list[tuple[str, int]]:
    """``(topic label, ties it sparked)``, most first, then by label; ties without a
    topic are left out.

    >>> at = datetime.datetime(2025, 5, 1)
    >>> ties = [Tie("a", "b", at, "rust"), Tie("a", "c", at, "go"),
    ...         Tie("b", "c", at, "rust"), Tie("c", "d", at, "ai"), Tie("a", "d", at)]
    >>> topics_sparked(ties)
    [('rust', 2), ('ai', 1), ('go', 1)]
    """
    counts = Counter(tie.topic for tie in ties if tie.topic is not None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True, slots=True)
class SeatChoice:
    """Where to seat someone for one round: at ``table``, beside ``beside``."""

    #: The person to sit beside (one of the candidates).
    beside: str
    #: Their table in that round (as numbered in the seating).
    table: int
    #: True when the person already sits at that table: nothing to move.
    already: bool
    #: People at that table once the person sits there (themselves included).
    size_after: int


def seat_beside(
    person: str,
    candidates: Sequence[str],
    seating: Mapping[str, int],
    *,
    capacity: int,
    sizes: Mapping[int, int] | None = None,
) -> SeatChoice | None:
    """The table to move ``person`` to in one round so that they sit beside one of
    their best people to meet (the organizer's "seat them better" suggestion).

    ``candidates`` are the people ``person`` shares most with, best first;
    ``seating`` maps each person to their table in the round (absent or negative: no
    seat). The choice is the first candidate with a seat who sits at ``person``'s own
    table already, or at a table with room (fewer than ``capacity`` people); when no
    candidate's table has room, the best candidate with a seat (their table then
    seats one more than ``capacity``). None when no candidate has a seat.

    ``sizes`` (people per table in ``seating``) saves counting them again where the
    caller asks for many people in the same round.

    Examples
    --------
    >>> seating = {"ann": 0, "bo": 1, "cy": 1, "di": 2}
    >>> seat_beside("ann", ["bo", "di"], seating, capacity=2)
    SeatChoice(beside='di', table=2, already=False, size_after=2)
    >>> seat_beside("ann", ["bo"], seating, capacity=2).size_after
    3
    >>> seat_beside("ann", ["zed"], seating, capacity=2) is None
    True
    """
    own = seating.get(person, -1)
    if sizes is None:
        sizes = Counter(table for table in seating.values() if table >= 0)
    fallback: SeatChoice | None = None
    for other in candidates:
        table = seating.get(other, -1)
        if other == person or table < 0:
            continue
        if table == own:
            return SeatChoice(other, table, True, sizes.get(table, 0))
        choice = SeatChoice(other, table, False, sizes.get(table, 0) + 1)
        if sizes.get(table, 0) < capacity:
            return choice
        if fallback is None:
            fallback = choice
    return fallback


@dataclass(frozen=True, slots=True)
class SwapChoice:
    """Who trades seats with someone moving to a full table: ``other`` leaves that
    table for the mover's own, where they sit beside ``beside``."""

    #: Who moves out of the full table (to the mover's table).
    other: str
    #: Their best tablemate at the mover's table (the hook they get there).
    beside: str
    #: What ``other`` and ``beside`` share (at least the hook threshold).
    value: float
    #: Others at the two tables who have a hook now and none after the swap.
    hooks_lost: int
    #: How much weaker ``other``'s best hook gets (negative: stronger).
    loss: float


def swap_partner(
    person: str,
    beside: str,
    seating: Mapping[str, int],
    value: Callable[[str, str], float],
    *,
    hook: float,
) -> SwapChoice | None:
    """Who at ``beside``'s table (full) should trade seats with ``person``, so that
    ``person`` sits beside ``beside`` and no table grows (the dashboard's "seat them
    better" when the table is full).

    ``seating`` maps people to their table in the round (absent or negative: no seat;
    only the two tables are needed); ``value(a, b)`` is what two people share, and a
    pair sharing at least ``hook`` is a hook. A tablemate of ``beside`` may swap when
    they have a hook at ``person``'s table (keep one, or gain one). Of those, the
    choice makes the fewest others at the two tables lose their hook, then gives the
    strongest hook there, then the smallest loss against the hook they have now, then
    comes first in ``seating``. None when nobody may swap, ``person`` or ``beside``
    has no seat, or they already share a table.

    Examples
    --------
    Ann joins Bo's full table; Di would share more with Ed than Cy would, but Fay
    would lose her only hook when Di leaves:

    >>> seating = {"ann": 0, "ed": 0, "bo": 1, "cy": 1, "di": 1, "fay": 1}
    >>> shared = {("ann", "bo"): 1.0, ("cy", "ed"): 0.5, ("di", "ed"): 0.8, ("di", "fay"): 0.6}
    >>> def value(a, b):
    ...     return shared.get((a, b), shared.get((b, a), 0.0))
    >>> swap_partner("ann", "bo", seating, value, hook=0.1)
    SwapChoice(other='cy', beside='ed', value=0.5, hooks_lost=0, loss=-0.5)
    >>> swap_partner("ann", "bo", {**seating, "ed": 2}, value, hook=0.1) is None
    True
    """
    own, table = seating.get(person, -1), seating.get(beside, -1)
    if own < 0 or table < 0 or own == table:
        return None
    here = [p for p, t in seating.items() if t == own]
    there = [p for p, t in seating.items() if t == table]

    def best(who: str, members: Sequence[str]) -> tuple[float, str | None]:
        found: tuple[float, str | None] = (0.0, None)
        for other in members:
            if other != who and (shared := value(who, other)) > found[0]:
                found = (shared, other)
        return found

    now = {p: best(p, here)[0] for p in here} | {p: best(p, there)[0] for p in there}
    stays = [p for p in here if p != person]
    found: tuple[tuple[int, float, float, int], SwapChoice] | None = None
    for order, other in enumerate(there):
        if other == beside:
            continue
        after, partner = best(other, stays)
        if partner is None or after < hook:
            continue
        before = now[other]
        here_after = [*stays, other]
        there_after = [*(p for p in there if p != other), person]
        lost = sum(
            1
            for members in (here_after, there_after)
            for p in members
            if p not in (person, other) and now[p] >= hook and best(p, members)[0] < hook
        )
        choice = SwapChoice(other, partner, after, lost, before - after)
        key = (lost, -after, before - after, order)
        if found is None or key < found[0]:
            found = (key, choice)
    return found[1] if found is not None else None


def layout(
    ids: Sequence[str], ties: Sequence[Tie], *, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """A position in the unit square ``[0, 1] x [0, 1]`` for every attendee, to draw
    the touchpoint network (y grows downwards, as in SVG).

    People with touchpoints are placed by a force-directed layout
    (``rustworkx.spring_layout``) stretched to fill the picture above a band; people
    with none sit in a grid in that band along the bottom (the taller the more of
    them), so they read as a group to introduce rather than as noise. With no ties at
    all the grid fills the square. The same inputs and ``seed`` give the same picture.

    Networks over about 1,600 connected people get fewer than 100 iterations (27 for
    3,000; at least 15), since each costs O(n^2): see ``bench/network.py``.

    Raises
    ------
    ValueError
        If ``ids`` repeats an id or a tie names an attendee not in ``ids``.

    References
    ----------
    T. M. J. Fruchterman and E. M. Reingold, "Graph drawing by force-directed
    placement", Software: Practice and Experience 21(11), 1991.

    Examples
    --------
    >>> at = datetime.datetime(2025, 5, 1)
    >>> where = layout(["a", "b", "c"], [Tie("a", "b", at)], seed=1)
    >>> sorted(where), where["c"]
    (['a', 'b', 'c'], (0.5, 0.833333))
    >>> where == layout(["a", "b", "c"], [Tie("a", "b", at)], seed=1)
    True
    """
    if len(set(ids)) != len(ids):
        raise ValueError("ids must not repeat")
    degree = touchpoints_per_attendee(ids, ties)
    linked = [person for person in ids if degree[person]]
    alone = [person for person in ids if not degree[person]]
    if not linked:
        band = 1.0
    elif not alone:
        band = 0.0
    else:
        band = min(_BAND_MAX, max(_BAND_MIN, len(alone) / len(ids)))
    where: dict[str, tuple[float, float]] = {}
    if linked:
        where.update(
            _spring(linked, ties, seed=seed, bottom=1.0 - band - (_BAND_GAP if alone else 0))
        )
    if alone:
        where.update(_grid(alone, top=1.0 - band))
    return {person: where[person] for person in ids}


def _spring(
    people: Sequence[str], ties: Sequence[Tie], *, seed: int, bottom: float
) -> dict[str, tuple[float, float]]:
    """Force-directed positions for ``people``, stretched to fill ``[0, 1] x [0, bottom]``."""
    index = {person: i for i, person in enumerate(people)}
    graph = rx.PyGraph()
    graph.add_nodes_from(range(len(people)))
    graph.add_edges_from_no_data([(index[tie.a], index[tie.b]) for tie in ties])
    n = len(people)
    iterations = max(_MIN_ITERATIONS, min(_MAX_ITERATIONS, _LAYOUT_WORK // (n * n)))
    found = rx.spring_layout(graph, num_iter=iterations, adaptive_cooling=False, seed=seed % 2**64)
    xs = _stretch([float(found[i][0]) for i in range(n)], 0.0, 1.0)
    ys = _stretch([float(found[i][1]) for i in range(n)], 0.0, bottom)
    return {person: (x, y) for person, x, y in zip(people, xs, ys, strict=True)}


def _stretch(values: Sequence[float], low: float, high: float) -> list[float]:
    """``values`` mapped linearly from their range onto ``[low, high]``, to 6 decimals
    (all to the middle when they are equal)."""
    least, most = min(values), max(values)
    if most == least:  # pragma: no cover -- a guard: spring_layout spreads 2+ people
        return [(low + high) / 2] * len(values)
    return [round(low + (value - least) / (most - least) * (high - low), 6) for value in values]


def _grid(people: Sequence[str], *, top: float) -> dict[str, tuple[float, float]]:
    """``people`` in rows filling ``[0, 1] x [top, 1]`` in reading order, cells about square."""
    height = 1.0 - top
    columns = min(len(people), math.ceil(math.sqrt(len(people) / height)))
    rows = math.ceil(len(people) / columns)
    return {
        person: (
            round((i % columns + 0.5) / columns, 6),
            round(top + (i // columns + 0.5) / rows * height, 6),
        )
        for i, person in enumerate(people)
    }
