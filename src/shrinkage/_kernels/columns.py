"""Column-wise products on a subset of features, without copying X[:, features].

``X[:, ws].T @ r`` in NumPy first copies the n × |ws| block; these loops read the
columns in place (dense Fortran: contiguous; sparse CSC: the stored entries). The sparse
versions centre implicitly like the epochs (``X_effᵀr = Xᵀr − x̄ (uᵀr)``).
"""

from numba import uint64

from .jit import inner, kernel
from .prox import FASTMATH, SPARSE_FASTMATH, weight_at


@kernel(fastmath=FASTMATH)
def column_dots_dense(X, vector, features, out):
    """``out[k] = X[:, features[k]] · vector``."""
    n = X.shape[0]
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        for i in range(n):
            total += X[i, j] * vector[i]
        out[k] = total


@inner(fastmath=SPARSE_FASTMATH, inline="always")
def _sparse_dot(data, indices, indptr, vector, j):
    """``X[:, j] · vector`` over column j's stored entries (CSC arrays)."""
    total = 0.0
    for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
        total += data[idx] * vector[uint64(indices[idx])]
    return total


@kernel(fastmath=SPARSE_FASTMATH)
def column_dots_sparse(data, indices, indptr, vector, features, out):
    """``out[k] = X[:, features[k]] · vector`` for CSC arrays (no centring); every
    column (``out[j] = X[:, j] · vector``) where ``features`` is None.

    Each dot is two sums of alternate entries: one sum waits for each addition before
    the next, which bounds a long column by the adder's latency (w8a, about 1,900 entries
    a column: Xᵀv in 0.63 ms with one sum, 0.33 ms with two); short columns lose
    nothing. The loop is written out here: as a function called per column, the same
    two sums cost 8× as much on rcv1's columns of 2.5 entries."""
    count = out.shape[0] if features is None else features.shape[0]
    for k in range(count):
        j = k if features is None else features[k]
        start, stop = uint64(indptr[j]), uint64(indptr[j + 1])
        even = start + (stop - start) // uint64(2) * uint64(2)
        first, second = 0.0, 0.0
        for idx in range(start, even, uint64(2)):
            first += data[idx] * vector[uint64(indices[idx])]
            second += data[idx + uint64(1)] * vector[uint64(indices[idx + uint64(1)])]
        if even < stop:
            first += data[even] * vector[uint64(indices[even])]
        out[k] = first + second


@kernel(fastmath=SPARSE_FASTMATH)
def all_column_dots_sparse(data, indices, indptr, vector, out):
    """``out = Xᵀ·vector`` for CSC arrays, written into ``out`` (no centring): SciPy's
    product makes a new p-vector; this one is faster on long columns
    (:func:`column_dots_sparse`)."""
    column_dots_sparse(data, indices, indptr, vector, None, out)


@kernel(fastmath=FASTMATH)
def all_column_dots_dense(X, vector, out):
    """``out = Xᵀ·vector`` for Fortran-ordered X, written into ``out``: BLAS's speed on
    one thread (reassociated sums vectorise), without numba's BLAS binding, which costs
    seconds of compilation to every compiled caller."""
    n = X.shape[0]
    for j in range(out.shape[0]):
        total = 0.0
        for i in range(n):
            total += X[i, j] * vector[i]
        out[j] = total


@inner(fastmath=SPARSE_FASTMATH, inline="always")
def _sparse_pair(data, indices, indptr, first, second, j):
    """``(X[:, j] · first, X[:, j] · second)`` over column j's stored entries."""
    total_first = 0.0
    total_second = 0.0
    for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
        row = uint64(indices[idx])
        total_first += data[idx] * first[row]
        total_second += data[idx] * second[row]
    return total_first, total_second


@inner(fastmath=FASTMATH, inline="always")
def _dense_pair(X, first, second, j):
    """``(X[:, j] · first, X[:, j] · second)`` for Fortran-ordered X."""
    total_first = 0.0
    total_second = 0.0
    for i in range(X.shape[0]):
        total_first += X[i, j] * first[i]
        total_second += X[i, j] * second[i]
    return total_first, total_second


@kernel(fastmath=SPARSE_FASTMATH)
def column_dot_pairs_sparse(data, indices, indptr, first, second, out_first, out_second):
    """``out_first = Xᵀ·first`` and ``out_second = Xᵀ·second`` in one pass over the CSC
    arrays, each dot in two sums of alternate entries (:func:`column_dots_sparse`)."""
    for j in range(out_first.shape[0]):
        start, stop = uint64(indptr[j]), uint64(indptr[j + 1])
        even = start + (stop - start) // uint64(2) * uint64(2)
        first_a, first_b, second_a, second_b = 0.0, 0.0, 0.0, 0.0
        for idx in range(start, even, uint64(2)):
            row, other = uint64(indices[idx]), uint64(indices[idx + uint64(1)])
            value, next_value = data[idx], data[idx + uint64(1)]
            first_a += value * first[row]
            first_b += next_value * first[other]
            second_a += value * second[row]
            second_b += next_value * second[other]
        if even < stop:
            row = uint64(indices[even])
            first_a += data[even] * first[row]
            second_a += data[even] * second[row]
        out_first[j], out_second[j] = first_a + first_b, second_a + second_b


