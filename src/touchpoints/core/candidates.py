"""Every attendee's best partners at once, with array operations only.

The pair score (:mod:`touchpoints.core.pair_score`) rests on the strongest shared
point, its *ground*: a *max*, not a sum, so it is not an inner product and an
off-the-shelf vector search does not give it. This module finds the candidates by
ground, exactly, in blocks, without a Python loop over pairs, then ranks them by the
pair score (ground blended with profile similarity):

1. Every topic (and every pair of related topics) is a *group* of attendees with one
   weight (:func:`~touchpoints.core.pair_score.ground_blocks`). Groups of at most
   ``max_group`` members are expanded into all their pairs (vectorized), and each
   pair keeps its best weight.
2. Bigger groups are the common topics, worth little. Visiting them heaviest first,
   an attendee whose k-th best partner so far scores below a group's weight takes
   partners from it, by rotation through the group's members (all of them score at
   least that weight, so any of them is exact; rotation spreads the choice instead
   of making hubs).
3. The ground of every candidate pair is then recomputed over *all* topics with a
   sparse row product, so a pair found through a big group gets its true ground, and
   blended with the pair's profile similarity into its score.

Pairs that share nothing nameable are not candidates (their score is below
``MIN_SCORE``: no reason to meet). Within a big group, the candidates are a
deterministic rotation; among them, similarity decides.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from touchpoints.core.acquaintance import AcquaintanceMap
from touchpoints.core.common_ground import CommonGround, common_ground
from touchpoints.core.pair_score import MIN_SCORE, ground_blocks, scores_at
from touchpoints.core.topics import Vocabulary

__all__ = ["MIN_SCORE", "TopMatches", "best_matches", "top_matches"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
Progress = Callable[[str, int, int], None]

#: Pairs expanded per block; bounds peak memory (about 30 bytes per pair).
_BLOCK_PAIRS = 20_000_000


@dataclass(frozen=True, eq=False)
class TopMatches:
    """Row ``i`` lists attendee ``i``'s best partners (indices, -1 = none) and scores."""

    partners: npt.NDArray[np.int32]
    scores: FloatArray

    def of(self, index: int) -> list[tuple[int, float]]:
        """The (partner index, score) list of one attendee, best first."""
        row = self.partners[index]
        return [(int(p), float(s)) for p, s in zip(row, self.scores[index], strict=True) if p >= 0]


@dataclass(frozen=True)
class _Groups:
    indptr_a: IntArray
    members_a: IntArray
    indptr_b: IntArray
    members_b: IntArray
    weight: FloatArray
    cross: npt.NDArray[np.bool_]


def _csr(lists: list[list[int]]) -> tuple[IntArray, IntArray]:
    lengths = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.fromiter((m for x in lists for m in x), dtype=np.int64, count=int(indptr[-1]))
    return indptr, flat


def _groups(vocabulary: Vocabulary) -> tuple[_Groups, sparse.csr_matrix]:
    """The ground blocks as groups, and the topic blocks as a membership matrix whose
    entries are the square roots of the weights (so a row product's max is a pair's
    best shared topic)."""
    blocks = ground_blocks(vocabulary)
    indptr_a, members_a = _csr([b.rows for b in blocks])
    indptr_b, members_b = _csr([b.cols for b in blocks])
    weights = np.array([b.weight for b in blocks], dtype=np.float32)
    cross = np.array([b.cross for b in blocks], dtype=bool)
    groups = _Groups(indptr_a, members_a, indptr_b, members_b, weights, cross)
    topics = [b.rows for b in blocks if not b.cross]
    shared = _membership_matrix(topics, np.sqrt(weights[~cross]), vocabulary.n_attendees)
    return groups, shared


def _membership_matrix(lists: list[list[int]], scale: FloatArray, n: int) -> sparse.csr_matrix:
    rows = np.fromiter((m for x in lists for m in x), dtype=np.int64)
    cols = np.repeat(np.arange(len(lists)), [len(x) for x in lists])
    data = scale[cols] if len(cols) else np.zeros(0, dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(n, len(lists)), dtype=np.float32)


