from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from touchpoints.core.plans.rules import Rules, broken_rules
from touchpoints.core.plans.tables import iter_table_plans, table_capacities, table_plan
from touchpoints.errors import InfeasiblePlanError


def _values(n, seed):
    rng = np.random.default_rng(seed)
    w = np.triu(rng.random((n, n)), 1)
    return w + w.T


def _assert_seated_once_within_capacity(plan, n, rules=None):
    """The invariants of every plan: each person once per round, within the seats,
    the rules kept, and the metrics agreeing with the seating."""
    for seating in plan.rounds:
        assert len(seating) == n
        assert all(0 <= t < len(plan.capacities) for t in seating)
        sizes = np.bincount(seating, minlength=len(plan.capacities))
        assert all(size <= cap for size, cap in zip(sizes, plan.capacities, strict=True))
        assert broken_rules(rules or Rules(), seating) == []
    assert plan.metrics.rule_violations == 0


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


def _sparse_values(n, seed, degree=6):
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n), degree)
    cols = rng.integers(0, n, n * degree)
    matrix = sparse.csr_matrix((rng.random(n * degree), (rows, cols)), shape=(n, n))
    matrix = matrix.maximum(matrix.T).tocsr()
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    return matrix


@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize(
    ("people", "capacities", "rounds"),
    [(12, (4, 4, 4), 2), (23, (8, 8, 7), 3), (30, (6, 6, 6, 6, 6, 6), 2), (17, (10, 10), 1)],
)
def test_table_plan_invariants_hold_for_dense_and_sparse_values(people, capacities, rounds, dense):
    values = _values(people, 11) if dense else _sparse_values(people, 11)

    plan = table_plan(values, capacities, rounds, time_limit=0.5, seed=3)

    _assert_seated_once_within_capacity(plan, people)
    assert len(plan.rounds) == rounds
    assert plan.metrics.total_value > 0


def test_table_plan_keeps_apart_pairs_apart_and_acquaintances_apart_where_possible():
    values = _values(12, 4)
    values[0, 1] = values[1, 0] = 1.0
    rules = Rules(keep_apart=[(0, 1)])

    kwargs = {"rules": rules, "acquainted": [(2, 3), (4, 5)], "seed": 3}
    one_round = table_plan(values, (4, 4, 4), 1, time_limit=0.5, **kwargs)
    three_rounds = table_plan(values, (4, 4, 4), 3, time_limit=1.0, **kwargs)

    assert one_round.metrics.acquaintances_together == 0
    for plan in (one_round, three_rounds):
        _assert_seated_once_within_capacity(plan, 12, rules)


def test_table_plan_keeps_groups_together_pins_hosts_and_honours_table_tags():
    values = _values(24, 8)
    rules = Rules(
        keep_together=[(0, 1, 2)],
        pinned={3: 0, 4: 1},
        needs={5: frozenset({"accessible"}), 6: frozenset({"accessible", "german"})},
        table_tags={2: frozenset({"accessible", "german"}), 3: frozenset({"accessible"})},
    )

    plan = table_plan(values, (4,) * 6, 3, rules=rules, time_limit=1.0, seed=5)

    _assert_seated_once_within_capacity(plan, 24, rules)
    for seating in plan.rounds:
        assert seating[0] == seating[1] == seating[2]
        assert (seating[3], seating[4], seating[6]) == (0, 1, 2)
        assert seating[5] in (2, 3)
    assert plan.metrics.repeated_pairs == 0  # the group meeting every round is no repeat


@pytest.mark.parametrize(
    ("capacities", "rules", "message"),
    [
        ((3,), Rules(keep_apart=[(0, 1)]), "kept apart"),
        ((2, 2), Rules(keep_together=[(0, 1, 2)]), "do not fit the largest table"),
        ((3, 3), Rules(keep_together=[(0, 1)], keep_apart=[(1, 0)]), "must be kept apart"),
        ((3,), Rules(pinned={0: 5}), "table 6 does not exist"),
        ((3,), Rules(needs={0: frozenset({"accessible"})}), "need a 'accessible' table"),
        (
            (3, 3),
            Rules(
                needs={0: frozenset({"quiet"})}, pinned={0: 0}, table_tags={1: frozenset({"quiet"})}
            ),
            "pinned to table 1, which lacks 'quiet'",
        ),
    ],
)
def test_table_plan_names_the_rule_that_cannot_hold(capacities, rules, message):
    with pytest.raises(InfeasiblePlanError, match=message):
        table_plan(np.zeros((3, 3)), capacities, 1, rules=rules, time_limit=0.0, seed=1)


def test_table_plan_names_people_in_rule_errors():
    with pytest.raises(InfeasiblePlanError, match="Ann and Bo must be kept apart"):
        table_plan(
            np.zeros((2, 2)),
            (2,),
            rules=Rules(keep_apart=[(0, 1)], pinned={0: 0, 1: 0}),
            names=["Ann", "Bo"],
            time_limit=0.0,
        )


def test_table_plan_gives_every_loner_a_hook_and_lists_who_shares_nothing():
    # 0 shares something only with 5; 6 shares nothing with anybody
    values = np.zeros((9, 9))
    for a, b, v in [(1, 2, 1.0), (1, 3, 1.0), (2, 3, 1.0), (4, 5, 1.0), (0, 5, 0.2), (7, 8, 0.5)]:
        values[a, b] = values[b, a] = v

    plan = table_plan(values, (3, 3, 3), 2, time_limit=0.5, seed=2)

    assert plan.unmatched == (6,)
    assert plan.metrics.hook_coverage == 1.0
    assert plan.metrics.min_hook > 0
    for seating in plan.rounds:
        assert seating[0] == seating[5]


def test_iter_table_plans_yields_ever_better_plans():
    plans = list(iter_table_plans(_values(40, 9), (4,) * 10, 4, time_limit=1.5, seed=1))

    scores = [p.score() for p in plans]
    assert scores == sorted(scores)
    assert len(set(scores)) == len(scores)
    assert plans[-1].metrics.repeated_pairs == 0


def test_table_plan_reports_progress():
    stages = []

    table_plan(
        _values(16, 1), (4,) * 4, 2, time_limit=0.2, seed=1, progress=lambda s, t: stages.append(s)
    )

    assert stages[:2] == ["seating round 1 of 2", "seating round 2 of 2"]


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
    assert plan.metrics.total_value == pytest.approx(0.9)
