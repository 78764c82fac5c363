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
from sklearn.utils._param_validation import Interval, StrOptions

from .._validation import check_alpha, check_fit_options
from ..estimators.base import PenalizedRegressor
from ..estimators.contract import ALPHA, FIT_OPTIONS, store_parameters
from ..estimators.linear import Ridge
from ..penalties import L1
from ..solvers import solve
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
    fit_intercept : bool, default True
        Fit an unpenalised intercept, in the initial fit and in the weighted lasso.
    standardize : bool, default False
        Standardise the columns in both fits' penalties (the initial ridge's and the
        weighted lasso's); ``coef_`` is on the original scale.
    tol : float, default 1e-4
        Target relative duality gap; the weighted lasso stops there.
    max_iter : int, default 1000
        At most this many coordinate-descent epochs for the weighted lasso.

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

    _parameter_constraints: dict = {
        "alpha": ALPHA,
        "gamma": [Interval(Real, 0, None, closed="left")],
        "initial": [StrOptions({"auto", "ols", "ridge"}), "array-like"],
        "initial_alpha": ALPHA,
        **FIT_OPTIONS,
    }

    def __init__(
        self, alpha=1.0, *, gamma=1.0, initial="auto", initial_alpha=0.01, fit_intercept=True,
        standardize=False, tol=1e-4, max_iter=1000,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _check_params(self):
        check_alpha(self.alpha)
        gamma = self.gamma
        if (
            isinstance(gamma, bool)
            or not isinstance(gamma, Real)
            or not (np.isfinite(gamma) and gamma >= 0)
        ):
            raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}.")
        check_fit_options(self, flags=("fit_intercept", "standardize"))
        if isinstance(self.initial, str) and self.initial not in ("auto", "ols", "ridge"):
            raise ValueError(
                f"initial must be 'auto', 'ols', 'ridge' or coefficients, got {self.initial!r}."
            )
        check_alpha(self.initial_alpha, "initial_alpha")

    def _initial_coef(self, X, y, sample_weight):
        n, p = X.shape
        initial = self.initial
        if isinstance(initial, str):
            if initial == "auto":
                initial = "ols" if n > p + int(self.fit_intercept) else "ridge"
            if initial == "ols":
                return least_squares_on_support(
                    X, y, np.arange(p), sample_weight, self.fit_intercept
                )[0]
            ridge = Ridge(
                alpha=self.initial_alpha, fit_intercept=self.fit_intercept,
                standardize=self.standardize,
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

    def _fit(self, X, y, sample_weight):
        """The initial estimate ŵ, then the lasso re-weighted by ``1/|ŵ_j|^γ``."""
        initial = self._initial_coef(X, y, sample_weight)
        with np.errstate(divide="ignore", over="ignore"):
            factors = 1.0 / np.abs(initial) ** self.gamma
        factors[initial == 0] = np.inf  # also for gamma = 0: a zero start is an exclusion
        kept = np.flatnonzero(np.isfinite(factors))
        self.initial_coef_ = initial
        self.penalty_factor_ = factors
        if kept.size == 0:  # every feature excluded: the intercept-only model
            self.coef_ = np.zeros(X.shape[1], dtype=X.dtype)
            self.intercept_ = least_squares_on_support(
                X, y, kept, sample_weight, self.fit_intercept
            )[1]
            self.n_iter_, self.dual_gap_, self.certificate_ = 0, 0.0, None
            return self
        result = solve(
            X[:, kept], y, self.alpha, L1(penalty_factor=factors[kept]),
            **self._fit_options(sample_weight),
        )  # fmt: skip
        self._store_solution(result)
        self.coef_ = np.zeros(X.shape[1], dtype=X.dtype)
        self.coef_[kept] = result.coef
        return self
