"""Coordinate-descent epochs on a weighted quadratic model with box constraints.

The model, in w, of a loss of the linear predictor around a point (the loss itself for
the squared loss, its second-order expansion for a GLM) is::

    1/(2n) Σ_i h_i (ρ_i/h_i − x_iᵀΔw − Δb)² + Σ_j a_j|w_j| + ½ b_j w_j²,  l_j ≤ w_j ≤ u_j

kept through ``r = ρ − h ∘ (XΔw + Δb)`` (ρ_i = s_i(y_i − μ_i), h_i = s_i μ'(z_i)): the
model's gradient in w_j is ``−X_jᵀr/n``. One coordinate step is the exact minimiser,
the elastic-net update clipped to ``[l_j, u_j]`` (:mod:`shrinkage.bounds`), with
``lipschitz[j] = X_jᵀ(h ∘ X_j)/n``. Each epoch returns the largest ``L_j Δw_j²``, the
scale of the model's decrease, which the solver compares with its tolerance.
"""

import numpy as np
from numba import njit, uint64

from .prox import FASTMATH, SPARSE_FASTMATH, enet_coordinate_update


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def box_epoch_dense(X, h, r, w, lipschitz, l1_weight, l2_weight, lower, upper, features):
    """One epoch over ``features`` of a dense Fortran-ordered X; returns ``max L_j Δw_j²``."""
    n = X.shape[0]
    inv_n = 1.0 / n
    largest = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        old = w[j]
        correlation = 0.0
        for i in range(n):
            correlation += X[i, j] * r[i]
        z = correlation * inv_n + lipschitz[j] * old
        new = enet_coordinate_update(z, lipschitz[j], l1_weight[j], l2_weight[j], False)
        new = min(max(new, lower[j]), upper[j])
        delta = new - old
        if delta != 0.0:
            w[j] = new
            for i in range(n):
                r[i] -= delta * h[i] * X[i, j]
            largest = max(largest, delta * delta * lipschitz[j])
    return largest


@njit(cache=True, nogil=True, fastmath=SPARSE_FASTMATH)
def box_epoch_sparse(data, indices, indptr, h, r, w, lipschitz, l1_weight, l2_weight, lower,
                     upper, features):  # fmt: skip
    """:func:`box_epoch_dense` on CSC arrays (no centring: the intercept is a coordinate)."""
    n = r.shape[0]
    inv_n = 1.0 / n
    largest = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        old = w[j]
        correlation = 0.0
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            correlation += data[idx] * r[uint64(indices[idx])]
        z = correlation * inv_n + lipschitz[j] * old
        new = enet_coordinate_update(z, lipschitz[j], l1_weight[j], l2_weight[j], False)
        new = min(max(new, lower[j]), upper[j])
        delta = new - old
        if delta != 0.0:
            w[j] = new
            for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
                row = uint64(indices[idx])
                r[row] -= delta * h[row] * data[idx]
            largest = max(largest, delta * delta * lipschitz[j])
    return largest


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def intercept_step(h, r, h_sum):
    """The exact step of the intercept, ``Σ r / Σ h``, applied to r; returns
    ``(step, h_sum·step²/n)``."""
    total = 0.0
    for i in range(r.shape[0]):
        total += r[i]
    step = total / h_sum
    if step != 0.0:
        for i in range(r.shape[0]):
            r[i] -= step * h[i]
    return step, h_sum * step * step / r.shape[0]


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def weighted_square_norms_dense(X, h):
    """``X_jᵀ(h ∘ X_j)/n`` for every column of a dense X."""
    n, p = X.shape
    out = np.zeros(p)
    for j in range(p):
        total = 0.0
        for i in range(n):
            total += h[i] * X[i, j] * X[i, j]
        out[j] = total / n
    return out


@njit(cache=True, nogil=True, fastmath=SPARSE_FASTMATH)
def weighted_square_norms_sparse(data, indices, indptr, h, n):
    """``X_jᵀ(h ∘ X_j)/n`` for every column of CSC arrays."""
    p = indptr.shape[0] - 1
    out = np.zeros(p)
    for j in range(p):
        total = 0.0
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            value = data[idx]
            total += h[uint64(indices[idx])] * value * value
        out[j] = total / n
    return out
