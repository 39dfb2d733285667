"""Maximally diverse grouping: split people into groups of bounded sizes so that the
sum of within-group pair values is as high as possible.

This is the optimization under every table plan (the value of a pair is its common
ground, with penalties for pairs that must not meet) and the problem of the MDGPLIB
benchmark. The solver is an iterated tabu search [1]_: moves (one person to another
group, within the size bounds) and swaps (two people trade places) are evaluated for
all candidates at once with numpy from the n x m matrix ``G[i, g]`` = value of person
i with the members of group g. A steepest ascent gives the first grouping; then tabu
search walks on (the best step of people not recently moved, even a worsening one),
and when it stalls a few random swaps perturb the best grouping, until the time
limit.

References
----------
.. [1] Lai, Hao, "Iterated maximum split search for the maximally diverse grouping
   problem", European Journal of Operational Research 254 (2016) 780-800; and
   Gallego, Laguna, Martí, Duarte, "Tabu search with strategic oscillation for the
   maximally diverse grouping problem", JORS 64 (2013) 724-734 (MDGPLIB).
"""

from __future__ import annotations

import random
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Grouping", "best_grouping", "grouping_value", "iter_groupings"]

FloatMatrix = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_EPS = 1e-9
#: Perturbation: up to n / PERTURB_FRACTION random swaps before each tabu search.
PERTURB_FRACTION = 20
#: Tabu search restarts from a perturbed best after this many steps (x n) without a new best.
STALL_FACTOR = 8


@dataclass(frozen=True, eq=False)
class Grouping:
    """``assignment[i]`` is person i's group; ``value`` the sum of within-group pairs."""

    assignment: IntArray
    value: float
    seconds: float
    iterations: int


def grouping_value(weights: FloatMatrix, assignment: IntArray) -> float:
    """Sum over groups of the values of all pairs inside the group."""
    same = assignment[:, None] == assignment[None, :]
    return float(np.triu(weights * same, k=1).sum())


def _check(
    weights: FloatMatrix, low: Sequence[int], high: Sequence[int], fixed: Mapping[int, int]
) -> None:
    n = weights.shape[0]
    if weights.shape != (n, n):
        raise ValueError(f"weights must be a square matrix, got shape {weights.shape}")
    if len(low) != len(high) or len(low) == 0:
        raise ValueError("low and high must give one bound per group, at least one group")
    bounds = [(int(lo), int(hi)) for lo, hi in zip(low, high, strict=True)]
    if any(lo < 0 or lo > hi for lo, hi in bounds):
        raise ValueError(f"every group needs 0 <= low <= high, got {bounds}")
    if sum(low) > n or sum(high) < n:
        raise ValueError(
            f"{n} people do not fit groups of sizes {bounds}: "
            f"at least {sum(low)}, at most {sum(high)}"
        )
    for person, group in fixed.items():
        if not 0 <= person < n or not 0 <= group < len(low):
            raise ValueError(f"fixed seat {person} -> group {group} is out of range")


def _initial(
    n: int, low: Sequence[int], high: Sequence[int], fixed: Mapping[int, int], rng: random.Random
) -> IntArray:
    """A random assignment within the bounds, honouring fixed people."""
    m = len(low)
    sizes = [0] * m
    assignment = np.full(n, -1, dtype=np.int64)
    for person, group in fixed.items():
        assignment[person] = group
        sizes[group] += 1
    if any(size > hi for size, hi in zip(sizes, high, strict=True)):
        raise ValueError("more people are fixed to a group than it can hold")
    free = [i for i in range(n) if assignment[i] < 0]
    rng.shuffle(free)
    slots: list[int] = []
    for group in range(m):
        slots += [group] * max(0, low[group] - sizes[group])
    spare = [g for g in range(m) for _ in range(high[g] - max(low[g], sizes[g]))]
    rng.shuffle(spare)
    slots += spare[: len(free) - len(slots)]
    if len(slots) < len(free):
        raise ValueError("the fixed seats leave no room within the group bounds")
    for person, group in zip(free, slots, strict=False):
        assignment[person] = group
    return assignment


