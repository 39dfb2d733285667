"""Live repair of a published round: no-shows leave, walk-ins arrive, and as few
people as possible change seats.

A published round is already printed on cards and in people's pockets, so the
repair does not re-plan: it seats each walk-in at a free seat where they share the
most (with someone to talk to first), then fixes what the changes broke, each fix
with the fewest moves:

* a table left too small (under half its seats) is either filled from the fullest
  tables or emptied into free seats, whichever moves fewer people;
* someone whose only hook did not come moves to a free seat beside a new hook,
  when that leaves nobody else without one.

Every move keeps the rules and seats nobody with someone they met before, and every
move is reported.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from touchpoints.core.plans.rules import Rules, broken_rules, check_rules
from touchpoints.core.plans.tables import HOOK_MIN
from touchpoints.core.plans.values import Values, lookup, row_max, symmetric
from touchpoints.errors import InfeasiblePlanError

__all__ = ["Move", "RoundRepair", "repair_round"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Pair = tuple[int, int]
_NOT_SEATED = -1


@dataclass(frozen=True, slots=True)
class Move:
    """``person`` goes from ``from_table`` to ``to_table`` (None: arriving / leaving)."""

    person: int
    from_table: int | None
    to_table: int | None
    reason: str


@dataclass(frozen=True, eq=False)
class RoundRepair:
    """The repaired round (``seating[i]`` = table, -1 = not there) and the moves."""

    seating: tuple[int, ...]
    moves: tuple[Move, ...]


class _Round:
    """A seating being repaired, with its tables' members."""

    def __init__(
        self,
        values: Values,
        seating: IntArray,
        capacities: tuple[int, ...],
        rules: Rules,
        met: set[Pair],
    ) -> None:
        self.values, self.seating, self.capacities, self.rules = values, seating, capacities, rules
        self.met = met
        self.needs, self.has = rules.tag_bits(len(seating), len(capacities))
        self.fixed = rules.fixed_people()
        self.apart = {(min(a, b), max(a, b)) for a, b in rules.keep_apart}
        self.moves: list[Move] = []

    def members(self, table: int) -> list[int]:
        return [int(p) for p in np.flatnonzero(self.seating == table)]

    def free(self, table: int) -> int:
        return self.capacities[table] - len(self.members(table))

    def with_mates(self, person: int, mates: list[int]) -> FloatArray:
        """``person``'s values with each of ``mates``."""
        others = np.array([p for p in mates if p != person], dtype=np.int64)
        return lookup(self.values, np.full(len(others), person, dtype=np.int64), others)

    def value(self, person: int, table: int) -> float:
        return float(self.with_mates(person, self.members(table)).sum())

    def hook(self, person: int, table: int) -> float:
        return self.hook_among(person, self.members(table))

    def hook_among(self, person: int, mates: list[int]) -> float:
        return float(self.with_mates(person, mates).max(initial=0.0))

    def may_sit(self, person: int, table: int) -> bool:
        """Whether ``person`` may join ``table``: tags, keep-apart, no repeated pair."""
        if self.needs[person] & ~self.has[table]:
            return False
        for mate in self.members(table):
            pair = (min(person, mate), max(person, mate))
            if mate != person and (pair in self.apart or pair in self.met):
                return False
        return True

    def move(self, person: int, table: int | None, reason: str) -> None:
        old = int(self.seating[person])
        self.seating[person] = _NOT_SEATED if table is None else table
        self.moves.append(Move(person, None if old < 0 else old, table, reason))

    def best_free_seat(self, person: int, exclude: int = _NOT_SEATED) -> int | None:
        """The table with a free seat where ``person`` shares most (a hook first)."""
        choices = [
            (self.hook(person, t) >= HOOK_MIN, self.value(person, t), -t)
            for t in range(len(self.capacities))
            if t != exclude and self.free(t) > 0 and self.may_sit(person, t)
        ]
        return -max(choices)[2] if choices else None


