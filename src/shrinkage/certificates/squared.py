"""The certificate of the squared loss: duality gap and KKT residual for any w.

For the problem (on the effective design of :mod:`shrinkage.design`)::

    P(w) = 1/(2n) ‖y − Xw‖² + Σ_j (a_j |w_j| + ½ b_j w_j²)   (+ w ≥ 0)

Fenchel duality gives, for every θ ∈ ℝⁿ, the lower bound::

    D(θ) = θᵀy − (n/2)‖θ‖² − Σ_j g_j*(X_jᵀθ)  ≤  P(w*)  ≤  P(w)

where g_j* is the conjugate of the per-feature penalty (see
:func:`shrinkage.penalties.conjugate_weighted_enet`). We take θ = r/n, the scaled residual,
then (i) project it so that ``X_jᵀθ = 0`` for unpenalised features (only ``X_jᵀθ ≤ 0``
is needed for those with positivity) and (ii) shrink it so
that ``|X_jᵀθ| ≤ a_j`` for pure-L1 features; features with b_j > 0 need nothing. At the
optimum θ = r/n is dual-optimal and the gap P − D is 0; the gap is a *proof* of how far
any w is from optimal in objective value.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from ..losses import SquaredLoss
from ..penalties import conjugate_weighted_enet, subdiff_distance
from .base import Certificate

__all__ = ["certify", "columns_of", "dual_point", "primal_value"]

LOSS = SquaredLoss()


def primal_value(design, w, l1_weight, l2_weight, residual=None) -> float:
    """``P(w)`` on the effective design."""
    r = design.y - design.matvec(w) if residual is None else residual
    return float(LOSS.residual_value(r) + l1_weight @ np.abs(w) + 0.5 * l2_weight @ (w * w))


def dual_point(design, residual, l1_weight, l2_weight, positive):
    """A feasible dual point θ built from the residual, and ``X_effᵀθ``."""
    theta = LOSS.dual_point(np.asarray(residual, dtype=np.float64))
    free = (l1_weight == 0) & (l2_weight == 0)
    if np.any(free):
        # project θ onto {θ : X_Aᵀθ = 0}; X_F has few columns (unpenalised features).
        # Without positivity A = F. With it, the conjugate of the constraint w_j ≥ 0 only
        # asks X_jᵀθ ≤ 0, so A grows from the violators until none is left: at the
        # optimum that projection is void and the gap closes (the full one would not).
        XF = columns_of(design, np.flatnonzero(free))
        residual_theta = theta
        active = (XF.T @ theta > 0) if positive else np.ones(XF.shape[1], dtype=bool)
        while np.any(active):
            theta = _project_out(XF[:, active], residual_theta)
            grown = active | (XF.T @ theta > 0)
            if not positive or np.array_equal(grown, active):
                break
            active = grown
    corr = np.asarray(design.rmatvec(theta), dtype=np.float64)
    hard = (l2_weight == 0) & (l1_weight > 0)
    if np.any(hard):
        c = np.maximum(corr[hard], 0.0) if positive else np.abs(corr[hard])
        ratio = np.max(c / l1_weight[hard], initial=0.0)
        if ratio > 1.0:
            theta = theta / ratio
            corr = corr / ratio
    return theta, corr


def _project_out(columns, theta):
    """``θ`` minus its orthogonal projection on the span of ``columns``.

    Through an orthonormal basis (thin SVD, numerical rank): with collinear columns a
    least-squares coefficient vector can be huge and cancel catastrophically.
    """
    U, s, _ = scipy.linalg.svd(columns, full_matrices=False, check_finite=False)
    cutoff = s[0] * max(columns.shape) * np.finfo(np.float64).eps if s.size else 0.0
    U = U[:, s > cutoff]
    return theta - U @ (U.T @ theta)


def columns_of(design, cols):
    """Dense float64 copy of a few effective columns (float64 whatever the data: the
    projections built on them must be exact to the certificate's precision)."""
    X = design.X[:, cols]
    X = np.asarray(X.toarray() if hasattr(X, "toarray") else X, dtype=np.float64)
    return X - np.outer(design.u, design.x_offset[cols])


def certify(design, w, l1_weight, l2_weight, positive=False, residual=None) -> Certificate:
    """Duality gap and KKT residual of ``w`` (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.design import make_design
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); y = np.array([1.0, 2.0, 3.0])
    >>> d = make_design(X, y, fit_intercept=False)
    >>> cert = certify(d, np.zeros(2), np.full(2, 10.0), np.zeros(2))
    >>> cert.dual_gap < 1e-12      # alpha above alpha_max: w = 0 is optimal
    True
    """
    w = np.asarray(w, dtype=np.float64)
    l1_weight = np.asarray(l1_weight, dtype=np.float64)
    l2_weight = np.asarray(l2_weight, dtype=np.float64)
    y = np.asarray(design.y, dtype=np.float64)
    n = design.n_samples
    r = y - design.matvec(w) if residual is None else np.asarray(residual, dtype=np.float64)
    primal = primal_value(design, w, l1_weight, l2_weight, r)
    if positive and np.any(w < 0):
        primal = np.inf
    theta, corr = dual_point(design, r, l1_weight, l2_weight, positive)
    # unpenalised features have X_jᵀθ = 0 by the projection (up to rounding): skip them
    keep = (l1_weight > 0) | (l2_weight > 0)
    a, b = l1_weight[keep], l2_weight[keep]

    def dual_at(shrink):
        return LOSS.dual_value(y, theta / shrink) - conjugate_weighted_enet(
            corr[keep] / shrink, a, b, positive
        )

    dual = dual_at(1.0)
    # a nearly-lasso feature (b_j ≪ a_j): shrinking θ into every |x_jᵀθ| ≤ a_j zeroes
    # the elastic-net conjugates, a better dual point than one they blow up (as the
    # kernel shrinkage._kernels.gap.enet_duality_gap)
    c = np.maximum(corr[keep], 0.0) if positive else np.abs(corr[keep])
    penalised = a > 0
    shrink = np.max(c[penalised] / a[penalised], initial=0.0)
    if np.any(b[penalised] > 0) and shrink > 1.0:
        dual = max(dual, dual_at(shrink))
    primal_at_zero = LOSS.primal_at_zero(y, fit_intercept=False)  # intercept folded into y
    # gradient of the loss is −X_effᵀ r / n; rescale corr back if θ was shrunk
    grad = -np.asarray(design.rmatvec(r), dtype=np.float64) / n
    kkt = subdiff_distance(w, grad, l1_weight, l2_weight, positive)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt)
