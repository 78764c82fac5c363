"""The proximal-Newton model of the multinomial log-loss and its minimisation on a
working set (:mod:`shrinkage.solvers.multinomial`).

At ``Z = XW + 1bᵀ + O`` (O an offset, or 0: the model reads Z only through P, G and H
of :class:`Point`) the model of the loss in the change ``U = XΔW + 1Δbᵀ`` is
``Σ G∘U + ½ Σ_i (s_i/n)[Σ_k P_ik U_ik² − (P_iᵀU_i)²]`` (each row's Hessian
``(s_i/n)(diag P_i − P_iP_iᵀ)`` in full). It is minimised with the penalty by runs of
coordinate descent over the rows (:mod:`shrinkage._kernels.multinomial`), each run
followed, for the ungrouped penalty on dense X, by a Newton step on the face of the
current signs:
the non-zero coefficients and the intercepts, where the penalty is smooth, solved by one
Cholesky factorisation and cut at the first sign change (as the binary solver's face
steps, :mod:`shrinkage.solvers.logistic_newton`). On correlated columns coordinate
descent alone creeps: on the handwritten digits (8 × 8 pixels) a Newton step took 85
epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._kernels.multinomial import multinomial_cd_dense, multinomial_cd_sparse
from ..losses.multinomial import MultinomialLoss
from .logistic_newton import solve_face_system, step_in_face

__all__ = ["LOSS", "Point", "model_step", "penalty_change", "penalty_value"]

LOSS = MultinomialLoss()
_MODEL_EPOCHS = 500
_EPOCHS_PER_RUN = 5
# the face step forms an n × m dense block and its m × m system: dense X only, and at
# most this many face entries (beyond, coordinate descent alone)
_FACE_MAX_ENTRIES = 1000


@dataclass
class Point:
    """The loss at the linear predictors ``Z`` (offset included): the probabilities P,
    the gradient ``G = (s/n)(P − Y)`` and ``H = (s/n) P`` of the model's Hessian."""

    Z: np.ndarray
    P: np.ndarray
    G: np.ndarray
    H: np.ndarray

    @classmethod
    def at(cls, data, Z):
        n = Z.shape[0]
        P = np.ascontiguousarray(LOSS.mean(Z))
        weights = (data.s / n)[:, None]
        return cls(
            Z, P, np.ascontiguousarray(weights * (P - data.Y)), np.ascontiguousarray(weights * P)
        )


def penalty_value(W, a, b, grouped):
    """``Σ_j a_j‖W_j‖ + ½ b_j‖W_j‖²`` (the L1 norm of each row ungrouped, its L2 norm
    grouped)."""
    rows = np.linalg.norm(W, axis=1) if grouped else np.abs(W).sum(axis=1)
    return float(a @ rows + 0.5 * b @ np.sum(W * W, axis=1))


def penalty_change(W, step, a, b, grouped):
    """``penalty(W + step) − penalty(W)`` summed row by row (entry by entry ungrouped),
    so that a change far below ε·penalty keeps its sign."""
    moved = W + step
    if grouped:
        rows = np.linalg.norm(moved, axis=1) - np.linalg.norm(W, axis=1)
    else:
        rows = np.sum(np.abs(moved) - np.abs(W), axis=1)
    return float(a @ rows + b @ np.sum(step * (W + 0.5 * step), axis=1))


def _model_value(point, s_over_n, W, U, V, a, b, grouped):
    """The model plus the penalty at (W, U, V) (module docstring of the kernels)."""
    quadratic = np.sum(point.H * U * U) - s_over_n @ (V * V)
    return float(np.vdot(point.G, U)) + 0.5 * quadratic + penalty_value(W, a, b, grouped)


