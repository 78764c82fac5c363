"""Cross-validated α for the group lasso: ``GroupLassoCV``, glmnet's recipe
(:mod:`shrinkage.selection.cv_curve`) on group-lasso paths."""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context

from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..estimators.contract import L1_RATIO, store_parameters
from ..estimators.groups import GroupLasso, GroupRegressor, group_data
from ..solvers.group_lasso import solve_group_lasso
from .cv_curve import CV_PARAMETERS, CrossValidatedMixin

__all__ = ["GroupLassoCV"]


class GroupLassoCV(CrossValidatedMixin, GroupRegressor):
    """:class:`~shrinkage.GroupLasso` with α chosen by K-fold cross-validation of the
    held-out squared error (``"1se"`` by default), then a certified refit.

    Parameters
    ----------
    groups, l1_ratio, group_weights
        As :class:`~shrinkage.GroupLasso` (one ρ).
    alphas, n_alphas, alpha_min_ratio, cv, selection, random_state, scoring,
    fit_intercept, standardize, tol, max_iter, n_jobs
        As :class:`~shrinkage.LassoCV`.

    Attributes
    ----------
    alpha_, alpha_min_, alpha_1se_, alphas_, cv_mean_, cv_std_error_, mse_path_
        The choice and the CV curve.
    coef_, intercept_, certificate_
        Of the refit at ``alpha_``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import GroupLassoCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((120, 9))
    >>> y = X[:, :3].sum(axis=1) + rng.standard_normal(120)
    >>> model = GroupLassoCV(groups=[0, 0, 0, 1, 1, 1, 2, 2, 2], n_alphas=20).fit(X, y)
    >>> np.flatnonzero(model.coef_).tolist()
    [0, 1, 2]
    """

    _model = GroupLasso
    _parameter_constraints: dict = {
        **{key: value for key, value in CV_PARAMETERS.items()
           if key not in ("positive", "penalty_factor")},
        "groups": ["array-like", list, None], "l1_ratio": L1_RATIO,
        "group_weights": ["array-like", None],
    }  # fmt: skip

    def __init__(self, *, groups=None, l1_ratio=1.0, group_weights=None, alphas=None,
                 n_alphas=N_ALPHAS, alpha_min_ratio=None, cv=CV_FOLDS, selection=SELECTION,
                 random_state=RANDOM_STATE, scoring=None, fit_intercept=True,
                 standardize=False, tol=TOL, max_iter=20_000, n_jobs=None):  # fmt: skip
        store_parameters(self, locals())

    def _path_options(self):
        return {"groups": self._groups(self.n_features_in_),
                "group_weights": self.group_weights}  # fmt: skip

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose α by cross-validation, then refit on all the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Row groups for group-aware splitters (``GroupKFold``); the feature groups
            are the ``groups`` parameter.

        Returns
        -------
        self
        """
        X, y, sample_weight = group_data(self, X, y, sample_weight)
        template = self._template(X.shape[1])
        alpha, penalty = self._run_cv(X, y, sample_weight, groups, False, template)
        self._store_refit(solve_group_lasso(
            X, y, alpha, self._groups(X.shape[1]), l1_ratio=penalty.l1_ratio,
            group_weights=self.group_weights, **self._fit_options(sample_weight),
        ))  # fmt: skip
        return self

    def _store_error_aliases(self, errors):
        self.mse_path_ = np.swapaxes(errors, 1, 2)[0]
