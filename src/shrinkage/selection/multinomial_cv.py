"""``MultinomialLogisticRegressionCV``: K-class logistic regression with α chosen by CV.

glmnet's ``cv.glmnet(family="multinomial")`` recipe (:mod:`shrinkage.selection.cv_curve`):
one α grid from the full data, a warm-started multinomial path per fold
(:func:`shrinkage.path` with ``loss="multinomial"``), stratified folds in which every
class must be present in each training part, the multinomial deviance of the held-out
rows (2 × mean cross-entropy) as the error, the minimum or the one-standard-error rule,
and a certified refit.

With an offset O (n × K) the grid is that of the full data with O, each fold's path is
fitted with its training rows of O and scored with its held-out rows of O (the
deviance of ``XW + 1bᵀ + O``), and the refit takes O.

With ``groups`` (groups of features, each a block over every class) the grid and the
fold paths are multinomial group-lasso paths (:func:`shrinkage.path` with ``groups``)
and the refit is
:func:`~shrinkage.solvers.multinomial_groups.solve_multinomial_groups`, each with its
rows' offsets.
"""

from __future__ import annotations

import numpy as np
from joblib import delayed
from sklearn.base import _fit_context

from .._validation import check_matrix_offset
from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.contract import GROUP_OPTIONS, L1_RATIO, multiclass_data, store_parameters
from ..estimators.multinomial import MultinomialLogisticRegression, check_multinomial_groups
from ..path import path
from ..solvers.multinomial import solve_multinomial
from ._common import multinomial_deviance
from .cv_curve import CV_PARAMETERS, CrossValidatedMixin, fold_results
from .cv_jobs import run_jobs
from .folds import check_fold_classes

__all__ = ["MultinomialLogisticRegressionCV", "fold_deviances"]

_PARAMETERS = {key: value for key, value in CV_PARAMETERS.items() if key != "positive"}


def fold_deviances(X, y, sample_weight, offset, train, test, penalty, alphas, **options):
    """One fold of a multinomial CV with an offset: the path of the training rows with
    their offset, then the multinomial deviance of ``X W + 1bᵀ + O`` on the held-out
    rows at every α.

    Returns ``(errors, n_active, relative_gaps)``, each of shape (n_alphas,), as
    :func:`shrinkage.selection.cv_jobs.fold_errors`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((40, 3)), np.arange(40) % 3
    >>> offset = rng.standard_normal((40, 3))
    >>> train, test = np.arange(30), np.arange(30, 40)
    >>> errors, n_active, gaps = fold_deviances(X, y, None, offset, train, test, None,
    ...                                         np.array([1.0, 0.01]))
    >>> n_active.tolist(), bool(errors[0] > 2 * np.log(3))   # the offset is noise
    ([0, 3], True)
    """
    train_weight = None if sample_weight is None else sample_weight[train]
    test_weight = None if sample_weight is None else sample_weight[test]
    result = path(X[train], y[train], penalty, loss="multinomial", alphas=alphas,
                  sample_weight=train_weight, offset=offset[train], warn=False,
                  **options)  # fmt: skip
    codes = np.searchsorted(result.classes, y[test])
    X_test, offset_test = X[test], offset[test]
    errors = np.array([
        multinomial_deviance(codes, np.asarray(X_test @ W) + b + offset_test, test_weight)
        for W, b in zip(result.coefs, result.intercepts, strict=True)
    ])  # fmt: skip
    n_active = np.count_nonzero(np.any(result.coefs != 0, axis=2), axis=1)
    return errors, n_active, result.relative_gaps


