"""Pair values for planners: the common ground of every pair of an event, as a matrix.

Planners optimize sums of pair values, so they need the score of *every* pair, not
only everyone's top k. The matrix is built topic by topic (a Python loop over topics
and related topic pairs, never over pairs of people): a topic held by ``c`` people
writes its weight into a ``c x c`` block, keeping the larger of the old and new value,
which gives exactly the strongest shared point of each pair.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from touchpoints.core.common_ground import RELATED_WEIGHT, related_score
from touchpoints.core.topics import Vocabulary

__all__ = ["pair_values"]

FloatMatrix = npt.NDArray[np.float64]


def pair_values(vocabulary: Vocabulary) -> FloatMatrix:
    """The (n, n) matrix of common-ground scores (0 on the diagonal and where none).

    Equals :func:`~touchpoints.core.common_ground.common_ground` ``.score`` for every
    pair; memory is ``8 n^2`` bytes (200 MB at 5,000 people).

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> from touchpoints.core.topics import event_topics
    >>> crowd = [Attendee("1", "Ann", interests=("chess",)),
    ...          Attendee("2", "Bo", interests=("chess",)),
    ...          Attendee("3", "Cy", interests=("pottery",))]
    >>> pair_values(event_topics(crowd)).tolist()
    [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    n = vocabulary.n_attendees
    values = np.zeros((n, n), dtype=np.float64)
    every, direct = vocabulary.holders()
    blocks: list[tuple[float, list[int], list[int]]] = []
    for topic_id, members in enumerate(every):
        spec = vocabulary.topics[topic_id].specificity
        blocks.append((RELATED_WEIGHT * spec, members, members))
        if len(direct[topic_id]) > 1:
            blocks.append((spec, direct[topic_id], direct[topic_id]))
    for pair in vocabulary.related:
        score = related_score(pair)
        blocks.append((score, direct[pair.a], direct[pair.b]))
        blocks.append((score, direct[pair.b], direct[pair.a]))
    for weight, rows, cols in blocks:
        if rows and cols:
            index = np.ix_(rows, cols)
            values[index] = np.maximum(values[index], weight)
    np.fill_diagonal(values, 0.0)
    return np.clip(values, 0.0, 1.0)
