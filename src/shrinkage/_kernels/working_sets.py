"""Choosing features for a working set without p-sized temporaries.

The kernels scan the p-vectors and return only the indices they choose (and the scores
of the candidates), so a working-set path keeps a handful of p-vectors whatever the
number of features. The KKT residuals and gap-safe tests are recomputed per feature
(:func:`~shrinkage._kernels.gap.feature_check`) rather than stored.
"""

import numpy as np
from numba import njit

from .gap import check_at
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
def set_candidates(corr, w, a, b, positive, n, scale, radius, lipschitz):
    """The features a working set is chosen from, in two passes over p:
    ``(always, violators, violations, n_support)``.

    ``always``: the support (w_j ≠ 0) and the pure-L2 features (a_j = 0), which every
    set holds. ``violators``: the other features whose KKT residual is positive and
    which the gap-safe test does not prove zero, with those residuals in
    ``violations``. All sorted by index.
    """
    n_always = n_violators = n_support = 0
    for j in range(w.shape[0]):
        kind = _kind(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
        n_always += kind >= 2
        n_support += kind == 3
        n_violators += kind == 1
    always = np.empty(n_always, dtype=np.int64)
    violators = np.empty(n_violators, dtype=np.int64)
    violations = np.empty(n_violators)
    n_always = n_violators = 0
    for j in range(w.shape[0]):
        kind = _kind(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
        if kind >= 2:
            always[n_always] = j
            n_always += 1
        elif kind == 1:
            violators[n_violators] = j
            violations[n_violators] = check_at(
                corr, w, a, b, positive, n, scale, radius, lipschitz, j
            )[0]
            n_violators += 1
    return always, violators, violations, n_support


@njit(cache=True)
def first_at_zero(corr, w, a, b, positive, n, scale, radius, lipschitz, k, proven):
    """The first ``k`` indices (at most), in order, of the features at zero without a
    KKT violation: those the gap-safe test proves zero if ``proven``, else the others
    (the fill-up of a working set larger than its candidates)."""
    out = np.empty(k, dtype=np.int64)
    count = 0
    wanted = -1 if proven else 0
    for j in range(w.shape[0]):
        if count == k:
            break
        if _kind(corr, w, a, b, positive, n, scale, radius, lipschitz, j) == wanted:
            out[count] = j
            count += 1
    return out[:count]


@njit(cache=True, inline="always")
def _kind(corr, w, a, b, positive, n, scale, radius, lipschitz, j):
    """3: in the support; 2: pure L2 at zero; 1: a violator not proven zero; 0: at
    zero, no violation, not proven zero; −1: proven zero by the gap-safe test."""
    if w[j] != 0.0:
        return 3
    if weight_at(a, j) == 0.0:
        return 2
    kkt, screened = check_at(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
    if screened:
        return -1
    return 1 if kkt > 0.0 else 0


@njit(cache=True)
def union_sorted(first, second):
    """The sorted union of two sorted arrays of distinct indices, in one merge (NumPy's
    ``union1d`` concatenates, copies and hashes: four times the memory)."""
    out = np.empty(first.shape[0] + second.shape[0], dtype=np.int64)
    i = k = count = 0
    while i < first.shape[0] or k < second.shape[0]:
        if k == second.shape[0] or (i < first.shape[0] and first[i] < second[k]):
            value = first[i]
            i += 1
        elif i == first.shape[0] or second[k] < first[i]:
            value = second[k]
            k += 1
        else:  # equal
            value = first[i]
            i += 1
            k += 1
        out[count] = value
        count += 1
    return out[:count].copy() if count < out.shape[0] else out
