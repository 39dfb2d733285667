"""Rounds of tables: seat everybody, round after round, around real common ground.

Each round is a grouping problem (:mod:`touchpoints.core.plans.grouping`) over pair
values: common ground, minus a penalty for pairs that met in an earlier round or
session, minus a smaller one for acquaintances; pairs the rules keep apart get a
prohibitive value, groups kept together a compelling one, pinned people are fixed and
table tags restrict who may sit where (:mod:`touchpoints.core.plans.rules`).

The plan is built in three phases, in the issue's order of importance:

1. seat the rounds one after the other, each avoiding the pairs of the rounds before;
2. swap people within rounds until no pair meets twice
   (:func:`~touchpoints.core.plans.repeats.remove_repeats`), then re-seat one round at a
   time against the others while the time lasts, keeping a plan only when it is better;
3. the loner guarantee: whoever has nobody to talk to at their table is swapped next
   to someone they share something with, without costing anybody else their hook.

Values may be a dense matrix (exact, up to a few thousand people) or a sparse one
(each person's best partners; tens of thousands of people): nothing here builds an
``n x n`` array from a sparse input.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from touchpoints.core.candidates import MIN_SCORE
from touchpoints.core.plans.grouping import best_grouping
from touchpoints.core.plans.repeats import remove_repeats
from touchpoints.core.plans.rules import Rules, broken_rules, check_rules
from touchpoints.core.plans.seating import tables_of
from touchpoints.core.plans.values import (
    Values,
    ceiling,
    dense,
    lookup,
    row_max,
    submatrix,
    symmetric,
)
from touchpoints.errors import InfeasiblePlanError

__all__ = [
    "ACQUAINTANCE_PENALTY",
    "HOOK_MIN",
    "REPEAT_PENALTY",
    "PlanMetrics",
    "TablePlan",
    "iter_table_plans",
    "plan_metrics",
    "table_capacities",
    "table_plan",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Pair = tuple[int, int]
Progress = Callable[[str, float], None]

#: A hook is a tablemate with at least this much common ground (less is no reason to meet).
HOOK_MIN = MIN_SCORE
#: Value taken off a pair that already met, per seat at the largest table: more than a
#: person can gain by staying (common ground is at most 1 a pair), so no repeat pays.
REPEAT_PENALTY = 1.0
#: Value taken off acquaintances sitting together, per seat at the largest table.
ACQUAINTANCE_PENALTY = 0.5
#: Value of a pair the rules keep apart, and of a pair they keep together.
_KEEP_APART, _KEEP_TOGETHER = -1e6, 1e6
#: Above this many people each round is seated by the sparse solver, whose steps cost
#: table size x partners rather than n^2 (the values stay exact when given dense).
DENSE_SOLVER_LIMIT = 400
#: Above this many people, repeats are removed by local swaps instead of the dense search.
DENSE_REPEATS_LIMIT = 2_000


def table_capacities(
    people: int,
    *,
    size: int | None = None,
    tables: int | None = None,
    capacities: Sequence[int] | None = None,
) -> tuple[int, ...]:
    """Seats per table: explicit ``capacities``, or tables of about ``size`` with the
    remainder spread (23 people at size 8 -> 8, 8, 7), or ``tables`` tables.

    >>> table_capacities(23, size=8)
    (8, 8, 7)
    >>> table_capacities(20, tables=3)
    (7, 7, 6)
    """
    if capacities is not None:
        if size is not None or tables is not None:
            raise ValueError("give capacities, or size and/or tables, not both")
        if any(c < 1 for c in capacities) or sum(capacities) < people:
            raise InfeasiblePlanError(
                f"{people} people do not fit tables of {list(capacities)} ({sum(capacities)} seats)"
            )
        return tuple(capacities)
    if tables is None:
        if size is None or size < 2:
            raise ValueError(f"table size must be at least 2, got {size}")
        tables = max(1, math.ceil(people / size))
    if tables < 1:
        raise ValueError(f"there must be at least one table, got {tables}")
    if size is not None and tables * size < people:
        raise InfeasiblePlanError(f"{people} people do not fit {tables} tables of {size}")
    base, extra = divmod(people, tables)
    return tuple([base + 1] * extra + [base] * (tables - extra))


@dataclass(frozen=True, slots=True)
class PlanMetrics:
    """How good a plan is, over all its rounds."""

    hook_coverage: float  # share of seats with a hook (a tablemate >= HOOK_MIN), of those possible
    mean_hook: float  # mean over seats of the best tablemate's value (0 without one)
    min_hook: float  # the weakest hook among seats that could have one (0: somebody has none)
    repeated_pairs: int  # extra meetings: pairs sitting together again (earlier round or history)
    acquaintances_together: int
    rule_violations: int  # always 0 in a returned plan
    total_value: float  # sum of within-table common ground over all rounds


@dataclass(frozen=True, eq=False)
class TablePlan:
    """``rounds[r][i]`` is person i's table in round r (0-based).

    ``unmatched`` lists the people who share nothing real (:data:`HOOK_MIN`) with
    anybody in the crowd: no seating can give them a hook; they are seated all the same.
    """

    capacities: tuple[int, ...]
    rounds: tuple[tuple[int, ...], ...]
    metrics: PlanMetrics
    unmatched: tuple[int, ...] = ()
    seconds: float = 0.0

    def is_perfect(self, ceiling: float) -> bool:
        """Nothing left to gain: no repeats, no acquaintances together, a hook for
        everyone who can have one, and the value at ``ceiling``."""
        m = self.metrics
        return (
            m.repeated_pairs == 0
            and m.acquaintances_together == 0
            and m.hook_coverage == 1.0
            and m.total_value >= ceiling
        )

    def score(self) -> tuple[float, ...]:
        """Lexicographic goodness, best highest: rules, hooks, repeats, acquaintances, value."""
        m = self.metrics
        return (
            -m.rule_violations,
            m.hook_coverage,
            -m.repeated_pairs,
            -m.acquaintances_together,
            m.total_value,
        )


def table_plan(
    values: Values,
    capacities: Sequence[int],
    rounds: int = 1,
    *,
    rules: Rules | None = None,
    acquainted: Collection[Pair] = (),
    met_before: Collection[Pair] = (),
    time_limit: float = 10.0,
    seed: int | random.Random | None = None,
    names: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> TablePlan:
    """The best plan :func:`iter_table_plans` finds within ``time_limit`` seconds."""
    plans = iter_table_plans(
        values,
        capacities,
        rounds,
        rules=rules,
        acquainted=acquainted,
        met_before=met_before,
        time_limit=time_limit,
        seed=seed,
        names=names,
        progress=progress,
    )
    return deque(plans, maxlen=1).pop()


def iter_table_plans(
    values: Values,
    capacities: Sequence[int],
    rounds: int = 1,
    *,
    rules: Rules | None = None,
    acquainted: Collection[Pair] = (),
    met_before: Collection[Pair] = (),
    time_limit: float = 10.0,
    seed: int | random.Random | None = None,
    names: Sequence[str] | None = None,
    progress: Progress | None = None,
    stop: Callable[[], bool] | None = None,
) -> Iterator[TablePlan]:
    """Seat ``n`` people at tables for ``rounds`` rounds; yield ever better plans.

    Parameters
    ----------
    values : (n, n) array or scipy sparse matrix
        Symmetric common-ground values of pairs (0 or absent where none).
    capacities : sequence of int
        Seats per table (:func:`table_capacities`); the seats may exceed the people.
    rounds : int
        Rotations; nobody meets the same person twice while that is feasible.
    rules : Rules, optional
        Hard rules: keep-apart pairs, keep-together groups, pinned seats, table tags.
    acquainted, met_before : collections of (i, j)
        Pairs who already know each other (seated apart where possible), and pairs
        who met in earlier sessions (not seated together again where possible).
    time_limit : float
        Seconds for the whole plan; the first plan is always completed.
    seed : int, random.Random or None
        Same seed, same first plan; later ones depend on how far the time goes.
    names : sequence of str, optional
        Names for error messages about rules.
    progress : callable(stage, seconds elapsed), optional
        Called as the search moves on.
    stop : callable, optional
        Asked between steps and during the repeat removal: True ends the search (the
        first plan is always completed; a round being re-seated finishes first).

    Yields
    ------
    TablePlan
        Each better than the one before by :meth:`TablePlan.score`.

    Raises
    ------
    InfeasiblePlanError
        When the rules cannot hold (naming the rule), or the people do not fit.
    """
    started = time.perf_counter()
    deadline = started + time_limit
    n = values.shape[0]
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    caps = tuple(capacities)
    if sum(caps) < n:
        raise InfeasiblePlanError(f"{n} people do not fit {sum(caps)} seats")
    rules = rules or Rules()
    check_rules(rules, caps, n, names)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    values = symmetric(values)
    setup = _Setup(values, caps, rules, acquainted, met_before, n)

    def report(stage: str) -> None:
        if progress is not None:
            progress(stage, time.perf_counter() - started)

    seatings: list[IntArray] = []
    share = time_limit / (4 * rounds) if rounds > 1 else time_limit
    for r in range(rounds):  # phase 1: each round avoids the rounds before it
        report(f"seating round {r + 1} of {rounds}")
        seatings.append(setup.seat_round(seatings, share, rng))
    best = setup.finish(seatings, started, names)
    yield best
    untangled = False
    perfect = rounds * ceiling(values, max(caps)) - 1e-9
    while not best.is_perfect(perfect):  # phase 2
        if stop is not None and stop():
            break
        left = deadline - time.perf_counter()
        if _repeat_count(seatings, setup.history_keys, setup.exempt_keys, n) and (
            left > 0 or not untangled
        ):  # removing repeats outranks the time limit once: it is quick
            report("swapping people so that nobody meets twice")
            seatings = setup.untangle(seatings, max(left, min(1.0, time_limit / 10)), rng, stop)
            candidate, untangled = seatings, True
        elif rounds > 1 and left > 0:
            r = rng.randrange(rounds)
            report(f"re-seating round {r + 1}")
            others = seatings[:r] + seatings[r + 1 :]
            candidate = [*others[:r], setup.seat_round(others, min(share, left), rng), *others[r:]]
        else:
            break
        plan = setup.finish(candidate, started, names)
        if plan.score() > best.score():
            seatings, best = candidate, plan
            yield best


def plan_metrics(
    values: Values,
    capacities: Sequence[int],
    seatings: Sequence[Sequence[int]],
    *,
    rules: Rules | None = None,
    acquainted: Collection[Pair] = (),
    met_before: Collection[Pair] = (),
) -> PlanMetrics:
    """The metrics of any seating, planned here or elsewhere (a hand-made one, a
    baseline), measured exactly as :func:`table_plan` measures its own."""
    values = symmetric(values)
    setup = _Setup(
        values, tuple(capacities), rules or Rules(), acquainted, met_before, values.shape[0]
    )
    return _metrics(setup, [np.asarray(s, dtype=np.int64) for s in seatings])


class _Setup:
    """What stays the same across rounds: values, penalties and rules."""

    def __init__(
        self,
        values: Values,
        capacities: tuple[int, ...],
        rules: Rules,
        acquainted: Collection[Pair],
        met_before: Collection[Pair],
        n: int,
    ) -> None:
        self.values, self.capacities, self.rules, self.n = values, capacities, rules, n
        self.low = _lower_bounds(capacities, n)
        self.exempt_keys = _keys(rules.exempt_pairs(), n)
        self.history_keys = np.setdiff1d(_keys(met_before, n), self.exempt_keys)
        self.known_keys = np.setdiff1d(_keys(acquainted, n), self.exempt_keys)
        self.apart_keys = _keys(rules.keep_apart, n)
        together = {(a, b) for g in rules.keep_together for a in g for b in g if a < b}
        self.together_keys = _keys(together, n)
        self.pins = rules.pins()
        self.needs, self.has = rules.tag_bits(n, len(capacities))
        self.movable = np.ones(n, dtype=bool)
        self.movable[list(rules.fixed_people())] = False
        self.could = row_max(values) >= HOOK_MIN

    def weights(self, met_keys: IntArray) -> Values:
        """Pair values with the penalties and rules of one round's grouping."""
        keys = [met_keys, self.known_keys, self.apart_keys, self.together_keys]
        seats = max(self.capacities)
        amounts = [
            -REPEAT_PENALTY * seats,
            -ACQUAINTANCE_PENALTY * seats,
            _KEEP_APART,
            _KEEP_TOGETHER,
        ]
        rows, cols, data = [], [], []
        for k, amount in zip(keys, amounts, strict=True):
            a, b = np.divmod(k, self.n)
            rows += [a, b]
            cols += [b, a]
            data += [np.full(len(k), amount)] * 2
        penalty = sparse.csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))),
            shape=(self.n, self.n),
        )
        if sparse.issparse(self.values) or self.n > DENSE_SOLVER_LIMIT:
            return sparse.csr_matrix(sparse.csr_matrix(self.values) + penalty)
        return np.asarray(self.values + penalty.toarray(), dtype=np.float64)

    def seat_round(self, others: list[IntArray], seconds: float, rng: random.Random) -> IntArray:
        """One round's seating, avoiding the pairs of ``others`` and the history."""
        met = np.union1d(self.history_keys, _seated_keys(others, self.n))
        met = np.setdiff1d(met, self.exempt_keys)
        try:
            grouping = best_grouping(
                self.weights(met),
                self.low,
                self.capacities,
                time_limit=seconds,
                seed=rng,
                fixed=self.pins,
                needs=self.needs,
                has=self.has,
            )
        except ValueError as error:
            raise InfeasiblePlanError(str(error)) from None
        return grouping.assignment.astype(np.int64)

    def untangle(
        self,
        seatings: list[IntArray],
        seconds: float,
        rng: random.Random,
        stop: Callable[[], bool] | None = None,
    ) -> list[IntArray]:
        """Swap people within rounds until no pair meets twice (or ``seconds`` are up)."""
        if self.n > DENSE_REPEATS_LIMIT:
            return _untangle_locally(seatings, self, rng)
        met, apart, exempt = (
            np.stack(np.divmod(keys, self.n), axis=1)
            for keys in (self.history_keys, self.apart_keys, self.exempt_keys)
        )
        return remove_repeats(
            seatings,
            met_before=met,
            apart=apart,
            exempt=exempt,
            movable=self.movable,
            needs=self.needs,
            has=self.has,
            values=dense(self.values),
            time_limit=seconds,
            seed=rng.randrange(2**31),
            stop=stop,
        )

    def finish(
        self, seatings: list[IntArray], started: float, names: Sequence[str] | None
    ) -> TablePlan:
        """A plan from the search's seatings: hooks given, rules checked, metrics taken."""
        final = [seating.copy() for seating in seatings]
        for r, seating in enumerate(final):
            others = final[:r] + final[r + 1 :]
            _give_everyone_a_hook(seating, self, _seated_keys(others, self.n))
        for seating in final:
            broken = broken_rules(self.rules, seating, names)
            if broken:
                raise InfeasiblePlanError(f"no seating found that keeps the rules: {broken[0]}")
        unmatched = tuple(int(p) for p in np.flatnonzero(~self.could))
        return TablePlan(
            self.capacities,
            tuple(tuple(int(t) for t in s) for s in final),
            _metrics(self, final),
            unmatched,
            time.perf_counter() - started,
        )


