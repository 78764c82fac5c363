"""Anderson extrapolation on a working set, without working-set-sized temporaries.

The readable form is :func:`shrinkage.solvers.working_set.try_extrapolation`: from
the differences ``d_i = x_{i+1} − x_i`` of the last iterates restricted to the working
set, the step ``−Σ_l C_l d_l``. The epoch kernels write each difference as they move
the coordinates (their ``deltas``), so no iterate is copied; the differences are kept
in float32 (half the memory: they only choose the combination, and the extrapolated
point is accepted only if it lowers the objective), their Gram matrix is accumulated
in float64, and the step is written over the first difference.
"""

import numpy as np

from .jit import kernel
from .prox import weight_at

# what the epoch kernels get when no differences are recorded (one compiled variant:
# the same type as a row of the differences)
NO_DELTAS = np.empty(0, dtype=np.float32)


@kernel()
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


@kernel()
def combined_step(diffs, cumulative, w, features, positive):
    """The step ``−Σ_l C_l d_l`` (the extrapolated point less the current
    ``w[features]``), written over ``diffs[0]`` (each entry once its column of
    differences is read) and returned. With ``positive``, clipped so that ``w + step ≥
    0``, its float32 rounding taken towards zero so that this still holds."""
    step = diffs[0]
    for k in range(diffs.shape[1]):
        total = 0.0
        for l in range(diffs.shape[0]):
            total -= cumulative[l] * diffs[l, k]
        current = w[features[k]]
        rounded = np.float32(max(total, -current) if positive else total)
        while positive and current + np.float64(rounded) < 0.0:
            rounded = np.nextafter(rounded, np.float32(0.0))
        step[k] = rounded
    return step


@kernel()
def restricted_penalty(w, features, a, b):
    """``Σ_{j ∈ features} a_j|w_j| + ½ b_j w_j²`` (``a``, ``b`` per feature, or one
    number each)."""
    total = 0.0
    for k in range(features.shape[0]):
        j = features[k]
        total += weight_at(a, j) * abs(w[j]) + 0.5 * weight_at(b, j) * w[j] * w[j]
    return total
