"""``solve``: one call from (X, y, α, penalty) to a certified solution.

It validates, builds the effective design (:mod:`shrinkage.design`), turns α and the
penalty into per-feature weights (standardisation folded into them, see
:mod:`shrinkage.penalties`), runs the chosen solver and puts the intercept back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._uniform import penalty_weights
from .._validation import (
    check_alpha,
    check_finite_weights,
    check_flag,
    check_matrix,
    check_max_iter,
    check_representable,
    check_sample_weight,
    check_target,
    check_tol,
    check_varying_columns,
    working_dtype,
)
from ..certificates import certified, certify
from ..design import Design, make_design
from ..magnitudes import Magnitudes, column_max_abs
from ..penalties import L1, Penalty
from .coordinate_descent import coordinate_descent
from .proximal_gradient import proximal_gradient
from .ridge import ridge_closed_form
from .states import ResidualState
from .subgradient import subgradient_descent
from .working_set import working_set_cd

__all__ = ["Problem", "prepare_problem", "solve", "SOLVERS"]

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


@dataclass(frozen=True)
class Problem:
    """A validated squared-loss problem as the solvers see it.

    Attributes
    ----------
    X : ndarray or scipy.sparse.csc_matrix
        The checked input (the caller's array or a canonical copy; never written).
    design : Design
        The effective design, on the rescaled data when ``magnitudes`` is not the
        identity (:mod:`shrinkage.magnitudes`).
    scale : ndarray or None
        The column scale of the penalty on that design (σ̃_j), None for 1.
    magnitudes : Magnitudes
        How the design's data relate to the caller's.
    y, sample_weight : ndarray, ndarray or None
        The checked target and weights.
    fit_intercept, standardize : bool
    """

    X: np.ndarray | sp.csc_matrix
    design: Design
    scale: np.ndarray | None
    magnitudes: Magnitudes
    y: np.ndarray
    sample_weight: np.ndarray | None
    fit_intercept: bool
    standardize: bool

    def exact(self) -> tuple[Design, np.ndarray | None]:
        """The same problem built in float64 — ``(design, scale)`` — for certifying
        coefficients found in float32: its design rounds the row weights, the centring
        and σ_j into float32, so its gap is that of a nearby problem. Copies X once."""
        # float32 X makes it a float32 problem: y rounded to float32 too, as the
        # estimators (and scikit-learn's) give y the dtype of X
        y = np.asarray(self.y).astype(self.X.dtype)
        data, target = self.magnitudes.rescale(self.X, y)  # exact: powers of two
        design = make_design(data, target, self.sample_weight, self.fit_intercept, np.float64)
        scale = design.column_std() if self.standardize else None
        return design, self.magnitudes.penalty_scale(scale)


def prepare_problem(
    X, y, fit_intercept=True, sample_weight=None, standardize=False, feature_names=None,
    rescale=True,
) -> Problem:  # fmt: skip
    """Validate and build the :class:`Problem`: the checked X, its effective
    :class:`~shrinkage.design.Design` (data out of range rescaled exactly by powers of
    two unless ``rescale=False``) and the penalty's column scales σ_j (with
    ``standardize``). Shared by :func:`solve` and :func:`shrinkage.path`."""
    X, y = validate_xy(X, y)
    weights = check_sample_weight(sample_weight, X.shape[0])
    magnitudes = Magnitudes.of(X, y) if rescale else Magnitudes()
    data, target = magnitudes.rescale(X, y)
    design = make_design(data, target, weights, fit_intercept, dtype=X.dtype)
    scale = None
    if standardize:
        scale = design.column_std()
        magnitude = column_max_abs(data)  # of the columns as given (after rescaling)
        check_varying_columns(scale, feature_names, magnitude, X.dtype)
    return Problem(
        X, design, magnitudes.penalty_scale(scale), magnitudes, y, weights, fit_intercept,
        standardize,
    )  # fmt: skip


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
        :func:`~shrinkage.penalties.ElasticNetPenalty`, with penalty factors and positivity.
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
    tol = check_tol(tol, working_dtype(X))
    max_iter = None if max_iter is None else check_max_iter(max_iter)
    fit_intercept = check_flag(fit_intercept, "fit_intercept")
    standardize = check_flag(standardize, "standardize")
    if penalty.boxed:
        return _solve_boxed(X, y, alpha, penalty, solver, fit_intercept, sample_weight,
                            standardize, tol, max_iter, coef_init, solver_options)  # fmt: skip
    problem = prepare_problem(X, y, fit_intercept, sample_weight, standardize, feature_names)
    X, design, magnitudes = problem.X, problem.design, problem.magnitudes
    p = X.shape[1]
    with np.errstate(over="ignore"):  # an overflow is reported just below
        a, b = penalty_weights(penalty, alpha, p, problem.scale)  # uniform: one number each
    a = magnitudes.l1_weights(a)
    check_finite_weights(a, b)
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).ravel()
        if coef_init.shape != (p,):
            raise ValueError(f"coef_init has shape {coef_init.shape}, expected ({p},).")
        if not np.all(np.isfinite(coef_init)):
            raise ValueError("coef_init contains NaN or infinity.")
        coef_init = magnitudes.to_internal(coef_init)

    if solver == "auto":
        if np.all(a == 0) and not penalty.positive:
            solver = "closed_form"
        elif np.any((a.astype(X.dtype) == 0) & (b.astype(X.dtype) == 0)):
            # unpenalised features (or weights that underflow the data's dtype): working
            # sets need every feature penalised
            solver = "cd"
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
    certificate = result.certificate
    if X.dtype != np.float64:  # certify what is returned (the rounded coefficients)
        exact, exact_scale = problem.exact()  # for the problem asked, in float64
        a64, b64 = penalty_weights(penalty, alpha, p, exact_scale)
        certificate = certify(exact, coef, magnitudes.l1_weights(a64), b64, penalty.positive)
    converged = certified(certificate.relative_gap, tol)
    intercept = design.intercept(coef.astype(np.float64)) if fit_intercept else 0.0
    coef = magnitudes.to_original(coef)
    intercept = intercept * magnitudes.target_scale
    check_representable(coef, intercept, X.dtype)
    return type(result)(
        coef,
        intercept,
        magnitudes.certificate_to_original(certificate),
        result.n_iter,
        converged,
        result.tol,
        result.solver,
        result.history,
    )


def _solve_boxed(X, y, alpha, penalty, solver, fit_intercept, sample_weight, standardize,
                 tol, max_iter, coef_init, solver_options):  # fmt: skip
    """:func:`solve` with box constraints: :func:`~shrinkage.solvers.box.solve_box_prepared`
    on the squared loss (``max_iter``: epochs, 10,000 by default)."""
    from ..losses import SquaredLoss
    from .box import solve_box_prepared
    from .logistic_data import prepare_glm

    if solver not in ("auto", "box_cd") or solver_options:
        raise ValueError("lower / upper bounds are solved by coordinate descent on the box "
                         f"(solver='auto' or 'box_cd'), got solver={solver!r}"
                         + (f" with options {sorted(solver_options)}" if solver_options else "")
                         + ".")  # fmt: skip
    data = prepare_glm(SquaredLoss(), X, y, sample_weight, standardize, fit_intercept)
    p = data.X.shape[1]
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).ravel()
        if coef_init.shape != (p,) or not np.all(np.isfinite(coef_init)):
            raise ValueError(f"coef_init must be {p} finite numbers, got shape "
                             f"{coef_init.shape}.")  # fmt: skip
    return solve_box_prepared(data, alpha, penalty, tol=tol,
                              max_iter=10_000 if max_iter is None else max_iter,
                              coef_init=coef_init)  # fmt: skip
