from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from touchpoints.core.plans.values import ceiling, lookup, row_max, submatrix, symmetric


def _values(n, seed):
    rng = np.random.default_rng(seed)
    w = np.triu(rng.random((n, n)) * (rng.random((n, n)) < 0.3), 1)
    return w + w.T


@pytest.mark.parametrize("table", [2, 4, 8])
def test_dense_and_sparse_values_read_alike(table):
    values = _values(20, table)
    compressed = symmetric(sparse.csr_matrix(values))
    rows, cols = np.array([0, 3, 7]), np.array([5, 3, 19])
    index = np.array([2, 4, 6, 8])

    assert ceiling(values, table) == pytest.approx(ceiling(compressed, table))
    assert np.array_equal(row_max(values), row_max(compressed))
    assert np.array_equal(lookup(values, rows, cols), lookup(compressed, rows, cols))
    assert np.array_equal(submatrix(values, index), submatrix(compressed, index))


def test_ceiling_is_everybodys_best_partners_halved():
    values = np.array([[0, 3, 1], [3, 0, 2], [1, 2, 0]], dtype=float)

    assert ceiling(values, 2) == (3 + 3 + 2) / 2
    assert ceiling(values, 1) == 0.0


def test_symmetric_drops_the_diagonal_and_mirrors_sparse_input():
    one_sided = sparse.csr_matrix(np.array([[5.0, 1.0], [0.0, 0.0]]))

    assert symmetric(one_sided).toarray().tolist() == [[0.0, 1.0], [1.0, 0.0]]
