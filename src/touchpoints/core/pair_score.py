"""The one pair score: how much two attendees are worth introducing, in [0, 1].

Everything that ranks or seats people reads this score — ``match`` and the people to
meet (:mod:`~touchpoints.core.candidates`), the explanation of one pair
(:mod:`~touchpoints.core.common_ground`), the planners' pair values
(:mod:`~touchpoints.core.plans.objective`) — and it is defined only here.

It weighs two kinds of evidence:

* **ground**: the strongest *nameable* shared point — a topic both wrote
  (:func:`topic_weight`: its specificity), a topic one wrote and the other holds
  through a narrower one ("photography" / "street photography": half as much), or two
  related topics (:func:`related_score`). A generic topic ("research",
  "technology") is worth the least that is still named, :data:`MIN_SCORE`: it is a
  hook only when nothing specific is shared. Two people who hold a broad topic only
  through different narrower ones (siblings: "pottery" and "knitting" under crafts)
  share no ground: "you are both into crafts" would be a stretch;
* **similarity**: how alike the two whole profiles read
  (:class:`~touchpoints.core.profiles.Profiles`: shared rare words and close
  meanings), which tells apart pairs whose best named point is equally strong, and
  orders pairs that share nothing nameable.

:func:`blend` puts them in two bands, so that a score says honestly what it rests
on: a pair with nameable ground (at least :data:`MIN_SCORE`) scores in ``[MIN_SCORE, 1]`` —
``MIN_SCORE + (1 - MIN_SCORE) x ((1 - w) x ground + w x similarity)`` — and is
explained by that ground; any other pair scores below :data:`MIN_SCORE`
(``UNNAMED_CEILING x similarity``), which the planners and the pages read as "no
hook": similarity alone is never dressed up as a shared point.

The similarity weight ``w`` runs from :data:`LISTED_SIMILARITY_WEIGHT`, for people
who listed their interests (a shared listed interest is strong evidence), to
:data:`TEXT_SIMILARITY_WEIGHT` for people whose interests were all drawn from free
text (a phrase two abstracts share is weak evidence next to how alike the abstracts
are), by the pair's mean ``text_share``; so does the ground a pair needs to be
named (:func:`named_minimum`: from :data:`MIN_SCORE` to :data:`MIN_TEXT_GROUND`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from touchpoints.core.topics import RelatedTopics, Topic, Vocabulary

__all__ = [
    "MIN_SCORE",
    "MIN_TEXT_GROUND",
    "RELATED_WEIGHT",
    "LISTED_SIMILARITY_WEIGHT",
    "TEXT_SIMILARITY_WEIGHT",
    "UNNAMED_CEILING",
    "Block",
    "blend",
    "named_minimum",
    "ground_blocks",
    "related_score",
    "score_matrix",
    "scores_at",
    "text_shares_at",
    "topic_weight",
]

#: Ground below this is no reason to meet (a topic nearly everybody holds).
MIN_SCORE = 0.1
#: How much related ground is worth next to same ground of equal specificity.
RELATED_WEIGHT = 0.5
#: Share of profile similarity in the score of a pair with nameable ground, for
#: interests people listed and for interests drawn from free text.
LISTED_SIMILARITY_WEIGHT = 0.25
TEXT_SIMILARITY_WEIGHT = 0.85
#: The highest score a pair without nameable ground can reach (below MIN_SCORE).
UNNAMED_CEILING = 0.099
#: The ground a phrase shared by two free texts needs before it is named: only a
#: rare phrase is a point worth telling two people about.
MIN_TEXT_GROUND = 0.5

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def topic_weight(topic: Topic, *, direct: bool) -> float:
    """Ground on a topic both hold: its specificity, or RELATED_WEIGHT of it when one of
    them holds it only through a narrower topic; a generic topic both wrote is worth
    at most MIN_SCORE, below any specific named ground, and nothing otherwise."""
    weight = topic.specificity if direct else RELATED_WEIGHT * topic.specificity
    if topic.generic:
        return min(weight, MIN_SCORE) if direct and weight >= MIN_SCORE else 0.0
    return weight


def related_score(pair: RelatedTopics) -> float:
    """Ground through two related topics."""
    return RELATED_WEIGHT * pair.similarity * pair.specificity


@dataclass(frozen=True, slots=True)
class Block:
    """Every attendee in ``rows`` with every attendee in ``cols`` has ground of at least
    ``weight`` (a topic they share: ``rows is cols``; two related topics: not)."""

    weight: float
    rows: list[int]
    cols: list[int]

    @property
    def cross(self) -> bool:
        return self.rows is not self.cols


def ground_blocks(vocabulary: Vocabulary) -> list[Block]:
    """Every source of ground in the event, one block per topic (its writers among
    themselves, and its writers with those who hold it through a narrower topic) and
    per related pair of topics; blocks worth nothing are left out. A pair's ground is
    the heaviest block that holds both."""
    every, direct = vocabulary.holders()
    blocks: list[Block] = []
    for topic_id, topic in enumerate(vocabulary.topics):
        members, writers = every[topic_id], direct[topic_id]
        if writers and len(members) > len(writers):
            if (weight := topic_weight(topic, direct=False)) > 0:
                wrote = set(writers)
                blocks.append(Block(weight, writers, [m for m in members if m not in wrote]))
        if len(writers) > 1 and (weight := topic_weight(topic, direct=True)) > 0:
            blocks.append(Block(weight, writers, writers))
    for pair in vocabulary.related:
        if direct[pair.a] and direct[pair.b] and (weight := related_score(pair)) > 0:
            blocks.append(Block(weight, direct[pair.a], direct[pair.b]))
    return blocks


def scores_at(
    vocabulary: Vocabulary, ground: npt.ArrayLike, rows: IntArray, cols: IntArray
) -> FloatArray:
    """The pair scores of the pairs (rows[p], cols[p]) whose ground is known."""
    profiles = vocabulary.profiles
    if profiles is None:
        return blend(ground, np.zeros(len(rows)), np.zeros(len(rows)))
    return blend(
        ground, profiles.similarity_at(rows, cols), profiles.text_share_at(rows, cols)
    )


def score_matrix(vocabulary: Vocabulary, ground: FloatArray) -> FloatArray:
    """Every pair's score from the dense (n, n) ground matrix."""
    profiles = vocabulary.profiles
    if profiles is None:
        return blend(ground, np.zeros_like(ground), np.zeros_like(ground))
    return blend(ground, profiles.similarity_matrix(), profiles.text_share_matrix())


