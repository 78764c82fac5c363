"""Cross-validated α (and ``l1_ratio``): ``LassoCV``, ``ElasticNetCV``, the CV curve plot.

Every model minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``.
The recipe is glmnet's ``cv.glmnet``:

1. one decreasing α grid from the full data (α_max down to ``alpha_min_ratio · α_max``,
   log-spaced), shared by all folds so their curves can be averaged point by point;
2. in each fold, the whole path is fitted on the training rows with warm starts
   (:func:`shrinkage.path`) and every α is scored on the held-out rows; the folds are
   independent joblib jobs, so ``with joblib.parallel_backend("dask")`` (or ray) spreads
   them unchanged;
3. the CV curve is the mean fold error, its standard error ``std over folds / √K``
   (sample std, as glmnet's ``cvsd``);
4. ``selection="min"`` takes the α of least mean error, ``"1se"`` the largest α whose mean
   error is within one standard error of that minimum (glmnet's ``lambda.1se``: a sparser
   model that is statistically as good);
5. the chosen (α, ρ) is refitted on all the data, with its duality-gap certificate.

The logistic version is in :mod:`shrinkage.selection.logistic_cv`.
"""

from __future__ import annotations

import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.validation import validate_data

from .._validation import check_non_numeric, check_sample_weight
from ..estimators._base import PenalizedRegressor
from ..estimators.linear import ElasticNet, Lasso
from ..path import warn_unconverged
from ..penalties import Penalty
from ..solvers import solve
from ._common import (
    check_fit_options,
    check_grid_parameters,
    check_regression_target,
    one_standard_error_index,
    shared_alpha_grid,
)
from ._cv_engine import fold_errors

__all__ = ["CrossValidatedMixin", "ElasticNetCV", "LassoCV"]


def check_fold_weights(folds, sample_weight):
    """Every fold needs training rows and held-out rows of positive total weight: a
    fit cannot use weights that sum to 0, and a held-out error would be 0/0."""
    if sample_weight is None:
        return
    for k, (train, test) in enumerate(folds):
        for part, rows in (("training", train), ("held-out", test)):
            if not np.sum(sample_weight[rows]) > 0:
                raise ValueError(
                    f"cross-validation fold {k}: every {part} row has sample_weight 0 "
                    f"({rows.size} rows). Shuffle the rows (e.g. cv=KFold(5, shuffle=True)) "
                    "or drop the zero-weight rows before fitting."
                )


