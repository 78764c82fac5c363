"""The mean log-loss ``F(z) = 1/n Σ_i s_i [log(1 + e^{z_i}) − y_i z_i]``, y ∈ {0, 1}."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, xlogy

from .base import Loss, weights_or_ones

__all__ = ["LogisticLoss"]


def _check_binary(y, s, sample_weight):
    """Labels 0/1, both classes with positive weight, and both resolvable in float64."""
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5].tolist()
        raise ValueError(f"y must be coded 0/1 for logistic loss; found values {bad}.")
    for label in (0, 1):
        members = y == label
        if not np.any(members):
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; only "
                f"one class is present (no sample has y = {label})."
            )
        if sample_weight is not None and not np.any(sample_weight[members] > 0):
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; only "
                f"one class is present: every sample with y = {label} has weight 0."
            )
    prior = float(s @ y) / float(s.sum())
    if not 0.0 < prior < 1.0:
        # both classes have positive weight, but one is below float64's resolution
        small = 0 if prior >= 1.0 else 1
        log_share = _log10_total(sample_weight[y == small]) - _log10_total(sample_weight)
        exponent = int(np.floor(log_share))  # the share may be below float64's range
        share = f"{10 ** (log_share - exponent):.1f}e{exponent}"
        raise ValueError(
            f"sample_weight is too uneven for float64: class {small} has positive weight, "
            f"but only {share} of the total, which rounds the class prior "
            "to exactly 0 or 1 (or the weights to 0), so the loss would see one class. "
            "Clip the largest weights: each class needs more than about 1e-16 of the total."
        )


def _log10_total(weights):
    """``log10(Σ weights)`` without overflow or underflow in the sum."""
    largest = float(np.max(weights))
    return np.log10(largest) + np.log10(float(np.sum(weights / largest)))


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
    mean_bounds = (0.0, 1.0)

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

    def dual_value_at_mean(self, y, q, weights=None) -> float:
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
        return self.dual_value_at_mean(y, q, s)

    def intercept_without_offset(self, y, weights=None) -> float:
        """The log-odds of the weighted class prior."""
        prior = self.prior(y, weights)
        return float(np.log(prior / (1 - prior)))

    def loss_change(self, y, prediction, change, weights=None) -> float:
        """``1/n Σ s_i [log1p(σ(z_i)·expm1(u_i)) − y_i u_i]``, term by term (the plain
        difference of softplus where |u_i| > 1: as accurate there, and no overflow)."""
        s = weights_or_ones(weights, y.shape[0])
        small = np.abs(change) <= 1.0
        softplus = np.where(
            small, np.log1p(expit(prediction) * np.expm1(np.where(small, change, 0.0))),
            np.logaddexp(0.0, prediction + change) - np.logaddexp(0.0, prediction),
        )  # fmt: skip
        terms = softplus - y * change
        return float(s @ terms) / y.shape[0]

    def check_target(self, y, weights, sample_weight):
        """Labels 0/1, both classes with positive weight, both resolvable in float64."""
        _check_binary(y, weights, sample_weight)

    def prior(self, y, weights=None) -> float:
        """The weighted share of the class 1, ``Σ s_i y_i / n``."""
        return float(weights_or_ones(weights, y.shape[0]) @ y) / y.shape[0]

    def primal_at_zero(self, y, weights=None, fit_intercept=True, offset=None) -> float:
        """P(0): the weighted entropy of the class prior, or ``log 2`` without intercept
        (the closed form of :meth:`Loss.primal_at_zero` without offset)."""
        if offset is not None:
            return super().primal_at_zero(y, weights, fit_intercept, offset)
        if not fit_intercept:
            return float(np.log(2.0))
        prior = self.prior(y, weights)
        return float(-(xlogy(prior, prior) + xlogy(1 - prior, 1 - prior)))
