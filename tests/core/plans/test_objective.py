from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.core.crowds import SOCCER_CROWD, crowds
from touchpoints.core.candidates import top_matches
from touchpoints.core.common_ground import common_ground
from touchpoints.core.pair_score import MIN_SCORE
from touchpoints.core.plans.objective import (
    pair_values,
    pair_values_at,
    plan_values,
    sparse_pair_values,
)
from touchpoints.core.topics import event_topics


@given(crowds, st.integers(1, 4))
def test_one_pair_score_everywhere(crowd, k):
    """common_ground, top_matches, pair_values and pair_values_at give every pair the
    same score, and only pairs with common ground reach MIN_SCORE."""
    vocabulary = event_topics(crowd)
    ids = vocabulary.attendee_ids
    n = len(ids)

    values = pair_values(vocabulary)
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    at = pair_values_at(vocabulary, rows, cols)
    found = top_matches(vocabulary, k=k)

    assert np.allclose(values, values.T)
    assert np.allclose(at, values[rows, cols], atol=1e-6)
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        ground = common_ground(vocabulary, ids[a], ids[b])
        if ground is None:
            assert values[a, b] < MIN_SCORE
        else:
            assert values[a, b] >= MIN_SCORE
            assert np.isclose(ground.score, values[a, b], atol=1e-6)
    for a in range(n):
        for b, score in found.of(a):
            assert np.isclose(score, values[a, b], atol=1e-6)


@given(crowds, st.integers(1, 4))
def test_sparse_pair_values_equal_pair_values_on_their_nonzeros(crowd, k):
    vocabulary = event_topics(crowd)
    dense = pair_values(vocabulary)

    values = sparse_pair_values(vocabulary, k=k)

    pairs = values.tocoo()
    assert values.shape == dense.shape
    assert np.allclose(pairs.data, dense[pairs.row, pairs.col], atol=1e-6)
    assert np.all(pairs.data >= MIN_SCORE)
    assert np.all(pairs.row != pairs.col)
    assert (values != values.T).nnz == 0


def test_sparse_pair_values_keep_everybodys_best_partners():
    vocabulary = event_topics(SOCCER_CROWD)
    dense = pair_values(vocabulary)

    values = sparse_pair_values(vocabulary, k=2).toarray()

    best = np.sort(np.where(dense >= MIN_SCORE, dense, 0.0), axis=1)[:, -2:]
    kept = np.sort(values, axis=1)[:, -2:]
    assert np.allclose(kept, best, atol=1e-6)


@given(crowds)
def test_pair_values_at_equal_pair_values_for_any_pairs(crowd):
    vocabulary = event_topics(crowd)
    dense = pair_values(vocabulary)
    rows, cols = np.nonzero(np.ones_like(dense))

    assert np.allclose(pair_values_at(vocabulary, rows, cols), dense[rows, cols], atol=1e-6)


def test_plan_values_are_dense_for_small_events_unless_told_otherwise():
    vocabulary = event_topics(SOCCER_CROWD)

    assert isinstance(plan_values(vocabulary), np.ndarray)
    assert not isinstance(plan_values(vocabulary, dense=False), np.ndarray)
    sparse_values = plan_values(vocabulary, dense=False).toarray()
    kept = sparse_values > 0
    dense_values = pair_values(vocabulary)
    assert np.allclose(sparse_values[kept], dense_values[kept], atol=1e-6)
    assert np.all(dense_values[~kept] < MIN_SCORE)
