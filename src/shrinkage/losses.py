"""Data-fit terms: the empirical loss, averaged over samples.

Only the squared error lives here for now::

    loss(w, b) = 1/(2n) Σ_i s_i (y_i − x_iᵀw − b)²,      Σ_i s_i = n.

The reference implementation below is the specification for the kernels and for the
duality gap in :mod:`shrinkage.certificates`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LogisticLoss", "SquaredLoss"]


def _normalised_weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    s = np.asarray(sample_weight, dtype=float)
    return s * (n / s.sum())


@dataclass(frozen=True)
class SquaredLoss:
    """Squared error ``1/(2n) Σ s_i (y_i − ŷ_i)²`` with weights normalised to sum n.

    Its Fenchel conjugate in the prediction, used for the dual, is
    ``F*(θ) = θᵀy + (n/2)‖θ‖²`` for ``F(z) = 1/(2n)‖y − z‖²``.

    Examples
    --------
    >>> loss = SquaredLoss()
    >>> float(loss.value(np.array([1.0, 3.0]), np.array([0.0, 1.0])))
    1.25
    """

    def value(self, y, prediction, sample_weight=None) -> float:
        """``1/(2n) Σ s_i (y_i − prediction_i)²``."""
        y = np.asarray(y, dtype=float)
        r = y - np.asarray(prediction, dtype=float)
        s = _normalised_weights(sample_weight, y.shape[0])
        return float(s @ (r * r) / (2 * y.shape[0]))

    def gradient(self, X, y, w, intercept=0.0, sample_weight=None):
        """Gradient in w: ``−Xᵀ(s ∘ r)/n`` with ``r = y − Xw − b``."""
        y = np.asarray(y, dtype=float)
        r = y - X @ w - intercept
        s = _normalised_weights(sample_weight, y.shape[0])
        return -np.asarray(X.T @ (s * r)).ravel() / y.shape[0]

    def dual_value(self, y, theta) -> float:
        """``−F*(−θ) = θᵀy − (n/2)‖θ‖²`` (the loss part of the dual objective)."""
        n = y.shape[0]
        return float(theta @ y - 0.5 * n * theta @ theta)


def _sigmoid(z):
    """``1 / (1 + exp(−z))`` without overflow for large |z|."""
    from scipy.special import expit

    return expit(z)


@dataclass(frozen=True)
class LogisticLoss:
    """Mean log-loss ``1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i]``, labels y ∈ {0, 1}.

    ``z = Xw + b`` is the linear predictor and the weights s are normalised to sum to n.
    Its conjugate in z, used for the dual, is a weighted binary entropy: for
    ``F(z) = 1/n Σ s_i ℓ_i(z_i)`` and θ ∈ ℝⁿ,

    ``F*(−θ) = 1/n Σ s_i [q_i log q_i + (1 − q_i) log(1 − q_i)]``,
    ``q_i = y_i − nθ_i/s_i ∈ [0, 1]`` (``+∞`` outside that box),

    so at ``θ = s ∘ (y − σ(z))/n`` one has ``q = σ(z)``, the predicted probability.

    Examples
    --------
    >>> loss = LogisticLoss()
    >>> round(loss.value(np.array([1.0, 0.0]), np.array([0.0, 0.0])), 6)  # log 2
    0.693147
    """

    def value(self, y, prediction, sample_weight=None) -> float:
        """``1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i]`` with ``z = prediction``."""
        y = np.asarray(y, dtype=float)
        z = np.asarray(prediction, dtype=float)
        s = _normalised_weights(sample_weight, y.shape[0])
        return float(s @ (np.logaddexp(0.0, z) - y * z) / y.shape[0])

    def gradient(self, X, y, w, intercept=0.0, sample_weight=None):
        """Gradient in w: ``Xᵀ(s ∘ (σ(z) − y))/n`` with ``z = Xw + b``."""
        y = np.asarray(y, dtype=float)
        z = np.asarray(X @ w).ravel() + intercept
        s = _normalised_weights(sample_weight, y.shape[0])
        return np.asarray(X.T @ (s * (_sigmoid(z) - y))).ravel() / y.shape[0]

    def dual_value(self, y, theta, sample_weight=None) -> float:
        """``−F*(−θ)``: the loss part of the dual objective (``−∞`` outside the box)."""
        from scipy.special import xlogy

        y = np.asarray(y, dtype=float)
        theta = np.asarray(theta, dtype=float)
        n = y.shape[0]
        s = _normalised_weights(sample_weight, n)
        weighted = s > 0
        if np.any(theta[~weighted] != 0):
            return -np.inf  # a zero-weight sample contributes the indicator of θ_i = 0
        q = y[weighted] - n * theta[weighted] / s[weighted]
        if np.any(q < 0) or np.any(q > 1):
            return -np.inf
        entropy = xlogy(q, q) + xlogy(1 - q, 1 - q)
        return float(-(s[weighted] @ entropy) / n)
