"""``AdaptiveLasso``: the lasso with penalty factors ``1/|w_init|^γ`` from a first fit.

Zou (2006, *JASA* 101(476)) showed that the lasso is not consistent for the support when
the irrelevant features are too correlated with the relevant ones (the "irrepresentable
condition" fails), but that re-weighting the L1 penalty by ``f_j = 1/|ŵ_j|^γ`` with ŵ a
√n-consistent initial estimate (OLS when n > p, ridge otherwise) gives the oracle
property: large initial coefficients are barely penalised, small ones heavily, so the
false positives drop out while the true features keep nearly unbiased estimates. A
feature with ``ŵ_j = 0`` gets an infinite factor: it is excluded (coefficient exactly 0).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils.validation import validate_data

from .._validation import check_alpha, check_non_numeric, check_sample_weight
from ..estimators._base import PenalizedRegressor
from ..estimators.linear import Ridge
from ..penalties import L1
from ..solvers import solve
from ._common import check_fit_options, check_regression_target
from .relaxed import least_squares_on_support

__all__ = ["AdaptiveLasso"]


class AdaptiveLasso(PenalizedRegressor):
    """Adaptive lasso: ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ_j |w_j| / |ŵ_j|^γ``.

    ŵ is an initial fit (OLS, ridge or given coefficients); see the module docstring.
    Features with ``ŵ_j = 0`` are excluded (infinite penalty factor). The factors are not
    rescaled, so α is on the scale of ``|ŵ|^γ`` (Zou 2006's definition).

    Parameters
    ----------
    alpha : float, default 1.0
        Strength α ≥ 0 of the re-weighted L1 penalty.
    gamma : float, default 1.0
        Exponent γ ≥ 0 of the penalty factors; 0 is the plain lasso.
    initial : {"auto", "ols", "ridge"} or array-like of shape (n_features,), default "auto"
        The initial estimate ŵ: "ols" (least squares, minimum-norm when p ≥ n), "ridge"
        (:class:`~shrinkage.Ridge` with ``initial_alpha``), "auto" (OLS when
        n > p + fit_intercept, ridge otherwise), or given coefficients.
    initial_alpha : float, default 0.01
        α of the initial ridge fit (ridge's ``1/(2n)`` scaling).
    fit_intercept, standardize, tol, max_iter
        As in :class:`~shrinkage.Lasso` (``standardize`` applies to both fits).

    Attributes
    ----------
    coef_, intercept_ : ndarray of shape (n_features,), float
    initial_coef_ : ndarray of shape (n_features,)
        ŵ.
    penalty_factor_ : ndarray of shape (n_features,)
        ``1/|ŵ_j|^γ``; ``inf`` for excluded features.
    n_iter_, dual_gap_, certificate_
        Of the weighted lasso on the features not excluded.

    See Also
    --------
    RelaxedLasso, shrinkage.Lasso

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.selection import AdaptiveLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 6))
    >>> y = 2 * X[:, 0] - X[:, 1] + 0.5 * rng.standard_normal(200)
    >>> model = AdaptiveLasso(alpha=0.05).fit(X, y)
    >>> np.flatnonzero(model.coef_), model.coef_[:2].round(1)
    (array([0, 1]), array([ 2. , -0.9]))
    """

    def __init__(
        self, alpha=1.0, *, gamma=1.0, initial="auto", initial_alpha=0.01, fit_intercept=True,
        standardize=False, tol=1e-4, max_iter=1000,
    ):  # fmt: skip
        self.alpha = alpha
        self.gamma = gamma
        self.initial = initial
        self.initial_alpha = initial_alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter

    def _initial_coef(self, X, y, sample_weight):
        n, p = X.shape
        initial = self.initial
        if isinstance(initial, str):
            if initial not in ("auto", "ols", "ridge"):
                raise ValueError(
                    f"initial must be 'auto', 'ols', 'ridge' or coefficients, got {initial!r}."
                )
            if initial == "auto":
                initial = "ols" if n > p + int(self.fit_intercept) else "ridge"
            if initial == "ols":
                return least_squares_on_support(
                    X, y, np.arange(p), sample_weight, self.fit_intercept
                )[0]
            ridge = Ridge(
                alpha=check_alpha(self.initial_alpha, "initial_alpha"),
                fit_intercept=self.fit_intercept, standardize=self.standardize,
            )  # fmt: skip
            return ridge.fit(X, y, sample_weight=sample_weight).coef_.astype(np.float64)
        coef = np.asarray(initial)
        if coef.dtype.kind not in "biuf":
            raise TypeError(f"initial coefficients must be numeric, got dtype {coef.dtype}.")
        coef = coef.astype(np.float64).ravel()
        if coef.shape != (p,):
            raise ValueError(f"initial has {coef.size} coefficients, X has {p} features.")
        if not np.all(np.isfinite(coef)):
            raise ValueError("initial coefficients contain NaN or infinity.")
        return coef

    def fit(self, X, y, sample_weight=None):
        """Fit the initial estimate, then the re-weighted lasso.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        alpha = check_alpha(self.alpha)
        gamma = self.gamma
        if (
            isinstance(gamma, bool)
            or not isinstance(gamma, Real)
            or not (np.isfinite(gamma) and gamma >= 0)
        ):
            raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}.")
        check_fit_options(self, flags=("fit_intercept", "standardize"))
        check_non_numeric(X)
        X, y = validate_data(
            self, X, y, accept_sparse="csc", dtype=[np.float64, np.float32], y_numeric=True,
        )  # fmt: skip
        y = check_regression_target(y, X.shape[0]).astype(X.dtype, copy=False)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        initial = self._initial_coef(X, y, sample_weight)
        with np.errstate(divide="ignore", over="ignore"):
            factors = 1.0 / np.abs(initial) ** gamma
        factors[initial == 0] = np.inf  # also for gamma = 0: a zero start is an exclusion
        kept = np.flatnonzero(np.isfinite(factors))
        self.initial_coef_ = initial
        self.penalty_factor_ = factors
        self.coef_ = np.zeros(X.shape[1], dtype=X.dtype)
        if kept.size == 0:  # every feature excluded: the intercept-only model
            self.intercept_ = least_squares_on_support(
                X, y, kept, sample_weight, self.fit_intercept
            )[1]
            self.n_iter_, self.dual_gap_, self.certificate_ = 0, 0.0, None
            return self
        result = solve(
            X[:, kept], y, alpha, L1(penalty_factor=factors[kept]),
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            standardize=self.standardize, tol=self.tol, max_iter=self.max_iter,
        )  # fmt: skip
        self.coef_[kept] = result.coef
        self.intercept_ = float(result.intercept) if self.fit_intercept else 0.0
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate
        return self
