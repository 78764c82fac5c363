"""The multinomial log-loss and its certificate on plain arrays, for the compiled path.

The same arithmetic as :class:`shrinkage.losses.MultinomialLoss` and
:mod:`shrinkage.certificates.multinomial` (their docstrings give the maths), row by row:
``Z`` is the (n, K) matrix of linear predictors (offset included), Y the one-hot labels,
s the weights (summing to n), and the penalty per feature row is ungrouped,
``Σ_k a_j|W_jk| + ½ b_j W_jk²`` (its side of the certificate:
:mod:`.multinomial_penalty`). ``tests/test_multinomial_path_driver.py`` checks every
value against those modules.
"""

import numpy as np

from .face import solve_positive_semidefinite
from .jit import inner, kernel
from .multinomial_penalty import penalty_side


@inner()
def softmax_row(Z, P, i):
    """Row i of ``P = softmax(Z)`` (shifted by the row's maximum); returns the row's
    log-sum-exp."""
    K = Z.shape[1]
    top = Z[i, 0]
    for k in range(1, K):
        top = max(top, Z[i, k])
    total = 0.0
    for k in range(K):
        P[i, k] = np.exp(Z[i, k] - top)
        total += P[i, k]
    for k in range(K):
        P[i, k] /= total
    return top + np.log(total)


@kernel()
def loss_point(Z, Y, s, P, G, H):
    """The loss ``1/n Σ s_i [lse(Z_i) − Y_iᵀZ_i]``; P = softmax(Z), ``G = s(P − Y)/n``
    and ``H = sP/n`` into the arrays given."""
    n, K = Z.shape
    total = 0.0
    for i in range(n):
        term = softmax_row(Z, P, i)
        weight = s[i] / n
        for k in range(K):
            G[i, k] = weight * (P[i, k] - Y[i, k])
            H[i, k] = weight * P[i, k]
            term -= Y[i, k] * Z[i, k]
        total += s[i] * term
    return total / n


@kernel()
def loss_value(Z, Y, s):
    """The loss at Z alone."""
    n, K = Z.shape
    P = np.empty((n, K))
    total = 0.0
    for i in range(n):
        term = softmax_row(Z, P, i)
        for k in range(K):
            term -= Y[i, k] * Z[i, k]
        total += s[i] * term
    return total / n


@kernel()
def loss_change(Z, P, U, t, Y, s):
    """``F(Z + tU) − F(Z)`` term by term: ``log1p(Σ_k P_k expm1(tU_k))`` in the rows
    where ``|tU| ≤ 1``, the difference of the two log-sum-exps elsewhere."""
    n, K = Z.shape
    total = 0.0
    for i in range(n):
        largest = 0.0
        for k in range(K):
            largest = max(largest, abs(t * U[i, k]))
        term = 0.0
        for k in range(K):
            term -= Y[i, k] * t * U[i, k]
        if largest <= 1.0:
            inner = 0.0
            for k in range(K):
                inner += P[i, k] * np.expm1(t * U[i, k])
            term += np.log1p(inner)
        else:
            top_new = Z[i, 0] + t * U[i, 0]
            top_old = Z[i, 0]
            for k in range(1, K):
                top_new = max(top_new, Z[i, k] + t * U[i, k])
                top_old = max(top_old, Z[i, k])
            new = 0.0
            old = 0.0
            for k in range(K):
                new += np.exp(Z[i, k] + t * U[i, k] - top_new)
                old += np.exp(Z[i, k] - top_old)
            term += top_new + np.log(new) - top_old - np.log(old)
        total += s[i] * term
    return total / n


@kernel()
def shift_step(P, s, rhs):
    """``H⁺ rhs`` for the Hessian H of the loss in a common shift of the rows of Z
    (:func:`shrinkage.losses.multinomial.shift_newton_step`), centred."""
    n, K = P.shape
    hessian = np.zeros((K, K))
    for i in range(n):
        weight = s[i] / n
        for k in range(K):
            hessian[k, k] += weight * P[i, k]
            for m in range(K):
                hessian[k, m] -= weight * P[i, k] * P[i, m]
    trace = 0.0
    for k in range(K):
        trace += hessian[k, k]
    hessian += trace / (K * K)
    step = solve_positive_semidefinite(hessian, rhs)
    mean = 0.0
    for k in range(K):
        mean += step[k] / K
    for k in range(K):
        step[k] -= mean
    return step


@inner()
def _shift_gradient(Z, shift, Y, s, P):
    """P = softmax(Z + shift) into P; returns ``Σ_i s_i(P_i − Y_i)/n``."""
    n, K = Z.shape
    grad = np.zeros(K)
    for i in range(n):
        top = Z[i, 0] + shift[0]
        for k in range(1, K):
            top = max(top, Z[i, k] + shift[k])
        norm = 0.0
        for k in range(K):
            P[i, k] = np.exp(Z[i, k] + shift[k] - top)
            norm += P[i, k]
        for k in range(K):
            P[i, k] /= norm
            grad[k] += s[i] * (P[i, k] - Y[i, k]) / n
    return grad


