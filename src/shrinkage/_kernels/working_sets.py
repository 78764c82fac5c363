"""Choosing features for a working set without p-sized temporaries.

The kernels scan the p-vectors and return only the indices they choose (and the scores
of the candidates), so a working-set path keeps a handful of p-vectors whatever the
number of features. The KKT residuals and gap-safe tests are recomputed per feature
(:func:`~shrinkage._kernels.gap.feature_check`) rather than stored.
"""

import numpy as np

from .gap import check_at
from .jit import inner, kernel
from .prox import weight_at


@inner(inline="always")
def _strong(corr, read, unit_weight, level, n, positive, j):
    if not read[j]:
        return False
    c = corr[j] / n
    c = max(c, 0.0) if positive else abs(c)
    return c >= level * weight_at(unit_weight, j)


@kernel()
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


@kernel()
def set_candidates(corr, w, a, b, positive, n, scale, radius, lipschitz, ws_start):
    """The features a working set is chosen from, in two sweeps over p:
    ``(always, violators, violations, size, unproven, proven)``.

    ``always``: the support (w_j ≠ 0) and the pure-L2 features (a_j = 0), which every
    set holds. ``violators``: the other features whose KKT residual is positive and
    which the gap-safe test does not prove zero, with those residuals in
    ``violations``. ``size = max(ws_start, 2·|support|, |always|)`` (at most p): the
    set's size. When always and violators together fall short of it, ``unproven`` and
    ``proven`` hold the first features at zero without a violation, not proven zero
    and proven zero, as many as are missing (the fill-up). All sorted by index.
    """
    p = w.shape[0]
    always, violators = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    unproven, proven = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    violations = np.empty(0)
    size = missing = n_unproven = n_proven = 0
    for sweep in range(2):  # count, then fill (one copy of the check: compile time)
        n_always = n_support = n_violators = n_unproven = n_proven = 0
        for j in range(p):
            kind, kkt = _kind(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
            if kind >= 2:
                if sweep:
                    always[n_always] = j
                n_always += 1
                n_support += kind == 3
            elif kind == 1:
                if sweep:
                    violators[n_violators], violations[n_violators] = j, kkt
                n_violators += 1
            elif sweep and kind == 0 and n_unproven < missing:
                unproven[n_unproven] = j
                n_unproven += 1
            elif sweep and kind == -1 and n_proven < missing:
                proven[n_proven] = j
                n_proven += 1
        if not sweep:
            size = min(p, max(ws_start, 2 * n_support, n_always))
            missing = max(0, size - n_always - n_violators)
            always, violators = np.empty(n_always, np.int64), np.empty(n_violators, np.int64)
            violations = np.empty(n_violators)
            unproven, proven = np.empty(missing, np.int64), np.empty(missing, np.int64)
    return always, violators, violations, size, unproven[:n_unproven], proven[:n_proven]


@kernel(inline="always")
def _kind(corr, w, a, b, positive, n, scale, radius, lipschitz, j):
    """``(kind, kkt)``. kind 3: in the support; 2: pure L2 at zero; 1: a violator
    (KKT residual ``kkt`` > 0) not proven zero; 0: at zero, no violation, not proven
    zero; −1: proven zero by the gap-safe test."""
    if w[j] != 0.0:
        return 3, 0.0
    if weight_at(a, j) == 0.0:
        return 2, 0.0
    kkt, screened = check_at(corr, w, a, b, positive, n, scale, radius, lipschitz, j)
    if screened:
        return -1, kkt
    return (1 if kkt > 0.0 else 0), kkt


@kernel()
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
