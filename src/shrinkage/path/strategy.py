"""How each point of a squared-loss path is solved: homotopy, Gram, working sets or CD.

"homotopy" follows the exact lasso path knot by knot (:mod:`.homotopy`), one ``Xᵀu`` per
knot whatever the correlation of the columns: best for wide dense data with few rows.
"gram" precomputes ``XᵀX`` and solves each α in one compiled call
(:mod:`shrinkage.solvers.gram_cd`): best for n ≫ p. "working_set" solves growing
sub-problems on the likely support with Anderson acceleration
(:mod:`shrinkage.solvers.working_set`): best for p ≳ n and sparse data. "cd" is plain
cyclic coordinate descent, the only one that allows unpenalised features.
"""

from __future__ import annotations

import numpy as np

__all__ = ["STRATEGIES", "choose_strategy", "homotopy_applies"]

STRATEGIES = ("auto", "homotopy", "working_set", "gram", "cd")
GRAM_MAX_FEATURES = 5000  # p × p float64 Gram up to 200 MB
HOMOTOPY_MAX_SAMPLES = 1000  # one Zᵀu per knot, a few times min(n, p) knots
# the homotopy's cost does not fall with tol, the working sets' does: at a loose tol
# (≥ 1e-5) the exact path is kept for few rows only (Toeplitz 500 × 5000 at tol 1e-4:
# working sets 0.77 s, homotopy 1.49 s; riboflavin 71 × 4088: 0.12 s against 0.02 s)
HOMOTOPY_LOOSE_TOL, HOMOTOPY_LOOSE_MAX_SAMPLES = 1e-5, 200


def choose_strategy(strategy, n, p, penalty, design, alphas, tol):
    """The strategy asked for, checked against the problem, or the one "auto" picks:
    "cd" when some feature is unpenalised, else "gram" when n ≥ 2p and p ≤ 5000, else
    "homotopy" for the lasso on dense float64 data with n < p and n ≤ 1000 (n ≤ 200 when
    ``tol ≥ 1e-5``), else "working_set"."""
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    unpenalised = penalty.penalty_factor is not None and np.any(penalty.penalty_factor == 0)
    if strategy == "auto":
        if unpenalised:
            return "cd"
        if n >= 2 * p and p <= GRAM_MAX_FEATURES:
            return "gram"
        rows = HOMOTOPY_MAX_SAMPLES if tol < HOMOTOPY_LOOSE_TOL else HOMOTOPY_LOOSE_MAX_SAMPLES
        wide = n < p and n <= rows and not design.is_sparse
        if wide and homotopy_applies(penalty, design, alphas):
            return "homotopy"
        return "working_set"
    if strategy != "cd" and unpenalised:
        raise ValueError(f"strategy={strategy!r} needs every feature penalised; use 'cd'.")
    if strategy == "homotopy" and not homotopy_applies(penalty, design, alphas):
        raise ValueError(
            "strategy='homotopy' needs a pure L1 penalty (l1_ratio=1), float64 data and "
            "a grid ending above alpha=0."
        )
    return strategy


def homotopy_applies(penalty, design, alphas):
    """The exact path: lasso only (the elastic net is not piecewise linear in α at a
    fixed ratio), in float64, down to a positive α."""
    return penalty.l1_ratio == 1 and design.X.dtype == np.float64 and alphas[-1] > 0
