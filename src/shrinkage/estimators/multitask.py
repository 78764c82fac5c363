"""Multi-task regression with a shared support: ``MultiTaskLasso``, ``MultiTaskElasticNet``.

T regressions on the same X, fitted together with the row-group penalty
(:mod:`shrinkage.solvers.multitask`): a feature is in every task's model or in none.
scikit-learn's ``MultiTaskLasso`` / ``MultiTaskElasticNet`` and glmnet's
``family="mgaussian"`` solve the same objective; here every fit carries its duality-gap
certificate, and sample weights, per-feature penalty factors, ``standardize`` and an
offset (a fixed part O of the predictions ``XW + 1bᵀ + O``: the fit of ``Y − O``) work.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_matrix_offset, check_non_numeric, check_sample_weight
from ..solvers.multitask import solve_multitask
from .base import PenalizedLinearModel
from .contract import ALPHA, FIT_OPTIONS, L1_RATIO, store_parameters

__all__ = ["MultiTaskElasticNet", "MultiTaskLasso", "MultiTaskRegressor", "multitask_data"]


def multitask_data(estimator, X, Y, sample_weight=None):
    """The preamble of a multi-task ``fit``: dense float64 X, Y of shape (n, T) with
    T ≥ 1 columns (a 1-D y is refused: one task is :class:`~shrinkage.Lasso`'s), and
    the checked weights."""
    check_non_numeric(X)
    X, Y = validate_data(estimator, X, Y, multi_output=True, y_numeric=True,
                         dtype=np.float64)  # fmt: skip
    if Y.ndim == 1:
        raise ValueError(
            f"{type(estimator).__name__} fits several tasks: Y must be 2-D (n_samples, "
            "n_tasks). For one target use Lasso or ElasticNet."
        )
    return X, np.asarray(Y, dtype=np.float64), check_sample_weight(sample_weight, X.shape[0])


class MultiTaskRegressor(PenalizedLinearModel, MultiOutputMixin, RegressorMixin,
                         BaseEstimator):  # fmt: skip
    """What the multi-task models share: the penalty and its checks
    (:class:`~shrinkage.estimators.base.PenalizedLinearModel`), the fitted attributes in
    scikit-learn's shapes (``coef_`` (T, p), ``intercept_`` (T,)), prediction."""

    l1_ratio = 1.0  # a parameter of MultiTaskElasticNet, fixed for MultiTaskLasso
    positive = False  # the row norm has no sign: no positivity

    def _store_solution(self, result):
        self.coef_ = np.ascontiguousarray(result.coef.T)
        n_tasks = result.coef.shape[1]
        self.intercept_ = result.intercept if self.fit_intercept else np.zeros(n_tasks)
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate

    def predict(self, X, *, offset=None):
        """``X @ coef_.T + intercept_ (+ offset)``, of shape (n_samples, n_tasks).

        A model fitted with an offset predicts without it unless it is given here, of
        shape (n_samples, n_tasks) or (n_samples,) for every task.
        """
        check_is_fitted(self)
        check_non_numeric(X)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        prediction = X @ self.coef_.T + self.intercept_
        if offset is not None:
            prediction += check_matrix_offset(offset, *prediction.shape, "task", vector=True)
        return prediction

    def score(self, X, y, sample_weight=None, *, offset=None):
        """R² of :meth:`predict` (with ``offset``, if given), averaged over the tasks."""
        return float(r2_score(y, self.predict(X, offset=offset), sample_weight=sample_weight))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags


class MultiTaskElasticNet(MultiTaskRegressor):
    """``1/(2n) Σ s_i ‖y_i − Wᵀx_i − b‖² + α Σ_j f_j (ρ‖W_j‖₂ + ½(1−ρ)‖W_j‖₂²)``,
    certified.

    scikit-learn's ``MultiTaskElasticNet`` (same α and ``l1_ratio``) and glmnet's
    ``mgaussian`` (its λ is our α, its ``alpha`` our ``l1_ratio``).

    Parameters
    ----------
    alpha : float, default 1.0
    l1_ratio : float in [0, 1], default 0.5
    fit_intercept : bool, default True
    standardize : bool, default False
        Penalise the rows as if each column had unit standard deviation (glmnet's
        ``standardize=TRUE``); coefficients stay on the data's scale.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature multipliers f_j > 0.
    tol : float, default 1e-4
        Relative duality gap to certify.
    max_iter : int, default 1000
        Epochs of block coordinate descent.
    warm_start : bool, default False
        A refit starts from the previous ``coef_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_tasks, n_features)
    intercept_ : ndarray of shape (n_tasks,)
    n_iter_ : int
    dual_gap_ : float
    certificate_ : Certificate
        Duality gap and the KKT residual of each row.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import MultiTaskElasticNet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 5))
    >>> Y = np.column_stack([X[:, 0], X[:, 0] - X[:, 1]]) + 0.1 * rng.standard_normal((60, 2))
    >>> model = MultiTaskElasticNet(alpha=0.1, l1_ratio=0.9).fit(X, Y)
    >>> model.coef_.shape, np.flatnonzero(np.abs(model.coef_).sum(axis=0)).tolist()
    ((2, 5), [0, 1])

    A known part of the targets enters as an offset: the fit is that of ``Y − O``, and
    the predictions add the offset when given it.

    >>> O = np.column_stack([np.ones(60), X[:, 2]])
    >>> shifted = MultiTaskElasticNet(alpha=0.1, l1_ratio=0.9).fit(X, Y + O, offset=O)
    >>> bool(np.allclose(shifted.coef_, model.coef_, atol=1e-12))
    True
    >>> bool(np.allclose(shifted.predict(X, offset=O), model.predict(X) + O))
    True
    """

    _parameter_constraints: dict = {
        "alpha": ALPHA, "l1_ratio": L1_RATIO, **FIT_OPTIONS,
        "penalty_factor": ["array-like", None], "warm_start": ["boolean"],
    }  # fmt: skip

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, standardize=False,
                 penalty_factor=None, tol=1e-4, max_iter=1000, warm_start=False):  # fmt: skip
        store_parameters(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, offset=None):
        """Fit and certify.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Dense.
        y : array-like of shape (n_samples, n_tasks)
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples, n_tasks) or (n_samples,), optional
            A fixed part of the predictions, ``XW + 1bᵀ + offset`` (a vector: the same
            for every task); the fit is that of ``y − offset``.

        Returns
        -------
        self
        """
        X, Y, sample_weight = multitask_data(self, X, y, sample_weight)
        previous = self._previous_coef((Y.shape[1], X.shape[1]))
        coef_init = None if previous is None else previous.T
        result = solve_multitask(X, Y, self.alpha, self._penalty(), coef_init=coef_init,
                                 offset=offset, **self._fit_options(sample_weight))  # fmt: skip
        self._warn_unconverged(result, stacklevel=4)  # the caller of fit, past the wrapper
        self._store_solution(result)
        return self


class MultiTaskLasso(MultiTaskElasticNet):
    """``1/(2n) Σ s_i ‖y_i − Wᵀx_i − b‖² + α Σ_j f_j ‖W_j‖₂``: the group lasso over the
    rows of W, certified (scikit-learn's ``MultiTaskLasso``). Parameters and attributes
    as :class:`MultiTaskElasticNet`, without ``l1_ratio`` (1).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import MultiTaskLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 5))
    >>> Y = np.column_stack([X[:, 0], X[:, 0] - X[:, 1]]) + 0.1 * rng.standard_normal((60, 2))
    >>> model = MultiTaskLasso(alpha=0.1).fit(X, Y)
    >>> np.flatnonzero(np.abs(model.coef_).sum(axis=0)).tolist(), model.dual_gap_ >= 0
    ([0, 1], True)
    """

    _parameter_constraints: dict = {
        key: value for key, value in MultiTaskElasticNet._parameter_constraints.items()
        if key != "l1_ratio"
    }  # fmt: skip

    def __init__(self, alpha=1.0, *, fit_intercept=True, standardize=False,
                 penalty_factor=None, tol=1e-4, max_iter=1000, warm_start=False):  # fmt: skip
        store_parameters(self, locals())

    l1_ratio = 1.0
