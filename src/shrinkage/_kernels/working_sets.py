"""Choosing features for a working set without p-sized temporaries.

Both kernels scan the p-vectors once and return only the indices they choose, so a
working-set path keeps a handful of p-vectors whatever the number of features.
"""

import numpy as np
from numba import njit

from .prox import weight_at


@njit(cache=True, inline="always")
def _strong(corr, read, unit_weight, level, n, positive, j):
    if not read[j]:
        return False
    c = corr[j] / n
    c = max(c, 0.0) if positive else abs(c)
    return c >= level * weight_at(unit_weight, j)


@njit(cache=True)
def strong_set(corr, read, unit_weight, level, n, positive):
    """Sorted indices j with ``read[j]`` and ``|corr_j|/n ≥ level·unit_weight_j``
    (``corr_j/n`` when ``positive``): the sequential strong rule with
    ``level = 2α − α_previous`` for weights linear in α (``unit_weight`` an array,
    or one number when the same for all)."""
    count = 0
    for j in range(corr.shape[0]):
        count += _strong(corr, read, unit_weight, level, n, positive, j)
    out = np.empty(count, dtype=np.int64)
    count = 0
    for j in range(corr.shape[0]):
        if _strong(corr, read, unit_weight, level, n, positive, j):
            out[count] = j
            count += 1
    return out


@njit(cache=True)
def first_with_score(scores, value, k):
    """The first ``k`` indices (at most) with ``scores[j] == value``, in order."""
    out = np.empty(k, dtype=np.int64)
    count = 0
    for j in range(scores.shape[0]):
        if count == k:
            break
        if scores[j] == value:
            out[count] = j
            count += 1
    return out[:count]
