"""The certificate of the multinomial log-loss with a penalty on user-given groups.

With the blocks W_g (the |g| × K coefficients of a group over the classes) and
``Ω_g(W_g) = a_g‖W_g‖_F + ½ b_g‖W_g‖_F²``, the dual of
:mod:`shrinkage.certificates.multinomial` holds with the conjugate
``Ω_g*(V) = (‖V‖_F − a_g)₊²/(2b_g)`` (the indicator of ``‖V‖_F ≤ a_g`` when b_g = 0) at
``V = X_gᵀθ``: the same dual point (the intercepts' Newton shift, the simplex), shrunk by
``max_g ‖X_gᵀθ‖_F/a_g`` over the pure group-lasso blocks. The blocks are the groups of
the flattened (p·K) coefficients (:func:`expand_groups`), so the KKT residual is the one
of :func:`~shrinkage.certificates.groups.group_kkt`.
"""

from __future__ import annotations

import numpy as np

from ..groups import Groups
from ..losses.multinomial import MultinomialLoss
from .base import Certificate
from .groups import group_kkt
from .multinomial import _in_simplex, _intercept_dual

__all__ = ["certify_multinomial_groups", "expand_groups"]

LOSS = MultinomialLoss()


def expand_groups(groups, n_classes) -> Groups:
    """The groups of the row-major flattened p × K coefficients: feature j's entries
    ``j·K … j·K + K − 1`` in its group's block.

    Examples
    --------
    >>> from shrinkage.groups import check_groups
    >>> expand_groups(check_groups([0, 1, 0], 3), 2).members.tolist()
    [0, 1, 4, 5, 2, 3]
    """
    members = (groups.members[:, None] * n_classes + np.arange(n_classes)).ravel()
    return Groups(members.astype(np.int64), groups.start * n_classes, groups.labels)


def certify_multinomial_groups(
    X, Y, s, Z, W, groups, l1_weight, l2_weight, *, fit_intercept, primal_at_zero, offset=None
) -> Certificate:
    """The certificate of (W, b) given ``Z = XW + 1bᵀ + O`` (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_classes)
        One-hot labels.
    s : ndarray of shape (n_samples,)
        Weights normalised to sum to n.
    Z : ndarray of shape (n_samples, n_classes)
    W : ndarray of shape (n_features, n_classes)
    groups : Groups
        Groups of features.
    l1_weight, l2_weight : ndarray of shape (n_groups,)
    fit_intercept : bool
    primal_at_zero : float
    offset : ndarray of shape (n_samples, n_classes), optional

    Returns
    -------
    Certificate
        With the KKT residual of each group.

    Examples
    --------
    >>> from shrinkage.groups import check_groups
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    >>> Y = np.eye(3)[[0, 1, 2, 2]]
    >>> Z = np.tile(np.log([0.25, 0.25, 0.5]), (4, 1))   # the null model
    >>> cert = certify_multinomial_groups(X, Y, np.ones(4), Z, np.zeros((2, 3)),
    ...                                   check_groups([0, 0], 2), np.array([10.0]),
    ...                                   np.zeros(1), fit_intercept=True,
    ...                                   primal_at_zero=1.0397)
    >>> abs(cert.dual_gap) < 1e-12
    True
    """
    n, K = Y.shape
    blocks = expand_groups(groups, K)
    norms = blocks.norms(W.ravel())
    a, b = l1_weight, l2_weight
    primal = LOSS.value(Y, Z, s) + float(a @ norms + 0.5 * b @ norms**2)
    gradient_z = LOSS.gradient(Y, Z, s)
    theta = _intercept_dual(Y, s, Z) if fit_intercept else -gradient_z
    theta, Q = _in_simplex(Y, s, theta)
    corr = np.asarray(X.T @ theta).ravel()
    dual_norms = blocks.norms(corr)
    pure = (b == 0) & (a > 0)
    shrink = max(1.0, float(np.max(dual_norms[pure] / a[pure], initial=0.0)))
    Q = Y - (Y - Q) / shrink
    dual_norms = dual_norms / shrink
    ridge = b > 0
    excess = np.maximum(dual_norms[ridge] - a[ridge], 0.0)
    dual = LOSS.dual_value_at_mean(Y, Q, s) - float(np.sum(excess**2 / (2.0 * b[ridge])))
    if offset is not None:  # −⟨θ, O⟩; the rows of θ sum to 0, so O's row means drop out
        centred = offset - offset.mean(axis=1, keepdims=True)
        dual -= float(np.vdot((s / n)[:, None] * (Y - Q), centred))
    minus_gradient = -np.asarray(X.T @ gradient_z).ravel()
    kkt = group_kkt(minus_gradient[blocks.members], W.ravel(), blocks, a, b)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt)
