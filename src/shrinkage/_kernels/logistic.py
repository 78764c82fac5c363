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

The kernels stop when the model's KKT violation (in gradient units) *at the point they
return* is at most ``tol``, and return that violation. glmnet's test, that every
coordinate was within ``tol`` at the moment it was visited, is only the trigger for the
check: on correlated columns the moves of one epoch cancel a shared gradient component
one coordinate at a time, so each coordinate looks optimal while the point is not (on a
one-factor design, ``X = 0.9·f1ᵀ + 0.3·noise``, that test alone stops after one epoch at
8× the tolerance, and proximal Newton degenerates into one CD epoch per step).
"""

import numpy as np
from numba import uint64

from .jit import inner, kernel
from .prox import FASTMATH, SPARSE_FASTMATH, enet_coordinate_update


@kernel(inline="always")
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


@kernel(fastmath=FASTMATH)
def newton_cd_dense(
    X, w, u, q, hess, l1_weight, l2_weight, positive, features, fit_intercept,
    max_epochs, tol, intercept_change,
):  # fmt: skip
    """Minimise the quadratic model on Fortran-ordered X; ``w``, ``u``, ``q`` in place.

    ``q`` enters as the model's gradient in z at the entry point (g, with ``u`` = 0, at
    the start of a Newton step); ``intercept_change`` (length 1) accumulates Δb. Returns
    the model's KKT violation at the returned point (the intercept's included).

    With an intercept, the model is minimised in b after every coordinate move (b moves
    by ``−Δw_j μ_j``, μ_j the h-weighted column mean), which is coordinate descent on
    h-centred columns, as glmnet does; without it, uncentred columns are nearly collinear
    with the intercept and CD crawls. The constant shift of u and q is kept in the scalar
    ``lazy`` (true ``u = u + lazy``, ``q = q + lazy·h``) so a move costs O(nnz_j).
    """
    hess_x = np.empty(features.shape[0])
    curvature = np.empty(features.shape[0])
    weighted_column_moments_dense(X, hess, features, hess_x, curvature)
    return _epochs(
        X, np.empty(0, X.dtype), np.empty(0, np.int32), np.empty(0, np.int32), False,
        w, u, q, hess, l1_weight, l2_weight, positive, features, fit_intercept, max_epochs,
        tol, intercept_change, curvature, hess_x,
    )  # fmt: skip


@kernel(fastmath=SPARSE_FASTMATH)
def newton_cd_sparse(
    data, indices, indptr, w, u, q, hess, l1_weight, l2_weight, positive, features,
    fit_intercept, max_epochs, tol, intercept_change,
):  # fmt: skip
    """:func:`newton_cd_dense` on CSC arrays."""
    hess_x = np.empty(features.shape[0])
    curvature = np.empty(features.shape[0])
    weighted_column_moments_sparse(data, indices, indptr, hess, features, hess_x, curvature)
    return _epochs(
        np.empty((0, 0), data.dtype), data, indices, indptr, True, w, u, q, hess,
        l1_weight, l2_weight, positive, features, fit_intercept, max_epochs, tol,
        intercept_change, curvature, hess_x,
    )  # fmt: skip


@inner(inline="always")
def _column_dot(X, data, indices, indptr, is_sparse, j, v):
    total = 0.0
    if is_sparse:
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            total += data[idx] * v[uint64(indices[idx])]
    else:
        for i in range(X.shape[0]):
            total += X[i, j] * v[i]
    return total


@inner(inline="always")
def _column_move(X, data, indices, indptr, is_sparse, j, delta, u, q, hess):
    """``u += δ X_j``, ``q += δ h ∘ X_j``."""
    if is_sparse:
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            i = uint64(indices[idx])
            u[i] += delta * data[idx]
            q[i] += delta * hess[i] * data[idx]
    else:
        for i in range(X.shape[0]):
            u[i] += delta * X[i, j]
            q[i] += delta * hess[i] * X[i, j]


@inner(inline="always")
def _epochs(
    X, data, indices, indptr, is_sparse, w, u, q, hess, l1_weight, l2_weight, positive,
    features, fit_intercept, max_epochs, tol, intercept_change, curvature, hess_x,
):  # fmt: skip
    n_samples = u.shape[0]
    hess_sum = 0.0
    for i in range(n_samples):
        hess_sum += hess[i]
    use_intercept = fit_intercept and hess_sum > 0.0
    if use_intercept:
        for k in range(features.shape[0]):  # centred curvature Σh(x − μ)²
            curvature[k] = max(curvature[k] - hess_x[k] * hess_x[k] / hess_sum, 0.0)
    lazy = 0.0
    verified = np.inf
    full = True  # an epoch over all of W, else over its non-zeros only
    for _ in range(max_epochs):
        worst = 0.0
        if use_intercept:
            gradient_b = 0.0
            for i in range(n_samples):
                u[i] += lazy
                q[i] += lazy * hess[i]
                gradient_b += q[i]
            lazy = -gradient_b / hess_sum
            intercept_change[0] += lazy
            worst = abs(gradient_b)
        for k in range(features.shape[0]):
            j = features[k]
            if not full and w[j] == 0.0:
                continue
            grad = _column_dot(X, data, indices, indptr, is_sparse, j, q) + lazy * hess_x[k]
            old = w[j]
            worst = max(worst, _kkt_violation(old, grad, l1_weight[j], l2_weight[j], positive))
            lip = curvature[k]
            new = enet_coordinate_update(
                lip * old - grad, lip, l1_weight[j], l2_weight[j], positive
            )
            delta = new - old
            if delta != 0.0:
                w[j] = new
                _column_move(X, data, indices, indptr, is_sparse, j, delta, u, q, hess)
                if use_intercept:
                    shift = -delta * hess_x[k] / hess_sum
                    lazy += shift
                    intercept_change[0] += shift
        if not full:  # back to all of W once the non-zeros have settled
            full = worst <= tol
        elif worst <= tol:
            # confirm at the point (module docstring): one more pass over the columns
            verified = _model_kkt(
                X, data, indices, indptr, is_sparse, w, q, hess, l1_weight, l2_weight,
                positive, features, use_intercept, lazy, hess_x,
            )  # fmt: skip
            if verified <= tol:
                break
        else:
            full = False
    for i in range(n_samples):
        u[i] += lazy
        q[i] += lazy * hess[i]
    if verified > tol:
        verified = _model_kkt(
            X, data, indices, indptr, is_sparse, w, q, hess, l1_weight, l2_weight,
            positive, features, use_intercept, 0.0, hess_x,
        )  # fmt: skip
    return verified


@inner(inline="always")
def _model_kkt(
    X, data, indices, indptr, is_sparse, w, q, hess, l1_weight, l2_weight, positive,
    features, use_intercept, lazy, hess_x,
):  # fmt: skip
    """The model's KKT violation at w, with the true ``q`` being ``q + lazy·h``."""
    worst = 0.0
    if use_intercept:
        gradient_b = 0.0
        for i in range(q.shape[0]):
            gradient_b += q[i] + lazy * hess[i]
        worst = abs(gradient_b)
    for k in range(features.shape[0]):
        j = features[k]
        grad = _column_dot(X, data, indices, indptr, is_sparse, j, q) + lazy * hess_x[k]
        worst = max(worst, _kkt_violation(w[j], grad, l1_weight[j], l2_weight[j], positive))
    return worst


