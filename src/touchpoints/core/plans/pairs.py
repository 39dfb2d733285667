"""1:1 rounds: pair people up around real common ground, round after round.

Each round is an exact maximum-weight matching (``rustworkx.max_weight_matching``, a
blossom algorithm in Rust) over the candidate pairs -- each attendee's best
:data:`PER_ROUND` partners among those they have not met -- with integer weights:

* common ground, in millionths (``rustworkx`` needs integers);
* plus a bonus larger than any sum of common ground for mutual "want to meet" pairs,
  so they come first;
* plus a seeded jitter below one millionth, so ties fall the same way for a seed.

Among matchings the largest is taken (``max_cardinality``). Pairs that met before
(earlier rounds or the history), acquaintances and "avoid" pairs are never
candidates. People the matching leaves over are paired with each other where
allowed (strangers: nothing shared, the cards say so); an odd one out joins
the pair where they fit best, as the round's only trio; anyone still left is listed
with the reason.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import rustworkx as rx
from scipy import sparse

from touchpoints.core.plans.values import Values, lookup, symmetric

__all__ = ["PairRound", "Unpaired", "greedy_matching_weight", "pair_rounds"]

IntArray = npt.NDArray[np.int64]
Pair = tuple[int, int]

#: Common ground is matched in millionths (rustworkx needs integer weights).
SCALE = 1_000_000
#: Each round matches over everybody's best remaining candidates, this many each: the
#: blossom algorithm's time grows with the edges, and lower candidates rarely win.
PER_ROUND = 5
#: Ties are broken by a seeded jitter below one unit of SCALE.
_JITTER = 1_000


@dataclass(frozen=True, slots=True)
class Unpaired:
    """Someone left without a partner in a round, and why."""

    person: int
    reason: str


@dataclass(frozen=True, eq=False)
class PairRound:
    """One round: pairs (and at most one trio) of people, and who is left over."""

    groups: tuple[tuple[int, ...], ...]
    unpaired: tuple[Unpaired, ...]

    def partners(self) -> dict[int, tuple[int, ...]]:
        """Each paired person's partner(s)."""
        return {p: tuple(q for q in group if q != p) for group in self.groups for p in group}


