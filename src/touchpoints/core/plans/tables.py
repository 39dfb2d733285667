"""Rounds of tables: seat everybody, round after round, around real common ground.

Each round is a grouping problem (:mod:`touchpoints.core.plans.grouping`) over pair
values: common ground, minus a penalty for pairs that met in an earlier round or
session, minus a smaller one for acquaintances, and a prohibitive one for pairs that
must be kept apart. Rounds are planned one after the other, each with its share of
the time limit, so no pair meets twice while that is feasible.

Work in progress (issue 3): themes, explanations per seat, keep-together groups,
pins and table tags, the loner guarantee as a hard goal, live repair, and the CLI
come next.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from touchpoints.core.plans.grouping import best_grouping
from touchpoints.errors import InfeasiblePlanError

__all__ = [
    "ACQUAINTANCE_PENALTY",
    "REPEAT_PENALTY",
    "PlanMetrics",
    "TablePlan",
    "table_capacities",
    "table_plan",
]

FloatMatrix = npt.NDArray[np.float64]
Pair = tuple[int, int]

#: Value taken off a pair that already met (common ground is at most 1).
REPEAT_PENALTY = 2.0
#: Value taken off a pair that already knows each other.
ACQUAINTANCE_PENALTY = 1.0
#: Value of a pair that must never share a table.
_KEEP_APART = -1e6


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
    """How good a plan is, round by round and overall."""

    hook_coverage: float  # share of people with a tablemate of positive value, of those who could
    mean_hook: float  # mean over people of their best tablemate's value
    repeated_pairs: int  # pairs sitting together again (earlier round or history)
    acquaintances_together: int
    keep_apart_violations: int


@dataclass(frozen=True, eq=False)
class TablePlan:
    """``rounds[r][i]`` is person i's table in round r (0-based)."""

    capacities: tuple[int, ...]
    rounds: tuple[tuple[int, ...], ...]
    metrics: PlanMetrics


def _pairs_matrix(n: int, pairs: Collection[Pair]) -> npt.NDArray[np.bool_]:
    matrix = np.zeros((n, n), dtype=bool)
    for a, b in pairs:
        if a != b:
            matrix[a, b] = matrix[b, a] = True
    return matrix


def _together(assignment: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    same: npt.NDArray[np.bool_] = assignment[:, None] == assignment[None, :]
    np.fill_diagonal(same, False)
    return same


def table_plan(
    values: FloatMatrix,
    capacities: Sequence[int],
    rounds: int = 1,
    *,
    acquainted: Collection[Pair] = (),
    keep_apart: Collection[Pair] = (),
    met_before: Collection[Pair] = (),
    time_limit: float = 10.0,
    seed: int | random.Random | None = None,
) -> TablePlan:
    """Seat ``n`` people at tables for ``rounds`` rounds.

    Parameters
    ----------
    values : (n, n) array
        Symmetric common-ground values of every pair (0 where none).
    capacities : sequence of int
        Seats per table (:func:`table_capacities`); the seats may exceed the people.
    rounds : int
        Rotations; nobody meets the same person twice while that is feasible.
    acquainted, keep_apart, met_before : collections of (i, j)
        Pairs who already know each other (seated apart where possible), who must
        never share a table (hard), and who met in earlier sessions.
    time_limit : float
        Seconds for the whole plan: a quarter for seating the rounds one after the
        other, the rest (while pairs meet twice) for swapping them apart.
    seed : int, random.Random or None
        Same seed, same plan (for the same time limit).

    Returns
    -------
    TablePlan

    Raises
    ------
    InfeasiblePlanError
        When a keep-apart pair cannot be seated apart, or the people do not fit.
    """
    weights = np.array(values, dtype=np.float64)
    n = weights.shape[0]
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}")
    caps = tuple(capacities)
    if sum(caps) < n:
        raise InfeasiblePlanError(f"{n} people do not fit {sum(caps)} seats")
    low = _lower_bounds(caps, n)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    known = _pairs_matrix(n, acquainted)
    apart = _pairs_matrix(n, keep_apart)
    met = _pairs_matrix(n, met_before)
    history = met.copy()
    deadline = time.perf_counter() + time_limit
    share = time_limit / (4 * rounds)
    seatings: list[npt.NDArray[np.int64]] = []
    for _ in range(rounds):  # first pass: each round avoids the rounds before it
        seatings.append(_seat_round(weights, met, known, apart, low, caps, share, rng))
        met |= _together(seatings[-1])
    # then: swap people within rounds to remove the repeats that remain
    if rounds > 1 and _repeats(seatings, history):
        seatings = _remove_repeats(seatings, history, apart, deadline, rng)
    for seating in seatings:
        _give_everyone_a_hook(seating, weights, apart)
    for seating in seatings:
        broken = _together(seating) & apart
        if broken.any():
            a, b = np.argwhere(broken)[0]
            raise InfeasiblePlanError(f"people {a} and {b} must be kept apart but cannot be")
    plain = [tuple(int(t) for t in seating) for seating in seatings]
    return TablePlan(caps, tuple(plain), _metrics(weights, plain, known, apart, history))


