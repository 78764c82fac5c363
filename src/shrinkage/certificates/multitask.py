r"""The duality gap of the multi-task elastic net (glmnet's ``mgaussian``).

Primal, with the effective (centred, row-scaled) design ``X``, targets ``Y`` (n × T) and
rows ``W_j`` of the coefficient matrix W (p × T)::

    P(W) = 1/(2n)‖Y − XW‖²_F + Σ_j a_j‖W_j‖₂ + ½ b_j‖W_j‖₂².

Fenchel duality with Θ ∈ ℝ^{n×T} gives the lower bound (Rockafellar 1970, Thm 31.2)::

    D(Θ) = ⟨Θ, Y⟩ − (n/2)‖Θ‖²_F − Σ_j g_j*(X_jᵀΘ),
    g_j*(v) = (‖v‖ − a_j)₊² / (2 b_j)   (b_j > 0),   the indicator of ‖v‖ ≤ a_j   (b_j = 0).

The dual point is the scaled residual ``Θ = R/(nκ)``, ``κ = max(1, max_j ‖X_jᵀR‖/(n a_j))``
over the pure-L1 rows, which makes it feasible and is optimal at the optimum; the row
norm ‖·‖₂ of the group penalty is what the dual constraint reads (the L2,1 dual norm).
D is n-strongly concave in Θ, so the dual optimum lies within ``√(2·gap/n)`` of Θ: a row
with ``‖X_jᵀΘ‖ + √(2·gap/n)·‖X_j‖ < a_j`` is zero at the optimum (the gap-safe test of
Ndiaye, Fercoq, Gramfort & Salmon 2015, for the multi-task lasso).
"""

from __future__ import annotations

import numpy as np

from .base import Certificate

__all__ = ["certify_multitask", "gap_safe_rows", "row_kkt"]


def certify_multitask(X, Y, W, l1_weight, l2_weight, residual=None):
    """The certificate of W and the scaled dual correlations ``‖X_jᵀΘ‖`` (for
    :func:`gap_safe_rows`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The effective design (centred and row-scaled when the fit has an intercept or
        weights).
    Y : ndarray of shape (n_samples, n_tasks)
        The effective targets.
    W : ndarray of shape (n_features, n_tasks)
    l1_weight, l2_weight : ndarray of shape (n_features,)
        a_j and b_j; every feature must be penalised (a_j > 0 or b_j > 0).
    residual : ndarray of shape (n_samples, n_tasks), optional
        ``Y − XW`` if the caller keeps it.

    Returns
    -------
    certificate : Certificate
        Gap, relative gap (to ``P(0) = ‖Y‖²/(2n)``) and the KKT residual of each row.
    dual_norms : ndarray of shape (n_features,)
        ``‖X_jᵀΘ‖`` at the dual point.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.standard_normal((20, 3)), rng.standard_normal((20, 2))
    >>> cert, _ = certify_multitask(X, Y, np.zeros((3, 2)), np.full(3, 10.0), np.zeros(3))
    >>> float(cert.dual_gap)  # α above α_max: W = 0 is optimal
    0.0
    """
    n = X.shape[0]
    R = Y - X @ W if residual is None else residual
    correlation = X.T @ R
    norms = np.linalg.norm(correlation, axis=1) / n
    row_norms = np.linalg.norm(W, axis=1)
    rr = float(np.vdot(R, R))
    primal = rr / (2 * n) + float(l1_weight @ row_norms + 0.5 * l2_weight @ row_norms**2)
    pure = (l2_weight == 0) & (l1_weight > 0)
    kappa = max(1.0, float(np.max(norms[pure] / l1_weight[pure], initial=0.0)))
    dual_norms = norms / kappa
    ridge = l2_weight > 0
    excess = np.maximum(dual_norms[ridge] - l1_weight[ridge], 0.0)
    dual = (float(np.vdot(R, Y)) / (n * kappa) - rr / (2 * n * kappa**2)
            - float(np.sum(excess**2 / (2 * l2_weight[ridge]))))  # fmt: skip
    primal_at_zero = float(np.vdot(Y, Y)) / (2 * n)
    kkt = row_kkt(correlation / n, W, row_norms, l1_weight, l2_weight)
    return Certificate.from_bounds(primal, dual, primal_at_zero, kkt), dual_norms


def row_kkt(correlation, W, row_norms, l1_weight, l2_weight):
    """Per row, the distance of ``−∇`` of the smooth part (``X_jᵀR/n − b_j W_j``) to
    ``a_j ∂‖W_j‖``: ``(‖·‖ − a_j)₊`` at a zero row, else ``‖· − a_j W_j/‖W_j‖‖``."""
    gradient = correlation - l2_weight[:, None] * W
    nonzero = row_norms > 0
    kkt = np.maximum(np.linalg.norm(gradient, axis=1) - l1_weight, 0.0)
    pull = l1_weight[nonzero, None] * W[nonzero] / row_norms[nonzero, None]
    kkt[nonzero] = np.linalg.norm(gradient[nonzero] - pull, axis=1)
    return kkt


def gap_safe_rows(dual_norms, column_norms, gap, n_samples, l1_weight):
    """Rows proven zero at the optimum: ``‖X_jᵀΘ‖ + √(2·gap/n)·‖X_j‖ < a_j``."""
    radius = np.sqrt(2.0 * max(gap, 0.0) / n_samples)
    return dual_norms + radius * column_norms < l1_weight