def _key(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def pair_rounds(
    values: Values,
    rounds: int = 1,
    *,
    present: Collection[int] | None = None,
    met_before: Collection[Pair] = (),
    never: Collection[Pair] = (),
    mutual: Collection[Pair] = (),
    seed: int = 0,
) -> tuple[PairRound, ...]:
    """Pair people for ``rounds`` rounds; nobody meets the same person twice.

    Parameters
    ----------
    values : (n, n) array or scipy sparse matrix
        Common ground of the candidate pairs (others are strangers to each other).
    rounds : int
        How many rounds.
    present : collection of int, optional
        Who takes part (default everybody): people who paused or opted out are left
        out, not listed.
    met_before : collection of (i, j)
        Pairs who met already (history): not paired again.
    never : collection of (i, j)
        Pairs never to pair: acquaintances, "avoid", time zones too far apart.
    mutual : collection of (i, j)
        Pairs who both asked to meet: paired first.
    seed : int
        Same seed, same rounds.

    Returns
    -------
    tuple of PairRound

    Examples
    --------
    >>> v = np.array([[0, .9, .1, 0], [.9, 0, 0, .2], [.1, 0, 0, .8], [0, .2, .8, 0]])
    >>> [r.groups for r in pair_rounds(v, 2, seed=1)]
    [((0, 1), (2, 3)), ((0, 2), (1, 3))]
    """
    values = symmetric(values)
    n = values.shape[0]
    people = sorted(set(range(n) if present is None else present))
    rng = random.Random(seed)
    blocked = {_key(a, b) for a, b in [*met_before, *never] if a != b}
    wanted = {_key(a, b) for a, b in mutual if a != b} - {_key(a, b) for a, b in never}
    rows, cols, weight = _candidates(values, people, blocked, PER_ROUND + rounds)
    plan = []
    for _ in range(rounds):
        matched = _match(n, rows, cols, weight, blocked, wanted, rng)
        pairs, unpaired = _complete(values, people, matched, blocked, rng)
        plan.append(PairRound(pairs, unpaired))
        for group in pairs:
            blocked.update(_key(a, b) for i, a in enumerate(group) for b in group[i + 1 :])
    return tuple(plan)


def _candidates(
    values: Values, people: list[int], blocked: set[Pair], per_person: int
) -> tuple[IntArray, IntArray, IntArray]:
    """The candidate pairs (i < j, both present, not blocked) and their weights in
    millionths, cut to everybody's ``per_person`` best: each round blocks at most one
    (or two) of them, so the rounds never run short of the best candidates."""
    matrix = sparse.triu(sparse.csr_matrix(values), k=1).tocoo()
    here = np.zeros(values.shape[0], dtype=bool)
    here[people] = True
    keep = here[matrix.row] & here[matrix.col] & (matrix.data > 0)
    rows, cols = matrix.row[keep].astype(np.int64), matrix.col[keep].astype(np.int64)
    weight = np.rint(matrix.data[keep] * SCALE).astype(np.int64)
    n = values.shape[0]
    banned = np.array(sorted(a * n + b for a, b in blocked), dtype=np.int64)
    free = ~np.isin(rows * n + cols, banned)
    rows, cols, weight = rows[free], cols[free], weight[free]
    best = _best_per_person(rows, cols, weight, per_person)
    return rows[best], cols[best], weight[best]


def _match(
    n: int,
    rows: IntArray,
    cols: IntArray,
    weight: IntArray,
    blocked: set[Pair],
    wanted: set[Pair],
    rng: random.Random,
) -> list[Pair]:
    """The maximum-weight matching over everybody's best remaining candidates."""
    keys = rows * n + cols
    banned = np.array(sorted(a * n + b for a, b in blocked), dtype=np.int64)
    free = ~np.isin(keys, banned)
    rows, cols, weight = rows[free], cols[free], weight[free]
    jitter = np.random.default_rng(rng.randrange(2**32))
    weight = weight * _JITTER + jitter.integers(0, _JITTER, len(weight))
    keep = _best_per_person(rows, cols, weight, PER_ROUND)
    pairs = zip(rows[keep].tolist(), cols[keep].tolist(), strict=True)
    edges = dict(zip(pairs, weight[keep].tolist(), strict=True))
    bonus = (int(weight.sum()) + 1) if len(weight) else 1  # more than all the rest together
    for pair in wanted - blocked:
        edges[pair] = edges.get(pair, 0) + bonus
    graph = rx.PyGraph(multigraph=False)
    graph.add_nodes_from(range(n))
    graph.add_edges_from([(a, b, w) for (a, b), w in edges.items()])
    matching = rx.max_weight_matching(graph, max_cardinality=True, weight_fn=int)
    return sorted(_key(int(a), int(b)) for a, b in matching)


def _best_per_person(rows: IntArray, cols: IntArray, weight: IntArray, k: int) -> IntArray:
    """The edges among someone's ``k`` heaviest (by either end), as indices."""
    ends = np.concatenate([rows, cols])
    edge = np.concatenate([np.arange(len(rows)), np.arange(len(rows))])
    order = np.lexsort((-np.concatenate([weight, weight]), ends))
    starts = np.searchsorted(ends[order], ends[order], side="left")
    rank = np.arange(len(order)) - starts
    return np.unique(edge[order][rank < k])


def _complete(
    values: Values,
    people: list[int],
    matched: list[Pair],
    blocked: set[Pair],
    rng: random.Random,
) -> tuple[tuple[tuple[int, ...], ...], tuple[Unpaired, ...]]:
    """Pair the people the matching left over, then form the trio, then list the rest."""
    groups: list[tuple[int, ...]] = list(matched)
    taken = {p for pair in matched for p in pair}
    left = [p for p in people if p not in taken]
    rng.shuffle(left)
    still: list[int] = []
    for person in left:  # strangers: pair with the first one still free who is allowed
        partner = next((o for o in still if _key(person, o) not in blocked), None)
        if partner is None:
            still.append(person)
        else:
            still.remove(partner)
            groups.append(_key(person, partner))
    unpaired: list[Unpaired] = []
    if len(still) == 1:
        trio = _trio(values, still[0], groups, blocked)
        if trio is not None:
            groups[trio] = tuple(sorted((*groups[trio], still.pop())))
    reason = (
        "an odd one out who has met or must avoid every pair"
        if len(still) == 1
        else "has met or must avoid everyone else still free"
    )
    unpaired += [Unpaired(p, reason) for p in sorted(still)]
    return tuple(sorted(groups)), tuple(unpaired)


def _trio(
    values: Values, person: int, groups: list[tuple[int, ...]], blocked: set[Pair]
) -> int | None:
    """The pair ``person`` may join and shares most with (None when none may)."""
    allowed = [
        g
        for g, (a, b) in enumerate(groups)
        if _key(person, a) not in blocked and _key(person, b) not in blocked
    ]
    if not allowed:
        return None
    mates = np.array([m for g in allowed for m in groups[g]], dtype=np.int64)
    shared = lookup(values, np.full(len(mates), person, dtype=np.int64), mates).reshape(-1, 2)
    score = shared.max(axis=1) * 2 + shared.sum(axis=1)  # a hook first, then the total
    return allowed[int(np.argmax(score))]


def greedy_matching_weight(values: Values, blocked: Collection[Pair] = ()) -> float:
    """The weight of the greedy matching (heaviest pair first): the obvious baseline."""
    matrix = sparse.triu(sparse.csr_matrix(symmetric(values)), k=1).tocoo()
    order = np.argsort(-matrix.data, kind="stable")
    used: set[int] = set()
    skip = {_key(a, b) for a, b in blocked}
    total = 0.0
    for k in order.tolist():
        a, b = int(matrix.row[k]), int(matrix.col[k])
        if a not in used and b not in used and (a, b) not in skip:
            used.update((a, b))
            total += float(matrix.data[k])
    return total