class MultinomialLogisticRegressionCV(CrossValidatedMixin, MultinomialLogisticRegression):
    """:class:`~shrinkage.estimators.multinomial.MultinomialLogisticRegression` with α
    (and ρ, when ``l1_ratio`` is a list) chosen by stratified K-fold cross-validation.

    Parameters
    ----------
    l1_ratio : float or list of float in [0, 1], default 1.0
    grouped : bool, default False
        Penalise each feature's row of K coefficients by its norm. Not with ``groups``.
    alphas, n_alphas, alpha_min_ratio, cv, selection, random_state
        As :class:`~shrinkage.selection.SparseLogisticRegressionCV` (an int ``cv`` gives
        ``StratifiedKFold``; every training part needs every class).
    scoring : str or callable, optional
        Default: the multinomial deviance; else a scorer (``"accuracy"``, ...).
    fit_intercept, standardize, penalty_factor, tol, max_iter, n_jobs
        As :class:`~shrinkage.estimators.multinomial.MultinomialLogisticRegression`
        (``max_iter`` per α of the fold paths; with ``groups``, sweeps over the blocks).
    groups : array-like of shape (n_features,) or list of index lists, optional
        Groups of features whose coefficients over every class are penalised together
        by ``ω_g‖W_g‖_F`` (the multinomial group lasso): a group enters every class's
        model or none; sparse X as its dense copy.
        The grid, every fold path and the refit are group-lasso
        fits. Not with ``grouped=True`` or ``penalty_factor``.
    group_weights : array-like of shape (n_groups,), optional
        ω_g > 0 in the order of the sorted labels (or of the lists); default ``√p_g``,
        p_g the size of group g.

    Attributes
    ----------
    classes_, alpha_, l1_ratio_, alpha_min_, alpha_1se_
    alphas_, cv_alphas_, cv_mean_, cv_std_error_, cv_fold_errors_, cv_n_active_
        The grid and the CV curve (one row per ρ).
    coef_ : ndarray of shape (n_classes, n_features)
    intercept_, n_iter_, dual_gap_, certificate_
        Of the certified refit.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from shrinkage.selection import MultinomialLogisticRegressionCV
    >>> X, y = load_iris(return_X_y=True)
    >>> sepals = X[:, :2]   # the three species overlap in these two
    >>> model = MultinomialLogisticRegressionCV(n_alphas=20, cv=3).fit(sepals, y)
    >>> model.alpha_ >= model.alpha_min_, round(model.score(sepals, y), 2)
    (True, 0.83)
    >>> model.coef_.shape, model.certificate_.relative_gap <= 1e-4
    ((3, 2), True)

    Three groups of two features, each entering every class's model or none (the
    classes depend on the first group only):

    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((300, 6))
    >>> y = np.argmax(X[:, :2] @ [[2.0, -1.0, 0.0], [0.0, 2.0, -2.0]]
    ...               + rng.standard_normal((300, 3)), axis=1)
    >>> grouped = MultinomialLogisticRegressionCV(groups=[0, 0, 1, 1, 2, 2], n_alphas=10,
    ...                                           cv=3).fit(X, y)
    >>> np.flatnonzero(np.abs(grouped.coef_).sum(axis=0)).tolist()
    [0, 1]
    """

    _loss = "multinomial"
    _l1_ratio_grid = True
    _model = MultinomialLogisticRegression
    _parameter_constraints: dict = {**_PARAMETERS, **GROUP_OPTIONS,
                                    "l1_ratio": [*L1_RATIO, "array-like"],
                                    "grouped": ["boolean"]}  # fmt: skip

    def __init__(
        self, *, l1_ratio=1.0, grouped=False, alphas=None, n_alphas=N_ALPHAS,
        alpha_min_ratio=None, cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE,
        scoring=None, fit_intercept=True, standardize=False, penalty_factor=None, groups=None,
        group_weights=None, tol=TOL, max_iter=100, n_jobs=None,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _path_options(self):
        if self.groups is None:
            return {"grouped": self.grouped}
        return {"groups": self.groups, "group_weights": self.group_weights}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None, *, offset=None):
        """Choose α (and ρ) by stratified cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Dense with feature ``groups`` (the parameter).
        y : array-like of shape (n_samples,)
            At least two distinct labels.
        sample_weight : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Row groups for group-aware splitters (``GroupKFold``); the feature groups
            are the ``groups`` parameter.
        offset : array-like of shape (n_samples, n_classes), optional
            As :meth:`MultinomialLogisticRegression.fit`; each fold's paths and
            held-out deviances use the offsets of its rows (a scorer sees predictions
            without the offset).

        Returns
        -------
        self
        """
        check_multinomial_groups(self, X)
        X, y, sample_weight = multiclass_data(self, X, y, sample_weight)
        classes, codes = np.unique(y, return_inverse=True)
        offset = check_matrix_offset(offset, X.shape[0], classes.shape[0])
        template = self._template(X.shape[1])
        template.classes_ = classes
        alpha, penalty = self._run_cv(
            X, y, sample_weight, groups, True, template,
            check_folds=lambda folds: check_fold_classes(folds, codes, classes, sample_weight),
            row_options=None if offset is None else {"offset": offset},
        )  # fmt: skip
        if self.groups is None:
            result = solve_multinomial(
                X, y, alpha, penalty, grouped=self.grouped, offset=offset,
                **self._fit_options(sample_weight),
            )  # fmt: skip
        else:
            result = self._solve_groups(X, y, alpha, penalty.l1_ratio, sample_weight,
                                        offset=offset)  # fmt: skip
        self.classes_ = classes
        self._store_refit(result)
        return self

    def _fold_curves(self, X, y, sample_weight, folds, penalties, grids, template,
                     row_options=None):  # fmt: skip
        """As :meth:`CrossValidatedMixin._fold_curves`; with an offset and the default
        error, each (ρ, fold) job is :func:`fold_deviances`, whose held-out predictors
        include the held-out rows of the offset."""
        if row_options is None or self._scorer() is not None:
            return super()._fold_curves(X, y, sample_weight, folds, penalties, grids,
                                        template, row_options)  # fmt: skip
        options = dict(fit_intercept=self.fit_intercept, standardize=self.standardize,
                       tol=self.tol, max_iter=self.max_iter, **self._path_options())  # fmt: skip
        offset = row_options["offset"]
        jobs = run_jobs(
            [
                delayed(fold_deviances)(
                    X, y, sample_weight, offset, train, test, pen, grid, **options
                )
                for pen, grid in zip(penalties, grids, strict=True)
                for train, test in folds
            ],
            self.n_jobs,
        )
        return fold_results(jobs, len(penalties), len(folds), grids.shape[1])

    def _store_error_aliases(self, errors):
        """``scores_`` in ``LogisticRegressionCV``'s layout (n_folds, n_l1_ratios,
        n_alphas): minus the errors."""
        self.scores_ = -np.swapaxes(errors, 0, 1)
