"""Grouping for big events: the same problem as :mod:`~touchpoints.core.plans.grouping`
(groups of bounded sizes, the largest sum of within-group pair values) when the pair
values are a sparse matrix, so that time and memory grow with the nonzeros, not n^2.

A zero is a pair worth nothing, so a person only cares about the groups of their
neighbours (the nonzeros of their row). The state is ``table_of[i]``, the group
sizes, a linked list of each group's members, and ``own[i]``, the value of person i
with their own group. For one person the search scans their row once to get the
value ``W(i, g)`` to each neighbour's group, and the rows of their group-mates to get
``W(j, t_i)`` for everyone; then

* a move ``i -> g`` gains ``W(i, g) - own[i]``;
* a swap of i with j in group g gains
  ``W(i, g) - own[i] + W(j, t_i) - own[j] - 2 w(i, j)``.

Candidate groups are those of i's neighbours, plus a few random ones when i's own
group is a net loss (a pair to keep apart). The start is greedy: people in random
order each take the seat where their seated neighbours are worth most (within the
pools of groups that meet their tags, see ``grouping._pools``). Local search takes
each person's best step while it improves, visiting people from a queue: everybody
in random order, then whoever a step touched (the two people, their neighbours and
group-mates), and again everybody until a whole pass finds nothing.
Iterated local search [1]_ [2]_ follows: swap a few people at random among a few
groups around a random person, descend again from the queue, and undo the whole
change (from a journal of moves) if the value went down. Every step costs the
length of a few rows, so a perturbation and its repair take a fraction of a
millisecond, at 3,000 people as at 30,000 (thousands per second). The hot loops are
compiled with numba.

References
----------
.. [1] Lourenço, Martin, Stützle, "Iterated local search", Handbook of
   Metaheuristics (2003) 320-353.
.. [2] Lai, Hao, "Iterated maximum split search for the maximally diverse grouping
   problem", European Journal of Operational Research 254 (2016) 780-800.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from scipy import sparse

from touchpoints.core.plans._jit import jit
from touchpoints.core.plans._xorshift import below
from touchpoints.core.plans.grouping import Grouping, TagArray, _check_bounds, _pools, _tags

__all__ = ["iter_sparse_groupings", "symmetric_values"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
#: (indptr, indices, data) of the symmetric CSR matrix of pair values.
Graph = tuple[IntArray, IntArray, FloatArray]
#: (table_of, sizes, head, next, prev, own): the grouping and its bookkeeping.
Seats = tuple[IntArray, IntArray, IntArray, IntArray, IntArray, FloatArray]
#: (low, high, movable, needs, has): what a step must respect.
Rules = tuple[IntArray, IntArray, BoolArray, TagArray, TagArray]

#: Random groups also tried for a person whose own group is a net loss.
RANDOM_TABLES = 4
#: A perturbation reshuffles the person's group and up to this many more nearby.
REGION_TABLES = 3
#: A perturbation makes 1 to this many random swaps.
PERTURB_SWAPS = 4
#: Perturbations per call into compiled code at first (then sized to ~20 ms a call).
_FIRST_BATCH = 64
_BATCH_SECONDS = 0.02

# counters in Work.counts
_TOKEN, _QHEAD, _QLEN, _JLEN, _OVERFLOW = 0, 1, 2, 3, 4


def _journal_length(n: int) -> int:
    """Moves one perturbation and its descent may record; past it, undo rebuilds."""
    return max(4 * n, 64)


class _Work:
    """Scratch space of the compiled loops, O(n + m): reused, never reallocated."""

    def __init__(self, n: int, m: int, seed: int) -> None:
        self.acc = np.zeros(m, dtype=np.float64)  # W(i, g) of the person being looked at
        self.mark = np.full(m, -1, dtype=np.int64)  # token of the person who set acc[g]
        self.cands = np.zeros(m + RANDOM_TABLES, dtype=np.int64)
        self.to_person = np.zeros(n, dtype=np.float64)  # w(i, k) for the person i
        self.to_table = np.zeros(n, dtype=np.float64)  # W(k, t_i) for everybody k
        self.queue = np.zeros(max(n, 1), dtype=np.int64)
        self.queued = np.zeros(n, dtype=bool)
        self.counts = np.zeros(5, dtype=np.int64)
        self.journal = np.zeros((2, _journal_length(n)), dtype=np.int64)
        self.total = np.zeros(1, dtype=np.float64)
        # xorshift state; never 0
        self.rng = np.array([(seed & 0xFFFF_FFFF_FFFF_FFFF) | 1], dtype=np.uint64)


@jit
def _fits(rules: Rules, person: int, group: int) -> bool:
    return bool((rules[3][person] & ~rules[4][group]) == np.uint64(0))


@jit
def _build(graph: Graph, seats: Seats) -> float:
    """Fill sizes, member lists and ``own`` from ``table_of``; return the value."""
    indptr, indices, data = graph
    table_of, sizes, head, nxt, prv, own = seats
    sizes[:] = 0
    head[:] = -1
    total = 0.0
    for i in range(len(table_of)):
        g = table_of[i]
        sizes[g] += 1
        prv[i] = -1
        nxt[i] = head[g]
        if head[g] >= 0:
            prv[head[g]] = i
        head[g] = i
        value = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            if table_of[indices[p]] == g:
                value += data[p]
        own[i] = value
        total += value
    return total / 2.0


@jit
def _seat_greedily(
    graph: Graph,
    table_of: IntArray,
    low: IntArray,
    high: IntArray,
    people: IntArray,
    people_start: IntArray,
    groups: IntArray,
    groups_start: IntArray,
) -> None:
    """Seat each pool's people, in order, in the pool's group where their seated
    neighbours are worth most (a fresh group when none is worth anything), keeping
    enough people back to bring every group up to its lower bound."""
    indptr, indices, data = graph
    m = len(low)
    sizes = np.zeros(m, dtype=np.int64)
    for i in range(len(table_of)):
        if table_of[i] >= 0:
            sizes[table_of[i]] += 1
    acc = np.zeros(m, dtype=np.float64)
    mark = np.full(m, -1, dtype=np.int64)
    cands = np.zeros(m, dtype=np.int64)
    in_pool = np.zeros(m, dtype=np.bool_)
    for pool in range(len(people_start) - 1):
        pool_groups = groups[groups_start[pool] : groups_start[pool + 1]]
        in_pool[pool_groups] = True
        deficit = 0
        for g in pool_groups:
            deficit += max(0, low[g] - sizes[g])
        fresh = 0  # pointers: groups before them are not empty / full / at their bound
        roomy = 0
        short = 0
        first, last = people_start[pool], people_start[pool + 1]
        for step in range(first, last):
            i = people[step]
            forced = last - step == deficit  # everyone left must fill a group to its bound
            found = 0
            for p in range(indptr[i], indptr[i + 1]):
                g = table_of[indices[p]]
                if g < 0 or not in_pool[g] or sizes[g] >= high[g]:
                    continue
                if forced and sizes[g] >= low[g]:
                    continue
                if mark[g] != step:
                    mark[g] = step
                    acc[g] = 0.0
                    cands[found] = g
                    found += 1
                acc[g] += data[p]
            best, chosen = 0.0, -1
            for c in range(found):
                if acc[cands[c]] > best:
                    best, chosen = acc[cands[c]], cands[c]
            if chosen < 0:
                while fresh < len(pool_groups) and (
                    sizes[pool_groups[fresh]] > 0 or high[pool_groups[fresh]] == 0
                ):
                    fresh += 1
                while (
                    roomy < len(pool_groups)
                    and sizes[pool_groups[roomy]] >= high[pool_groups[roomy]]
                ):
                    roomy += 1
                while (
                    short < len(pool_groups)
                    and sizes[pool_groups[short]] >= low[pool_groups[short]]
                ):
                    short += 1
                if fresh < len(pool_groups) and (not forced or low[pool_groups[fresh]] > 0):
                    chosen = pool_groups[fresh]
                elif forced:
                    chosen = pool_groups[short]
                else:
                    chosen = pool_groups[roomy]
            if sizes[chosen] < low[chosen]:
                deficit -= 1
            table_of[i] = chosen
            sizes[chosen] += 1
        in_pool[pool_groups] = False


@jit
def _value(graph: Graph, table_of: IntArray) -> float:
    """The sum of within-group pair values, from scratch."""
    indptr, indices, data = graph
    total = 0.0
    for i in range(len(table_of)):
        for p in range(indptr[i], indptr[i + 1]):
            if table_of[indices[p]] == table_of[i]:
                total += data[p]
    return total / 2.0


@jit
def _ceiling(graph: Graph, keep: int) -> float:
    """No grouping beats everybody with their ``keep`` best positive partners, halved."""
    indptr, _, data = graph
    total = 0.0
    for i in range(len(indptr) - 1):
        row = np.sort(data[indptr[i] : indptr[i + 1]])[::-1]
        for p in range(min(keep, len(row))):
            if row[p] <= 0.0:
                break
            total += row[p]
    return total / 2.0


@jit
def _move(
    graph: Graph, seats: Seats, work_counts: IntArray, journal: IntArray, i: int, g: int
) -> float:
    """Seat person i in group g; return the change of the value. Journaled for undo."""
    indptr, indices, data = graph
    table_of, sizes, head, nxt, prv, own = seats
    t = table_of[i]
    delta = 0.0
    mine = 0.0
    for p in range(indptr[i], indptr[i + 1]):
        k = indices[p]
        w = data[p]
        if table_of[k] == t:
            own[k] -= w
            delta -= w
        elif table_of[k] == g:
            own[k] += w
            delta += w
            mine += w
    own[i] = mine
    # unlink from t, link at the head of g
    if prv[i] >= 0:
        nxt[prv[i]] = nxt[i]
    else:
        head[t] = nxt[i]
    if nxt[i] >= 0:
        prv[nxt[i]] = prv[i]
    prv[i] = -1
    nxt[i] = head[g]
    if head[g] >= 0:
        prv[head[g]] = i
    head[g] = i
    sizes[t] -= 1
    sizes[g] += 1
    table_of[i] = g
    length = work_counts[_JLEN]
    if length < journal.shape[1]:
        journal[0, length] = i
        journal[1, length] = t
        work_counts[_JLEN] = length + 1
    else:
        work_counts[_OVERFLOW] = 1
    return delta


@jit
def _push(queue: IntArray, queued: BoolArray, counts: IntArray, movable: BoolArray, i: int) -> None:
    if queued[i] or not movable[i]:
        return
    queued[i] = True
    queue[(counts[_QHEAD] + counts[_QLEN]) % len(queue)] = i
    counts[_QLEN] += 1


@jit
def _push_all(
    queue: IntArray, queued: BoolArray, counts: IntArray, movable: BoolArray, order: IntArray
) -> None:
    for i in order:
        _push(queue, queued, counts, movable, i)


@jit
def _push_around(
    graph: Graph,
    seats: Seats,
    rules: Rules,
    queue: IntArray,
    queued: BoolArray,
    counts: IntArray,
    i: int,
    wide: bool,
) -> None:
    """Queue person i, their group-mates and, if ``wide``, their neighbours."""
    indptr, indices, _ = graph
    movable = rules[2]
    _push(queue, queued, counts, movable, i)
    if wide:
        for p in range(indptr[i], indptr[i + 1]):
            _push(queue, queued, counts, movable, indices[p])
    _push_table(seats, rules, queue, queued, counts, seats[0][i])


@jit
def _push_table(
    seats: Seats, rules: Rules, queue: IntArray, queued: BoolArray, counts: IntArray, g: int
) -> None:
    """Queue the members of group g."""
    k = seats[2][g]
    while k >= 0:
        _push(queue, queued, counts, rules[2], k)
        k = seats[3][k]


@jit
def _best_step(
    graph: Graph,
    seats: Seats,
    rules: Rules,
    acc: FloatArray,
    mark: IntArray,
    cands: IntArray,
    to_person: FloatArray,
    to_table: FloatArray,
    counts: IntArray,
    rng: npt.NDArray[np.uint64],
    i: int,
    eps: float,
) -> tuple[float, int, int]:
    """Person i's best move or swap: (gain, group, partner or -1); gain <= eps if none."""
    indptr, indices, data = graph
    table_of, sizes, head, nxt, _, own = seats
    low, high, movable, _, _ = rules
    m = len(sizes)
    t = table_of[i]
    counts[_TOKEN] += 1
    token = counts[_TOKEN]
    found = 0
    for p in range(indptr[i], indptr[i + 1]):
        k = indices[p]
        to_person[k] = data[p]
        g = table_of[k]
        if g != t:
            if mark[g] != token:
                mark[g] = token
                acc[g] = 0.0
                cands[found] = g
                found += 1
            acc[g] += data[p]
    if own[i] < -eps and m > 1:
        for _ in range(RANDOM_TABLES):
            g = below(rng, m)
            if g != t and mark[g] != token:
                mark[g] = token
                acc[g] = 0.0
                cands[found] = g
                found += 1
    k = head[t]
    while k >= 0:
        for p in range(indptr[k], indptr[k + 1]):
            to_table[indices[p]] += data[p]
        k = nxt[k]

    best_gain, best_group, best_partner = eps, -1, -1
    can_leave = sizes[t] > low[t]
    for c in range(found):
        g = cands[c]
        if not _fits(rules, i, g):
            continue
        base = acc[g] - own[i]
        if can_leave and sizes[g] < high[g] and base > best_gain:
            best_gain, best_group, best_partner = base, g, -1
        j = head[g]
        while j >= 0:
            if movable[j] and _fits(rules, j, t):
                gain = base + to_table[j] - own[j] - 2.0 * to_person[j]
                if gain > best_gain:
                    best_gain, best_group, best_partner = gain, g, j
            j = nxt[j]

    for p in range(indptr[i], indptr[i + 1]):
        to_person[indices[p]] = 0.0
    k = head[t]
    while k >= 0:
        for p in range(indptr[k], indptr[k + 1]):
            to_table[indices[p]] = 0.0
        k = nxt[k]
    return best_gain, best_group, best_partner


