"""The start of the next α of a path: the secant through the last two solutions.

A warm start from the previous solution is off by about ``Δ·w'(α)``; extrapolating the
last two solutions along ``log α`` leaves ``Δ²·w''/2``, so that the first Newton step of
the next α starts closer to it. Coordinates keep their sign: a zero stays zero (the
working sets add the features that enter) and one that the line would take across zero
stops at zero. The caller keeps the prediction only if its objective is lower than the
plain warm start's, and predicts from the first α of the path that needed a second
Newton step on: before that the warm start is as good, and the prediction would only
cost its pass over X and a certificate from scratch. Used by the compiled logistic path
(:mod:`shrinkage._kernels.logistic_path`) and the Python loop of
:func:`shrinkage.path.logistic.solve_path`.
"""

import numpy as np

from .jit import kernel


@kernel()
def secant_ratio(alphas, k):
    """``log(α_k/α_{k−1}) / log(α_{k−1}/α_{k−2})`` (k ≥ 2): how far to go along the last
    step; 0 where the last step has no length."""
    last = np.log(alphas[k - 1] / alphas[k - 2])
    if last == 0.0:
        return 0.0
    return np.log(alphas[k] / alphas[k - 1]) / last


@kernel()
def secant_start(w, previous, ratio, out):
    """``out = w + ratio·(w − previous)`` coordinate by coordinate, 0 where ``w`` is 0 or
    where the line crosses 0; returns the number of non-zeros of ``out``."""
    count = 0
    for j in range(w.shape[0]):
        value = 0.0
        if w[j] != 0.0:
            value = w[j] + ratio * (w[j] - previous[j])
            if value * w[j] <= 0.0:
                value = 0.0
        out[j] = value
        if value != 0.0:
            count += 1
    return count
