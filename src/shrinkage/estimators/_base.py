"""The shared fit / predict of the penalised linear regressors."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import (
    check_alpha,
    check_fit_options,
    check_non_numeric,
    check_sample_weight,
    check_target,
)
from ..certificates import describe_gap
from ..penalties import Penalty
from ..solvers import solve


def linear_predictor(estimator, X, coef, intercept):
    """``X @ coef + intercept`` after checking X against what ``estimator`` was fitted on
    (the caller has checked that it is fitted)."""
    check_non_numeric(X)
    X = validate_data(
        estimator, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32],
        reset=False,
    )  # fmt: skip
    return np.asarray(X @ coef).ravel() + intercept


class PenalizedRegressor(RegressorMixin, BaseEstimator):
    """Base class: minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α·penalty(w)``.

    Subclasses define :meth:`_penalty` (the penalty object from the parameters) and the
    default solver. See :class:`~shrinkage.Lasso` for the parameters.
    """

    _solvers = ("auto", "working_set", "cd", "fista", "ista")

    l1_ratio = 1.0  # overridden by a parameter in ElasticNet, fixed in Lasso / Ridge

    def _penalty(self) -> Penalty:
        return Penalty(self.l1_ratio, self.penalty_factor, self.positive)

    def _check_params(self):
        check_alpha(self.alpha)
        if self.solver not in self._solvers:
            raise ValueError(f"solver must be one of {self._solvers}, got {self.solver!r}.")
        check_fit_options(self, ("fit_intercept", "standardize", "positive", "warm_start"))

    def fit(self, X, y, sample_weight=None):
        """Fit the model and certify it.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data; sparse input is used as CSC without densifying.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights (normalised to sum to n).

        Returns
        -------
        self
        """
        self._check_params()
        check_non_numeric(X)
        try:
            X, y = validate_data(
                self, X, y, accept_sparse="csc", dtype=[np.float64, np.float32],
                y_numeric=True,
            )  # fmt: skip
        except ValueError as exc:
            if "could not convert" in str(exc):
                raise TypeError(f"X contains non-numeric values: {exc}") from exc
            raise
        y = check_target(y, X.shape[0]).astype(X.dtype, copy=False)
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        penalty = self._penalty()
        coef_init = None
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if np.shape(self.coef_) == (X.shape[1],):
                coef_init = self.coef_
        result = solve(
            X, y, self.alpha, penalty, solver=self.solver, fit_intercept=self.fit_intercept,
            sample_weight=sample_weight, standardize=self.standardize, tol=self.tol,
            max_iter=self.max_iter, coef_init=coef_init,
            feature_names=getattr(self, "feature_names_in_", None),
        )  # fmt: skip
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__} ({result.solver}) did not converge: "
                f"{describe_gap(result.relative_gap, result.tol)} after {result.n_iter} "
                "iterations. Try a larger max_iter, a looser tol, standardize=True for "
                "badly scaled features, or a larger alpha.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.coef_ = result.coef
        self.intercept_ = float(result.intercept) if self.fit_intercept else 0.0
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate
        self.solver_ = result.solver
        return self

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_``."""
        check_is_fitted(self)
        return linear_predictor(self, X, self.coef_, self.intercept_)

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy sparse row (exact zeros dropped)."""
        import scipy.sparse as sp

        return sp.csr_matrix(self.coef_[None, :])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