def named_minimum(text_share: npt.ArrayLike) -> FloatArray:
    """The least ground that is named, for a pair of this mean text share."""
    t = np.clip(np.asarray(text_share, dtype=np.float64), 0.0, 1.0)
    return MIN_SCORE + (MIN_TEXT_GROUND - MIN_SCORE) * t


def text_shares_at(vocabulary: Vocabulary, rows: IntArray, cols: IntArray) -> FloatArray:
    """The pairs' mean text shares (0 without profiles)."""
    if vocabulary.profiles is None:
        return np.zeros(len(rows), dtype=np.float64)
    return vocabulary.profiles.text_share_at(rows, cols)


def blend(
    ground: npt.ArrayLike, similarity: npt.ArrayLike, text_share: npt.ArrayLike = 0.0
) -> FloatArray:
    """The pair score from ground, profile similarity and the pair's text share (all
    in [0, 1]).

    >>> blend([1.0, 0.4, 0.05, 0.0], [1.0, 0.0, 0.5, 1.0]).round(3).tolist()
    [1.0, 0.37, 0.05, 0.099]
    """
    g = np.clip(np.asarray(ground, dtype=np.float64), 0.0, 1.0)
    s = np.clip(np.asarray(similarity, dtype=np.float64), 0.0, 1.0)
    t = np.clip(np.asarray(text_share, dtype=np.float64), 0.0, 1.0)
    w = LISTED_SIMILARITY_WEIGHT + (TEXT_SIMILARITY_WEIGHT - LISTED_SIMILARITY_WEIGHT) * t
    named = MIN_SCORE + (1.0 - MIN_SCORE) * ((1.0 - w) * g + w * s)
    return np.where(g >= named_minimum(t), named, UNNAMED_CEILING * s)