def _remove_repeats(
    seatings: list[npt.NDArray[np.int64]],
    history: npt.NDArray[np.bool_],
    apart: npt.NDArray[np.bool_],
    deadline: float,
    rng: random.Random,
) -> list[npt.NDArray[np.int64]]:
    """Tabu search over swaps of two people at different tables of the same round,
    minimizing the pairs who meet more than once, as Dotú and Van Hentenryck do for
    the social golfer problem [1]_. Keep-apart pairs are never seated together.

    .. [1] Dotú, Van Hentenryck, "Scheduling social golfers locally", CPAIOR 2005.
    """
    seatings = [s.copy() for s in seatings]
    n = len(seatings[0])
    rows = np.arange(n)
    count = _meetings(seatings, history)
    conflicts = _conflicts(count)
    near_apart = apart.astype(np.float64)
    best, best_conflicts = [s.copy() for s in seatings], conflicts
    tabu = np.zeros((len(seatings), n), dtype=np.int64)
    noise = np.random.default_rng(rng.randrange(2**32))
    step = stall = 0
    while best_conflicts and time.perf_counter() < deadline:
        step += 1
        met_again = (count >= 2).astype(np.float64)
        met = (count >= 1).astype(np.float64)
        choice: tuple[float, int, int, int] | None = None
        for r, seating in enumerate(seatings):
            onehot = np.zeros((n, int(seating.max()) + 1))
            onehot[rows, seating] = 1.0
            leave = (met_again @ onehot)[rows, seating]  # conflicts i leaves behind
            join = (met @ onehot)[:, seating]  # join[i, j]: i would sit with j's table
            gain = leave[:, None] + leave[None, :] - join - join.T + 2.0 * met
            # only swaps that move someone in a conflict in this round (Dotú & Van Hentenryck)
            in_conflict = np.asarray(((count >= 2) & _together(seating)).any(axis=1), dtype=bool)
            blocked = (seating[:, None] == seating[None, :]) | ~(
                in_conflict[:, None] | in_conflict[None, :]
            )
            avoided = (near_apart @ onehot)[:, seating] > 0  # i must not join j's table
            blocked |= avoided | avoided.T
            is_tabu = (tabu[r][:, None] > step) | (tabu[r][None, :] > step)
            blocked |= is_tabu & (conflicts - gain >= best_conflicts)
            gain = np.where(blocked, -np.inf, gain + noise.random((n, n)) * 1e-3)
            k = int(np.argmax(gain))
            if np.isfinite(gain.flat[k]) and (choice is None or gain.flat[k] > choice[0]):
                row, col = divmod(k, n)
                choice = (float(gain.flat[k]), r, row, col)
        if choice is None:  # every useful swap is tabu: perturb instead
            stall = 1 << 30
            row, col = rng.sample(range(n), 2)
            choice = (0.0, rng.randrange(len(seatings)), row, col)
        _, r, a, b = choice
        count -= _together(seatings[r])
        seatings[r][a], seatings[r][b] = seatings[r][b], seatings[r][a]
        count += _together(seatings[r])
        conflicts = _conflicts(count)
        tenure = rng.randint(4, 12)
        tabu[r, a] = tabu[r, b] = step + tenure
        if conflicts < best_conflicts:
            best, best_conflicts, stall = [s.copy() for s in seatings], conflicts, 0
        else:
            stall += 1
        if stall > 50 * len(seatings):  # restart from the best with a few random swaps
            seatings, stall = [s.copy() for s in best], 0
            for _ in range(rng.randint(1, 4)):
                r = rng.randrange(len(seatings))
                a, b = rng.sample(range(n), 2)
                seatings[r][a], seatings[r][b] = seatings[r][b], seatings[r][a]
            count = _meetings(seatings, history)
            conflicts = _conflicts(count)
    return best


