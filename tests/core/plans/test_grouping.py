from __future__ import annotations

import csv
import itertools
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse

from touchpoints.core.plans.grouping import best_grouping, grouping_value, iter_groupings


def _random_weights(n, seed, *, negative=False):
    rng = np.random.default_rng(seed)
    w = rng.integers(-5 if negative else 0, 10, size=(n, n)).astype(float)
    w = np.triu(w, 1)
    return w + w.T


def _exact_optimum(weights, low, high, needs=None, has=None):
    """Brute force over every assignment within the bounds (and the tags, when given);
    dense or sparse weights, tiny n only."""
    dense = weights.toarray() if sparse.issparse(weights) else weights
    n, m = len(dense), len(low)
    best = -np.inf
    for assignment in itertools.product(range(m), repeat=n):
        sizes = np.bincount(assignment, minlength=m)
        if not all(lo <= s <= hi for s, lo, hi in zip(sizes, low, high, strict=True)):
            continue
        if needs is not None and any(needs[i] & ~has[g] for i, g in enumerate(assignment)):
            continue
        best = max(best, grouping_value(dense, np.array(assignment)))
    return best


def _assert_valid(grouping, weights, low, high):
    sizes = np.bincount(grouping.assignment, minlength=len(low))
    assert len(grouping.assignment) == len(weights)
    assert all(lo <= s <= hi for s, lo, hi in zip(sizes, low, high, strict=True))
    assert grouping.value == pytest.approx(grouping_value(weights, grouping.assignment))


@pytest.mark.parametrize(
    ("n", "low", "high", "seed"),
    [
        (8, [4, 4], [4, 4], 1),
        (9, [3, 3, 3], [3, 3, 3], 2),
        (9, [2, 3, 1], [4, 4, 3], 3),
        (10, [5, 4], [6, 5], 4),
        (8, [2, 2, 2], [3, 3, 3], 5),
    ],
)
def test_best_grouping_reaches_the_exact_optimum_of_tiny_instances(n, low, high, seed):
    weights = _random_weights(n, seed, negative=seed % 2 == 0)

    grouping = best_grouping(weights, low, high, time_limit=0.3, seed=seed)

    _assert_valid(grouping, weights, low, high)
    assert grouping.value == pytest.approx(_exact_optimum(weights, low, high))


