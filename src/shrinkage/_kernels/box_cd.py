"""Coordinate-descent epochs on a weighted quadratic model with box constraints.

The model, in w, of a loss of the linear predictor around a point (the loss itself for
the squared loss, its second-order expansion for a GLM) is::

    1/(2n) Σ_i h_i (ρ_i/h_i − x̃_iᵀΔw − Δb)² + Σ_j a_j|w_j| + ½ b_j w_j²,  l_j ≤ w_j ≤ u_j

(ρ_i = s_i(y_i − μ_i), h_i = s_i μ'(z_i)) on the columns centred by their h-weighted
means m_j when the intercept is fitted, ``x̃_ij = x_ij − m_j`` (m = 0 without it): the
intercept then decouples from the features (``Σ_i h_i x̃_ij = 0``), and coordinate
descent does not zig-zag between them on columns with a large mean. One coordinate step
is the exact minimiser, the elastic-net update clipped to ``[l_j, u_j]``
(:mod:`shrinkage.bounds`), with ``lipschitz[j] = x̃_jᵀ(h ∘ x̃_j)/n``.

The model's residual ``r = ρ − h ∘ (X̃Δw + Δb)`` is kept as ``r = r̃ + c·h``; ``state``
holds ``[c, Σr, n, Σ_j Δw_j m_j, Σ intercept steps]``. Dense columns are centred
explicitly in the update of r̃ (c changes with the intercept's steps only); sparse
columns implicitly, so that they stay sparse: r̃ changes on the stored entries of X and
c takes ``+Δw_j m_j``. Either way ``x̃_jᵀr = x_jᵀr̃ + c·(hx)_j − m_j·Σr`` with
``(hx)_j = x_jᵀh``, ``Σr`` being unchanged by the feature steps, and the intercept has
moved by ``state[4] − state[3]`` (the fit's constant is ``Δb − Σ_j Δw_j m_j``). Each epoch
returns the largest ``L_j Δw_j²``, the scale of the model's decrease, which the solver
compares with its tolerance.
"""

import numpy as np
from numba import uint64

from .jit import inner, kernel
from .prox import FASTMATH, SPARSE_FASTMATH, enet_coordinate_update


@inner(inline="always")
def _step(correlation, j, w, lipschitz, l1_weight, l2_weight, lower, upper, state, means,
          h_x):  # fmt: skip
    """The clipped update of coordinate j from ``x_jᵀr̃``; returns Δw_j."""
    total = correlation + state[0] * h_x[j] - means[j] * state[1]
    z = total / state[2] + lipschitz[j] * w[j]
    new = enet_coordinate_update(z, lipschitz[j], l1_weight[j], l2_weight[j], False)
    new = min(max(new, lower[j]), upper[j])
    delta = new - w[j]
    if delta != 0.0:
        w[j] = new
        state[3] += delta * means[j]
    return delta


@kernel(fastmath=FASTMATH)
def box_epoch_dense(X, h, r, w, lipschitz, l1_weight, l2_weight, lower, upper, features,
                    state, means, h_x):  # fmt: skip
    """One epoch over ``features`` of a dense Fortran-ordered X; returns ``max L_j Δw_j²``.

    ``state`` is as in the module docstring, ``means`` the m_j, ``h_x`` the ``x_jᵀh``."""
    n = X.shape[0]
    largest = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        correlation = 0.0
        for i in range(n):
            correlation += X[i, j] * r[i]
        delta = _step(correlation, j, w, lipschitz, l1_weight, l2_weight, lower, upper,
                      state, means, h_x)  # fmt: skip
        if delta != 0.0:
            mean = means[j]
            for i in range(n):
                r[i] -= delta * h[i] * (X[i, j] - mean)
            largest = max(largest, delta * delta * lipschitz[j])
    return largest


