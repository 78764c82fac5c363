"""Block coordinate descent for the group elastic net, one group of columns at a time.

Minimises ``1/(2n)‖r‖² + Σ_g a_g‖w_g‖₂ + ½ b_g‖w_g‖₂²`` with ``r = y − Xw``. A group's
columns are not orthogonal, so its exact minimiser has no closed form; each visit takes
the proximal-gradient step of the block instead (Tseng & Yun 2009), with ``L_g`` the
largest eigenvalue of ``X_gᵀX_g/n``:

    v = w_g + X_gᵀr/(n L_g),   w_g ← max(1 − a_g/(L_g‖v‖), 0) · v · L_g/(L_g + b_g),

the group soft threshold, which sets the whole group to exactly zero when
``‖X_gᵀr/n + L_g w_g‖ ≤ a_g``. Each step lowers the objective (a majorisation of the
block's quadratic), and for a single column it is the exact coordinate update.
"""

import numpy as np
from numba import njit

from .prox import FASTMATH, THRESHOLD_SLACK


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def group_epoch_dense(X, w, r, members, start, lipschitz, l1_weight, l2_weight, groups):
    """One epoch over the groups listed in ``groups``; ``w`` and ``r = y − Xw`` in place.

    ``X`` is Fortran-ordered; group g holds the features ``members[start[g]:start[g+1]]``.
    Returns the largest change of a group, ``max_g ‖Δw_g‖``.
    """
    n = X.shape[0]
    inv_n = 1.0 / n
    largest = 0.0
    widest = 0
    for g in range(start.shape[0] - 1):
        widest = max(widest, start[g + 1] - start[g])
    v = np.empty(widest)
    for position in range(groups.shape[0]):
        g = groups[position]
        first, size = start[g], start[g + 1] - start[g]
        lip = lipschitz[g]
        if lip <= 0.0:
            continue  # columns of zeros: nothing moves
        norm = 0.0
        for k in range(size):
            j = members[first + k]
            total = 0.0
            for i in range(n):
                total += X[i, j] * r[i]
            v[k] = w[j] + total * inv_n / lip
            norm += v[k] * v[k]
        norm = np.sqrt(norm)
        a = l1_weight[g]
        shrink = 0.0
        if lip * norm > a * (1.0 + THRESHOLD_SLACK):
            shrink = (1.0 - a / (lip * norm)) * lip / (lip + l2_weight[g])
        change = 0.0
        for k in range(size):
            j = members[first + k]
            delta = shrink * v[k] - w[j]
            if delta != 0.0:
                w[j] += delta
                for i in range(n):
                    r[i] -= X[i, j] * delta
                change += delta * delta
        largest = max(largest, np.sqrt(change))
    return largest
