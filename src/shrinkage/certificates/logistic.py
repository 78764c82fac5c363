"""The certificate of the logistic loss: duality gap and KKT residual for any (w, b).

For labels y ∈ {0, 1}, weights s (summing to n) and the linear predictor z = Xw + b::

    P(w, b) = 1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + Σ_j (a_j|w_j| + ½ b_j w_j²)  (+ w ≥ 0)

Fenchel duality (with the intercept as an unpenalised column) gives for every θ with
``1ᵀθ = 0`` (only when the intercept is fitted) and ``X_Fᵀθ = 0`` (F: unpenalised
features) the lower bound::

    D(θ) = −1/n Σ s_i H(q_i) − Σ_j g_j*(X_jᵀθ),   q_i = y_i − nθ_i/s_i ∈ [0, 1],

with ``H(q) = q log q + (1 − q) log(1 − q)`` (:class:`shrinkage.losses.LogisticLoss`) and
g_j* the conjugate of the penalty (:func:`shrinkage.penalties.conjugate_weighted_enet`).
The dual point is built in three steps, each keeping the previous properties:

1. **Free block.** The intercept and the unpenalised features are re-fitted by a few
   Newton steps on a copy of z (only for the dual point, the primal stays at the given
   (w, b)); then θ = s ∘ (y − σ(z'))/n and one exact linear correction
   ``θ ← θ − d ∘ (B c)`` with ``d = s σ(1 − σ)/n`` puts ``Bᵀθ = 0`` to rounding. Moving
   along d keeps q inside (0, 1) (q changes by ``σ(1 − σ)(Bc)_i``, tiny after Newton).
2. **Box.** q is clipped to [0, 1] against rounding.
3. **L1 constraint.** θ is shrunk by ``max_j |X_jᵀθ|/a_j`` if that exceeds 1 (pure-L1
   features); shrinking moves q towards y, so the box and ``Bᵀθ = 0`` still hold.

The relative gap divides by P at w = 0 with the intercept fitted: the weighted binary
entropy of the class prior (``log 2`` without intercept).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from ..losses import LogisticLoss
from ..penalties import conjugate_weighted_enet, subdiff_distance
from .base import Certificate, penalty_value

__all__ = ["certify_from_prediction", "certify_logistic", "gap_safe_zeros"]

LOSS = LogisticLoss()


def _free_block(X, free_cols, fit_intercept):
    """Dense n × k matrix B spanning the unpenalised columns (intercept first).

    Each column is scaled to unit norm: only the span matters (``Bᵀθ = 0``), and columns
    of scales 1e-7 and 1e3 would give ``BᵀDB`` a condition number of 1e20, whose
    least-squares solve drops the small column; θ then violates ``X_jᵀθ = 0`` by a
    relative 1e-1, which a large free coefficient turns into a dual above the primal.
    """
    blocks = [np.ones((X.shape[0], 1))] if fit_intercept else []
    if free_cols.size:
        XF = X[:, free_cols]
        blocks.append(XF.toarray() if sp.issparse(XF) else np.asarray(XF, dtype=np.float64))
    B = np.hstack(blocks).astype(np.float64)
    norms = np.linalg.norm(B, axis=0)
    return B / np.where(norms > 0, norms, 1.0)


def _dual_residual(B, z, y, s):
    """θ with ``Bᵀθ = 0``, from Newton on the free block (step 1 of the module doc)."""
    z = z.copy()
    for _ in range(50):
        grad = B.T @ LOSS.gradient(y, z, s)
        hessian = B.T @ (LOSS.curvature(z, s)[:, None] * B)
        step, *_ = scipy.linalg.lstsq(hessian, grad, lapack_driver="gelsy")
        move = B @ step
        t = 1.0
        if np.max(np.abs(move), initial=0.0) > 0.5:
            # Far from the optimum: backtrack to keep the steps monotone. Closer, a full
            # step is a descent step: σ(1 − σ) changes by at most a factor e^{|Δz|} along
            # it, so the loss drops by ≥ (1 − e^{0.5}/2)·ΔzᵀDΔz (the logistic loss is
            # self-concordant in this generalised sense: Bach 2010, *Electron. J. Stat.*
            # 4), and the two passes over the rows a loss evaluation costs are saved.
            base = LOSS.value(y, z, s)
            while t > 1e-10 and LOSS.value(y, z - t * move, s) > base + 1e-15 * abs(base):
                t *= 0.5
        z -= t * move
        if np.max(np.abs(t * move), initial=0.0) <= 1e-13 * (1.0 + np.max(np.abs(z))):
            break
    theta = LOSS.dual_point(LOSS.residual(y, z), s)
    curvature = LOSS.curvature(z, s)
    hessian = B.T @ (curvature[:, None] * B)
    correction, *_ = scipy.linalg.lstsq(hessian, B.T @ theta, lapack_driver="gelsy")
    return theta - curvature * (B @ correction)


def certify_from_prediction(
    X, y, s, z, w, l1_weight, l2_weight, positive=False, fit_intercept=True
):  # fmt: skip
    """Certificate of (w, b) given its linear predictor ``z = Xw + b``; also the gradient.

    ``s`` are the normalised weights (sum n). Returns ``(Certificate, gradient)`` where
    ``gradient = Xᵀ(s ∘ (σ(z) − y))/n`` is the loss gradient in w (the solvers reuse it
    for their working sets).
    """
    free = (l1_weight == 0) & (l2_weight == 0)
    free_cols = np.flatnonzero(free)
    loss_gradient_z = LOSS.gradient(y, z, s)
    gradient = np.asarray(X.T @ loss_gradient_z, dtype=np.float64).ravel()
    primal = LOSS.value(y, z, s) + penalty_value(w, l1_weight, l2_weight, positive)

    if fit_intercept or free_cols.size:
        theta = _dual_residual(_free_block(X, free_cols, fit_intercept), z, y, s)
        corr = np.asarray(X.T @ theta, dtype=np.float64).ravel()
    else:
        theta, corr = -loss_gradient_z, -gradient
    weighted = s > 0
    q = np.clip(LOSS.dual_mean(y, theta, s), 0.0, 1.0)
    theta_clipped = np.where(weighted, LOSS.dual_point(y - q, s), 0.0)
    if np.any(theta_clipped != theta):
        corr = corr + np.asarray(X.T @ (theta_clipped - theta), dtype=np.float64).ravel()

    hard = (l2_weight == 0) & (l1_weight > 0)
    shrink = 1.0
    if np.any(hard):
        c = np.maximum(corr[hard], 0.0) if positive else np.abs(corr[hard])
        shrink = max(1.0, float(np.max(c / l1_weight[hard], initial=0.0)))
    q[weighted] = y[weighted] - (y[weighted] - q[weighted]) / shrink
    corr = corr / shrink
    dual = LOSS.dual_value_at_mean(q, s)
    keep = ~free  # X_Fᵀθ = 0 by construction (to rounding): skip their indicator
    dual -= conjugate_weighted_enet(corr[keep], l1_weight[keep], l2_weight[keep], positive)

    primal_at_zero = LOSS.primal_at_zero(y, s, fit_intercept)
    kkt = subdiff_distance(w, gradient, l1_weight, l2_weight, positive)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt), gradient


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
    X = X.tocsc() if sp.issparse(X) else np.asarray(X)
    y = np.asarray(y, dtype=np.float64).ravel()
    n = y.shape[0]
    w = np.asarray(coef, dtype=np.float64).ravel()
    p = w.shape[0]
    a = np.zeros(p) if l1_weight is None else np.asarray(l1_weight, dtype=np.float64)
    b = np.zeros(p) if l2_weight is None else np.asarray(l2_weight, dtype=np.float64)
    s = LOSS.normalise_weights(sample_weight, n)
    z = np.asarray(X @ w, dtype=np.float64).ravel() + float(intercept)
    cert, _ = certify_from_prediction(X, y, s, z, w, a, b, positive, fit_intercept)
    return cert


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
