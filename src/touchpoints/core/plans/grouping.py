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

Groups may offer tags (bits: wheelchair access, a language) that some people need;
a person only ever sits in a group that offers all their bits. The first grouping
already honours them: a small flow problem over kinds of people and kinds of groups
decides who can sit where (see :func:`_tagged_start`).

The memory and time of this solver grow with ``n^2``; a scipy sparse matrix of values
is handed to :mod:`touchpoints.core.plans.sparse_grouping`, which grows with the
nonzeros instead (tens of thousands of people).

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
from scipy import sparse
from scipy.sparse.csgraph import maximum_flow

__all__ = ["Grouping", "best_grouping", "grouping_value", "iter_groupings"]

FloatMatrix = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TagArray = npt.NDArray[np.uint64]
BoolMatrix = npt.NDArray[np.bool_]

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
    """Sum over groups of the values of all pairs inside the group (dense or sparse)."""
    if sparse.issparse(weights):
        pairs = sparse.coo_array(weights)
        same = (assignment[pairs.row] == assignment[pairs.col]) & (pairs.row != pairs.col)
        return float(pairs.data[same].sum() / 2.0)
    same = assignment[:, None] == assignment[None, :]
    return float(np.triu(weights * same, k=1).sum())


def _check(
    weights: FloatMatrix, low: Sequence[int], high: Sequence[int], fixed: Mapping[int, int]
) -> None:
    n = weights.shape[0]
    if weights.shape != (n, n):
        raise ValueError(f"weights must be a square matrix, got shape {weights.shape}")
    _check_bounds(n, low, high, fixed)


def _check_bounds(
    n: int, low: Sequence[int], high: Sequence[int], fixed: Mapping[int, int]
) -> None:
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


def _tags(
    n: int, m: int, needs: npt.ArrayLike | None, has: npt.ArrayLike | None
) -> tuple[TagArray, TagArray]:
    """``needs`` and ``has`` as uint64 arrays of shapes (n,) and (m,), zeros when not given."""
    need = np.zeros(n, np.uint64) if needs is None else np.asarray(needs, dtype=np.uint64)
    offer = np.zeros(m, np.uint64) if has is None else np.asarray(has, dtype=np.uint64)
    if need.shape != (n,) or offer.shape != (m,):
        raise ValueError(
            f"needs must have one entry per person ({n}) and has one per group ({m}), "
            f"got shapes {need.shape} and {offer.shape}"
        )
    return need, offer


def _initial(
    n: int, low: Sequence[int], high: Sequence[int], fixed: Mapping[int, int], rng: random.Random
) -> IntArray:
    """A random assignment within the bounds, honouring fixed people (no tags)."""
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


def _tagged_start(
    n: int,
    low: Sequence[int],
    high: Sequence[int],
    fixed: Mapping[int, int],
    needs: TagArray,
    has: TagArray,
    rng: random.Random,
) -> IntArray:
    """A random assignment within the bounds that honours the pins and the tags.

    Within each pool of :func:`_pools` the seats are dealt at random: first up to
    each group's lower bound, then the rest over the spare seats.
    """
    assignment, pools = _pools(n, low, high, fixed, needs, has, rng)
    taken = np.bincount(assignment[assignment >= 0], minlength=len(low))
    room_low = np.maximum(np.asarray(low, dtype=np.int64) - taken, 0)
    room_high = np.minimum(np.asarray(high, dtype=np.int64) - taken, n)
    dealer = np.random.default_rng(rng.getrandbits(64))
    for people, groups in pools:
        extra = len(people) - int(room_low[groups].sum())
        spare = np.minimum(room_high[groups] - room_low[groups], extra)
        added = dealer.multivariate_hypergeometric(spare, extra) if extra else 0
        assignment[people] = np.repeat(groups, room_low[groups] + added)
    return assignment


