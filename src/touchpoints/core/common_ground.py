"""Common ground: for a pair, the single strongest shared topic, explained in words.

The strength of a shared topic is its specificity in this crowd
(:func:`~touchpoints.core.pair_score.topic_weight`). A topic both wrote about
directly is *same* ground; a topic one of them holds only through a narrower one (a
shared broader concept) or two related topics are *related* ground, worth
:data:`~touchpoints.core.pair_score.RELATED_WEIGHT` times as much and labelled so.
The ground's ``score`` is the pair score (:mod:`touchpoints.core.pair_score`), the
same number every ranking and planner uses.

:func:`common_ground` explains one pair; :func:`~touchpoints.core.candidates.top_matches`
finds every attendee's best k partners at once with array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from touchpoints.core.acquaintance import AcquaintanceMap
from touchpoints.core.model import AcquaintanceReason
from touchpoints.core.pair_score import (
    named_minimum,
    related_score,
    scores_at,
    text_shares_at,
    topic_weight,
)
from touchpoints.core.topics import Topic, TopicKind, Vocabulary

__all__ = ["CommonGround", "GroundKind", "common_ground"]


class GroundKind(StrEnum):
    """Whether two people share the same topic or only related ones."""

    SAME = "same"
    RELATED = "related"


@dataclass(frozen=True, slots=True)
class CommonGround:
    """The strongest shared point of two attendees, ``a`` being the viewer.

    ``score`` is the pair score, in [:data:`~touchpoints.core.pair_score.MIN_SCORE`, 1]
    (ground and profile similarity); ``strength`` the ground alone. ``count`` of
    ``total`` attendees hold the topic (for related ground through two topics: either
    of them).
    """

    a: str
    b: str
    score: float
    kind: GroundKind
    topic: Topic
    other_topic: Topic | None
    phrase_a: str
    phrase_b: str
    count: int
    total: int
    acquainted: tuple[AcquaintanceReason, ...] = ()
    strength: float = 0.0

    @property
    def explanation(self) -> str:
        """The shared point in words, addressed to ``a``."""
        return _explain(self)

    def reversed(self) -> CommonGround:
        """The same ground seen from ``b``'s side."""
        return CommonGround(
            self.b,
            self.a,
            self.score,
            self.kind,
            self.other_topic or self.topic,
            self.topic if self.other_topic else None,
            self.phrase_b,
            self.phrase_a,
            self.count,
            self.total,
            self.acquainted,
            self.strength,
        )


def _quote(text: str) -> str:
    return "“" + " ".join(text.split()) + "”"


def _phrases(ground: CommonGround) -> str:
    if ground.phrase_a.casefold() == ground.phrase_b.casefold():
        return f"you both wrote {_quote(ground.phrase_a)}"
    return f"you: {_quote(ground.phrase_a)}; they: {_quote(ground.phrase_b)}"


def _people(count: int, total: int, verb: str) -> str:
    noun = "person" if total == 1 else "people"
    return f"{count} of {total} {noun} here {verb}"


def _explain(ground: CommonGround) -> str:
    topic = ground.topic
    if ground.kind is GroundKind.RELATED:
        if ground.other_topic is not None:
            what = f"related interests, {topic.label} and {ground.other_topic.label}"
            tail = _people(ground.count, ground.total, "share one of them")
        else:
            what = f"related interests in {topic.label}"
            tail = _people(ground.count, ground.total, "are into it")
        return f"You have {what} ({_phrases(ground)}) — {tail}."
    lead, verb = _wording(topic)
    tail = _people(ground.count, ground.total, verb)
    return f"{lead} {topic.label} ({_phrases(ground)}) — {tail}."


def _wording(topic: Topic) -> tuple[str, str]:
    """How same ground on this topic starts, and the verb for "N of M people here …"."""
    if topic.kind is TopicKind.HOMETOWN:
        return "You both come from", "do"
    if topic.kind is TopicKind.LANGUAGE:
        return "You both speak", "do"
    if topic.verb == "follow":
        return "You both follow", "do"
    return "You’re both into", "are"


