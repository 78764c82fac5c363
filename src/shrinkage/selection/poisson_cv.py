"""Cross-validated α for Poisson regression: ``PoissonLassoCV``, ``PoissonElasticNetCV``.

glmnet's ``cv.glmnet(family="poisson")`` recipe (:mod:`shrinkage.selection.cv_curve`):
one α grid from the full data, a warm-started Poisson path per fold
(:func:`shrinkage.path` with ``loss="poisson"``), the mean Poisson deviance of the
held-out rows (with their offset) as the error, the minimum or the one-standard-error
rule, and a certified refit. With ``groups`` the grid and the fold paths are group-lasso
paths (:func:`shrinkage.path` with ``groups``) and the refit is
:func:`~shrinkage.solvers.group_glm.solve_group_glm`, each with its rows' offsets.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context

from .._validation import offset_of
from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.contract import (
    GROUP_OPTIONS,
    L1_RATIO,
    check_group_options,
    regression_data,
    store_parameters,
)
from ..estimators.poisson import PoissonElasticNet, PoissonLasso, PoissonModel
from ..solvers.poisson import solve_poisson
from .cv_curve import BOXED_CV_PARAMETERS, CrossValidatedMixin

__all__ = ["PoissonElasticNetCV", "PoissonLassoCV", "check_fold_counts"]


def check_fold_counts(folds, y, sample_weight=None):
    """Raise, naming the fold, when every count of a training part is 0: its intercept
    would be −∞ (the Poisson fit needs some positive count)."""
    counted = y if sample_weight is None else y * (sample_weight > 0)
    for k, (train, _) in enumerate(folds):
        if not np.any(counted[train] > 0):
            raise ValueError(
                f"Cross-validation fold {k + 1} of {len(folds)}: every count in its "
                f"training part is 0 ({train.size} rows), so its model cannot be fitted "
                f"(the whole data has {int(np.sum(counted > 0))} positive counts). Use "
                "fewer folds, or shuffle the rows."
            )


class _PoissonCV(CrossValidatedMixin, PoissonModel):
    """The CV curve of a Poisson path, then the refit at the chosen α."""

    _loss = "poisson"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None, *, offset=None, exposure=None):
        """Choose α (and ρ) by K-fold cross-validation of the held-out Poisson deviance,
        then refit on all the data.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Dense with feature ``groups`` (the parameter).
        y : array-like of shape (n_samples,)
            Counts ``y ≥ 0``.
        sample_weight : array-like of shape (n_samples,), optional
            Used in the fits and to weight the held-out deviances.
        groups : array-like of shape (n_samples,), optional
            Row groups for group-aware splitters (``GroupKFold``); the feature groups
            are the ``groups`` parameter.
        offset, exposure : array-like of shape (n_samples,), optional
            As :meth:`PoissonLasso.fit`; each fold's paths and held-out errors use the
            offsets of its rows.

        Returns
        -------
        self
        """
        check_group_options(self, X)
        X, y, sample_weight = regression_data(self, X, y, sample_weight)
        offset = offset_of(X.shape[0], offset, exposure)
        alpha, penalty = self._run_cv(
            X, y, sample_weight, groups, False, self._template(X.shape[1]),
            check_folds=lambda folds: check_fold_counts(folds, y, sample_weight),
            row_options=None if offset is None else {"offset": offset},
        )  # fmt: skip
        if self.groups is None:
            result = solve_poisson(X, y, alpha, penalty, offset=offset,
                                   **self._fit_options(sample_weight))  # fmt: skip
        else:
            result = self._solve_groups(X, y, alpha, penalty.l1_ratio, sample_weight,
                                        offset=offset)  # fmt: skip
        self._store_refit(result)
        return self

    def _path_options(self):
        if self.groups is None:
            return {}
        return {"groups": self.groups, "group_weights": self.group_weights}

    def _store_error_aliases(self, errors):
        """``deviance_path_``: (n_alphas, n_folds), one more leading axis for several ρ."""
        paths = np.swapaxes(errors, 1, 2)
        self.deviance_path_ = paths[0] if paths.shape[0] == 1 else paths


class PoissonLassoCV(_PoissonCV):
    """:class:`~shrinkage.PoissonLasso` with α chosen by cross-validation.

    The default error is the mean Poisson deviance of the held-out rows (glmnet's
    ``cv.glmnet(family="poisson")``); folds, grid and selection rule as
    :class:`~shrinkage.LassoCV` (:mod:`shrinkage.defaults`).

    Parameters
    ----------
    alphas, n_alphas, alpha_min_ratio, cv, selection, random_state
        As :class:`~shrinkage.LassoCV`: the grid rule, shuffled ``KFold``, ``"1se"``.
    scoring : str or callable, optional
        Default: the Poisson deviance; else a scorer (it sees predictions without the
        offset).
    fit_intercept, standardize, penalty_factor, positive, tol, max_iter
        As :class:`~shrinkage.PoissonLasso`.
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
    n_jobs : int, optional

    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_ : float
    alphas_, cv_mean_, cv_std_error_, cv_fold_errors_, cv_n_active_
        The grid and the CV curve (mean held-out deviance and its standard error).
    deviance_path_ : ndarray of shape (n_alphas, n_folds)
    coef_, intercept_, certificate_
        Of the certified refit at ``alpha_``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import PoissonLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 8))
    >>> y = rng.poisson(np.exp(0.6 * X[:, 0] - 0.4 * X[:, 1]))
    >>> model = PoissonLassoCV(n_alphas=30).fit(X, y)
    >>> model.coef_.round(2)
    array([ 0.59, -0.19,  0.  ,  0.  ,  0.  ,  0.  ,  0.  ,  0.04])
    >>> model.alpha_ >= model.alpha_min_, model.certificate_.relative_gap <= 1e-4
    (True, True)

    Four groups of two features, each entering whole:

    >>> grouped = PoissonLassoCV(groups=[0, 0, 1, 1, 2, 2, 3, 3], n_alphas=20).fit(X, y)
    >>> np.flatnonzero(grouped.coef_).tolist()
    [0, 1, 6, 7]
    """

    _model = PoissonLasso
    _parameter_constraints: dict = {**BOXED_CV_PARAMETERS, **GROUP_OPTIONS}

    def __init__(self, *, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None, cv=CV_FOLDS,
                 selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
                 fit_intercept=True, standardize=False, penalty_factor=None, positive=False,
                 lower=None, upper=None, groups=None, group_weights=None, tol=TOL,
                 max_iter=100, n_jobs=None):  # fmt: skip
        store_parameters(self, locals())


class PoissonElasticNetCV(_PoissonCV):
    """:class:`~shrinkage.PoissonElasticNet` with α (and ρ, when ``l1_ratio`` is a list)
    chosen by cross-validation; parameters as :class:`PoissonLassoCV` plus ``l1_ratio``
    (a number or a list, default 0.5); the ``cv_*`` arrays have one row per ρ."""

    _model = PoissonElasticNet
    _l1_ratio_grid = True
    _parameter_constraints: dict = {
        **BOXED_CV_PARAMETERS, **GROUP_OPTIONS, "l1_ratio": [*L1_RATIO, "array-like"],
    }  # fmt: skip

    def __init__(self, *, l1_ratio=0.5, alphas=None, n_alphas=N_ALPHAS, alpha_min_ratio=None,
                 cv=CV_FOLDS, selection=SELECTION, random_state=RANDOM_STATE, scoring=None,
                 fit_intercept=True, standardize=False, penalty_factor=None, positive=False,
                 lower=None, upper=None, groups=None, group_weights=None, tol=TOL,
                 max_iter=100, n_jobs=None):  # fmt: skip
        store_parameters(self, locals())
