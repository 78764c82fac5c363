"""The weighted Gram matrix ``X_Wᵀ diag(h) X_W`` of a working set W of sparse X.

The Newton model of the logistic loss (and of every GLM whose curvature is a vector h of
the samples) on a working set W needs ``X_Wᵀ diag(h) X_W`` and ``X_Wᵀh``. Two ways from
the CSC arrays (sorted indices, as :func:`shrinkage.solvers.logistic_data.prepare_glm`
leaves them), each cheaper somewhere (:func:`gram_by_columns` chooses):

- :func:`weighted_gram_csc`, column pair by column pair: ``|W|·nnz(X_W)/2`` products;
  cheap for a few features.
- :func:`weighted_gram_rows`, row by row: the entries of W are laid out by row, one
  block of rows at a time (into a buffer of about ``_BLOCK_ENTRIES`` entries, which
  stays in cache), then multiplied in pairs within each row:
  ``nnz(X_W) + Σ_i w_i²/2`` (w_i the row's entries in W); far below a sparse-sparse
  product when rows are short (one-hot data such as a9a). No CSR copy of X is kept, and
  the entries outside W are never read.
"""

import numpy as np
from numba import uint64

from .jit import inner, kernel

# a block of rows holds about this many entries of X; its buffer takes 12 bytes an entry
_BLOCK_ENTRIES = 1 << 15


@inner(inline="always")
def _block_end(row_starts, first_row, n):
    """The end of the row block from ``first_row``: as many rows as hold at most
    ``_BLOCK_ENTRIES`` entries of X, at least one."""
    base = row_starts[first_row]
    last_row = first_row + 1
    while last_row < n and row_starts[last_row + 1] - base <= _BLOCK_ENTRIES:
        last_row += 1
    return last_row


@kernel()
def weighted_gram_rows(data, indices, indptr, row_starts, hess, features, out, sums):
    """``out = X_Wᵀ diag(hess) X_W`` and ``sums = X_Wᵀ hess`` from CSC arrays with
    sorted indices, W = ``features`` (increasing), row block by row block.

    ``row_starts`` are X's row offsets (the CSR ``indptr``, :func:`row_offsets`): row i
    has room for its entries of W at ``row_starts[i] − row_starts[first]`` in a block
    starting at row ``first``, so one pass over W's columns lays a block out by row (W's
    columns are read in order: a row's entries come out in W's order and only the upper
    triangle is summed); then each row adds its pairs. Blocks hold about
    ``_BLOCK_ENTRIES`` entries of X. ``out`` (|W| × |W|) and ``sums`` are overwritten.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csc_matrix(np.array([[1.0, 0.0, 2.0], [0.0, 3.0, 1.0], [4.0, 0.0, 0.0]]))
    >>> hess, features = np.array([1.0, 0.5, 2.0]), np.array([0, 2])
    >>> out, sums = np.empty((2, 2)), np.empty(2)
    >>> starts = row_offsets(X.indices, X.shape[0])
    >>> weighted_gram_rows(X.data, X.indices, X.indptr, starts, hess, features, out, sums)
    >>> out.tolist(), sums.tolist()
    ([[33.0, 2.0], [2.0, 4.5]], [9.0, 2.5])
    """
    n = hess.shape[0]
    k = features.shape[0]
    out[:] = 0.0
    sums[:] = 0.0
    flat = out.reshape(k * k)
    cursor = np.empty(k, dtype=np.int64)
    column_end = np.empty(k, dtype=np.int64)
    for pos in range(k):
        cursor[pos] = indptr[features[pos]]
        column_end[pos] = indptr[features[pos] + 1]
    capacity, rows = 0, 0  # the most entries of X, and rows, in a block
    first_row = 0
    while first_row < n:
        last_row = _block_end(row_starts, first_row, n)
        capacity = max(capacity, row_starts[last_row] - row_starts[first_row])
        rows = max(rows, last_row - first_row)
        first_row = last_row
    gathered = np.empty(capacity, dtype=np.uint32)
    values = np.empty(capacity)
    fill = np.empty(rows, dtype=np.int64)  # where the block's next entry of each row goes
    first_row = 0
    while first_row < n:
        last_row = _block_end(row_starts, first_row, n)
        base = row_starts[first_row]
        for r in range(first_row, last_row):
            fill[r - first_row] = row_starts[r] - base
        for pos in range(k):  # lay the block's entries of W out by row
            idx = cursor[pos]
            end = column_end[pos]
            while idx < end and indices[idx] < last_row:
                r = indices[idx] - first_row
                slot = fill[r]
                gathered[slot] = pos
                values[slot] = data[idx]
                fill[r] = slot + 1
                idx += 1
            cursor[pos] = idx
        for r in range(first_row, last_row):
            weight = hess[r]
            stop = fill[r - first_row]
            for first in range(row_starts[r] - base, stop):
                row = uint64(gathered[first])
                scaled = weight * values[first]
                sums[row] += scaled
                start = row * uint64(k)
                for second in range(first, stop):
                    flat[start + uint64(gathered[second])] += scaled * values[second]
        first_row = last_row
    for j in range(k):
        for col in range(j + 1, k):
            out[col, j] = out[j, col]