def _keys(pairs: Iterable[Pair], n: int) -> IntArray:
    """Pairs as sorted unique integers ``min * n + max`` (self-pairs dropped)."""
    flat = np.array([(min(a, b), max(a, b)) for a, b in pairs if a != b], dtype=np.int64)
    if len(flat) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.unique(flat[:, 0] * n + flat[:, 1])


def _table_pairs(seating: IntArray) -> tuple[IntArray, IntArray]:
    """Every pair (i < j) sharing a table, as two arrays."""
    order = np.argsort(seating, kind="stable")
    tables, starts, sizes = np.unique(seating[order], return_index=True, return_counts=True)
    rows, cols = [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        chosen = starts[sizes == size]
        members = order[chosen[:, None] + np.arange(size)[None, :]]  # (tables, size)
        a, b = np.triu_indices(int(size), 1)
        left, right = members[:, a].ravel(), members[:, b].ravel()
        rows.append(np.minimum(left, right))
        cols.append(np.maximum(left, right))
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def _seated_keys(seatings: Sequence[IntArray], n: int) -> IntArray:
    """Keys of the pairs sharing a table in any of ``seatings``."""
    parts = [rows * n + cols for rows, cols in map(_table_pairs, seatings)]
    return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)


def _repeat_count(seatings: Sequence[IntArray], history: IntArray, exempt: IntArray, n: int) -> int:
    """Extra meetings: each time a pair sits together after its first meeting."""
    parts = [history] + [rows * n + cols for rows, cols in map(_table_pairs, seatings)]
    meetings = np.concatenate(parts)
    meetings = meetings[~np.isin(meetings, exempt)]
    return int(len(meetings) - len(np.unique(meetings)))


