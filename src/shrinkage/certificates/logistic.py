"""The certificate of the logistic loss: duality gap and KKT residual for any (w, b).

For labels y ∈ {0, 1}, weights s (summing to n) and the linear predictor z = Xw + b::

    P(w, b) = 1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + Σ_j (a_j|w_j| + ½ b_j w_j²)  (+ w ≥ 0)

and for θ with ``1ᵀθ = 0`` (intercept fitted) and ``X_Fᵀθ = 0`` (F: unpenalised
features)::

    D(θ) = −1/n Σ s_i H(q_i) − Σ_j g_j*(X_jᵀθ),   q_i = y_i − nθ_i/s_i ∈ [0, 1],

with ``H(q) = q log q + (1 − q) log(1 − q)`` (:class:`shrinkage.losses.LogisticLoss`):
the construction of :mod:`shrinkage.certificates.glm` for this loss. The binary entropy
makes the dual strongly concave, which gives the gap-safe test of
:func:`gap_safe_zeros`. The relative gap divides by P at w = 0 with the intercept
fitted: the weighted binary entropy of the class prior (``log 2`` without intercept).
"""

from __future__ import annotations

import numpy as np

from ..losses import LogisticLoss
from .base import Certificate
from .glm import certify_from_prediction, certify_glm

__all__ = ["certify_from_prediction", "certify_logistic", "gap_safe_zeros"]

LOSS = LogisticLoss()


def certify_logistic(
    X, y, coef, intercept=0.0, l1_weight=None, l2_weight=None, *, positive=False,
    fit_intercept=True, sample_weight=None,
) -> Certificate:  # fmt: skip
    """Duality gap and KKT residual of ``(coef, intercept)`` for penalised logistic loss.

    Never trusts the solver: it only needs the candidate, the data and the weights
    ``l1_weight = α ρ f_j`` and ``l2_weight = α (1 − ρ) f_j`` (see
    :meth:`shrinkage.penalties.Penalty.weights`), so it certifies any library's output.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,), labels 0/1
    coef : ndarray of shape (n_features,)
    intercept : float
    l1_weight, l2_weight : ndarray of shape (n_features,)
    positive : bool
    fit_intercept : bool
        Whether the intercept is a free variable of the problem (adds ``1ᵀθ = 0``).
    sample_weight : ndarray, optional
        Normalised here to sum to n.

    Returns
    -------
    Certificate

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    >>> y = np.array([1.0, 0.0, 1.0, 0.0])
    >>> cert = certify_logistic(X, y, np.zeros(2), 0.0, np.full(2, 10.0), np.zeros(2))
    >>> cert.dual_gap < 1e-12      # alpha above alpha_max: w = 0, b = 0 is optimal
    True
    """
    return certify_glm(
        X, y, coef, intercept, l1_weight, l2_weight, loss=LOSS, positive=positive,
        fit_intercept=fit_intercept, sample_weight=sample_weight,
    )  # fmt: skip


def gap_safe_zeros(correlation, w, l1_weight, l2_weight, positive, gap, column_norms, weights):
    """Features proven zero at the optimum, by the gap-safe sphere test.

    ``correlation = Xᵀθ`` at the certificate's dual point before its L1 shrink (the
    point :func:`certify_from_prediction` builds, with the intercept as the only free
    variable), ``gap`` the duality gap certified there. Every dual optimum θ* lies
    within ``r = √(2·gap/μ)`` of the shrunk point (:meth:`LogisticLoss.dual_radius`:
    the binary entropy makes the dual 4n/max(s)-strongly concave), so
    ``|X_jᵀθ*| ≤ |X_jᵀθ|/shrink + ‖X_j‖·r``; below ``a_j`` the optimality condition
    forces ``w*_j = 0`` (for any L2 weight). With an intercept θ* − θ ⊥ 1, and
    ``column_norms`` may be the norms of the centred columns. Only features at zero in
    ``w`` are reported. Returns a boolean mask.

    Examples
    --------
    >>> import numpy as np
    >>> zero = gap_safe_zeros(np.array([0.1, 0.5]), np.zeros(2), np.full(2, 0.5),
    ...                       np.zeros(2), False, 1e-6, np.ones(2), np.ones(100))
    >>> zero.tolist()  # the second feature sits on the boundary: not proven
    [True, False]
    """
    hard = (l2_weight == 0) & (l1_weight > 0)
    magnitude = np.maximum(correlation, 0.0) if positive else np.abs(correlation)
    shrink = max(1.0, float(np.max(magnitude[hard] / l1_weight[hard], initial=0.0)))
    radius = LOSS.dual_radius(gap, weights)
    bound = magnitude / shrink + column_norms * radius
    return (l1_weight > 0) & (w == 0) & (bound < l1_weight)
