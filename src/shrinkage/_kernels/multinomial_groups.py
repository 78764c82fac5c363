"""Block proximal-gradient epochs of the multinomial log-loss with a group penalty.

A block is the |g| × K sub-matrix W_g of the coefficients of one group of features over
the K classes, penalised by ``a_g‖W_g‖_F + ½ b_g‖W_g‖_F²``. The step with curvature L,

    W_g ← max(0, 1 − a_g/(L‖V‖_F)) · V / (1 + b_g/L),   V = W_g − ∇_g F / L,

minimises ``⟨∇_g F, Δ⟩ + ½L‖Δ‖² + penalty``, a majorizer of the objective in the block
when L bounds the loss's curvature along the step. Böhning's bound (1992: each row's
``diag P_i − P_iP_iᵀ ⪯ ½ I``) gives the global ``L_g = ½ λ_max(X_gᵀ S X_g)/n``, far
above the curvature where the classes are well separated (a row with ``P_i`` near a
vertex has curvature near 0). Each step therefore first tries the local bound
``Σ_i (s_i/n)·2 max_k P_ik(1 − P_ik)·‖x_ig‖²`` (Gershgorin for the row's matrix, the
trace for the group's), checks the majorizer on the loss actually reached, and doubles
L back towards the global bound when it fails (Tseng & Yun 2009's backtracking). No
step raises the objective.

The predictors Z (n × K, intercepts and offset included), the probabilities P and each
row's log-sum-exp are updated after each block that moves;
``∇_g F = X_gᵀ(s/n ∘ (P − Y))``.
"""

import numpy as np

from .jit import inner, kernel
from .multinomial_loss import softmax_row


@inner()
def _move_rows(X, weights, Y, Z, P, lse, members, first, size, D, sign):
    """Z += sign·X_g D on the rows the group touches (P and lse with it); returns the
    change of the loss ``Σ_i w_i (Δlse_i − Y_iᵀΔZ_i)``."""
    n, K = Z.shape
    change = 0.0
    for i in range(n):
        moved = False
        dot = 0.0
        for r in range(size):
            value = X[i, members[first + r]]
            if value != 0.0:
                moved = True
                for k in range(K):
                    step = sign * value * D[r, k]
                    Z[i, k] += step
                    dot += Y[i, k] * step
        if moved:
            before = lse[i]
            lse[i] = softmax_row(Z, P, i)
            change += weights[i] * (lse[i] - before - dot)
    return change


@inner()
def group_block_epoch(X, weights, Y, Z, P, lse, W, members, start, lipschitz, l1_weight,
                      l2_weight, blocks):  # fmt: skip
    """One epoch over ``blocks`` (group indices) on a dense Fortran X; ``weights`` are
    ``s/n``, ``lipschitz`` the global bounds. Updates W, Z, P and ``lse`` in place;
    returns the largest ``L‖ΔW_g‖_F²``."""
    n, K = Z.shape
    widest = 0
    for g in range(start.shape[0] - 1):
        widest = max(widest, start[g + 1] - start[g])
    G = np.empty((widest, K))
    D = np.empty((widest, K))
    largest = 0.0
    for position in range(blocks.shape[0]):
        g = blocks[position]
        first, size = start[g], start[g + 1] - start[g]
        bound = lipschitz[g]
        if bound <= 0.0:
            continue
        local = 0.0
        for r in range(size):
            for k in range(K):
                G[r, k] = 0.0
        for i in range(n):
            curvature = 0.0
            for k in range(K):
                curvature = max(curvature, P[i, k] * (1.0 - P[i, k]))
            squares = 0.0
            for r in range(size):
                value = X[i, members[first + r]] * weights[i]
                if value != 0.0:
                    squares += value * X[i, members[first + r]]
                    for k in range(K):
                        G[r, k] += value * (P[i, k] - Y[i, k])
            local += 2.0 * curvature * squares
        L = min(bound, max(local, 1e-3 * bound))
        while True:
            norm = 0.0
            for r in range(size):
                j = members[first + r]
                for k in range(K):
                    D[r, k] = W[j, k] - G[r, k] / L
                    norm += D[r, k] * D[r, k]
            norm = np.sqrt(norm)
            factor = 0.0
            if norm > l1_weight[g] / L:
                factor = (1.0 - l1_weight[g] / (L * norm)) / (1.0 + l2_weight[g] / L)
            moved, linear = 0.0, 0.0
            for r in range(size):
                j = members[first + r]
                for k in range(K):
                    D[r, k] = factor * D[r, k] - W[j, k]  # the change
                    moved += D[r, k] * D[r, k]
                    linear += G[r, k] * D[r, k]
            if moved == 0.0:
                break
            change = _move_rows(X, weights, Y, Z, P, lse, members, first, size, D, 1.0)
            majorizer = linear + 0.5 * L * moved
            if L >= bound or change <= majorizer + 1e-12 * abs(majorizer):
                for r in range(size):
                    j = members[first + r]
                    for k in range(K):
                        W[j, k] += D[r, k]
                largest = max(largest, L * moved)
                break
            _move_rows(X, weights, Y, Z, P, lse, members, first, size, D, -1.0)
            L = min(2.0 * L, bound)
    return largest


