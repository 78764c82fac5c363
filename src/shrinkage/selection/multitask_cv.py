"""Cross-validated α for the multi-task models: ``MultiTaskLassoCV``,
``MultiTaskElasticNetCV``.

glmnet's ``cv.glmnet(family="mgaussian")`` recipe (:mod:`shrinkage.selection.cv_curve`):
one α grid from the full data, a warm-started multi-task path per fold
(:func:`shrinkage.path` with ``loss="multitask"``), the held-out squared error averaged
over rows and tasks, the minimum or the one-standard-error rule, and a certified refit.

With an offset O the model is that of ``Y − O``, exactly (:mod:`shrinkage.solvers.
multitask`): the grid, every fold's path (on its rows of ``Y − O``), the held-out errors
``Y − (XW + 1bᵀ + O)`` and the refit are all those of ``Y − O``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context

from .._validation import check_matrix_offset
from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.contract import L1_RATIO, store_parameters
from ..estimators.multitask import (
    MultiTaskElasticNet,
    MultiTaskLasso,
    MultiTaskRegressor,
    multitask_data,
)
from ..solvers.multitask import solve_multitask
from .cv_curve import CV_PARAMETERS, CrossValidatedMixin

__all__ = ["MultiTaskElasticNetCV", "MultiTaskLassoCV"]

_PARAMETERS = {key: value for key, value in CV_PARAMETERS.items() if key != "positive"}


class _MultiTaskCV(CrossValidatedMixin, MultiTaskRegressor):
    """The CV curve of a multi-task path, then the refit at the chosen α."""

    _loss = "multitask"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None, *, offset=None):
        """Choose α (and ρ) by K-fold cross-validation of the held-out squared error
        (mean over rows and tasks), then refit on all the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples, n_tasks)
        sample_weight : array-like of shape (n_samples,), optional
            Used in the fits and to weight the held-out errors.
        groups : array-like of shape (n_samples,), optional
            Group labels for group-aware splitters.
        offset : array-like of shape (n_samples, n_tasks) or (n_samples,), optional
            As :meth:`MultiTaskElasticNet.fit`: everything is computed on ``y − offset``
            (a scorer sees those targets, and predictions without the offset).

        Returns
        -------
        self
        """
        X, Y, sample_weight = multitask_data(self, X, y, sample_weight)
        offset = check_matrix_offset(offset, *Y.shape, "task", vector=True)
        if offset is not None:
            Y = Y - offset  # the model of Y − O, exactly: every fold takes its rows
        template = self._template(X.shape[1])
        alpha, penalty = self._run_cv(X, Y, sample_weight, groups, False, template)
        self._store_refit(solve_multitask(X, Y, alpha, penalty,
                                          **self._fit_options(sample_weight)))  # fmt: skip
        return self

    def _check_params(self):
        if getattr(self, "positive", False):
            raise ValueError("multi-task fits have no positivity constraint.")
        super()._check_params()

    def _store_error_aliases(self, errors):
        """scikit-learn's ``mse_path_``: (n_alphas, n_folds), one more leading axis for
        several ρ."""
        paths = np.swapaxes(errors, 1, 2)
        self.mse_path_ = paths[0] if paths.shape[0] == 1 else paths


class MultiTaskLassoCV(_MultiTaskCV):
    """:class:`~shrinkage.MultiTaskLasso` with α chosen by cross-validation.

    Parameters
    ----------
    alphas, n_alphas, alpha_min_ratio, cv, selection, random_state, scoring
        As :class:`~shrinkage.LassoCV` (the grid rule, the folds, ``"1se"`` by default).
    fit_intercept, standardize, penalty_factor, tol, max_iter
        As :class:`~shrinkage.MultiTaskLasso`.
    n_jobs : int, optional

    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_ : float
    alphas_, cv_mean_, cv_std_error_, mse_path_
        The grid and the CV curve.
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    certificate_ : Certificate
        Of the refit at ``alpha_``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import MultiTaskLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((80, 6))
    >>> Y = np.column_stack([X[:, 0], X[:, 0] + X[:, 1]]) + 0.3 * rng.standard_normal((80, 2))
    >>> model = MultiTaskLassoCV(n_alphas=20).fit(X, Y)
    >>> model.alpha_ >= model.alpha_min_, model.coef_.shape
    (True, (2, 6))
    """

    _model = MultiTaskLasso
    _parameter_constraints: dict = _PARAMETERS

    def __init__(self, *, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None, cv=CV_FOLDS,
                 selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
                 fit_intercept=True, standardize=False, penalty_factor=None, tol=TOL,
                 max_iter=20_000, n_jobs=None):  # fmt: skip
        store_parameters(self, locals())


class MultiTaskElasticNetCV(_MultiTaskCV):
    """:class:`~shrinkage.MultiTaskElasticNet` with α (and ρ, when ``l1_ratio`` is a
    list) chosen by cross-validation; parameters as :class:`MultiTaskLassoCV` plus
    ``l1_ratio`` (a number or a list, default 0.5); the ``cv_*`` arrays have one row per
    ρ, as :class:`~shrinkage.ElasticNetCV`'s."""

    _model = MultiTaskElasticNet
    _l1_ratio_grid = True
    _parameter_constraints: dict = {**_PARAMETERS, "l1_ratio": [*L1_RATIO, "array-like"]}

    def __init__(self, *, l1_ratio=0.5, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None,
                 cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
                 fit_intercept=True, standardize=False, penalty_factor=None, tol=TOL,
                 max_iter=20_000, n_jobs=None):  # fmt: skip
        store_parameters(self, locals())
