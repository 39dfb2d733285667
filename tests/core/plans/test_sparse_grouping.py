from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse

from tests.core.plans.test_grouping import _exact_optimum, _tags
from touchpoints.core.plans import sparse_grouping
from touchpoints.core.plans.grouping import best_grouping, grouping_value, iter_groupings
from touchpoints.core.plans.sparse_grouping import iter_sparse_groupings, symmetric_values


def _random_sparse(n, seed, *, density=0.3, negative=False, fmt="csr_array"):
    """A symmetric sparse matrix of integer pair values (zero diagonal)."""
    rng = np.random.default_rng(seed)
    values = rng.integers(-5 if negative else 1, 10, size=(n, n)).astype(float)
    values[rng.random((n, n)) > density] = 0.0
    values = np.triu(values, 1)
    return getattr(sparse, fmt)(values + values.T)


def _assert_valid(grouping, weights, low, high, *, fixed=None, needs=None, has=None):
    assignment = grouping.assignment
    sizes = np.bincount(assignment, minlength=len(low))
    assert assignment.shape == (weights.shape[0],)
    assert all(lo <= s <= hi for s, lo, hi in zip(sizes, low, high, strict=True))
    assert grouping.value == pytest.approx(grouping_value(weights, assignment), abs=1e-6)
    assert grouping.value == pytest.approx(grouping_value(weights.toarray(), assignment), abs=1e-6)
    for person, group in (fixed or {}).items():
        assert assignment[person] == group
    if needs is not None:
        assert all(needs[i] & ~has[g] == 0 for i, g in enumerate(assignment))


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
def test_sparse_grouping_reaches_the_exact_optimum_of_tiny_instances(n, low, high, seed):
    weights = _random_sparse(n, seed, negative=seed % 2 == 0)

    grouping = best_grouping(weights, low, high, time_limit=0.2, seed=seed)

    _assert_valid(grouping, weights, low, high)
    assert grouping.value == pytest.approx(_exact_optimum(weights, low, high))


def test_sparse_grouping_reaches_the_exact_optimum_with_tags():
    weights = _random_sparse(9, 6, density=0.6, negative=True)
    needs, has = _tags(1, 1, 2, 3, 0, 0, 0, 0, 0), _tags(1, 3, 0)

    grouping = best_grouping(
        weights, [3, 3, 3], [3, 3, 3], time_limit=0.2, seed=1, needs=needs, has=has
    )

    _assert_valid(grouping, weights, [3, 3, 3], [3, 3, 3], needs=needs, has=has)
    assert grouping.value == pytest.approx(
        _exact_optimum(weights, [3, 3, 3], [3, 3, 3], needs, has)
    )