@jit
def _descend(
    graph: Graph,
    seats: Seats,
    rules: Rules,
    acc: FloatArray,
    mark: IntArray,
    cands: IntArray,
    to_person: FloatArray,
    to_table: FloatArray,
    queue: IntArray,
    queued: BoolArray,
    counts: IntArray,
    journal: IntArray,
    total: FloatArray,
    rng: npt.NDArray[np.uint64],
    eps: float,
    wide: bool,
) -> int:
    """Take each queued person's best step while it gains more than eps; return the steps.

    After a step the people in both groups are queued, and with ``wide`` the
    neighbours of the two who moved as well (a thorough first descent; the iterated
    phase gets more perturbations per second without them).
    """
    table_of = seats[0]
    steps = 0
    while counts[_QLEN] > 0:
        i = queue[counts[_QHEAD]]
        counts[_QHEAD] = (counts[_QHEAD] + 1) % len(queue)
        counts[_QLEN] -= 1
        queued[i] = False
        gain, g, j = _best_step(
            graph, seats, rules, acc, mark, cands, to_person, to_table, counts, rng, i, eps
        )
        if g < 0:
            continue
        t = table_of[i]
        total[0] += _move(graph, seats, counts, journal, i, g)
        if j >= 0:
            total[0] += _move(graph, seats, counts, journal, j, t)
            _push_around(graph, seats, rules, queue, queued, counts, j, wide)
        else:
            _push_table(seats, rules, queue, queued, counts, t)
        _push_around(graph, seats, rules, queue, queued, counts, i, wide)
        steps += 1
    return steps


