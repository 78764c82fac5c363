"""The logistic path in one compiled call, for the problems it covers.

:func:`compiled_path` hands a whole grid to :func:`shrinkage._kernels.logistic_path.
logistic_path`, the proximal-Newton loop of :mod:`shrinkage.solvers.logistic` run by
numba, when X is float64 and every feature is penalised. The points it returns are
certified by the same duality gap at the same tolerance; only the Python calls between
the kernels are gone (``benchmarks/ablation.py`` measures the difference).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from .._kernels.logistic_path import logistic_path
from ..losses import LogisticLoss
from ..solvers.logistic import COMPILED_SETTINGS
from .points import new_points

__all__ = ["compiled_path", "covers"]

LOSS = LogisticLoss()
_NO_VALUES = np.empty(0)


def covers(data, penalty) -> bool:
    """Whether :func:`compiled_path` solves this prepared problem and penalty."""
    X = data.X
    return X.dtype == np.float64 and bool(np.all(penalty.factors(X.shape[1]) > 0))


def compiled_path(data, penalty, alphas, *, tol, max_iter, rows, screen=True,
                  settings=COMPILED_SETTINGS):  # fmt: skip
    """:func:`shrinkage.path.logistic.solve_path` in one compiled call (same arguments,
    same points); the caller checks :func:`covers` first. ``settings`` are the solver's
    rules (:data:`~shrinkage.solvers.logistic.COMPILED_SETTINGS`), which only
    ``benchmarks/ablation.py`` changes, to switch one speed-up off at a time."""
    X, p = data.X, data.X.shape[1]
    if sp.issparse(X):
        csr = data.rows
        arrays = (None, X.data, X.indices, X.indptr, csr.data, csr.indices, csr.indptr)
    else:
        arrays = (X, None, None, None, None, None, None)
    l1_unit, l2_unit = penalty.weights(1.0, p, data.scale)
    norms = data.dual_column_norms if screen else _NO_VALUES
    scale = data.primal_at_zero if data.primal_at_zero > 0 else 1.0
    intercept = LOSS.null_prediction(data.y, data.s, data.fit_intercept)
    coefs = np.zeros((alphas.shape[0], p))
    values = np.zeros((alphas.shape[0], 6))
    logistic_path(
        *arrays, data.y, data.s, data.fit_intercept, float(scale),
        np.ascontiguousarray(alphas, dtype=np.float64), l1_unit, l2_unit,
        bool(penalty.positive), float(tol), int(max_iter), float(intercept), norms,
        LOSS.dual_radius(1.0, data.s), tuple(float(v) for v in settings), coefs, values,
    )  # fmt: skip
    points = new_points(alphas.shape[0])
    for k, name in enumerate(points.dtype.names):
        points[name] = values[:, k]
    for k in range(alphas.shape[0]):
        rows.store(k, coefs[k])
    return points
