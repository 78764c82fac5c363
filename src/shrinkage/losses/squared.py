"""The squared error ``F(z) = 1/(2n) Σ_i s_i (y_i − z_i)²``."""

from __future__ import annotations

import numpy as np

from .base import Loss, weights_or_ones

__all__ = ["SquaredLoss"]


class SquaredLoss(Loss):
    """Squared error ``1/(2n) Σ s_i (y_i − z_i)²``, weights s normalised to sum to n.

    The mean is z itself (identity link), so the loss and the dual point depend on the
    residual ``r = y − z`` alone (:meth:`residual_value`). On the effective design of
    :mod:`shrinkage.design` the weights and the intercept are already folded into y and
    X: there s = 1 and P(0) is the loss at z = 0. The conjugate, for the dual, is::

        −F*(−θ) = θᵀy − (n/2) Σ_i θ_i²/s_i        (θ_i = 0 where s_i = 0).

    Examples
    --------
    >>> loss = SquaredLoss()
    >>> float(loss.value(np.array([1.0, 3.0]), np.array([0.0, 1.0])))
    1.25
    >>> y, z = np.array([1.0, 3.0]), np.array([0.0, 1.0])
    >>> theta = loss.dual_point(loss.residual(y, z))   # Fenchel-Young: F(z) + θᵀz = −F*(−θ)
    >>> float(loss.value(y, z) + theta @ z), loss.dual_value(y, theta)
    (2.25, 2.25)
    """

    def mean(self, prediction):
        """``μ(z) = z``."""
        return prediction

    def residual_value(self, residual, weights=None) -> float:
        """``1/(2n) Σ s_i r_i²`` of the residual ``r = y − z``."""
        n = residual.shape[0]
        if weights is None:
            return float(residual @ residual / (2 * n))
        return float(weights @ (residual * residual) / (2 * n))

    def value(self, y, prediction, weights=None) -> float:
        """``1/(2n) Σ s_i (y_i − z_i)²``."""
        y = np.asarray(y, dtype=np.float64)
        return self.residual_value(y - np.asarray(prediction, dtype=np.float64), weights)

    def curvature(self, prediction, weights=None):
        """``s_i/n``."""
        n = np.shape(prediction)[0]
        return weights_or_ones(weights, n) / n

    def dual_value(self, y, theta, weights=None) -> float:
        """``θᵀy − (n/2) Σ θ_i²/s_i`` (``−∞`` where ``s_i = 0`` but ``θ_i ≠ 0``)."""
        n = y.shape[0]
        if weights is None:
            return float(theta @ y - 0.5 * n * theta @ theta)
        weighted = weights > 0
        if np.any(theta[~weighted] != 0):
            return -np.inf
        spread = theta[weighted] ** 2 / weights[weighted]
        return float(theta @ y - 0.5 * n * np.sum(spread))

    def dual_value_at_mean(self, y, q, weights=None) -> float:
        """``−F*(−θ)`` in the mean ``q = y − nθ/s``: ``1/(2n) Σ s_i (y_i² − q_i²)``."""
        s = weights_or_ones(weights, y.shape[0])
        return float(s @ ((y - q) * (y + q))) / (2 * y.shape[0])

    def intercept_without_offset(self, y, weights=None) -> float:
        """The weighted mean ``Σ s_i y_i / n`` of y."""
        return float(weights_or_ones(weights, y.shape[0]) @ y) / y.shape[0]

    def intercept_with_offset(self, y, weights, offset) -> float:
        """The weighted mean of ``y − offset``."""
        return self.intercept_without_offset(y - offset, weights)
