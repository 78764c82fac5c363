"""Plain subgradient descent — kept on purpose, as the method that does *not* give zeros.

``w ← w − η_k (∇loss(w) + a ∘ sign(w) + b ∘ w)``. The L1 part moves every non-zero weight
by the same amount ``η a`` per step whatever its size, so a weight heading for zero jumps
over it and then oscillates around it with amplitude ~``η a``: it lands on exactly 0 only
by coincidence (when its distance to 0 is a multiple of the step). The proximal step of
:func:`~shrinkage.solvers.proximal_gradient` lands on 0 exactly. This solver exists for
:mod:`shrinkage.lab` and for teaching; never use it to fit a model.
"""

from __future__ import annotations

import numpy as np

from ..certificates import certify
from ._result import SolverResult

__all__ = ["subgradient_descent"]


def subgradient_descent(
    design,
    l1_weight,
    l2_weight,
    positive=False,
    *,
    step=None,
    schedule="constant",
    max_iter=1000,
    coef_init=None,
    tol=1e-4,
    record_path=False,
):
    """Run ``max_iter`` subgradient steps (no early stop: it has no reliable criterion).

    Parameters
    ----------
    step : float, optional
        η (or η₀ for the decaying schedule). Default ``1/L`` with L the largest column
        curvature ``‖X_j‖²/n`` bound by the spectral one.
    schedule : {"constant", "decaying"}
        ``η_k = η`` or ``η_k = η/√(k+1)`` (the latter converges, slowly, in value).
    record_path : bool
        Keep every iterate; returned as ``history`` of shape (max_iter + 1, n_features).

    Returns
    -------
    SolverResult
        ``history`` holds the iterates when ``record_path`` else the relative gaps.
    """
    if schedule not in ("constant", "decaying"):
        raise ValueError(f"schedule must be 'constant' or 'decaying', got {schedule!r}.")
    n, p = design.X.shape
    a = np.asarray(l1_weight, dtype=np.float64)
    b = np.asarray(l2_weight, dtype=np.float64)
    y = np.asarray(design.y, dtype=np.float64)
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    if step is None:
        X = design.X.toarray() if design.is_sparse else np.asarray(design.X)
        spectral = np.linalg.norm(X - np.outer(design.u, design.x_offset), 2) ** 2 / n
        step = 1.0 / max(spectral + float(np.max(b, initial=0.0)), 1e-12)
    path = [w.copy()] if record_path else None
    gaps = []
    for k in range(max_iter):
        r = y - design.matvec(w)
        grad = -np.asarray(design.rmatvec(r), dtype=np.float64) / n
        eta = step if schedule == "constant" else step / np.sqrt(k + 1)
        w = w - eta * (grad + a * np.sign(w) + b * w)
        if positive:
            w = np.maximum(w, 0.0)
        if record_path:
            path.append(w.copy())
    cert = certify(design, w, a, b, positive)
    gaps.append(cert.relative_gap)
    history = np.asarray(path) if record_path else np.asarray(gaps)
    return SolverResult(
        w, 0.0, cert, max_iter, cert.relative_gap <= tol, tol, "subgradient", history
    )