class _State:
    """An assignment with the n x m matrix of values to each group, kept up to date."""

    def __init__(self, weights: FloatMatrix, assignment: IntArray, m: int) -> None:
        self.weights = weights
        self.assignment = assignment.copy()
        self.m = m
        onehot = np.zeros((len(assignment), m))
        onehot[np.arange(len(assignment)), assignment] = 1.0
        self.to_group = weights @ onehot
        self.sizes = np.bincount(assignment, minlength=m)
        self.value: float = grouping_value(weights, assignment)

    def move(self, person: int, group: int) -> None:
        old = int(self.assignment[person])
        self.value += float(self.to_group[person, group] - self.to_group[person, old])
        column = self.weights[:, person]
        self.to_group[:, old] -= column
        self.to_group[:, group] += column
        self.assignment[person] = group
        self.sizes[old] -= 1
        self.sizes[group] += 1

    def swap(self, a: int, b: int) -> None:
        group_a, group_b = int(self.assignment[a]), int(self.assignment[b])
        self.move(a, group_b)
        self.move(b, group_a)

    def gains(
        self,
        low: IntArray,
        high: IntArray,
        movable: npt.NDArray[np.bool_],
        pair_ok: npt.NDArray[np.bool_],
    ) -> tuple[FloatMatrix, FloatMatrix]:
        """Value gained by every move (n x m) and every swap (n x n); -inf where not allowed."""
        rows = np.arange(len(self.assignment))
        own = self.to_group[rows, self.assignment]
        move_gain = self.to_group - own[:, None]
        can_leave = (self.sizes > low)[self.assignment] & movable
        move_gain[~can_leave, :] = -np.inf
        move_gain[:, self.sizes >= high] = -np.inf
        move_gain[rows, self.assignment] = -np.inf
        cross = self.to_group[:, self.assignment]  # cross[i, j] = value of i with j's group
        swap_gain = cross - own[:, None] + cross.T - own[None, :] - 2.0 * self.weights
        same = self.assignment[:, None] == self.assignment[None, :]
        swap_gain[same | ~pair_ok] = -np.inf
        return move_gain, swap_gain


def _ascend(
    state: _State,
    low: IntArray,
    high: IntArray,
    movable: npt.NDArray[np.bool_],
    deadline: float,
) -> int:
    """Steepest ascent with moves and swaps until no step improves (or time is up)."""
    steps = 0
    n = len(state.assignment)
    pair_ok = movable[:, None] & movable[None, :]
    while time.perf_counter() < deadline:
        move_gain, swap_gain = state.gains(low, high, movable, pair_ok)
        best_move, best_swap = int(np.argmax(move_gain)), int(np.argmax(swap_gain))
        move_value = float(move_gain.flat[best_move])
        swap_value = float(swap_gain.flat[best_swap])

        if max(move_value, swap_value) <= _EPS:
            break
        if move_value >= swap_value:
            state.move(*divmod(best_move, state.m))
        else:
            state.swap(*divmod(best_swap, n))
        steps += 1
    return steps