@given(st.integers(4, 40), st.integers(2, 5), st.integers(0, 10_000))
def test_groupings_stay_within_bounds_and_improve(n, m, seed):
    m = min(m, n)
    low = [n // m] * m
    high = [n // m + 1] * m
    weights = _random_weights(n, seed, negative=True)

    values = [g.value for g in iter_groupings(weights, low, high, time_limit=0.05, seed=seed)]
    final = best_grouping(weights, low, high, time_limit=0.05, seed=seed)

    assert values == sorted(values)
    assert len(set(values)) == len(values)
    _assert_valid(final, weights, low, high)


def test_best_grouping_is_deterministic_for_a_seed():
    weights = _random_weights(30, 7)

    first = best_grouping(weights, [10, 10, 10], [10, 10, 10], time_limit=0.0, seed=3)
    second = best_grouping(weights, [10, 10, 10], [10, 10, 10], time_limit=0.0, seed=3)

    assert first.assignment.tolist() == second.assignment.tolist()


def test_best_grouping_keeps_fixed_people_in_their_group():
    weights = _random_weights(12, 8)
    fixed = {0: 2, 5: 2, 7: 0}

    grouping = best_grouping(weights, [4, 4, 4], [4, 4, 4], time_limit=0.1, seed=1, fixed=fixed)

    assert {p: int(grouping.assignment[p]) for p in fixed} == fixed


def test_best_grouping_keeps_apart_pairs_with_a_large_negative_value():
    weights = _random_weights(8, 9)
    weights[0, 1] = weights[1, 0] = -1e6

    grouping = best_grouping(weights, [4, 4], [4, 4], time_limit=0.1, seed=1)

    assert grouping.assignment[0] != grouping.assignment[1]


def test_best_grouping_handles_huge_penalties_and_bonuses_beside_small_values():
    weights = _random_weights(60, 11) / 7.0  # values like 0.3 beside 1e6
    apart = [(0, 1), (0, 2), (1, 2), (3, 4), (10, 20)]
    for i, j in apart:
        weights[i, j] = weights[j, i] = -1e6
    weights[5, 6] = weights[6, 5] = 1e6
    low, high = [6] * 6, [12] * 6

    groupings = list(iter_groupings(weights, low, high, time_limit=0.3, seed=2))

    values = [g.value for g in groupings]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    best = groupings[-1]
    _assert_valid(best, weights, low, high)
    assert all(best.assignment[i] != best.assignment[j] for i, j in apart)
    assert best.assignment[5] == best.assignment[6]


@pytest.mark.parametrize(
    ("low", "high", "fixed", "message"),
    [
        ([5, 5], [5, 5], {}, "do not fit"),
        ([1, 1], [2, 2], {}, "do not fit"),
        ([2, 2], [1, 3], {}, "low <= high"),
        ([3, 3], [3, 3], {0: 5}, "out of range"),
        ([3, 3], [3, 3], {0: 0, 1: 0, 2: 0, 3: 0}, "more people are fixed"),
    ],
)
def test_best_grouping_explains_impossible_inputs(low, high, fixed, message):
    with pytest.raises(ValueError, match=message):
        best_grouping(_random_weights(6, 1), low, high, time_limit=0.0, fixed=fixed)


def test_best_grouping_accepts_numpy_bounds():
    weights = _random_weights(6, 2)

    grouping = best_grouping(weights, np.array([3, 3]), np.array([3, 3]), time_limit=0.0, seed=1)

    _assert_valid(grouping, weights, [3, 3], [3, 3])


def test_best_grouping_stops_searching_at_the_best_possible_value():
    weights = np.zeros((9, 9))  # nothing to gain: the first grouping is already optimal

    grouping = best_grouping(weights, [3, 3, 3], [3, 3, 3], time_limit=0.5, seed=1)

    assert grouping.value == 0.0
    assert grouping.iterations == 0


def _tags(*bits):
    return np.array(bits, dtype=np.uint64)


def _assert_tags_met(grouping, needs, has):
    assert all(needs[i] & ~has[g] == 0 for i, g in enumerate(grouping.assignment))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_best_grouping_reaches_the_exact_optimum_with_tags(seed):
    weights = _random_weights(9, seed, negative=True)
    needs, has = _tags(1, 1, 2, 3, 0, 0, 0, 0, 0), _tags(1, 3, 0)

    grouping = best_grouping(
        weights, [3, 3, 3], [3, 3, 3], time_limit=0.3, seed=seed, needs=needs, has=has
    )

    _assert_valid(grouping, weights, [3, 3, 3], [3, 3, 3])
    _assert_tags_met(grouping, needs, has)
    assert grouping.value == pytest.approx(
        _exact_optimum(weights, [3, 3, 3], [3, 3, 3], needs, has)
    )


@given(st.integers(6, 40), st.integers(2, 5), st.integers(0, 10_000))
def test_groupings_never_break_the_tags(n, m, seed):
    rng = np.random.default_rng(seed)
    m = min(m, n // 2)
    low, high = [n // m] * m, [n // m + 1] * m
    has = rng.integers(0, 4, size=m).astype(np.uint64)
    has[0] = 3  # group 0 serves every need, so the tags always fit
    needs = np.zeros(n, dtype=np.uint64)
    needs[: n // m] = rng.integers(0, 4, size=n // m).astype(np.uint64)
    weights = _random_weights(n, seed, negative=True)

    groupings = list(
        iter_groupings(weights, low, high, time_limit=0.05, seed=seed, needs=needs, has=has)
    )

    for grouping in groupings:
        _assert_valid(grouping, weights, low, high)
        _assert_tags_met(grouping, needs, has)


def test_best_grouping_meets_nested_tags_that_a_greedy_seating_could_miss():
    # two people need both bits (only group 1), two need bit 0 (groups 0 and 1)
    needs, has = _tags(1, 1, 3, 3, 0, 0), _tags(1, 3, 0)
    weights = _random_weights(6, 4)

    grouping = best_grouping(
        weights, [2, 2, 2], [2, 2, 2], time_limit=0.05, seed=1, needs=needs, has=has
    )

    assert grouping.assignment.tolist()[:4] == [0, 0, 1, 1]


def test_best_grouping_keeps_tags_and_fixed_people_together():
    needs, has = _tags(1, 0, 0, 0, 0, 0), _tags(1, 0, 1)
    fixed = {1: 0, 2: 0}

    grouping = best_grouping(
        _random_weights(6, 5), [2, 2, 2], [2, 2, 2], seed=1, fixed=fixed, needs=needs, has=has
    )

    assert grouping.assignment[0] == 2
    assert grouping.assignment[[1, 2]].tolist() == [0, 0]


@pytest.mark.parametrize(
    ("needs", "has", "fixed", "message"),
    [
        ((1, 1, 1, 0, 0, 0), (1, 0), {}, None),
        ((1, 1, 1, 1, 0, 0), (1, 0), {}, "4 people need tag bits 0b1 but only 3 seats"),
        ((1, 0, 0, 0, 0, 0), (1, 0), {0: 1}, "person 0 is fixed to group 1, which lacks"),
        ((2, 2, 2, 0, 0, 0), (2, 0), {3: 0}, "3 people need tag bits 0b10 but only 2 seats"),
        ((1, 1, 0, 0, 0, 0), (0, 0), {}, "2 people need tag bits 0b1 but only 0 seats"),
        ((1, 0, 0, 0, 0, 0), (1,), {}, "one per group"),
    ],
)
def test_best_grouping_explains_tags_it_cannot_meet(needs, has, fixed, message):
    def solve():
        return best_grouping(
            _random_weights(6, 1), [3, 3], [3, 3], time_limit=0.0, fixed=fixed,
            needs=_tags(*needs), has=_tags(*has),
        )  # fmt: skip

    if message is None:
        _assert_tags_met(solve(), _tags(*needs), _tags(*has))
    else:
        with pytest.raises(ValueError, match=message):
            solve()


def test_best_grouping_explains_lower_bounds_that_the_tags_leave_empty():
    # everybody needs bit 0; group 1 lacks it but must seat at least one person
    needs, has = _tags(*[1] * 6), _tags(1, 0)

    with pytest.raises(ValueError, match="cannot be met within the group bounds"):
        best_grouping(_random_weights(6, 1), [0, 1], [6, 6], needs=needs, has=has)


def _mdgplib(path):
    tokens = path.read_text().split()
    n, m = int(tokens[0]), int(tokens[1])
    bounds = np.array(tokens[3 : 3 + 2 * m], dtype=np.int64).reshape(m, 2)
    triples = np.array(tokens[3 + 2 * m :], dtype=np.float64).reshape(-1, 3)
    weights = np.zeros((n, n))
    i, j = triples[:, 0].astype(int), triples[:, 1].astype(int)
    weights[i, j] = weights[j, i] = triples[:, 2]
    return weights, bounds[:, 0], bounds[:, 1]


MDGPLIB = Path(__file__).parents[2] / "data" / "mdgp"
OPTIMA = {
    row["instance"]: float(row["opt"])
    for row in csv.DictReader((MDGPLIB / "optima.csv").read_text(encoding="utf-8").splitlines())
}


@pytest.mark.parametrize("as_sparse", [False, True])
@pytest.mark.parametrize("instance", sorted(OPTIMA))
def test_best_grouping_hits_the_exact_optimum_of_mdgplib_instances(instance, as_sparse):
    weights, low, high = _mdgplib(MDGPLIB / f"{instance}.txt")
    matrix = sparse.csr_matrix(weights) if as_sparse else weights

    found = best_grouping(matrix, low, high, time_limit=0.5, seed=1)

    sizes = np.bincount(found.assignment, minlength=len(low))
    assert np.all((low <= sizes) & (sizes <= high))
    assert found.value == pytest.approx(OPTIMA[instance], abs=0.01)
    assert grouping_value(weights, found.assignment) == pytest.approx(found.value)
