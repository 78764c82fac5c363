"""Anderson extrapolation on a working set, without working-set-sized temporaries.

The readable form is :func:`shrinkage.solvers.working_set._try_extrapolation`: from
the differences ``d_i = x_{i+1} − x_i`` of the last iterates restricted to the working
set, the step ``−Σ_l C_l d_l``. These loops read ``w[ws]`` in place; the differences
are kept in float32 (half the memory: they only choose the combination, and the
extrapolated point is accepted only if it lowers the objective), their Gram matrix is
accumulated in float64.
"""

import numpy as np
from numba import njit

from .prox import weight_at


@njit(cache=True)
def record_iterate(w, features, latest, difference, with_difference):
    """``difference ← w[features] − latest`` (if ``with_difference``), then
    ``latest ← w[features]``."""
    for k in range(features.shape[0]):
        value = w[features[k]]
        if with_difference:
            difference[k] = value - latest[k]
        latest[k] = value


@njit(cache=True)
def difference_gram(diffs):
    """``D Dᵀ`` of the (m × |ws|) differences, summed in float64."""
    m, size = diffs.shape
    gram = np.zeros((m, m))
    for i in range(m):
        for l in range(i + 1):
            total = 0.0
            for k in range(size):
                total += np.float64(diffs[i, k]) * np.float64(diffs[l, k])
            gram[i, l] = total
            gram[l, i] = total
    return gram


@njit(cache=True)
def combined_step(diffs, cumulative, latest, positive, step):
    """``step ← −Σ_l C_l d_l`` (the extrapolated point less ``latest``), clipped so that
    ``latest + step ≥ 0`` when ``positive``."""
    for k in range(step.shape[0]):
        total = 0.0
        for l in range(diffs.shape[0]):
            total -= cumulative[l] * diffs[l, k]
        if positive and latest[k] + total < 0.0:
            total = -latest[k]
        step[k] = total


@njit(cache=True)
def restricted_penalty(w, features, a, b):
    """``Σ_{j ∈ features} a_j|w_j| + ½ b_j w_j²`` (``a``, ``b`` per feature, or one
    number each)."""
    total = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        total += weight_at(a, j) * abs(w[j]) + 0.5 * weight_at(b, j) * w[j] * w[j]
    return total


@njit(cache=True)
def step_back(w, features, latest, step):
    """``step ← latest − w[features]``: the shift that undoes a rejected step."""
    for k in range(features.shape[0]):
        step[k] = latest[k] - w[features[k]]
