"""Closed-form ridge: ``(X_effᵀX_eff/n + diag(b)) w = X_effᵀy/n``.

The shape decides the factorisation: for n ≥ p, Cholesky of the p × p normal matrix;
for p > n with every feature penalised, Cholesky of the n × n kernel matrix through the
push-through identity ``w = B⁻¹Xᵀ(XB⁻¹Xᵀ + nI)⁻¹y``; when the system is singular
(unpenalised collinear features), an SVD-based least-squares solve of the stacked system
``[X/√n; diag(√b)] w ≈ [y/√n; 0]`` (minimum-norm solution). Sparse X with many features
uses conjugate gradients on the normal operator, never a dense copy.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse.linalg as spla

from ..certificates import certify
from ._result import SolverResult

__all__ = ["ridge_closed_form"]

_DENSE_GRAM_LIMIT = 4000  # sparse X: form the p × p Gram matrix up to this many features
_DENSE_STACK_LIMIT = 4_000_000  # singular sparse problems: a dense copy up to 32 MB


def ridge_closed_form(design, l2_weight, positive=False, *, tol=1e-4, **_ignored):
    """Exact ridge solution with per-feature L2 weights ``b_j`` (``≥ 0``).

    Parameters
    ----------
    design : Design
    l2_weight : ndarray of shape (n_features,)
    positive : bool
        Must be False: positivity has no closed form (use coordinate descent).
    tol : float
        Only used to report ``converged`` from the certificate.

    Returns
    -------
    SolverResult
    """
    if positive:
        raise ValueError("The closed-form ridge solver cannot impose positive=True; use 'cd'.")
    b = np.asarray(l2_weight, dtype=np.float64)
    n, p = design.X.shape
    y = np.asarray(design.y, dtype=np.float64)
    if design.is_sparse and p > _DENSE_GRAM_LIMIT:
        w, method = _conjugate_gradient(design, b, y), "ridge_cg"
    elif design.is_sparse or p <= n:
        w, method = _normal_equations(design, b, y)
    elif np.all(b > 0):
        X = np.asarray(design.X, dtype=np.float64)
        K = (X / b) @ X.T
        K[np.diag_indices_from(K)] += n
        w, method = (X.T @ scipy.linalg.solve(K, y, assume_a="pos")) / b, "ridge_kernel_cholesky"
    else:
        w, method = _stacked_lstsq(design, b, y), "ridge_svd"
    w = w.astype(design.y.dtype)
    cert = certify(design, w, np.zeros(p), b, False)
    return SolverResult(w, 0.0, cert, 1, cert.relative_gap <= tol, tol, method)


def _normal_equations(design, b, y):
    n = design.n_samples
    A = design.gram() / n
    A[np.diag_indices_from(A)] += b
    rhs = np.asarray(design.rmatvec(y), dtype=np.float64) / n
    try:
        factor = scipy.linalg.cho_factor(A, lower=True, check_finite=False)
        w = scipy.linalg.cho_solve(factor, rhs, check_finite=False)
        if np.all(np.isfinite(w)) and np.linalg.cond(A) < 1e12:
            return w, "ridge_cholesky"
    except np.linalg.LinAlgError:
        pass
    # singular: the name says which factorisation really produced the answer
    if design.is_sparse and design.n_samples * design.n_features > _DENSE_STACK_LIMIT:
        # minimum-norm solution of the normal equations (their condition number is
        # squared: a dense copy of X would be more accurate, but too large here)
        return scipy.linalg.lstsq(A, rhs, lapack_driver="gelsd")[0], "ridge_svd"
    return _stacked_lstsq(design, b, y), "ridge_svd"


def _stacked_lstsq(design, b, y):
    n, p = design.X.shape
    X = design.X
    if design.is_sparse:  # a dense float64 copy, centred explicitly
        X = X.toarray() - np.outer(design.u, design.x_offset)
    X = np.asarray(X, dtype=np.float64)
    A = np.vstack([X / np.sqrt(n), np.diag(np.sqrt(b))])
    rhs = np.concatenate([y / np.sqrt(n), np.zeros(p)])
    return scipy.linalg.lstsq(A, rhs, lapack_driver="gelsd")[0]


def _conjugate_gradient(design, b, y):
    n, p = design.X.shape

    def normal_op(v):
        return np.asarray(design.rmatvec(design.matvec(v)), dtype=np.float64) / n + b * v

    op = spla.LinearOperator((p, p), matvec=normal_op, dtype=np.float64)
    rhs = np.asarray(design.rmatvec(y), dtype=np.float64) / n
    w, info = spla.cg(op, rhs, rtol=1e-12, atol=0.0, maxiter=10 * p)
    return w