def _untangle_locally(
    seatings: list[IntArray], setup: _Setup, rng: random.Random
) -> list[IntArray]:
    """For big events: move one person of each repeated pair by a swap with somebody at
    another table, when the swap repeats nothing and breaks no rule -- first beside
    someone they share something with, so that nobody is left without a hook."""
    seatings = [s.copy() for s in seatings]
    n = setup.n
    exempt = set(setup.exempt_keys.tolist())
    for r, seating in enumerate(seatings):
        others = seatings[:r] + seatings[r + 1 :]
        met = set(np.union1d(setup.history_keys, _seated_keys(others, n)).tolist())
        rows, cols = _table_pairs(seating)
        keys = rows * n + cols
        clashes = [(int(a), int(b)) for a, b, k in zip(rows, cols, keys, strict=True) if k in met]
        members = tables_of(seating.tolist())
        for a, b in clashes:
            if seating[a] != seating[b] or (a * n + b) in exempt:
                continue
            for person in (a, b) if setup.movable[a] else (b,):
                if setup.movable[person] and _move_apart(
                    seating, members, setup, person, met, exempt, rng
                ):
                    break
    return seatings


def _move_apart(
    seating: IntArray,
    members: dict[int, list[int]],
    setup: _Setup,
    person: int,
    met: set[int],
    exempt: set[int],
    rng: random.Random,
) -> bool:
    """Swap ``person`` to another table: beside a partner where possible (keeping
    everybody's hook), else anywhere."""
    near = [o for p in _partners(setup.values, person, 30) for o in members[int(seating[p])]]
    for other in near:
        if not _swap_ok(seating, members, setup, person, other, met, exempt):
            continue
        involved = np.array(members[int(seating[person])] + members[int(seating[other])])
        local = submatrix(setup.values, involved)
        before = _hooks(local, seating[involved]) >= HOOK_MIN
        _swap(seating, members, person, other)
        if not (before & ~(_hooks(local, seating[involved]) >= HOOK_MIN)).any():
            return True
        _swap(seating, members, person, other)
    for _ in range(200):
        other = rng.randrange(setup.n)
        if _swap_ok(seating, members, setup, person, other, met, exempt):
            _swap(seating, members, person, other)
            return True
    return False