@kernel(fastmath=FASTMATH)
def column_dot_pairs_dense(X, first, second, out_first, out_second):
    """:func:`column_dot_pairs_sparse` for Fortran-ordered X."""
    for j in range(out_first.shape[0]):
        out_first[j], out_second[j] = _dense_pair(X, first, second, j)


@kernel(fastmath=FASTMATH)
def masked_column_dots_dense(X, vector, mask, out):
    """``out[j] = X[:, j] · vector`` where ``mask[j]``; other entries untouched."""
    n = X.shape[0]
    for j in range(X.shape[1]):
        if mask[j]:
            total = 0.0
            for i in range(n):
                total += X[i, j] * vector[i]
            out[j] = total


@kernel(fastmath=SPARSE_FASTMATH)
def masked_column_dots_sparse(data, indices, indptr, vector, mask, offset, t, out):
    """``out[j] = X[:, j] · vector − offset_j·t`` where ``mask[j]`` (CSC arrays; the
    implicit centring with t = uᵀvector; ``offset`` an array or one number)."""
    for j in range(mask.shape[0]):
        if mask[j]:
            out[j] = _sparse_dot(data, indices, indptr, vector, j) - weight_at(offset, j) * t


@inner(fastmath=FASTMATH)
def masked_column_dot_pairs_dense(X, first, second, mask, out_first, out_second):
    """:func:`column_dot_pairs_dense` where ``mask[j]``; other entries untouched."""
    for j in range(X.shape[1]):
        if mask[j]:
            out_first[j], out_second[j] = _dense_pair(X, first, second, j)


@inner(fastmath=SPARSE_FASTMATH)
def masked_column_dot_pairs_sparse(data, indices, indptr, first, second, mask, out_first,
                                   out_second):  # fmt: skip
    """:func:`column_dot_pairs_sparse` where ``mask[j]``; other entries untouched."""
    for j in range(mask.shape[0]):
        if mask[j]:
            out_first[j], out_second[j] = _sparse_pair(data, indices, indptr, first, second,
                                                       j)  # fmt: skip


@kernel(fastmath=FASTMATH)
def subtract_columns_dense(X, vector, features, coefficients):
    """``vector −= X[:, features] @ coefficients`` in place."""
    n = X.shape[0]
    for k in range(features.shape[0]):
        c = coefficients[k]
        if c != 0.0:
            j = features[k]
            for i in range(n):
                vector[i] -= c * X[i, j]


@kernel(fastmath=SPARSE_FASTMATH)
def subtract_columns_sparse(data, indices, indptr, vector, features, coefficients):
    """``vector −= X[:, features] @ coefficients`` for CSC arrays, in place."""
    for k in range(features.shape[0]):
        c = coefficients[k]
        if c != 0.0:
            j = features[k]
            for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
                vector[uint64(indices[idx])] -= c * data[idx]


@kernel()
def add_to_entries(vector, features, values):
    """``vector[features] += values`` in place (distinct features), without the two
    temporaries of NumPy's fancy-indexed update."""
    for k in range(features.shape[0]):
        vector[features[k]] += values[k]


@kernel(fastmath=SPARSE_FASTMATH)
def column_sq_norms_sparse(data, indptr, out):
    """``out[j] = Σ_k data[k]²`` over column j's stored entries (no temporary matrix)."""
    for j in range(out.shape[0]):
        total = 0.0
        for k in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            total += data[k] * data[k]
        out[j] = total


@kernel(inline="always")
def is_dense(indptr):
    """Whether a kernel that takes both layouts, ``(X, data, indices, indptr)``, has
    dense X: sparse data come as CSC arrays with a placeholder X, dense data with empty
    CSC arrays, and the column offsets ``indptr`` of sparse data are never empty. Both
    layouts are one array type, so numba compiles such a kernel once for both."""
    return indptr.shape[0] == 0


@inner()
def copy_into(out, values):
    """``out[:] = values`` for vectors of one length, as a loop: numba's slice assignment
    checks the shapes with an error message whose formatting costs its callers seconds
    of compilation."""
    for i in range(out.shape[0]):
        out[i] = values[i]


@kernel()
def dot(x, y):
    """``x · y`` for vectors of one length, as a loop: numba's ``@`` goes through its
    BLAS binding, which costs its callers seconds of compilation."""
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i] * y[i]
    return total


@inner()
def quadratic_change(gradient, matrix, step):
    """``gradientᵀstep + ½ stepᵀ·matrix·step``, the change of a quadratic model, as loops
    (see :func:`dot`)."""
    total = 0.0
    for i in range(step.shape[0]):
        bend = 0.0
        for k in range(step.shape[0]):
            bend += matrix[i, k] * step[k]
        total += step[i] * (gradient[i] + 0.5 * bend)
    return total


@inner()
def add_into(out, values):
    """``out[:len(values)] += values``, as a loop (see :func:`copy_into`)."""
    for i in range(values.shape[0]):
        out[i] += values[i]


@inner()
def add_product(M, W, sign, out):
    """``out += sign·M W`` for M (n × p) and W (p × T), skipping the zero entries of W
    (the rows of a sparse coefficient matrix cost nothing)."""
    n, p = M.shape
    for j in range(p):
        for t in range(W.shape[1]):
            w = sign * W[j, t]
            if w != 0.0:
                for i in range(n):
                    out[i, t] += M[i, j] * w
