"""Coordinate descent on the quadratic model of the logistic loss (one proximal-Newton step).

At the current linear predictor z the mean log-loss ``F(z) = 1/n Σ s_i ℓ(y_i, z_i)`` is
replaced by its second-order model in the change ``u`` of z::

    F(z + u) ≈ F(z) + gᵀu + ½ Σ_i h_i u_i²,
    g_i = s_i (σ(z_i) − y_i)/n,    h_i = s_i σ(z_i)(1 − σ(z_i))/n,

with ``u = X Δw + Δb``. The kernels minimise that model plus the weighted elastic net by
cyclic coordinate descent over ``features`` (the working set), exactly as glmnet's IRLS
inner loop, celer and skglm's ``ProxNewton`` do. They keep ``q = g + h ∘ u`` (the model's
gradient in z) so that the coordinate gradient is ``X_jᵀq``, and ``u`` for the line
search that follows in :mod:`shrinkage.solvers.logistic`.

An epoch ends early when every coordinate satisfied the model's KKT conditions within
``tol`` at the moment it was visited (the same test glmnet uses, in gradient units).
"""

import numpy as np
from numba import njit

from .prox import enet_coordinate_update


@njit(cache=True, inline="always")
def _kkt_violation(w, grad, l1_weight, l2_weight, positive):
    """Distance of ``−grad`` to ``∂(a|w| + ½bw²)`` (+ normal cone of w ≥ 0) at w."""
    g = grad + l2_weight * w
    if w > 0.0:
        return abs(g + l1_weight)
    if w < 0.0:
        return abs(g - l1_weight)
    if positive:
        return max(-g - l1_weight, 0.0)
    return max(abs(g) - l1_weight, 0.0)


@njit(cache=True, inline="always")
def _intercept_step(q, u, hess, hess_sum):
    """Exact minimisation of the model in the intercept; returns (Δb, |gradient| before)."""
    grad = 0.0
    for i in range(q.shape[0]):
        grad += q[i]
    delta = -grad / hess_sum
    for i in range(q.shape[0]):
        u[i] += delta
        q[i] += hess[i] * delta
    return delta, abs(grad)


@njit(cache=True)
def newton_cd_dense(
    X,
    w,
    u,
    q,
    hess,
    l1_weight,
    l2_weight,
    positive,
    features,
    fit_intercept,
    max_epochs,
    tol,
    intercept_change,
):
    """Minimise the quadratic model on Fortran-ordered X; ``w``, ``u``, ``q`` in place.

    ``q`` enters as g (``u`` as 0); ``intercept_change`` (length 1) accumulates Δb.
    Returns the number of epochs run.
    """
    n_samples = X.shape[0]
    curvature = np.empty(features.shape[0])
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        for i in range(n_samples):
            total += hess[i] * X[i, j] * X[i, j]
        curvature[k] = total
    hess_sum = 0.0
    for i in range(n_samples):
        hess_sum += hess[i]
    for epoch in range(max_epochs):
        worst = 0.0
        if fit_intercept and hess_sum > 0.0:
            delta, worst = _intercept_step(q, u, hess, hess_sum)
            intercept_change[0] += delta
        for k in range(features.shape[0]):
            j = features[k]
            grad = 0.0
            for i in range(n_samples):
                grad += X[i, j] * q[i]
            old = w[j]
            worst = max(worst, _kkt_violation(old, grad, l1_weight[j], l2_weight[j], positive))
            lip = curvature[k]
            new = enet_coordinate_update(
                lip * old - grad, lip, l1_weight[j], l2_weight[j], positive
            )
            delta = new - old
            if delta != 0.0:
                w[j] = new
                for i in range(n_samples):
                    u[i] += delta * X[i, j]
                    q[i] += delta * hess[i] * X[i, j]
        if worst <= tol:
            return epoch + 1
    return max_epochs


@njit(cache=True)
def newton_cd_sparse(
    data,
    indices,
    indptr,
    w,
    u,
    q,
    hess,
    l1_weight,
    l2_weight,
    positive,
    features,
    fit_intercept,
    max_epochs,
    tol,
    intercept_change,
):
    """:func:`newton_cd_dense` on CSC arrays (the intercept is explicit: no centring)."""
    n_samples = u.shape[0]
    curvature = np.empty(features.shape[0])
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        for idx in range(indptr[j], indptr[j + 1]):
            total += hess[indices[idx]] * data[idx] * data[idx]
        curvature[k] = total
    hess_sum = 0.0
    for i in range(n_samples):
        hess_sum += hess[i]
    for epoch in range(max_epochs):
        worst = 0.0
        if fit_intercept and hess_sum > 0.0:
            delta, worst = _intercept_step(q, u, hess, hess_sum)
            intercept_change[0] += delta
        for k in range(features.shape[0]):
            j = features[k]
            grad = 0.0
            for idx in range(indptr[j], indptr[j + 1]):
                grad += data[idx] * q[indices[idx]]
            old = w[j]
            worst = max(worst, _kkt_violation(old, grad, l1_weight[j], l2_weight[j], positive))
            lip = curvature[k]
            new = enet_coordinate_update(
                lip * old - grad, lip, l1_weight[j], l2_weight[j], positive
            )
            delta = new - old
            if delta != 0.0:
                w[j] = new
                for idx in range(indptr[j], indptr[j + 1]):
                    i = indices[idx]
                    u[i] += delta * data[idx]
                    q[i] += delta * hess[i] * data[idx]
        if worst <= tol:
            return epoch + 1
    return max_epochs


@njit(cache=True)
def gradient_dense(X, v, features, out):
    """``out[k] = X[:, features[k]]ᵀ v`` (the loss gradient on a working set)."""
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        for i in range(X.shape[0]):
            total += X[i, j] * v[i]
        out[k] = total


@njit(cache=True)
def gradient_sparse(data, indices, indptr, v, features, out):
    """:func:`gradient_dense` on CSC arrays."""
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        for idx in range(indptr[j], indptr[j + 1]):
            total += data[idx] * v[indices[idx]]
        out[k] = total
