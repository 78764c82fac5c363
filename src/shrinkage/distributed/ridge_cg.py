"""Ridge on row blocks by conjugate gradient: one pass per iteration, certified by the gap.

The ridge solution solves the normal equations (on the effective design of
:mod:`shrinkage.design`, with b_j = α f_j σ_j²)::

    (X_effᵀX_eff / n + diag(b)) w = X_effᵀ y_eff / n,

whose matrix is never formed: each conjugate-gradient iteration asks the data for one
product ``X_effᵀX_eff v`` (:func:`~shrinkage.distributed.operations.matvec`), and the
diagonal ``‖X_eff[:, j]‖²/n + b_j`` from the moments pass preconditions it (Jacobi).

The iterate's gap needs ``X_effᵀr``, ``‖r‖²`` and ``y_effᵀr``; conjugate gradient keeps
``g = X_effᵀy/n − (X_effᵀX_eff/n + diag b) w``, so ``X_effᵀr = n(g + b∘w)``,
``y_effᵀr = ‖y_eff‖² − wᵀX_effᵀy`` and ``‖r‖² = y_effᵀr − wᵀX_effᵀr`` cost no pass (the
form of :class:`shrinkage.solvers.states.GramState`). Once that gap is below the target,
one correlations pass computes the statistics from the residual itself and certifies the
iterate; if rounding kept it short, the iteration restarts from the exact ``g``.

The objective is min_j b_j-strongly convex, so the certified gap also bounds the
coefficients: ``‖w − w*‖² ≤ 2·gap / min_j b_j``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_alpha, check_flag, check_max_iter, check_tol, check_varying_columns
from ..penalties import L2
from ..solvers.working_set import duality_gap
from .operations import column_moments, correlations, matvec

__all__ = ["RidgeResult", "ridge_cg"]


@dataclass(frozen=True)
class RidgeResult:
    """A ridge fit of row-block data.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        On the original scale of the columns.
    intercept : float
    dual_gap, relative_gap : float
        The certificate of ``coef``, computed from its own residual (one pass).
    n_iter : int
        Conjugate-gradient iterations (one product each).
    n_passes : int
        Passes over the data, all included (moments, right-hand side, products,
        certificates).
    converged : bool
        Whether ``relative_gap ≤ tol``.
    column_std : ndarray or None
        σ_j with ``standardize=True``.
    """

    coef: np.ndarray
    intercept: float
    dual_gap: float
    relative_gap: float
    n_iter: int
    n_passes: int
    converged: bool
    column_std: np.ndarray | None = None


def ridge_cg(data, alpha, *, penalty_factor=None, fit_intercept=True, standardize=False,
             tol=1e-4, max_iter=1000) -> RidgeResult:  # fmt: skip
    """Minimise ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + ½ α Σ_j f_j w_j²`` on row blocks.

    Parameters
    ----------
    data : PartitionedData
    alpha : float
        > 0.
    penalty_factor : array-like of shape (n_features,), optional
        f_j > 0 (default ones).
    fit_intercept, standardize : bool
        As :func:`shrinkage.solve`: with ``standardize`` the penalty is ``α f_j σ_j² w_j²``
        (the ridge of standardised columns), coefficients on the original scale.
    tol : float
        Relative duality gap ``gap / P(0)`` to certify.
    max_iter : int
        Conjugate-gradient iterations.

    Returns
    -------
    RidgeResult

    See Also
    --------
    shrinkage.distributed.wide.wide_path : the lasso and elastic net on the same data.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((30, 80)); y = X[:, 0] + 0.1 * rng.standard_normal(30)
    >>> fit = ridge_cg(ArrayBlocks(X, y, n_partitions=3), 0.5, tol=1e-10)
    >>> Xc, yc = X - X.mean(0), y - y.mean()
    >>> exact = np.linalg.solve(Xc.T @ Xc / 30 + 0.5 * np.eye(80), Xc.T @ yc / 30)
    >>> bool(fit.converged), bool(np.allclose(fit.coef, exact, rtol=0, atol=1e-5))
    (True, True)
    """
    alpha = check_alpha(alpha)
    if alpha <= 0:
        raise ValueError("ridge_cg needs alpha > 0 (alpha = 0 is least squares).")
    fit_intercept = check_flag(fit_intercept, "fit_intercept")
    standardize = check_flag(standardize, "standardize")
    tol, max_iter = check_tol(tol), check_max_iter(max_iter)
    p = data.n_features
    penalty = L2(penalty_factor)
    if np.any(penalty.factors(p) == 0):
        raise ValueError("ridge_cg needs every penalty factor > 0 (a dual certificate "
                         "with unpenalised features needs their projection).")  # fmt: skip
    centring = column_moments(data).centring(fit_intercept)
    n, passes = centring.n, 1
    scale = centring.column_std() if standardize else None
    if standardize:
        check_varying_columns(scale, data.feature_names)
    a, b = penalty.weights(alpha, p, scale)
    primal_at_zero = max(centring.yy / (2 * n), np.finfo(float).tiny)
    target = tol * primal_at_zero
    w = np.zeros(p)
    xty, _, _ = correlations(data, w, centring)  # X_effᵀ y_eff
    passes += 1
    diagonal = centring.column_sq_norms / n + b  # > 0: every b_j > 0
    g = xty / n  # X_effᵀy/n − H w at w = 0
    iterations, gap = 0, np.inf
    while True:
        gap = _gap_from_recurrence(g, w, xty, centring.yy, a, b, n)
        if gap <= target or iterations >= max_iter:
            corr, rr, y_dot_r = correlations(data, w, centring)
            passes += 1
            gap = duality_gap(corr, rr, y_dot_r, w, a, b, False, n)[0]
            if gap <= target or iterations >= max_iter:
                break
            g = corr / n - b * w  # the exact gradient: start the recurrence again
        direction = z = g / diagonal
        product = g @ z
        while iterations < max_iter:
            hd = matvec(data, direction, centring) / n + b * direction
            passes += 1
            iterations += 1
            step = product / (direction @ hd)
            w = w + step * direction
            g = g - step * hd
            if _gap_from_recurrence(g, w, xty, centring.yy, a, b, n) <= target:
                break
            z = g / diagonal
            product, previous = g @ z, product
            direction = z + (product / previous) * direction
    return RidgeResult(w, centring.intercept(w), float(gap), float(gap / primal_at_zero),
                       iterations, passes, bool(gap <= target), scale)  # fmt: skip


def _gap_from_recurrence(g, w, xty, yy, a, b, n):
    """The gap at w from the recurrence's ``g`` (no pass; see the module docstring)."""
    corr = n * (g + b * w)
    y_dot_r = yy - float(w @ xty)
    rr = max(y_dot_r - float(w @ corr), 0.0)
    return duality_gap(corr, rr, y_dot_r, w, a, b, False, n)[0]