def row_offsets(indices, n):
    """The CSR ``indptr`` (int64) of CSC X from its row ``indices``: where each row's
    entries would start, for :func:`weighted_gram_rows`. Takes one n-vector of work
    besides the result, not a copy of the indices.

    >>> row_offsets(np.array([0, 2, 1, 2], dtype=np.int32), 3).tolist()
    [0, 1, 2, 4]
    """
    offsets = np.zeros(n + 1, dtype=np.int64)
    counts = offsets[1:]
    # counted by runs of entries (bincount makes an int64 copy of what it counts)
    run = max(_BLOCK_ENTRIES, n)
    for start in range(0, indices.shape[0], run):
        counts += np.bincount(indices[start : start + run], minlength=n)
    np.cumsum(counts, out=counts)
    return offsets


@kernel()
def weighted_gram_csc(data, indices, indptr, hess, features, out, sums, scattered):
    """:func:`weighted_gram_rows`, column pair by column pair: each column of W scattered
    once into ``scattered`` (an n-vector of zeros, left zero), then dotted with the later
    columns' stored entries. Cost ``|W|·nnz(X_W)/2``: cheaper for a small working set
    (:func:`gram_by_columns`). ``out`` and ``sums`` are overwritten."""
    k = features.shape[0]
    for first in range(k):
        j = features[first]
        total = 0.0
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            row = uint64(indices[idx])
            scattered[row] = hess[row] * data[idx]
            total += scattered[row]
        sums[first] = total
        for second in range(first, k):
            col = features[second]
            product = 0.0
            for idx in range(uint64(indptr[col]), uint64(indptr[col + 1])):
                product += scattered[uint64(indices[idx])] * data[idx]
            out[first, second] = product
            out[second, first] = product
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            scattered[uint64(indices[idx])] = 0.0


@kernel()
def gram_by_columns(k, nnz_working, n):
    """Whether :func:`weighted_gram_csc` is cheaper than :func:`weighted_gram_rows` for a
    working set of k features holding ``nnz_working`` stored entries of n rows. The
    costs, timed per operation on one core (a9a, w8a and a tall 100,000 × 1,000 0/1
    design, 10-1,000 features): 1.1 ns per column-pair entry, against 6 ns per entry laid
    out by row, 4 ns per row and 0.6 ns per pair within a row (``nnz_working²/2n`` pairs
    for rows of equal length). a9a (48,842 rows), 10 features holding 39,239 entries:
    0.17 against 0.59 ms; 40 holding 154,368: 2.1 against 1.5 ms."""
    columns = 1.1 * k * nnz_working / 2.0
    rows = 6.0 * nnz_working + 4.0 * n + 0.6 * nnz_working * nnz_working / (2.0 * n)
    return columns < rows
