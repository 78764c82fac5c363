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

from .group_norm import block_kkt, gap_safe_blocks, group_norm_certificate

__all__ = ["certify_multitask", "gap_safe_rows"]


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
    gradient = (X.T @ R) / n - l2_weight[:, None] * W  # −∇ of the smooth part, per row
    row_norms = np.linalg.norm(W, axis=1)
    nonzero = row_norms > 0
    pulled = np.zeros_like(row_norms)
    direction = W[nonzero] / row_norms[nonzero, None]
    pulled[nonzero] = np.linalg.norm(gradient[nonzero] - l1_weight[nonzero, None] * direction,
                                     axis=1)  # fmt: skip
    kkt = block_kkt(np.linalg.norm(gradient, axis=1), pulled, row_norms, l1_weight)
    correlation_norms = np.linalg.norm(gradient + l2_weight[:, None] * W, axis=1)
    return group_norm_certificate(
        float(np.vdot(R, R)), float(np.vdot(R, Y)), float(np.vdot(Y, Y)), n,
        correlation_norms, row_norms, l1_weight, l2_weight, kkt,
    )  # fmt: skip


def gap_safe_rows(dual_norms, column_norms, gap, n_samples, l1_weight):
    """Rows proven zero at the optimum: ``‖X_jᵀΘ‖ + √(2·gap/n)·‖X_j‖ < a_j``
    (:func:`~.group_norm.gap_safe_blocks`, a row's block norm being ``‖X_j‖``)."""
    return gap_safe_blocks(dual_norms, column_norms, gap, n_samples, l1_weight)