@kernel(fastmath=SPARSE_FASTMATH)
def box_epoch_sparse(data, indices, indptr, h, r, w, lipschitz, l1_weight, l2_weight, lower,
                     upper, features, state, means, h_x):  # fmt: skip
    """:func:`box_epoch_dense` on CSC arrays."""
    largest = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        correlation = 0.0
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            correlation += data[idx] * r[uint64(indices[idx])]
        delta = _step(correlation, j, w, lipschitz, l1_weight, l2_weight, lower, upper,
                      state, means, h_x)  # fmt: skip
        if delta != 0.0:
            for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
                row = uint64(indices[idx])
                r[row] -= delta * h[row] * data[idx]
            state[0] += delta * means[j]
            largest = max(largest, delta * delta * lipschitz[j])
    return largest


@kernel(fastmath=FASTMATH)
def intercept_step(h, r, state, h_sum):
    """The exact step of the intercept, ``Σr/Σh`` with ``r = r̃ + c·h``: it moves c by
    minus the step and leaves ``Σr = 0`` in ``state[1]``; returns ``h_sum·step²/n``."""
    total = 0.0
    for i in range(r.shape[0]):
        total += r[i]
    total += state[0] * h_sum
    step = total / h_sum
    state[0] -= step
    state[1] = 0.0
    state[4] += step
    return h_sum * step * step / state[2]


@kernel(fastmath=FASTMATH)
def weighted_moments_dense(X, h, fit_intercept, features):
    """Per column of ``features`` (0 elsewhere): ``x_jᵀh``, the h-weighted mean m_j (0
    without intercept) and the curvature ``x̃_jᵀ(h ∘ x̃_j)/n`` of the centred column."""
    n, p = X.shape
    h_sum = 0.0
    for i in range(n):
        h_sum += h[i]
    h_x, means, lipschitz = np.zeros(p), np.zeros(p), np.zeros(p)
    for j in features:
        first, second = 0.0, 0.0
        for i in range(n):
            value = X[i, j]
            first += h[i] * value
            second += h[i] * value * value
        h_x[j] = first
        if fit_intercept and h_sum > 0:
            means[j] = first / h_sum
            second -= first * means[j]
        lipschitz[j] = max(second, 0.0) / n
    return h_x, means, lipschitz


@kernel(fastmath=SPARSE_FASTMATH)
def weighted_moments_sparse(data, indices, indptr, h, fit_intercept, features):
    """:func:`weighted_moments_dense` for CSC arrays."""
    n, p = h.shape[0], indptr.shape[0] - 1
    h_sum = 0.0
    for i in range(n):
        h_sum += h[i]
    h_x, means, lipschitz = np.zeros(p), np.zeros(p), np.zeros(p)
    for j in features:
        first, second = 0.0, 0.0
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            value = data[idx]
            weight = h[uint64(indices[idx])]
            first += weight * value
            second += weight * value * value
        h_x[j] = first
        if fit_intercept and h_sum > 0:
            means[j] = first / h_sum
            second -= first * means[j]
        lipschitz[j] = max(second, 0.0) / n
    return h_x, means, lipschitz


@kernel(fastmath=FASTMATH)
def box_epoch_gram(gram, q, w, l1_weight, l2_weight, lower, upper, features):
    """One epoch of the squared loss in Gram mode: ``q = c − Gw`` (minus the loss's
    gradient, G the weighted Gram matrix of the centred columns, symmetric and
    C-ordered) is kept up to date by the rows of G; returns ``max L_j Δw_j²``."""
    p = w.shape[0]
    largest = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        curvature = gram[j, j]
        z = q[j] + curvature * w[j]
        new = enet_coordinate_update(z, curvature, l1_weight[j], l2_weight[j], False)
        new = min(max(new, lower[j]), upper[j])
        delta = new - w[j]
        if delta != 0.0:
            w[j] = new
            for i in range(p):
                q[i] -= delta * gram[j, i]
            largest = max(largest, delta * delta * curvature)
    return largest
