"""``Lasso``, ``ElasticNet`` and ``Ridge`` in the one scaling of the package.

All three minimise ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α · penalty(w)`` with
``penalty = Σ f_j (ρ|w_j| + ½(1 − ρ) w_j²)``; they differ only in ρ (``l1_ratio``).
"""

from __future__ import annotations

from ._base import PenalizedRegressor

__all__ = ["ElasticNet", "Lasso", "Ridge"]

_COMMON_PARAMETERS = """
    fit_intercept : bool, default True
        Fit an unpenalised intercept ``b``.
    standardize : bool, default False
        Penalise the coefficients of standardised columns (glmnet's
        ``standardize=TRUE``, weighted standard deviation with 1/n); ``coef_`` is always
        on the original scale. Constant columns are then an error.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature factors ``f_j ≥ 0`` multiplying the penalty; 0 leaves a feature
        unpenalised.
    positive : bool, default False
        Constrain the coefficients to be ``>= 0``.
    tol : float, default 1e-4
        Stop when the duality gap is ``≤ tol · P(0)`` (P(0): the objective at w = 0).
    max_iter : int, default 1000
        Maximum epochs (coordinate descent) or iterations (proximal gradient).
    warm_start : bool, default False
        Start from the previous ``coef_`` when refitting.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients on the original scale; exact zeros where the penalty removed a
        feature.
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float
        Duality gap reached, in this objective's scaling (an upper bound on the
        distance to the optimal objective value).
    certificate_ : shrinkage.certificates.Certificate
        Primal, dual, relative gap and per-feature KKT residual.
    solver_ : str
        The solver that ran.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when X was a DataFrame with string column names.
"""


class Lasso(PenalizedRegressor):
    __doc__ = (
        """Lasso: squared loss with the L1 penalty, ``1/(2n)‖y − Xw − b‖² + α Σ f_j|w_j|``.

    Same scaling as scikit-learn's ``Lasso`` (α means the same thing). Coefficients whose
    correlation with the residual stays below ``α f_j`` are *exactly* zero.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularisation strength α ≥ 0.
    solver : {"auto", "working_set", "cd", "fista", "ista"}, default "auto"
        "auto" is coordinate descent on working sets with Anderson acceleration
        ("working_set"), or plain cyclic coordinate descent ("cd") when some
        ``penalty_factor`` is 0."""
        + _COMMON_PARAMETERS
        + """
    See Also
    --------
    ElasticNet : L1 + L2 mix.
    Ridge : L2 only.
    shrinkage.solve : the functional form.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import Lasso
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = Lasso(alpha=1.0).fit(X, y)
    >>> int((model.coef_ == 0).sum()), model.certificate_.relative_gap <= 1e-4
    (7, True)
    """
    )

    def __init__(
        self, alpha=1.0, *, fit_intercept=True, standardize=False, penalty_factor=None,
        positive=False, solver="auto", tol=1e-4, max_iter=1000, warm_start=False,
    ):  # fmt: skip
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start


class ElasticNet(PenalizedRegressor):
    __doc__ = (
        """Elastic net: ``1/(2n)‖y − Xw − b‖² + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``.

    Same scaling as scikit-learn's ``ElasticNet``; glmnet's ``lambda`` is α and its
    ``alpha`` is ρ = ``l1_ratio``. ``l1_ratio=1`` is :class:`Lasso`, ``l1_ratio=0`` is
    :class:`Ridge`.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularisation strength α ≥ 0.
    l1_ratio : float in [0, 1], default 0.5
        ρ, the L1 share of the penalty.
    solver : {"auto", "working_set", "cd", "fista", "ista"}, default "auto"
        "auto" is coordinate descent on working sets with Anderson acceleration
        ("working_set"), or plain cyclic coordinate descent ("cd") when some
        ``penalty_factor`` is 0."""
        + _COMMON_PARAMETERS
        + """
    See Also
    --------
    Lasso, Ridge

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import ElasticNet
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNet(alpha=0.01, l1_ratio=0.7).fit(X, y)
    >>> int((model.coef_ == 0).sum()), model.certificate_.relative_gap <= 1e-4
    (0, True)
    """
    )

    def __init__(
        self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, solver="auto", tol=1e-4, max_iter=1000,
        warm_start=False,
    ):  # fmt: skip
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start


class Ridge(PenalizedRegressor):
    __doc__ = (
        """Ridge: ``1/(2n)‖y − Xw − b‖² + (α/2) Σ f_j w_j²`` (L2, weight decay).

    Equals ``ElasticNet(alpha, l1_ratio=0)``. **Conversion**: scikit-learn's ``Ridge``
    minimises ``‖y − Xw − b‖² + α_sk ‖w‖²``, so ``Ridge(alpha=a)`` here equals
    ``sklearn.linear_model.Ridge(alpha=n_samples * a)`` (with sample weights summing to
    n). Ridge shrinks every coefficient but sets none to exactly zero.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularisation strength α ≥ 0.
    solver : {"auto", "closed_form", "cd", "fista", "ista"}, default "auto"
        "auto" is the closed form (Cholesky on the smaller side, SVD when singular),
        or coordinate descent when ``positive=True``."""
        + _COMMON_PARAMETERS
        + """
    See Also
    --------
    ElasticNet, Lasso

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import Ridge
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = Ridge(alpha=0.01).fit(X, y)
    >>> int((model.coef_ == 0).sum())
    0
    """
    )

    _solvers = ("auto", "closed_form", "working_set", "cd", "fista", "ista")
    l1_ratio = 0.0

    def __init__(
        self, alpha=1.0, *, fit_intercept=True, standardize=False, penalty_factor=None,
        positive=False, solver="auto", tol=1e-4, max_iter=1000, warm_start=False,
    ):  # fmt: skip
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
