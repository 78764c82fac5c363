"""The penalty's side of a duality-gap certificate, for every loss of the compiled
solvers: the L1 shrink of the dual point, the penalty and its conjugate, and the KKT
residuals (:mod:`shrinkage._kernels.logistic_loss`, :mod:`shrinkage._kernels.poisson_loss`).

The loss's side (its conjugate at the dual point) stays with each loss; the formulas are
those of :func:`shrinkage.penalties.conjugate_weighted_enet` and
:func:`shrinkage.penalties.subdiff_distance`.
"""

import numpy as np

from .jit import inner, kernel
from .reductions import largest_nonnegative
from .small_arguments import VECTOR


@kernel(inline="always")
def _kkt(w, grad, l1_weight, l2_weight, positive):
    """:func:`shrinkage.penalties.subdiff_distance` for one coordinate."""
    g = grad + l2_weight * w
    if w == 0.0:
        if positive:
            return max(-g - l1_weight, 0.0)
        return max(abs(g) - l1_weight, 0.0)
    if positive and w < 0.0:
        return np.inf
    return abs(g + l1_weight * np.sign(w))


@kernel(fastmath=VECTOR, error_model="numpy")
def shrink_factor(corr, l1_weight, l2_weight, positive):
    """``max(1, max_j |X_jᵀθ|/a_j)`` over the pure-L1 features: dividing θ by it meets
    every ``|X_jᵀθ| ≤ a_j`` (step 3 of the certificate).

    A first pass counts the features beyond their weight without a division (it
    vectorises; an elastic net has none, nor has a certified dual point); only where
    there are some, a second takes the ratios."""
    beyond = 0
    for j in range(corr.shape[0]):
        c = max(corr[j], 0.0) if positive else abs(corr[j])
        beyond += (l2_weight[j] == 0.0) & (l1_weight[j] > 0.0) & (c > l1_weight[j])
    shrink = 1.0
    if beyond == 0:
        return shrink
    for j in range(corr.shape[0]):
        c = max(corr[j], 0.0) if positive else abs(corr[j])
        ratio = c / l1_weight[j]
        pure = (l2_weight[j] == 0.0) & (l1_weight[j] > 0.0)
        shrink = ratio if pure & (ratio > shrink) else shrink
    return shrink


@kernel(fastmath=VECTOR, error_model="numpy")
def penalty_side(corr, shrink, w, gradient, l1_weight, l2_weight, positive, kkt):
    """``(penalty(w), Σ_j g_j*(X_jᵀθ/shrink), largest KKT residual)``, the residuals into
    ``kkt``. Free features (no weight) are skipped in the conjugate: ``X_jᵀθ = 0`` by
    construction. The penalty is inf where w violates ``w ≥ 0``.

    One pass of selects, no branch, and sums that may be reassociated: it vectorises
    (47,000 features in 0.02 ms, against 0.08 ms with a branch per case); the largest
    residual is taken after, from ``kkt`` (:func:`largest_nonnegative`). A pure-L1
    feature beyond its weight by more than the rounding slack of
    :func:`shrinkage.penalties.conjugate_weighted_enet` makes the conjugate inf.
    """
    inverse = 1.0 / shrink
    conjugate = 0.0
    penalty = 0.0
    n_infinite = 0  # pure-L1 features beyond their weight: the conjugate is inf
    n_infeasible = 0  # negative weights under w ≥ 0: the penalty is inf
    for j in range(w.shape[0]):
        a = l1_weight[j]
        b = l2_weight[j]
        wj = w[j]
        v = corr[j] * inverse
        excess = (v if positive else abs(v)) - a
        beyond = excess > 0.0
        conjugate += excess * excess / (2.0 * b) if beyond & (b > 0.0) else 0.0
        n_infinite += beyond & (b <= 0.0) & (a != 0.0) & (excess > 1e-10 * abs(a))
        g = gradient[j] + b * wj
        off = max(-g - a, 0.0) if positive else max(abs(g) - a, 0.0)
        on = abs(g + a) if wj > 0.0 else abs(g - a)
        infeasible = positive & (wj < 0.0)
        n_infeasible += infeasible
        kkt[j] = np.inf if infeasible else (off if wj == 0.0 else on)
        penalty += a * abs(wj) + 0.5 * b * wj * wj
    if n_infinite > 0:
        conjugate = np.inf
    if n_infeasible > 0:
        penalty = np.inf
    return penalty, conjugate, largest_nonnegative(kkt)


