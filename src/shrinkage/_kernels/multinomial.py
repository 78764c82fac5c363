"""Coordinate descent on the proximal-Newton model of the multinomial log-loss.

At ``Z = XW + 1bᵀ`` the loss is replaced by its second-order model in the change
``U = X ΔW + 1Δbᵀ`` (:mod:`shrinkage.solvers.multinomial`), each row's Hessian
``(s_i/n)(diag P_i − P_iP_iᵀ)`` in full::

    Σ_ik G_ik U_ik + ½ Σ_i (s_i/n) [Σ_k P_ik U_ik² − V_i²],     V_i = Σ_k P_ik U_ik,

and the model plus the penalty is minimised over the rows W_j of a working set, one row
(a feature's K class coefficients) at a time, keeping U and V. Ungrouped
(``Σ_k a|W_jk| + ½ b W_jk²``) each coefficient of the row is minimised exactly in turn,
the row's gradient updated through its K × K block of the Hessian
``Σ_i X_ij² (s_i/n)(diag P_i − P_iP_iᵀ)`` between two (all K at once from one gradient
would be a Jacobi step, which overshoots); grouped (``a‖W_j‖ + ½ b‖W_j‖²``) the row's
Hessian block is bounded by ``L_j I``, ``L_j`` its largest eigenvalue (given by the
caller as each entry of the row's ``curvature``), whose group soft-threshold decreases
the model (a majorisation step). The loss is unchanged when a row moves along ``1``
(softmax ignores a common shift), a direction of zero curvature along which coordinate
steps would creep:
after each move the row is shifted there to its penalty's minimum, exactly (the median
of its entries for the lasso, the mean when grouped or for ridge; Friedman, Hastie &
Tibshirani 2010, *J. Stat. Softw.* 33(1), §4). The intercepts move exactly, class by
class, after every epoch.
``G``, ``H = (s/n) P``, ``P`` and ``U`` are C-ordered (n, K); W is (p, K).
"""

import numpy as np

from .jit import inner, kernel
from .multinomial_penalty import row_residual


@inner(inline="always")
def _row_step(grad, W, j, curvature, block, a, b, grouped, step):
    """The row's move: W[j] in place, the move into ``step``; exact per class in turn
    through the row's Hessian ``block`` (ungrouped), or the group soft-threshold with
    the largest ``curvature`` (grouped). Returns whether it moves."""
    K = W.shape[1]
    moved = False
    if grouped:
        bound = 0.0
        for k in range(K):
            bound = max(bound, curvature[k])
        if bound <= 0.0:
            return False
        norm = 0.0
        for k in range(K):
            step[k] = bound * W[j, k] - grad[k]
            norm += step[k] * step[k]
        norm = np.sqrt(norm)
        factor = max(0.0, 1.0 - a / norm) / (bound + b) if norm > 0.0 else 0.0
        for k in range(K):
            step[k] = step[k] * factor - W[j, k]
            W[j, k] += step[k]
            moved = moved or step[k] != 0.0
        return moved
    for k in range(K):
        step[k] = 0.0
    for k in range(K):
        c = block[k, k]
        if c + b <= 0.0:
            continue
        v = c * W[j, k] - grad[k]
        move = np.sign(v) * max(abs(v) - a, 0.0) / (c + b) - W[j, k]
        if move != 0.0:
            W[j, k] += move
            step[k] += move
            moved = True
            for other in range(K):
                grad[other] += block[other, k] * move
    return moved


