"""``RelaxedLasso``: the lasso's support, refitted without shrinkage and mixed back.

The lasso does two jobs with one α: it selects features and it shrinks the survivors
towards zero. A large α that gives a clean support over-shrinks; a small α that keeps the
coefficients honest lets noise in. The relaxed lasso (Meinshausen 2007, *Comput. Stat.
Data Anal.* 52(1); glmnet's ``relax=TRUE``, Hastie, Tibshirani & Tibshirani 2020,
*Statist. Sci.* 35(4)) separates them::

    w_relaxed = γ · w_lasso + (1 − γ) · w_OLS-on-support

where ``w_OLS-on-support`` is the (weighted) least-squares fit on the features the lasso
kept, with the same intercept handling; the intercept is mixed the same way. γ = 1 is
the lasso, γ = 0 the unpenalised refit on the support.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.optimize import nnls
from sklearn.utils._param_validation import Interval

from .._validation import check_alpha, check_fit_options
from ..design import make_design
from ..estimators.base import PenalizedRegressor
from ..estimators.contract import ALPHA, FIT_OPTIONS, PENALTY_OPTIONS, store_parameters
from ..solvers import solve

__all__ = ["RelaxedLasso", "least_squares_on_support"]


def least_squares_on_support(X, y, support, sample_weight=None, fit_intercept=True,
                             positive=False):  # fmt: skip
    """(Weighted) least squares on the columns ``support``: ``(coef, intercept)``.

    ``coef`` has one entry per column of X, zero off the support. Minimum-norm solution
    when the support's columns are collinear (``lstsq``); non-negative least squares with
    ``positive``.

    Examples
    --------
    >>> X = np.array([[1.0, 5.0], [2.0, 1.0], [3.0, 0.0]])
    >>> coef, intercept = least_squares_on_support(X, 2 * X[:, 0] + 1, np.array([0]))
    >>> coef.round(6), round(intercept, 6)
    (array([2., 0.]), 1.0)
    """
    n, p = X.shape
    support = np.asarray(support, dtype=np.int64)
    coef = np.zeros(p)
    design = make_design(X[:, support], y, sample_weight, fit_intercept, dtype=np.float64)
    if support.size:
        columns = design.X.toarray() if design.is_sparse else np.asarray(design.X)
        if design.is_sparse:  # sparse designs keep the centring implicit
            columns = columns - np.outer(design.u, design.x_offset)
        # equilibrate by powers of two (exact): lstsq's rank cutoff is relative to the
        # largest singular value, so one column of 1e150 would zero all the others
        largest = np.max(np.abs(columns), axis=0)
        exponents = np.where(largest > 0, np.frexp(largest)[1], 0)
        columns = np.ldexp(columns, -exponents)
        if positive:
            solution = nnls(columns, design.y)[0]
        else:
            solution = np.linalg.lstsq(columns, design.y, rcond=None)[0]
        coef[support] = np.ldexp(solution, -exponents)
    intercept = design.intercept(coef[support]) if fit_intercept else 0.0
    return coef, float(intercept)


class RelaxedLasso(PenalizedRegressor):
    """Relaxed lasso: ``γ · w_lasso + (1 − γ) · w_OLS`` on the lasso's support.

    The lasso part minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j |w_j|``; its
    support is then refitted by (weighted) least squares and the two fits are mixed, see
    the module docstring. Select α with the lasso's own tools (e.g.
    ``LassoCV(...).alpha_``), then choose γ.

    Parameters
    ----------
    alpha : float, default 1.0
        Lasso strength α ≥ 0.
    gamma : float in [0, 1], default 0.5
        Weight of the lasso fit; 1 - γ goes to the unpenalised refit on the support.
    fit_intercept : bool, default True
        Fit an intercept in the lasso and in the refit, mixed with the same γ.
    standardize : bool, default False
        The lasso penalises standardised columns (the support it selects then differs);
        the refit does not depend on the scale.
    penalty_factor : array-like of shape (n_features,), optional
        The lasso's L1 factors ``f_j ≥ 0``; 0 leaves a feature unpenalised.
    positive : bool, default False
        Non-negative coefficients in the lasso and in the refit (non-negative least
        squares).
    tol : float, default 1e-4
        Relative duality gap of the lasso fit.
    max_iter : int, default 1000
        Maximum epochs of the lasso fit.

    Attributes
    ----------
    coef_, intercept_ : ndarray of shape (n_features,), float
        The relaxed fit.
    lasso_coef_, lasso_intercept_ : ndarray, float
        The lasso fit (γ = 1).
    refit_coef_, refit_intercept_ : ndarray, float
        Least squares on the support (γ = 0).
    support_ : ndarray of bool, shape (n_features,)
        The features the lasso kept.
    n_iter_, dual_gap_, certificate_
        Of the lasso fit.

    See Also
    --------
    shrinkage.Lasso, AdaptiveLasso

    Examples
    --------
    On the prostate data (fitted on ESL's 67 training rows), the refit (γ = 0) keeps the
    lasso's three features but undoes its shrinkage, and on the 30 test rows its R² beats
    the lasso's (γ = 1):

    >>> import numpy as np
    >>> from shrinkage.datasets import load_prostate
    >>> from shrinkage.selection import RelaxedLasso
    >>> X, y, names, train = load_prostate()
    >>> model = RelaxedLasso(alpha=0.25, gamma=0.0, standardize=True).fit(X[train], y[train])
    >>> [names[j] for j in np.flatnonzero(model.support_)]
    ['lcavol', 'lweight', 'svi']
    >>> model.lasso_coef_[model.support_].round(2), model.coef_[model.support_].round(2)
    (array([0.44, 0.33, 0.16]), array([0.52, 0.74, 0.54]))
    >>> lasso = RelaxedLasso(alpha=0.25, gamma=1.0, standardize=True).fit(X[train], y[train])
    >>> round(model.score(X[~train], y[~train]), 2), round(lasso.score(X[~train], y[~train]), 2)
    (0.62, 0.52)
    """

    _parameter_constraints: dict = {
        "alpha": ALPHA,
        "gamma": [Interval(Real, 0, 1, closed="both")],
        **FIT_OPTIONS,
        **PENALTY_OPTIONS,
    }

    def __init__(
        self, alpha=1.0, *, gamma=0.5, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, tol=1e-4, max_iter=1000,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _check_params(self):
        check_alpha(self.alpha)
        gamma = self.gamma
        if isinstance(gamma, bool) or not isinstance(gamma, Real) or not 0 <= gamma <= 1:
            raise ValueError(f"gamma must be a number in [0, 1], got {gamma!r}.")
        check_fit_options(self)
        self._penalty()

    def _fit(self, X, y, sample_weight):
        """The lasso, least squares on its support, and their mix (the class docstring)."""
        lasso = solve(X, y, self.alpha, self._penalty(), **self._fit_options(sample_weight))
        self._store_solution(lasso)
        self.support_ = lasso.coef != 0
        refit_coef, refit_intercept = least_squares_on_support(
            X, y, np.flatnonzero(self.support_), sample_weight, self.fit_intercept,
            self.positive,
        )  # fmt: skip
        self.lasso_coef_, self.lasso_intercept_ = self.coef_, self.intercept_
        self.refit_coef_ = refit_coef.astype(X.dtype)
        self.refit_intercept_ = refit_intercept
        gamma = self.gamma
        self.coef_ = (gamma * lasso.coef + (1 - gamma) * refit_coef).astype(X.dtype)
        self.intercept_ = float(gamma * self.lasso_intercept_ + (1 - gamma) * refit_intercept)
        return self
