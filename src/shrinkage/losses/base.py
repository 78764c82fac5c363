"""What every loss provides: :class:`Loss`, and the normalisation of the row weights.

A loss is a function of the linear predictor ``z = Xw + b + o`` (o: an optional offset,
such as a log exposure), averaged over samples with row weights s normalised to sum to
n::

    F(z) = 1/n Σ_i s_i ℓ(y_i, z_i).

Solvers and certificates read it through the methods of :class:`Loss`; a new loss
(Poisson, multinomial) is a new subclass, not a new stack.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

__all__ = ["Loss", "normalise_sample_weight"]


def normalise_sample_weight(sample_weight, n_samples) -> np.ndarray:
    """Sample weights rescaled to sum to ``n_samples`` (ones when None).

    ``sample_weight`` must already be validated: finite, ``≥ 0``, positive sum. It is
    first scaled by a power of two that brings the largest weight into [½, 1): exact, so
    the sum of huge weights cannot overflow and a dominant weight (1e300 among ones)
    leaves the others small but not rounded away. Weights below ~1e-308 of the largest
    still underflow to 0.

    Examples
    --------
    >>> normalise_sample_weight([1.0, 3.0], 2)
    array([0.5, 1.5])
    """
    if sample_weight is None:
        return np.ones(n_samples)
    s = np.asarray(sample_weight, dtype=np.float64)
    s = np.ldexp(s, -int(np.frexp(np.max(s))[1]))  # exact: the sum cannot overflow
    return s * (n_samples / s.sum())


def weights_or_ones(weights, n_samples):
    """The row weights, or ones for equal weights (None)."""
    return np.ones(n_samples) if weights is None else weights


class Loss(ABC):
    """A data-fit term ``F(z) = 1/n Σ s_i ℓ(y_i, z_i)`` of the linear predictor z.

    Every method takes the targets y, the linear predictor ``prediction`` (z) and the
    row ``weights`` s, normalised to sum to n (:meth:`normalise_weights`; None: all
    ones). Fenchel duality gives, for the penalised problem, the bound
    ``D(θ) = −F*(−θ) − Σ_j g_j*(X_jᵀθ)`` (:mod:`shrinkage.certificates`), whose loss part
    is :meth:`dual_value` and whose natural point is :meth:`dual_point`.

    See Also
    --------
    shrinkage.losses.SquaredLoss, shrinkage.losses.LogisticLoss
    """

    def normalise_weights(self, sample_weight, n_samples) -> np.ndarray:
        """The row weights s of ``sample_weight``: :func:`normalise_sample_weight`."""
        return normalise_sample_weight(sample_weight, n_samples)

    @abstractmethod
    def mean(self, prediction):
        """``μ(z)``, the predicted mean of y (the inverse link)."""

    @abstractmethod
    def value(self, y, prediction, weights=None) -> float:
        """``F(z) = 1/n Σ s_i ℓ(y_i, z_i)``."""

    @abstractmethod
    def curvature(self, prediction, weights=None):
        """``∂²F/∂z_i² = s_i μ'(z_i)/n``, per sample."""

    @abstractmethod
    def dual_value(self, y, theta, weights=None) -> float:
        """``−F*(−θ)``, the loss part of the dual objective (``−∞`` outside its domain)."""

    #: The interval the mean μ(z) (and the dual's mean q) lives in.
    mean_bounds = (-np.inf, np.inf)

    @abstractmethod
    def intercept_without_offset(self, y, weights=None) -> float:
        """The optimal constant z of the fit without features or offset."""

    def null_prediction(self, y, weights=None, fit_intercept=True, offset=None) -> float:
        """The intercept b₀ of the fit without features (0 without intercept): the null
        model's predictor is ``b₀ + offset``.

        With an offset, b₀ solves ``Σ s_i (μ(b₀ + o_i) − y_i) = 0`` by Newton's method
        (monotone for the convex losses here), from the offset-free optimum; subclasses
        with a closed form override :meth:`intercept_with_offset`.
        """
        if not fit_intercept:
            return 0.0
        if offset is None:
            return self.intercept_without_offset(y, weights)
        return self.intercept_with_offset(y, weights, offset)

    def intercept_with_offset(self, y, weights, offset) -> float:
        """The b₀ of :meth:`null_prediction` for a given offset, by safeguarded Newton."""
        n = y.shape[0]
        s = weights_or_ones(weights, n)
        b = self.intercept_without_offset(y, s) - float(s @ offset) / float(s.sum())
        for _ in range(100):
            z = b + offset
            slope = float(np.sum(self.gradient(y, z, s)))
            curve = float(np.sum(self.curvature(z, s)))
            if not curve > 0:
                break
            step = float(np.clip(slope / curve, -1.0, 1.0))  # damped: a bounded move
            b -= step
            if abs(step) <= 1e-14 * (1.0 + abs(b)):
                break
        return b

    def clip_mean(self, q):
        """``q`` moved into :attr:`mean_bounds` (the dual's domain), against rounding."""
        low, high = self.mean_bounds
        return np.clip(q, low, high)

    def dual_mean(self, y, theta, weights=None):
        """``q = y − nθ/s``, the mean whose :meth:`dual_point` is θ (y where ``s_i = 0``:
        those samples constrain only ``θ_i = 0`` and add nothing to the dual)."""
        n = y.shape[0]
        s = weights_or_ones(weights, n)
        weighted = s > 0
        q = np.array(y, dtype=np.float64)
        q[weighted] = y[weighted] - n * theta[weighted] / s[weighted]
        return q

    def dual_value_at_mean(self, y, q, weights=None) -> float:
        """``−F*(−θ)`` written in the mean q of θ (:meth:`dual_mean`), q in its bounds."""
        raise NotImplementedError(f"{type(self).__name__} has no dual in the mean")

    def loss_change(self, y, prediction, change, weights=None) -> float:
        """``F(z + u) − F(z)``; subclasses sum it term by term, so that a change far
        below ``ε·F`` keeps its sign (the solvers' line searches read it)."""
        return self.value(y, prediction + change, weights) - self.value(y, prediction, weights)

    def derivatives(self, y, prediction, weights=None):
        """``(F(z), ∂F/∂z, curvature)``, the curvature floored at ``1e-12/n`` (a Newton
        model needs it positive)."""
        n = y.shape[0]
        curvature = np.maximum(self.curvature(prediction, weights), 1e-12 / n)
        return self.value(y, prediction, weights), self.gradient(y, prediction, weights), curvature

    def saturated_value(self, y, weights=None) -> float:
        """``1/n Σ s_i ℓ(y_i, z_i)`` at the saturated model (μ(z) = y), where it is finite:
        0 for the squared and logistic losses."""
        return 0.0

    def check_target(self, y, weights, sample_weight):
        """Raise ``ValueError`` when y is not a valid target for this loss (``weights``:
        normalised, ``sample_weight``: as the caller gave them, or None). Any finite y
        by default."""
        return None

    def residual(self, y, prediction):
        """``y − μ(z)``, the response residual."""
        return y - self.mean(prediction)

    def gradient(self, y, prediction, weights=None):
        """``∂F/∂z_i = s_i (μ(z_i) − y_i)/n``, per sample (``Xᵀ`` of it is the gradient
        in w)."""
        difference = self.mean(prediction) - y
        return (difference if weights is None else weights * difference) / y.shape[0]

    def dual_point(self, residual, weights=None):
        """``θ = s ∘ residual / n`` (``= −∇F(z)`` for ``residual = y − μ(z)``).

        At the optimum of the penalised problem θ is dual-optimal; the certificates make
        it feasible (projection, shrinking) elsewhere.
        """
        return (residual if weights is None else weights * residual) / residual.shape[0]

    #: The loss's conjugate is at least this strongly convex in q = y − nθ/s (its
    #: curvature H'' ≥ this, per unit weight): 1 for the squared loss, 4 for the
    #: log-loss (1/(q(1 − q)) ≥ 4). The dual is then (n·c/max s)-strongly concave in θ.
    conjugate_curvature = 1.0

    def dual_radius(self, gap, weights=None, n_samples=None) -> float:
        """``√(2·gap/μ)``: every dual optimum lies within this distance of a feasible dual
        point whose duality gap is ``gap``, μ = n·c/max(s) the strong concavity of the
        dual (:attr:`conjugate_curvature` c). The gap-safe sphere of Fercoq, Gramfort &
        Salmon (2015) and Ndiaye et al. (2017, JMLR 18) for this loss.

        Examples
        --------
        >>> from shrinkage.losses import LogisticLoss, SquaredLoss
        >>> SquaredLoss().dual_radius(0.02, n_samples=100)
        0.02
        >>> LogisticLoss().dual_radius(0.02, n_samples=100)  # 4× the curvature: ½ the radius
        0.01
        """
        n = n_samples if weights is None else weights.shape[0]
        largest = 1.0 if weights is None else float(np.max(weights))
        modulus = n * self.conjugate_curvature / largest
        if modulus <= 0:
            return np.inf  # no strong concavity (Poisson): no sphere
        return float(np.sqrt(2.0 * max(gap, 0.0) / modulus))

    def primal_at_zero(self, y, weights=None, fit_intercept=True, offset=None) -> float:
        """P(0): the loss at w = 0 with the intercept fitted, the scale of relative gaps."""
        b = self.null_prediction(y, weights, fit_intercept, offset)
        z = np.full(y.shape[0], b) if offset is None else b + offset
        return self.value(y, z, weights)

    def alpha_max(self, correlation, penalty, scale=None) -> float:
        """The smallest α with every penalised coefficient exactly zero.

        ``correlation = Xᵀθ₀ = −Xᵀ∇F(z₀)``, θ₀ the :meth:`dual_point` at the null model
        z₀ (the fit of the intercept and the unpenalised features): w = 0 is optimal iff
        ``|X_jᵀθ₀| ≤ α ρ f_j σ_j`` for every penalised j
        (:meth:`shrinkage.penalties.Penalty.alpha_max`).
        """
        return penalty.alpha_max(correlation, scale)