class CrossValidatedMixin:
    """Shared CV machinery; subclasses say the loss, the ρ grid and how to refit."""

    _loss = "squared"
    _l1_ratio_grid = False  # True: cv_* arrays are 2-D, one row per l1_ratio

    def _l1_ratios(self) -> np.ndarray:
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=np.float64))
        if ratios.ndim != 1 or ratios.size == 0:
            raise ValueError(f"l1_ratio must be a number or a 1-D list, got {self.l1_ratio!r}.")
        if not np.all((ratios >= 0) & (ratios <= 1)):
            raise ValueError(f"every l1_ratio must be in [0, 1], got {self.l1_ratio!r}.")
        return ratios

    def _check_cv_params(self):
        check_grid_parameters(self.alphas, self.n_alphas, self.alpha_min_ratio)
        if self.selection not in ("min", "1se"):
            raise ValueError(f"selection must be 'min' or '1se', got {self.selection!r}.")
        check_fit_options(self)

    def _scorer(self):
        if self.scoring is None:
            return None
        if isinstance(self.scoring, str):
            return get_scorer(self.scoring)
        if callable(self.scoring):
            return self.scoring
        raise TypeError(
            f"scoring must be None, a scikit-learn scorer name or a callable "
            f"scorer(estimator, X, y), got {type(self.scoring).__name__}."
        )

    def _run_cv(self, X, y, sample_weight, groups, classifier, template):
        """Fill the ``cv_*`` attributes and return the chosen ``(alpha, l1_ratio)``."""
        ratios = self._l1_ratios()
        splitter = check_cv(self.cv, y, classifier=classifier)
        folds = list(splitter.split(X, y, groups))
        check_fold_weights(folds, sample_weight)
        options = dict(
            fit_intercept=self.fit_intercept, standardize=self.standardize, tol=self.tol,
            max_iter=self.max_iter,
        )  # fmt: skip
        penalties = [Penalty(rho, self.penalty_factor, self.positive) for rho in ratios]
        grid_options = dict(
            loss=self._loss, alphas=self.alphas, n_alphas=self.n_alphas,
            alpha_min_ratio=self.alpha_min_ratio, sample_weight=sample_weight,
            fit_intercept=self.fit_intercept, standardize=self.standardize,
        )  # fmt: skip
        grids = [shared_alpha_grid(X, y, pen, **grid_options) for pen in penalties]
        job_options = dict(
            loss=self._loss, scorer=self._scorer(), template=template, path_options=options
        )
        # Default backend on purpose: a surrounding joblib.parallel_backend (dask, ray,
        # threading) decides where the (ρ, fold) jobs run.
        jobs = Parallel(n_jobs=self.n_jobs)(
            delayed(fold_errors)(X, y, sample_weight, train, test, pen, grid, **job_options)
            for pen, grid in zip(penalties, grids, strict=True)
            for train, test in folds
        )
        n_folds = len(folds)
        errors = np.array([e for e, _, _ in jobs]).reshape(len(ratios), n_folds, -1)
        n_active = np.array([a for _, a, _ in jobs]).reshape(len(ratios), n_folds, -1)
        gaps = np.array([g for _, _, g in jobs]).reshape(len(ratios), n_folds, -1)
        fold_alphas = np.repeat(np.array(grids)[:, None, :], n_folds, axis=1)
        warn_unconverged(
            f"{type(self).__name__} (fold paths)", fold_alphas.reshape(-1, gaps.shape[-1]),
            gaps.reshape(-1, gaps.shape[-1]), self.tol, stacklevel=4,
        )  # fmt: skip
        mean = errors.mean(axis=1)
        # glmnet's cvsd; a single split has no spread, so its 1-SE rule is the minimum
        std_error = errors.std(axis=1, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0 * mean

        best_ratio = int(np.argmin(np.nanmin(mean, axis=1)))
        index_min, index_1se = one_standard_error_index(mean[best_ratio], std_error[best_ratio])
        alphas = np.array(grids)
        self.alpha_min_ = float(alphas[best_ratio, index_min])
        self.alpha_1se_ = float(alphas[best_ratio, index_1se])
        self.alpha_ = self.alpha_min_ if self.selection == "min" else self.alpha_1se_
        self.l1_ratio_ = float(ratios[best_ratio])
        self.n_folds_ = n_folds

        squeeze = (lambda a: a) if self._l1_ratio_grid else (lambda a: a[0])
        self.cv_alphas_ = squeeze(alphas)
        self.cv_mean_ = squeeze(mean)
        self.cv_std_error_ = squeeze(std_error)
        self.cv_fold_errors_ = squeeze(errors)
        self.cv_n_active_ = squeeze(n_active.mean(axis=1))
        if self._l1_ratio_grid:
            self.l1_ratios_ = ratios
        return self.alpha_, self.l1_ratio_

    def _store_refit(self, result):
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__}: the refit at alpha={self.alpha_:.4g} did not "
                f"converge (relative duality gap {result.relative_gap:.3g} > "
                f"tol={self.tol:.3g}); increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate

    def plot_cv(self, ax=None):
        """Mean CV error ± one standard error against α, with ``alpha_min_`` and
        ``alpha_1se_`` marked (see :func:`shrinkage.plots.cv.plot_cv`); returns the ax."""
        from ..plots.cv import plot_cv  # lazy: matplotlib only when plotting

        return plot_cv(self, ax=ax)