@given(
    st.integers(4, 60),
    st.integers(1, 6),
    st.integers(0, 2),
    st.booleans(),
    st.integers(0, 10_000),
)
def test_sparse_groupings_keep_bounds_pins_and_tags_and_improve(n, m, slack, tagged, seed):
    rng = np.random.default_rng(seed)
    m = min(m, n)
    low, high = [n // m - slack // 2] * m, [n // m + 1 + slack] * m
    fixed = {int(p): int(rng.integers(m)) for p in rng.choice(n, size=min(3, m), replace=False)}
    fixed = {p: g for p, g in fixed.items() if list(fixed.values()).count(g) <= low[g]}
    needs = has = None
    if tagged:
        has = rng.integers(0, 4, size=m).astype(np.uint64)
        has[:] |= np.uint64(1)  # every group offers bit 0; some people need it, or more
        needs = np.where(rng.random(n) < 0.3, np.uint64(1), np.uint64(0)).astype(np.uint64)
        # one person needs every tag of the least pinned group: feasible whatever the pins
        emptiest = min(range(m), key=lambda g: list(fixed.values()).count(g))
        needs[[p for p in range(n) if p not in fixed][:1]] = has[emptiest]
    weights = _random_sparse(n, seed, density=0.2, negative=True)

    groupings = list(
        iter_groupings(
            weights, low, high, time_limit=0.02, seed=seed, fixed=fixed, needs=needs, has=has
        )
    )

    values = [g.value for g in groupings]
    assert values == sorted(values)
    assert len(set(values)) == len(values)
    for grouping in groupings:
        _assert_valid(grouping, weights, low, high, fixed=fixed, needs=needs, has=has)


@pytest.mark.parametrize("fmt", ["csr_array", "csr_matrix", "coo_array", "csc_matrix"])
def test_sparse_grouping_accepts_any_scipy_sparse_format(fmt):
    weights = _random_sparse(12, 1, fmt=fmt)

    grouping = best_grouping(weights, [4, 4, 4], [4, 4, 4], time_limit=0.0, seed=1)

    _assert_valid(grouping, sparse.csr_array(weights), [4, 4, 4], [4, 4, 4])


def test_sparse_grouping_keeps_apart_and_together_what_it_must():
    weights = _random_sparse(40, 7, density=0.2).tolil()
    apart = [(0, 1), (0, 2), (1, 2), (5, 6)]
    together = [(10, 11), (11, 12), (20, 30)]
    for a, b in apart:
        weights[a, b] = weights[b, a] = -1e6
    for a, b in together:
        weights[a, b] = weights[b, a] = 1e6
    weights = sparse.csr_array(weights)

    grouping = best_grouping(weights, [5] * 8, [5] * 8, time_limit=0.2, seed=2)

    group = grouping.assignment
    assert all(group[a] != group[b] for a, b in apart)
    assert all(group[a] == group[b] for a, b in together)
    _assert_valid(grouping, weights, [5] * 8, [5] * 8)


def test_sparse_and_dense_solvers_agree_on_a_random_sparse_instance():
    weights = _random_sparse(60, 8, density=0.15)
    weights.data = np.random.default_rng(8).random(weights.nnz)  # real values
    weights = sparse.csr_array((weights + weights.T) / 2)
    low = high = [6] * 10

    from_sparse = best_grouping(weights, low, high, time_limit=0.5, seed=1)
    from_dense = best_grouping(weights.toarray(), low, high, time_limit=0.5, seed=1)

    _assert_valid(from_sparse, weights, low, high)
    assert from_sparse.value >= 0.99 * from_dense.value


def test_sparse_grouping_first_local_optimum_is_deterministic_for_a_seed():
    weights = _random_sparse(300, 9, density=0.05)

    first = next(iter_sparse_groupings(weights, [6] * 50, [6] * 50, time_limit=0.0, seed=3))
    again = next(iter_sparse_groupings(weights, [6] * 50, [6] * 50, time_limit=0.0, seed=3))
    other = next(iter_sparse_groupings(weights, [6] * 50, [6] * 50, time_limit=0.0, seed=4))

    assert first.assignment.tolist() == again.assignment.tolist()
    assert first.assignment.tolist() != other.assignment.tolist()


def test_sparse_grouping_first_grouping_is_a_local_optimum():
    weights = _random_sparse(30, 10, density=0.3)
    dense = weights.toarray()

    first = next(iter_sparse_groupings(weights, [5] * 6, [5] * 6, time_limit=0.0, seed=1))

    group = first.assignment
    to_group = np.stack([dense[:, group == g].sum(axis=1) for g in range(6)], axis=1)
    own = to_group[np.arange(30), group]
    # no swap with a neighbour's group-mate gains anything
    for a, b in itertools.combinations(range(30), 2):
        if group[a] != group[b]:
            gain = to_group[a, group[b]] - own[a] + to_group[b, group[a]] - own[b] - 2 * dense[a, b]
            assert gain <= 1e-9


def test_sparse_grouping_stops_at_the_best_possible_value():
    weights = sparse.csr_array((12, 12))  # nothing to gain: the first grouping is optimal

    groupings = list(iter_sparse_groupings(weights, [3] * 4, [3] * 4, time_limit=5.0, seed=1))

    assert [g.value for g in groupings] == [0.0]
    assert groupings[0].seconds < 1.0


@pytest.mark.parametrize(
    ("weights", "low", "high", "options", "message"),
    [
        (sparse.csr_array(np.triu(np.ones((4, 4)))), [2, 2], [2, 2], {}, "symmetric"),
        (sparse.csr_array(np.ones((4, 3))), [2, 2], [2, 2], {}, "square"),
        (_random_sparse(6, 1), [3, 3], [3, 3], {"fixed": {0: 2}}, "out of range"),
        (_random_sparse(6, 1), [4, 4], [4, 4], {}, "do not fit"),
        (
            _random_sparse(6, 1),
            [3, 3],
            [3, 3],
            {"needs": _tags(1, 1, 1, 1, 0, 0), "has": _tags(1, 0)},
            "4 people need tag bits 0b1 but only 3 seats offer them",
        ),
    ],
)
def test_sparse_grouping_explains_impossible_inputs(weights, low, high, options, message):
    with pytest.raises(ValueError, match=message):
        best_grouping(weights, low, high, time_limit=0.0, **options)


def test_symmetric_values_drop_the_diagonal_and_zeros():
    weights = sparse.coo_array(([1.0, 2.0, 2.0, 0.0], ([0, 0, 1, 2], [0, 1, 0, 2])), shape=(3, 3))

    matrix = symmetric_values(weights)

    assert matrix.toarray().tolist() == [[0, 2, 0], [2, 0, 0], [0, 0, 0]]
    assert matrix.nnz == 2


def test_sparse_grouping_undoes_a_long_perturbation_by_rebuilding(monkeypatch):
    # a journal of one move overflows at every perturbation: undo must rebuild from the best
    monkeypatch.setattr(sparse_grouping, "_journal_length", lambda n: 1)
    weights = _random_sparse(40, 11, density=0.2, negative=True)

    groupings = list(iter_sparse_groupings(weights, [5] * 8, [5] * 8, time_limit=0.1, seed=1))

    for grouping in groupings:
        _assert_valid(grouping, weights, [5] * 8, [5] * 8)
    assert groupings[-1].value == pytest.approx(grouping_value(weights, groupings[-1].assignment))


def test_sparse_grouping_refuses_more_fixed_people_than_a_group_holds():
    with pytest.raises(ValueError, match="more people are fixed to a group than it can hold"):
        best_grouping(_random_sparse(6, 1), [3, 3], [3, 3], fixed={0: 0, 1: 0, 2: 0, 3: 0})
