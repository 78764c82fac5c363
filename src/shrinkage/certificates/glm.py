"""The certificate of a generalised linear loss: duality gap and KKT residual of any (w, b).

For a loss ``F(z) = 1/n Σ s_i ℓ(y_i, z_i)`` of the linear predictor ``z = Xw + b + o``
(:mod:`shrinkage.losses`: logistic, Poisson; o an offset), weights s (summing to n)::

    P(w, b) = F(z) + Σ_j (a_j|w_j| + ½ b_j w_j²)  (+ w ≥ 0)

Fenchel duality (with the intercept as an unpenalised column) gives for every θ with
``1ᵀθ = 0`` (only when the intercept is fitted) and ``X_Fᵀθ = 0`` (F: unpenalised
features) the lower bound::

    D(θ) = −F*(−θ) − Σ_j g_j*(X_jᵀθ),

with −F*(−θ) written in the mean ``q = y − nθ/s`` of θ
(:meth:`~shrinkage.losses.Loss.dual_value_at_mean`: a binary entropy for the log-loss,
``q log q − q`` for Poisson) and g_j* the conjugate of the penalty
(:func:`shrinkage.penalties.conjugate_weighted_enet`). An offset o adds ``−θᵀo`` to D
(Fenchel–Young for ``F(Xw + b + o)``: the loss sees o as a fixed part of z).
The dual point is built in three steps, each keeping the previous
properties:

1. **Free block.** The intercept and the unpenalised features are re-fitted by a few
   Newton steps on a copy of z (only for the dual point, the primal stays at the given
   (w, b)); then θ = s ∘ (y − μ(z'))/n and one exact linear correction
   ``θ ← θ − d ∘ (B c)`` with ``d = s μ'(z')/n`` puts ``Bᵀθ = 0`` to rounding. Moving
   along d keeps q inside the loss's domain (q changes by ``μ'(Bc)_i``, tiny after
   Newton).
2. **Domain.** q is clipped to the loss's :attr:`~shrinkage.losses.Loss.mean_bounds`
   against rounding.
3. **L1 constraint.** θ is shrunk by ``max_j |X_jᵀθ|/a_j`` if that exceeds 1 (pure-L1
   features); shrinking moves q towards y, a convex combination that stays in the
   domain, and ``Bᵀθ = 0`` still holds.

The relative gap divides by P at w = 0 with the intercept fitted.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from ..losses import LogisticLoss, Loss
from ..penalties import conjugate_weighted_enet, subdiff_distance
from .base import Certificate, penalty_value

__all__ = ["candidate", "certify_from_prediction", "certify_glm"]

LOGISTIC = LogisticLoss()


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


def _dual_residual(loss, B, z, y, s):
    """θ with ``Bᵀθ = 0``, from Newton on the free block (step 1 of the module doc)."""
    z = z.copy()
    for _ in range(50):
        grad = B.T @ loss.gradient(y, z, s)
        hessian = B.T @ (loss.curvature(z, s)[:, None] * B)
        step = _solve_small(hessian, grad)
        move = B @ step
        t = 1.0
        if np.max(np.abs(move), initial=0.0) > 0.5:
            # Far from the optimum: backtrack to keep the steps monotone. Closer, a full
            # step is a descent step: the curvature (σ(1 − σ), or e^z for Poisson)
            # changes by at most a factor e^{|Δz|} along it, so the loss drops by
            # ≥ (1 − e^{0.5}/2)·ΔzᵀDΔz (both losses are self-concordant in this
            # generalised sense: Bach 2010, *Electron. J. Stat.* 4), and the two passes
            # over the rows a loss evaluation costs are saved.
            base = loss.value(y, z, s)
            while t > 1e-10 and loss.value(y, z - t * move, s) > base + 1e-15 * abs(base):
                t *= 0.5
        z -= t * move
        if np.max(np.abs(t * move), initial=0.0) <= 1e-13 * (1.0 + np.max(np.abs(z))):
            break
    theta = loss.dual_point(loss.residual(y, z), s)
    curvature = loss.curvature(z, s)
    hessian = B.T @ (curvature[:, None] * B)
    correction = _solve_small(hessian, B.T @ theta)
    return theta - curvature * (B @ correction)


def _solve_small(matrix, rhs):
    """A least-squares solution of the free block's small system (a division for the
    intercept alone, the common case: LAPACK's call costs more than the arithmetic)."""
    if matrix.shape == (1, 1):
        return rhs / matrix[0, 0] if matrix[0, 0] > 0 else np.zeros(1)
    return scipy.linalg.lstsq(matrix, rhs, lapack_driver="gelsy")[0]


