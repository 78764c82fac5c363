"""What the penalised linear models share, and the fit / predict of the regressors.

:class:`PenalizedLinearModel` turns the parameters into a
:class:`~shrinkage.penalties.Penalty` and checks them; :class:`PenalizedRegressor` adds
the squared-loss fit through :func:`shrinkage.solve` and the prediction
``X @ coef_ + intercept_``.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_alpha, check_fit_options, check_non_numeric
from ..certificates import describe_gap
from ..penalties import Penalty
from ..solvers import solve
from .contract import (
    ALPHA,
    BOX_OPTIONS,
    FIT_OPTIONS,
    PENALTY_OPTIONS,
    ValidatedParameters,
    regression_data,
    store_parameters,
)
from .distributed import is_distributed

__all__ = ["ElasticNetRegressor", "PenalizedLinearModel", "PenalizedRegressor", "linear_predictor"]


def linear_predictor(estimator, X, coef, intercept):
    """``X @ coef + intercept`` after checking X against what ``estimator`` was fitted on
    (the caller has checked that it is fitted); a lazy Dask array for Dask data."""
    if is_distributed(X):
        from .distributed import dask_linear_predictor

        return dask_linear_predictor(estimator, X, coef, intercept)
    check_non_numeric(X)
    X = validate_data(
        estimator, X, accept_sparse=["csr", "csc", "coo"], dtype=[np.float64, np.float32],
        reset=False,
    )  # fmt: skip
    return np.asarray(X @ coef).ravel() + intercept


class PenalizedLinearModel(ValidatedParameters):
    """Mixin of the penalised linear models: the penalty ``α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``
    from ``alpha``, ``l1_ratio`` (ρ), ``penalty_factor`` (f), ``positive`` and the box
    ``lower ≤ w ≤ upper``, their checks, and the options every solve takes
    (``fit_intercept``, ``standardize``, ``tol``, ``max_iter``).

    It stores the eight parameters it reads; subclasses pass them on from their own
    signatures (scikit-learn reads each estimator's parameters and defaults there).
    """

    l1_ratio = 1.0  # a parameter of ElasticNet and the logistic models, fixed elsewhere
    # the box: parameters of the squared, logistic and Poisson models; no box elsewhere
    lower = upper = None

    def __init__(
        self, *, fit_intercept=True, standardize=False, penalty_factor=None, positive=False,
        lower=None, upper=None, tol=1e-4, max_iter=1000,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _penalty(self) -> Penalty:
        return Penalty(self.l1_ratio, self.penalty_factor, self.positive, self.lower,
                       self.upper)  # fmt: skip

    def _check_params(self):
        check_alpha(self.alpha)
        check_fit_options(self, ("fit_intercept", "standardize", "positive", "warm_start"))
        self._penalty()

    def _fit_options(self, sample_weight):
        """The keyword arguments of :func:`shrinkage.solve` (or ``solve_logistic``) that
        come from the parameters, with ``sample_weight``."""
        return dict(
            fit_intercept=self.fit_intercept, sample_weight=sample_weight,
            standardize=self.standardize, tol=self.tol, max_iter=self.max_iter,
        )  # fmt: skip

    def _previous_coef(self, shape):
        """The last fit's ``coef_`` to start from: with ``warm_start`` and the same
        shape, else None."""
        coef = getattr(self, "coef_", None)
        if self.warm_start and coef is not None and np.shape(coef) == shape:
            return coef
        return None

    def _warn_unconverged(self, result, stacklevel):
        """A ``ConvergenceWarning`` when ``result`` misses its tolerance."""
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__} ({result.solver}) did not converge: "
                f"{describe_gap(result.relative_gap, result.tol)} after {result.n_iter} "
                "iterations. Try a larger max_iter, a looser tol, standardize=True for "
                "badly scaled features, or a larger alpha.",
                ConvergenceWarning,
                stacklevel=stacklevel,
            )

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy sparse row (exact zeros dropped)."""
        return sp.csr_matrix(np.atleast_2d(self.coef_))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class PenalizedRegressor(PenalizedLinearModel, RegressorMixin, BaseEstimator):
    """Base class of the squared-loss models, ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α·penalty(w)``:
    ``fit`` checks the data and hands it to ``_fit``; ``predict`` is ``X @ coef_ + intercept_``.
    """

    _loss = "squared"
    _fits_distributed = False  # True: fit takes Dask / Spark data (fit_distributed)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Fit the model and certify it.

        Parameters
        ----------
        X : array-like, sparse matrix, or Dask, Spark or partitioned data
            Training data of shape (n_samples, n_features); sparse input is used as CSC
            without densifying. Distributed data (a Dask array or DataFrame, a Spark
            DataFrame, a ``PartitionedData`` such as :func:`shrinkage.read_parquet`'s)
            is fitted by :class:`~shrinkage.distributed.api.DistributedProblem`, with
            the same fitted attributes; ``solver`` and ``warm_start`` then do not apply.
        y : array-like of shape (n_samples,), or str
            Target values; with a DataFrame, the name of the target column (or a Dask
            Series aligned with it); None with a ``PartitionedData``.
        sample_weight : array-like of shape (n_samples,), or str, optional
            Non-negative weights (normalised to sum to n); as ``y`` for distributed data.

        Returns
        -------
        self
        """
        if self._fits_distributed and is_distributed(X):
            from .distributed import fit_distributed

            return fit_distributed(self, X, y, sample_weight)
        X, y, sample_weight = regression_data(self, X, y, sample_weight)
        return self._fit(X, y, sample_weight)

    def _store_solution(self, result):
        """The fitted attributes of one certified solve."""
        self.coef_ = result.coef
        self.intercept_ = float(result.intercept) if self.fit_intercept else 0.0
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate

    def predict(self, X):
        """Predict ``X @ coef_ + intercept_`` (for Dask data, a lazy Dask array)."""
        check_is_fitted(self)
        return linear_predictor(self, X, self.coef_, self.intercept_)

    def score(self, X, y, sample_weight=None):
        """The coefficient of determination R² (of Dask data: from block sums)."""
        if is_distributed(X):
            from .distributed import dask_score

            return dask_score(self, X, y, sample_weight)
        return super().score(X, y, sample_weight)


class ElasticNetRegressor(PenalizedRegressor):
    """The elastic net at one given α, fitted by one certified call of
    :func:`shrinkage.solve`: the base of :class:`~shrinkage.Lasso` (ρ = 1),
    :class:`~shrinkage.Ridge` (ρ = 0) and :class:`~shrinkage.ElasticNet` (ρ a parameter).
    See :class:`~shrinkage.Lasso` for the parameters.
    """

    _fits_distributed = True
    _solvers = ("auto", "working_set", "cd", "fista", "ista")
    _parameter_constraints: dict = {
        "alpha": ALPHA,
        **FIT_OPTIONS,
        **PENALTY_OPTIONS,
        **BOX_OPTIONS,
        "solver": [StrOptions(set(_solvers))],
        "warm_start": ["boolean"],
    }

    def __init__(
        self, alpha=1.0, *, fit_intercept=True, standardize=False, penalty_factor=None,
        positive=False, lower=None, upper=None, solver="auto", tol=1e-4, max_iter=1000,
        warm_start=False,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _check_params(self):
        if self.solver not in self._solvers:
            raise ValueError(f"solver must be one of {self._solvers}, got {self.solver!r}.")
        super()._check_params()

    def _fit(self, X, y, sample_weight):
        """One certified solve, warm-started on request."""
        coef_init = self._previous_coef((X.shape[1],))
        result = solve(
            X, y, self.alpha, self._penalty(), solver=self.solver, coef_init=coef_init,
            feature_names=getattr(self, "feature_names_in_", None),
            **self._fit_options(sample_weight),
        )  # fmt: skip
        self._warn_unconverged(result, stacklevel=5)  # the caller of fit, past the wrapper
        self._store_solution(result)
        self.solver_ = result.solver
        return self