def _pools(
    n: int,
    low: Sequence[int],
    high: Sequence[int],
    fixed: Mapping[int, int],
    needs: TagArray,
    has: TagArray,
    rng: random.Random,
) -> tuple[IntArray, list[tuple[IntArray, IntArray]]]:
    """The pinned seats (-1 elsewhere), and which people sit in which pool of groups.

    People with the same needs form a *kind*, groups with the same tags a *pool*. A
    flow with lower bounds (kind -> pools that serve it -> sink, each pool between the
    sum of its groups' free ``low`` and ``high``) says how many of each kind sit in
    each pool; that is exact, where seating the most constrained people first can
    fail on nested tags. Which people of a kind go to which pool is random. Returns
    ``(people, groups)`` per pool, the people in random order; any seating of the
    people within their pool's groups that meets the bounds honours every tag.

    Raises
    ------
    ValueError
        When a fixed person's group lacks their tags, a group is over-full with fixed
        people, or the tags cannot be met (naming the tag bits short of seats).
    """
    m = len(low)
    low_arr = np.asarray(low, dtype=np.int64)
    high_arr = np.asarray(high, dtype=np.int64)
    assignment = np.full(n, -1, dtype=np.int64)
    for person, group in fixed.items():
        missing = int(needs[person] & ~has[group])
        if missing:
            raise ValueError(
                f"person {person} is fixed to group {group}, which lacks tag bits "
                f"{missing:#b} they need"
            )
        assignment[person] = group
    taken = np.bincount(assignment[assignment >= 0], minlength=m)
    if np.any(taken > high_arr):
        raise ValueError("more people are fixed to a group than it can hold")
    room_low = np.maximum(low_arr - taken, 0)
    room_high = np.minimum(high_arr - taken, n)
    free = np.flatnonzero(assignment < 0)
    kinds, person_kind = np.unique(needs[free], return_inverse=True)
    offers, group_pool = np.unique(has, return_inverse=True)
    counts = np.bincount(person_kind, minlength=len(kinds))
    pool_low = np.bincount(group_pool, weights=room_low, minlength=len(offers)).astype(np.int64)
    pool_high = np.bincount(group_pool, weights=room_high, minlength=len(offers))
    pool_high = np.minimum(pool_high, len(free)).astype(np.int64)
    serves = (kinds[:, None] & ~offers[None, :]) == 0
    flows = _pool_flow(counts, pool_low, pool_high, serves)
    if flows is None:
        raise ValueError(_unseatable(kinds, counts, offers, pool_high))
    dealer = np.random.default_rng(rng.getrandbits(64))
    order = np.argsort(person_kind, kind="stable")
    by_kind = np.split(free[order], np.cumsum(counts)[:-1])
    pooled: list[list[IntArray]] = [[] for _ in offers]
    for kind, people in enumerate(by_kind[: len(kinds)]):  # split gives one piece of none
        dealer.shuffle(people)
        for pool, share in enumerate(np.split(people, np.cumsum(flows[kind])[:-1])):
            pooled[pool].append(share)
    pools = []
    for pool, shares in enumerate(pooled):
        people = np.concatenate(shares) if shares else np.zeros(0, dtype=np.int64)
        dealer.shuffle(people)
        pools.append((people, np.flatnonzero(group_pool == pool)))
    return assignment, pools