def certify_from_prediction(
    X, y, s, z, w, l1_weight, l2_weight, positive=False, fit_intercept=True, loss=LOGISTIC,
    primal_at_zero=None, offset=None,
):  # fmt: skip
    """Certificate of (w, b) given its linear predictor ``z = Xw + b (+ offset)``; also
    the gradient.

    ``s`` are the normalised weights (sum n), ``primal_at_zero`` P(0) (by default the
    loss's, without offset), ``offset`` the o in z (None: 0). Returns
    ``(Certificate, gradient)`` where ``gradient = Xᵀ(s ∘ (μ(z) − y))/n`` is the loss
    gradient in w (the solvers reuse it for their working sets).
    """
    free = (l1_weight == 0) & (l2_weight == 0)
    free_cols = np.flatnonzero(free)
    loss_gradient_z = loss.gradient(y, z, s)
    gradient = np.asarray(X.T @ loss_gradient_z, dtype=np.float64).ravel()
    primal = loss.value(y, z, s) + penalty_value(w, l1_weight, l2_weight, positive)

    if fit_intercept or free_cols.size:
        theta = _dual_residual(loss, _free_block(X, free_cols, fit_intercept), z, y, s)
        corr = np.asarray(X.T @ theta, dtype=np.float64).ravel()
    else:
        theta, corr = -loss_gradient_z, -gradient
    weighted = s > 0
    q = loss.clip_mean(loss.dual_mean(y, theta, s))
    theta_clipped = np.where(weighted, loss.dual_point(y - q, s), 0.0)
    if np.any(theta_clipped != theta):
        corr = corr + np.asarray(X.T @ (theta_clipped - theta), dtype=np.float64).ravel()

    hard = (l2_weight == 0) & (l1_weight > 0)
    shrink = 1.0
    if np.any(hard):
        c = np.maximum(corr[hard], 0.0) if positive else np.abs(corr[hard])
        shrink = max(1.0, float(np.max(c / l1_weight[hard], initial=0.0)))
    q[weighted] = y[weighted] - (y[weighted] - q[weighted]) / shrink
    corr = corr / shrink
    dual = loss.dual_value_at_mean(y, q, s)
    if offset is not None:
        dual -= float(np.where(weighted, loss.dual_point(y - q, s), 0.0) @ offset)
    keep = ~free  # X_Fᵀθ = 0 by construction (to rounding): skip their indicator
    dual -= conjugate_weighted_enet(corr[keep], l1_weight[keep], l2_weight[keep], positive)

    if primal_at_zero is None:
        primal_at_zero = loss.primal_at_zero(y, s, fit_intercept)
    kkt = subdiff_distance(w, gradient, l1_weight, l2_weight, positive)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt), gradient


def candidate(X, y, coef, intercept, l1_weight, l2_weight, loss, sample_weight, offset):
    """A candidate of a public certificate (:func:`certify_glm`,
    :func:`~shrinkage.certificates.box.certify_box`) in float64: ``(X, y, w, a, b, s, z,
    offset)``, X as CSC or an array, missing weights zero, s normalised to sum to n and
    ``z = Xw + b + o``."""
    X = X.tocsc() if sp.issparse(X) else np.asarray(X)
    y = np.asarray(y, dtype=np.float64).ravel()
    w = np.asarray(coef, dtype=np.float64).ravel()
    p = w.shape[0]
    a = np.zeros(p) if l1_weight is None else np.asarray(l1_weight, dtype=np.float64)
    b = np.zeros(p) if l2_weight is None else np.asarray(l2_weight, dtype=np.float64)
    s = loss.normalise_weights(sample_weight, y.shape[0])
    z = np.asarray(X @ w, dtype=np.float64).ravel() + float(intercept)
    if offset is not None:
        offset = np.asarray(offset, dtype=np.float64)
        z = z + offset
    return X, y, w, a, b, s, z, offset


def certify_glm(
    X, y, coef, intercept=0.0, l1_weight=None, l2_weight=None, *, loss: Loss = LOGISTIC,
    positive=False, fit_intercept=True, sample_weight=None, offset=None,
) -> Certificate:  # fmt: skip
    """Duality gap and KKT residual of ``(coef, intercept)`` for a penalised GLM loss.

    Never trusts the solver: it only needs the candidate, the data and the weights
    ``l1_weight = α ρ f_j`` and ``l2_weight = α (1 − ρ) f_j`` (see
    :meth:`shrinkage.penalties.Penalty.weights`), so it certifies any library's output.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Targets valid for ``loss`` (labels 0/1, counts).
    coef : ndarray of shape (n_features,)
    intercept : float
    l1_weight, l2_weight : ndarray of shape (n_features,)
    loss : Loss
        :class:`~shrinkage.losses.LogisticLoss` or :class:`~shrinkage.losses.PoissonLoss`.
    positive : bool
    fit_intercept : bool
        Whether the intercept is a free variable of the problem (adds ``1ᵀθ = 0``).
    sample_weight : ndarray, optional
        Normalised here to sum to n.
    offset : ndarray of shape (n_samples,), optional
        Fixed part of the linear predictor (a log exposure).

    Returns
    -------
    Certificate

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.losses import PoissonLoss
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    >>> y = np.array([3.0, 0.0, 2.0, 1.0])
    >>> b0 = np.log(y.mean())   # the null model: optimal for a large alpha
    >>> cert = certify_glm(X, y, np.zeros(2), b0, np.full(2, 10.0), np.zeros(2),
    ...                    loss=PoissonLoss())
    >>> cert.dual_gap < 1e-12
    True
    """
    X, y, w, a, b, s, z, offset = candidate(X, y, coef, intercept, l1_weight, l2_weight,
                                            loss, sample_weight, offset)  # fmt: skip
    cert, _ = certify_from_prediction(
        X, y, s, z, w, a, b, positive, fit_intercept, loss,
        loss.primal_at_zero(y, s, fit_intercept, offset), offset,
    )  # fmt: skip
    return cert
