"""``PoissonLasso`` and ``PoissonElasticNet``: penalised Poisson regression, certified.

Both minimise half the mean Poisson deviance (log link) plus the elastic net::

    1/n Σ s_i [μ_i − y_i z_i + y_i log y_i − y_i] + α Σ_j f_j (ρ|w_j| + ½(1 − ρ) w_j²)

with ``z = Xw + b + o`` and ``μ = e^z`` (o: an offset, the log of an exposure), through
:func:`shrinkage.solvers.poisson.solve_poisson`; with ``groups`` the penalty is the
group lasso / group elastic net ``α Σ_g ω_g (ρ‖w_g‖₂ + ½(1 − ρ)‖w_g‖₂²)``, through
:func:`shrinkage.solvers.group_glm.solve_group_glm`.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.metrics import d2_tweedie_score
from sklearn.utils.validation import check_is_fitted

from .._validation import offset_of
from ..solvers.group_glm import solve_group_glm
from ..solvers.poisson import solve_poisson
from .base import PenalizedLinearModel, linear_predictor
from .contract import (
    ALPHA,
    BOX_OPTIONS,
    FIT_OPTIONS,
    GROUP_OPTIONS,
    L1_RATIO,
    PENALTY_OPTIONS,
    check_group_options,
    regression_data,
    store_parameters,  # fmt: skip
)

__all__ = ["PoissonElasticNet", "PoissonLasso", "PoissonModel"]


class PoissonModel(PenalizedLinearModel, RegressorMixin, BaseEstimator):
    """What :class:`PoissonLasso` and :class:`PoissonElasticNet` share: the fit with an
    offset or exposure, the predicted mean and the deviance score. See
    :class:`PoissonElasticNet` for the parameters."""

    _loss = "poisson"

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, offset=None, exposure=None):
        """Fit the model and certify it.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Sparse input is used as CSC, never densified; dense with ``groups``.
        y : array-like of shape (n_samples,)
            Counts ``y ≥ 0`` (non-integer rates are fitted, as in glmnet, with a
            :class:`~shrinkage.losses.NonIntegerCountWarning`); some must
            be positive.
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights, normalised to sum to n.
        offset : array-like of shape (n_samples,), optional
            Fixed part of the log-mean, ``log μ = Xw + b + offset``.
        exposure : array-like of shape (n_samples,), optional
            Positive exposures (time at risk, population): ``offset = log(exposure)``,
            so that the model is for the rate ``y/exposure``.

        Returns
        -------
        self
        """
        check_group_options(self, X)
        X, y, sample_weight = regression_data(self, X, y, sample_weight)
        start = dict(
            coef_init=self._previous_coef((X.shape[1],)),
            intercept_init=getattr(self, "intercept_", None) if self.warm_start else None,
            offset=offset_of(X.shape[0], offset, exposure),
        )  # fmt: skip
        if self.groups is None:
            result = solve_poisson(X, y, self.alpha, self._penalty(), **start,
                                   **self._fit_options(sample_weight))  # fmt: skip
        else:
            result = self._solve_groups(X, y, self.alpha, self.l1_ratio, sample_weight,
                                        **start)  # fmt: skip
        self._warn_unconverged(result, stacklevel=4)  # the caller of fit, past the wrapper
        self._store_solution(result)
        return self

    def _solve_groups(self, X, y, alpha, l1_ratio, sample_weight, **start):
        """The group lasso / group elastic net of ``groups`` at (α, ρ), certified
        (:func:`~shrinkage.solvers.group_glm.solve_group_glm`; ``start`` the warm start
        and the offset)."""
        return solve_group_glm(
            X, y, alpha, self.groups, loss=self._loss, l1_ratio=l1_ratio,
            group_weights=self.group_weights, **start, **self._fit_options(sample_weight),
        )  # fmt: skip

    def _store_solution(self, result):
        """The fitted attributes of one certified solve."""
        self.coef_ = result.coef
        self.intercept_ = float(result.intercept) if self.fit_intercept else 0.0
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate

    def _log_mean(self, X, offset, exposure):
        check_is_fitted(self)
        z = linear_predictor(self, X, self.coef_, self.intercept_)
        offset = offset_of(z.shape[0], offset, exposure)
        return z if offset is None else z + offset

    def predict(self, X, *, offset=None, exposure=None):
        """The predicted mean count ``μ = exp(X @ coef_ + intercept_ + offset)``.

        With ``exposure`` (or ``offset = log(exposure)``) the mean of a unit observed
        over that exposure; without, the rate per unit exposure.
        """
        with np.errstate(over="ignore"):
            return np.exp(self._log_mean(X, offset, exposure))

    def score(self, X, y, sample_weight=None, *, offset=None, exposure=None):
        """D², the fraction of Poisson deviance explained (1 is perfect, 0 the mean
        alone), as scikit-learn's ``PoissonRegressor.score``."""
        mean = self.predict(X, offset=offset, exposure=exposure)
        return float(d2_tweedie_score(y, mean, sample_weight=sample_weight, power=1))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True
        return tags


