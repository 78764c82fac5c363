"""``solve``: one call from (X, y, α, penalty) to a certified solution.

It validates, builds the effective design (:mod:`shrinkage.design`), turns α and the
penalty into per-feature weights (standardisation folded into them, see
:mod:`shrinkage.penalties`), runs the chosen solver and puts the intercept back.
"""

from __future__ import annotations

import numpy as np

from .._uniform import penalty_weights
from .._validation import (
    check_alpha,
    check_matrix,
    check_sample_weight,
    check_target,
    check_varying_columns,
)
from ..design import make_design
from ..penalties import L1, Penalty
from .coordinate_descent import coordinate_descent
from .proximal_gradient import proximal_gradient
from .ridge import ridge_closed_form
from .states import ResidualState
from .subgradient import subgradient_descent
from .working_set import working_set_cd

__all__ = ["prepare_problem", "solve", "SOLVERS"]

SOLVERS = {
    "cd": coordinate_descent,
    "fista": proximal_gradient,
    "ista": lambda *a, **k: proximal_gradient(*a, accelerated=False, **k),
    "closed_form": None,  # ridge only, dispatched below
    "subgradient": subgradient_descent,
    "working_set": None,  # dispatched below: needs a state built on the design
}


def validate_xy(X, y):
    """Numeric, finite, non-empty X (dense or sparse) and a matching target."""
    X = check_matrix(X)
    return X, check_target(y, X.shape[0])


def prepare_problem(
    X, y, fit_intercept=True, sample_weight=None, standardize=False, feature_names=None
):
    """Validate and build ``(X, design, scale)``: the checked X, its effective
    :class:`~shrinkage.design.Design`, and the column scales σ_j (None unless
    ``standardize``). Shared by :func:`solve` and :func:`shrinkage.path`."""
    X, y = validate_xy(X, y)
    weights = check_sample_weight(sample_weight, X.shape[0])
    design = make_design(X, y, weights, fit_intercept, dtype=X.dtype)
    scale = None
    if standardize:
        scale = design.column_std()
        check_varying_columns(scale, feature_names)
    return X, design, scale


def solve(
    X,
    y,
    alpha,
    penalty: Penalty | None = None,
    *,
    solver="auto",
    fit_intercept=True,
    sample_weight=None,
    standardize=False,
    tol=1e-4,
    max_iter=None,
    coef_init=None,
    feature_names=None,
    **solver_options,
):
    """Minimise ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α · penalty(w)`` and certify it.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alpha : float
        Regularisation strength α ≥ 0.
    penalty : Penalty, default ``L1()``
        :func:`~shrinkage.penalties.L1`, :func:`~shrinkage.penalties.L2` or
        :func:`~shrinkage.penalties.ElasticNet`, with penalty factors and positivity.
    solver : {"auto", "working_set", "cd", "fista", "ista", "closed_form", "subgradient"}
        "auto" is the closed form for pure ridge without positivity, "cd" when some
        feature is unpenalised, else "working_set" (coordinate descent on growing
        working sets with Anderson acceleration, see
        :func:`~shrinkage.solvers.working_set.working_set_cd`).
    fit_intercept : bool
        Fit an unpenalised intercept b.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights, normalised to sum to n.
    standardize : bool
        Penalise ``σ_j w_j`` instead of ``w_j`` (glmnet's ``standardize=TRUE``); the
        coefficients are returned on the original scale.
    tol : float
        Target relative duality gap: ``gap ≤ tol · P(0)``.
    max_iter : int, optional
        Epochs or iterations (solver default when None).
    coef_init : array-like, optional
        Warm start (original scale).

    Returns
    -------
    SolverResult

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.solvers import solve
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1.0, 0.1, 1.1, 2.0])
    >>> res = solve(X, y, alpha=0.1)
    >>> res.coef.round(3), res.certificate.relative_gap <= 1e-4
    (array([0.75, 0.  ]), True)
    """
    penalty = L1() if penalty is None else penalty
    alpha = check_alpha(alpha)
    X, design, scale = prepare_problem(
        X, y, fit_intercept, sample_weight, standardize, feature_names
    )
    p = X.shape[1]
    a, b = penalty_weights(penalty, alpha, p, scale)  # uniform: one number each
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).ravel()
        if coef_init.shape != (p,):
            raise ValueError(f"coef_init has shape {coef_init.shape}, expected ({p},).")

    if solver == "auto":
        if np.all(a == 0) and not penalty.positive:
            solver = "closed_form"
        elif np.any((a == 0) & (b == 0)):
            solver = "cd"  # unpenalised features: working sets need every feature penalised
        else:
            solver = "working_set"
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {['auto', *SOLVERS]}, got {solver!r}.")
    if solver == "closed_form":
        if np.any(a > 0):
            raise ValueError("solver='closed_form' solves ridge only (l1_ratio=0).")
        result = ridge_closed_form(design, b, penalty.positive, tol=tol)
    elif solver == "working_set":
        state = ResidualState(design)
        options = dict(tol=tol, coef_init=coef_init, **solver_options)
        if max_iter is not None:
            options["max_epochs"] = max_iter
        result = working_set_cd(state, a, b, penalty.positive, **options)
    else:
        options = dict(tol=tol, coef_init=coef_init, **solver_options)
        if max_iter is not None:
            options["max_iter"] = max_iter
        result = SOLVERS[solver](design, a, b, penalty.positive, **options)
    coef = np.asarray(result.coef, dtype=X.dtype)
    intercept = design.intercept(coef.astype(np.float64)) if fit_intercept else 0.0
    return type(result)(
        coef,
        intercept,
        result.certificate,
        result.n_iter,
        result.converged,
        result.tol,
        result.solver,
        result.history,
    )
