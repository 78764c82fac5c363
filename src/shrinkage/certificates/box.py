"""The certificate of a box-constrained problem: duality gap and KKT residual of (w, b).

For a loss F of the linear predictor ``z = Xw + b + o`` (squared, logistic, Poisson:
:mod:`shrinkage.losses`) and the per-feature terms
``h_j(w) = a_j|w| + ½ b_j w² + ι_[l_j, u_j](w)`` of :mod:`shrinkage.bounds`::

    P(w, b) = F(z) + Σ_j h_j(w_j),        D(θ) = −F*(−θ) − θᵀo − Σ_j h_j*(X_jᵀθ),

for θ with ``1ᵀθ = 0`` when the intercept is fitted. It is the construction of
:mod:`shrinkage.certificates.glm` with two changes, both from the conjugate of the box:

- **Free block.** A feature needs ``X_jᵀθ = 0`` only where it is unpenalised *and* its
  box is unbounded on both sides; with one infinite bound only the sign on that side is
  constrained, so such a feature joins the block (and θ is re-fitted) only when θ
  violates it, as for ``positive=True`` on the squared loss. Unpenalised features with
  two finite bounds have a finite conjugate and constrain nothing; those strictly
  inside their box join the block all the same (``X_jᵀθ* = 0`` there, and the
  conjugate would charge the dual point's error linearly).
- **Shrinking.** A pure-L1 feature constrains ``X_jᵀθ ≤ a_j`` only on a side whose
  bound is infinite; θ is shrunk by the largest such ratio when it exceeds 1.

At the optimum θ is dual-optimal (a coefficient at a bound has ``|X_jᵀθ| > a_j``, which
the finite conjugate ``u_j (X_jᵀθ − a_j)`` prices exactly), so the gap closes.
"""

from __future__ import annotations

import numpy as np

from ..bounds import box_conjugate, box_subdiff_distance
from ..losses import Loss
from .base import Certificate
from .glm import _dual_residual, _free_block, candidate

__all__ = ["certify_box", "certify_box_prediction"]


def certify_box_prediction(X, y, s, z, w, l1_weight, l2_weight, lower, upper, *,
                           fit_intercept, loss, primal_at_zero, offset=None):  # fmt: skip
    """Certificate of (w, b) given its predictor z; also the loss gradient in w.

    Returns ``(Certificate, gradient)`` with ``gradient = Xᵀ∇F(z)`` (see
    :func:`~shrinkage.certificates.glm.certify_from_prediction`).
    """
    a, b = l1_weight, l2_weight
    unpenalised = (a == 0) & (b == 0)
    open_up, open_down = np.isinf(upper), np.isinf(lower)
    one_sided = unpenalised & (open_up ^ open_down)
    # strictly inside its box, an unpenalised feature has X_jᵀθ* = 0: projecting it there
    # keeps the conjugate's linear term u_j·max(X_jᵀθ, 0) from pricing the dual's error
    inside = (w > lower) & (w < upper)
    block = unpenalised & ((open_up & open_down) | inside)
    loss_gradient_z = loss.gradient(y, z, s)
    gradient = np.asarray(X.T @ loss_gradient_z, dtype=np.float64).ravel()
    outside = np.any((w < lower) | (w > upper))
    primal = np.inf if outside else loss.value(y, z, s) + float(a @ np.abs(w) + 0.5 * b @ (w * w))

    weighted = s > 0
    for _ in range(int(one_sided.sum()) + 1):
        columns = np.flatnonzero(block)
        if fit_intercept or columns.size:
            theta = _dual_residual(loss, _free_block(X, columns, fit_intercept), z, y, s)
            corr = np.asarray(X.T @ theta, dtype=np.float64).ravel()
        else:
            theta, corr = -loss_gradient_z, -gradient
        q = loss.clip_mean(loss.dual_mean(y, theta, s))
        clipped = np.where(weighted, loss.dual_point(y - q, s), 0.0)
        if np.any(clipped != theta):
            corr = corr + np.asarray(X.T @ (clipped - theta), dtype=np.float64).ravel()
        violated = one_sided & ~block & ((open_up & (corr > 0)) | (open_down & (corr < 0)))
        if not np.any(violated):
            break
        block |= violated

    hard = (b == 0) & (a > 0)
    ratio = np.maximum(np.where(hard & open_up, np.maximum(corr, 0.0), 0.0),
                       np.where(hard & open_down, np.maximum(-corr, 0.0), 0.0))  # fmt: skip
    shrink = max(1.0, float(np.max(ratio[hard] / a[hard], initial=0.0)))
    q[weighted] = y[weighted] - (y[weighted] - q[weighted]) / shrink
    corr = corr / shrink
    dual = loss.dual_value_at_mean(y, q, s)
    if offset is not None:
        dual -= float(np.where(weighted, loss.dual_point(y - q, s), 0.0) @ offset)
    keep = ~block  # X_jᵀθ = 0 there by construction (to rounding): no conjugate
    dual -= box_conjugate(corr[keep], a[keep], b[keep], lower[keep], upper[keep])
    kkt = box_subdiff_distance(w, gradient, a, b, lower, upper)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt), gradient