@inner()
def _best_shift(row, a, b, grouped):
    """The c minimising ``Ω(row − c·1)``: ``a Σ_k |row_k − c| + ½ b Σ_k (row_k − c)²``
    (the mean when grouped: ``‖row − c1‖`` is least there)."""
    K = row.shape[0]
    total = 0.0
    for k in range(K):
        total += row[k]
    if grouped or a == 0.0:
        return total / K
    ordered = row.copy()  # sorted by insertion: K is small, and NumPy's sort costs every
    for m in range(1, K):  # caller seconds of compilation
        value = ordered[m]
        i = m - 1
        while i >= 0 and ordered[i] > value:
            ordered[i + 1] = ordered[i]
            i -= 1
        ordered[i + 1] = value
    for m in range(K + 1):  # m entries below c: the derivative a(2m − K) + b(Kc − Σ)
        if b > 0.0:
            c = total / K - a * (2 * m - K) / (b * K)
            if (m == 0 or ordered[m - 1] < c) and (m == K or c < ordered[m]):
                return c
        if m < K:  # the kink at ordered[m]
            c = ordered[m]
            left = a * (2 * m - K) + b * (K * c - total)
            if left <= 0.0 <= left + 2 * a:
                return c
    return ordered[K // 2]


@inner(inline="always")
def _recentre(W, j, a, b, grouped, step):
    """Shift row j along 1 to its penalty's minimum, adding the shift to ``step``."""
    c = _best_shift(W[j], a, b, grouped)
    if c != 0.0:
        for k in range(W.shape[1]):
            W[j, k] -= c
            step[k] -= c


@inner(inline="always")
def _settle_row(grad, W, j, curvature, block, a, b, grouped, step):
    """Row j's KKT residual before its move, and whether it moved (the move, shift
    along 1 included, in ``step``)."""
    kkt = row_residual(grad, W, j, a, b, grouped)
    moved = _row_step(grad, W, j, curvature, block, a, b, grouped, step)
    if moved:
        _recentre(W, j, a, b, grouped, step)
    return kkt, moved


@inner(inline="always")
def _zero_row(W, j):
    """Whether every class's coefficient of feature j is zero: between full epochs,
    the epochs visit only the other rows (glmnet's active-set cycling)."""
    for k in range(W.shape[1]):
        if W[j, k] != 0.0:
            return False
    return True


@inner(inline="always")
def _move(U, V, P, i, x, step):
    """Row i of U and V after ``W_j += step`` (``x = X_ij``)."""
    for k in range(U.shape[1]):
        U[i, k] += x * step[k]
        V[i] += x * P[i, k] * step[k]


@inner(inline="always")
def _intercepts(G, H, P, U, V, step_b):
    """Each class's exact intercept move on the model, in turn; returns the largest
    violation ``|Σ_i ∂M/∂U_ik|`` met."""
    n, K = G.shape
    worst = 0.0
    for k in range(K):
        slope = 0.0
        bend = 0.0
        for i in range(n):
            slope += G[i, k] + H[i, k] * (U[i, k] - V[i])
            bend += H[i, k] * (1.0 - P[i, k])
        worst = max(worst, abs(slope))
        if bend > 0.0:
            move = -slope / bend
            step_b[k] += move
            for i in range(n):
                U[i, k] += move
                V[i] += P[i, k] * move
    return worst


@kernel()
def multinomial_cd_dense(X, features, W, U, V, G, H, P, curvature, block, l1_weight,
                         l2_weight, grouped, fit_intercept, epochs, tol, step_b):  # fmt: skip
    """Epochs over the rows ``features`` of W (dense Fortran X) until the model's KKT
    violation is ≤ tol; W, U, V and ``step_b`` in place. For ``j = features[m]``,
    ``block[m]`` is the row's K × K Hessian (ungrouped) and ``curvature[m]`` a bound of
    it (grouped; its largest entry is used). Returns the violation of the last epoch
    over every row, or inf where the last epoch visited the non-zero rows only."""
    n, K = G.shape
    grad = np.empty(K)
    step = np.empty(K)
    worst = np.inf
    full = visited_all = True  # an epoch over every row of the working set, or its
    # non-zero rows only
    for _ in range(epochs):
        worst = 0.0
        for m in range(features.shape[0]):
            j = features[m]
            if not full and _zero_row(W, j):
                continue
            for k in range(K):
                grad[k] = 0.0
            for i in range(n):
                x = X[i, j]
                if x != 0.0:
                    for k in range(K):
                        grad[k] += x * (G[i, k] + H[i, k] * (U[i, k] - V[i]))
            kkt, moved = _settle_row(grad, W, j, curvature[m], block[m], l1_weight[j],
                                     l2_weight[j], grouped, step)  # fmt: skip
            worst = max(worst, kkt)
            if moved:
                for i in range(n):
                    x = X[i, j]
                    if x != 0.0:
                        _move(U, V, P, i, x, step)
        if fit_intercept:
            worst = max(worst, _intercepts(G, H, P, U, V, step_b))
        if full and worst <= tol:
            return worst
        visited_all = full
        full = worst <= tol  # next: every row once the non-zero rows have settled
    return worst if visited_all else np.inf  # inf: the zero rows were not checked last


@kernel()
def multinomial_cd_sparse(data, indices, indptr, features, W, U, V, G, H, P, curvature,
                          block, l1_weight, l2_weight, grouped, fit_intercept, epochs, tol,
                          step_b):  # fmt: skip
    """:func:`multinomial_cd_dense` for CSC X (``data``, ``indices``, ``indptr``)."""
    K = G.shape[1]
    grad = np.empty(K)
    step = np.empty(K)
    worst = np.inf
    full = visited_all = True
    for _ in range(epochs):
        worst = 0.0
        for m in range(features.shape[0]):
            j = features[m]
            if not full and _zero_row(W, j):
                continue
            for k in range(K):
                grad[k] = 0.0
            for position in range(indptr[j], indptr[j + 1]):
                i, x = indices[position], data[position]
                for k in range(K):
                    grad[k] += x * (G[i, k] + H[i, k] * (U[i, k] - V[i]))
            kkt, moved = _settle_row(grad, W, j, curvature[m], block[m], l1_weight[j],
                                     l2_weight[j], grouped, step)  # fmt: skip
            worst = max(worst, kkt)
            if moved:
                for position in range(indptr[j], indptr[j + 1]):
                    _move(U, V, P, indices[position], data[position], step)
        if fit_intercept:
            worst = max(worst, _intercepts(G, H, P, U, V, step_b))
        if full and worst <= tol:
            return worst
        visited_all = full
        full = worst <= tol  # next: every row once the non-zero rows have settled
    return worst if visited_all else np.inf  # inf: the zero rows were not checked last


@kernel()
def face_model_sparse(data, indices, indptr, classes, slope, H, P, weights, gradient,
                      hessian, cross):  # fmt: skip
    """The face model of :func:`shrinkage.solvers.multinomial_model._face_model` from the
    face's columns by rows (CSR ``data``, ``indices``, ``indptr``; column e of class
    ``classes[e]``), into ``gradient`` (m), ``hessian`` (m × m, its lower triangle then
    mirrored) and ``cross`` (m × K, against the intercepts): each row's stored entries
    pair up once, so the work is the sum of their squares, not n·m²."""
    n, K = slope.shape
    for i in range(n):
        w = weights[i]
        for a in range(indptr[i], indptr[i + 1]):
            e = indices[a]
            x = data[a]
            c = classes[e]
            gradient[e] += x * slope[i, c]
            scaled = w * x * P[i, c]
            for d in range(K):
                cross[e, d] -= scaled * P[i, d]
            cross[e, c] += x * H[i, c]
            for b in range(indptr[i], a + 1):
                f = indices[b]
                value = -scaled * data[b] * P[i, classes[f]]
                if classes[f] == c:
                    value += x * data[b] * H[i, c]
                if f > e:
                    hessian[f, e] += value
                else:
                    hessian[e, f] += value
    m = hessian.shape[0]
    for e in range(m):
        for f in range(e):
            hessian[f, e] = hessian[e, f]
