"""The mean multinomial log-loss ``F(Z) = 1/n Σ_i s_i [log Σ_k e^{Z_ik} − Y_iᵀZ_i]``
of the linear predictors ``Z = XW + 1bᵀ + O`` (O: an optional offset, n × K)."""

from __future__ import annotations

import numpy as np
import scipy.linalg
from scipy.special import xlogy

__all__ = ["MultinomialLoss", "log_sum_exp", "shift_newton_step"]


def log_sum_exp(Z):
    """``log Σ_k e^{Z_ik}`` of each row, shifted by the row's maximum (no overflow).

    SciPy's ``logsumexp`` computes the same; on the small matrices of a path's Newton
    steps its array-API dispatch cost more than the arithmetic (iris, 20 α: a third of
    the path's time).

    Examples
    --------
    >>> log_sum_exp(np.array([[0.0, 0.0], [1000.0, 1000.0]])).round(6).tolist()
    [0.693147, 1000.693147]
    """
    top = Z.max(axis=1)
    return top + np.log(np.exp(Z - top[:, None]).sum(axis=1))


def _softmax(Z):
    """Each row of ``e^Z`` over its sum, shifted by the row's maximum."""
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _weights(weights, n):
    return np.ones(n) if weights is None else weights


def shift_newton_step(P, weights, rhs):
    """``H⁺ rhs`` for the Hessian ``H = Σ_i (s_i/n)(diag P_i − P_iP_iᵀ)`` of the loss in
    a common shift c ∈ ℝ^K of the rows of Z, and ``rhs ⊥ 1``.

    H is singular along 1 only (softmax ignores a common shift), so ``H + h·11ᵀ``
    (h = trace(H)/K², a mean diagonal entry over K) is solved instead, which has the
    same solution orthogonal to 1; the step returned is centred.

    Examples
    --------
    >>> P = np.full((4, 2), 0.5)   # H = ¼ [[1, −1], [−1, 1]]
    >>> shift_newton_step(P, np.ones(4), np.array([0.25, -0.25]))
    array([ 0.5, -0.5])
    """
    n = P.shape[0]
    weighted = (_weights(weights, n) / n)[:, None] * P
    hessian = np.diag(weighted.sum(axis=0)) - weighted.T @ P
    K = hessian.shape[0]
    regular = hessian + np.trace(hessian) / K**2
    try:
        step = np.linalg.solve(regular, rhs)
    except np.linalg.LinAlgError:
        step = scipy.linalg.lstsq(hessian, rhs, lapack_driver="gelsy")[0]
    return step - step.mean()


class MultinomialLoss:
    """Mean softmax cross-entropy of K classes, ``1/n Σ s_i [lse(Z_i) − Y_iᵀZ_i]``.

    ``Z = XW + 1bᵀ (+ O)`` is the n × K matrix of linear predictors (O an offset), Y the
    one-hot labels and the weights s sum to n. The mean is the matrix of class probabilities
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
        return _softmax(prediction)

    def value(self, Y, prediction, weights=None) -> float:
        """``1/n Σ s_i [lse(Z_i) − Y_iᵀZ_i]``."""
        n = Y.shape[0]
        terms = log_sum_exp(prediction) - np.einsum("ik,ik->i", Y, prediction)
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
        shift[big] = log_sum_exp(prediction[big] + change[big]) - log_sum_exp(prediction[big])
        terms = shift - np.einsum("ik,ik->i", Y, change)
        return float(_weights(weights, n) @ terms) / n

    def dual_value_at_mean(self, Y, Q, weights=None) -> float:
        """``−1/n Σ s_i Σ_k Q_ik log Q_ik`` for rows of Q in the simplex."""
        return -float(_weights(weights, Q.shape[0]) @ np.sum(xlogy(Q, Q), axis=1)) / Q.shape[0]

    def priors(self, Y, weights=None):
        """The weighted class shares ``Σ s_i Y_ik / n``."""
        return _weights(weights, Y.shape[0]) @ Y / Y.shape[0]

    def null_prediction(self, Y, weights=None, fit_intercept=True, offset=None):
        """The intercepts b₀ of the fit without features, centred (their mean is free:
        softmax ignores a common shift); zeros without intercept. The null model's
        predictor is ``1b₀ᵀ + O``.

        Without offset b₀ is the log priors; with an offset O (n × K) there is no closed
        form: :meth:`intercept_with_offset`.
        """
        if not fit_intercept:
            return np.zeros(Y.shape[1])
        if offset is not None:
            return self.intercept_with_offset(Y, weights, offset)
        logs = np.log(self.priors(Y, weights))
        return logs - logs.mean()

    def intercept_with_offset(self, Y, weights, offset):
        """The centred b minimising ``F(1bᵀ + O)``: Newton's method in b, from the log
        priors less the mean offset row, each step ``H⁺∇`` (:func:`shift_newton_step`),
        backtracked while it moves some intercept by more than ½.

        Examples
        --------
        >>> loss = MultinomialLoss()
        >>> Y = np.eye(3)[[0, 1, 2, 2]]
        >>> offset = np.tile([1.0, 0.0, -1.0], (4, 1))   # the same in every row
        >>> b = loss.intercept_with_offset(Y, None, offset)
        >>> np.round(b + offset[0] - np.mean(b + offset[0]), 12)  # the priors' null model
        array([-0.23104906, -0.23104906,  0.46209812])
        """
        n = Y.shape[0]
        s = _weights(weights, n)
        b = self.null_prediction(Y, s) - (s @ offset) / n
        b -= b.mean()
        for _ in range(100):
            Z = offset + b
            P = self.mean(Z)
            step = shift_newton_step(P, s, (s / n) @ (P - Y))
            t = 1.0
            if np.max(np.abs(step)) > 0.5:  # far from the optimum: backtrack
                base = self.value(Y, Z, s)
                while t > 1e-10 and self.value(Y, Z - t * step, s) > base + 1e-15 * abs(base):
                    t *= 0.5
            b -= t * step
            if np.max(np.abs(t * step)) <= 1e-14 * (1.0 + np.max(np.abs(b))):
                break
        return b - b.mean()

    def primal_at_zero(self, Y, weights=None, fit_intercept=True, offset=None) -> float:
        """P(0): the loss of the null model (W = 0, the intercepts fitted); without
        offset the entropy of the weighted priors, or log K without intercept."""
        if offset is not None:
            intercepts = self.null_prediction(Y, weights, fit_intercept, offset)
            return self.value(Y, offset + intercepts, weights)
        if not fit_intercept:
            return float(np.log(Y.shape[1]))
        priors = self.priors(Y, weights)
        return -float(np.sum(xlogy(priors, priors)))