def _pool_flow(
    counts: IntArray, pool_low: IntArray, pool_high: IntArray, serves: BoolMatrix
) -> IntArray | None:
    """People of each kind per pool (kinds x pools), or None when no flow meets the bounds.

    The lower bounds are the textbook reduction to a plain maximum flow: a super source
    gives every node what its lower bounds promise it, a super sink takes it back, and a
    feasible flow exists iff the maximum flow saturates them (and sink -> source closes
    the circulation).
    """
    k, p = serves.shape
    source, sink, super_source, super_sink = k + p, k + p + 1, k + p + 2, k + p + 3
    kind_nodes, pool_nodes = np.arange(k), k + np.arange(p)
    total = int(counts.sum())
    edge_kind, edge_pool = np.nonzero(serves)
    rows = np.concatenate(
        [
            [super_source] * k,
            [source],
            kind_nodes[edge_kind],
            pool_nodes,
            [super_source],
            pool_nodes,
            [sink],
        ]
    )
    cols = np.concatenate(
        [
            kind_nodes,
            [super_sink],
            pool_nodes[edge_pool],
            [sink] * p,
            [sink],
            [super_sink] * p,
            [source],
        ]
    )
    caps = np.concatenate(
        [
            counts,
            [total],
            counts[edge_kind],
            pool_high - pool_low,
            [pool_low.sum()],
            pool_low,
            [total + int(pool_low.sum())],
        ]
    )
    graph = sparse.csr_array(
        (caps.astype(np.int32), (rows.astype(np.int32), cols.astype(np.int32))),
        shape=(k + p + 4, k + p + 4),
    )
    result = maximum_flow(graph, super_source, super_sink)
    if result.flow_value < total + int(pool_low.sum()):
        return None
    flow = sparse.csr_array(result.flow)
    return np.asarray(flow[kind_nodes][:, pool_nodes].toarray(), dtype=np.int64).clip(0)


def _unseatable(kinds: TagArray, counts: IntArray, offers: TagArray, pool_high: IntArray) -> str:
    """Why no seating meets the tags: the first need (a kind, or one bit) short of seats."""
    bits = [np.uint64(1) << np.uint64(b) for b in range(64) if np.any(kinds >> np.uint64(b) & 1)]
    for need in [*(kind for kind in kinds if kind), *bits]:
        people = int(counts[(kinds & need) == need].sum())
        seats = int(pool_high[(offers & need) == need].sum())
        if people > seats:
            return f"{people} people need tag bits {int(need):#b} but only {seats} seats offer them"
    return (
        "the people's tag needs cannot be met within the group bounds: the groups that "
        "serve them cannot take them all while every group keeps its lower bound"
    )


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
        allowed: BoolMatrix | None,
    ) -> tuple[FloatMatrix, FloatMatrix]:
        """Value gained by every move (n x m) and every swap (n x n); -inf where not allowed.

        ``allowed[i, g]``: person i's tags let them sit in group g (None: no tags).
        """
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
        if allowed is not None:
            move_gain[~allowed] = -np.inf
            fits = allowed[:, self.assignment]  # fits[i, j]: i may sit in j's group
            swap_gain[~(fits & fits.T)] = -np.inf
        return move_gain, swap_gain