def certify_box(X, y, coef, intercept=0.0, l1_weight=None, l2_weight=None, *, lower=None,
                upper=None, loss: Loss, fit_intercept=True, sample_weight=None,
                offset=None) -> Certificate:  # fmt: skip
    """Duality gap and KKT residual of ``(coef, intercept)`` for a penalised loss with
    box constraints ``lower ≤ coef ≤ upper``.

    Never trusts the solver: it certifies any library's output (glmnet's with
    ``lower.limits``/``upper.limits``, for one) from the data, the weights
    ``l1_weight = α ρ f_j``, ``l2_weight = α (1 − ρ) f_j`` and the bounds.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
    intercept : float
    l1_weight, l2_weight : ndarray of shape (n_features,)
    lower, upper : float or ndarray of shape (n_features,), optional
        The box (±inf, the default: no bound).
    loss : Loss
        :class:`~shrinkage.losses.SquaredLoss` (``1/(2n)·Σ s_i (y_i − z_i)²``),
        :class:`~shrinkage.losses.LogisticLoss` or :class:`~shrinkage.losses.PoissonLoss`.
    fit_intercept : bool
    sample_weight : ndarray, optional
        Normalised here to sum to n.
    offset : ndarray of shape (n_samples,), optional

    Returns
    -------
    Certificate

    Examples
    --------
    One feature, y = 2x, the lasso with α = 0.1 and the box [0, 1]: the unconstrained
    optimum (1.9) lies above the box, so w = 1 is optimal and the gap is 0.

    >>> import numpy as np
    >>> from shrinkage.losses import SquaredLoss
    >>> X = np.array([[1.0], [-1.0]]); y = np.array([2.0, -2.0])
    >>> cert = certify_box(X, y, np.array([1.0]), 0.0, np.array([0.1]), np.array([0.0]),
    ...                    lower=0.0, upper=1.0, loss=SquaredLoss())
    >>> abs(cert.dual_gap) < 1e-12, float(cert.max_kkt_residual)
    (True, 0.0)
    """
    X, y, w, a, b, s, z, offset = candidate(X, y, coef, intercept, l1_weight, l2_weight,
                                            loss, sample_weight, offset)  # fmt: skip
    p = w.shape[0]
    low = np.broadcast_to(-np.inf if lower is None else np.asarray(lower, float), p)
    high = np.broadcast_to(np.inf if upper is None else np.asarray(upper, float), p)
    cert, _ = certify_box_prediction(
        X, y, s, z, w, a, b, low, high, fit_intercept=fit_intercept, loss=loss,
        primal_at_zero=loss.primal_at_zero(y, s, fit_intercept, offset), offset=offset,
    )  # fmt: skip
    return cert
