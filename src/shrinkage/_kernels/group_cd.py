"""Block coordinate descent for the group elastic net, each group minimised exactly.

Minimises ``1/(2n)‖r‖² + Σ_g a_g‖w_g‖₂ + ½ b_g‖w_g‖₂²`` with ``r = y − Xw``. With the
group's own contribution put back, ``c = X_gᵀ(r + X_g w_g)/n`` and ``H = X_gᵀX_g/n``, the
block problem ``½βᵀHβ − cᵀβ + a‖β‖ + ½b‖β‖²`` has the solution 0 when ``‖c‖ ≤ a``, else
``β = (H + (b + a/t)I)⁻¹c`` with ``t = ‖β‖`` the root of the secular equation

    φ(t) = Σ_k ĉ_k² / ((d_k + b)·t + a)² − 1 = 0,     ĉ = Vᵀc,  H = V diag(d) Vᵀ,

which is convex and decreasing in t, so Newton's method from t = 0 converges to it
monotonically (the block solve of adelie: Yang & Hastie 2024). Each group's eigen-
decomposition is computed once, by the caller.
"""

import numpy as np

from .jit import inner, kernel
from .prox import FASTMATH, THRESHOLD_SLACK

_NEWTON_STEPS = 100  # the secular equation's Newton steps, at most (a few in practice)


@inner()
def _secular_root(c_hat, e, a):
    """The root t > 0 of ``Σ ĉ_k²/(e_k t + a)² = 1`` (requires ``‖ĉ‖ > a``)."""
    t = 0.0
    for _ in range(_NEWTON_STEPS):
        value, slope = -1.0, 0.0
        for k in range(c_hat.shape[0]):
            denominator = e[k] * t + a
            value += c_hat[k] ** 2 / denominator**2
            slope -= 2.0 * c_hat[k] ** 2 * e[k] / denominator**3
        if value <= 0.0 or slope >= 0.0:
            break
        step = -value / slope
        t += step
        if step <= 1e-15 * t:
            break
    return t


@kernel(fastmath=FASTMATH)
def group_epoch_dense(X, w, r, members, start, eigvals, eigvecs, eig_start, l1_weight,
                      l2_weight, groups):  # fmt: skip
    """One epoch over the groups listed in ``groups``; ``w`` and ``r = y − Xw`` in place.

    ``X`` is Fortran-ordered; group g holds the features ``members[start[g]:start[g+1]]``,
    the eigenvalues of its ``X_gᵀX_g/n`` in ``eigvals[start[g]:start[g+1]]`` and their
    eigenvectors, row-major p_g × p_g, from ``eigvecs[eig_start[g]]``. Returns the
    largest change of a group, ``max_g ‖Δw_g‖``.
    """
    n = X.shape[0]
    inv_n = 1.0 / n
    largest = 0.0
    widest = 0
    for g in range(start.shape[0] - 1):
        widest = max(widest, start[g + 1] - start[g])
    c, c_hat, beta, e = np.empty(widest), np.empty(widest), np.empty(widest), np.empty(widest)
    for position in range(groups.shape[0]):
        g = groups[position]
        first, size, offset = start[g], start[g + 1] - start[g], eig_start[g]
        top = 0.0
        for k in range(size):
            top = max(top, eigvals[first + k])
        for k in range(size):  # c = X_gᵀr/n + H w_g, H = V diag(d) Vᵀ
            j = members[first + k]
            total = 0.0
            for i in range(n):
                total += X[i, j] * r[i]
            c[k] = total * inv_n
        for k in range(size):  # ĉ = Vᵀc + diag(d) Vᵀ w_g
            projected_c, projected_w = 0.0, 0.0
            for m in range(size):
                v = eigvecs[offset + m * size + k]
                projected_c += v * c[m]
                projected_w += v * w[members[first + m]]
            d = eigvals[first + k]
            if d <= 1e-12 * top:  # a direction the columns do not span
                d, projected_c, projected_w = 0.0, 0.0, 0.0
            c_hat[k] = projected_c + d * projected_w
            e[k] = d + l2_weight[g]
        a = l1_weight[g]
        norm = 0.0
        for k in range(size):
            norm += c_hat[k] * c_hat[k]
        norm = np.sqrt(norm)
        for k in range(size):
            beta[k] = 0.0
        if norm > a * (1.0 + THRESHOLD_SLACK):
            # β̂_k = ĉ_k t/(e_k t + a), then β = V β̂; without an L1 part (a = 0, ridge)
            # β̂_k = ĉ_k/e_k directly
            t = _secular_root(c_hat[:size], e[:size], a) if a > 0.0 else 1.0
            for k in range(size):
                scaled = c_hat[k] * t / (e[k] * t + a) if e[k] * t + a > 0.0 else 0.0
                for m in range(size):
                    beta[m] += eigvecs[offset + m * size + k] * scaled
        change = 0.0
        for k in range(size):
            j = members[first + k]
            delta = beta[k] - w[j]
            if delta != 0.0:
                w[j] = beta[k]
                for i in range(n):
                    r[i] -= X[i, j] * delta
                change += delta * delta
        largest = max(largest, np.sqrt(change))
    return largest


@kernel(fastmath=FASTMATH)
def group_correlations(X, r, w, members, start, groups, norms):
    """For each listed group, ``‖X_gᵀr‖/n`` into ``norms``; returns ``Σ_g ⟨X_gᵀr, w_g⟩/n``
    over them (the sub-problem's ``⟨r, y_W⟩ − ‖r‖²``, over n)."""
    n = X.shape[0]
    inv_n = 1.0 / n
    inner = 0.0
    for position in range(groups.shape[0]):
        g = groups[position]
        square = 0.0
        for k in range(start[g], start[g + 1]):
            j = members[k]
            total = 0.0
            for i in range(n):
                total += X[i, j] * r[i]
            total *= inv_n
            square += total * total
            inner += total * w[j]
        norms[position] = np.sqrt(square)
    return inner


@kernel(fastmath=FASTMATH)
def subtract_groups(X, r, members, start, groups, change):
    """``r −= Σ_g X_g change_g`` over the listed groups (``change`` indexed by feature)."""
    n = X.shape[0]
    for position in range(groups.shape[0]):
        g = groups[position]
        for k in range(start[g], start[g + 1]):
            j = members[k]
            step = change[j]
            if step != 0.0:
                for i in range(n):
                    r[i] -= X[i, j] * step
