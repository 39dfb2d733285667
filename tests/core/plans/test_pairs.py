from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from touchpoints.core.plans.pairs import greedy_matching_weight, pair_rounds


def _values(n, seed, density=0.5):
    rng = np.random.default_rng(seed)
    w = np.triu(rng.random((n, n)) * (rng.random((n, n)) < density), 1)
    return w + w.T


def _pairs_of(round_):
    return {frozenset(p) for g in round_.groups for p in itertools.combinations(g, 2)}


def _check(plan, people):
    """Each person at most once per round, at most one trio, no pair twice."""
    seen = set()
    for round_ in plan:
        members = [p for g in round_.groups for p in g]
        assert len(members) == len(set(members))
        assert set(members) | {u.person for u in round_.unpaired} == set(people)
        assert sum(len(g) == 3 for g in round_.groups) <= 1
        assert all(len(g) in (2, 3) for g in round_.groups)
        assert not _pairs_of(round_) & seen
        seen |= _pairs_of(round_)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 30), st.integers(1, 6), st.integers(0, 2**16))
def test_rounds_pair_everybody_once_without_repeats(n, rounds, seed):
    plan = pair_rounds(_values(n, seed), rounds, seed=seed)

    _check(plan, range(n))
    assert not plan[0].unpaired  # with no history, everybody has a partner
    assert sum(len(g) == 3 for g in plan[0].groups) == n % 2  # a trio exactly when odd


def test_an_odd_crowd_gives_one_trio_where_it_fits_best():
    values = np.zeros((5, 5))
    for a, b, v in [(0, 1, 0.9), (2, 3, 0.9), (4, 2, 0.5), (4, 3, 0.4)]:
        values[a, b] = values[b, a] = v

    (round_,) = pair_rounds(values, 1, seed=3)

    assert round_.groups == ((0, 1), (2, 3, 4))
    assert round_.unpaired == ()


def test_each_round_is_a_maximum_weight_matching():
    values = _values(12, 5, density=1.0)

    (round_,) = pair_rounds(values, 1, seed=1)

    best = max(
        sum(values[a, b] for a, b in zip(order[::2], order[1::2], strict=True))
        for order in _perfect_matchings(list(range(12)))
    )
    assert sum(values[a, b] for a, b in round_.groups) == pytest.approx(best)


def _perfect_matchings(people):
    if not people:
        yield []
        return
    first = people[0]
    for partner in people[1:]:
        rest = [p for p in people if p not in (first, partner)]
        for matching in _perfect_matchings(rest):
            yield [first, partner, *matching]


def test_history_acquaintances_and_avoid_pairs_are_never_paired_and_mutual_wants_first():
    values = _values(8, 2, density=1.0)
    values[0, 1] = values[1, 0] = 1.0  # the best pair, but they met before
    values[2, 3] = values[3, 2] = 1.0  # the best pair, but acquaintances
    values[4, 5] = values[5, 4] = 0.01  # a weak pair who both asked to meet

    (round_,) = pair_rounds(values, 1, met_before=[(1, 0)], never=[(2, 3)], mutual=[(5, 4)])

    groups = set(round_.groups)
    assert (0, 1) not in groups
    assert (2, 3) not in groups
    assert (4, 5) in groups


def test_people_who_paused_are_left_out_and_the_rest_paired():
    plan = pair_rounds(_values(7, 1, density=1.0), 2, present=[0, 1, 2, 3, 5, 6])

    _check(plan, [0, 1, 2, 3, 5, 6])


def test_someone_who_has_met_everybody_is_listed_with_the_reason():
    plan = pair_rounds(np.ones((3, 3)) - np.eye(3), 2, seed=1)

    assert plan[0].groups == ((0, 1, 2),)
    assert [u.reason for u in plan[1].unpaired] == [
        "has met or must avoid everyone else still free"
    ] * 3


def test_dense_and_sparse_values_give_the_same_rounds():
    values = _values(40, 9, density=0.2)

    dense = pair_rounds(values, 3, seed=4)
    compressed = pair_rounds(sparse.csr_matrix(values), 3, seed=4)

    assert [r.groups for r in dense] == [r.groups for r in compressed]


def test_same_seed_same_rounds():
    values = np.ones((20, 20))  # all ties: the seed decides

    assert [r.groups for r in pair_rounds(values, 3, seed=8)] == [
        r.groups for r in pair_rounds(values, 3, seed=8)
    ]
    assert [r.groups for r in pair_rounds(values, 3, seed=8)] != [
        r.groups for r in pair_rounds(values, 3, seed=9)
    ]


def test_greedy_matching_takes_the_heaviest_pair_first():
    values = np.zeros((4, 4))
    for a, b, v in [(0, 1, 1.0), (1, 2, 1.1), (2, 3, 1.0)]:
        values[a, b] = values[b, a] = v

    assert greedy_matching_weight(values) == 1.1  # optimal: 2.0 (0-1, 2-3)
    (round_,) = pair_rounds(values, 1)
    assert set(round_.groups) == {(0, 1), (2, 3)}
