"""Penalised Poisson regression (log link) by proximal Newton with working sets, certified.

Minimises ``1/n Σ s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i] + α · penalty(w)`` with
``z = Xw + b + o``: half the mean Poisson deviance (:class:`~shrinkage.losses.PoissonLoss`),
o an offset such as the log of an exposure. It is glmnet's ``family = "poisson"``
objective with λ = α, and scikit-learn's ``PoissonRegressor`` with the same ``alpha`` for
the ridge penalty (``l1_ratio = 0``).

The solver is the loop of :mod:`shrinkage.solvers.logistic` (working sets, inexact
proximal-Newton steps, a line search on the true objective) on this loss, and each
result carries the duality gap of :mod:`shrinkage.certificates.poisson`.
"""

from __future__ import annotations

from .._validation import check_alpha, offset_of
from ..losses import PoissonLoss
from ..penalties import L1, Penalty
from ._result import SolverResult
from .logistic import prepared_alpha_max, solve_prepared
from .logistic_data import prepare_glm

__all__ = ["poisson_alpha_max", "prepare_poisson", "solve_poisson"]

LOSS = PoissonLoss()


def prepare_poisson(X, y, sample_weight=None, standardize=False, fit_intercept=True,
                    offset=None, exposure=None):  # fmt: skip
    """:func:`~shrinkage.solvers.logistic_data.prepare_glm` for the Poisson loss, with
    the offset given directly or as an exposure (``offset = log(exposure)``)."""
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    offset = offset_of(n, offset, exposure)
    return prepare_glm(LOSS, X, y, sample_weight, standardize, fit_intercept, offset)


def solve_poisson(
    X, y, alpha, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False, tol=1e-4, max_iter=100, coef_init=None, intercept_init=None,
    offset=None, exposure=None,
) -> SolverResult:  # fmt: skip
    """Minimise half the mean Poisson deviance plus ``α · penalty(w)`` and certify it.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Sparse input is used as CSC, never densified; float32 stays float32.
    y : array-like of shape (n_samples,)
        Counts ``y ≥ 0`` (non-integer rates are fitted, as in glmnet, with a
        :class:`~shrinkage.losses.NonIntegerCountWarning`).
    alpha : float
        Regularisation strength α ≥ 0 (glmnet's λ).
    penalty : Penalty, default ``L1()``
        L1, L2 or ElasticNet, with penalty factors and positivity.
    fit_intercept : bool
        Fit an unpenalised intercept b.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights, normalised to sum to n.
    standardize : bool
        Penalise ``σ_j w_j`` (glmnet's ``standardize=TRUE``); coefficients are returned on
        the original scale.
    tol : float
        Target relative duality gap ``gap ≤ tol · P(0)``, P(0) the null model's half
        mean deviance.
    max_iter : int
        Maximum number of proximal-Newton steps.
    coef_init, intercept_init : optional
        Warm start (original scale).
    offset : array-like of shape (n_samples,), optional
        The fixed part o of the log-mean (glmnet's ``offset``).
    exposure : array-like of shape (n_samples,), optional
        Positive exposures (time at risk, population): ``offset = log(exposure)``, so the
        model is for the rate ``y/exposure``. Give ``offset`` or ``exposure``.

    Returns
    -------
    SolverResult
        ``solver="prox_newton"``, ``n_iter`` the Newton steps taken.

    Examples
    --------
    Counts that grow with the first feature; the second is noise:

    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 9.0, 2.0])
    >>> res = solve_poisson(X, y, alpha=0.05)
    >>> res.coef.round(3), round(res.intercept, 3), res.relative_gap <= 1e-4
    (array([0.731, 0.   ]), -0.022, True)

    Observed over twice the exposure, the same counts are half the rate: only the
    intercept moves, by ``−log 2``.

    >>> res = solve_poisson(X, y, alpha=0.05, exposure=np.full(5, 2.0))
    >>> res.coef.round(3), round(res.intercept, 3)
    (array([0.731, 0.   ]), -0.716)
    """
    penalty = L1() if penalty is None else penalty
    alpha = check_alpha(alpha)
    data = prepare_poisson(X, y, sample_weight, standardize, fit_intercept, offset, exposure)
    result, _ = solve_prepared(
        data, alpha, penalty, tol=tol, max_iter=max_iter, coef_init=coef_init,
        intercept_init=intercept_init,
    )  # fmt: skip
    return result


def poisson_alpha_max(
    X, y, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False, offset=None, exposure=None,
) -> float:  # fmt: skip
    """Smallest α at which every penalised coefficient is exactly zero.

    ``max_j |X_jᵀ(s ∘ (y − μ₀))| / (n ρ f_j σ_j)``, μ₀ the fit of the unpenalised part
    (the mean count times the exposure with only an intercept).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [1.0, 1.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 9.0, 2.0])
    >>> alpha_max = poisson_alpha_max(X, y)
    >>> round(alpha_max, 4), bool(np.all(solve_poisson(X, y, alpha_max).coef == 0))
    (2.76, True)
    """
    penalty = L1() if penalty is None else penalty
    data = prepare_poisson(X, y, sample_weight, standardize, fit_intercept, offset, exposure)
    return prepared_alpha_max(data, penalty)