def _swap(seating: IntArray, members: dict[int, list[int]], a: int, b: int) -> None:
    ta, tb = int(seating[a]), int(seating[b])
    members[ta].remove(a)
    members[tb].remove(b)
    members[ta].append(b)
    members[tb].append(a)
    seating[a], seating[b] = tb, ta


def _swap_ok(
    seating: IntArray,
    members: dict[int, list[int]],
    setup: _Setup,
    a: int,
    b: int,
    met: set[int],
    exempt: set[int],
) -> bool:
    """Whether swapping a and b breaks no rule and makes no pair meet again."""
    ta, tb = int(seating[a]), int(seating[b])
    if ta == tb or not (setup.movable[a] and setup.movable[b]):
        return False
    if setup.needs[a] & ~setup.has[tb] or setup.needs[b] & ~setup.has[ta]:
        return False
    n = setup.n
    apart = setup.apart_keys
    for person, table, leaving in ((a, tb, b), (b, ta, a)):
        for mate in members[table]:
            if mate == leaving:
                continue
            key = min(person, mate) * n + max(person, mate)
            if (key in met and key not in exempt) or _contains(apart, key):
                return False
    return True


def _contains(sorted_keys: IntArray, key: int) -> bool:
    i = int(np.searchsorted(sorted_keys, key))
    return i < len(sorted_keys) and int(sorted_keys[i]) == key