@jit
def _member(seats: Seats, g: int, rng: npt.NDArray[np.uint64]) -> int:
    """A random member of group g (-1 if it is empty)."""
    size = seats[1][g]
    if size == 0:
        return -1
    k = seats[2][g]
    for _ in range(below(rng, size)):
        k = seats[3][k]
    return int(k)


@jit
def _perturb(
    graph: Graph,
    seats: Seats,
    rules: Rules,
    queue: IntArray,
    queued: BoolArray,
    counts: IntArray,
    journal: IntArray,
    total: FloatArray,
    rng: npt.NDArray[np.uint64],
    region: IntArray,
) -> None:
    """Random swaps among a random person's group and a few groups of their neighbours."""
    indptr, indices, _ = graph
    table_of = seats[0]
    movable = rules[2]
    n, m = len(table_of), len(seats[1])
    a = below(rng, n)
    for _ in range(8):
        if movable[a]:
            break
        a = below(rng, n)
    region[0] = table_of[a]
    size = 1
    degree = indptr[a + 1] - indptr[a]
    for _ in range(4 * REGION_TABLES):
        if size > REGION_TABLES:
            break
        if degree > 0 and below(rng, 4) > 0:
            g = table_of[indices[indptr[a] + below(rng, degree)]]
        else:
            g = below(rng, m)
        known = False
        for r in range(size):
            known = known or region[r] == g
        if not known:
            region[size] = g
            size += 1
    if size < 2:
        return
    for _ in range(1 + below(rng, PERTURB_SWAPS)):
        g1 = region[below(rng, size)]
        g2 = region[below(rng, size)]
        if g1 == g2:
            continue
        x = _member(seats, g1, rng)
        y = _member(seats, g2, rng)
        if x < 0 or y < 0 or not movable[x] or not movable[y]:
            continue
        if not _fits(rules, x, g2) or not _fits(rules, y, g1):
            continue
        total[0] += _move(graph, seats, counts, journal, x, g2)
        total[0] += _move(graph, seats, counts, journal, y, g1)
        _push_around(graph, seats, rules, queue, queued, counts, x, False)
        _push_around(graph, seats, rules, queue, queued, counts, y, False)


