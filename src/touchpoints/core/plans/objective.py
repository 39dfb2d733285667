"""Pair values for planners: the pair score of every pair of an event, as a matrix.

Planners optimize sums of pair values, so they need the score
(:mod:`touchpoints.core.pair_score`) of *every* pair, not only everyone's top k. The
ground part is built block by block (a Python loop over topics and related topic
pairs, never over pairs of people): a topic held by ``c`` people writes its weight
into a ``c x c`` block, keeping the larger of the old and new value, which gives
exactly the strongest shared point of each pair; it is then blended with the
profiles' similarity.

For big events :func:`sparse_pair_values` keeps only each attendee's best partners
(from :func:`~touchpoints.core.candidates.top_matches`), with the same exact values.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse

from touchpoints.core.candidates import top_matches
from touchpoints.core.pair_score import Block, ground_blocks, score_matrix, scores_at
from touchpoints.core.plans._jit import jit
from touchpoints.core.topics import Vocabulary

__all__ = ["DENSE_LIMIT", "pair_values", "pair_values_at", "plan_values", "sparse_pair_values"]

#: Up to this many attendees planners get every pair (8 n^2 bytes: 32 MB at 2,000).
DENSE_LIMIT = 2_000

FloatMatrix = npt.NDArray[np.float64]


def pair_values(vocabulary: Vocabulary) -> FloatMatrix:
    """The (n, n) matrix of pair scores (0 on the diagonal).

    Equals :func:`~touchpoints.core.common_ground.common_ground` ``.score`` for every
    pair with common ground (and the similarity-only score, below ``MIN_SCORE``, for
    the others); memory is ``8 n^2`` bytes (200 MB at 5,000 people).

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> from touchpoints.core.topics import event_topics
    >>> crowd = [Attendee("1", "Ann", interests=("chess",)),
    ...          Attendee("2", "Bo", interests=("chess",)),
    ...          Attendee("3", "Cy", interests=("pottery",))]
    >>> pair_values(event_topics(crowd)).round(2).tolist()
    [[0.0, 1.0, 0.02], [1.0, 0.0, 0.02], [0.02, 0.02, 0.0]]
    """
    n = vocabulary.n_attendees
    ground = np.zeros((n, n), dtype=np.float64)
    for block in _both_ways(ground_blocks(vocabulary)):
        index = np.ix_(block.rows, block.cols)
        ground[index] = np.maximum(ground[index], block.weight)
    values = score_matrix(vocabulary, ground)
    np.fill_diagonal(values, 0.0)
    return values


def _both_ways(blocks: list[Block]) -> list[Block]:
    """The blocks with each block of two related topics also written the other way round
    (the lookups below want the row attendee on the row side)."""
    return blocks + [Block(b.weight, b.cols, b.rows) for b in blocks if b.cross]


def plan_values(
    vocabulary: Vocabulary, *, dense: bool | None = None
) -> FloatMatrix | sparse.csr_array:
    """The pair values a planner should use: every pair (:func:`pair_values`) up to
    :data:`DENSE_LIMIT` attendees or when ``dense`` is True, else each attendee's best
    partners (:func:`sparse_pair_values`)."""
    if dense or (dense is None and vocabulary.n_attendees <= DENSE_LIMIT):
        return pair_values(vocabulary)
    return sparse_pair_values(vocabulary)


def sparse_pair_values(vocabulary: Vocabulary, k: int = 30) -> sparse.csr_array:
    """The values of each attendee's ``k`` best partners, as a symmetric sparse matrix.

    The pairs are those of :func:`~touchpoints.core.candidates.top_matches` in either
    direction (so a row may hold more than ``k``); each value equals
    :func:`pair_values` at that position (:func:`pair_values_at`); the diagonal and
    the pairs worth 0 are left out. Memory is about ``n k`` plus the attendees' topic
    memberships.

    Returns
    -------
    scipy.sparse.csr_array
        (n, n) float64, symmetric, sorted indices.

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> from touchpoints.core.topics import event_topics
    >>> crowd = [Attendee("1", "Ann", interests=("chess",)),
    ...          Attendee("2", "Bo", interests=("chess",)),
    ...          Attendee("3", "Cy", interests=("pottery",))]
    >>> sparse_pair_values(event_topics(crowd), k=1).toarray().tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    n = vocabulary.n_attendees
    partners = top_matches(vocabulary, k).partners.astype(np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), partners.shape[1])
    cols = partners.ravel()
    found = (cols >= 0) & (cols != rows)
    rows, cols = rows[found], cols[found]
    keys = np.unique(np.concatenate([rows * n + cols, cols * n + rows]))
    rows, cols = keys // n, keys % n
    values = pair_values_at(vocabulary, rows, cols)
    matrix = sparse.csr_array((values, (rows, cols)), shape=(n, n), dtype=np.float64)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def pair_values_at(
    vocabulary: Vocabulary, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64]
) -> npt.NDArray[np.float64]:
    """The exact pair scores of the pairs (rows[p], cols[p]), for any pairs (say,
    everybody seated together in a plan), without building a matrix; 0 for a person
    with themselves."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    blocks = _both_ways(ground_blocks(vocabulary))
    ground = _block_values(blocks, rows, cols, vocabulary.n_attendees)
    values = scores_at(vocabulary, ground, rows, cols)
    return np.where(rows == cols, 0.0, values)


def _block_values(
    blocks: list[Block], rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int64], n: int
) -> npt.NDArray[np.float64]:
    """The best block weight of each pair (rows[p], cols[p]), clipped to [0, 1].

    Pairs sorted by row are fastest. Every attendee's blocks are listed (CSR)
    heaviest first, once as the row side and once as the column side of a block.
    """
    weights = np.array([b.weight for b in blocks], dtype=np.float64)
    heaviest = np.argsort(-weights, kind="stable")
    left_start, left = _memberships([blocks[b].rows for b in heaviest], n)
    right_start, right = _memberships([blocks[b].cols for b in heaviest], n)
    values = _best_shared(left_start, left, right_start, right, weights[heaviest], rows, cols)
    return np.clip(values, 0.0, 1.0)


def _memberships(lists: list[list[int]], n: int) -> tuple[npt.NDArray[np.int64], ...]:
    """Per attendee, the indices of the lists that hold them, in order (CSR)."""
    sizes = np.array([len(x) for x in lists], dtype=np.int64)
    members = np.concatenate(
        [np.asarray(x, dtype=np.int64) for x in lists] + [np.zeros(0, np.int64)]
    )
    owners = np.repeat(np.arange(len(lists), dtype=np.int64), sizes)
    starts = np.zeros(n + 1, dtype=np.int64)
    starts[1:] = np.cumsum(np.bincount(members, minlength=n))
    return starts, owners[np.argsort(members, kind="stable")]


@jit
def _best_shared(
    left_start: npt.NDArray[np.int64],
    left: npt.NDArray[np.int64],
    right_start: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64],
    cols: npt.NDArray[np.int64],
) -> npt.NDArray[np.float64]:
    """For each pair, the heaviest block with the row on its left and the column on its
    right: mark the row's blocks, then walk the column's blocks heaviest first."""
    values = np.zeros(len(rows), dtype=np.float64)
    marked = np.full(len(weights), -1, dtype=np.int64)
    current = -1
    for p in range(len(rows)):
        a, b = rows[p], cols[p]
        if a != current:
            current = a
            for q in range(left_start[a], left_start[a + 1]):
                marked[left[q]] = a
        for q in range(right_start[b], right_start[b + 1]):
            if marked[right[q]] == a:
                values[p] = weights[right[q]]
                break
    return values
