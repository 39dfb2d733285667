"""Pair values as planners see them: a dense (n, n) array up to a few thousand people,
a scipy sparse matrix above. These helpers read either without ever building an
``n x n`` array from a sparse one."""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import sparse

__all__ = ["Values", "ceiling", "dense", "lookup", "row_max", "submatrix", "symmetric"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
#: Pair values: a dense (n, n) array, or a scipy sparse matrix (scipy is untyped).
Values: TypeAlias = Any


def symmetric(values: Values) -> Values:
    """A float64 copy with a zero diagonal, sparse kept sparse (CSR), made symmetric."""
    if sparse.issparse(values):
        matrix = sparse.csr_matrix(values, dtype=np.float64)
        matrix = matrix.maximum(matrix.T).tocsr()
        matrix.setdiag(0.0)
        matrix.eliminate_zeros()
        return matrix
    dense = np.array(values, dtype=np.float64)
    np.fill_diagonal(dense, 0.0)
    return dense


def dense(values: Values) -> FloatArray:
    """The values as a dense array (for small events only)."""
    if sparse.issparse(values):
        return np.asarray(values.toarray(), dtype=np.float64)
    return np.asarray(values)


def submatrix(values: Values, index: IntArray) -> FloatArray:
    """The dense values among the people of ``index``."""
    if sparse.issparse(values):
        return np.asarray(values[index][:, index].toarray(), dtype=np.float64)
    return np.asarray(values[np.ix_(index, index)])


def row_max(values: Values) -> FloatArray:
    """Each person's best value with anybody (0 when none)."""
    if sparse.issparse(values):
        return np.asarray(values.max(axis=1).toarray(), dtype=np.float64).ravel()
    return np.asarray(values.max(axis=1, initial=0.0), dtype=np.float64)


def lookup(values: Values, rows: IntArray, cols: IntArray) -> FloatArray:
    """The values of pairs (rows[k], cols[k])."""
    if len(rows) == 0:
        return np.zeros(0)
    if sparse.issparse(values):
        return np.asarray(values[rows, cols], dtype=np.float64).ravel()
    return np.asarray(values[rows, cols], dtype=np.float64)


def ceiling(values: Values, largest_table: int) -> float:
    """No seating of one round is worth more: everybody with their best positive
    partners, as many as fit the largest table, halved (each pair counted twice)."""
    keep = max(0, min(largest_table - 1, values.shape[0] - 1))
    if keep == 0:
        return 0.0
    if sparse.issparse(values):
        matrix = sparse.csr_matrix(values)
        rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
        order = np.lexsort((-matrix.data, rows))
        rank = np.arange(len(order)) - matrix.indptr[rows[order]]
        best = matrix.data[order][rank < keep]
        return float(np.clip(best, 0.0, None).sum() / 2.0)
    positive = np.clip(np.asarray(values, dtype=np.float64), 0.0, None)
    top = -np.partition(-positive, keep - 1, axis=1)[:, :keep]
    return float(top.sum() / 2.0)
