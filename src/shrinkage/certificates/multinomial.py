"""The certificate of the multinomial log-loss: duality gap and KKT residual of any (W, b).

For one-hot labels Y (n × K), weights s (summing to n) and ``Z = XW + 1bᵀ + O`` (O: an
offset, n × K, or 0)::

    P(W, b) = 1/n Σ_i s_i [log Σ_k e^{Z_ik} − Y_iᵀZ_i] + Σ_j Ω_j(W_j)

with, per feature row W_j (its K class coefficients), the **ungrouped** penalty
``Ω_j = Σ_k a_j|W_jk| + ½ b_j W_jk²`` (glmnet's ``type.multinomial = "ungrouped"``) or the
**grouped** one ``Ω_j = a_j‖W_j‖₂ + ½ b_j‖W_j‖₂²`` (``"grouped"``: a feature enters every
class's model or none). Fenchel duality (the intercepts as unpenalised columns) gives for
θ ∈ ℝ^{n×K} with ``1ᵀθ = 0`` (intercepts fitted)::

    D(θ) = −1/n Σ_i s_i Σ_k Q_ik log Q_ik − Σ_j Ω_j*(X_jᵀθ),   Q = Y − nθ/s,

rows of Q in the simplex (:class:`~shrinkage.losses.MultinomialLoss`), where
``Ω_j*(v) = Σ_k (|v_k| − a_j)₊²/(2b_j)`` ungrouped, ``(‖v‖ − a_j)₊²/(2b_j)`` grouped (the
indicator of ``|v_k| ≤ a_j``, resp. ``‖v‖ ≤ a_j``, when ``b_j = 0``). An offset adds
``−⟨θ, O⟩`` to D (the loss sees O as a fixed part of Z, as in
:mod:`shrinkage.certificates.glm`). The dual point is built as for the binary loss, at
the predictor Z that includes the offset:

1. **Intercepts.** A few Newton steps on a common shift c ∈ ℝ^K of the rows of Z (for
   the dual point only), ``θ = s(Y − P')/n``, then the exact correction
   ``θ_i ← θ_i − (s_i/n)(diag P'_i − P'_iP'_iᵀ)c`` with the K × K system solved for
   ``1ᵀθ = 0``; the rows of Q still sum to 1.
2. **Simplex.** Q is clipped at 0 and each row renormalised, against rounding.
3. **Penalty.** θ is shrunk by ``max_j max_k |X_jᵀθ_k|/a_j`` (ungrouped; ``‖X_jᵀθ‖/a_j``
   grouped) over the pure-L1 features if that exceeds 1; Q moves towards the vertex
   Y_i, inside the simplex, and ``1ᵀθ = 0`` still holds.

Every feature must be penalised (a zero penalty factor would add ``X_jᵀθ = 0`` to the
constraints, which this construction does not enforce).
"""

from __future__ import annotations

import numpy as np

from .._kernels import multinomial_penalty as kernels
from ..losses.multinomial import MultinomialLoss, shift_newton_step
from .base import Certificate

__all__ = ["certify_multinomial", "certify_multinomial_prediction", "row_kkt"]

LOSS = MultinomialLoss()


def _intercept_dual(Y, s, Z):
    """θ with ``1ᵀθ = 0`` from Newton steps on a common shift of Z (step 1); the steps
    stop once the Newton decrement ``gradᵀH⁺grad`` is below rounding of the loss (the
    exact correction then costs the dual a second-order amount only)."""
    n = Y.shape[0]
    shift = np.zeros(Y.shape[1])
    for _ in range(50):
        P = LOSS.mean(Z + shift)
        grad = (s / n) @ (P - Y)
        step = shift_newton_step(P, s, grad)
        if grad @ step <= 1e-15:
            break
        t = 1.0
        if np.max(np.abs(step)) > 0.5:  # far from the optimum: backtrack (as the binary)
            base = LOSS.value(Y, Z + shift, s)
            while t > 1e-10 and LOSS.value(Y, Z + shift - t * step, s) > base + 1e-15 * abs(base):
                t *= 0.5
        shift -= t * step
        if np.max(np.abs(t * step)) <= 1e-13 * (1.0 + np.max(np.abs(shift))):
            break
    P = LOSS.mean(Z + shift)
    theta = (s / n)[:, None] * (Y - P)
    correction = shift_newton_step(P, s, theta.sum(axis=0))
    weighted = (s / n)[:, None] * P
    return theta - (weighted * correction - weighted * (P @ correction)[:, None])


def _in_simplex(Y, s, theta):
    """Step 2: the mean Q of θ clipped at 0 and renormalised by rows; returns ``(θ, Q)``."""
    n = Y.shape[0]
    weighted = s > 0
    Q = Y.astype(np.float64, copy=True)
    Q[weighted] = Y[weighted] - n * theta[weighted] / s[weighted, None]
    Q = np.maximum(Q, 0.0)
    Q /= Q.sum(axis=1, keepdims=True)
    return (s / n)[:, None] * (Y - Q), Q