@kernel()
def _solve_small(A, rhs):
    """``A⁻¹ rhs`` for a small symmetric positive-definite A, by Gaussian elimination with
    partial pivoting (numba's LAPACK binding costs seconds of compilation)."""
    K = A.shape[0]
    M = A.copy()
    x = rhs.copy()
    for col in range(K):
        pivot = col
        for row in range(col + 1, K):
            if abs(M[row, col]) > abs(M[pivot, col]):
                pivot = row
        if M[pivot, col] == 0.0:
            return np.zeros(K)
        if pivot != col:
            for k in range(K):
                M[col, k], M[pivot, k] = M[pivot, k], M[col, k]
            x[col], x[pivot] = x[pivot], x[col]
        for row in range(col + 1, K):
            factor = M[row, col] / M[col, col]
            for k in range(col, K):
                M[row, k] -= factor * M[col, k]
            x[row] -= factor * x[col]
    for col in range(K - 1, -1, -1):
        total = x[col]
        for k in range(col + 1, K):
            total -= M[col, k] * x[k]
        x[col] = total / M[col, col]
    return x


@inner()
def _loss_shifted(weights, Y, Z, shift):
    """``Σ_i w_i [lse(Z_i − shift) − Y_iᵀ(Z_i − shift)]``."""
    n, K = Z.shape
    total = 0.0
    for i in range(n):
        top = Z[i, 0] - shift[0]
        for k in range(1, K):
            top = max(top, Z[i, k] - shift[k])
        exps = 0.0
        dot = 0.0
        for k in range(K):
            exps += np.exp(Z[i, k] - shift[k] - top)
            dot += Y[i, k] * (Z[i, k] - shift[k])
        total += weights[i] * (top + np.log(exps) - dot)
    return total


@inner()
def intercept_newton(weights, Y, Z, P, lse, intercept):
    """A damped Newton step of the intercepts: a common shift c of the rows of Z with
    ``(H + tr(H)/K²·11ᵀ) c = ∇`` (H singular along 1 only), halved until the loss does
    not rise; Z, P, lse and ``intercept`` updated in place."""
    n, K = Z.shape
    gradient = np.zeros(K)
    hessian = np.zeros((K, K))
    for i in range(n):
        for k in range(K):
            gradient[k] += weights[i] * (P[i, k] - Y[i, k])
            hessian[k, k] += weights[i] * P[i, k]
            for m in range(K):
                hessian[k, m] -= weights[i] * P[i, k] * P[i, m]
    trace = 0.0
    for k in range(K):
        trace += hessian[k, k]
    for k in range(K):
        for m in range(K):
            hessian[k, m] += trace / (K * K)
    step = _solve_small(hessian, gradient)
    step -= step.mean()
    if not np.any(step != 0.0):
        return
    base = _loss_shifted(weights, Y, Z, np.zeros(K))
    t = 1.0
    while t > 1e-10 and _loss_shifted(weights, Y, Z, t * step) > base:
        t *= 0.5
    if t <= 1e-10:
        return
    for k in range(K):
        intercept[k] -= t * step[k]
    for i in range(n):
        for k in range(K):
            Z[i, k] -= t * step[k]
        lse[i] = softmax_row(Z, P, i)


@kernel()
def group_round(X, weights, Y, Z, P, lse, W, intercept, fit_intercept, members, start,
                lipschitz, l1_weight, l2_weight, iterates):  # fmt: skip
    """A full sweep over the blocks, then sweeps of the non-zero ones
    (``iterates.shape[0] − 2`` of them at most), each followed by a Newton step of the
    intercepts; each sweep's W and intercepts written (flattened, W first) into the next
    row of ``iterates`` (row 0: the start) for Anderson extrapolation. Returns the sweeps
    run; stops early when every block is zero."""
    n_groups = start.shape[0] - 1
    p, K = W.shape
    iterates[0, : p * K] = W.ravel()
    iterates[0, p * K :] = intercept
    blocks = np.arange(n_groups)
    sweeps = 0
    for sweep in range(iterates.shape[0] - 1):
        group_block_epoch(X, weights, Y, Z, P, lse, W, members, start, lipschitz, l1_weight,
                          l2_weight, blocks)  # fmt: skip
        if fit_intercept:
            intercept_newton(weights, Y, Z, P, lse, intercept)
        sweeps += 1
        iterates[sweep + 1, : p * K] = W.ravel()
        iterates[sweep + 1, p * K :] = intercept
        count = 0
        active = np.empty(n_groups, dtype=np.int64)
        for g in range(n_groups):
            for r in range(start[g], start[g + 1]):
                if np.any(W[members[r]] != 0.0):
                    active[count] = g
                    count += 1
                    break
        if count == 0:
            break
        blocks = active[:count]
    return sweeps