def _conflicts(count: npt.NDArray[np.int64]) -> int:
    """Meetings beyond the first, over all pairs."""
    return int(np.triu(np.clip(count - 1, 0, None), 1).sum())


def _give_everyone_a_hook(
    seating: npt.NDArray[np.int64], weights: FloatMatrix, apart: npt.NDArray[np.bool_]
) -> None:
    """The loner guarantee: seat each person without a hook next to someone they share
    something with, by a swap that leaves nobody else without one (in place)."""
    n = len(seating)
    for person in range(n):
        if _has_hook(seating, weights, person) or not (weights[person] > 0).any():
            continue
        for partner in np.argsort(-weights[person], kind="stable"):
            if weights[person, partner] <= 0:
                break
            if _swap_in(seating, weights, apart, person, int(partner)):
                break


def _has_hook(seating: npt.NDArray[np.int64], weights: FloatMatrix, person: int) -> bool:
    mates = (seating == seating[person]) & (np.arange(len(seating)) != person)
    return bool((weights[person, mates] > 0).any())


def _swap_in(
    seating: npt.NDArray[np.int64],
    weights: FloatMatrix,
    apart: npt.NDArray[np.bool_],
    person: int,
    partner: int,
) -> bool:
    """Swap ``person`` with someone at ``partner``'s table if nobody loses a hook."""
    home, target = int(seating[person]), int(seating[partner])
    before = [p for p in range(len(seating)) if _has_hook(seating, weights, p)]
    for other in np.flatnonzero(seating == target):
        if other == partner:
            continue
        seating[person], seating[other] = target, home
        together = _together(seating)
        if not (together & apart).any() and all(_has_hook(seating, weights, p) for p in before):
            return True
        seating[person], seating[other] = home, target
    return False


def _seat_round(
    weights: FloatMatrix,
    met: npt.NDArray[np.bool_],
    known: npt.NDArray[np.bool_],
    apart: npt.NDArray[np.bool_],
    low: list[int],
    capacities: tuple[int, ...],
    seconds: float,
    rng: random.Random,
) -> npt.NDArray[np.int64]:
    penalized = weights - REPEAT_PENALTY * met - ACQUAINTANCE_PENALTY * known
    penalized[apart] = _KEEP_APART
    return best_grouping(penalized, low, capacities, time_limit=seconds, seed=rng).assignment


def _meetings(
    seatings: list[npt.NDArray[np.int64]], history: npt.NDArray[np.bool_]
) -> npt.NDArray[np.int64]:
    """How often each pair meets: in the history and in the seatings."""
    count = history.astype(np.int64)
    for seating in seatings:
        count += _together(seating)
    return count


def _repeats(seatings: list[npt.NDArray[np.int64]], history: npt.NDArray[np.bool_]) -> int:
    """Pairs that sit together more than once (or again after the history)."""
    return _conflicts(_meetings(seatings, history))


def _lower_bounds(capacities: tuple[int, ...], people: int) -> list[int]:
    """Tables may run short by the spare seats, spread so no table gets too empty."""
    spare = sum(capacities) - people
    if spare == 0:
        return list(capacities)
    per_table = math.ceil(spare / len(capacities))
    return [max(1 if people >= len(capacities) else 0, c - per_table) for c in capacities]


def _metrics(
    weights: FloatMatrix,
    seatings: list[tuple[int, ...]],
    known: npt.NDArray[np.bool_],
    apart: npt.NDArray[np.bool_],
    history: npt.NDArray[np.bool_],
) -> PlanMetrics:
    n = weights.shape[0]
    could = (weights > 0).any(axis=1)
    covered, hooks, repeats, acquainted, violations = 0, 0.0, 0, 0, 0
    seen = history.copy()
    for seating in seatings:
        together = _together(np.array(seating))
        best = np.where(together, weights, -np.inf).max(axis=1, initial=-np.inf)
        covered += int(((best > 0) & could).sum())
        hooks += float(np.clip(best, 0, None).sum())
        repeats += int(np.triu(together & seen, 1).sum())
        acquainted += int(np.triu(together & known, 1).sum())
        violations += int(np.triu(together & apart, 1).sum())
        seen |= together
    possible = int(could.sum()) * len(seatings)
    return PlanMetrics(
        hook_coverage=covered / possible if possible else 1.0,
        mean_hook=hooks / (n * len(seatings)) if n else 0.0,
        repeated_pairs=repeats,
        acquaintances_together=acquainted,
        keep_apart_violations=violations,
    )
