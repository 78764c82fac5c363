"""``Lasso``, ``ElasticNet`` and ``Ridge`` in the one scaling of the package.

All three minimise ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α · penalty(w)`` with
``penalty = Σ f_j (ρ|w_j| + ½(1 − ρ) w_j²)``; they differ only in ρ (``l1_ratio``).
"""

from __future__ import annotations

from sklearn.utils._param_validation import StrOptions

from .base import ElasticNetRegressor
from .contract import L1_RATIO, store_parameters

__all__ = ["ElasticNet", "Lasso", "Ridge"]


class Lasso(ElasticNetRegressor):
    """Lasso: squared loss with the L1 penalty, ``1/(2n)‖y − Xw − b‖² + α Σ f_j|w_j|``.

    Same scaling as scikit-learn's ``Lasso`` (α means the same thing). Coefficients whose
    correlation with the residual stays below ``α f_j`` are *exactly* zero.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularisation strength α ≥ 0.
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
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. A box is solved by coordinate descent on the box
        (``solver_`` "box_cd"; ``solver`` must be "auto").
    solver : {"auto", "working_set", "cd", "fista", "ista"}, default "auto"
        "auto" is coordinate descent on working sets with Anderson acceleration
        ("working_set"), or plain cyclic coordinate descent ("cd") when some
        ``penalty_factor`` is 0, or with ``lower`` / ``upper`` coordinate descent on
        the box ("box_cd").
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
    sparse_coef_ : scipy.sparse.csr_matrix of shape (1, n_features)
        ``coef_`` without its zeros.
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

    With ``upper``, three coefficients stop exactly at their bound:

    >>> capped = Lasso(alpha=0.1, upper=300.0).fit(X, y)
    >>> float(capped.coef_.max()), int((capped.coef_ == 300.0).sum()), capped.solver_
    (300.0, 3, 'box_cd')
    """