@kernel()
def newton_cd_gram(hessian, grad, w, l1_weight, l2_weight, positive, max_epochs, tol):
    """Minimise ``linearᵀd + ½ dᵀ·hessian·d + penalty(w₀ + d)`` over d, w = w₀ + d in place.

    The Gram form of the same quadratic model (``hessian = X_Wᵀ diag(h) X_W``, h-centred
    when there is an intercept, ``linear = X_Wᵀ g`` likewise) on a working set W: an epoch
    costs O(|W|²) instead of O(nnz(X_W)), which wins for n ≫ |W|. ``grad`` is the model's
    loss gradient at the entry w (``linear`` when w = w₀) and is kept up to date, so the
    KKT violation at the point costs O(|W|) after each epoch. Returns that violation.
    """
    m = w.shape[0]
    worst = _gram_kkt(grad, w, l1_weight, l2_weight, positive)
    for _ in range(max_epochs):
        if worst <= tol:
            break
        for j in range(m):
            old = w[j]
            lip = hessian[j, j]
            new = enet_coordinate_update(
                lip * old - grad[j], lip, l1_weight[j], l2_weight[j], positive
            )
            delta = new - old
            if delta != 0.0:
                w[j] = new
                for k in range(m):
                    grad[k] += delta * hessian[k, j]
        worst = _gram_kkt(grad, w, l1_weight, l2_weight, positive)
    return worst


