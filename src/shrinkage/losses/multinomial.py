"""The mean multinomial log-loss ``F(Z) = 1/n Σ_i s_i [log Σ_k e^{Z_ik} − Y_iᵀZ_i]``."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp, softmax, xlogy

__all__ = ["MultinomialLoss"]


def _weights(weights, n):
    return np.ones(n) if weights is None else weights


class MultinomialLoss:
    """Mean softmax cross-entropy of K classes, ``1/n Σ s_i [lse(Z_i) − Y_iᵀZ_i]``.

    ``Z = XW + 1bᵀ`` is the n × K matrix of linear predictors, Y the one-hot labels and
    the weights s sum to n. The mean is the matrix of class probabilities
    ``P = softmax(Z)`` (row by row). The conjugate, for the dual, is the negative
    entropy on the simplex: for θ ∈ ℝ^{n×K} with mean ``Q = Y − nθ/s`` (rows in the
    simplex; at ``θ = s(Y − P)/n``, Q = P)::

        −F*(−θ) = −1/n Σ_i s_i Σ_k Q_ik log Q_ik,

    ``−∞`` when a row of Q leaves the simplex. Its curvature ``diag(1/Q) ⪰ I`` makes the
    dual (n/max s)-strongly concave (:attr:`conjugate_curvature` = 1).

    The methods take and return (n, K) arrays; the weights are (n,).

    Examples
    --------
    >>> loss = MultinomialLoss()
    >>> Y = np.eye(3)[[0, 1, 2, 2]]
    >>> round(loss.value(Y, np.zeros((4, 3))), 6)  # log 3
    1.098612
    >>> round(loss.primal_at_zero(Y), 6)  # the entropy of the priors ¼, ¼, ½
    1.039721
    """

    conjugate_curvature = 1.0

    def mean(self, prediction):
        """``softmax(Z)`` by rows."""
        return softmax(prediction, axis=1)

    def value(self, Y, prediction, weights=None) -> float:
        """``1/n Σ s_i [lse(Z_i) − Y_iᵀZ_i]``."""
        n = Y.shape[0]
        terms = logsumexp(prediction, axis=1) - np.einsum("ik,ik->i", Y, prediction)
        return float(_weights(weights, n) @ terms) / n

    def gradient(self, Y, prediction, weights=None):
        """``∂F/∂Z = s(P − Y)/n``."""
        n = Y.shape[0]
        return _weights(weights, n)[:, None] * (self.mean(prediction) - Y) / n

    def curvature(self, prediction, weights=None):
        """``s P(1 − P)/n``: the diagonal of each row's Hessian ``s(diag P − PPᵀ)/n``."""
        P = self.mean(prediction)
        return _weights(weights, P.shape[0])[:, None] * P * (1.0 - P) / P.shape[0]

    def loss_change(self, Y, prediction, change, weights=None, probabilities=None) -> float:
        """``F(Z + U) − F(Z)`` term by term: ``log Σ_k P_k e^{U_k} = log1p(Σ_k P_k
        expm1(U_k))`` where the changes are small, the plain difference elsewhere."""
        n = Y.shape[0]
        P = self.mean(prediction) if probabilities is None else probabilities
        small = np.max(np.abs(change), axis=1) <= 1.0
        shift = np.empty(n)
        shift[small] = np.log1p(np.sum(P[small] * np.expm1(change[small]), axis=1))
        big = ~small
        shift[big] = (logsumexp(prediction[big] + change[big], axis=1)
                      - logsumexp(prediction[big], axis=1))  # fmt: skip
        terms = shift - np.einsum("ik,ik->i", Y, change)
        return float(_weights(weights, n) @ terms) / n

    def dual_value_at_mean(self, Y, Q, weights=None) -> float:
        """``−1/n Σ s_i Σ_k Q_ik log Q_ik`` for rows of Q in the simplex."""
        return -float(_weights(weights, Q.shape[0]) @ np.sum(xlogy(Q, Q), axis=1)) / Q.shape[0]

    def priors(self, Y, weights=None):
        """The weighted class shares ``Σ s_i Y_ik / n``."""
        return _weights(weights, Y.shape[0]) @ Y / Y.shape[0]

    def null_prediction(self, Y, weights=None, fit_intercept=True):
        """The intercepts of the fit without features: the log priors, centred (their
        mean is free: softmax ignores a common shift); zeros without intercept."""
        if not fit_intercept:
            return np.zeros(Y.shape[1])
        logs = np.log(self.priors(Y, weights))
        return logs - logs.mean()

    def primal_at_zero(self, Y, weights=None, fit_intercept=True) -> float:
        """P(0): the entropy of the weighted priors, or log K without intercept."""
        if not fit_intercept:
            return float(np.log(Y.shape[1]))
        priors = self.priors(Y, weights)
        return -float(np.sum(xlogy(priors, priors)))
