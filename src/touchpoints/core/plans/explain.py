"""Every plan explains itself: a theme per table, a hook per seat.

The *theme* of a table is the topic most of it shares, weighed by how specific it
is (``holders x specificity``, at least two holders); a generic topic ("research",
"technology") is a theme only when the table shares nothing else. The *hook* of a seat is the
attendee's best common ground with someone at the same table; an attendee without
one is listed, never hidden.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from touchpoints.core.acquaintance import AcquaintanceMap
from touchpoints.core.common_ground import CommonGround, common_ground
from touchpoints.core.plans.seating import tables_of
from touchpoints.core.topics import Topic, Vocabulary

__all__ = ["Seat", "TableCard", "explain_plan"]


@dataclass(frozen=True, slots=True)
class Seat:
    """One attendee at one table in one round, and why they sit well there."""

    attendee: str
    hook: CommonGround | None


@dataclass(frozen=True, slots=True)
class TableCard:
    """A table in a round: its number (1-based), theme and seats."""

    round: int
    table: int
    theme: Topic | None
    theme_holders: int
    seats: tuple[Seat, ...]


def _theme(vocabulary: Vocabulary, members: Sequence[int]) -> tuple[Topic | None, int]:
    """The topic most of the table holds, weighed by specificity, generic topics last;
    among equals the one more of them wrote themselves, then the narrower one."""
    holders: Counter[int] = Counter()
    writers: Counter[int] = Counter()
    for person in members:
        for topic_id, membership in vocabulary.memberships[person].items():
            holders[topic_id] += 1
            writers[topic_id] += membership.direct
    best: tuple[bool, float, int, int, int] | None = None
    for topic_id, count in holders.items():
        if count < 2:
            continue
        topic = vocabulary.topics[topic_id]
        key = (
            not topic.generic,
            count * topic.specificity,
            writers[topic_id],
            topic.depth,
            -topic_id,
        )
        if best is None or key > best:
            best = key
    if best is None:
        return None, 0
    return vocabulary.topics[-best[4]], holders[-best[4]]


def explain_plan(
    vocabulary: Vocabulary,
    rounds: Sequence[Sequence[int]],
    *,
    acquaintances: AcquaintanceMap | None = None,
) -> tuple[TableCard, ...]:
    """The cards of a plan, round by round and table by table (numbered from 1).

    ``rounds[r][i]`` is person i's table in round r (0-based; -1 = not there).
    """
    ids = vocabulary.attendee_ids
    cards: list[TableCard] = []
    for round_number, seating in enumerate(rounds, start=1):
        tables = tables_of(seating)
        for table in sorted(tables):
            members = tables[table]
            seats = []
            for person in members:
                grounds = [
                    g
                    for other in members
                    if other != person
                    and (
                        g := common_ground(
                            vocabulary, ids[person], ids[other], acquaintances=acquaintances
                        )
                    )
                    is not None
                    and g.score > 0
                ]
                hook = max(grounds, key=lambda g: (g.score, g.b), default=None)
                seats.append(Seat(ids[person], hook))
            theme, holders = _theme(vocabulary, members)
            cards.append(TableCard(round_number, table + 1, theme, holders, tuple(seats)))
    return tuple(cards)
