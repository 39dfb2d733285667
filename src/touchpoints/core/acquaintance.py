"""Who already knows whom: colleagues, people who arrived together, declared ties.

Planners keep acquaintances apart, so every pair that is not new to each other is
flagged with its reasons. "knows" and "arrived with" entries are matched against
the event's attendees by e-mail or by full name (case and accents ignored); entries
that match nobody are returned so the organizer can see them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from touchpoints.core.model import Acquaintance, AcquaintanceReason, Attendee
from touchpoints.core.text import phrase_key

__all__ = ["AcquaintanceMap", "acquaintances", "attendee_finder", "avoid_pairs"]

_LEGAL_SUFFIXES = frozenset("inc ltd llc gmbh sa bv ag plc co corp limited".split())


@dataclass(frozen=True, eq=False)
class AcquaintanceMap:
    """Acquaintances keyed by sorted id pair, plus references that matched nobody."""

    pairs: dict[tuple[str, str], Acquaintance]
    unmatched: tuple[tuple[str, str], ...]  # (attendee id, the entry as written)

    def between(self, a: str, b: str) -> Acquaintance | None:
        """The acquaintance of two attendees, if any (order does not matter)."""
        return self.pairs.get((a, b) if a < b else (b, a))


def _organization_key(name: str) -> str:
    words = [w for w in phrase_key(name).replace(".", " ").split() if w not in _LEGAL_SUFFIXES]
    return " ".join(words)


def attendee_finder(attendees: Sequence[Attendee]) -> Callable[[str], str | None]:
    """A function from an entry someone typed (an id, an e-mail or a name, in any case)
    to the attendee id it names, or None.

    >>> find = attendee_finder([Attendee("7", "Ann Lee", email="ann@x.org")])
    >>> find("ANN@x.org"), find("ann lee"), find("7"), find("Bo")
    ('7', '7', '7', None)
    """
    lookup: dict[str, str] = {}
    for attendee in attendees:
        lookup.setdefault(phrase_key(attendee.name), attendee.id)
        if attendee.email:
            lookup[attendee.email.strip().casefold()] = attendee.id
    ids = {attendee.id for attendee in attendees}

    def find(entry: str) -> str | None:
        text = entry.strip()
        if text in ids:
            return text
        return lookup.get(text.casefold()) or lookup.get(phrase_key(text))

    return find


def acquaintances(attendees: Sequence[Attendee]) -> AcquaintanceMap:
    """Every pair of attendees who are not new to each other.

    Examples
    --------
    >>> from touchpoints.core.model import Attendee
    >>> people = [Attendee("1", "Ann Lee", organization="Acme Inc."),
    ...           Attendee("2", "Bo Chen", organization="ACME"),
    ...           Attendee("3", "Cy Diaz", knows=("ann lee",))]
    >>> sorted(acquaintances(people).pairs)
    [('1', '2'), ('1', '3')]
    """
    reasons: dict[tuple[str, str], set[AcquaintanceReason]] = defaultdict(set)

    def link(a: str, b: str, reason: AcquaintanceReason) -> None:
        if a != b:
            reasons[(a, b) if a < b else (b, a)].add(reason)

    by_organization: dict[str, list[str]] = defaultdict(list)
    for attendee in attendees:
        if attendee.organization and (key := _organization_key(attendee.organization)):
            by_organization[key].append(attendee.id)
    for members in by_organization.values():
        if len(members) > 1:
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    link(a, b, AcquaintanceReason.ORGANIZATION)

    find = attendee_finder(attendees)
    unmatched: list[tuple[str, str]] = []
    for attendee in attendees:
        for entries, reason in (
            (attendee.knows, AcquaintanceReason.DECLARED),
            (attendee.arrived_with, AcquaintanceReason.ARRIVED_TOGETHER),
        ):
            for entry in entries:
                other = find(entry)
                if other is None:
                    unmatched.append((attendee.id, entry))
                else:
                    link(attendee.id, other, reason)
    order = list(AcquaintanceReason)
    pairs = {
        pair: Acquaintance(pair[0], pair[1], tuple(sorted(found, key=order.index)))
        for pair, found in sorted(reasons.items())
    }
    return AcquaintanceMap(pairs, tuple(unmatched))


def avoid_pairs(
    attendees: Sequence[Attendee],
) -> tuple[list[tuple[int, int]], list[tuple[str, str]]]:
    """Pairs (indices into ``attendees``) that one of them asked not to meet ("avoid"),
    and the entries that match nobody, as (attendee id, entry).

    >>> people = [Attendee("1", "Ann Lee", avoid=("bo chen", "Zed")), Attendee("2", "Bo Chen")]
    >>> avoid_pairs(people)
    ([(0, 1)], [('1', 'Zed')])
    """
    find = attendee_finder(attendees)
    index = {a.id: i for i, a in enumerate(attendees)}
    pairs, unmatched = [], []
    for i, attendee in enumerate(attendees):
        for entry in attendee.avoid:
            other = find(entry)
            if other is None:
                unmatched.append((attendee.id, entry))
            elif other != attendee.id:
                pairs.append((i, index[other]))
    return pairs, unmatched
