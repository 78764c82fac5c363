"""``LassoIC``: α chosen by AIC, BIC or extended BIC along the lasso path.

For a Gaussian model with noise variance σ² the criteria (up to the same constant as
scikit-learn's ``LassoLarsIC``) are::

    IC(α) = n log(2π σ²) + RSS(α) / σ² + k · df(α)

with ``k = 2`` (AIC), ``k = log n`` (BIC), and the extended BIC of Chen & Chen (2008,
*Biometrika* 95(3)) adding ``2γ log C(p, df)`` to the BIC, the log of the number of models
of that size, which keeps BIC from over-selecting when p ≫ n. The degrees of freedom of
the lasso are the number of non-zero coefficients, an unbiased estimate (Zou, Hastie &
Tibshirani 2007, *Ann. Statist.* 35(5)). σ² is the OLS residual variance
``RSS_OLS / (n − p − 1)`` when n > p + 1 (as ``LassoLarsIC``), a given value, or, with
``noise_variance="profile"``, the maximum-likelihood ``RSS(α)/n`` at each α (the form
Chen & Chen use, and the one that works for p ≥ n).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.special import gammaln
from sklearn.utils._param_validation import Interval, StrOptions

from .._validation import check_fit_options, check_grid_parameters
from ..design import make_design
from ..estimators.base import PenalizedRegressor
from ..estimators.contract import FIT_OPTIONS, GRID_OPTIONS, PENALTY_OPTIONS, store_parameters
from ..path import path
from ..solvers import solve
from ._common import shared_alpha_grid

__all__ = ["LassoIC", "information_criterion"]


def information_criterion(rss, n_active, n_samples, n_features, noise_variance, *,
                          criterion="bic", gamma=0.5):  # fmt: skip
    """AIC / BIC / EBIC of fits with residual sums of squares ``rss`` and ``n_active``
    non-zero coefficients. ``noise_variance`` is a float, or None for ``RSS/n`` per fit.

    Examples
    --------
    >>> information_criterion(np.array([10.0]), np.array([2]), 100, 5, 0.1, criterion="aic")
    array([57.52919734])
    """
    rss = np.asarray(rss, dtype=float)
    df = np.asarray(n_active, dtype=float)
    sigma2 = rss / n_samples if noise_variance is None else float(noise_variance)
    fit = n_samples * np.log(2 * np.pi * sigma2) + rss / sigma2
    if criterion == "aic":
        return fit + 2.0 * df
    bic = fit + np.log(n_samples) * df
    if criterion == "bic":
        return bic
    # log C(p, df) through log-gamma: exact for every df, no overflow for large p
    log_models = gammaln(n_features + 1) - gammaln(df + 1) - gammaln(n_features - df + 1)
    return bic + 2.0 * gamma * log_models


class LassoIC(PenalizedRegressor):
    """Lasso with α chosen by an information criterion (AIC, BIC, extended BIC).

    Fits the warm-started lasso path of ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j|w_j|``
    and keeps the α of least criterion; see the module docstring for the formulas. A
    cheap alternative to cross-validation (one path instead of K + 1) when the Gaussian
    model is reasonable; BIC and EBIC are consistent for the support, AIC targets
    prediction.

    Parameters
    ----------
    criterion : {"aic", "bic", "ebic"}, default "bic"
        AIC (``k = 2``), BIC (``k = log n``) or the extended BIC of Chen & Chen.
    gamma : float in [0, 1], default 0.5
        EBIC's γ (Chen & Chen 2008); 0 gives BIC. γ > 1 − 1/(2κ) for p ≈ n^κ is consistent.
    noise_variance : float or "profile", optional
        σ². Default: OLS residual variance (needs n > p + fit_intercept); "profile": the
        maximum-likelihood ``RSS(α)/n`` at each α (for p ≥ n).
    alphas : array-like, optional
        The α grid; default ``n_alphas`` log-spaced values from α_max.
    n_alphas : int, default 100
        Length of the default grid.
    alpha_min_ratio : float in (0, 1], optional
        End of the default grid relative to α_max, as in :func:`shrinkage.path`.
    fit_intercept : bool, default True
        Fit an unpenalised intercept along the path.
    standardize : bool, default False
        Penalise standardised columns; coefficients are reported on the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        L1 factors ``f_j ≥ 0``; a feature with 0 is never penalised.
    positive : bool, default False
        Keep the coefficients ``>= 0``.
    tol : float, default 1e-4
        Relative duality gap of each point of the path and of the final fit.
    max_iter : int, default 20_000
        Epoch cap per α.

    Attributes
    ----------
    alpha_ : float
        The α of least criterion.
    alphas_, criterion_ : ndarray of shape (n_alphas,)
        The grid and the criterion along it.
    n_active_ : ndarray of int, shape (n_alphas,)
        Degrees of freedom (non-zero coefficients) along the grid.
    rss_ : ndarray of shape (n_alphas,)
        Residual sums of squares (weighted, Σ s_i r_i² with Σ s_i = n).
    noise_variance_ : float or None
        The σ² used (None with "profile").
    coef_, intercept_, dual_gap_, certificate_
        The certified fit at ``alpha_``.
    n_iter_ : int
        Epochs spent on the whole path plus the final re-solve at ``alpha_``.

    See Also
    --------
    shrinkage.selection.LassoCV
    sklearn.linear_model.LassoLarsIC : same criteria on the LARS knots.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage.selection import LassoIC
    >>> X, y = load_diabetes(return_X_y=True)
    >>> bic = LassoIC(criterion="bic").fit(X, y)
    >>> aic = LassoIC(criterion="aic").fit(X, y)
    >>> bool(bic.alpha_ >= aic.alpha_), int((bic.coef_ != 0).sum())
    (True, 7)
    """

    _parameter_constraints: dict = {
        "criterion": [StrOptions({"aic", "bic", "ebic"})],
        "gamma": [Interval(Real, 0, 1, closed="both")],
        "noise_variance": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"profile"}),
            None,
        ],
        **GRID_OPTIONS,
        **FIT_OPTIONS,
        **PENALTY_OPTIONS,
    }

    def __init__(
        self, *, criterion="bic", gamma=0.5, noise_variance=None, alphas=None, n_alphas=100,
        alpha_min_ratio=None, fit_intercept=True, standardize=False, penalty_factor=None,
        positive=False, tol=1e-4, max_iter=20_000,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _check_params(self):
        if self.criterion not in ("aic", "bic", "ebic"):
            raise ValueError(f"criterion must be 'aic', 'bic' or 'ebic', got {self.criterion!r}.")
        if (
            isinstance(self.gamma, bool)
            or not isinstance(self.gamma, Real)
            or not (0 <= self.gamma <= 1)
        ):
            raise ValueError(f"gamma must be a number in [0, 1], got {self.gamma!r}.")
        nv = self.noise_variance
        if nv is not None and nv != "profile":
            if (
                isinstance(nv, bool)
                or not isinstance(nv, Real)
                or not (np.isfinite(nv) and nv > 0)
            ):
                raise ValueError(
                    f"noise_variance must be None, 'profile' or a number > 0, got {nv!r}."
                )
        check_grid_parameters(self.alphas, self.n_alphas, self.alpha_min_ratio)
        check_fit_options(self)
        self._penalty()

    def _fit(self, X, y, sample_weight):
        """The lasso path, the criterion along it, and the certified fit at its least value."""
        n, p = X.shape
        penalty = self._penalty()
        options = dict(fit_intercept=self.fit_intercept, sample_weight=sample_weight,
                       standardize=self.standardize)  # fmt: skip
        alphas = shared_alpha_grid(X, y, penalty, alphas=self.alphas, n_alphas=self.n_alphas,
                                   alpha_min_ratio=self.alpha_min_ratio, **options)  # fmt: skip
        result = path(X, y, penalty, alphas=alphas, tol=self.tol, max_iter=self.max_iter,
                      **options)  # fmt: skip
        residuals = y[:, None] - (np.asarray(X @ result.coefs.T) + result.intercepts)
        weights = (
            np.ones(n) if sample_weight is None else sample_weight * (n / sample_weight.sum())
        )
        self.rss_ = weights @ residuals**2
        self.noise_variance_ = self._noise_variance(X, y, sample_weight)
        self.alphas_ = result.alphas
        self.n_active_ = result.n_active
        self.criterion_ = information_criterion(
            self.rss_, self.n_active_, n, p, self.noise_variance_, criterion=self.criterion,
            gamma=self.gamma,
        )  # fmt: skip
        best = int(np.argmin(self.criterion_))
        self.alpha_ = float(self.alphas_[best])
        # Re-solve at the chosen α from the path's solution: one short certified solve.
        final = solve(X, y, self.alpha_, penalty, coef_init=result.coefs[best],
                      **self._fit_options(sample_weight))  # fmt: skip
        self._store_solution(final)
        self.n_iter_ = int(result.n_iter.sum()) + final.n_iter  # epochs of path + re-solve
        return self

    def _noise_variance(self, X, y, sample_weight):
        if self.noise_variance == "profile":
            return None
        if self.noise_variance is not None:
            return float(self.noise_variance)
        n, p = X.shape
        dof = n - p - int(self.fit_intercept)
        if dof <= 0:
            raise ValueError(
                f"LassoIC estimates the noise variance by OLS, which needs n_samples > "
                f"n_features + fit_intercept; got n_samples={n}, n_features={p}. Give "
                "noise_variance=<value> or noise_variance='profile' (σ² = RSS/n per α)."
            )
        design = make_design(X, y, sample_weight, self.fit_intercept, dtype=np.float64)
        Xd = design.X.toarray() if design.is_sparse else np.asarray(design.X)
        if design.is_sparse:
            Xd = Xd - np.outer(design.u, design.x_offset)
        coef, *_ = np.linalg.lstsq(Xd, design.y, rcond=None)
        residual = design.y - Xd @ coef
        return float(residual @ residual / dof)
