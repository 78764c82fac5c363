"""Where a path keeps its coefficients: one dense (n_alphas × p) array, or sparse rows.

On wide data most of a path's coefficients are exact zeros: news20 (p = 130 108) has at
most a few hundred non-zeros per α, yet its dense path is 99 MiB, three times X.
``shrinkage.path(..., coef_format="sparse")`` keeps only each row's non-zeros (a CSR
array), so the path's memory is its support; every point is then solved in one p-vector,
from which its row is compressed, and the exact homotopy writes its grid points'
non-zeros straight in. In both formats a point is solved in place, in the vector that
becomes (or is compressed into) its row, so no other copy of w is made.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["DenseRows", "SparseRows", "support_summary"]

_BLOCK_ENTRIES = 2**20  # entries of a dense path read at a time by support_summary


class DenseRows:
    """Rows of a dense ``coefs`` array (the default format)."""

    def __init__(self, coefs):
        self.coefs = coefs

    def solve_in(self, k, w):
        """The p-vector where point k is solved, holding ``w`` (the warm start)."""
        self.coefs[k] = w
        return self.coefs[k]

    def store(self, k, w):
        self.coefs[k] = w

    def store_block(self, start, block):
        """Rows ``start, start + 1, …`` are the rows of ``block``."""
        stop = start + block.shape[0]
        if not np.shares_memory(self.coefs[start:stop], block):
            self.coefs[start:stop] = block

    def put(self, k, features, values):
        """Row k is ``values`` at ``features`` and 0 elsewhere (it was all zero)."""
        self.coefs[k, features] = values

    def dense_row(self, k):
        return self.coefs[k]

    def block(self, start, stop):
        """Rows ``start:stop`` as a dense array."""
        return self.coefs[start:stop]

    def divide_columns(self, divisor):
        self.coefs /= divisor

    def finish(self):
        return self.coefs


class SparseRows:
    """Rows kept as their non-zeros, assembled into a ``scipy.sparse.csr_array``."""

    def __init__(self, n_rows, n_features, dtype):
        self.shape, self.dtype = (n_rows, n_features), dtype
        self.buffer = np.zeros(n_features, dtype=dtype)
        self.indices = [np.zeros(0, dtype=np.int64)] * n_rows
        self.values = [np.zeros(0, dtype=dtype)] * n_rows

    def solve_in(self, k, w):
        if w is not self.buffer:
            self.buffer[:] = w
        return self.buffer

    def store(self, k, w):
        nonzero = np.flatnonzero(w)
        self.indices[k], self.values[k] = nonzero, np.asarray(w[nonzero], dtype=self.dtype)

    def store_block(self, start, block):
        for i in range(block.shape[0]):
            self.store(start + i, block[i])

    def put(self, k, features, values):
        features, values = np.asarray(features, dtype=np.int64), np.asarray(values)
        keep = values != 0
        order = np.argsort(features[keep])
        self.indices[k] = features[keep][order]
        self.values[k] = values[keep][order].astype(self.dtype, copy=False)

    def dense_row(self, k):
        row = np.zeros(self.shape[1], dtype=self.dtype)
        row[self.indices[k]] = self.values[k]
        return row

    def block(self, start, stop):
        out = np.zeros((stop - start, self.shape[1]), dtype=self.dtype)
        for i, k in enumerate(range(start, stop)):
            out[i, self.indices[k]] = self.values[k]
        return out

    def divide_columns(self, divisor):
        for k in range(self.shape[0]):
            self.values[k] = self.values[k] / divisor[self.indices[k]]

    def finish(self):
        self.buffer = None  # the solver's vector goes before the array is assembled
        indptr = np.zeros(self.shape[0] + 1, dtype=np.int64)
        np.cumsum([i.size for i in self.indices], out=indptr[1:])
        indices = np.concatenate(self.indices) if self.shape[0] else np.zeros(0, np.int64)
        values = np.concatenate(self.values) if self.shape[0] else np.zeros(0, self.dtype)
        return sp.csr_array((values, indices, indptr), shape=self.shape)


def support_summary(coefs, alphas):
    """``(entry_alpha, n_active)``: per feature the largest α where it is non-zero (0 if
    never), per α the number of non-zeros; for a dense array a block of rows at a time
    (no (n_alphas × p) temporaries), for a CSR array row by row.

    Examples
    --------
    >>> entry, n_active = support_summary(np.array([[0.0, 1.0], [2.0, 3.0]]), np.array([1.0, 0.5]))
    >>> entry.tolist(), n_active.tolist()
    ([0.5, 1.0], [1, 2])
    """
    n_alphas, p = coefs.shape
    entry, n_active = np.zeros(p), np.zeros(n_alphas, dtype=np.int64)
    if not sp.issparse(coefs):
        step = max(1, _BLOCK_ENTRIES // max(p, 1))
        for start in range(0, n_alphas, step):  # the largest α first
            block = coefs[start : start + step]
            rows, features = np.divmod(np.flatnonzero(block != 0), p)  # row by row
            n_active[start : start + block.shape[0]] = np.bincount(rows, minlength=block.shape[0])
            features, first = np.unique(features, return_index=True)
            new = entry[features] == 0.0
            entry[features[new]] = alphas[start + rows[first[new]]]
        return entry, n_active
    for k in range(n_alphas - 1, -1, -1):
        row = slice(coefs.indptr[k], coefs.indptr[k + 1])
        nonzero = coefs.indices[row][coefs.data[row] != 0]
        entry[nonzero] = alphas[k]
        n_active[k] = nonzero.size
    return entry, n_active