def _ascend(
    state: _State,
    low: IntArray,
    high: IntArray,
    movable: npt.NDArray[np.bool_],
    allowed: BoolMatrix | None,
    deadline: float,
) -> int:
    """Steepest ascent with moves and swaps until no step improves (or time is up)."""
    steps = 0
    n = len(state.assignment)
    pair_ok = movable[:, None] & movable[None, :]
    while time.perf_counter() < deadline:
        move_gain, swap_gain = state.gains(low, high, movable, pair_ok, allowed)
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
    allowed: BoolMatrix | None,
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
        move_gain, swap_gain = state.gains(low, high, movable, pair_ok, allowed)
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
    weights: FloatMatrix | sparse.sparray | sparse.spmatrix,
    low: Sequence[int],
    high: Sequence[int],
    *,
    time_limit: float = 1.0,
    seed: int | random.Random | None = None,
    fixed: Mapping[int, int] | None = None,
    needs: TagArray | None = None,
    has: TagArray | None = None,
) -> Iterator[Grouping]:
    """Yield ever better groupings until ``time_limit`` seconds have passed.

    Parameters
    ----------
    weights : (n, n) array or scipy sparse matrix
        Symmetric pair values (the diagonal is ignored); negative values are pairs
        to keep apart. A sparse matrix (missing pairs are worth 0) goes to
        :func:`~touchpoints.core.plans.sparse_grouping.iter_sparse_groupings`.
    low, high : sequences of int
        Size bounds of each group (``low[g] <= size <= high[g]``).
    time_limit : float
        Seconds to search; the first local optimum is always reached and yielded.
    seed : int, random.Random or None
        Same seed, same inputs, same sequence of groupings (given the same time).
    fixed : mapping person -> group, optional
        People who must sit in a given group (pinned seats).
    needs : (n,) uint64 array, optional
        Tag bits each person needs at their group.
    has : (m,) uint64 array, optional
        Tag bits each group offers; person i may sit in group g only if
        ``needs[i] & ~has[g] == 0``.

    Yields
    ------
    Grouping
        Each strictly better than the one before.

    Raises
    ------
    ValueError
        When the people cannot fit the bounds, the pins or the tags.

    Examples
    --------
    >>> w = np.array([[0, 5, 0, 0], [5, 0, 0, 0], [0, 0, 0, 3], [0, 0, 3, 0]], float)
    >>> best_grouping(w, [2, 2], [2, 2], seed=1).value
    8.0

    Person 0 needs tag bit 0b1, which only group 1 offers:

    >>> tags = dict(needs=np.array([1, 0, 0, 0], np.uint64), has=np.array([0, 1], np.uint64))
    >>> best_grouping(w, [2, 2], [2, 2], seed=1, **tags).assignment.tolist()
    [1, 1, 0, 0]
    """
    if sparse.issparse(weights):
        # imported here, not at the top: the sparse solver builds on this module (and
        # loads numba, which the dense solver does not need)
        from touchpoints.core.plans.sparse_grouping import iter_sparse_groupings

        yield from iter_sparse_groupings(
            weights, low, high, time_limit=time_limit, seed=seed, fixed=fixed, needs=needs, has=has
        )
        return
    weights = np.array(weights, dtype=np.float64)
    np.fill_diagonal(weights, 0.0)
    fixed = dict(fixed or {})
    _check(weights, low, high, fixed)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    started = time.perf_counter()
    deadline = started + time_limit
    n, m = weights.shape[0], len(low)
    need, offer = _tags(n, m, needs, has)
    allowed: BoolMatrix | None = None
    if need.any():
        allowed = (need[:, None] & ~offer[None, :]) == 0
        start = _tagged_start(n, low, high, fixed, need, offer, rng)
    else:
        start = _initial(n, low, high, fixed, rng)
    low_arr, high_arr = np.array(low), np.array(high)
    movable = np.ones(n, dtype=bool)
    movable[list(fixed)] = False
    state = _State(weights, start, m)
    iterations = _ascend(state, low_arr, high_arr, movable, allowed, float("inf"))
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
            group_a, group_b = state.assignment[a], state.assignment[b]
            if group_a != group_b and (
                allowed is None or (allowed[a, group_b] and allowed[b, group_a])
            ):
                state.swap(a, b)
        found, value, steps = _tabu_search(
            state,
            low_arr,
            high_arr,
            movable,
            allowed,
            deadline,
            rng,
            stall_limit=STALL_FACTOR * n,
        )
        iterations += steps
        if value > best_value + _EPS:
            best, best_value = found, value
            yield Grouping(best.copy(), best_value, time.perf_counter() - started, iterations)


def best_grouping(
    weights: FloatMatrix | sparse.sparray | sparse.spmatrix,
    low: Sequence[int],
    high: Sequence[int],
    *,
    time_limit: float = 1.0,
    seed: int | random.Random | None = None,
    fixed: Mapping[int, int] | None = None,
    needs: TagArray | None = None,
    has: TagArray | None = None,
) -> Grouping:
    """The best grouping :func:`iter_groupings` finds within ``time_limit`` seconds."""
    groupings = iter_groupings(
        weights,
        low,
        high,
        time_limit=time_limit,
        seed=seed,
        fixed=fixed,
        needs=needs,
        has=has,
    )
    return deque(groupings, maxlen=1).pop()
