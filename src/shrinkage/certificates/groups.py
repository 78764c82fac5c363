"""The duality gap of the group elastic net (squared loss), from
:mod:`.group_norm`: a block is a group of columns, its correlation norm ``‖X_gᵀr‖/n``."""

from __future__ import annotations

import numpy as np

from .group_norm import block_kkt, group_norm_certificate

__all__ = ["certify_groups", "group_kkt"]


def group_kkt(correlation, w, groups, l1_weight, l2_weight):
    """Per group, the distance of ``−∇_g`` of the smooth part to ``a_g ∂‖w_g‖``
    (:func:`~.group_norm.block_kkt`), from the loss's ``correlation = −∇loss(w)`` listed
    group by group (``[groups.members]``)."""
    starts = groups.start[:-1]
    gradient = correlation - np.repeat(l2_weight, groups.sizes) * w[groups.members]
    coef_norms = groups.norms(w)
    nonzero = np.repeat(coef_norms > 0, groups.sizes)
    direction = np.zeros_like(gradient)
    scale = np.repeat(np.where(coef_norms > 0, coef_norms, 1.0), groups.sizes)
    direction[nonzero] = w[groups.members][nonzero] / scale[nonzero]
    pull = np.repeat(l1_weight, groups.sizes) * direction
    pulled = np.sqrt(np.add.reduceat((gradient - pull) ** 2, starts))
    return block_kkt(np.sqrt(np.add.reduceat(gradient**2, starts)), pulled, coef_norms,
                     l1_weight)  # fmt: skip


def certify_groups(X, y, w, groups, l1_weight, l2_weight, residual=None):
    """The certificate of w (``1/(2n)‖y − Xw‖² + Σ_g a_g‖w_g‖ + ½ b_g‖w_g‖²``) and the
    dual correlation norms ``‖X_gᵀθ‖`` of each group.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The effective (centred, row-scaled) design.
    y : ndarray of shape (n_samples,)
        The effective target.
    w : ndarray of shape (n_features,)
    groups : Groups
    l1_weight, l2_weight : ndarray of shape (n_groups,)
        a_g and b_g; every group penalised.
    residual : ndarray, optional
        ``y − Xw`` if the caller keeps it.

    Returns
    -------
    certificate : Certificate
        With the KKT residual of each group.
    dual_norms : ndarray of shape (n_groups,)

    Examples
    --------
    >>> from shrinkage.groups import check_groups
    >>> X, y = np.eye(3), np.array([1.0, 0.0, 0.0])
    >>> cert, _ = certify_groups(X, y, np.zeros(3), check_groups([0, 0, 1], 3),
    ...                          np.full(2, 1.0), np.zeros(2))
    >>> float(cert.dual_gap)
    0.0
    """
    n = X.shape[0]
    r = y - X @ w if residual is None else residual
    starts = groups.start[:-1]
    correlation = (X.T @ r)[groups.members] / n  # group by group
    kkt = group_kkt(correlation, w, groups, l1_weight, l2_weight)
    correlation_norms = np.sqrt(np.add.reduceat(correlation**2, starts))
    sums = float(r @ r), float(r @ y), float(y @ y)
    return group_norm_certificate(*sums, n, correlation_norms, groups.norms(w), l1_weight,
                                  l2_weight, kkt)  # fmt: skip
