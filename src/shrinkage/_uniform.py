"""Per-feature penalty weights that cost no memory when they are all equal.

The solvers take ``l1_weight`` and ``l2_weight`` as arrays of length p (a_j = α·ρ·f_j·σ_j,
b_j = α·(1 − ρ)·f_j·σ_j²). Without penalty factors or standardisation every a_j is the
same number, and a p-vector of it is pure overhead next to a sparse X with few entries
per column; a read-only broadcast view (stride 0) of the one value indexes like the
array and is what the solvers keep then.

Examples
--------
>>> a = uniform(0.5, 4)
>>> a, a.strides, is_uniform(a)
(array([0.5, 0.5, 0.5, 0.5]), (0,), True)
>>> scaled(a, 2.0, None)[:2]
array([1., 1.])
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "as_weights", "for_kernel", "is_uniform", "penalty_weights", "scaled", "take", "uniform",
    "unit_weights", "zero_features",
]  # fmt: skip


def uniform(value, size, dtype=np.float64):
    """``size`` copies of ``value`` as a read-only view of one element."""
    return np.broadcast_to(np.asarray(value, dtype=dtype).reshape(1), (size,))


def is_uniform(weights) -> bool:
    """A broadcast view made by :func:`uniform` (a stride-0 vector)."""
    return isinstance(weights, np.ndarray) and weights.ndim == 1 and weights.strides == (0,)


def for_kernel(weights):
    """What the numba kernels take: the array itself, or its one value (a float) for a
    uniform view — a stride-0 array would stop their loops from vectorising
    (:func:`shrinkage._kernels.prox.weight_at`)."""
    return float(weights[0]) if is_uniform(weights) else weights


def zero_features(weights):
    """Indices of the zero weights (all or none for a uniform view)."""
    if is_uniform(weights):
        return np.arange(weights.shape[0]) if weights[0] == 0 else np.zeros(0, dtype=np.int64)
    return np.flatnonzero(weights == 0)


def as_weights(weights, dtype):
    """``weights`` as ``dtype``: a uniform view stays one (no p-vector), anything else
    becomes a contiguous array."""
    if is_uniform(weights):
        return weights if weights.dtype == dtype else uniform(weights[0], weights.shape[0], dtype)
    return np.ascontiguousarray(weights, dtype=dtype)


def take(weights, indices, dtype=np.float64):
    """``weights[indices]`` as ``dtype``; a uniform view stays one."""
    if is_uniform(weights):
        return uniform(weights[0], indices.shape[0], dtype)
    return weights[indices].astype(dtype, copy=False)


def penalty_weights(penalty, alpha, n_features, scale=None):
    """``penalty.weights(alpha, n_features, scale)``, the same numbers, as uniform views
    when neither penalty factors nor a scaling make them differ (no p-vector made)."""
    if penalty.penalty_factor is None and scale is None:
        a, b = penalty.weights(alpha, 1)
        return uniform(a[0], n_features), uniform(b[0], n_features)
    return penalty.weights(alpha, n_features, scale)


def unit_weights(penalty, n_features, scale=None):
    """The weights at α = 1 (:func:`penalty_weights`): those at α are α times them."""
    return penalty_weights(penalty, 1.0, n_features, scale)


def scaled(unit, alpha, out):
    """``alpha · unit``: a new uniform view, or written into ``out`` (when not None)."""
    if is_uniform(unit):
        return uniform(alpha * unit[0], unit.shape[0])
    return np.multiply(unit, alpha, out=out)
