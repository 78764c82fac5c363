"""Cross-validated α (and ``l1_ratio``) for squared loss: ``LassoCV``, ``ElasticNetCV``.

Both minimise ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)`` and
follow glmnet's ``cv.glmnet`` recipe (:mod:`shrinkage.selection.cv_curve`); the logistic
version is in :mod:`shrinkage.selection.logistic_cv`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context

from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.base import PenalizedRegressor
from ..estimators.contract import L1_RATIO, regression_data, store_parameters
from ..estimators.distributed import fit_distributed_cv, is_distributed
from ..estimators.linear import ElasticNet, Lasso
from ..solvers import solve
from .cv_curve import BOXED_CV_PARAMETERS, CrossValidatedMixin

__all__ = ["CrossValidatedMixin", "ElasticNetCV", "LassoCV"]


class _RegressionCV(CrossValidatedMixin, PenalizedRegressor):
    """Squared-loss CV estimator: the CV curve, then the refit with :func:`shrinkage.solve`."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None, groups=None):
        """Choose α (and ρ) by K-fold cross-validation of the held-out squared error,
        then refit on all the data at the chosen values.

        Parameters
        ----------
        X : array-like, sparse matrix, or Dask, Spark or partitioned data
            Of shape (n_samples, n_features). Distributed data is cross-validated by
            :meth:`shrinkage.distributed.api.DistributedProblem.cv`: one pass over the
            data for every ρ, the folds and the refit (p small enough for statistics);
            ``cv`` must then be an int or None (folds by a seeded hash of the rows,
            ``random_state`` the seed), without ``groups`` or ``scoring``.
        y : array-like of shape (n_samples,), or str
            With a DataFrame, the name of the target column.
        sample_weight : array-like of shape (n_samples,), or str, optional
            Used in the fits and to weight the held-out errors.
        groups : array-like of shape (n_samples,), optional
            Group labels for group-aware splitters (``GroupKFold``).

        Returns
        -------
        self
        """
        if is_distributed(X):
            return fit_distributed_cv(self, X, y, sample_weight, groups)
        X, y, sample_weight = regression_data(self, X, y, sample_weight)
        template = self._template(X.shape[1])
        alpha, penalty = self._run_cv(X, y, sample_weight, groups, False, template)
        self._store_refit(solve(X, y, alpha, penalty, **self._fit_options(sample_weight)))
        return self

    def _store_error_aliases(self, errors):
        """scikit-learn's ``mse_path_``: (n_alphas, n_folds), with one more leading axis
        for several ρ."""
        paths = np.swapaxes(errors, 1, 2)
        self.mse_path_ = paths[0] if paths.shape[0] == 1 else paths


class LassoCV(_RegressionCV):
    """Lasso with α chosen by K-fold cross-validation (min or one-standard-error rule).

    Minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j |w_j|``: the CV curve of
    :mod:`shrinkage.selection.cv_curve` chooses α, and the lasso at that α is refitted
    on all the data.

    Parameters
    ----------
    alphas : array-like, optional
        The α grid (sorted decreasing). Default: ``n_alphas`` log-spaced values from
        α_max of the full data down to ``alpha_min_ratio · α_max``.
    n_alphas : int, default 100
        Size of the default grid.
    alpha_min_ratio : float in (0, 1], optional
        Default 1e-3 when n ≥ p, 1e-2 when n < p (as :func:`shrinkage.path`).
    cv : int, cross-validation splitter or iterable of (train, test), default 5
        An int gives shuffled ``KFold`` drawn with ``random_state``, as every surface of
        the package (:mod:`shrinkage.defaults`).
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
    fit_intercept : bool, default True
        Fit an unpenalised intercept, in every fold and in the refit.
    standardize : bool, default False
        Penalise standardised columns (see :class:`~shrinkage.Lasso`); ``coef_`` is on
        the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature factors ``f_j ≥ 0`` of the L1 penalty; 0 leaves a feature unpenalised.
    positive : bool, default False
        Constrain the coefficients to be ``>= 0``.
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. The grid, every fold path and the refit are solved on the box.
    tol : float, default 1e-4
        Relative duality gap of every fold path and of the refit.
    max_iter : int, default 20_000
        Epochs per α at most (the unit of :func:`shrinkage.path`).
    n_jobs : int, optional
        Parallel fold jobs through :class:`joblib.Parallel` (its active backend).

    Attributes
    ----------
    alpha_ : float
        The chosen α (by ``selection``).
    l1_ratio_ : float
        1.0, the lasso's ρ.
    alpha_min_, alpha_1se_ : float
        The α of least mean CV error and the 1-SE α (both stored whatever ``selection``).
    alpha_grid_extended_ : int
        How many times the grid was extended because the least CV error sat at one of
        its ends (see :mod:`shrinkage.defaults`); 0 with a user grid.
    alpha_at_edge_ : {None, "low", "high"}
        The end of the final grid where the least CV error still sits, if any (a
        ``UserWarning`` then says so).
    n_folds_ : int
        Number of folds.
    cv_alphas_ : ndarray of shape (n_alphas,)
        The α grid of the CV curve.
    cv_mean_, cv_std_error_ : ndarray of shape (n_alphas,)
        Mean CV error and its standard error (sample std over folds / √K).
    cv_n_active_ : ndarray of shape (n_alphas,)
        Mean number of non-zero coefficients of the fold fits.
    cv_fold_errors_ : ndarray of shape (n_folds, n_alphas)
        The error of every fold at every α.
    alphas_ : ndarray of shape (n_alphas,)
        ``cv_alphas_`` under scikit-learn's name.
    mse_path_ : ndarray of shape (n_alphas, n_folds)
        ``cv_fold_errors_.T``, scikit-learn's name and layout (minus the score when
        ``scoring`` is given).
    coef_ : ndarray of shape (n_features,)
        The refit on all the data at ``alpha_``.
    sparse_coef_, intercept_, n_iter_, dual_gap_, certificate_
        Of the refit (certified, see :class:`~shrinkage.Lasso`).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when X was a DataFrame with string column names.

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
    >>> model.alphas_.shape, model.mse_path_.shape
    ((100,), (100, 5))
    >>> int((model.coef_ != 0).sum()) <= int((LassoCV(cv=5).fit(X, y).coef_ != 0).sum())
    True
    """

    _model = Lasso


