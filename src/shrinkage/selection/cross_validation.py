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
from joblib import delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils.validation import validate_data

from .._validation import check_non_numeric, check_sample_weight
from ..certificates import describe_gap
from ..defaults import (
    CV_FOLDS,
    EDGE_DECADES,
    EDGE_EXTENSIONS,
    N_ALPHAS,
    RANDOM_STATE,
    SELECTION,
    TOL,
    cv_splitter,
)
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
from ._cv_engine import fold_errors, run_jobs

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


def _edge(index_min, n_alphas, mean_active):
    """Which end of the grid the CV minimum sits at, if one that more grid could move:
    the small-α end, or the large-α end while the model there is not empty (ridge; at
    a lasso's α_max every coefficient is zero, and larger α change nothing)."""
    if index_min == n_alphas - 1 and n_alphas > 1:
        return "low"
    if index_min == 0 and mean_active[0] > 0:
        return "high"
    return None


def _extended(grid, edge):
    """``grid`` with ``EDGE_DECADES`` more decades on the ``edge`` side, log-spaced at
    the grid's own density."""
    decades = np.log10(grid[0] / grid[-1]) if grid.size > 1 else 1.0
    per_decade = (grid.size - 1) / decades if decades > 0 else 10.0
    extra = max(1, int(round(per_decade * EDGE_DECADES)))
    if edge == "low":
        more = np.geomspace(grid[-1], grid[-1] * 10.0**-EDGE_DECADES, extra + 1)[1:]
        return np.concatenate([grid, more])
    more = np.geomspace(grid[0] * 10.0**EDGE_DECADES, grid[0], extra + 1)[:-1]
    return np.concatenate([more, grid])


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

    def _folds(self, X, y, sample_weight, groups, classifier):
        """The (train, test) splits: an int ``cv`` gives shuffled folds drawn with
        ``random_state`` (:func:`shrinkage.defaults.cv_splitter`)."""
        splitter = check_cv(
            cv_splitter(self.cv, classifier, self.random_state), y, classifier=classifier
        )
        folds = list(splitter.split(X, y, groups))
        check_fold_weights(folds, sample_weight)
        return folds

    def _run_cv(self, X, y, sample_weight, groups, classifier, template, check_folds=None):
        """Fill the ``cv_*`` attributes and return the chosen ``(alpha, l1_ratio)``.

        Without a user grid, a curve whose minimum is at the small end of the grid (or
        at the large end while the model there is not empty, as for ridge) is computed
        again on a grid extended by ``EDGE_DECADES`` decades on that side, at most
        ``EDGE_EXTENSIONS`` times (:mod:`shrinkage.defaults`)."""
        ratios = self._l1_ratios()
        folds = self._folds(X, y, sample_weight, groups, classifier)
        if check_folds is not None:  # the caller's own checks (both classes, logistic)
            check_folds(folds)
        penalties = [Penalty(rho, self.penalty_factor, self.positive) for rho in ratios]
        grid_options = dict(
            loss=self._loss, alphas=self.alphas, n_alphas=self.n_alphas,
            alpha_min_ratio=self.alpha_min_ratio, sample_weight=sample_weight,
            fit_intercept=self.fit_intercept, standardize=self.standardize,
        )  # fmt: skip
        grids = np.array([shared_alpha_grid(X, y, pen, **grid_options) for pen in penalties])
        self.alpha_grid_extended_ = 0
        while True:
            errors, n_active = self._fold_curves(
                X, y, sample_weight, folds, penalties, grids, template
            )
            mean = errors.mean(axis=1)
            n_folds = len(folds)
            # glmnet's cvsd; a single split has no spread: its 1-SE rule is the minimum
            std_error = (
                errors.std(axis=1, ddof=1) / np.sqrt(n_folds) if n_folds > 1 else 0.0 * mean
            )
            best_ratio = int(np.argmin(np.nanmin(mean, axis=1)))
            index_min, index_1se = one_standard_error_index(
                mean[best_ratio], std_error[best_ratio]
            )
            edge = _edge(index_min, grids.shape[1], n_active[best_ratio].mean(axis=0))
            if edge is None or self.alphas is not None:
                break
            if self.alpha_grid_extended_ == EDGE_EXTENSIONS:
                warnings.warn(
                    f"{type(self).__name__}: the least CV error is still at the {edge} end "
                    f"of the alpha grid after extending it {EDGE_EXTENSIONS} times by "
                    f"{EDGE_DECADES} decades (alpha={grids[best_ratio, index_min]:.4g}); "
                    "the CV curve had not turned. Pass alphas= to look further.",
                    UserWarning,
                    stacklevel=3,
                )
                break
            grids = np.array([_extended(grid, edge) for grid in grids])
            self.alpha_grid_extended_ += 1
        self.alpha_at_edge_ = edge
        self.alpha_min_ = float(grids[best_ratio, index_min])
        self.alpha_1se_ = float(grids[best_ratio, index_1se])
        self.alpha_ = self.alpha_min_ if self.selection == "min" else self.alpha_1se_
        self.l1_ratio_ = float(ratios[best_ratio])
        self.n_folds_ = n_folds

        squeeze = (lambda a: a) if self._l1_ratio_grid else (lambda a: a[0])
        self.cv_alphas_ = squeeze(grids)
        self.cv_mean_ = squeeze(mean)
        self.cv_std_error_ = squeeze(std_error)
        self.cv_fold_errors_ = squeeze(errors)
        self.cv_n_active_ = squeeze(n_active.mean(axis=1))
        if self._l1_ratio_grid:
            self.l1_ratios_ = ratios
        return self.alpha_, self.l1_ratio_

    def _fold_curves(self, X, y, sample_weight, folds, penalties, grids, template):
        """``(errors, n_active)``, each (n_ratios, n_folds, n_alphas): one warm-started
        path per (ρ, fold) job, and one convergence warning for all of them."""
        options = dict(
            fit_intercept=self.fit_intercept, standardize=self.standardize, tol=self.tol,
            max_iter=self.max_iter,
        )  # fmt: skip
        job_options = dict(
            loss=self._loss, scorer=self._scorer(), template=template, path_options=options
        )
        # Threads, when the jobs are long enough to pay for them, unless a surrounding
        # joblib.parallel_backend (loky, dask, ray) says otherwise (run_jobs)
        jobs = run_jobs(
            [
                delayed(fold_errors)(X, y, sample_weight, train, test, pen, grid, **job_options)
                for pen, grid in zip(penalties, grids, strict=True)
                for train, test in folds
            ],
            self.n_jobs,
        )
        shape = (len(penalties), len(folds), -1)
        errors = np.array([e for e, _, _ in jobs]).reshape(shape)
        n_active = np.array([a for _, a, _ in jobs]).reshape(shape)
        gaps = np.array([g for _, _, g in jobs]).reshape(-1, grids.shape[1])
        fold_alphas = np.repeat(grids, len(folds), axis=0)
        warn_unconverged(
            f"{type(self).__name__} (fold paths)", fold_alphas, gaps, self.tol, stacklevel=5
        )
        return errors, n_active

    def _store_refit(self, result):
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__}: the refit at alpha={self.alpha_:.4g} did not "
                f"converge ({describe_gap(result.relative_gap, result.tol)}); increase "
                "max_iter or tol.",
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
        An int gives shuffled ``KFold`` (``StratifiedKFold`` for classifiers) drawn with
        ``random_state``, as every surface of the package (:mod:`shrinkage.defaults`).
    selection : {"min", "1se"}, default "1se"
        "1se": the largest α whose mean CV error is within one standard error of the
        minimum (glmnet's ``lambda.1se``); "min": the α of least mean CV error
        (scikit-learn's choice).
    random_state : int, RandomState or None, default 0
        Seed of the folds an int ``cv`` draws.
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
    alpha_grid_extended_ : int
        How many times the grid was extended because the least CV error sat at one of
        its ends (see :mod:`shrinkage.defaults`); 0 with a user grid.
    alpha_at_edge_ : {None, "low", "high"}
        The end of the final grid where the least CV error still sits, if any (a
        ``UserWarning`` then says so).
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
        self, *, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None, cv=CV_FOLDS,
        selection=SELECTION, random_state=RANDOM_STATE, scoring=None, fit_intercept=True,
        standardize=False, penalty_factor=None, positive=False, tol=TOL, max_iter=1000,
        n_jobs=None,
    ):  # fmt: skip
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.selection = selection
        self.random_state = random_state
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
        self, *, l1_ratio=0.5, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None,
        cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
        fit_intercept=True, standardize=False, penalty_factor=None, positive=False, tol=TOL,
        max_iter=1000, n_jobs=None,
    ):  # fmt: skip
        self.l1_ratio = l1_ratio
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.alpha_min_ratio = alpha_min_ratio
        self.cv = cv
        self.selection = selection
        self.random_state = random_state
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