@kernel(fastmath=VECTOR, error_model="numpy")
def kkt_residuals(gradient, w, l1_weight, l2_weight, positive, kkt):
    """The KKT residual of every feature into ``kkt`` (as :func:`penalty_side`, without
    the dual side); returns the largest."""
    for j in range(w.shape[0]):
        kkt[j] = _kkt(w[j], gradient[j], l1_weight[j], l2_weight[j], positive)
    return largest_nonnegative(kkt)


@kernel()
def working_set_kkt(gradient, w, l1_weight, l2_weight, positive, features):
    """Largest KKT residual over ``features``, ``gradient[k]`` being feature
    ``features[k]``'s loss gradient."""
    largest = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        largest = max(largest, _kkt(w[j], gradient[k], l1_weight[j], l2_weight[j], positive))
    return largest


@kernel()
def _penalty_change(w, step, t, l1_weight, l2_weight):
    """``penalty(w + t·step) − penalty(w)``, term by term."""
    total = 0.0
    for j in range(w.shape[0]):
        move = t * step[j]
        if move != 0.0:
            total += l1_weight[j] * (abs(w[j] + move) - abs(w[j]))
            total += l2_weight[j] * (move * (w[j] + 0.5 * move))
    return total


@kernel()
def penalty_value(w, l1_weight, l2_weight):
    """``Σ_j a_j|w_j| + ½ b_j w_j²``."""
    total = 0.0
    for j in range(w.shape[0]):
        total += l1_weight[j] * abs(w[j]) + 0.5 * l2_weight[j] * w[j] * w[j]
    return total


@kernel()
def box_shrink_factor(corr, l1_weight, l2_weight, lower, upper):
    """The shrink of :func:`shrink_factor` under a box (``shrinkage.bounds``): a pure-L1
    feature constrains ``X_jᵀθ ≤ a_j`` only on a side whose bound is infinite."""
    shrink = 1.0
    for j in range(corr.shape[0]):
        if l2_weight[j] == 0.0 and l1_weight[j] > 0.0:
            c = 0.0
            if np.isinf(upper[j]):
                c = max(corr[j], 0.0)
            if np.isinf(lower[j]):
                c = max(c, -corr[j])
            shrink = max(shrink, c / l1_weight[j])
    return shrink


@inner(inline="always")
def _box_conjugate(v, a, b, low, high):
    """``h_j*(v)`` for ``h_j = a|w| + ½ b w² + ι_[l, u](w)``
    (:func:`shrinkage.bounds.box_conjugate` for one feature, with its rounding slack)."""
    if b > 0.0:
        w = min(max(np.sign(v) * max(abs(v) - a, 0.0) / b, low), high)
        return v * w - a * abs(w) - 0.5 * b * w * w
    total = 0.0
    room = 1e-10 * a
    if v - a > room:
        total += np.inf if np.isinf(high) else high * (v - a)
    if -v - a > room:
        total += np.inf if np.isinf(low) else -low * (-v - a)
    return total


@inner(inline="always")
def _box_kkt(w, grad, a, b, low, high):
    """:func:`shrinkage.bounds.box_subdiff_distance` for one coordinate."""
    if w < low or w > high:
        return np.inf
    g = grad + b * w
    if w == 0.0:
        up, down = high > 0.0, low < 0.0
        if up and down:
            return max(abs(g) - a, 0.0)
        if up:
            return max(-g - a, 0.0)
        if down:
            return max(g - a, 0.0)
        return 0.0
    if w > 0.0 and w == high:
        return max(g + a, 0.0)
    if w < 0.0 and w == low:
        return max(a - g, 0.0)
    return abs(g + a * np.sign(w))


@kernel()
def box_penalty_side(corr, shrink, w, gradient, l1_weight, l2_weight, lower, upper, kkt):
    """:func:`penalty_side` under a box: ``(penalty(w), Σ_j h_j*(X_jᵀθ/shrink), largest
    KKT residual)``, the residuals into ``kkt``; the penalty is inf outside the box.
    Every feature has a weight (the caller's free block is the intercept alone)."""
    inverse = 1.0 / shrink
    conjugate = 0.0
    penalty = 0.0
    largest = 0.0
    for j in range(w.shape[0]):
        a, b, wj = l1_weight[j], l2_weight[j], w[j]
        conjugate += _box_conjugate(corr[j] * inverse, a, b, lower[j], upper[j])
        if wj < lower[j] or wj > upper[j]:
            penalty = np.inf
        elif wj != 0.0:
            penalty += a * abs(wj) + 0.5 * b * wj * wj
        kkt[j] = _box_kkt(wj, gradient[j], a, b, lower[j], upper[j])
        largest = max(largest, kkt[j])
    return penalty, conjugate, largest
