"""The duality gap of the weighted elastic net from sufficient statistics, in one pass.

The formulas are stated in :func:`shrinkage.solvers.working_set.duality_gap`, which
calls this kernel; one pass instead of the NumPy form's ten p-vector temporaries, which
dominated the outer checks of a path on wide sparse data.
"""

import numpy as np

from .jit import inner, kernel
from .prox import feature_at, weight_at

# relative slack for rounding when testing the dual constraint |v_j| ≤ a_j (the dual
# point is scaled to be feasible to ~1e-16); as penalties.conjugate_weighted_enet
FEASIBILITY_SLACK = 1e-10


@inner()
def _dual_value(corr, rr, y_dot_r, a, b, positive, n, features, scale):
    """``D(θ)`` at θ = scale·r/n: ``scale·yᵀr/n − scale²‖r‖²/(2n) − Σ_j g_j*(scale·c_j)``."""
    inv_n = 1.0 / n
    dual = scale * y_dot_r * inv_n - 0.5 * scale * scale * rr * inv_n
    for k in range(corr.shape[0]):
        j = feature_at(features, k)
        aj, bj = weight_at(a, j), weight_at(b, j)
        if aj > 0.0 or bj > 0.0:
            v = scale * corr[k] * inv_n
            excess = max(v - aj, 0.0) if positive else max(abs(v) - aj, 0.0)
            if bj > 0.0:
                dual -= excess * excess / (2.0 * bj)
            elif excess > FEASIBILITY_SLACK * aj:
                return -np.inf
    return dual


@kernel()
def enet_duality_gap(corr, rr, y_dot_r, w, a, b, positive, n, features=None):
    """``(gap, primal, dual, scale)`` for ``1/(2n)‖r‖² + Σ a_j|w_j| + ½ b_j w_j²``.

    ``corr = X_effᵀr``, ``rr = ‖r‖²``, ``y_dot_r = yᵀr``; θ = scale·r/n with scale ≤ 1
    the largest value keeping the pure-L1 features' constraints ``|x_jᵀθ| ≤ a_j``, or,
    when that gives the larger dual, the largest keeping *every* ``|x_jᵀθ| ≤ a_j``:
    there the elastic-net conjugates vanish, which matters when some ``b_j`` is tiny
    next to ``a_j`` (a nearly-lasso feature, where ``(|v| − a)²/(2b)`` would turn the
    rounding of v into a huge gap). ``a`` and ``b`` may be one number for all features
    (a float). With ``features`` (the problem restricted to them), ``corr[k]`` belongs
    to feature ``features[k]`` and ``w``, ``a``, ``b`` are indexed by feature: no
    restricted copies.
    """
    inv_n = 1.0 / n
    primal = 0.5 * rr * inv_n
    ratio, ratio_all, mixed = 0.0, 0.0, False
    for k in range(corr.shape[0]):
        j = feature_at(features, k)
        aj, bj = weight_at(a, j), weight_at(b, j)
        primal += aj * abs(w[j]) + 0.5 * bj * w[j] * w[j]
        if aj > 0.0:
            c = corr[k] * inv_n
            excess = max(c, 0.0) if positive else abs(c)
            if bj == 0.0 and excess > ratio * aj:
                ratio = excess / aj
            if excess > ratio_all * aj:
                ratio_all = excess / aj
            mixed = mixed or bj > 0.0
    scale = 1.0 / ratio if ratio > 1.0 else 1.0
    dual = _dual_value(corr, rr, y_dot_r, a, b, positive, n, features, scale)
    if mixed and ratio_all > max(ratio, 1.0):
        shrunk = 1.0 / ratio_all
        other = _dual_value(corr, rr, y_dot_r, a, b, positive, n, features, shrunk)
        if other > dual:
            dual, scale = other, shrunk
    return primal - dual, primal, dual, scale


@kernel(inline="always")
def column_norm(lipschitz, n, j):
    """``‖x_j‖ = √(n·L_j)`` from the coordinate Lipschitz constant ``L_j = ‖x_j‖²/n``:
    the solvers keep one of the two p-vectors. (A path's float32 majorants of L_j
    over-estimate the norm: the bounds and tests built on it stay safe.)"""
    return np.sqrt(n * np.float64(lipschitz[j]))


@kernel(inline="always")
def feature_check(c, w, a, b, lipschitz, positive, inv_n, scale, radius_sq_n):
    """``(kkt, screened)`` of one feature from its scalars (``c = x_jᵀr``, w_j, a_j,
    b_j, L_j): the KKT residual (as ``penalties.subdiff_distance`` with gradient
    ``−c/n``) and, for a feature at zero, the gap-safe sphere test (as
    ``solvers.working_set.gap_safe_zeros``): ``|θ_j| + ‖x_j‖·radius < a_j`` with
    ``‖x_j‖² = n·L_j`` (:func:`column_norm`), tested squared with ``radius_sq_n =
    n·radius²``, ``radius = √(2·gap/n)``. The loops pass scalars, not arrays and an
    index: that form stops them vectorising (benchmarks/README.md)."""
    g = -c * inv_n + b * w
    if w != 0.0:
        if positive and w < 0.0:
            return np.inf, False
        return abs(g + (a if w > 0.0 else -a)), False
    kkt = max(-g - a, 0.0) if positive else max(abs(g) - a, 0.0)
    theta = scale * c * inv_n
    theta = max(theta, 0.0) if positive else abs(theta)
    room = a - theta
    return kkt, room > 0.0 and np.float64(lipschitz) * radius_sq_n < room * room


@inner(inline="always")
def check_at(corr, w, a, b, positive, n, scale, radius, lipschitz, j):
    """:func:`feature_check` of feature j, from the arguments every check kernel takes
    (``(corr, w, a, b, positive, n, scale, radius, lipschitz)``; ``a``, ``b`` arrays or
    one number each)."""
    return feature_check(corr[j], w[j], weight_at(a, j), weight_at(b, j), lipschitz[j],
                         positive, 1.0 / n, scale, n * radius * radius)  # fmt: skip


@kernel()
def kkt_and_screening(corr, w, a, b, positive, n, scale, radius, lipschitz, kkt, screened):
    """Per feature, in one pass: :func:`feature_check` into ``kkt`` and ``screened``.
    Returns the number screened."""
    count = 0
    for j in range(w.shape[0]):
        kkt[j], screened[j] = check_at(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
        count += screened[j]
    return count


@kernel()
def check_summary(corr, w, a, b, positive, n, scale, radius, lipschitz):
    """``(max KKT residual, number screened)`` of :func:`feature_check` over all
    features, without the per-feature vectors (a path's certificates)."""
    largest, count = 0.0, 0
    for j in range(w.shape[0]):
        kkt, screened = check_at(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
        largest = max(largest, kkt)
        count += screened
    return largest, count


@kernel()
def drift_bounds(bound, lipschitz, drift, a, n, w, unsettled):
    """``bound ← |bound| + ‖x_j‖·drift`` in place, ‖x_j‖ from :func:`column_norm` (the
    Cauchy–Schwarz step of ``solvers.correlation_bounds``; ``bound`` may hold signed
    correlations), and mark the columns still to read: bound ≥ n·a_j (``a`` an array, or
    one number when the same for all), or w_j ≠ 0. Returns how many."""
    count = 0
    for j in range(bound.shape[0]):
        bound[j] = abs(bound[j]) + column_norm(lipschitz, n, j) * drift
        unsettled[j] = bound[j] >= n * weight_at(a, j) or w[j] != 0.0
        if unsettled[j]:
            count += 1
    return count
