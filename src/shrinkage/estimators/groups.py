"""The group lasso as an estimator: ``GroupLasso`` (and its CV in
:mod:`shrinkage.selection.group_cv`).

Features in groups enter and leave the model together (:mod:`shrinkage.solvers.
group_lasso`): the dummy columns of one categorical variable, the basis functions of
one spline, the lags of one series.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import _fit_context
from sklearn.utils.validation import validate_data

from .._validation import check_non_numeric, check_sample_weight, check_target
from ..groups import dense_for_groups
from ..penalties import Penalty
from ..solvers.group_lasso import solve_group_lasso
from .base import PenalizedRegressor
from .contract import ALPHA, FIT_OPTIONS, L1_RATIO, store_parameters

__all__ = ["GroupLasso", "GroupRegressor", "group_data"]


def group_data(estimator, X, y, sample_weight=None):
    """The preamble of a group model's ``fit``: dense float64 X (a sparse X as its dense
    copy, :func:`shrinkage.groups.dense_for_groups`), a finite 1-D y, the checked
    weights."""
    check_non_numeric(X)
    X, y = validate_data(estimator, X, y, accept_sparse="csc", y_numeric=True,
                         dtype=np.float64)  # fmt: skip
    X = dense_for_groups(X)
    return X, check_target(y, X.shape[0]), check_sample_weight(sample_weight, X.shape[0])


class GroupRegressor(PenalizedRegressor):
    """What the group models share: the groups (``None``: every feature its own group,
    which is the lasso) and the penalty without per-feature factors or positivity; the
    fit, prediction and attributes of :class:`~shrinkage.estimators.base.
    PenalizedRegressor`, on dense columns (a sparse X as its dense copy)."""

    positive = False
    penalty_factor = None

    def _groups(self, n_features):
        return np.arange(n_features) if self.groups is None else self.groups

    def _penalty(self) -> Penalty:
        return Penalty(self.l1_ratio)


class GroupLasso(GroupRegressor):
    """``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ_g ω_g (ρ‖w_g‖₂ + ½(1−ρ)‖w_g‖₂²)``,
    certified: the group lasso (ρ = 1, Yuan & Lin 2006) or group elastic net.

    skglm's ``GroupLasso`` and adelie's ``grpnet`` (gaussian) solve the same problem; ω_g
    is ``√p_g`` unless given.

    Parameters
    ----------
    alpha : float, default 1.0
    groups : array-like of shape (n_features,) or list of index lists, optional
        One label per feature, or the features of each group; they must cover every
        feature exactly once. None: each feature its own group (the lasso).
    l1_ratio : float in [0, 1], default 1.0
    group_weights : array-like of shape (n_groups,), optional
        ω_g in the order of the sorted labels (or of the lists).
    fit_intercept, standardize, tol, max_iter, warm_start
        As :class:`~shrinkage.Lasso` (``max_iter``: epochs over the groups).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Zero group by group.
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float
    certificate_ : Certificate
        Duality gap and each group's KKT residual.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import GroupLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 6))
    >>> y = X[:, 0] - X[:, 1] + 0.1 * rng.standard_normal(100)
    >>> model = GroupLasso(alpha=0.1, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> np.flatnonzero(model.coef_).tolist()
    [0, 1]
    """

    _parameter_constraints: dict = {
        "alpha": ALPHA, "groups": ["array-like", list, None], "l1_ratio": L1_RATIO,
        "group_weights": ["array-like", None], **FIT_OPTIONS, "warm_start": ["boolean"],
    }  # fmt: skip

    def __init__(self, alpha=1.0, *, groups=None, l1_ratio=1.0, group_weights=None,
                 fit_intercept=True, standardize=False, tol=1e-4, max_iter=1000,
                 warm_start=False):  # fmt: skip
        store_parameters(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit and certify.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Dense.
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X, y, sample_weight = group_data(self, X, y, sample_weight)
        coef_init = self._previous_coef((X.shape[1],))
        result = solve_group_lasso(
            X, y, self.alpha, self._groups(X.shape[1]), l1_ratio=self.l1_ratio,
            group_weights=self.group_weights, coef_init=coef_init,
            **self._fit_options(sample_weight),
        )  # fmt: skip
        self._warn_unconverged(result, stacklevel=4)  # the caller of fit, past the wrapper
        self._store_solution(result)
        return self
