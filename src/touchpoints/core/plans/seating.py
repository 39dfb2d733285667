"""A round's seating as a list: person i sits at table ``seating[i]`` (0-based; -1 =
not there), and its other shapes: who sits at each table, which pairs meet, and back.

Plans, pairs (a 1:1 round is a seating whose tables are pairs), repairs, the CLI and
the web app all convert between these shapes; they do it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

__all__ = ["pairs_of", "seating_of", "tables_of"]


def tables_of(seating: Iterable[int]) -> dict[int, list[int]]:
    """Table -> the people at it (in person order); whoever is not there is left out.

    >>> tables_of([1, 0, 1, -1])
    {1: [0, 2], 0: [1]}
    """
    tables: dict[int, list[int]] = {}
    for person, table in enumerate(seating):
        if table >= 0:
            tables.setdefault(table, []).append(person)
    return tables


def pairs_of(seating: Iterable[int]) -> set[tuple[int, int]]:
    """Every pair of people at one table, smaller first.

    >>> sorted(pairs_of([0, 0, 1, 0, -1]))
    [(0, 1), (0, 3), (1, 3)]
    """
    return {pair for members in tables_of(seating).values() for pair in combinations(members, 2)}


def seating_of(n: int, groups: Iterable[Sequence[int]]) -> list[int]:
    """The seating of ``n`` people in ``groups`` (group k at table k; others -1).

    >>> seating_of(4, [(2, 0), (3,)])
    [0, -1, 0, 1]
    """
    seating = [-1] * n
    for number, group in enumerate(groups):
        for person in group:
            seating[person] = number
    return seating