def _tabu_search(
    state: _State,
    low: IntArray,
    high: IntArray,
    movable: npt.NDArray[np.bool_],
    deadline: float,
    rng: random.Random,
    stall_limit: int,
) -> tuple[IntArray, float, int]:
    """Tabu search [2]_: always take the best move or swap of people who are not tabu
    (even a worsening one), make them tabu for a few steps, and keep the best grouping
    seen; stop after ``stall_limit`` steps without a new best, or at the deadline.

    .. [2] Gallego et al. 2013 (see the module references).
    """
    n = len(state.assignment)
    tabu_until = np.zeros(n, dtype=np.int64)
    best, best_value = state.assignment.copy(), state.value
    step = stall = 0
    pair_ok = movable[:, None] & movable[None, :]
    while stall < stall_limit and time.perf_counter() < deadline:
        step += 1
        free = tabu_until < step
        move_gain, swap_gain = state.gains(low, high, movable, pair_ok)
        aspiration = best_value - state.value + _EPS  # a tabu step that sets a new best is fine
        move_gain[~free & (move_gain.max(axis=1) <= aspiration), :] = -np.inf
        blocked = ~(free[:, None] & free[None, :]) & (swap_gain <= aspiration)
        swap_gain[blocked] = -np.inf
        best_move, best_swap = int(np.argmax(move_gain)), int(np.argmax(swap_gain))
        move_value = float(move_gain.flat[best_move])
        swap_value = float(swap_gain.flat[best_swap])
        if max(move_value, swap_value) == -np.inf:
            break
        tenure = rng.randint(max(2, n // 20), max(3, n // 8))
        if move_value >= swap_value:
            person, group = divmod(best_move, state.m)
            state.move(person, group)
            tabu_until[person] = step + tenure
        else:
            a, b = divmod(best_swap, n)
            state.swap(a, b)
            tabu_until[[a, b]] = step + tenure
        if state.value > best_value + _EPS:
            best, best_value, stall = state.assignment.copy(), state.value, 0
        else:
            stall += 1
    return best, best_value, step


def _upper_bound(weights: FloatMatrix, largest_group: int) -> float:
    """No grouping beats this: everybody with their best positive partners, halved.

    It lets the search stop early when it is reached (for example 0 when every
    value is a penalty and a plan without any penalty was found).
    """
    keep = max(0, min(largest_group - 1, weights.shape[0] - 1))
    if keep == 0:
        return 0.0
    positive = np.clip(weights, 0.0, None)
    top = -np.partition(-positive, keep - 1, axis=1)[:, :keep]
    return float(top.sum() / 2.0)


def iter_groupings(
    weights: FloatMatrix,
    low: Sequence[int],
    high: Sequence[int],
    *,
    time_limit: float = 1.0,
    seed: int | random.Random | None = None,
    fixed: Mapping[int, int] | None = None,
) -> Iterator[Grouping]:
    """Yield ever better groupings until ``time_limit`` seconds have passed.

    Parameters
    ----------
    weights : (n, n) array
        Symmetric pair values (the diagonal is ignored); negative values are pairs
        to keep apart.
    low, high : sequences of int
        Size bounds of each group (``low[g] <= size <= high[g]``).
    time_limit : float
        Seconds to search; the first local optimum is always reached and yielded.
    seed : int, random.Random or None
        Same seed, same inputs, same sequence of groupings (given the same time).
    fixed : mapping person -> group, optional
        People who must sit in a given group (pinned seats).

    Yields
    ------
    Grouping
        Each strictly better than the one before.

    Raises
    ------
    ValueError
        When the people cannot fit the bounds.

    Examples
    --------
    >>> w = np.array([[0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 0, 3], [0, 0, 3, 0]], float)
    >>> best_grouping(w, [2, 2], [2, 2], seed=1).value
    8.0
    """
    weights = np.array(weights, dtype=np.float64)
    np.fill_diagonal(weights, 0.0)
    fixed = dict(fixed or {})
    _check(weights, low, high, fixed)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    started = time.perf_counter()
    deadline = started + time_limit
    n, m = weights.shape[0], len(low)
    low_arr, high_arr = np.array(low), np.array(high)
    movable = np.ones(n, dtype=bool)
    movable[list(fixed)] = False
    state = _State(weights, _initial(n, low, high, fixed, rng), m)
    iterations = _ascend(state, low_arr, high_arr, movable, float("inf"))
    best = state.assignment.copy()
    best_value = state.value
    yield Grouping(best.copy(), best_value, time.perf_counter() - started, iterations)
    free = [int(person) for person in np.flatnonzero(movable)]
    strength = max(2, len(free) // PERTURB_FRACTION)
    ceiling = _upper_bound(weights, max(high))
    while (
        time.perf_counter() < deadline and len(free) > 1 and m > 1 and best_value < ceiling - _EPS
    ):
        state = _State(weights, best, m)
        for _ in range(rng.randint(1, strength)):
            a, b = rng.sample(free, 2)
            if state.assignment[a] != state.assignment[b]:
                state.swap(a, b)
        found, value, steps = _tabu_search(
            state, low_arr, high_arr, movable, deadline, rng, stall_limit=STALL_FACTOR * n
        )
        iterations += steps
        if value > best_value + _EPS:
            best, best_value = found, value
            yield Grouping(best.copy(), best_value, time.perf_counter() - started, iterations)


def best_grouping(
    weights: FloatMatrix,
    low: Sequence[int],
    high: Sequence[int],
    *,
    time_limit: float = 1.0,
    seed: int | random.Random | None = None,
    fixed: Mapping[int, int] | None = None,
) -> Grouping:
    """The best grouping :func:`iter_groupings` finds within ``time_limit`` seconds."""
    return deque(
        iter_groupings(weights, low, high, time_limit=time_limit, seed=seed, fixed=fixed),
        maxlen=1,
    ).pop()
