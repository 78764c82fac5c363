"""The entry search of the homotopy path (:mod:`shrinkage.path.homotopy`), in one pass.

Along a segment the correlations are affine in α, ``c_j(α') = c_ls_j + α'·a_j``; an
inactive feature enters where ``|c_j(α')| = α'``. Written with NumPy the search makes
a handful of p-vectors per knot; here it makes none.
"""

import numpy as np

from .jit import kernel


@kernel()
def next_entry(c_ls, a, alpha, blocked, positive, just_left, reentry_tol):
    """``(α', j, sign)``: the largest ``α' ≤ alpha`` at which a feature with
    ``blocked[j] = False`` reaches ``c_j(α') = sign·α'`` (sign = +1 only if
    ``positive``); ``(-inf, -1, 0)`` if none does.

    ``sign·α' = c_ls_j + α'·a_j`` gives ``α' = sign·c_ls_j / (1 − sign·a_j)`` when that
    rate is positive (a rate ≈ 0 is a column tied with the active ones for the whole
    segment). ``just_left`` may not re-enter within a relative ``reentry_tol`` of
    ``alpha``. Ties go to sign +1, then to the smallest j.
    """
    best, best_j, best_sign = -np.inf, -1, 0.0
    for s in range(1 if positive else 2):
        sign = 1.0 if s == 0 else -1.0
        for j in range(c_ls.shape[0]):
            if blocked[j]:
                continue
            rate = 1.0 - sign * a[j]
            if not rate > 1e-14:
                continue
            crossing = min(sign * c_ls[j] / rate, alpha)
            if j == just_left and crossing >= alpha * (1.0 - reentry_tol):
                continue
            if crossing > best:
                best, best_j, best_sign = crossing, j, sign
    return best, best_j, best_sign
