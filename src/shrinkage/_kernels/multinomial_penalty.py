"""The penalty's side of the multinomial certificate and line search, on plain arrays.

W is (p, K), one row per feature (its K class coefficients), with per row the
**ungrouped** penalty ``Ω_j = Σ_k a_j|W_jk| + ½ b_j W_jk²`` or the **grouped** one
``a_j‖W_j‖₂ + ½ b_j‖W_j‖₂²`` (:mod:`shrinkage.certificates.multinomial` gives the maths).
One pass over the rows gives what the certificate needs of the penalty: its value, the
rows' KKT residuals, the shrink of the dual point and the conjugate; NumPy took about
twenty passes over p × K arrays, which on news20 (60,759 features, 20 classes) cost more
than the loss.
"""

import numpy as np

from .jit import inner, kernel


@inner(inline="always")
def _norm(W, j):
    total = 0.0
    for k in range(W.shape[1]):
        total += W[j, k] * W[j, k]
    return np.sqrt(total)


@inner()
def row_residual(grad, W, j, a, b, grouped):
    """Row j's KKT residual: the distance of ``−grad`` (the loss's gradient in W_j, K
    entries) to the subdifferential of Ω_j at W_j (the largest over classes ungrouped,
    the Euclidean distance grouped)."""
    K = W.shape[1]
    if grouped:
        norm = _norm(W, j)
        total = 0.0
        for k in range(K):
            pulled = grad[k] + b * W[j, k]
            if norm > 0.0:
                pulled += a * W[j, k] / norm
            total += pulled * pulled
        return np.sqrt(total) if norm > 0.0 else max(np.sqrt(total) - a, 0.0)
    residual = 0.0
    for k in range(K):
        pulled = grad[k] + b * W[j, k]
        if W[j, k] == 0.0:
            residual = max(residual, abs(pulled) - a)
        else:
            residual = max(residual, abs(pulled + a * np.sign(W[j, k])))
    return residual


@kernel()
def row_kkt(W, gradient, a, b, grouped, rows, kkt):
    """The KKT residual of each row j of ``rows`` into ``kkt[j]``; returns the largest."""
    worst = 0.0
    for j in rows:
        kkt[j] = row_residual(gradient[j], W, j, a[j], b[j], grouped)
        worst = max(worst, kkt[j])
    return worst


@kernel()
def penalty_side(W, gradient, corr, a, b, grouped, kkt):
    """``(penalty, shrink, conjugate)`` and every row's KKT residual into ``kkt``.

    ``gradient`` is the loss gradient ``XᵀG`` and ``corr`` the correlations ``Xᵀθ`` of
    the dual point (both p × K); ``shrink ≥ 1`` is the factor that brings θ inside the
    constraints of the pure-L1 rows (``b_j = 0 < a_j``: ``max_k |corr_jk| ≤ a_j``
    ungrouped, ``‖corr_j‖ ≤ a_j`` grouped) and ``conjugate`` is ``Σ_j Ω_j*(corr_j /
    shrink)``, ``inf`` where a row is outside the domain by more than the rounding slack
    ``1e-10·a_j``."""
    p, K = W.shape
    penalty = 0.0
    shrink = 1.0
    for j in range(p):
        kkt[j] = row_residual(gradient[j], W, j, a[j], b[j], grouped)
        square = 0.0
        size = 0.0
        for k in range(K):
            square += W[j, k] * W[j, k]
            size += abs(W[j, k])
        if grouped:
            size = np.sqrt(square)
        penalty += a[j] * size + 0.5 * b[j] * square
        if b[j] == 0.0 and a[j] > 0.0:
            shrink = max(shrink, _magnitude(corr, j, grouped) / a[j])
    conjugate = 0.0
    for j in range(p):
        if grouped:
            excess = max(_magnitude(corr, j, True) / shrink - a[j], 0.0)
            squares = excess * excess
        else:
            excess = 0.0
            squares = 0.0
            for k in range(K):
                part = max(abs(corr[j, k]) / shrink - a[j], 0.0)
                excess = max(excess, part)
                squares += part * part
        if b[j] > 0.0:
            conjugate += squares / (2.0 * b[j])
        elif excess > 1e-10 * a[j]:
            return penalty, shrink, np.inf
    return penalty, shrink, conjugate


@inner(inline="always")
def _magnitude(corr, j, grouped):
    """``‖corr_j‖`` (grouped) or ``max_k |corr_jk|`` (ungrouped)."""
    if grouped:
        return _norm(corr, j)
    largest = 0.0
    for k in range(corr.shape[1]):
        largest = max(largest, abs(corr[j, k]))
    return largest


@kernel()
def penalty_value(W, a, b):
    """``Σ_j a_j Σ_k |W_jk| + ½ b_j Σ_k W_jk²`` (ungrouped)."""
    total = 0.0
    for j in range(W.shape[0]):
        absolute = 0.0
        square = 0.0
        for k in range(W.shape[1]):
            absolute += abs(W[j, k])
            square += W[j, k] * W[j, k]
        total += a[j] * absolute + 0.5 * b[j] * square
    return total


@kernel()
def penalty_change(W, target, t, a, b):
    """``penalty(W + t·(target − W)) − penalty(W)`` entry by entry (ungrouped; a change
    far below ε·penalty keeps its sign)."""
    total = 0.0
    for j in range(W.shape[0]):
        absolute = 0.0
        square = 0.0
        for k in range(W.shape[1]):
            move = t * (target[j, k] - W[j, k])
            if move != 0.0:
                absolute += abs(W[j, k] + move) - abs(W[j, k])
                square += move * (W[j, k] + 0.5 * move)
        total += a[j] * absolute + b[j] * square
    return total
