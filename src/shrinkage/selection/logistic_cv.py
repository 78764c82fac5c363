"""``SparseLogisticRegressionCV``: penalised logistic regression with α chosen by CV.

The recipe of :mod:`shrinkage.selection.cross_validation` (one α grid from the full data,
warm-started paths per fold through joblib, min or one-standard-error rule, refit) with
the binomial deviance ``2 × mean log-loss`` on the held-out rows as the default error
(glmnet's ``type.measure="deviance"``) and stratified folds.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._validation import check_non_numeric, check_sample_weight
from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.logistic import SparseLogisticRegression
from ..penalties import Penalty
from ..solvers.logistic import solve_logistic
from ._common import binary_target
from .cross_validation import _CV_ATTRIBUTES, _CV_PARAMETERS, CrossValidatedMixin

__all__ = ["SparseLogisticRegressionCV"]


class SparseLogisticRegressionCV(CrossValidatedMixin, SparseLogisticRegression):
    __doc__ = (
        """Sparse logistic regression with α (and ``l1_ratio``) chosen by stratified K-fold CV.

    Minimises ``1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i] + α Σ_j f_j (ρ|w_j| + ½(1−ρ) w_j²)``
    with ``z = Xw + b`` and ``y_i ∈ {0, 1}`` (1 is ``classes_[1]``). The default CV error
    is the binomial deviance (2 × mean log-loss) of the held-out rows; an int ``cv`` gives
    ``StratifiedKFold``.

    Parameters
    ----------
    l1_ratio : float or list of float in [0, 1], default 1.0
        The ρ grid."""
        + _CV_PARAMETERS.replace("Default: the mean squared error.", "Default: the deviance.")
        + """ of shape (n_l1_ratios, n_alphas)"""
        + _CV_ATTRIBUTES
        + """    classes_ : ndarray of shape (2,)
    l1_ratios_ : ndarray of shape (n_l1_ratios,)

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
    >>> bool(model.score(X, y) > 0.95)
    True
    """
    )

    _loss = "logistic"
    _l1_ratio_grid = True

    def __init__(
        self, *, l1_ratio=1.0, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None,
        cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
        fit_intercept=True, standardize=False, penalty_factor=None, positive=False, tol=TOL,
        max_iter=100, n_jobs=None,
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

    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose α (and ρ) by stratified cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two distinct labels.
        sample_weight : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Group labels for group-aware splitters.

        Returns
        -------
        self
        """
        self._check_cv_params()
        check_non_numeric(X)
        X, y = validate_data(self, X, y, accept_sparse="csc", dtype=[np.float64, np.float32])
        check_classification_targets(y)
        classes, target = binary_target(y, X.shape[0])
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        # Folds see 0/1 targets; scorers then compare 0/1 predictions with 0/1 labels.
        template = SparseLogisticRegression(fit_intercept=self.fit_intercept)
        template.classes_ = np.array([0.0, 1.0])
        template.n_features_in_ = X.shape[1]
        alpha, rho = self._run_cv(
            X, target, sample_weight, groups, True, template,
            check_folds=lambda folds: check_fold_classes(folds, target, classes, sample_weight),
        )  # fmt: skip
        result = solve_logistic(
            X, target, alpha, Penalty(rho, self.penalty_factor, self.positive),
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            standardize=self.standardize, tol=self.tol, max_iter=self.max_iter,
        )  # fmt: skip
        self.classes_ = classes
        self.coef_ = result.coef.reshape(1, -1)
        self.intercept_ = np.array([result.intercept if self.fit_intercept else 0.0])
        self._store_refit(result)
        return self


def check_fold_classes(folds, y01, classes, sample_weight=None):
    """Raise, naming the fold, when a training part of ``folds`` lacks a class.

    A fold without both classes (with positive weight) cannot be fitted; the solver
    would only see "one class" deep inside the fold's job.
    """
    counted = np.ones(y01.shape[0], bool) if sample_weight is None else sample_weight > 0
    labels = classes.tolist()

    def counts(rows):
        return {label: int(np.sum(counted[rows] & (y01[rows] == k))) for k, label in
                enumerate(labels)}  # fmt: skip

    failing = [f for f, (train, _) in enumerate(folds) if min(counts(train).values()) == 0]
    if not failing:
        return
    whole = counts(np.arange(y01.shape[0]))
    rarest = min(whole, key=whole.get)
    counting = "; samples with positive weight" if sample_weight is not None else ""
    others = f" (and {len(failing) - 1} other fold(s))" if len(failing) > 1 else ""
    train = folds[failing[0]][0]
    raise ValueError(
        f"Cross-validation fold {failing[0] + 1} of {len(folds)}{others} has only one class "
        f"in its training part, so it cannot be fitted (class counts there {counts(train)}, "
        f"in the whole data {whole}{counting}). Use fewer folds or stratified folds (an "
        "int cv gives StratifiedKFold); a class needs at least 2 samples to be in every "
        f"training part, and class {rarest!r} has {whole[rarest]}."
    )