@jit
def _iterate(
    graph: Graph,
    seats: Seats,
    rules: Rules,
    acc: FloatArray,
    mark: IntArray,
    cands: IntArray,
    to_person: FloatArray,
    to_table: FloatArray,
    queue: IntArray,
    queued: BoolArray,
    counts: IntArray,
    journal: IntArray,
    total: FloatArray,
    rng: npt.NDArray[np.uint64],
    eps: float,
    best_of: IntArray,
    rounds: int,
) -> int:
    """``rounds`` perturbations, each followed by a descent and undone if it lost value.

    ``best_of`` follows the accepted grouping (moves are replayed into it); sideways
    steps are accepted, which lets the search wander across plateaus.
    """
    table_of = seats[0]
    region = np.zeros(REGION_TABLES + 1, dtype=np.int64)
    steps = 0
    for _ in range(rounds):
        before = total[0]
        counts[_JLEN] = 0
        counts[_OVERFLOW] = 0
        _perturb(graph, seats, rules, queue, queued, counts, journal, total, rng, region)
        steps += _descend(
            graph, seats, rules, acc, mark, cands, to_person, to_table,
            queue, queued, counts, journal, total, rng, eps, False,
        )  # fmt: skip
        length = counts[_JLEN]
        if total[0] >= before:
            if counts[_OVERFLOW]:
                best_of[:] = table_of
            else:
                for e in range(length):
                    best_of[journal[0, e]] = table_of[journal[0, e]]
            continue
        if counts[_OVERFLOW]:
            table_of[:] = best_of
            _build(graph, seats)
        else:
            for e in range(length - 1, -1, -1):
                _move(graph, seats, counts, journal, journal[0, e], journal[1, e])
        total[0] = before
    return steps