def repair_round(
    values: Values,
    capacities: Sequence[int],
    seating: Sequence[int],
    *,
    absent: Collection[int] = (),
    rules: Rules | None = None,
    met_before: Collection[Pair] = (),
    names: Sequence[str] | None = None,
) -> RoundRepair:
    """Repair one round of a plan for who actually came.

    Parameters
    ----------
    values : (n, n) array or scipy sparse matrix
        Common-ground values of everybody, walk-ins included.
    capacities : sequence of int
        Seats per table.
    seating : sequence of int
        The published round: person -> table, and -1 for walk-ins (not yet seated).
    absent : collection of int
        No-shows: they leave their seats.
    rules : Rules, optional
        The plan's hard rules; they hold after the repair.
    met_before : collection of (i, j)
        Pairs who met in other rounds: no move seats them together again.
    names : sequence of str, optional
        For error messages.

    Returns
    -------
    RoundRepair
        The new seating and the moves, walk-ins and no-shows included.

    Raises
    ------
    InfeasiblePlanError
        When a walk-in finds no free seat they may take, or the rules cannot hold.
    """
    values = symmetric(values)
    caps = tuple(capacities)
    rules = rules or Rules()
    check_rules(rules, caps, len(seating), names)
    state = _Round(
        values,
        np.array(seating, dtype=np.int64),
        caps,
        rules,
        {(min(a, b), max(a, b)) for a, b in met_before},
    )

    def who(person: int) -> str:
        return names[person] if names is not None else f"person {person}"

    for person in sorted(set(absent)):
        if state.seating[person] >= 0:
            state.move(person, None, "did not come")
    for person in [int(p) for p in np.flatnonzero(state.seating < 0) if p not in set(absent)]:
        table = state.best_free_seat(person)
        if table is None:
            raise InfeasiblePlanError(
                f"no free seat for walk-in {who(person)}: add a table or seats"
            )
        state.move(person, table, "walked in")
    _rebalance(state)
    _rehook(state)
    broken = broken_rules(rules, state.seating, names)
    if broken:
        raise InfeasiblePlanError(f"the repair cannot keep the rules: {broken[0]}")
    return RoundRepair(tuple(int(t) for t in state.seating), tuple(state.moves))


def _minimum(capacity: int) -> int:
    """A table under half its seats is too small to talk at."""
    return max(2, math.ceil(capacity / 2))


def _rebalance(state: _Round) -> None:
    """Fill or empty tables left too small, whichever moves fewer people."""
    for table in range(len(state.capacities)):
        members = state.members(table)
        need = _minimum(state.capacities[table]) - len(members)
        if not members or need <= 0:
            continue
        if len(members) > need or not _dissolve(state, table, members):
            _fill(state, table, need)


def _dissolve(state: _Round, table: int, members: list[int]) -> bool:
    """Move everybody at ``table`` to free seats elsewhere, or nobody."""
    if state.fixed.intersection(members):
        return False
    before, moves = state.seating.copy(), len(state.moves)
    for person in members:
        target = state.best_free_seat(person, exclude=table)
        if target is None:
            state.seating[:] = before
            del state.moves[moves:]
            return False
        state.move(person, target, f"table {table + 1} was too small")
    return True


def _fill(state: _Round, table: int, need: int) -> None:
    """Bring ``need`` people to ``table`` from tables that can spare them."""
    for _ in range(need):
        donors = [
            (state.value(p, table) - state.value(p, int(state.seating[p])), -p)
            for p in range(len(state.seating))
            if state.seating[p] >= 0
            and state.seating[p] != table
            and p not in state.fixed
            and len(state.members(int(state.seating[p])))
            > _minimum(state.capacities[int(state.seating[p])])
            and state.may_sit(p, table)
        ]
        if not donors:
            return
        person = -max(donors)[1]
        state.move(person, table, f"table {table + 1} was too small")


def _rehook(state: _Round) -> None:
    """Move people left without a hook to a free seat beside one, if nobody loses theirs."""
    could = row_max(state.values) >= HOOK_MIN
    for person in range(len(state.seating)):
        home = int(state.seating[person])
        if home < 0 or person in state.fixed or not could[person]:
            continue
        if state.hook(person, home) >= HOOK_MIN:
            continue
        if len(state.members(home)) - 1 < _minimum(state.capacities[home]):
            continue
        target = state.best_free_seat(person, exclude=home)
        if target is None or state.hook(person, target) < HOOK_MIN:
            continue
        stay = [p for p in state.members(home) if p != person]
        if any(state.hook(p, home) >= HOOK_MIN > state.hook_among(p, stay) for p in stay):
            continue
        state.move(person, target, "their hook did not come")