@inner()
def _gram_kkt(grad, w, l1_weight, l2_weight, positive):
    worst = 0.0
    for j in range(w.shape[0]):
        worst = max(worst, _kkt_violation(w[j], grad[j], l1_weight[j], l2_weight[j], positive))
    return worst


@kernel()
def weighted_column_moments_dense(X, hess, features, sums, square_norms):
    """``sums[k] = Σ_i h_i X[i, j]`` and ``square_norms[k] = Σ_i h_i X[i, j]²`` for
    ``j = features[k]``, in one pass over the columns.

    The square norms are the diagonal of ``X_Wᵀ diag(h) X_W``; with the sums they give
    the h-centred diagonal ``Σ_i h_i (X[i, j] − μ_j)²`` of the CD kernels.
    """
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        weighted = 0.0
        for i in range(X.shape[0]):
            total += hess[i] * X[i, j] * X[i, j]
            weighted += hess[i] * X[i, j]
        square_norms[k] = total
        sums[k] = weighted


@kernel()
def weighted_column_moments_sparse(data, indices, indptr, hess, features, sums, square_norms):
    """:func:`weighted_column_moments_dense` on CSC arrays."""
    for k in range(features.shape[0]):
        j = features[k]
        total = 0.0
        weighted = 0.0
        for idx in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            total += hess[uint64(indices[idx])] * data[idx] * data[idx]
            weighted += hess[uint64(indices[idx])] * data[idx]
        square_norms[k] = total
        sums[k] = weighted


@kernel(fastmath=FASTMATH)
def centred_gram_dense(X, g, hess, features, fit_intercept, hessian, linear, hess_x):
    """The Newton model on a working set W of dense X, in one call: ``hessian =
    X_Wᵀ diag(h) X_W`` and ``linear = X_Wᵀg``, both h-centred with an intercept
    (:mod:`shrinkage.solvers.logistic_newton`), and ``hess_x = X_Wᵀh``. Returns
    ``(Σh, Σg)``.

    One column ``h ∘ X_j`` at a time, dotted with the later columns of W (the upper
    triangle, then mirrored); no copy of X_W.
    """
    n = X.shape[0]
    k = features.shape[0]
    hess_sum = 0.0
    grad_b = 0.0
    for i in range(n):
        hess_sum += hess[i]
        grad_b += g[i]
    weighted = np.empty(n)
    for first in range(k):
        j = features[first]
        total_g = 0.0
        total_h = 0.0
        for i in range(n):
            weighted[i] = hess[i] * X[i, j]
            total_g += g[i] * X[i, j]
            total_h += weighted[i]
        linear[first] = total_g
        hess_x[first] = total_h
        for second in range(first, k):
            col = features[second]
            total = 0.0
            for i in range(n):
                total += weighted[i] * X[i, col]
            hessian[first, second] = total
    use_intercept = fit_intercept and hess_sum > 0.0
    for first in range(k):
        if use_intercept:
            linear[first] -= hess_x[first] * (grad_b / hess_sum)
        for second in range(first, k):
            if use_intercept:
                hessian[first, second] -= hess_x[first] * hess_x[second] / hess_sum
            hessian[second, first] = hessian[first, second]
    return hess_sum, grad_b