def _expand(groups: _Groups, chosen: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
    """All member pairs (both directions) of the chosen groups, with their weights."""
    size_a = groups.indptr_a[chosen + 1] - groups.indptr_a[chosen]
    size_b = groups.indptr_b[chosen + 1] - groups.indptr_b[chosen]
    counts = size_a * size_b
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(chosen)), counts)
    local = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    width = size_b[owner]
    a = groups.members_a[groups.indptr_a[chosen][owner] + local // width]
    b = groups.members_b[groups.indptr_b[chosen][owner] + local % width]
    w = groups.weight[chosen][owner]
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    is_cross = groups.cross[chosen][owner][keep]
    # same-topic groups already hold both directions; cross groups need the mirror
    rows = np.concatenate([a, b[is_cross]])
    cols = np.concatenate([b, a[is_cross]])
    return rows, cols, np.concatenate([w, w[is_cross]])


def _best_per_pair(
    rows: IntArray, cols: IntArray, w: FloatArray, n: int
) -> tuple[IntArray, FloatArray]:
    """Unique pair keys (row * n + col) with the highest weight of each."""
    keys = rows * n + cols
    order = np.lexsort((-w, keys))
    keys, w = keys[order], w[order]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return keys[first], w[first]


def _merge(parts: list[tuple[IntArray, FloatArray]], n: int) -> tuple[IntArray, FloatArray]:
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    keys = np.concatenate([k for k, _ in parts])
    w = np.concatenate([x for _, x in parts])
    return _best_per_pair(keys // n, keys % n, w, n)


def _tiebreak(keys: IntArray) -> npt.NDArray[np.uint64]:
    """A fixed pseudo-random order among equal scores (spreads popular partners)."""
    mixed = keys.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return mixed ^ (mixed >> np.uint64(29))


def top_matches(
    vocabulary: Vocabulary,
    k: int = 10,
    *,
    exclude: Collection[tuple[int, int]] = (),
    max_group: int | None = None,
    progress: Progress | None = None,
) -> TopMatches:
    """Each attendee's ``k`` best partners by pair score, among those they share
    nameable ground with (the ground is exact; see the module notes).

    Parameters
    ----------
    vocabulary : Vocabulary
        The event's topics (:func:`~touchpoints.core.topics.event_topics`).
    k : int
        Partners per attendee.
    exclude : collection of (index, index)
        Pairs never to list (for example acquaintances); order does not matter.
    max_group : int, optional
        Groups up to this size are expanded pair by pair; default ``max(64, 4 k)``.
    progress : callable(stage, done, total), optional
        Called after each block of groups.

    Returns
    -------
    TopMatches
        ``partners[i]`` best first, padded with -1 when fewer than ``k`` exist.

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> from touchpoints.core.topics import event_topics
    >>> crowd = [Attendee("1", "Ann", interests=("Arsenal", "chess")),
    ...          Attendee("2", "Bo", interests=("Premier League",)),
    ...          Attendee("3", "Cy", interests=("chess", "NFL"))]
    >>> found = top_matches(event_topics(crowd), k=2)
    >>> [(partner, round(score, 2)) for partner, score in found.of(0)]
    [(2, 0.92), (1, 0.87)]
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    n = vocabulary.n_attendees
    limit = max_group if max_group is not None else max(64, 4 * k)
    groups, shared = _groups(vocabulary)
    size_a, size_b = np.diff(groups.indptr_a), np.diff(groups.indptr_b)
    sizes = size_a * size_b
    small = np.flatnonzero((size_a <= limit) & (size_b <= limit))
    parts = []
    for block, chosen in enumerate(_blocks(small, sizes)):
        rows, cols, w = _expand(groups, chosen)
        parts.append(_best_per_pair(rows, cols, w, n))
        if progress is not None:
            progress("pairs in shared topics", block + 1, -1)
    known, weight = _merge(parts, n)
    allowed = ~_excluded(known, exclude, n)
    filled = _fill_from_big_groups(known[allowed], weight[allowed], groups, small, k, n)
    known, weight = _merge([(known, weight), filled], n)
    keys = known[~_excluded(known, exclude, n)]
    if progress is not None:
        progress("scoring candidates", 1, 1)
    ground = _ground(keys, known, weight, shared, n)
    scores = scores_at(vocabulary, ground, keys // n, keys % n).astype(np.float32)
    return _rank(keys, scores, k, n)


def _blocks(chosen: IntArray, sizes: IntArray) -> list[IntArray]:
    cumulative = np.cumsum(sizes[chosen])
    cuts = np.searchsorted(
        cumulative,
        np.arange(_BLOCK_PAIRS, int(cumulative[-1]) if len(cumulative) else 0, _BLOCK_PAIRS),
    )
    return [c for c in np.split(chosen, cuts) if len(c)]


def _excluded(
    keys: IntArray, exclude: Collection[tuple[int, int]], n: int
) -> npt.NDArray[np.bool_]:
    """Which pair keys are excluded pairs, in either direction."""
    if not exclude:
        return np.zeros(len(keys), dtype=bool)
    pairs = np.array(list(exclude), dtype=np.int64).reshape(-1, 2)
    banned = np.concatenate([pairs[:, 0] * n + pairs[:, 1], pairs[:, 1] * n + pairs[:, 0]])
    return np.isin(keys, banned)


def _kth_best(keys: IntArray, weight: FloatArray, k: int, n: int) -> FloatArray:
    """Each row's k-th best candidate weight so far (0 when it has fewer than k)."""
    kth = np.zeros(n, dtype=np.float32)
    if len(keys):
        rows = keys // n
        order = np.lexsort((-weight, rows))
        rows, ranked = rows[order], weight[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left")
        kth[rows[rank == k - 1]] = ranked[rank == k - 1]
    return kth


def _fill_from_big_groups(
    keys: IntArray,
    weight: FloatArray,
    groups: _Groups,
    small: IntArray,
    k: int,
    n: int,
) -> tuple[IntArray, FloatArray]:
    """Partners from big groups for attendees whose k-th best is below the group's weight.

    Groups are visited heaviest first. Returns the new pairs with the weight of the
    group that gave them. In a topic group the partners are the next members by
    rotation; in a related pair of topics, members of one topic take partners from
    the other.
    """
    big = np.setdiff1d(np.arange(len(groups.weight)), small)
    kth = _kth_best(keys, weight, k, n)
    added: list[IntArray] = []
    weights: list[FloatArray] = []
    for group in big[np.argsort(-groups.weight[big], kind="stable")]:
        side_a = groups.members_a[groups.indptr_a[group] : groups.indptr_a[group + 1]]
        side_b = groups.members_b[groups.indptr_b[group] : groups.indptr_b[group + 1]]
        sides = [(side_b, side_a)] if groups.cross[group] else []
        for takers, givers in [(side_a, side_b), *sides]:
            needy = np.flatnonzero(kth[takers] < groups.weight[group])
            if not len(needy) or not len(givers):
                continue
            start = 0 if groups.cross[group] else 1  # in a topic, skip oneself
            take = min(len(givers) - start, 2 * k)
            offsets = np.arange(start, start + take)
            partners = givers[(needy[:, None] + offsets[None, :]) % len(givers)].ravel()
            rows = np.repeat(takers[needy], take)
            keep = rows != partners
            added.append(rows[keep] * n + partners[keep])
            weights.append(np.full(int(keep.sum()), groups.weight[group], dtype=np.float32))
            if take >= k:
                kth[takers[needy]] = groups.weight[group]
    if not added:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(added), np.concatenate(weights)


def _ground(
    keys: IntArray,
    known: IntArray,
    weight: FloatArray,
    shared: sparse.csr_matrix,
    n: int,
) -> FloatArray:
    """Exact ground of each candidate pair: best of its small-group and topic grounds."""
    scores = np.zeros(len(keys), dtype=np.float32)
    where = np.searchsorted(known, keys)
    where = np.minimum(where, max(len(known) - 1, 0))
    if len(known):
        hit = known[where] == keys
        scores[hit] = weight[where[hit]]
    rows, cols = keys // n, keys % n
    if shared.shape[1] == 0:
        return scores
    for lo in range(0, len(keys), 1_000_000):
        r, c = rows[lo : lo + 1_000_000], cols[lo : lo + 1_000_000]
        product = shared[r].multiply(shared[c]).tocsr()
        best = np.asarray(product.max(axis=1).todense()).ravel().astype(np.float32)
        scores[lo : lo + len(r)] = np.maximum(scores[lo : lo + len(r)], best)
    return scores


def _rank(keys: IntArray, scores: FloatArray, k: int, n: int) -> TopMatches:
    partners = np.full((n, k), -1, dtype=np.int32)
    best = np.zeros((n, k), dtype=np.float32)
    if len(keys):
        rows = keys // n
        order = np.lexsort((_tiebreak(keys), -scores, rows))
        rows, keys, scores = rows[order], keys[order], scores[order]
        start = np.searchsorted(rows, rows, side="left")
        rank = np.arange(len(rows)) - start
        keep = rank < k
        partners[rows[keep], rank[keep]] = (keys[keep] % n).astype(np.int32)
        best[rows[keep], rank[keep]] = scores[keep]
    return TopMatches(partners, best)


def best_matches(
    vocabulary: Vocabulary,
    k: int = 5,
    *,
    acquaintances: AcquaintanceMap | None = None,
    include_acquaintances: bool = False,
    min_score: float = MIN_SCORE,
    progress: Progress | None = None,
) -> list[list[CommonGround]]:
    """Each attendee's ``k`` best people to meet, with the shared point explained.

    Acquaintances are left out unless ``include_acquaintances``; when included, each
    ground carries the reasons in ``acquainted``. A score below ``min_score`` (nothing
    nameable, or a topic most of the crowd shares) is no reason to meet and is left
    out. An attendee with no common ground with anybody gets an empty list (never
    dropped).
    """
    exclude: list[tuple[int, int]] = []
    if acquaintances is not None and not include_acquaintances:
        exclude = [
            (vocabulary.index_of(pair.a), vocabulary.index_of(pair.b))
            for pair in acquaintances.pairs.values()
        ]
    found = top_matches(vocabulary, k, exclude=exclude, progress=progress)
    ids = vocabulary.attendee_ids
    result: list[list[CommonGround]] = []
    for index, attendee_id in enumerate(ids):
        grounds = [
            ground
            for partner, _ in found.of(index)
            if (
                ground := common_ground(
                    vocabulary, attendee_id, ids[partner], acquaintances=acquaintances
                )
            )
            is not None
            and ground.score >= min_score
        ]
        result.append(sorted(grounds, key=lambda g: -g.score))
    return result
