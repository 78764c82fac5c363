"""The logistic path in one compiled call, for the problems it covers.

:func:`compiled_path` hands a whole grid to :func:`shrinkage._kernels.logistic_path.
logistic_path`, the proximal-Newton loop of :mod:`shrinkage.solvers.logistic` run by
numba, when every feature is penalised and X is float64, or float32 whose float64 copy is
small (:func:`_layout`). The points it returns are
certified by the same duality gap at the same tolerance; only the Python calls between
the kernels are gone (``benchmarks/ablation_logistic.py`` measures the difference).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._kernels.logistic_path import logistic_path
from ..losses import LogisticLoss
from ..solvers.logistic import COMPILED_SETTINGS
from .points import new_points
from .rows import DenseRows

__all__ = ["compiled_path", "covers"]

LOSS = LogisticLoss()
# read-only data, and float32 data once in float64, up to this size is copied for the
# compiled loop (see _layout)
_COPY_LIMIT = 64 * 2**20
_FLOATS = (np.dtype(np.float64), np.dtype(np.float32))


def covers(data, penalty) -> bool:
    """Whether :func:`compiled_path` solves this prepared problem and penalty: the
    log-loss without offset, float64 or float32 X, every feature penalised."""
    X = data.X
    if not isinstance(data.loss, LogisticLoss) or data.offset is not None:
        return False
    return X.dtype in _FLOATS and bool(np.all(penalty.factors(X.shape[1]) > 0))


def compiled_path(data, penalty, alphas, *, tol, max_iter, rows, screen=True,
                  settings=COMPILED_SETTINGS):  # fmt: skip
    """:func:`shrinkage.path.logistic.solve_path` in one compiled call (same arguments,
    same points), or None where the data's arrays would need a compilation of their own
    (:func:`_layout`); the caller checks :func:`covers` first. ``settings`` are the
    solver's rules (:data:`~shrinkage.solvers.logistic.COMPILED_SETTINGS`), which only
    ``benchmarks/ablation_logistic.py`` changes, to switch one speed-up off at a time."""
    arrays = _layout(data)
    if arrays is None:
        return None
    p = data.X.shape[1]
    l1_unit, l2_unit = penalty.weights(1.0, p, data.scale)
    means = data.column_means if data.fit_intercept else np.zeros(p)
    scale = data.primal_at_zero if data.primal_at_zero > 0 else 1.0
    intercept = LOSS.null_prediction(data.y, data.s, data.fit_intercept)
    coefs = _block(rows, alphas.shape[0], p)
    values = np.zeros((alphas.shape[0], 6))
    logistic_path(
        *arrays, _vector(data.y), _vector(data.s),
        data.fit_intercept, float(scale), np.array(alphas, dtype=np.float64), l1_unit,
        l2_unit, bool(penalty.positive), float(tol), int(max_iter), float(intercept),
        data.dual_column_norms, means, bool(screen), LOSS.dual_radius(1.0, data.s),
        tuple(float(v) for v in settings), coefs, values,
    )  # fmt: skip
    points = new_points(alphas.shape[0])
    for k, name in enumerate(points.dtype.names):
        points[name] = values[:, k]
    rows.store_block(0, coefs)  # no copy where coefs is the rows' own block
    return points


def _block(rows, n_alphas, p):
    """Where the compiled loop writes the coefficients: the rows' own block when it is a
    C-ordered, writable float64 array (dense rows: no copy of the path), else a new one."""
    if isinstance(rows, DenseRows):
        block = rows.block(0, n_alphas)
        flags = block.flags
        if block.dtype == np.float64 and flags.c_contiguous and flags.writeable:
            return block
    return np.zeros((n_alphas, p))


def _layout(data):
    """The arrays of X as the compiled loop takes them, ``(X, data, indices, indptr,
    row_starts)``, or None.

    numba compiles the loop anew for every new array type, at 30-40 s a compilation, and
    a read-only array, float32 values, 64-bit sparse indices or a one-column matrix
    (which numba sees as C-ordered) are each a new type. So the compiled loop sees one
    set of types: writable Fortran-ordered float64 dense X with empty CSC arrays, or
    writable float64 CSC arrays with 32-bit indices and int64 row offsets with a
    placeholder X (:func:`~shrinkage._kernels.columns.is_dense`). Read-only arrays and float32
    values (exact in float64: the problem is the same, its arithmetic more precise) whose
    copy takes up to ``_COPY_LIMIT`` bytes, and 64-bit indices, are copied into that form; larger
    data and a single row or column are left to the Python loop, which solves them to
    the same certificate.
    """
    X = data.X
    if sp.issparse(X):
        if X.nnz >= np.iinfo(np.int32).max or X.shape[1] >= np.iinfo(np.int32).max:
            return None
        arrays = []
        for array in (X.data, X.indices, X.indptr):
            if array.dtype == np.int64:
                array = array.astype(np.int32)
            array = _writable(array)
            if array is None:
                return None
            arrays.append(array)
        return (np.empty((2, 2), order="F"), *arrays, data.row_starts)
    if 1 in X.shape:
        return None
    X = _writable(X)
    if X is None:
        return None
    return X, np.empty(0), np.empty(0, np.int32), np.empty(0, np.int32), np.empty(0, np.int64)


def _vector(values):
    """``values`` as a writable, contiguous float64 vector: itself where it is one (the
    loop reads it only), else a copy; one array type for the compiled loop."""
    flags = values.flags
    if values.dtype == np.float64 and flags.c_contiguous and flags.writeable:
        return values
    return np.array(values, dtype=np.float64)


def _writable(array):
    """``array``, or a writable float64 copy of it (in its memory order) where it is
    read-only or float32 and the copy is small; None where it is not."""
    if array.dtype == np.float32:
        if array.size * 8 > _COPY_LIMIT:
            return None
        return array.astype(np.float64, order="K")
    if array.flags.writeable:
        return array
    return array.copy(order="K") if array.nbytes <= _COPY_LIMIT else None
