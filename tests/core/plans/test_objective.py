from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests.core.crowds import SOCCER_CROWD, crowds
from touchpoints.core.common_ground import common_ground
from touchpoints.core.plans.objective import (
    pair_values,
    pair_values_at,
    plan_values,
    sparse_pair_values,
)
from touchpoints.core.topics import event_topics


@given(crowds)
def test_pair_values_equal_common_ground_for_every_pair(crowd):
    vocabulary = event_topics(crowd)

    values = pair_values(vocabulary)

    ids = vocabulary.attendee_ids
    expected = np.array(
        [
            [(g.score if a != b and (g := common_ground(vocabulary, a, b)) else 0.0) for b in ids]
            for a in ids
        ]
    )
    assert np.allclose(values, expected, atol=1e-9)
    assert np.allclose(values, values.T)


@given(crowds, st.integers(1, 4))
def test_sparse_pair_values_equal_pair_values_on_their_nonzeros(crowd, k):
    vocabulary = event_topics(crowd)
    dense = pair_values(vocabulary)

    values = sparse_pair_values(vocabulary, k=k)

    pairs = values.tocoo()
    assert values.shape == dense.shape
    assert np.array_equal(pairs.data, dense[pairs.row, pairs.col])
    assert np.all(pairs.data > 0)
    assert np.all(pairs.row != pairs.col)
    assert (values != values.T).nnz == 0


def test_sparse_pair_values_keep_everybodys_best_partners():
    vocabulary = event_topics(SOCCER_CROWD)
    dense = pair_values(vocabulary)

    values = sparse_pair_values(vocabulary, k=2).toarray()

    best = np.sort(dense, axis=1)[:, -2:]
    kept = np.sort(values, axis=1)[:, -2:]
    assert np.array_equal(kept, best)


@given(crowds)
def test_pair_values_at_equal_pair_values_for_any_pairs(crowd):
    vocabulary = event_topics(crowd)
    dense = pair_values(vocabulary)
    rows, cols = np.nonzero(np.ones_like(dense))

    assert np.array_equal(pair_values_at(vocabulary, rows, cols), dense[rows, cols])


def test_plan_values_are_dense_for_small_events_unless_told_otherwise():
    vocabulary = event_topics(SOCCER_CROWD)

    assert isinstance(plan_values(vocabulary), np.ndarray)
    assert not isinstance(plan_values(vocabulary, dense=False), np.ndarray)
    assert np.array_equal(plan_values(vocabulary, dense=False).toarray(), pair_values(vocabulary))
