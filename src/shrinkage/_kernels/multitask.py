"""Block coordinate descent for the multi-task elastic net, one row of W at a time.

Minimises ``1/(2n)‖R‖²_F + Σ_j a_j‖W_j‖₂ + ½ b_j‖W_j‖₂²`` with ``R = Y − XW`` (n × T)
over the rows ``W_j`` (T values: feature j in every task). The block minimiser is exact:
with ``L_j = ‖X_j‖²/n`` and ``z = X_jᵀR/n + L_j W_j`` (the row's correlations with its
own contribution put back), ``W_j = max(1 − a_j/‖z‖, 0)·z / (L_j + b_j)``, the *group*
soft threshold, which sets the whole row to exactly zero when ``‖z‖ ≤ a_j``.
"""

import numpy as np

from .jit import kernel
from .prox import FASTMATH, THRESHOLD_SLACK


@kernel(fastmath=FASTMATH)
def bcd_epoch_dense(X, W, R, lipschitz, l1_weight, l2_weight, features):
    """One epoch over the rows ``features`` of W, with R kept equal to ``Y − XW``.

    ``X`` (n × p) and ``R`` (n × T) are Fortran-ordered, so that each product and update
    runs down a contiguous column; ``W`` (p × T) is C-ordered. Returns the largest change
    of a row, ``max_j ‖ΔW_j‖``.

    The update of a row and the correlations of the next one share one pass over R
    (``R[:, t] −= X_j ΔW_jt`` and ``X_kᵀR[:, t]`` in the same loop): R is read and
    written once per row instead of read twice and written once, which is what an epoch
    costs when R (n × T) lives in the L2 cache (an epoch of 4000 rows on 1000 × 5000 × 20:
    1.16× faster).
    """
    n, n_tasks = R.shape
    m = features.shape[0]
    inv_n = 1.0 / n
    z = np.empty(n_tasks)
    delta = np.empty(n_tasks)
    dots = np.empty(n_tasks)
    largest = 0.0
    if m == 0:
        return largest
    first = features[0]
    for t in range(n_tasks):
        total = 0.0
        for i in range(n):
            total += X[i, first] * R[i, t]
        dots[t] = total
    for position in range(m):
        j = features[position]
        lip = lipschitz[j]
        norm = 0.0
        for t in range(n_tasks):
            z[t] = dots[t] * inv_n + lip * W[j, t]
            norm += z[t] * z[t]
        norm = np.sqrt(norm)
        a = l1_weight[j]
        denominator = lip + l2_weight[j]
        shrink = 0.0
        if denominator > 0.0 and norm > a * (1.0 + THRESHOLD_SLACK):
            shrink = (1.0 - a / norm) / denominator
        change = 0.0
        for t in range(n_tasks):
            delta[t] = shrink * z[t] - W[j, t]
            change += delta[t] * delta[t]
        if change != 0.0:
            for t in range(n_tasks):
                W[j, t] += delta[t]
            largest = max(largest, np.sqrt(change))
        following = position + 1 < m
        k = features[position + 1] if following else j
        for t in range(n_tasks):
            step = delta[t] if change != 0.0 else 0.0
            if following:
                total = 0.0
                if step != 0.0:
                    for i in range(n):
                        r = R[i, t] - X[i, j] * step
                        R[i, t] = r
                        total += X[i, k] * r
                else:
                    for i in range(n):
                        total += X[i, k] * R[i, t]
                dots[t] = total
            elif step != 0.0:
                for i in range(n):
                    R[i, t] -= X[i, j] * step
    return largest


@kernel(fastmath=FASTMATH)
def row_correlations(X, R, features, out):
    """``out[k] = X_jᵀR / n`` for ``j = features[k]`` (out: len(features) × T)."""
    n, n_tasks = R.shape
    inv_n = 1.0 / n
    for k in range(features.shape[0]):
        j = features[k]
        for t in range(n_tasks):
            total = 0.0
            for i in range(n):
                total += X[i, j] * R[i, t]
            out[k, t] = total * inv_n


@kernel(fastmath=FASTMATH)
def subtract_rows(X, R, features, rows):
    """``R −= Σ_k X_j rows[k]ᵀ`` over ``j = features[k]``: R (n × T, Fortran) minus the
    fit of the given rows, without copying the columns."""
    n, n_tasks = R.shape
    for k in range(features.shape[0]):
        j = features[k]
        for t in range(n_tasks):
            step = rows[k, t]
            if step != 0.0:
                for i in range(n):
                    R[i, t] -= X[i, j] * step
