"""``SparseLogisticRegressionCV``: penalised logistic regression with α chosen by CV.

The recipe of :mod:`shrinkage.selection.cross_validation` (one α grid from the full data,
warm-started paths per fold through joblib, min or one-standard-error rule, refit) with
the binomial deviance ``2 × mean log-loss`` on the held-out rows as the default error
(glmnet's ``type.measure="deviance"``) and stratified folds. With ``groups`` the fold
paths are group-lasso paths (:func:`shrinkage.path` with ``groups``) and the refit is
:func:`~shrinkage.solvers.group_glm.solve_group_glm`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context

from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.contract import (
    GROUP_OPTIONS,
    L1_RATIO,
    check_group_options,
    classification_data,
    store_parameters,
)
from ..estimators.distributed import fit_distributed_cv, is_distributed
from ..estimators.logistic import SparseLogisticRegression
from ..path import path
from ..solvers.logistic import solve_logistic
from ._common import deviance
from .cv_curve import BOXED_CV_PARAMETERS, CrossValidatedMixin
from .cv_jobs import scorer_errors
from .folds import check_fold_classes

__all__ = ["SparseLogisticRegressionCV", "group_fold_errors"]


def group_fold_errors(
    X, y, sample_weight, train, test, penalty, alphas, *, loss, scorer, template,
    path_options,
):  # fmt: skip
    """:func:`~shrinkage.selection.cv_jobs.fold_errors` of a logistic group lasso: the
    training rows' path by :func:`shrinkage.path` with the ``groups`` of
    ``path_options`` (the ungrouped logistic fold path takes no groups), then the
    held-out deviance, or minus the scorer, at each α.

    Returns
    -------
    errors, n_active, relative_gaps : ndarray of shape (n_alphas,)
        As :func:`~shrinkage.selection.cv_jobs.fold_errors`.
    """
    train_weight = None if sample_weight is None else sample_weight[train]
    test_weight = None if sample_weight is None else sample_weight[test]
    fit = path(
        X[train], y[train], penalty, loss=loss, alphas=alphas, sample_weight=train_weight,
        warn=False, **path_options,
    )  # fmt: skip
    X_test, y_test = X[test], y[test]
    if scorer is None:
        errors = deviance(y_test, X_test @ fit.coefs.T + fit.intercepts, test_weight)
    else:
        errors = scorer_errors(scorer, template, alphas, fit.coefs, fit.intercepts, X_test,
                               y_test, test_weight)  # fmt: skip
    n_active = np.count_nonzero(fit.coefs, axis=1)
    return np.asarray(errors, dtype=np.float64), n_active, fit.relative_gaps


class SparseLogisticRegressionCV(CrossValidatedMixin, SparseLogisticRegression):
    """Sparse logistic regression with α (and ``l1_ratio``) chosen by stratified K-fold CV.

    Minimises ``1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i] + α Σ_j f_j (ρ|w_j| + ½(1−ρ) w_j²)``
    with ``z = Xw + b`` and ``y_i ∈ {0, 1}`` (1 is ``classes_[1]``). The default CV error
    is the binomial deviance (2 × mean log-loss) of the held-out rows; an int ``cv`` gives
    ``StratifiedKFold``.

    Parameters
    ----------
    l1_ratio : float or list of float in [0, 1], default 1.0
        The ρ grid: 1 is the lasso penalty, 0 ridge.
    alphas : array-like, optional
        The α grid, decreasing, for every ρ. By default each ρ gets ``n_alphas`` values
        log-spaced from its own α_max (the least α giving w = 0) down to
        ``alpha_min_ratio · α_max``.
    n_alphas : int, default 100
        Length of each default grid.
    alpha_min_ratio : float in (0, 1], optional
        Where the default grids stop, relative to α_max (as :func:`shrinkage.path`).
    cv : int, cross-validation splitter or iterable of (train, test), default 5
        An int K gives ``StratifiedKFold(K, shuffle=True)`` seeded by ``random_state``
        (:mod:`shrinkage.defaults`); every training part needs both classes.
    selection : {"min", "1se"}, default "1se"
        The α of least mean deviance ("min"), or the largest α within one standard
        error of it ("1se", glmnet's ``lambda.1se``: fewer features, as good).
    random_state : int, RandomState or None, default 0
        Seed of the stratified folds of an int ``cv``.
    scoring : str or callable, optional
        Default: the deviance. Else a scorer name (``"roc_auc"``, ``"accuracy"``, ...) or
        a callable ``scorer(estimator, X, y)`` seeing 0/1 labels; the CV error is minus
        its value.
    fit_intercept : bool, default True
        Fit an unpenalised intercept (the log-odds at x = 0).
    standardize : bool, default False
        Penalise the coefficients of standardised columns (glmnet's
        ``standardize=TRUE``); ``coef_`` stays on the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j ≥ 0`` of the penalty; 0 keeps feature j unpenalised.
    positive : bool, default False
        Only non-negative coefficients.
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. The grid, every fold path and the refit are solved on the box.
    groups : array-like of shape (n_features,) or list of index lists, optional
        Groups of features penalised by ``ω_g‖w_g‖₂`` (group lasso / group elastic net,
        Yuan & Lin 2006): a group enters or leaves the model whole; sparse X as its dense copy.
        The grid, every fold path and the refit are group-lasso fits. Not with
        ``penalty_factor``, ``positive`` or ``lower`` / ``upper``.
    group_weights : array-like of shape (n_groups,), optional
        ω_g > 0 in the order of the sorted labels (or of the lists); default ``√p_g``.
    tol : float, default 1e-4
        Relative duality gap every fold path and the refit are certified to.
    max_iter : int, default 100
        Proximal-Newton steps per α.
    n_jobs : int, optional
        (ρ, fold) jobs run in parallel by :class:`joblib.Parallel`.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The labels; ``classes_[1]`` is the positive class.
    alpha_, l1_ratio_ : float
        The chosen penalty strength and L1 share.
    alpha_min_, alpha_1se_ : float
        The α of least mean CV error, and the 1-SE α, on the chosen ρ's curve.
    alpha_grid_extended_ : int
        Times the grids grew because the least error was at one end (0 with ``alphas``).
    alpha_at_edge_ : {None, "low", "high"}
        The end where the least error still sits after the extensions (with a
        ``UserWarning``), or None.
    n_folds_ : int
        How many folds.
    l1_ratios_ : ndarray of shape (n_l1_ratios,)
        The ρ grid searched.
    cv_alphas_ : ndarray of shape (n_l1_ratios, n_alphas)
        The α grid of each ρ.
    cv_mean_, cv_std_error_ : ndarray of shape (n_l1_ratios, n_alphas)
        Mean held-out deviance (or minus the score) and its standard error.
    cv_n_active_ : ndarray of shape (n_l1_ratios, n_alphas)
        Non-zero coefficients of the fold fits, averaged over the folds.
    cv_fold_errors_ : ndarray of shape (n_l1_ratios, n_folds, n_alphas)
        Every fold's held-out error.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratios, n_alphas)
        ``cv_alphas_`` as scikit-learn's ``ElasticNetCV`` names and shapes it (one ρ:
        a single row); ``LogisticRegressionCV``'s ``Cs_`` (its grid of ``C = 1/(nα)``).
    scores_ : ndarray of shape (n_folds, n_l1_ratios, n_alphas)
        ``-cv_fold_errors_`` in the layout of ``LogisticRegressionCV.scores_`` (its
        default from scikit-learn 1.10): greater is better.
    coef_ : ndarray of shape (1, n_features)
        The refit on all the data at (``alpha_``, ``l1_ratio_``).
    sparse_coef_, intercept_, n_iter_, dual_gap_, certificate_
        Of the certified refit (see
        :class:`~shrinkage.estimators.logistic.SparseLogisticRegression`).
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Names of the columns of a DataFrame X (string names only).

    See Also
    --------
    shrinkage.estimators.logistic.SparseLogisticRegression, LassoCV

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from shrinkage.selection import SparseLogisticRegressionCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = SparseLogisticRegressionCV(n_alphas=20, cv=3, standardize=True).fit(X, y)
    >>> model.cv_mean_.shape, bool(model.alpha_1se_ >= model.alpha_min_)
    ((1, 20), True)
    >>> model.alphas_.shape, model.scores_.shape
    ((20,), (3, 1, 20))
    >>> bool(model.score(X, y) > 0.95)
    True
    """

    _loss = "logistic"
    _l1_ratio_grid = True
    _model = SparseLogisticRegression
    _parameter_constraints: dict = {
        **BOXED_CV_PARAMETERS, **GROUP_OPTIONS, "l1_ratio": [*L1_RATIO, "array-like"],
    }  # fmt: skip

    # scikit-learn's LogisticRegressionCV order where the two share a parameter
    def __init__(
        self, *, fit_intercept=True, cv=CV_FOLDS, scoring=None, tol=TOL, max_iter=100,
        n_jobs=None, random_state=RANDOM_STATE, l1_ratio=1.0, alphas=None, n_alphas=N_ALPHAS,
        alpha_min_ratio=None, selection=SELECTION, standardize=False, penalty_factor=None,
        positive=False, lower=None, upper=None, groups=None, group_weights=None,
    ):  # fmt: skip
        store_parameters(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None, groups=None):
        """Choose α (and ρ) by stratified cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like, sparse matrix, or Dask, Spark or partitioned data
            Of shape (n_samples, n_features). Distributed data (0/1 labels) is
            cross-validated by
            :meth:`shrinkage.distributed.api.DistributedProblem.cv` (unstratified
            folds by a seeded hash of the rows, ``random_state`` the seed): ``cv`` must
            be an int or None, without ``groups`` or ``scoring``; ``classes_`` is [0, 1].
            Dense and in memory with feature ``groups`` (the parameter).
        y : array-like of shape (n_samples,), or str
            Two distinct labels (0/1 for distributed data; with a DataFrame, the name
            of the target column).
        sample_weight : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Row groups for group-aware splitters (``GroupKFold``); the feature groups
            are the ``groups`` parameter.

        Returns
        -------
        self
        """
        check_group_options(self, X)
        if is_distributed(X):
            return fit_distributed_cv(self, X, y, sample_weight, groups)
        X, target, sample_weight, classes = classification_data(self, X, y, sample_weight)
        alpha, penalty = self._run_cv(
            X, target, sample_weight, groups, True, self._template(X.shape[1]),
            check_folds=lambda folds: check_fold_classes(folds, target, classes, sample_weight),
        )  # fmt: skip
        if self.groups is None:
            result = solve_logistic(X, target, alpha, penalty,
                                    **self._fit_options(sample_weight))  # fmt: skip
        else:
            result = self._solve_groups(X, target, alpha, penalty.l1_ratio, sample_weight)
        self.classes_ = classes
        self._store_refit(result)
        return self

    def _path_options(self):
        if self.groups is None:
            return {}
        return {"groups": self.groups, "group_weights": self.group_weights}

    def _fold_job(self):
        return super()._fold_job() if self.groups is None else group_fold_errors

    def _template(self, n_features):
        # Folds see 0/1 targets; scorers then compare 0/1 predictions with 0/1 labels.
        model = super()._template(n_features)
        model.classes_ = np.array([0.0, 1.0])
        return model

    def _store_error_aliases(self, errors):
        """``LogisticRegressionCV``'s ``scores_`` layout: (n_folds, n_l1_ratios, n_alphas)."""
        self.scores_ = -np.swapaxes(errors, 0, 1)