def row_kkt(W, G, l1_weight, l2_weight, grouped):
    """Per feature, the KKT residual of its row: the largest over classes of the
    distance of ``−G_jk`` to ``a_j ∂|W_jk| + b_j W_jk`` (ungrouped), or the distance of
    ``−G_j`` to ``a_j ∂‖W_j‖ + b_j W_j`` (grouped). G is the loss gradient (p × K).

    Examples
    --------
    >>> W = np.array([[0.0, 0.0], [1.0, -1.0]])
    >>> G = np.array([[0.5, -0.2], [-0.1, 0.3]])
    >>> row_kkt(W, G, np.array([0.3, 0.3]), np.zeros(2), grouped=False).round(3).tolist()
    [0.2, 0.2]
    """
    W, G, a, b = _contiguous(W, G, l1_weight, l2_weight)
    kkt = np.empty(W.shape[0])
    kernels.row_kkt(W, G, a, b, bool(grouped), np.arange(W.shape[0]), kkt)
    return kkt


def _contiguous(*arrays):
    """C-ordered float64 copies where needed (the kernels' one layout)."""
    return tuple(np.ascontiguousarray(array, dtype=np.float64) for array in arrays)


def certify_multinomial_prediction(X, Y, s, Z, W, l1_weight, l2_weight, grouped,
                                   fit_intercept, primal_at_zero, offset=None):  # fmt: skip
    """The certificate of (W, b) given ``Z = XW + 1bᵀ + O``; also the loss gradient
    ``XᵀG`` (p × K) and the correlations of the dual point before its shrink (p × K).

    ``s`` are the normalised weights (sum n), ``offset`` the O in Z (None: 0). Returns
    ``(Certificate, gradient, corr)``.
    """
    n = Y.shape[0]
    gradient_z = LOSS.gradient(Y, Z, s)
    gradient = np.asarray(X.T @ gradient_z)
    theta = _intercept_dual(Y, s, Z) if fit_intercept else -gradient_z
    theta, Q = _in_simplex(Y, s, theta)
    corr = np.asarray(X.T @ theta)
    W, gradient, corr, a, b = _contiguous(W, gradient, corr, l1_weight, l2_weight)
    kkt = np.empty(W.shape[0])
    penalty, shrink, conjugate = kernels.penalty_side(W, gradient, corr, a, b,
                                                      bool(grouped), kkt)  # fmt: skip
    primal = LOSS.value(Y, Z, s) + penalty
    Q = Y - (Y - Q) / shrink
    dual = LOSS.dual_value_at_mean(Y, Q, s) - conjugate
    if offset is not None:  # −⟨θ, O⟩; the rows of θ sum to 0, so O's row means drop out
        centred = offset - offset.mean(axis=1, keepdims=True)
        dual -= float(np.vdot((s / n)[:, None] * (Y - Q), centred))
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt), gradient, corr


def certify_multinomial(
    X, Y, coef, intercept, l1_weight, l2_weight, *, grouped=False, fit_intercept=True,
    sample_weight=None, offset=None,
) -> Certificate:  # fmt: skip
    """Duality gap and KKT residual of ``(coef, intercept)`` for the penalised
    multinomial log-loss, from the candidate, the data and the penalty weights alone
    (so it certifies any library's output).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_classes)
        One-hot labels.
    coef : ndarray of shape (n_features, n_classes)
    intercept : ndarray of shape (n_classes,)
    l1_weight, l2_weight : ndarray of shape (n_features,)
        ``α ρ f_j`` and ``α (1 − ρ) f_j``; every ``l1_weight + l2_weight`` > 0.
    grouped : bool
        The row-group penalty ``a_j‖W_j‖₂`` instead of ``a_j Σ_k |W_jk|``.
    fit_intercept : bool
    sample_weight : ndarray, optional
        Normalised here to sum to n.
    offset : ndarray of shape (n_samples, n_classes), optional
        The fixed part O of the linear predictors ``Z = XW + 1bᵀ + O``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> Y = np.eye(3)[[0, 1, 2, 2]]
    >>> priors = np.log([0.25, 0.25, 0.5])   # the null model: optimal for a large alpha
    >>> cert = certify_multinomial(X, Y, np.zeros((1, 3)), priors, np.array([10.0]),
    ...                            np.zeros(1))
    >>> cert.dual_gap < 1e-12
    True
    """
    Y = np.asarray(Y, dtype=np.float64)
    n = Y.shape[0]
    s = np.ones(n) if sample_weight is None else (
        np.asarray(sample_weight, dtype=np.float64) * n / np.sum(sample_weight))  # fmt: skip
    W = np.asarray(coef, dtype=np.float64)
    Z = np.asarray(X @ W) + np.asarray(intercept, dtype=np.float64)
    if offset is not None:
        offset = np.asarray(offset, dtype=np.float64)
        Z = Z + offset
    scale = LOSS.primal_at_zero(Y, s, fit_intercept, offset)
    cert, _, _ = certify_multinomial_prediction(
        X, Y, s, Z, W, np.asarray(l1_weight, dtype=np.float64),
        np.asarray(l2_weight, dtype=np.float64), grouped, fit_intercept, scale, offset,
    )  # fmt: skip
    return cert
