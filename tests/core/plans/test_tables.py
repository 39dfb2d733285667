from __future__ import annotations

import itertools

import numpy as np
import pytest

from touchpoints.core.plans.tables import _give_everyone_a_hook, table_capacities, table_plan
from touchpoints.errors import InfeasiblePlanError


def _values(n, seed):
    rng = np.random.default_rng(seed)
    w = np.triu(rng.random((n, n)), 1)
    return w + w.T


def _assert_seated_once_within_capacity(plan, n):
    for seating in plan.rounds:
        assert len(seating) == n
        sizes = np.bincount(seating, minlength=len(plan.capacities))
        assert all(size <= cap for size, cap in zip(sizes, plan.capacities, strict=True))


def _pairs(seating):
    tables = {}
    for person, table in enumerate(seating):
        tables.setdefault(table, []).append(person)
    return {p for members in tables.values() for p in itertools.combinations(members, 2)}


@pytest.mark.parametrize(
    ("people", "kwargs", "expected"),
    [
        (23, {"size": 8}, (8, 8, 7)),
        (16, {"size": 8}, (8, 8)),
        (17, {"size": 8}, (6, 6, 5)),
        (20, {"tables": 3}, (7, 7, 6)),
        (10, {"capacities": [8, 6]}, (8, 6)),
    ],
)
def test_table_capacities_spread_the_remainder(people, kwargs, expected):
    assert table_capacities(people, **kwargs) == expected


@pytest.mark.parametrize(
    "kwargs",
    [{"size": 1}, {"capacities": [3, 3]}, {"size": 3, "tables": 2}, {"size": 8, "capacities": [8]}],
)
def test_table_capacities_refuse_layouts_that_do_not_fit(kwargs):
    with pytest.raises((ValueError, InfeasiblePlanError), match="fit|at least|not both"):
        table_capacities(10, **kwargs)


@pytest.mark.parametrize(("people", "size", "rounds"), [(9, 3, 4), (15, 3, 5), (16, 4, 5)])
def test_table_plan_never_repeats_a_pair_when_feasible(people, size, rounds):
    plan = table_plan(
        _values(people, people),
        table_capacities(people, size=size),
        rounds,
        time_limit=3.0,
        seed=1,
    )

    _assert_seated_once_within_capacity(plan, people)
    seen: set[tuple[int, int]] = set()
    for seating in plan.rounds:
        pairs = _pairs(seating)
        assert not pairs & seen
        seen |= pairs
    assert plan.metrics.repeated_pairs == 0


@pytest.mark.parametrize("capacities", [(8, 8, 7), (6, 6, 6, 5), (10, 13)])
def test_table_plan_handles_uneven_layouts(capacities):
    people = 23

    plan = table_plan(_values(people, 3), capacities, 2, time_limit=0.5, seed=2)

    _assert_seated_once_within_capacity(plan, people)


def test_table_plan_keeps_apart_pairs_apart_and_acquaintances_apart_where_possible():
    values = _values(12, 4)
    values[0, 1] = values[1, 0] = 1.0

    kwargs = {"keep_apart": [(0, 1)], "acquainted": [(2, 3), (4, 5)], "seed": 3}

    one_round = table_plan(values, (4, 4, 4), 1, time_limit=0.5, **kwargs)
    three_rounds = table_plan(values, (4, 4, 4), 3, time_limit=1.0, **kwargs)

    assert one_round.metrics.acquaintances_together == 0
    for seating in (*one_round.rounds, *three_rounds.rounds):
        assert seating[0] != seating[1]
    assert three_rounds.metrics.keep_apart_violations == 0


def test_table_plan_avoids_pairs_that_met_in_an_earlier_session():
    first = table_plan(_values(9, 5), (3, 3, 3), 1, time_limit=0.3, seed=4)
    earlier = _pairs(first.rounds[0])

    second = table_plan(_values(9, 5), (3, 3, 3), 1, met_before=earlier, time_limit=0.3, seed=4)

    assert not _pairs(second.rounds[0]) & earlier


def test_table_plan_is_reproducible_with_a_seed():
    first = table_plan(_values(20, 6), (5, 5, 5, 5), 2, time_limit=0.0, seed=7)
    second = table_plan(_values(20, 6), (5, 5, 5, 5), 2, time_limit=0.0, seed=7)

    assert first.rounds == second.rounds


def test_table_plan_reports_hook_coverage():
    values = np.zeros((6, 6))
    values[0, 1] = values[1, 0] = 0.9

    plan = table_plan(values, (3, 3), 1, time_limit=0.2, seed=1)

    assert plan.rounds[0][0] == plan.rounds[0][1]
    assert plan.metrics.hook_coverage == 1.0
    assert plan.metrics.mean_hook == pytest.approx(2 * 0.9 / 6)


def test_table_plan_refuses_impossible_keep_apart():
    with pytest.raises(InfeasiblePlanError, match="kept apart"):
        table_plan(np.zeros((3, 3)), (3,), 1, keep_apart=[(0, 1)], time_limit=0.0, seed=1)


def test_hook_rescue_swaps_a_loner_next_to_someone_they_share_something_with():
    values = np.zeros((6, 6))
    for a, b, v in [(0, 1, 1.0), (3, 4, 1.0), (3, 5, 1.0), (4, 5, 1.0), (2, 5, 0.5), (0, 3, 0.3)]:
        values[a, b] = values[b, a] = v
    seating = np.array([0, 0, 0, 1, 1, 1])

    _give_everyone_a_hook(seating, values, np.zeros((6, 6), dtype=bool))

    assert seating.tolist() == [0, 0, 1, 0, 1, 1]