class PoissonElasticNet(PoissonModel):
    """Poisson regression (log link) with an elastic-net penalty.

    Minimises ``1/n Σ s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i] + α Σ_j f_j (ρ|w_j| +
    ½(1 − ρ) w_j²)``, ``z = Xw + b + o``: half the mean Poisson deviance, so α is
    glmnet's λ for ``family = "poisson"`` and, with ``l1_ratio=0``, scikit-learn's
    ``PoissonRegressor(alpha=α)``. The fit stops when the relative duality gap is
    ``≤ tol`` (proximal Newton with working sets).

    Parameters
    ----------
    alpha : float, default 0.01
        Regularisation strength α ≥ 0.
    l1_ratio : float in [0, 1], default 0.5
        ρ, the L1 share: 1 is the lasso penalty, 0 ridge.
    fit_intercept : bool, default True
        Fit an unpenalised intercept (the log of the baseline rate).
    standardize : bool, default False
        Penalise the coefficients of standardised columns (glmnet's
        ``standardize=TRUE``); ``coef_`` stays on the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j ≥ 0``; 0 leaves a feature unpenalised.
    positive : bool, default False
        Constrain the coefficients to be ``>= 0``.
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. Solved by proximal Newton on the box
        (:mod:`shrinkage.solvers.box`).
    groups : array-like of shape (n_features,) or list of index lists, optional
        Groups of features penalised by ``ω_g‖w_g‖₂`` (group lasso / group elastic net,
        Yuan & Lin 2006): a group enters or leaves the model whole; sparse X is
        fitted as its dense copy. One label
        per feature, or the features of each group, covering every feature once. Not
        with ``penalty_factor``, ``positive`` or ``lower`` / ``upper``.
    group_weights : array-like of shape (n_groups,), optional
        ω_g > 0 in the order of the sorted labels (or of the lists); default ``√p_g``,
        p_g the size of group g.
    tol : float, default 1e-4
        Target relative duality gap (gap ≤ tol · P(0), P(0) the null model's half mean
        deviance).
    max_iter : int, default 100
        Maximum proximal-Newton steps.
    warm_start : bool, default False
        Start from the previous ``coef_`` and ``intercept_``.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Log rate ratios per unit of each feature (exact zeros where the penalty removed
        a feature).
    intercept_ : float
    n_iter_ : int
        Proximal-Newton steps taken.
    dual_gap_ : float
    certificate_ : shrinkage.certificates.Certificate
        Primal, dual, relative gap and per-feature (with ``groups``: per-group) KKT
        residual.
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    See Also
    --------
    PoissonLasso : ρ = 1.
    shrinkage.solvers.poisson.solve_poisson : the functional form.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 5))
    >>> y = rng.poisson(np.exp(0.5 * X[:, 0] + 0.2))
    >>> model = PoissonElasticNet(alpha=0.1).fit(X, y)
    >>> model.coef_.round(2)
    array([ 0.37,  0.02,  0.  ,  0.  , -0.05])
    >>> model.certificate_.relative_gap <= 1e-4, round(model.score(X, y), 2)
    (True, 0.15)
    """

    _parameter_constraints: dict = {
        "alpha": ALPHA, "l1_ratio": L1_RATIO, **FIT_OPTIONS, **PENALTY_OPTIONS,
        **BOX_OPTIONS, **GROUP_OPTIONS, "warm_start": ["boolean"],
    }  # fmt: skip

    def __init__(
        self, alpha=0.01, *, l1_ratio=0.5, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, lower=None, upper=None, groups=None,
        group_weights=None, tol=1e-4, max_iter=100, warm_start=False,
    ):  # fmt: skip
        store_parameters(self, locals())


class PoissonLasso(PoissonModel):
    """Poisson regression (log link) with the L1 penalty:
    ``1/n Σ s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i] + α Σ_j f_j|w_j|``.

    :class:`PoissonElasticNet` with ``l1_ratio = 1``; the parameters and attributes are
    the same. Features whose correlation with the count residual ``y − μ`` stays below
    ``n α f_j`` are exactly zero; with ``groups`` (the group lasso
    ``α Σ_g ω_g‖w_g‖₂``), groups whose correlation norm stays below ``n α ω_g``.

    Examples
    --------
    Counts observed over different exposures (the rate depends on the first feature):

    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((300, 4))
    >>> exposure = rng.uniform(0.5, 3.0, 300)
    >>> y = rng.poisson(exposure * np.exp(0.4 * X[:, 0]))
    >>> model = PoissonLasso(alpha=0.05).fit(X, y, exposure=exposure)
    >>> model.coef_.round(2), round(model.intercept_, 2)
    (array([ 0.43,  0.  ,  0.02, -0.04]), -0.04)
    >>> model.predict(X[:2], exposure=[1.0, 2.0]).round(2)
    array([1.19, 2.74])

    The first two features as one group, the last two as another:

    >>> grouped = PoissonLasso(alpha=0.15, groups=[0, 0, 1, 1]).fit(X, y, exposure=exposure)
    >>> np.flatnonzero(grouped.coef_).tolist()
    [0, 1]
    """

    _parameter_constraints: dict = {
        "alpha": ALPHA, **FIT_OPTIONS, **PENALTY_OPTIONS, **BOX_OPTIONS, **GROUP_OPTIONS,
        "warm_start": ["boolean"],
    }  # fmt: skip

    def __init__(
        self, alpha=0.01, *, fit_intercept=True, standardize=False, penalty_factor=None,
        positive=False, lower=None, upper=None, groups=None, group_weights=None, tol=1e-4,
        max_iter=100, warm_start=False,
    ):  # fmt: skip
        store_parameters(self, locals())
