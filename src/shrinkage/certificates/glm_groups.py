"""The certificate of a group-penalised GLM (logistic, Poisson): duality gap and KKT
residual of (w, b).

For a loss F of ``z = Xw + b + o`` (:mod:`shrinkage.losses`) and groups g of features::

    P(w, b) = F(z) + Σ_g a_g‖w_g‖₂ + ½ b_g‖w_g‖₂²,
    D(θ) = −F*(−θ) − θᵀo − Σ_g (‖X_gᵀθ‖ − a_g)₊² / (2 b_g),

for θ with ``1ᵀθ = 0`` (intercept fitted) and ``‖X_gᵀθ‖ ≤ a_g`` on the pure group-lasso
groups (b_g = 0): the conjugate of ``a‖·‖ + ½b‖·‖²`` is that of the elastic net with the
norm in place of the absolute value. The dual point is built as in
:mod:`shrinkage.certificates.glm` (intercept re-fitted by Newton on a copy of z, the mean
clipped into the loss's domain), then shrunk by ``κ = max(1, max ‖X_gᵀθ‖/a_g)`` over the
pure group-lasso groups.
"""

from __future__ import annotations

import numpy as np

from .base import Certificate
from .glm import _dual_residual, _free_block
from .groups import group_kkt

__all__ = ["certify_group_glm"]


def certify_group_glm(X, y, s, z, w, groups, l1_weight, l2_weight, *, fit_intercept, loss,
                      primal_at_zero, offset=None):  # fmt: skip
    """Certificate of (w, b) given its predictor ``z = Xw + b (+ o)``, and the groups'
    dual correlation norms ``‖X_gᵀθ‖`` (after shrinking).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y, s : ndarray of shape (n_samples,)
        Targets and weights normalised to sum to n.
    z : ndarray of shape (n_samples,)
    w : ndarray of shape (n_features,)
    groups : Groups
    l1_weight, l2_weight : ndarray of shape (n_groups,)
        a_g and b_g.
    fit_intercept : bool
    loss : Loss
    primal_at_zero : float
        P at w = 0 (intercept fitted), the scale of the relative gap.
    offset : ndarray, optional

    Returns
    -------
    certificate : Certificate
        With the KKT residual of each group.
    dual_norms : ndarray of shape (n_groups,)

    Examples
    --------
    >>> from shrinkage.groups import check_groups
    >>> from shrinkage.losses import LogisticLoss
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    >>> y, s = np.array([1.0, 0.0, 1.0, 0.0]), np.ones(4)
    >>> cert, _ = certify_group_glm(X, y, s, np.zeros(4), np.zeros(2),
    ...                             check_groups([0, 0], 2), np.array([5.0]), np.zeros(1),
    ...                             fit_intercept=True, loss=LogisticLoss(),
    ...                             primal_at_zero=np.log(2))
    >>> abs(cert.dual_gap) < 1e-12   # a large weight: w = 0 (and b = 0) is optimal
    True
    """
    a, b = l1_weight, l2_weight
    norms = groups.norms(w)
    primal = loss.value(y, z, s) + float(a @ norms + 0.5 * b @ norms**2)
    loss_gradient_z = loss.gradient(y, z, s)
    if fit_intercept:
        theta = _dual_residual(loss, _free_block(X, np.empty(0, np.int64), True), z, y, s)
    else:
        theta = -loss_gradient_z
    weighted = s > 0
    q = loss.clip_mean(loss.dual_mean(y, theta, s))
    theta = np.where(weighted, loss.dual_point(y - q, s), 0.0)
    correlation = np.asarray(X.T @ theta, dtype=np.float64).ravel()[groups.members]
    dual_norms = np.sqrt(np.add.reduceat(correlation**2, groups.start[:-1]))
    pure = (b == 0) & (a > 0)
    kappa = max(1.0, float(np.max(dual_norms[pure] / a[pure], initial=0.0)))
    q[weighted] = y[weighted] - (y[weighted] - q[weighted]) / kappa
    dual_norms = dual_norms / kappa
    dual = loss.dual_value_at_mean(y, q, s)
    if offset is not None:
        dual -= float(theta @ offset) / kappa
    ridge = b > 0
    excess = np.maximum(dual_norms[ridge] - a[ridge], 0.0)
    dual -= float(np.sum(excess**2 / (2.0 * b[ridge])))
    minus_gradient = -np.asarray(X.T @ loss_gradient_z, dtype=np.float64).ravel()
    kkt = group_kkt(minus_gradient[groups.members], w, groups, a, b)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt), dual_norms
