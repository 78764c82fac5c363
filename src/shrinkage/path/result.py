"""The result of a regularization path: one frozen object with the coefficients, the
certificate of every point, and what to do with them (coefficients and predictions at
any α, an exact refit, a table, a plot)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..certificates import certified
from ..penalties import Penalty

__all__ = ["PathResult"]


@dataclass(frozen=True)
class PathResult:
    """A regularization path and the certificate of each of its points.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing regularisation strengths.
    coefs : ndarray or scipy.sparse.csr_array of shape (n_alphas, n_features)
        Coefficients (original scale) at each α; exact zeros where features are out.
        A CSR array of the non-zeros with ``coef_format="sparse"``.
    intercepts, dual_gaps, relative_gaps : ndarray of shape (n_alphas,)
    n_iter, n_active : ndarray of int, shape (n_alphas,)
        Epochs spent and number of non-zero coefficients at each α.
    n_screened : ndarray of int, shape (n_alphas,)
        Features *proven* zero at each α by the gap-safe sphere test at the returned
        solution (:func:`~shrinkage.solvers.working_set.gap_safe_zeros`; for the
        logistic loss :func:`~shrinkage.certificates.logistic.gap_safe_zeros`, 0 where
        unpenalised features make the dual point the general one).
    entry_alpha : ndarray of shape (n_features,)
        The largest grid α at which the feature is non-zero (0 if it never enters):
        the threshold above which its coefficient is exactly zero.
    timings : dict
        ``total`` seconds and ``per_alpha`` array.
    feature_names : ndarray of str
        The names given, or ``x0, x1, …``.
    l1_ratio : float
    loss : str
    penalty : Penalty
        The penalty of the path (ρ, penalty factors, positivity); with
        ``fit_intercept`` and ``standardize`` what :meth:`refit_at` solves again.
    fit_intercept, standardize : bool
    column_std : ndarray of shape (n_features,) or None
        The weighted standard deviation σ_j of each column (1/n) when the path was
        fitted with ``standardize=True`` (squared loss): ``coefs · σ`` are the
        standardised coefficients the penalty saw. None otherwise.
    tol : float
        The relative duality gap every point was asked to reach; ``converged`` (a
        property, one bool per point) says which did, and :func:`path` warns with a
        ``ConvergenceWarning`` naming the worst point when one did not.
    strategy : str
        How the points were solved (``"homotopy"``, ``"working_set"``, ``"gram"``,
        ``"cd"``; ``"homotopy+working_set"`` when the knots ran over the budget).
    """

    alphas: np.ndarray
    coefs: np.ndarray | sp.csr_array
    intercepts: np.ndarray
    dual_gaps: np.ndarray
    relative_gaps: np.ndarray
    n_iter: np.ndarray
    n_active: np.ndarray
    n_screened: np.ndarray
    entry_alpha: np.ndarray
    timings: dict = field(repr=False)
    _names: np.ndarray | None = field(repr=False)  # None: the default names, made on use
    l1_ratio: float = 1.0
    loss: str = "squared"
    strategy: str = "cd"
    tol: float = 1e-4
    column_std: np.ndarray | None = field(default=None, repr=False)
    penalty: Penalty | None = field(default=None, repr=False)
    fit_intercept: bool = True
    standardize: bool = False
    groups: object = field(default=None, repr=False)
    group_weights: object = field(default=None, repr=False)

    @property
    def converged(self) -> np.ndarray:
        """Whether each point is certified to ``tol``
        (:func:`~shrinkage.certificates.certified`)."""
        return np.vectorize(certified, otypes=[bool])(self.relative_gaps, self.tol)

    @property
    def feature_names(self) -> np.ndarray:
        """The feature names; ``x0, x1, …`` (fixed-width strings, made when first read,
        so that a path over many features does not hold them unasked) by default."""
        if self._names is None:
            p = self.coefs.shape[1]
            width = len(str(max(p - 1, 0)))
            object.__setattr__(self, "_names", np.char.add("x", np.arange(p).astype(f"U{width}")))
        return self._names

    def dense_coefs(self) -> np.ndarray:
        """``coefs`` as a dense array (itself when already dense)."""
        return self.coefs.toarray() if sp.issparse(self.coefs) else self.coefs

    @property
    def n_zeros(self) -> np.ndarray:
        """Number of exactly-zero coefficients at each α."""
        return self.coefs.shape[1] - self.n_active

    def to_frame(self):
        """The coefficients as a pandas DataFrame (one row per α, index ``alpha``)."""
        import pandas as pd

        frame = pd.DataFrame(self.dense_coefs(), columns=list(self.feature_names))
        frame.insert(0, "intercept", self.intercepts)
        frame.index = pd.Index(self.alphas, name="alpha")
        return frame

    def _bracket(self, alpha):
        """``(k, t)``: α lies between grid points k and k + 1 at fraction t (linear in α,
        glmnet's ``lambda.interp``); an error outside the grid's range."""
        alpha = float(alpha)
        low, high = float(self.alphas[-1]), float(self.alphas[0])
        if not (np.isfinite(alpha) and low * (1 - 1e-12) <= alpha <= high * (1 + 1e-12)):
            raise ValueError(
                f"alpha={alpha!r} is outside the path's range [{low:.6g}, {high:.6g}]; "
                "compute a path (or a fit) that reaches it."
            )
        if self.alphas.size == 1:
            return 0, 0.0
        # grid decreasing: k with alphas[k] ≥ alpha ≥ alphas[k + 1]
        k = int(np.clip(np.searchsorted(-self.alphas, -alpha, side="right") - 1, 0,
                        self.alphas.size - 2))  # fmt: skip
        span = self.alphas[k] - self.alphas[k + 1]
        return k, float((self.alphas[k] - alpha) / span) if span > 0 else 0.0

    def _row(self, k):
        row = self.coefs[k]
        return row.toarray().ravel() if sp.issparse(self.coefs) else np.asarray(row)

    def coef_at(self, alpha) -> np.ndarray:
        """The coefficients at any α of the path's range, without the data.

        Exact at a grid point; between two grid points the linear interpolation in α
        of their solutions (glmnet's ``coef(fit, s=, exact=FALSE)``). For the lasso the
        path is piecewise linear in α, so this is exact unless a knot (a feature
        entering or leaving) lies between the two points; :meth:`refit_at` solves
        there exactly, with a certificate.

        Examples
        --------
        >>> from sklearn.datasets import load_diabetes
        >>> from shrinkage import path
        >>> X, y = load_diabetes(return_X_y=True)
        >>> result = path(X, y, n_alphas=10)
        >>> bool(np.array_equal(result.coef_at(result.alphas[3]), result.coefs[3]))
        True

        Halfway between two grid points, halfway between their solutions:

        >>> halfway = (result.alphas[3] + result.alphas[4]) / 2
        >>> bool(np.allclose(result.coef_at(halfway), (result.coefs[3] + result.coefs[4]) / 2))
        True
        """
        k, t = self._bracket(alpha)
        if t == 0.0:
            return self._row(k)
        return (1.0 - t) * self._row(k) + t * self._row(k + 1)

    def intercept_at(self, alpha) -> float:
        """The intercept at α, interpolated as :meth:`coef_at`."""
        k, t = self._bracket(alpha)
        if t == 0.0:
            return float(self.intercepts[k])
        return float((1.0 - t) * self.intercepts[k] + t * self.intercepts[k + 1])

    def predict(self, X, alpha=None):
        """The linear predictor ``X w + b``: at every grid α (an n × n_alphas array, as
        glmnet's ``predict(fit, newx)``), or at one ``alpha`` (:meth:`coef_at`). For the
        logistic loss this is the log-odds."""
        X = self._checked(X)
        if alpha is None:
            return np.asarray(X @ self.coefs.T) + self.intercepts
        return np.asarray(X @ self.coef_at(alpha)).ravel() + self.intercept_at(alpha)

    def _checked(self, X):
        """X checked (:func:`~shrinkage._validation.check_matrix`) and with the path's
        number of features."""
        from .._validation import check_matrix

        X = check_matrix(X)
        if X.shape[1] != self.coefs.shape[1]:
            raise ValueError(
                f"X has {X.shape[1]} features; the path was fitted on "
                f"{self.coefs.shape[1]} features."
            )
        return X

    def refit_at(self, alpha, X, y, *, sample_weight=None, offset=None):
        """Solve exactly at ``alpha`` (any α ≥ 0), warm-started from the nearest grid
        point, with the path's loss, penalty, groups and options; the data (and the
        ``offset``, for a path fitted with one) must be the path's.

        Returns
        -------
        SolverResult
            Certified to the path's ``tol`` (or a ``ConvergenceWarning``).
        """
        from .._validation import check_alpha

        alpha = check_alpha(alpha)
        if self.penalty is None:
            raise ValueError("this path does not record its penalty: fit it again.")
        nearest = int(np.argmin(np.abs(np.log(self.alphas / max(alpha, 1e-300)))))
        options = dict(fit_intercept=self.fit_intercept, sample_weight=sample_weight,
                       standardize=self.standardize, tol=self.tol)  # fmt: skip
        start = self._row(nearest)
        result = self._solve(alpha, X, y, start, float(self.intercepts[nearest]), offset,
                             options)  # fmt: skip
        if not result.converged:
            from sklearn.exceptions import ConvergenceWarning

            warnings.warn(
                f"refit_at: alpha={alpha:.4g} reached relative duality gap "
                f"{result.relative_gap:.3g} > tol={self.tol:.3g}.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return result

    def _solve(self, alpha, X, y, coef_init, intercept_init, offset, options):
        """The one-α solver of this path's loss and penalty (:meth:`refit_at`)."""
        rho = self.penalty.l1_ratio
        if self.groups is not None:
            from ..solvers.group_glm import solve_group_glm
            from ..solvers.group_lasso import solve_group_lasso

            if self.loss == "squared":
                y = y if offset is None else np.asarray(y, dtype=np.float64) - offset
                return solve_group_lasso(X, y, alpha, self.groups, l1_ratio=rho,
                                         group_weights=self.group_weights,
                                         coef_init=coef_init, **options)  # fmt: skip
            return solve_group_glm(X, y, alpha, self.groups, loss=self.loss, l1_ratio=rho,
                                   group_weights=self.group_weights, coef_init=coef_init,
                                   intercept_init=intercept_init, offset=offset,
                                   **options)  # fmt: skip
        if self.loss in ("logistic", "poisson"):
            from ..solvers.logistic import solve_logistic
            from ..solvers.poisson import solve_poisson

            solver = solve_logistic if self.loss == "logistic" else solve_poisson
            return solver(X, y, alpha, self.penalty, coef_init=coef_init,
                          intercept_init=intercept_init, offset=offset, **options)  # fmt: skip
        from ..solvers import solve

        y = y if offset is None else np.asarray(y, dtype=np.float64) - offset
        return solve(X, y, alpha, self.penalty, coef_init=coef_init, **options)

    def plot(self, ax=None, *, standardized=None, label="all"):
        """Coefficients against α (log scale, largest α on the left); every feature
        that is ever non-zero labelled at the right edge, spread apart; standardised
        coefficients (``coefs · column_std``) by default when the path was fitted with
        ``standardize=True``. See :func:`shrinkage.plots.paths.plot_path`; returns the
        axes."""
        from ..plots.paths import plot_path  # matplotlib only when plotting

        return plot_path(self, ax, standardized=standardized, label=label)