def _hooks(values: Values, seating: IntArray) -> FloatArray:
    """Each person's best value with a tablemate (0 without one)."""
    rows, cols = _table_pairs(seating)
    weight = lookup(values, rows, cols)
    best = np.zeros(len(seating))
    np.maximum.at(best, rows, weight)
    np.maximum.at(best, cols, weight)
    return best


def _give_everyone_a_hook(seating: IntArray, setup: _Setup, met_elsewhere: IntArray) -> None:
    """The loner guarantee: seat each person without a hook next to someone they share
    something with, by a swap that breaks no rule and leaves nobody else without a
    hook -- first among swaps that repeat no pair, then among any (in place)."""
    hooks = _hooks(setup.values, seating)
    lonely = np.flatnonzero((hooks < HOOK_MIN) & setup.could & setup.movable)
    if len(lonely) == 0:
        return
    members = tables_of(seating.tolist())
    met = set(met_elsewhere.tolist())
    exempt = set(setup.exempt_keys.tolist())
    for person in lonely.tolist():
        for strict in (True, False):
            if _hook_swap(seating, members, setup, person, met if strict else set(), exempt):
                break


def _partners(values: Values, person: int, limit: int = 20) -> list[int]:
    """The people ``person`` shares most with, best first."""
    if sparse.issparse(values):
        row = values.getrow(person)
        order = np.argsort(-row.data, kind="stable")[:limit]
        return [int(row.indices[k]) for k in order if row.data[k] >= HOOK_MIN]
    order = np.argsort(-values[person], kind="stable")[:limit]
    return [int(p) for p in order if values[person, p] >= HOOK_MIN]


