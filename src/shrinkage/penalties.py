"""Penalties: L1 (lasso), L2 (ridge) and their mix (elastic net).

Every penalty here is a *weighted elastic net*, written once::

    penalty(w) = Σ_j f_j ( ρ |w_j| + ½ (1 − ρ) w_j² )      (+ w ≥ 0 if positive)

(+ the box ``l_j ≤ w_j ≤ u_j`` of ``lower`` and ``upper``, :mod:`shrinkage.bounds`)

with ``ρ = l1_ratio`` (1 for :class:`L1`, 0 for :class:`L2`) and per-feature penalty
factors ``f_j ≥ 0`` (0 leaves feature j unpenalised). The objective of every model is
``loss + α · penalty``. Multiplying out α gives per-feature *weights*::

    l1_weight_j = α ρ f_j,    l2_weight_j = α (1 − ρ) f_j

and all the maths below (prox, conjugate, subdifferential distance) is written for those
weights, so the solvers and kernels never see a penalty object, only two arrays.

Standardising column j by its standard deviation σ_j is the same as fitting the original
column with ``l1_weight_j · σ_j`` and ``l2_weight_j · σ_j²`` (substitute w̃_j = σ_j w_j);
:meth:`Penalty.weights` takes that ``scale`` so no scaled copy of X is ever made.

This module is the NumPy reference; ``shrinkage._kernels`` must agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real

import numpy as np

from ._kernels.prox import THRESHOLD_SLACK
from .bounds import box_subdiff_distance, check_bounds, clip_to_box, open_sides

__all__ = ["Penalty", "L1", "L2", "ElasticNetPenalty", "soft_threshold", "prox_weighted_enet"]


def soft_threshold(z, threshold):
    """Soft-thresholding ``S(z, t) = sign(z) · max(|z| − t, 0)``, elementwise.

    The proximal operator of ``t·|·|``: it returns *exactly* zero whenever ``|z| ≤ t``,
    which is the whole reason the L1 penalty yields sparse solutions.

    Examples
    --------
    >>> soft_threshold(np.array([-3.0, 0.5, 2.0]), 1.0)
    array([-2.,  0.,  1.])
    """
    z = np.asarray(z, dtype=float)
    return np.sign(z) * np.maximum(np.abs(z) - threshold, 0.0)


def prox_weighted_enet(v, step, l1_weight, l2_weight, positive=False):
    """Proximal operator of ``step · Σ_j (a_j |w_j| + ½ b_j w_j²)`` (+ w ≥ 0).

    ``argmin_w ½‖w − v‖² + step · penalty(w)`` is ``S(v, step·a) / (1 + step·b)``
    coordinate-wise; with ``positive`` the soft-threshold is one-sided.
    """
    v = np.asarray(v, dtype=float)
    threshold = step * np.asarray(l1_weight, dtype=float)
    if positive:
        shrunk = np.maximum(v - threshold, 0.0)
        shrunk[v <= threshold * (1 + THRESHOLD_SLACK)] = 0.0
    else:
        shrunk = soft_threshold(v, threshold)
        shrunk[np.abs(v) <= threshold * (1 + THRESHOLD_SLACK)] = 0.0
    return shrunk / (1.0 + step * l2_weight)


def _check_alpha(alpha):
    if not isinstance(alpha, Real) or not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}.")
    return float(alpha)


@dataclass(frozen=True)
class Penalty:
    """Weighted elastic-net penalty ``Σ_j f_j (ρ|w_j| + ½(1−ρ) w_j²)``.

    Parameters
    ----------
    l1_ratio : float in [0, 1]
        ρ, the share of L1. 1 is the lasso, 0 is ridge.
    penalty_factor : array-like of shape (n_features,), optional
        Non-negative factors ``f_j`` (default all ones); 0 leaves a feature unpenalised.
    positive : bool, default False
        Constrain every coefficient to be ``>= 0`` (the box ``lower = 0``).
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ w_j ≤ upper_j`` (glmnet's ``lower.limits`` and
        ``upper.limits``; ±inf: no bound), each box containing 0
        (:mod:`shrinkage.bounds`). ``positive=True`` with ``upper`` is the box
        ``[0, upper]``; ``positive`` with ``lower`` is an error. Infinite bounds are
        dropped, and ``lower = 0`` without an upper bound becomes ``positive=True``.

    See Also
    --------
    L1, L2, ElasticNetPenalty : the named special cases.

    Examples
    --------
    >>> pen = ElasticNetPenalty(l1_ratio=0.5)
    >>> float(pen.value(np.array([2.0, -1.0])))
    2.75
    """

    l1_ratio: float = 1.0
    penalty_factor: np.ndarray | None = field(default=None)
    positive: bool = False
    lower: np.ndarray | float | None = field(default=None)
    upper: np.ndarray | float | None = field(default=None)

    def __post_init__(self):
        rho = self.l1_ratio
        if not isinstance(rho, Real) or not np.isfinite(rho) or not 0.0 <= rho <= 1.0:
            raise ValueError(f"l1_ratio must be a number in [0, 1], got {rho!r}.")
        if self.penalty_factor is not None:
            f = np.asarray(self.penalty_factor)
            if f.dtype.kind not in "biuf":
                raise TypeError(f"penalty_factor must be numeric, got dtype {f.dtype}.")
            f = f.astype(np.float64).ravel()
            if not np.all(np.isfinite(f)):
                raise ValueError("penalty_factor contains NaN or infinity.")
            if np.any(f < 0):
                bad = np.flatnonzero(f < 0)[:5].tolist()
                raise ValueError(f"penalty_factor must be >= 0; negative at indices {bad}.")
            f.setflags(write=False)
            object.__setattr__(self, "penalty_factor", f)
        if self.positive and self.lower is not None:
            raise ValueError("give positive=True or lower, not both (positive is lower=0).")
        lower, upper = check_bounds(self.lower, self.upper)
        # infinite bounds bound nothing, and [0, ∞) everywhere is positivity, which the
        # fast solvers take: only a finite bound other than that needs the box solver
        if lower is not None and np.all(np.isneginf(lower)):
            lower = None
        if upper is not None and np.all(np.isposinf(upper)):
            upper = None
        if upper is None and lower is not None and np.all(lower == 0):
            object.__setattr__(self, "positive", True)
            lower = None
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    # -- the box ------------------------------------------------------------------------
    @property
    def boxed(self) -> bool:
        """Whether ``lower`` or ``upper`` is given: a box beyond ``positive``, which only
        the box-constrained solver (:mod:`shrinkage.solvers.box`) takes."""
        return self.lower is not None or self.upper is not None

    def bounds(self, n_features: int):
        """``(lower, upper)`` as float64 arrays of length ``n_features`` (``positive``
        is ``lower = 0``; ±inf where there is no bound)."""
        check_bounds(self.lower, self.upper, n_features)
        floor = 0.0 if self.positive else -np.inf
        lower = np.full(n_features, floor) if self.lower is None else self.lower
        upper = np.inf if self.upper is None else self.upper
        return (np.broadcast_to(lower, n_features).astype(np.float64),
                np.broadcast_to(upper, n_features).astype(np.float64))  # fmt: skip

    def with_l1_ratio(self, l1_ratio):
        """The same penalty (factors, positivity, box) with another ρ."""
        return Penalty(l1_ratio, self.penalty_factor, self.positive, self.lower, self.upper)

    # -- per-feature weights ------------------------------------------------------------
    def factors(self, n_features: int) -> np.ndarray:
        """The penalty factors ``f`` as an array of length ``n_features``."""
        if self.penalty_factor is None:
            return np.ones(n_features)
        if self.penalty_factor.shape[0] != n_features:
            raise ValueError(
                f"penalty_factor has {self.penalty_factor.shape[0]} entries but X has "
                f"{n_features} features."
            )
        return np.array(self.penalty_factor, dtype=float)

    def weights(self, alpha: float, n_features: int, scale=None):
        """Per-feature ``(l1_weight, l2_weight)`` for strength ``alpha``.

        ``scale`` (σ_j, e.g. column standard deviations) turns a penalty on standardised
        coefficients into the same penalty on the original scale.
        """
        alpha = _check_alpha(alpha)
        f = self.factors(n_features)
        s = np.ones(n_features) if scale is None else np.asarray(scale, dtype=float)
        return alpha * self.l1_ratio * f * s, alpha * (1.0 - self.l1_ratio) * f * s**2

    # -- reference maths ----------------------------------------------------------------
    def value(self, w, scale=None) -> float:
        """``penalty(w)`` without α (``inf`` if ``positive`` and some ``w_j < 0``)."""
        w = np.asarray(w, dtype=float)
        a, b = self.weights(1.0, w.shape[0], scale)
        if self.positive and np.any(w < 0):
            return np.inf
        if self.boxed:
            lower, upper = self.bounds(w.shape[0])
            if np.any((w < lower) | (w > upper)):
                return np.inf
        return float(a @ np.abs(w) + 0.5 * b @ (w * w))

    def gradient(self, w, alpha, scale=None):
        """Gradient of ``α · penalty`` where it exists; at ``w_j = 0`` the L1 part gives 0
        (the minimum-norm subgradient), which is what plain subgradient descent uses."""
        w = np.asarray(w, dtype=float)
        a, b = self.weights(alpha, w.shape[0], scale)
        return a * np.sign(w) + b * w

    def prox(self, v, step, alpha, scale=None):
        """``argmin_w ½‖w − v‖² + step·α·penalty(w)``."""
        v = np.asarray(v, dtype=float)
        a, b = self.weights(alpha, v.shape[0], scale)
        shrunk = prox_weighted_enet(v, step, a, b, self.positive)
        return clip_to_box(shrunk, *self.bounds(v.shape[0])) if self.boxed else shrunk

    def subdiff_distance(self, w, grad, alpha, scale=None):
        """Distance of ``−grad`` to ``α ∂penalty(w)`` per coordinate: the KKT residual.

        ``grad`` is the gradient of the loss. Zero everywhere exactly at a minimiser.
        """
        w = np.asarray(w, dtype=float)
        grad = np.asarray(grad, dtype=float)
        a, b = self.weights(alpha, w.shape[0], scale)
        if self.boxed:
            return box_subdiff_distance(w, grad, a, b, *self.bounds(w.shape[0]))
        return subdiff_distance(w, grad, a, b, self.positive)

    def alpha_max(self, correlation, scale=None) -> float:
        """Smallest α at which every penalised coefficient is exactly zero.

        ``correlation`` is ``−∇loss(0)`` restricted to the fit of the unpenalised part
        (for squared loss ``X_jᵀ r / n``, r the residual of intercept and unpenalised
        features). Pure ridge zeroes no coefficient on a whole interval of α (only
        isolated sign changes): ``inf``.
        """
        c = np.asarray(correlation, dtype=float)
        if self.boxed:  # only the open side of each box can move w away from 0
            up, down = open_sides(*self.bounds(c.shape[0]))
            c = np.maximum(np.where(up, c, 0.0), np.where(down, -c, 0.0))
        if self.penalty_factor is None and scale is None:  # a_j = ρ for all: no p-vectors
            if self.l1_ratio == 0 or c.size == 0:
                return np.inf
            top = float(np.max(c)) if self.positive else float(np.max(np.abs(c)))
            return max(top, 0.0) / self.l1_ratio
        a, _ = self.weights(1.0, c.shape[0], scale)
        if self.positive:
            c = np.maximum(c, 0.0)
        c = np.abs(c)
        penalised = a > 0
        if not np.any(penalised):
            return np.inf
        return float(np.max(c[penalised] / a[penalised]))


def subdiff_distance(w, grad, l1_weight, l2_weight, positive):
    """KKT residual of ``0 ∈ grad + a ∂|w| + b w (+ normal cone of w ≥ 0)``, per coordinate."""
    g = grad + l2_weight * w
    nonzero = np.abs(g + l1_weight * np.sign(w))
    if positive:
        at_zero = np.maximum(-g - l1_weight, 0.0)
        negative = np.where(w < 0, np.inf, 0.0)
    else:
        at_zero = np.maximum(np.abs(g) - l1_weight, 0.0)
        negative = 0.0
    return np.where(w == 0, at_zero, nonzero) + negative


def conjugate_weighted_enet(v, l1_weight, l2_weight, positive):
    """Fenchel conjugate ``Σ_j g_j*(v_j)`` of ``g_j(w) = a_j|w| + ½ b_j w² (+ w ≥ 0)``.

    ``g*(v) = max(|v| − a, 0)² / (2b)`` for b > 0, the indicator of ``|v| ≤ a`` for b = 0
    (one-sided ``v ≤ a`` with positivity). Returns ``inf`` outside the domain.
    """
    excess = np.maximum(v - l1_weight, 0.0) if positive else np.maximum(np.abs(v) - l1_weight, 0)
    smooth = l2_weight > 0
    total = float(np.sum(excess[smooth] ** 2 / (2.0 * l2_weight[smooth])))
    # relative slack for rounding: the dual point is scaled to be feasible to ~1e-16
    slack = 1e-10 * np.abs(l1_weight[~smooth])
    if np.any(excess[~smooth] > slack):
        return np.inf
    return total


def L1(penalty_factor=None, positive=False, lower=None, upper=None) -> Penalty:
    """The lasso penalty ``Σ_j f_j |w_j|`` (``l1_ratio = 1``).

    Its prox is the soft threshold (:func:`soft_threshold`) at ``step · α · f_j``: a value
    within that distance of 0 becomes exactly 0, the others move that far towards 0. A
    feature with ``f_j = 0`` is left as it is.

    Examples
    --------
    >>> lasso = L1(penalty_factor=[1.0, 0.0, 1.0])
    >>> float(lasso.value(np.array([1.0, -2.0, 3.0])))
    4.0
    >>> lasso.prox(np.array([3.0, 0.5, -0.5]), step=1.0, alpha=1.0)
    array([2. , 0.5, 0. ])
    """
    return Penalty(1.0, penalty_factor, positive, lower, upper)


def L2(penalty_factor=None, positive=False, lower=None, upper=None) -> Penalty:
    """The ridge penalty ``½ Σ_j f_j w_j²`` (weight decay, ``l1_ratio = 0``).

    Its prox divides each coefficient by ``1 + step · α · f_j``: a proportional shrink
    that never reaches exactly 0, so ridge keeps every feature (with ``positive``,
    negative values are set to 0 first); along a ridge path a coefficient is 0 only at
    isolated α where it changes sign.

    Examples
    --------
    >>> float(L2().value(np.array([1.0, -2.0])))
    2.5
    >>> L2().prox(np.array([3.0, -0.5]), step=1.0, alpha=1.0)
    array([ 1.5 , -0.25])
    """
    return Penalty(0.0, penalty_factor, positive, lower, upper)


def ElasticNetPenalty(
    l1_ratio=0.5, penalty_factor=None, positive=False, lower=None, upper=None
) -> Penalty:
    """The elastic-net penalty ``Σ_j f_j (ρ|w_j| + ½(1−ρ) w_j²)``.

    Examples
    --------
    >>> float(ElasticNetPenalty(0.5).value(np.array([2.0])))
    2.0
    """
    return Penalty(l1_ratio, penalty_factor, positive, lower, upper)


def __getattr__(name):
    """Name the replacement of ``ElasticNet``, the former name of
    :func:`ElasticNetPenalty` (it read like the ``shrinkage.ElasticNet`` estimator)."""
    message = f"module 'shrinkage.penalties' has no attribute {name!r}"
    if name == "ElasticNet":
        message += (": the penalty is ElasticNetPenalty (shrinkage.ElasticNet is the "
                    "estimator; the old name was removed in 0.8.4)")  # fmt: skip
    raise AttributeError(message + ".")
