"""Block coordinate descent for the multi-task elastic net in Gram mode, with its gap.

For the effective design X (n × p, centred and row-scaled as the fit needs) and targets
Y (n × T) the problem ``1/(2n)‖Y − XW‖²_F + Σ_j a_j‖W_j‖₂ + ½ b_j‖W_j‖₂²`` reads through
``Q = XᵀX/n`` (p × p), ``C = XᵀY/n`` (p × T) and ``yy = ‖Y‖²_F/n`` alone: the loss is
``½(yy − 2⟨W, C⟩ + ⟨W, QW⟩)`` and the correlations of the residual are ``C − QW``. An
epoch updates each row by the group soft-threshold of ``Q_jj W_j + C_j − (QW)_j`` and
keeps QW up to date (p·T per moved row, against n·T in residual mode), so on tables with
n ≫ p or few features an epoch costs nothing next to the n·p·T of a pass over X.

The gap is :mod:`shrinkage.certificates.group_norm`'s, from the same sufficient numbers:
``‖R‖²/n``, ``⟨R, Y⟩/n`` and the rows' correlation norms. Computed from Q and C it
carries a rounding of about ε·yy, so a point is certified only by the gap recomputed
from ``R = Y − XW`` (one pass over X), as the residual-mode solver does
(:func:`shrinkage.solvers.multitask.solve_multitask_prepared`).
"""

import numpy as np

from .columns import add_product
from .jit import inner, kernel


@kernel()
def _penalty(W, a, b):
    total = 0.0
    for j in range(W.shape[0]):
        square = 0.0
        for t in range(W.shape[1]):
            square += W[j, t] * W[j, t]
        total += a[j] * np.sqrt(square) + 0.5 * b[j] * square
    return total


@inner()
def _bound(rr, r_dot_y, corr_sq, W, a, b):
    """``(primal, dual)`` of :func:`shrinkage.certificates.group_norm.
    group_norm_certificate` from ``‖R‖²/n``, ``⟨R, Y⟩/n`` and the rows' squared
    correlation norms ``‖X_jᵀR/n‖²``."""
    p = W.shape[0]
    kappa = 1.0
    for j in range(p):
        if b[j] == 0.0 and a[j] > 0.0:
            kappa = max(kappa, np.sqrt(corr_sq[j]) / a[j])
    dual = r_dot_y / kappa - rr / (2.0 * kappa * kappa)
    for j in range(p):
        if b[j] > 0.0:
            excess = max(np.sqrt(corr_sq[j]) / kappa - a[j], 0.0)
            dual -= excess * excess / (2.0 * b[j])
    return 0.5 * rr + _penalty(W, a, b), dual


@kernel()
def gram_gap(Q, C, yy, W, QW, a, b):
    """``(primal, dual)`` at W from the Gram statistics (QW = Q·W)."""
    p, T = C.shape
    w_c = 0.0
    w_qw = 0.0
    corr_sq = np.empty(p)
    for j in range(p):
        total = 0.0
        for t in range(T):
            w_c += W[j, t] * C[j, t]
            w_qw += W[j, t] * QW[j, t]
            residual = C[j, t] - QW[j, t]
            total += residual * residual
        corr_sq[j] = total
    return _bound(yy - 2.0 * w_c + w_qw, yy - w_c, corr_sq, W, a, b)


@kernel()
def exact_gap(X, Y, W, a, b):
    """``(primal, dual)`` at W from ``R = Y − XW`` itself (X dense, n × p)."""
    n, p = X.shape
    T = Y.shape[1]
    R = Y.copy()
    add_product(X, W, -1.0, R)
    rr = 0.0
    r_dot_y = 0.0
    for i in range(n):
        for t in range(T):
            rr += R[i, t] * R[i, t]
            r_dot_y += R[i, t] * Y[i, t]
    corr_sq = np.empty(p)
    for j in range(p):
        total = 0.0
        for t in range(T):
            corr = 0.0
            for i in range(n):
                corr += X[i, j] * R[i, t]
            corr /= n
            total += corr * corr
        corr_sq[j] = total
    return _bound(rr / n, r_dot_y / n, corr_sq, W, a, b)


@kernel()
def gram_objective(Q, C, yy, W, a, b):
    """The primal at W from the Gram statistics."""
    p, T = C.shape
    value = 0.5 * yy
    for j in range(p):
        for t in range(T):
            bend = 0.0
            for k in range(p):
                bend += Q[j, k] * W[k, t]
            value += W[j, t] * (0.5 * bend - C[j, t])
    return value + _penalty(W, a, b)


@inner()
def _epoch(Q, C, W, QW, a, b, step):
    """One pass over the rows; W and QW in place. Returns the largest ``Q_jj‖ΔW_j‖²``."""
    p, T = C.shape
    largest = 0.0
    for j in range(p):
        L = Q[j, j]
        if L <= 0.0:
            continue
        norm = 0.0
        for t in range(T):
            step[t] = L * W[j, t] + C[j, t] - QW[j, t]
            norm += step[t] * step[t]
        norm = np.sqrt(norm)
        factor = max(0.0, 1.0 - a[j] / norm) / (L + b[j]) if norm > 0.0 else 0.0
        moved = 0.0
        for t in range(T):
            step[t] = factor * step[t] - W[j, t]  # the change
            moved += step[t] * step[t]
        if moved == 0.0:
            continue
        largest = max(largest, L * moved)
        for t in range(T):
            W[j, t] += step[t]
        for k in range(p):
            q = Q[k, j]
            if q != 0.0:
                for t in range(T):
                    QW[k, t] += q * step[t]
    return largest


@kernel()
def gram_solve(X, Y, Q, C, yy, W, a, b, tol, max_epochs, stats):
    """Epochs from W (in place) until the gap, recomputed from the residual, is at most
    ``tol·yy/2`` (P(0)) or ``max_epochs`` have run; ``stats`` = (gap, relative gap,
    epochs). The Gram gap is checked after each epoch, the exact one where it passes."""
    p, T = C.shape
    QW = np.zeros((p, T))
    add_product(Q, W, 1.0, QW)
    scale = 0.5 * yy if yy > 0.0 else 1.0
    step = np.empty(T)
    epochs = 0
    stalled = False
    while True:
        primal, dual = gram_gap(Q, C, yy, W, QW, a, b)
        if (primal - dual) / scale <= tol or epochs >= max_epochs or stalled:
            primal, dual = exact_gap(X, Y, W, a, b)
            if (primal - dual) / scale <= tol or epochs >= max_epochs or stalled:
                break
        stalled = _epoch(Q, C, W, QW, a, b, step) == 0.0  # no row moves: nothing left
        epochs += 1
    stats[0], stats[1], stats[2] = primal - dual, (primal - dual) / scale, epochs
