from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from touchpoints.core.plans.repair import repair_round
from touchpoints.core.plans.rules import Rules
from touchpoints.errors import InfeasiblePlanError


def _values(n, pairs):
    values = np.zeros((n, n))
    for a, b, v in pairs:
        values[a, b] = values[b, a] = v
    return values


def test_a_walk_in_takes_the_free_seat_beside_someone_they_share_with():
    values = _values(7, [(6, 4, 0.8), (6, 0, 0.1)])
    seating = [0, 0, 0, 1, 1, 1, -1]

    repaired = repair_round(values, (4, 4), seating)

    assert repaired.seating == (0, 0, 0, 1, 1, 1, 1)
    assert [(m.person, m.from_table, m.to_table) for m in repaired.moves] == [(6, None, 1)]


def test_no_shows_leave_and_nobody_else_moves_when_tables_stay_big_enough():
    values = _values(8, [(0, 1, 1.0), (4, 5, 1.0)])
    seating = [0, 0, 0, 0, 1, 1, 1, 1]

    repaired = repair_round(values, (4, 4), seating, absent=[2])

    assert repaired.seating == (0, 0, -1, 0, 1, 1, 1, 1)
    assert [(m.person, m.reason) for m in repaired.moves] == [(2, "did not come")]


def test_a_table_left_too_small_is_filled_with_the_fewest_moves():
    values = _values(12, [(0, 5, 0.9)])
    seating = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]

    repaired = repair_round(values, (6, 6, 6), seating, absent=[1, 2])

    sizes = np.bincount([t for t in repaired.seating if t >= 0], minlength=3)
    assert sizes.tolist() == [3, 3, 4]
    moved = [m for m in repaired.moves if m.reason.startswith("table")]
    assert len(moved) == 1  # one joins 0 and 3, rather than both of them moving
    assert moved[0].person == 5  # the one who shares most with person 0


def test_a_table_of_one_is_emptied_into_free_seats_rather_than_filled():
    seating = [0, 0, 0, 1, 1, 1, 2, 2, 2]

    repaired = repair_round(np.zeros((9, 9)), (4, 4, 4), seating, absent=[7, 8])

    assert repaired.seating[6] in (0, 1)
    assert [m.person for m in repaired.moves if m.reason.startswith("table")] == [6]


def test_someone_whose_hook_did_not_come_moves_to_a_free_seat_beside_a_new_one():
    values = _values(9, [(0, 1, 1.0), (0, 6, 0.5), (2, 3, 1.0), (4, 5, 1.0), (6, 7, 1.0)])
    seating = [0, 0, 0, 0, 1, 1, 1, 1, 1]

    repaired = repair_round(values, (4, 6), seating, absent=[1, 8])

    assert repaired.seating[0] == 1
    assert any(m.person == 0 and m.reason == "their hook did not come" for m in repaired.moves)


def test_repair_keeps_the_rules_and_never_seats_people_who_met_before():
    values = _values(7, [(6, 0, 1.0), (6, 3, 0.5)])
    seating = [0, 0, 0, 1, 1, 1, -1]
    rules = Rules(keep_apart=[(6, 0)])

    repaired = repair_round(values, (4, 4, 4), seating, rules=rules, met_before=[(6, 3)])

    table = repaired.seating[6]
    assert table == 2  # the only table without person 0 (kept apart) or 3 (met before)
    mates = [p for p, t in enumerate(repaired.seating) if t == table and p != 6]
    assert len(mates) == 1
    assert mates[0] not in (0, 3)


def test_a_walk_in_without_a_free_seat_is_a_clear_error():
    with pytest.raises(InfeasiblePlanError, match="no free seat for walk-in Zoe"):
        repair_round(np.zeros((5, 5)), (2, 2), [0, 0, 1, 1, -1], names=list("ABCD") + ["Zoe"])


def test_repair_works_on_sparse_values_as_on_dense_ones():
    values = _values(7, [(6, 4, 0.8), (6, 0, 0.1)])
    seating = [0, 0, 0, 1, 1, 1, -1]

    dense = repair_round(values, (4, 4), seating, absent=[2])
    sparse_ = repair_round(sparse.csr_matrix(values), (4, 4), seating, absent=[2])

    assert dense.seating == sparse_.seating == (0, 0, -1, 1, 1, 1, 1)