class ElasticNet(ElasticNetRegressor):
    """Elastic net: ``1/(2n)‖y − Xw − b‖² + α Σ f_j (ρ|w_j| + ½(1−ρ) w_j²)``.

    Same scaling as scikit-learn's ``ElasticNet``; glmnet's ``lambda`` is α and its
    ``alpha`` is ρ = ``l1_ratio``. ``l1_ratio=1`` is :class:`Lasso`, ``l1_ratio=0`` is
    :class:`Ridge`.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularisation strength α ≥ 0 (glmnet's ``lambda``).
    l1_ratio : float in [0, 1], default 0.5
        ρ, the L1 share of the penalty (glmnet's ``alpha``).
    fit_intercept : bool, default True
        Leave an intercept ``b`` out of the penalty and fit it.
    standardize : bool, default False
        Weigh both parts of the penalty by each column's standard deviation (glmnet's
        ``standardize=TRUE``); ``coef_`` stays on the original scale, and a constant
        column is an error.
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j ≥ 0`` on the L1 and the L2 part alike; 0 leaves feature j
        unpenalised.
    positive : bool, default False
        Keep every coefficient ``>= 0``.
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``.
    solver : {"auto", "working_set", "cd", "fista", "ista"}, default "auto"
        As in :class:`Lasso`: working sets with Anderson acceleration, cyclic
        coordinate descent when some ``penalty_factor`` is 0, or coordinate descent on
        the box with ``lower`` / ``upper`` (only "auto" takes a box).
    tol : float, default 1e-4
        Target relative duality gap: stop when the gap is ``≤ tol · P(0)``.
    max_iter : int, default 1000
        Maximum coordinate-descent epochs or proximal-gradient iterations.
    warm_start : bool, default False
        Refits start from the previous ``coef_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients on the original scale; the L1 part sets some exactly to zero.
    sparse_coef_ : scipy.sparse.csr_matrix of shape (1, n_features)
        The non-zero coefficients.
    intercept_ : float
        The unpenalised intercept (0.0 without ``fit_intercept``).
    n_iter_ : int
        Epochs or iterations run.
    dual_gap_ : float
        The certified duality gap: the objective is at most this far above its minimum.
    certificate_ : shrinkage.certificates.Certificate
        Primal and dual objectives, relative gap, per-feature KKT residuals.
    solver_ : str
        Which solver "auto" picked, or the one named.
    n_features_in_ : int
        Number of columns of X.
    feature_names_in_ : ndarray of str
        Column names of a DataFrame X (only when they are all strings).

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

    _parameter_constraints: dict = {
        **ElasticNetRegressor._parameter_constraints,
        "l1_ratio": L1_RATIO,
    }

    def __init__(
        self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, lower=None, upper=None, solver="auto",
        tol=1e-4, max_iter=1000, warm_start=False,
    ):  # fmt: skip
        store_parameters(self, locals())


class Ridge(ElasticNetRegressor):
    """Ridge: ``1/(2n)‖y − Xw − b‖² + (α/2) Σ f_j w_j²`` (L2, weight decay).

    Equals ``ElasticNet(alpha, l1_ratio=0)``. **Conversion**: scikit-learn's ``Ridge``
    minimises ``‖y − Xw − b‖² + α_sk ‖w‖²``, so ``Ridge(alpha=a)`` here equals
    ``sklearn.linear_model.Ridge(alpha=n_samples * a)`` (with sample weights summing to
    n). Ridge shrinks every coefficient but sets none to exactly zero.

    Parameters
    ----------
    alpha : float, default 1.0
        Regularisation strength α ≥ 0 (``n_samples`` times smaller than scikit-learn's).
    fit_intercept : bool, default True
        Fit an intercept ``b``, which the L2 penalty leaves alone.
    standardize : bool, default False
        Shrink the coefficients of standardised columns (1/n weighted standard
        deviation); ``coef_`` is reported on the original scale. A constant column is
        then an error.
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j ≥ 0`` scaling each coefficient's ``½ w_j²``; 0 leaves it
        unshrunk.
    positive : bool, default False
        Non-negative coefficients only (then solved by coordinate descent).
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. A box is solved by coordinate descent on the box,
        never by the closed form.
    solver : {"auto", "closed_form", "working_set", "cd", "fista", "ista"}, default "auto"
        "auto" is the closed form (Cholesky on the smaller side, SVD when singular),
        or coordinate descent when ``positive=True`` (on the box with ``lower`` /
        ``upper``).
    tol : float, default 1e-4
        Relative duality gap the iterative solvers stop at (gap ``≤ tol · P(0)``).
    max_iter : int, default 1000
        Cap on the iterative solvers' epochs or iterations.
    warm_start : bool, default False
        An iterative solver starts a refit from the previous ``coef_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients on the original scale; shrunk, none exactly zero in general.
    sparse_coef_ : scipy.sparse.csr_matrix of shape (1, n_features)
        ``coef_`` as a sparse row.
    intercept_ : float
        The intercept, 0.0 when ``fit_intercept=False``.
    n_iter_ : int
        Iterations of the solver that ran.
    dual_gap_ : float
        Duality gap of the returned coefficients (an upper bound on their excess
        objective).
    certificate_ : shrinkage.certificates.Certificate
        Primal, dual and relative gap, and the KKT residual of every feature.
    solver_ : str
        The solver used.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of str
        The DataFrame's column names, when X had string column names.

    See Also
    --------
    ElasticNet, Lasso

    Examples
    --------
    The conversion above, checked:

    >>> import numpy as np
    >>> from sklearn import datasets, linear_model
    >>> from shrinkage import Ridge
    >>> X, y = datasets.load_diabetes(return_X_y=True)
    >>> model = Ridge(alpha=0.01).fit(X, y)
    >>> theirs = linear_model.Ridge(alpha=0.01 * X.shape[0]).fit(X, y)
    >>> bool(np.allclose(model.coef_, theirs.coef_)), int((model.coef_ == 0).sum())
    (True, 0)
    """

    _solvers = ("auto", "closed_form", "working_set", "cd", "fista", "ista")
    _parameter_constraints: dict = {
        **ElasticNetRegressor._parameter_constraints,
        "solver": [StrOptions(set(_solvers))],
    }
    l1_ratio = 0.0
