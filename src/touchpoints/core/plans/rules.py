"""Hard rules of a seating: pairs kept apart, groups kept together, pinned seats and
table tags (an accessible table, a language).

Rules are checked before planning, so an impossible combination fails at once with
an :class:`~touchpoints.errors.InfeasiblePlanError` that names the rule and the people;
after planning, :func:`broken_rules` describes every rule a seating breaks (a plan
is only returned with none).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import numpy.typing as npt

from touchpoints.errors import InfeasiblePlanError

__all__ = ["MAX_TAGS", "Rules", "broken_rules", "check_rules"]

Pair = tuple[int, int]
IntArray = npt.NDArray[np.int64]

#: Distinct table tags a plan can use (they are bits of a 64-bit word).
MAX_TAGS = 64


@dataclass(frozen=True)
class Rules:
    """What must hold in every round (people are 0-based indices, tables too).

    ``keep_apart``: pairs that never share a table. ``keep_together``: groups that
    always share one. ``pinned``: person -> the table they sit at in every round (a
    host, say). ``needs``: person -> tags their table must have; ``table_tags``:
    table -> tags it has.
    """

    keep_apart: Sequence[Pair] = ()
    keep_together: Sequence[Sequence[int]] = ()
    pinned: Mapping[int, int] = field(default_factory=dict)
    needs: Mapping[int, frozenset[str]] = field(default_factory=dict)
    table_tags: Mapping[int, frozenset[str]] = field(default_factory=dict)

    def pins(self) -> dict[int, int]:
        """Pinned seats, with each pinned person's keep-together group pinned along."""
        pins = dict(self.pinned)
        for group in self.keep_together:
            tables = {pins[p] for p in group if p in pins}
            if len(tables) == 1:
                pins.update(dict.fromkeys(group, tables.pop()))
        return pins

    def tag_bits(self, people: int, tables: int) -> tuple[npt.NDArray[np.uint64], ...]:
        """(needs, has): each person's needed tags and each table's tags as bit sets."""
        names = sorted(set().union(*self.needs.values(), *self.table_tags.values()))
        if len(names) > MAX_TAGS:
            raise InfeasiblePlanError(f"at most {MAX_TAGS} table tags, got {len(names)}")
        bit = {name: np.uint64(1) << np.uint64(i) for i, name in enumerate(names)}
        needs = np.zeros(people, dtype=np.uint64)
        has = np.zeros(tables, dtype=np.uint64)
        for person, tags in self.needs.items():
            for tag in tags:
                needs[person] |= bit[tag]
        for table, tags in self.table_tags.items():
            for tag in tags:
                has[table] |= bit[tag]
        return needs, has

    def exempt_pairs(self) -> set[Pair]:
        """Pairs the rules seat together every round: meeting again is no repeat."""
        pairs = {_pair(a, b) for group in self.keep_together for a, b in combinations(group, 2)}
        by_table: dict[int, list[int]] = {}
        for person, table in self.pins().items():
            by_table.setdefault(table, []).append(person)
        for members in by_table.values():
            pairs.update(_pair(a, b) for a, b in combinations(members, 2))
        return pairs

    def fixed_people(self) -> set[int]:
        """People local repairs must not move: pinned, or in a keep-together group."""
        return set(self.pins()) | {p for group in self.keep_together for p in group}


def _pair(a: int, b: int) -> Pair:
    return (a, b) if a < b else (b, a)