class _RegressionCV(CrossValidatedMixin, PenalizedRegressor):
    """Squared-loss CV estimator: validation, CV, refit with :func:`shrinkage.solve`."""

    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose α (and ρ) by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Used in the fits and to weight the held-out errors.
        groups : array-like of shape (n_samples,), optional
            Group labels for group-aware splitters (``GroupKFold``).

        Returns
        -------
        self
        """
        self._check_cv_params()
        check_non_numeric(X)
        X, y = validate_data(
            self, X, y, accept_sparse="csc", dtype=[np.float64, np.float32], y_numeric=True,
        )  # fmt: skip
        y = check_regression_target(y, X.shape[0]).astype(X.dtype, copy=False)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        template = self._template(X.shape[1])
        alpha, rho = self._run_cv(X, y, sample_weight, groups, False, template)
        result = solve(
            X, y, alpha, Penalty(rho, self.penalty_factor, self.positive),
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            standardize=self.standardize, tol=self.tol, max_iter=self.max_iter,
        )  # fmt: skip
        self.coef_ = result.coef
        self.intercept_ = float(result.intercept) if self.fit_intercept else 0.0
        self._store_refit(result)
        return self

    def _template(self, n_features):
        model = ElasticNet(fit_intercept=self.fit_intercept)
        model.n_features_in_ = n_features
        return model


_CV_PARAMETERS = """
    alphas : array-like, optional
        The α grid (sorted decreasing). Default: ``n_alphas`` log-spaced values from
        α_max of the full data down to ``alpha_min_ratio · α_max``.
    n_alphas : int, default 100
    alpha_min_ratio : float, optional
        Default 1e-3 when n ≥ p, 1e-2 when n < p (as :func:`shrinkage.path`).
    cv : int, cross-validation splitter or iterable of (train, test), default 5
        An int gives ``KFold`` (``StratifiedKFold`` for classifiers), unshuffled.
    selection : {"min", "1se"}, default "min"
        "min": α of least mean CV error; "1se": the largest α whose mean CV error is within
        one standard error of that minimum (glmnet's ``lambda.1se``).
    scoring : str or callable, optional
        Default: the mean squared error. A scikit-learn scorer name or a callable
        ``scorer(estimator, X, y)``; its value is "greater is better", so the CV error is
        minus it.
    fit_intercept, standardize, penalty_factor, positive, tol, max_iter
        As in :class:`~shrinkage.Lasso`; used in every fold and in the final refit.
    n_jobs : int, optional
        Parallel (ρ, fold) jobs through :class:`joblib.Parallel` (its active backend).

    Attributes
    ----------
    alpha_, l1_ratio_ : float
        The chosen α (by ``selection``) and ρ.
    alpha_min_, alpha_1se_ : float
        The α of least mean CV error and the 1-SE α (both stored whatever ``selection``).
    cv_alphas_, cv_mean_, cv_std_error_, cv_n_active_ : ndarray"""

_CV_ATTRIBUTES = """
        The grid, mean CV error, its standard error (sample std over folds / √K) and the
        mean number of non-zero coefficients of the fold fits.
    cv_fold_errors_ : ndarray
        The error of every fold at every α.
    coef_, intercept_, n_iter_, dual_gap_, certificate_
        The refit on all the data at ``alpha_`` (certified, see :class:`~shrinkage.Lasso`).
"""


class LassoCV(_RegressionCV):
    __doc__ = (
        """Lasso with α chosen by K-fold cross-validation (min or one-standard-error rule).

    Minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j |w_j|``; see the module
    docstring for the CV recipe.

    Parameters
    ----------"""
        + _CV_PARAMETERS
        + """ of shape (n_alphas,)"""
        + _CV_ATTRIBUTES
        + """
    See Also
    --------
    ElasticNetCV, shrinkage.selection.LassoIC, shrinkage.path

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage.selection import LassoCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = LassoCV(cv=5, selection="1se").fit(X, y)
    >>> bool(model.alpha_1se_ >= model.alpha_min_), model.cv_mean_.shape
    (True, (100,))
    >>> int((model.coef_ != 0).sum()) <= int((LassoCV(cv=5).fit(X, y).coef_ != 0).sum())
    True
    """
    )

    l1_ratio = 1.0

    def __init__(
        self, *, alphas=None, n_alphas=100, alpha_min_ratio=None, cv=5, selection="min",
        scoring=None, fit_intercept=True, standardize=False, penalty_factor=None,
        positive=False, tol=1e-4, max_iter=1000, n_jobs=None,
    ):  # fmt: skip
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.selection = selection
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs

    def _template(self, n_features):
        model = Lasso(fit_intercept=self.fit_intercept)
        model.n_features_in_ = n_features
        return model


class ElasticNetCV(_RegressionCV):
    __doc__ = (
        """Elastic net with α and ``l1_ratio`` chosen by K-fold cross-validation.

    Minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``. Each ρ
    of the ``l1_ratio`` grid gets its own α grid (α_max depends on ρ); the pair of least
    mean CV error wins, and the 1-SE rule then moves along that ρ's α curve.

    Parameters
    ----------
    l1_ratio : float or list of float in [0, 1], default 0.5
        The ρ grid (glmnet's ``alpha``)."""
        + _CV_PARAMETERS
        + """ of shape (n_l1_ratios, n_alphas)"""
        + _CV_ATTRIBUTES
        + """    l1_ratios_ : ndarray of shape (n_l1_ratios,)

    See Also
    --------
    LassoCV

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage.selection import ElasticNetCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], n_alphas=30, cv=3).fit(X, y)
    >>> model.cv_mean_.shape, model.l1_ratio_ in (0.5, 0.9, 1.0)
    ((3, 30), True)
    """
    )

    _l1_ratio_grid = True

    def __init__(
        self, *, l1_ratio=0.5, alphas=None, n_alphas=100, alpha_min_ratio=None, cv=5,
        selection="min", scoring=None, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, tol=1e-4, max_iter=1000, n_jobs=None,
    ):  # fmt: skip
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.selection = selection
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
