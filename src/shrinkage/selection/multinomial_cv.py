"""``MultinomialLogisticRegressionCV``: K-class logistic regression with α chosen by CV.

glmnet's ``cv.glmnet(family="multinomial")`` recipe (:mod:`shrinkage.selection.cv_curve`):
one α grid from the full data, a warm-started multinomial path per fold
(:func:`shrinkage.path` with ``loss="multinomial"``), stratified folds in which every
class must be present in each training part, the multinomial deviance of the held-out
rows (2 × mean cross-entropy) as the error, the minimum or the one-standard-error rule,
and a certified refit.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context

from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.contract import L1_RATIO, multiclass_data, store_parameters
from ..estimators.multinomial import MultinomialLogisticRegression
from ..solvers.multinomial import solve_multinomial
from .cv_curve import CV_PARAMETERS, CrossValidatedMixin
from .folds import check_fold_classes

__all__ = ["MultinomialLogisticRegressionCV"]

_PARAMETERS = {key: value for key, value in CV_PARAMETERS.items() if key != "positive"}


class MultinomialLogisticRegressionCV(CrossValidatedMixin, MultinomialLogisticRegression):
    """:class:`~shrinkage.estimators.multinomial.MultinomialLogisticRegression` with α
    (and ρ, when ``l1_ratio`` is a list) chosen by stratified K-fold cross-validation.

    Parameters
    ----------
    l1_ratio : float or list of float in [0, 1], default 1.0
    grouped : bool, default False
        Penalise each feature's row of K coefficients by its norm.
    alphas, n_alphas, alpha_min_ratio, cv, selection, random_state
        As :class:`~shrinkage.selection.SparseLogisticRegressionCV` (an int ``cv`` gives
        ``StratifiedKFold``; every training part needs every class).
    scoring : str or callable, optional
        Default: the multinomial deviance; else a scorer (``"accuracy"``, ...).
    fit_intercept, standardize, penalty_factor, tol, max_iter, n_jobs

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
    """

    _loss = "multinomial"
    _l1_ratio_grid = True
    _model = MultinomialLogisticRegression
    _parameter_constraints: dict = {**_PARAMETERS, "l1_ratio": [*L1_RATIO, "array-like"],
                                    "grouped": ["boolean"]}  # fmt: skip

    def __init__(
        self, *, l1_ratio=1.0, grouped=False, alphas=None, n_alphas=N_ALPHAS,
        alpha_min_ratio=None, cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE,
        scoring=None, fit_intercept=True, standardize=False, penalty_factor=None, tol=TOL,
        max_iter=100, n_jobs=None,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _path_options(self):
        return {"grouped": self.grouped}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose α (and ρ) by stratified cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            At least two distinct labels.
        sample_weight : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Group labels for group-aware splitters.

        Returns
        -------
        self
        """
        X, y, sample_weight = multiclass_data(self, X, y, sample_weight)
        classes, codes = np.unique(y, return_inverse=True)
        template = self._template(X.shape[1])
        template.classes_ = classes
        alpha, penalty = self._run_cv(
            X, y, sample_weight, groups, True, template,
            check_folds=lambda folds: check_fold_classes(folds, codes, classes, sample_weight),
        )  # fmt: skip
        result = solve_multinomial(X, y, alpha, penalty, grouped=self.grouped,
                                   **self._fit_options(sample_weight))  # fmt: skip
        self.classes_ = classes
        self._store_refit(result)
        return self

    def _store_error_aliases(self, errors):
        """``scores_`` in ``LogisticRegressionCV``'s layout (n_folds, n_l1_ratios,
        n_alphas): minus the errors."""
        self.scores_ = -np.swapaxes(errors, 0, 1)