def check_rules(
    rules: Rules, capacities: Sequence[int], people: int, names: Sequence[str] | None = None
) -> None:
    """Refuse rules that no seating can meet, naming the rule.

    Raises
    ------
    InfeasiblePlanError
        For example a keep-together group larger than any table, or more people
        needing an accessible table than accessible tables have seats.
    """

    def who(person: int) -> str:
        return names[person] if names is not None else f"person {person}"

    tables = len(capacities)
    everyone = [p for pair in rules.keep_apart for p in pair]
    everyone += [p for group in rules.keep_together for p in group]
    everyone += list(rules.pinned) + list(rules.needs)
    for person in everyone:
        if not 0 <= person < people:
            raise ValueError(f"rule names person {person}, but there are {people}")
    for table in [*rules.pinned.values(), *rules.table_tags]:
        if not 0 <= table < tables:
            raise InfeasiblePlanError(f"table {table + 1} does not exist: there are {tables}")
    needs, has = rules.tag_bits(people, tables)
    apart = {_pair(a, b) for a, b in rules.keep_apart}
    for a, b in apart:
        if a == b:
            raise InfeasiblePlanError(f"{who(a)} cannot be kept apart from themselves")
    largest = max(capacities)
    for group in rules.keep_together:
        label = "keep-together group " + ", ".join(who(p) for p in group)
        if len(group) > largest:
            raise InfeasiblePlanError(
                f"{label}: {len(group)} people do not fit the largest table ({largest} seats)"
            )
        for a, b in combinations(group, 2):
            if _pair(a, b) in apart:
                raise InfeasiblePlanError(f"{label}: {who(a)} and {who(b)} must be kept apart")
        pinned_to = {rules.pinned[p] for p in group if p in rules.pinned}
        if len(pinned_to) > 1:
            raise InfeasiblePlanError(f"{label}: pinned to different tables")
        group_needs = np.bitwise_or.reduce(needs[list(group)]) if len(group) else np.uint64(0)
        fits = [t for t in range(tables) if group_needs & ~has[t] == 0]
        if not any(capacities[t] >= len(group) for t in fits):
            raise InfeasiblePlanError(f"{label}: no table has all the tags they need")
    pins = rules.pins()
    for table, count in Counter(pins.values()).items():
        if count > capacities[table]:
            raise InfeasiblePlanError(
                f"{count} people are pinned to table {table + 1}, which seats {capacities[table]}"
            )
    for person, table in pins.items():
        if needs[person] & ~has[table]:
            raise InfeasiblePlanError(
                f"{who(person)} is pinned to table {table + 1}, "
                f"which lacks {_tags(rules.needs.get(person, frozenset()), rules, table)}"
            )
    for a, b in apart:
        if a in pins and b in pins and pins[a] == pins[b]:
            raise InfeasiblePlanError(
                f"{who(a)} and {who(b)} must be kept apart but are pinned to table {pins[a] + 1}"
            )
    for tag in sorted(set().union(*rules.needs.values())):
        wanting = [p for p, tags in rules.needs.items() if tag in tags]
        seats = sum(c for t, c in enumerate(capacities) if tag in rules.table_tags.get(t, ()))
        if len(wanting) > seats:
            raise InfeasiblePlanError(
                f"{len(wanting)} people need a {tag!r} table, but such tables seat {seats}"
                + (f" (e.g. {who(wanting[0])})" if seats == 0 else "")
            )


def _tags(needed: frozenset[str], rules: Rules, table: int) -> str:
    missing = sorted(needed - rules.table_tags.get(table, frozenset()))
    return " and ".join(repr(tag) for tag in missing)


def broken_rules(
    rules: Rules, seating: Sequence[int] | IntArray, names: Sequence[str] | None = None
) -> list[str]:
    """Every rule ``seating`` (person -> table, -1 = not there) breaks, in words.

    People who are not there (a no-show) cannot break a rule.
    """

    def who(person: int) -> str:
        return names[person] if names is not None else f"person {person}"

    def here(person: int) -> bool:
        return int(seating[person]) >= 0

    broken = [
        f"{who(a)} and {who(b)} must be kept apart but share table {seating[a] + 1}"
        for a, b in rules.keep_apart
        if here(a) and seating[a] == seating[b]
    ]
    broken += [
        "keep-together group " + ", ".join(who(p) for p in group) + " is split"
        for group in rules.keep_together
        if len({int(seating[p]) for p in group if here(p)}) > 1
    ]
    broken += [
        f"{who(p)} is pinned to table {t + 1} but sits at table {seating[p] + 1}"
        for p, t in rules.pins().items()
        if here(p) and seating[p] != t
    ]
    for person, tags in rules.needs.items():
        table = int(seating[person])
        if here(person) and tags - rules.table_tags.get(table, frozenset()):
            broken.append(
                f"{who(person)} needs {_tags(tags, rules, table)} but sits at table {table + 1}"
            )
    return broken