def symmetric_values(weights: sparse.sparray | sparse.spmatrix) -> sparse.csr_array:
    """``weights`` as a float64 CSR array without its diagonal, checked to be symmetric."""
    matrix = sparse.csr_array(weights, dtype=np.float64)
    n = matrix.shape[0]
    if matrix.shape != (n, n):
        raise ValueError(f"weights must be a square matrix, got shape {matrix.shape}")
    pairs = matrix.tocoo()
    off = pairs.row != pairs.col
    matrix = sparse.csr_array(
        (pairs.data[off], (pairs.row[off], pairs.col[off])), shape=(n, n), dtype=np.float64
    )
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    asymmetry = abs(matrix - matrix.T)
    scale = float(abs(matrix).max()) if matrix.nnz else 0.0
    if asymmetry.nnz and float(asymmetry.max()) > 1e-9 * max(1.0, scale):
        raise ValueError("weights must be symmetric: w[i, j] == w[j, i]")
    matrix.sort_indices()
    return matrix


def iter_sparse_groupings(
    weights: sparse.sparray | sparse.spmatrix,
    low: Sequence[int],
    high: Sequence[int],
    *,
    time_limit: float = 1.0,
    seed: int | random.Random | None = None,
    fixed: Mapping[int, int] | None = None,
    needs: TagArray | None = None,
    has: TagArray | None = None,
) -> Iterator[Grouping]:
    """Yield ever better groupings of a sparse matrix of pair values until ``time_limit``.

    Same contract as :func:`~touchpoints.core.plans.grouping.iter_groupings` (which
    calls this one for sparse input); time and memory grow with ``n + m + nnz``.

    Parameters
    ----------
    weights : (n, n) scipy sparse matrix or array
        Symmetric pair values; missing pairs are worth 0, the diagonal is ignored.
        Negative values keep pairs apart (-1e6: never together), large positive ones
        keep them together.
    low, high : sequences of int
        Size bounds of each group.
    time_limit : float
        Seconds to search; the first local optimum is always reached and yielded.
    seed : int, random.Random or None
        Same seed, same inputs: same first grouping, and the same sequence after it
        (how far the sequence gets depends on the time).
    fixed : mapping person -> group, optional
        Pinned seats.
    needs, has : uint64 arrays of shapes (n,) and (m,), optional
        Tag bits each person needs and each group offers.

    Yields
    ------
    Grouping
        Each strictly better than the one before.

    Raises
    ------
    ValueError
        When the people cannot fit the bounds, the pins or the tags, or ``weights``
        is not a symmetric square matrix.

    Examples
    --------
    >>> w = sparse.csr_array(([5.0, 5.0, 3.0, 3.0], ([0, 1, 2, 3], [1, 0, 3, 2])), shape=(4, 4))
    >>> [g.value for g in iter_sparse_groupings(w, [2, 2], [2, 2], seed=1)][-1]
    8.0
    """
    started = time.perf_counter()
    matrix = symmetric_values(weights)
    n, m = matrix.shape[0], len(low)
    fixed = dict(fixed or {})
    _check_bounds(n, low, high, fixed)
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    deadline = started + time_limit
    need, offer = _tags(n, m, needs, has)
    graph: Graph = (
        matrix.indptr.astype(np.int64),
        matrix.indices.astype(np.int64),
        matrix.data.astype(np.float64),
    )
    table_of, pools = _pools(n, low, high, fixed, need, offer, rng)
    _seat_greedily(
        graph,
        table_of,
        np.asarray(low, dtype=np.int64),
        np.asarray(high, dtype=np.int64),
        *_flatten([people for people, _ in pools]),
        *_flatten([groups for _, groups in pools]),
    )
    movable = np.ones(n, dtype=bool)
    movable[list(fixed)] = False
    rules: Rules = (
        np.asarray(low, dtype=np.int64),
        np.asarray(high, dtype=np.int64),
        movable,
        need,
        offer,
    )
    seats: Seats = (
        table_of,
        np.zeros(m, dtype=np.int64),
        np.zeros(m, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.float64),
    )
    work = _Work(n, m, rng.getrandbits(64))
    scale = float(np.abs(graph[2]).max()) if len(graph[2]) else 0.0
    eps = 1e-9 + 1e-12 * scale  # rounding of +-1e6 values must not look like a gain
    work.total[0] = float(_build(graph, seats))
    order = np.random.default_rng(rng.getrandbits(64)).permutation(n)
    iterations = 0
    while True:  # until a pass over everybody finds nothing (the queue can miss a step)
        _push_all(work.queue, work.queued, work.counts, movable, order)
        steps = int(_descend(*_loop_args(graph, seats, rules, work), eps, True))
        iterations += steps
        if steps == 0:
            break
    best_value = float(_value(graph, table_of))
    work.total[0] = best_value
    yield Grouping(table_of.copy(), best_value, time.perf_counter() - started, iterations)

    ceiling = float(_ceiling(graph, max(0, min(int(max(high)), n) - 1)))
    best_of = table_of.copy()
    batch = _FIRST_BATCH
    can_swap = m > 1 and int(movable.sum()) > 1
    while can_swap and time.perf_counter() < deadline and best_value < ceiling - eps:
        tick = time.perf_counter()
        iterations += int(_iterate(*_loop_args(graph, seats, rules, work), eps, best_of, batch))
        spent = time.perf_counter() - tick
        batch = max(1, min(4 * batch, int(batch * _BATCH_SECONDS / max(spent, 1e-6))))
        if work.total[0] > best_value + eps:
            value = float(_value(graph, table_of))
            work.total[0] = value
            if value > best_value + eps:
                best_value = value
                yield Grouping(
                    table_of.copy(), best_value, time.perf_counter() - started, iterations
                )


def _loop_args(
    graph: Graph, seats: Seats, rules: Rules, work: _Work
) -> tuple[
    Graph,
    Seats,
    Rules,
    FloatArray,
    IntArray,
    IntArray,
    FloatArray,
    FloatArray,
    IntArray,
    BoolArray,
    IntArray,
    IntArray,
    FloatArray,
    npt.NDArray[np.uint64],
]:
    return (
        graph,
        seats,
        rules,
        work.acc,
        work.mark,
        work.cands,
        work.to_person,
        work.to_table,
        work.queue,
        work.queued,
        work.counts,
        work.journal,
        work.total,
        work.rng,
    )


def _flatten(parts: list[IntArray]) -> tuple[IntArray, IntArray]:
    """Concatenated arrays and their start offsets (CSR style)."""
    starts = np.zeros(len(parts) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(part) for part in parts])
    flat = np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
    return flat, starts