def _candidates(vocabulary: Vocabulary, i: int, j: int) -> list[tuple[float, int, int, int | None]]:
    """(score, tie-break, topic, other topic) for every shared point of i and j."""
    mine = vocabulary.memberships[i]
    theirs = vocabulary.memberships[j]
    found: list[tuple[float, int, int, int | None]] = []
    for topic_id, membership in mine.items():
        other = theirs.get(topic_id)
        if other is None:
            continue
        if not (membership.direct or other.direct):
            continue  # siblings under a broader topic: no true sentence links them
        topic = vocabulary.topics[topic_id]
        direct = membership.direct and other.direct
        if (weight := topic_weight(topic, direct=direct)) > 0:
            found.append((weight, 2 if direct else 1, topic_id, None))
    for topic_id, membership in mine.items():
        if not membership.direct:
            continue
        for pair in vocabulary.related_to(topic_id):
            other_id = pair.b if pair.a == topic_id else pair.a
            if other_id in theirs and theirs[other_id].direct:
                found.append((related_score(pair), 0, topic_id, other_id))
    return found


def common_ground(
    vocabulary: Vocabulary,
    a: str,
    b: str,
    *,
    acquaintances: AcquaintanceMap | None = None,
) -> CommonGround | None:
    """The strongest shared topic of attendees ``a`` and ``b`` (ids), or None when
    they share nothing nameable (:func:`~touchpoints.core.pair_score.named_minimum`:
    generic topics, topics nearly everybody holds and, between free texts, phrases
    that are not rare are no reason to meet).

    Ties go to same ground over related ground, then to the rarer topic, then to
    the narrower one, then to the lower topic id, so the result is deterministic
    and symmetric.

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> from touchpoints.core.topics import event_topics
    >>> crowd = [Attendee("1", "Ann", interests=("Arsenal",)),
    ...          Attendee("2", "Bo", interests=("Premier League",)),
    ...          Attendee("3", "Cy", interests=("NFL",)),
    ...          Attendee("4", "Di", interests=("NFL",))]
    >>> ground = common_ground(event_topics(crowd), "1", "2")
    >>> ground.topic.label, ground.strength
    ('English football', 1.0)
    >>> print(ground.explanation)  # doctest: +NORMALIZE_WHITESPACE
    You both follow English football (you: “Arsenal”; they: “Premier League”)
    — 2 of 4 people here do.
    """
    if a == b:
        raise ValueError(f"common ground needs two different attendees, got {a!r} twice")
    i, j = vocabulary.index_of(a), vocabulary.index_of(b)
    found = _candidates(vocabulary, i, j)
    pair = np.array([i], dtype=np.int64), np.array([j], dtype=np.int64)
    needed = named_minimum(text_shares_at(vocabulary, *pair))[0]
    if not found or max(item[0] for item in found) < needed:
        return None
    topics = vocabulary.topics

    def rank(item: tuple[float, int, int, int | None]) -> tuple[float, int, int, int, int]:
        score, kind_rank, topic_id, other_id = item
        low, high = sorted((topic_id, other_id if other_id is not None else topic_id))
        topic = topics[topic_id]
        return (-score, -kind_rank, topic.attendee_count, -topic.depth, low * len(topics) + high)

    score, kind_rank, topic_id, other_id = min(found, key=rank)
    if other_id is None:
        count = topics[topic_id].attendee_count
        phrase_b = vocabulary.memberships[j][topic_id].phrase
    else:
        count = next(
            p.attendee_count for p in vocabulary.related_to(topic_id) if other_id in (p.a, p.b)
        )
        phrase_b = vocabulary.memberships[j][other_id].phrase
    acquainted = acquaintances.between(a, b) if acquaintances else None
    strength = float(min(1.0, max(0.0, score)))
    return CommonGround(
        a=a,
        b=b,
        score=float(scores_at(vocabulary, [strength], *pair)[0]),
        kind=GroundKind.SAME if kind_rank == 2 else GroundKind.RELATED,
        topic=topics[topic_id],
        other_topic=topics[other_id] if other_id is not None else None,
        phrase_a=vocabulary.memberships[i][topic_id].phrase,
        phrase_b=phrase_b,
        count=count,
        total=vocabulary.n_attendees,
        acquainted=acquainted.reasons if acquainted else (),
        strength=strength,
    )