def model_step(data, features, W, point, a, b, grouped, tol):
    """The model's minimiser on the working set ``features``: ``(W_new, U, step_b)``
    (module docstring), to a KKT violation of ``tol``."""
    X = data.X
    K = W.shape[1]
    squares = data.squares[:, features]
    curvature = np.ascontiguousarray(np.asarray(squares.T @ point.H))
    # the rows' K × K Hessians: diag(Σ x² H) − Σ x² H_k P_k'
    block = -np.stack([np.asarray(squares.T @ (point.H[:, [k]] * point.P))
                       for k in range(K)], axis=1)  # fmt: skip
    block[:, np.arange(K), np.arange(K)] += curvature
    block = np.ascontiguousarray(block)
    if grouped:  # the group step's bound: each row's largest eigenvalue
        curvature = np.ascontiguousarray(np.repeat(np.linalg.eigvalsh(block)[:, -1:], K, axis=1))
    W_new = W.copy()
    U = np.zeros_like(point.G)
    V = np.zeros(U.shape[0])
    step_b = np.zeros(K)
    for _ in range(_MODEL_EPOCHS // _EPOCHS_PER_RUN):
        options = (W_new, U, V, point.G, point.H, point.P, curvature, block, a, b, grouped,
                   data.fit_intercept, _EPOCHS_PER_RUN, tol, step_b)  # fmt: skip
        if sp.issparse(X):
            violation = multinomial_cd_sparse(X.data, X.indices, X.indptr, features, *options)
        else:
            violation = multinomial_cd_dense(X, features, *options)
        if violation <= tol:
            break
        if not grouped and not sp.issparse(X):
            _face_step(data, features, W_new, U, V, step_b, point, a, b)
    return W_new, U, step_b


def _face_step(data, features, W, U, V, step_b, point, a, b):
    """One Newton step on the face of the signs (module docstring): W, U, V and
    ``step_b`` in place when the model drops."""
    rows, classes = np.nonzero(W[features])
    if rows.size > _FACE_MAX_ENTRIES:
        return
    columns = features[rows]
    n, K = point.G.shape
    X = data.X[:, columns]
    X = X.toarray() if sp.issparse(X) else np.asarray(X)
    if data.fit_intercept:  # the intercepts: columns of ones, one per class, unpenalised
        X = np.hstack([X, np.ones((n, K))])
        classes = np.concatenate([classes, np.arange(K)])
    m = classes.shape[0]
    if m == 0:
        return
    l1 = np.zeros(m)
    l2 = np.zeros(m)
    l1[: columns.size], l2[: columns.size] = a[columns], b[columns]
    current = np.concatenate([W[columns, classes[: columns.size]], np.zeros(m - columns.size)])
    slope = point.G + point.H * (U - V[:, None])  # ∂model/∂U at the current point
    gradient = np.einsum("im,im->m", X, slope[:, classes]) + l1 * np.sign(current) + l2 * current
    # Hessian: Σ_i x x' (s/n)(δ_kk' P_k − P_k P_k') on the face entries, + diag(b)
    weighted = X * point.P[:, classes]
    hessian = -(weighted.T @ ((data.s / n)[:, None] * weighted))
    for k in range(K):
        same = np.flatnonzero(classes == k)
        part = X[:, same]
        hessian[np.ix_(same, same)] += part.T @ (point.H[:, [k]] * part)
    hessian[np.diag_indices(m)] += l2
    direction = -solve_face_system(hessian, gradient)
    step, _ = step_in_face(current, direction, l1, False)
    if not gradient @ step + 0.5 * step @ (hessian @ step) < 0:
        return  # rounding guard: the model must drop
    change = np.zeros((n, K))
    for k in range(K):  # ΔU_k = Σ_{e in class k} x_e step_e
        same = classes == k
        change[:, k] = X[:, same] @ step[same]
    U += change
    V += np.einsum("ik,ik->i", point.P, change)
    W[columns, classes[: columns.size]] += step[: columns.size]
    step_b += np.bincount(classes[columns.size :], step[columns.size :], minlength=K)