class ElasticNetCV(_RegressionCV):
    """Elastic net with α and ``l1_ratio`` chosen by K-fold cross-validation.

    Minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``. Each ρ
    of the ``l1_ratio`` grid gets its own α grid (α_max depends on ρ); the pair of least
    mean CV error wins, and the 1-SE rule then moves along that ρ's α curve.

    Parameters
    ----------
    l1_ratio : float or list of float in [0, 1], default 0.5
        The ρ grid (glmnet's ``alpha``).
    alphas : array-like, optional
        One decreasing α grid for every ρ. Default: for each ρ, ``n_alphas`` values
        log-spaced from that ρ's α_max down to ``alpha_min_ratio · α_max``.
    n_alphas : int, default 100
        Points of each default grid.
    alpha_min_ratio : float in (0, 1], optional
        The grids' depth; default as :func:`shrinkage.path` (1e-3 for n ≥ p, else 1e-2).
    cv : int, cross-validation splitter or iterable of (train, test), default 5
        The folds, the same for every ρ; an int K gives K shuffled ``KFold`` folds drawn
        with ``random_state`` (:mod:`shrinkage.defaults`).
    selection : {"min", "1se"}, default "1se"
        On the winning ρ's curve: "1se" takes the largest α within one standard error of
        the least mean CV error (glmnet's ``lambda.1se``), "min" the least error itself.
    random_state : int, RandomState or None, default 0
        Seed of the shuffled folds of an int ``cv``.
    scoring : str or callable, optional
        None: mean squared error of the held-out rows. Otherwise a scorer name or a
        callable ``scorer(estimator, X, y)``, greater is better: the CV error is minus it.
    fit_intercept : bool, default True
        Fit an unpenalised intercept (folds and refit alike).
    standardize : bool, default False
        Penalise the coefficients of standardised columns; ``coef_`` comes back on the
        original scale (see :class:`~shrinkage.ElasticNet`).
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j ≥ 0`` on both parts of the penalty; 0 leaves feature j unpenalised.
    positive : bool, default False
        Non-negative coefficients only.
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. The grid, every fold path and the refit are solved on the box.
    tol : float, default 1e-4
        Target relative duality gap, for the fold paths and the refit.
    max_iter : int, default 20_000
        Epochs per α at most (the unit of :func:`shrinkage.path`).
    n_jobs : int, optional
        Parallel (ρ, fold) jobs through :class:`joblib.Parallel` (its active backend).

    Attributes
    ----------
    alpha_, l1_ratio_ : float
        The chosen α (by ``selection``) and ρ.
    alpha_min_, alpha_1se_ : float
        On the chosen ρ's curve: the α of least mean CV error, and the 1-SE α.
    alpha_grid_extended_ : int
        Extensions of the grids because the least CV error sat at an end (at most
        ``EDGE_EXTENSIONS`` of :mod:`shrinkage.defaults`; 0 with a user grid).
    alpha_at_edge_ : {None, "low", "high"}
        Where the least CV error still sits at an end of the final grid (and a
        ``UserWarning`` says so), else None.
    n_folds_ : int
        Number of folds K.
    l1_ratios_ : ndarray of shape (n_l1_ratios,)
        The ρ grid.
    cv_alphas_ : ndarray of shape (n_l1_ratios, n_alphas)
        One α grid per ρ.
    cv_mean_, cv_std_error_ : ndarray of shape (n_l1_ratios, n_alphas)
        The mean held-out error and its standard error (std over folds / √K).
    cv_n_active_ : ndarray of shape (n_l1_ratios, n_alphas)
        How many coefficients the fold fits keep, on average.
    cv_fold_errors_ : ndarray of shape (n_l1_ratios, n_folds, n_alphas)
        Held-out error of each fold.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratios, n_alphas)
        scikit-learn's name for ``cv_alphas_``, one row per ρ (a single ρ squeezed).
    mse_path_ : ndarray of shape (n_alphas, n_folds) or (n_l1_ratios, n_alphas, n_folds)
        ``cv_fold_errors_`` in scikit-learn's layout (a single ρ squeezed); minus the
        score with ``scoring``.
    coef_ : ndarray of shape (n_features,)
        Coefficients of the refit at (``alpha_``, ``l1_ratio_``) on all the data.
    sparse_coef_, intercept_, n_iter_, dual_gap_, certificate_
        Of that certified refit (see :class:`~shrinkage.ElasticNet`).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        The column names of a DataFrame X with string names.

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
    >>> model.alphas_.shape, model.mse_path_.shape
    ((3, 30), (3, 30, 3))
    """

    _model = ElasticNet
    _l1_ratio_grid = True
    _parameter_constraints: dict = {
        **BOXED_CV_PARAMETERS, "l1_ratio": [*L1_RATIO, "array-like"],
    }  # fmt: skip

    def __init__(
        self, *, l1_ratio=0.5, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None,
        cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
        fit_intercept=True, standardize=False, penalty_factor=None, positive=False,
        lower=None, upper=None, tol=TOL, max_iter=20_000, n_jobs=None,
    ):  # fmt: skip
        store_parameters(self, locals())
