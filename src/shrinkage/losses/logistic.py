"""The mean log-loss ``F(z) = 1/n Σ_i s_i [log(1 + e^{z_i}) − y_i z_i]``, y ∈ {0, 1}."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, xlogy

from .base import Loss, weights_or_ones

__all__ = ["LogisticLoss"]


class LogisticLoss(Loss):
    """Mean log-loss ``1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i]``, labels y ∈ {0, 1}.

    ``z = Xw + b`` is the linear predictor and the weights s are normalised to sum to n.
    The mean is the predicted probability ``σ(z) = 1/(1 + e^{−z})``. The conjugate, for
    the dual, is a weighted binary entropy: for θ ∈ ℝⁿ::

        −F*(−θ) = −1/n Σ_i s_i H(q_i),    H(q) = q log q + (1 − q) log(1 − q),

    in the mean ``q = y − nθ/s`` that θ is the dual point of (:meth:`dual_mean`;
    ``−∞`` outside ``q ∈ [0, 1]``), so at ``θ = s ∘ (y − σ(z))/n`` one has ``q = σ(z)``.

    Examples
    --------
    >>> loss = LogisticLoss()
    >>> round(loss.value(np.array([1.0, 0.0]), np.array([0.0, 0.0])), 6)  # log 2
    0.693147
    >>> round(loss.primal_at_zero(np.array([1.0, 0.0, 0.0, 0.0])), 6)  # H(¼), intercept fitted
    0.562335
    """

    conjugate_curvature = 4.0  # H''(q) = 1/(q(1 − q)) ≥ 4 on [0, 1]

    def mean(self, prediction):
        """``σ(z) = 1/(1 + e^{−z})``, without overflow for large |z|."""
        return expit(prediction)

    def value(self, y, prediction, weights=None) -> float:
        """``1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i]``."""
        y = np.asarray(y, dtype=np.float64)
        z = np.asarray(prediction, dtype=np.float64)
        s = weights_or_ones(weights, y.shape[0])
        return float(s @ (np.logaddexp(0.0, z) - y * z)) / y.shape[0]

    def curvature(self, prediction, weights=None):
        """``s_i σ(z_i)(1 − σ(z_i))/n``."""
        prob = self.mean(prediction)
        return weights_or_ones(weights, prob.shape[0]) * prob * (1 - prob) / prob.shape[0]

    def dual_mean(self, y, theta, weights=None):
        """``q = y − nθ/s``, the mean whose :meth:`dual_point` is θ (½ where ``s_i = 0``:
        those samples constrain only ``θ_i = 0``)."""
        n = y.shape[0]
        s = weights_or_ones(weights, n)
        weighted = s > 0
        q = np.full(n, 0.5)
        q[weighted] = y[weighted] - n * theta[weighted] / s[weighted]
        return q

    def dual_value_at_mean(self, q, weights=None) -> float:
        """``−1/n Σ s_i H(q_i)`` for q in [0, 1] (:meth:`dual_value` in the mean)."""
        s = weights_or_ones(weights, q.shape[0])
        weighted = s > 0
        entropy = xlogy(q[weighted], q[weighted]) + xlogy(1 - q[weighted], 1 - q[weighted])
        return -float(s[weighted] @ entropy) / q.shape[0]

    def dual_value(self, y, theta, weights=None) -> float:
        """``−F*(−θ)``: the loss part of the dual objective (``−∞`` outside the box)."""
        y = np.asarray(y, dtype=np.float64)
        theta = np.asarray(theta, dtype=np.float64)
        s = weights_or_ones(weights, y.shape[0])
        if np.any(theta[s == 0] != 0):
            return -np.inf  # a zero-weight sample contributes the indicator of θ_i = 0
        q = self.dual_mean(y, theta, s)
        if np.any(q < 0) or np.any(q > 1):
            return -np.inf
        return self.dual_value_at_mean(q, s)

    def null_prediction(self, y, weights=None, fit_intercept=True) -> float:
        """The log-odds of the weighted class prior (0 without intercept)."""
        if not fit_intercept:
            return 0.0
        prior = self.prior(y, weights)
        return float(np.log(prior / (1 - prior)))

    def prior(self, y, weights=None) -> float:
        """The weighted share of the class 1, ``Σ s_i y_i / n``."""
        return float(weights_or_ones(weights, y.shape[0]) @ y) / y.shape[0]

    def primal_at_zero(self, y, weights=None, fit_intercept=True) -> float:
        """P(0): the weighted entropy of the class prior, or ``log 2`` without intercept
        (the closed form of :meth:`Loss.primal_at_zero`)."""
        if not fit_intercept:
            return float(np.log(2.0))
        prior = self.prior(y, weights)
        return float(-(xlogy(prior, prior) + xlogy(1 - prior, 1 - prior)))