def _hook_swap(
    seating: IntArray,
    members: dict[int, list[int]],
    setup: _Setup,
    person: int,
    met: set[int],
    exempt: set[int],
) -> bool:
    home = int(seating[person])
    for partner in _partners(setup.values, person):
        target = int(seating[partner])
        if target == home:
            return True
        involved = np.array(members[home] + members[target])
        local = submatrix(setup.values, involved)
        before = _hooks(local, seating[involved]) >= HOOK_MIN
        for other in list(members[target]):
            if other == partner or not _swap_ok(
                seating, members, setup, person, other, met, exempt
            ):
                continue
            _swap(seating, members, person, other)
            after = _hooks(local, seating[involved]) >= HOOK_MIN
            if after[involved == person].all() and not (before & ~after).any():
                return True
            _swap(seating, members, person, other)
    return False


def _lower_bounds(capacities: tuple[int, ...], people: int) -> list[int]:
    """Tables may run short by the spare seats, spread so no table gets too empty."""
    spare = sum(capacities) - people
    if spare == 0:
        return list(capacities)
    per_table = math.ceil(spare / len(capacities))
    return [max(1 if people >= len(capacities) else 0, c - per_table) for c in capacities]


def _metrics(setup: _Setup, seatings: list[IntArray]) -> PlanMetrics:
    n = setup.n
    covered, hooks, weakest, total, acquainted, violations = 0, 0.0, math.inf, 0.0, 0, 0
    for seating in seatings:
        rows, cols = _table_pairs(seating)
        weight = lookup(setup.values, rows, cols)
        total += float(weight.sum())
        best = _hooks(setup.values, seating)
        covered += int(((best >= HOOK_MIN) & setup.could).sum())
        hooks += float(best.sum())
        if setup.could.any():
            weakest = min(weakest, float(best[setup.could].min()))
        acquainted += int(np.isin(rows * n + cols, setup.known_keys).sum())
        violations += len(broken_rules(setup.rules, seating))
    possible = int(setup.could.sum()) * len(seatings)
    return PlanMetrics(
        hook_coverage=covered / possible if possible else 1.0,
        mean_hook=hooks / (n * len(seatings)) if n else 0.0,
        min_hook=weakest if math.isfinite(weakest) else 0.0,
        repeated_pairs=_repeat_count(seatings, setup.history_keys, setup.exempt_keys, n),
        acquaintances_together=acquainted,
        rule_violations=violations,
        total_value=total,
    )
