r"""The duality gap of a squared loss with a group-norm penalty, whatever the blocks.

Both the multi-task elastic net (a block is a row of W, :mod:`.multitask`) and the group
lasso (a block is a group of columns, :mod:`.groups`) have the primal

    P = 1/(2n)‖R‖² + Σ_g a_g‖β_g‖₂ + ½ b_g‖β_g‖₂²,     R = Y − (the fit),

and, with Θ = R/(nκ), the dual (Rockafellar 1970, Thm 31.2)

    D = ⟨R, Y⟩/(nκ) − ‖R‖²/(2nκ²) − Σ_{b_g > 0} (c_g/κ − a_g)₊² / (2 b_g),

where ``c_g = ‖X_gᵀR‖/n`` is the block's correlation norm and ``κ = max(1, max c_g/a_g)``
over the pure-L1 blocks makes Θ feasible. D is n-strongly concave in Θ, so a block with
``c_g/κ + √(2·gap/n)·‖X_g‖₂ < a_g`` is zero at the optimum (the gap-safe test of Ndiaye,
Fercoq, Gramfort & Salmon 2017 for group norms).
"""

from __future__ import annotations

import numpy as np

from .base import Certificate

__all__ = ["block_kkt", "gap_safe_blocks", "group_norm_certificate"]


def group_norm_certificate(rr, r_dot_y, yy, n, correlation_norms, coef_norms, l1_weight,
                           l2_weight, kkt):  # fmt: skip
    """The certificate from the sufficient numbers: ``‖R‖²``, ``⟨R, Y⟩``, ``‖Y‖²``, n,
    the blocks' correlation norms ``c_g`` and coefficient norms, their weights, and the
    per-block KKT residual (:func:`block_kkt`). Returns ``(certificate, c/κ)``.

    Examples
    --------
    >>> cert, _ = group_norm_certificate(2.0, 2.0, 2.0, 1, np.array([1.0]), np.zeros(1),
    ...                                  np.array([5.0]), np.zeros(1), np.zeros(1))
    >>> float(cert.dual_gap)  # zero coefficients, every correlation below its weight
    0.0
    """
    primal = rr / (2 * n) + float(l1_weight @ coef_norms + 0.5 * l2_weight @ coef_norms**2)
    pure = (l2_weight == 0) & (l1_weight > 0)
    kappa = max(1.0, float(np.max(correlation_norms[pure] / l1_weight[pure], initial=0.0)))
    dual_norms = correlation_norms / kappa
    ridge = l2_weight > 0
    excess = np.maximum(dual_norms[ridge] - l1_weight[ridge], 0.0)
    dual = (r_dot_y / (n * kappa) - rr / (2 * n * kappa**2)
            - float(np.sum(excess**2 / (2 * l2_weight[ridge]))))  # fmt: skip
    return Certificate.from_bounds(primal, dual, yy / (2 * n), kkt), dual_norms


def block_kkt(gradient_norms_at_zero, pulled_norms, coef_norms, l1_weight):
    """Per block, the distance of ``−∇`` of the smooth part to ``a_g ∂‖β_g‖``: at a zero
    block ``(‖−∇_g‖ − a_g)₊`` (``gradient_norms_at_zero``), else the norm of
    ``−∇_g − a_g β_g/‖β_g‖`` (``pulled_norms``, computed by the caller)."""
    return np.where(coef_norms > 0, pulled_norms,
                    np.maximum(gradient_norms_at_zero - l1_weight, 0.0))  # fmt: skip


def gap_safe_blocks(dual_norms, block_norms, gap, n_samples, l1_weight):
    """Blocks proven zero at the optimum: ``c_g/κ + √(2·gap/n)·‖X_g‖₂ < a_g``."""
    radius = np.sqrt(2.0 * max(gap, 0.0) / n_samples)
    return dual_norms + radius * block_norms < l1_weight
