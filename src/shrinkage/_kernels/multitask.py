"""Block coordinate descent for the multi-task elastic net, one row of W at a time.

Minimises ``1/(2n)‖R‖²_F + Σ_j a_j‖W_j‖₂ + ½ b_j‖W_j‖₂²`` with ``R = Y − XW`` (n × T)
over the rows ``W_j`` (T values: feature j in every task). The block minimiser is exact:
with ``L_j = ‖X_j‖²/n`` and ``z = X_jᵀR/n + L_j W_j`` (the row's correlations with its
own contribution put back), ``W_j = max(1 − a_j/‖z‖, 0)·z / (L_j + b_j)``, the *group*
soft threshold, which sets the whole row to exactly zero when ``‖z‖ ≤ a_j``.
"""

import numpy as np
from numba import njit

from .prox import FASTMATH, THRESHOLD_SLACK


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def bcd_epoch_dense(X, W, R, lipschitz, l1_weight, l2_weight, features):
    """One epoch over the rows ``features`` of W, with R kept equal to ``Y − XW``.

    ``X`` (n × p) and ``R`` (n × T) are Fortran-ordered, so that each product and update
    runs down a contiguous column; ``W`` (p × T) is C-ordered. Returns the largest change
    of a row, ``max_j ‖ΔW_j‖``.
    """
    n, n_tasks = R.shape
    inv_n = 1.0 / n
    z = np.empty(n_tasks)
    delta = np.empty(n_tasks)
    largest = 0.0
    for position in range(features.shape[0]):
        j = features[position]
        lip = lipschitz[j]
        norm = 0.0
        for t in range(n_tasks):
            total = 0.0
            for i in range(n):
                total += X[i, j] * R[i, t]
            z[t] = total * inv_n + lip * W[j, t]
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
        if change == 0.0:
            continue
        for t in range(n_tasks):
            W[j, t] += delta[t]
            step = delta[t]
            if step != 0.0:
                for i in range(n):
                    R[i, t] -= X[i, j] * step
        largest = max(largest, np.sqrt(change))
    return largest
