"""Maximally diverse grouping: split people into groups of bounded sizes so that the
sum of within-group pair values is as high as possible.

This is the optimization under every table plan (the value of a pair is its common
ground, with penalties for pairs that must not meet) and the problem of the MDGPLIB
benchmark. The solver is an iterated tabu search [1]_: moves (one person to another
group, within the size bounds) and swaps (two people trade places) are evaluated in
O(1) each from the n x m matrix ``G[i, g]`` = value of person i with the members of
group g, which a step updates in O(n); so a step costs O(n^2) cheap operations
(compiled with numba, about 0.1 ms at n = 240). A steepest ascent gives the first
grouping; then tabu search walks on (the best step of people not recently moved, even
a worsening one), and when it stalls a few random swaps perturb the best grouping,
until the time limit. Ties between equally good steps are broken at random.

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

from touchpoints.core.plans._jit import jit
from touchpoints.core.plans._xorshift import below

__all__ = ["Grouping", "best_grouping", "grouping_value", "iter_groupings"]

FloatMatrix = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
TagArray = npt.NDArray[np.uint64]
BoolMatrix = npt.NDArray[np.bool_]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

_EPS = 1e-9
#: Perturbation: up to n / PERTURB_FRACTION random swaps before each tabu search.
PERTURB_FRACTION = 10
#: Tabu search restarts from a perturbed best after this many steps (x n) without a new best.
STALL_FACTOR = 50
#: A tabu person stays tabu for n / TENURE_DIVISORS[0] to n / TENURE_DIVISORS[1] steps.
TENURE_DIVISORS = (30, 10)


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


# the counters in ``counts`` and the values in ``values`` of the compiled search
_STEP, _STALL, _IMPROVED = 0, 1, 2
_VALUE, _BEST = 0, 1
#: Steps per call into compiled code at first (then sized to ~20 ms a call).
_FIRST_BATCH = 16
_BATCH_SECONDS = 0.02


@jit
def _rebuild(
    weights: FloatMatrix, assignment: IntArray, to_group: FloatMatrix, sizes: IntArray
) -> float:
    """Fill ``to_group`` and ``sizes`` from ``assignment``; return the value."""
    n, m = to_group.shape
    to_group[:, :] = 0.0
    sizes[:] = 0
    for i in range(n):
        sizes[assignment[i]] += 1
        row = weights[i]
        for j in range(n):
            to_group[i, assignment[j]] += row[j]
    total = 0.0
    for i in range(n):
        total += to_group[i, assignment[i]]
    return total / 2.0


@jit
def _move(
    weights: FloatMatrix,
    assignment: IntArray,
    to_group: FloatMatrix,
    sizes: IntArray,
    person: int,
    group: int,
) -> float:
    """Seat ``person`` in ``group``, keep ``to_group`` up to date; return the gain."""
    old = assignment[person]
    gain = float(to_group[person, group] - to_group[person, old])
    row = weights[person]  # symmetric: the row is the column
    for j in range(len(assignment)):
        to_group[j, old] -= row[j]
        to_group[j, group] += row[j]
    assignment[person] = group
    sizes[old] -= 1
    sizes[group] += 1
    return gain


@jit
def _swap(
    weights: FloatMatrix,
    assignment: IntArray,
    to_group: FloatMatrix,
    sizes: IntArray,
    a: int,
    b: int,
) -> float:
    group_a, group_b = assignment[a], assignment[b]
    gain = _move(weights, assignment, to_group, sizes, a, group_b)
    return gain + _move(weights, assignment, to_group, sizes, b, group_a)


@jit
def _best_step(
    weights: FloatMatrix,
    assignment: IntArray,
    to_group: FloatMatrix,
    sizes: IntArray,
    low: IntArray,
    high: IntArray,
    movable: BoolArray,
    allowed: BoolMatrix,
    tabu_until: IntArray,
    step: int,
    aspiration: float,
    own: FloatArray,
    rng: npt.NDArray[np.uint64],
) -> tuple[float, int, int]:
    """The best move or swap: ``(gain, a, b)``, a swap of a and b when ``b >= 0``, else a
    move of a to group ``-b - 1``; ``a = -1`` when there is none. A step of someone tabu
    (``tabu_until >= step``) counts only when it gains more than ``aspiration``. Ties go
    to a random one of them.

    Every candidate costs O(1) from ``to_group``: a move ``i -> g`` gains
    ``G[i, g] - G[i, t_i]``, a swap ``G[i, t_j] - G[i, t_i] + G[j, t_i] - G[j, t_j] -
    2 w[i, j]``.
    """
    n, m = to_group.shape
    for i in range(n):
        own[i] = to_group[i, assignment[i]]
    best, ties, best_a, best_b = -np.inf, 0, -1, 0
    for i in range(n):
        if not movable[i]:
            continue
        gi = assignment[i]
        free_i = tabu_until[i] < step
        own_i = own[i]
        if sizes[gi] > low[gi]:
            for g in range(m):
                if g == gi or sizes[g] >= high[g] or not allowed[i, g]:
                    continue
                gain = to_group[i, g] - own_i
                if gain < best or (not free_i and gain <= aspiration):
                    continue
                if gain > best:
                    best, ties, best_a, best_b = gain, 1, i, -g - 1
                else:
                    ties += 1
                    if below(rng, ties) == 0:
                        best_a, best_b = i, -g - 1
        row = weights[i]
        to_i = to_group[i]
        for j in range(i + 1, n):
            gj = assignment[j]
            if gj == gi:
                continue
            gain = to_i[gj] - own_i + to_group[j, gi] - own[j] - 2.0 * row[j]
            if gain < best or not movable[j]:
                continue
            if not (free_i and tabu_until[j] < step) and gain <= aspiration:
                continue
            if not (allowed[i, gj] and allowed[j, gi]):
                continue
            if gain > best:
                best, ties, best_a, best_b = gain, 1, i, j
            else:
                ties += 1
                if below(rng, ties) == 0:
                    best_a, best_b = i, j
    return best, best_a, best_b


@jit
def _take(
    weights: FloatMatrix,
    assignment: IntArray,
    to_group: FloatMatrix,
    sizes: IntArray,
    a: int,
    b: int,
) -> float:
    if b >= 0:
        return _swap(weights, assignment, to_group, sizes, a, b)
    return _move(weights, assignment, to_group, sizes, a, -b - 1)


@jit
def _ascend(
    weights: FloatMatrix,
    low: IntArray,
    high: IntArray,
    movable: BoolArray,
    allowed: BoolMatrix,
    assignment: IntArray,
    to_group: FloatMatrix,
    sizes: IntArray,
    values: FloatArray,
    own: FloatArray,
    tolerance: float,
    rng: npt.NDArray[np.uint64],
) -> int:
    """Steepest ascent with moves and swaps until no step improves; return the steps."""
    tabu_until = np.zeros(len(assignment), dtype=np.int64)
    steps = 0
    while True:
        gain, a, b = _best_step(
            weights, assignment, to_group, sizes, low, high, movable, allowed,
            tabu_until, 1, 0.0, own, rng,
        )  # fmt: skip
        if a < 0 or gain <= tolerance:
            return steps
        values[_VALUE] += _take(weights, assignment, to_group, sizes, a, b)
        steps += 1


@jit
def _iterate(
    weights: FloatMatrix,
    low: IntArray,
    high: IntArray,
    movable: BoolArray,
    allowed: BoolMatrix,
    assignment: IntArray,
    to_group: FloatMatrix,
    sizes: IntArray,
    tabu_until: IntArray,
    own: FloatArray,
    best: IntArray,
    values: FloatArray,
    counts: IntArray,
    free: IntArray,
    params: IntArray,
    tolerance: float,
    max_steps: int,
    rng: npt.NDArray[np.uint64],
) -> None:
    """``max_steps`` steps of iterated tabu search [2]_, resumable: the state lives in
    the arrays. A step takes the best move or swap of people who are not tabu (even a
    worsening one) and makes them tabu for a random tenure; after ``stall_limit``
    steps without a new best the search restarts from the best grouping perturbed by
    a few random swaps. ``best`` and ``values[_BEST]`` keep the best grouping seen and
    ``counts[_IMPROVED]`` is set when it changes.

    ``params``: stall limit, most perturbing swaps, shortest and longest tenure.

    .. [2] Gallego et al. 2013 (see the module references).
    """
    stall_limit, strength, tenure_low, tenure_high = params[0], params[1], params[2], params[3]
    for _ in range(max_steps):
        if counts[_STALL] >= stall_limit:
            assignment[:] = best
            values[_VALUE] = _rebuild(weights, assignment, to_group, sizes)
            values[_BEST] = values[_VALUE]  # sheds the rounding the steps gathered
            tabu_until[:] = 0
            for _ in range(1 + below(rng, strength)):
                a = free[below(rng, len(free))]
                b = free[below(rng, len(free))]
                group_a, group_b = assignment[a], assignment[b]
                if group_a != group_b and allowed[a, group_b] and allowed[b, group_a]:
                    values[_VALUE] += _swap(weights, assignment, to_group, sizes, a, b)
            counts[_STALL] = 0
            continue
        counts[_STEP] += 1
        step = counts[_STEP]
        aspiration = values[_BEST] - values[_VALUE] + tolerance  # a tabu step to a new best is fine
        gain, a, b = _best_step(
            weights, assignment, to_group, sizes, low, high, movable, allowed,
            tabu_until, step, aspiration, own, rng,
        )  # fmt: skip
        if a < 0:
            counts[_STALL] = stall_limit
            continue
        tenure = tenure_low + below(rng, tenure_high - tenure_low + 1)
        values[_VALUE] += _take(weights, assignment, to_group, sizes, a, b)
        tabu_until[a] = step + tenure
        if b >= 0:
            tabu_until[b] = step + tenure
        if values[_VALUE] > values[_BEST] + tolerance:
            best[:] = assignment
            values[_BEST] = values[_VALUE]
            counts[_STALL] = 0
            counts[_IMPROVED] = 1
        else:
            counts[_STALL] += 1


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
        # imported here, not at the top: the sparse solver builds on this module
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
    low_arr = np.asarray(low, dtype=np.int64)
    high_arr = np.asarray(high, dtype=np.int64)
    movable = np.ones(n, dtype=np.bool_)
    movable[list(fixed)] = False
    if allowed is None:
        allowed = np.ones((n, m), dtype=np.bool_)
    # steps that gain less than this are rounding (penalties of 1e6 sit beside values of 1)
    tolerance = _EPS * max(1.0, float(np.abs(weights).max(initial=0.0)))
    rng_state = np.array([rng.getrandbits(64) | 1], dtype=np.uint64)
    assignment = start.astype(np.int64)
    to_group = np.zeros((n, m))
    sizes = np.zeros(m, dtype=np.int64)
    own = np.zeros(n)
    values = np.zeros(2)
    values[_VALUE] = _rebuild(weights, assignment, to_group, sizes)
    iterations = _ascend(
        weights, low_arr, high_arr, movable, allowed, assignment, to_group, sizes, values,
        own, tolerance, rng_state,
    )  # fmt: skip
    best = assignment.copy()
    best_value = grouping_value(weights, best)
    yield Grouping(best.copy(), best_value, time.perf_counter() - started, iterations)
    free = np.flatnonzero(movable).astype(np.int64)
    ceiling = _upper_bound(weights, max(high))
    if len(free) < 2 or m < 2:
        return
    params = np.array(
        [
            STALL_FACTOR * n,
            max(2, len(free) // PERTURB_FRACTION),
            max(2, n // TENURE_DIVISORS[0]),
            max(3, n // TENURE_DIVISORS[1]),
        ],
        dtype=np.int64,
    )
    values[_BEST] = values[_VALUE]
    counts = np.array([0, params[0], 0], dtype=np.int64)  # stalled: perturb first
    tabu_until = np.zeros(n, dtype=np.int64)
    batch = _FIRST_BATCH
    while time.perf_counter() < deadline and best_value < ceiling - tolerance:
        began = time.perf_counter()
        _iterate(
            weights, low_arr, high_arr, movable, allowed, assignment, to_group, sizes,
            tabu_until, own, best, values, counts, free, params, tolerance, batch, rng_state,
        )  # fmt: skip
        took = time.perf_counter() - began
        left = deadline - time.perf_counter()
        if took < _BATCH_SECONDS / 2:
            batch *= 2
        elif took > _BATCH_SECONDS * 2 and batch > 1:
            batch //= 2
        if left < took and batch > 1:
            batch = max(1, int(batch * left / max(took, 1e-9)))
        if counts[_IMPROVED]:
            counts[_IMPROVED] = 0
            value = grouping_value(weights, best)
            if value > best_value + tolerance:
                best_value = value
                yield Grouping(
                    best.copy(),
                    best_value,
                    time.perf_counter() - started,
                    iterations + int(counts[_STEP]),
                )


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