@inner()
def _shifted(Z, shift, t, step):
    """``Z + 1(shift − t·step)ᵀ``."""
    out = np.empty_like(Z)
    for i in range(Z.shape[0]):
        for k in range(Z.shape[1]):
            out[i, k] = Z[i, k] + shift[k] - t * step[k]
    return out


@inner()
def intercept_dual(Z, Y, s, theta, P):
    """θ with ``1ᵀθ = 0`` into ``theta``: Newton steps on a common shift of Z, then the
    exact correction (:func:`shrinkage.certificates.multinomial._intercept_dual`); P is
    workspace."""
    n, K = Z.shape
    shift = np.zeros(K)
    for _ in range(50):
        grad = _shift_gradient(Z, shift, Y, s, P)
        step = shift_step(P, s, grad)
        decrement = 0.0
        for k in range(K):
            decrement += grad[k] * step[k]
        if decrement <= 1e-15:
            break
        t = 1.0
        largest = 0.0
        for k in range(K):
            largest = max(largest, abs(step[k]))
        if largest > 0.5:  # far from the optimum: backtrack
            base = loss_value(_shifted(Z, shift, 0.0, step), Y, s)
            bound = base + 1e-15 * abs(base)
            while t > 1e-10 and loss_value(_shifted(Z, shift, t, step), Y, s) > bound:
                t *= 0.5
        size = 0.0
        for k in range(K):
            shift[k] -= t * step[k]
            size = max(size, abs(shift[k]))
        if t * largest <= 1e-13 * (1.0 + size):
            break
    _shift_gradient(Z, shift, Y, s, P)
    sums = np.zeros(K)
    for i in range(n):
        for k in range(K):
            theta[i, k] = s[i] * (Y[i, k] - P[i, k]) / n
            sums[k] += theta[i, k]
    correction = shift_step(P, s, sums)
    for i in range(n):
        weight = s[i] / n
        along = 0.0
        for k in range(K):
            along += P[i, k] * correction[k]
        for k in range(K):
            theta[i, k] -= weight * P[i, k] * (correction[k] - along)


@kernel()
def _in_simplex(Y, s, theta, Q):
    """Q = Y − nθ/s clipped at 0 and renormalised by rows, θ = s(Y − Q)/n again."""
    n, K = Y.shape
    for i in range(n):
        total = 0.0
        for k in range(K):
            value = Y[i, k]
            if s[i] > 0.0:
                value = max(Y[i, k] - n * theta[i, k] / s[i], 0.0)
            Q[i, k] = value
            total += value
        for k in range(K):
            Q[i, k] /= total
            theta[i, k] = s[i] * (Y[i, k] - Q[i, k]) / n


@inner()
def transposed(X, M, features, out):
    """``out[j] = X_jᵀM`` for the columns j of ``features``, dense X (n × p) and M
    (n × K)."""
    n = X.shape[0]
    K = M.shape[1]
    for j in features:
        for k in range(K):
            out[j, k] = 0.0
        for i in range(n):
            x = X[i, j]
            if x != 0.0:
                for k in range(K):
                    out[j, k] += x * M[i, k]


@kernel()
def certificate(X, Y, s, Z, W, a, b, fit_intercept, offset, loss, G, gradient, kkt, work):
    """The primal and dual values of (W, the intercepts in Z) at the loss value
    ``loss`` and its gradient G in Z (from :func:`loss_point`): ``XᵀG`` into
    ``gradient`` and the rows' KKT residuals into ``kkt``. ``offset`` is the centred
    offset (rows of mean 0) or an empty array; ``work`` three (n, K) arrays and one
    (p, K). Returns ``(primal, dual, largest KKT residual)``."""
    n, K = Y.shape
    theta, Q, P = work[0][:n], work[1][:n], work[2][:n]
    corr = work[3][: W.shape[0]]
    every = np.arange(W.shape[0])
    transposed(X, G, every, gradient)
    if fit_intercept:
        intercept_dual(Z, Y, s, theta, P)
    else:
        for i in range(n):
            for k in range(K):
                theta[i, k] = -G[i, k]
    _in_simplex(Y, s, theta, Q)
    transposed(X, theta, every, corr)
    penalty, shrink, conjugate = penalty_side(W, gradient, corr, a, b, False, kkt)
    worst = 0.0
    for j in range(W.shape[0]):
        worst = max(worst, kkt[j])
    entropy = 0.0
    shifted = 0.0
    for i in range(n):
        row = 0.0
        for k in range(K):
            Q[i, k] = Y[i, k] - (Y[i, k] - Q[i, k]) / shrink
            if Q[i, k] > 0.0:
                row += Q[i, k] * np.log(Q[i, k])
            if offset.shape[0] > 0:
                shifted += s[i] * (Y[i, k] - Q[i, k]) * offset[i, k] / n
        entropy += s[i] * row
    return loss + penalty, -entropy / n - shifted - conjugate, worst
