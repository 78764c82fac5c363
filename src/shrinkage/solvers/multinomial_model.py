"""The proximal-Newton model of the multinomial log-loss and its minimisation on a
working set (:mod:`shrinkage.solvers.multinomial`).

At ``Z = XW + 1bᵀ + O`` (O an offset, or 0: the model reads Z only through P, G and H
of :class:`Point`) the model of the loss in the change ``U = XΔW + 1Δbᵀ`` is
``Σ G∘U + ½ Σ_i (s_i/n)[Σ_k P_ik U_ik² − (P_iᵀU_i)²]`` (each row's Hessian
``(s_i/n)(diag P_i − P_iP_iᵀ)`` in full). It is minimised with the penalty by runs of
coordinate descent over the rows (:mod:`shrinkage._kernels.multinomial`), each run
followed (but for the grouped penalty on sparse X) by a Newton step on the face where
the penalty is smooth, solved by one Cholesky factorisation: ungrouped, the non-zero
coefficients and the intercepts, the step cut at the first sign change (as the binary
solver's face steps, :mod:`shrinkage.solvers.logistic_newton`); grouped, every
coefficient of the non-zero rows and the intercepts, the step halved until the model
drops. On correlated columns
coordinate descent alone creeps: on the handwritten digits (8 × 8 pixels) a Newton step
took 85 epochs, and a grouped path of them (20 α) 6.0 s against 1.8 s with face steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._kernels.multinomial import (
    face_model_sparse,
    multinomial_cd_dense,
    multinomial_cd_sparse,
)
from ..losses.multinomial import MultinomialLoss
from .logistic_newton import solve_face_system, step_in_face

__all__ = ["LOSS", "Point", "model_step", "penalty_change", "penalty_value"]

LOSS = MultinomialLoss()
_MODEL_EPOCHS = 500
# epochs of coordinate descent between two face steps: 20-α lasso paths at rel. gap
# 1e-4 and 1e-6, 3 against 5 epochs: digits 8 %, iris and wine 5-12 % faster, news20's
# first 2000 posts 0-14 %; grouped paths unchanged
_EPOCHS_PER_RUN = 3
# the face step forms its m × m system (from an n × m dense block, or from the rows of
# sparse X) for at most this many face entries (beyond, coordinate descent alone). On
# sparse X it pays for the lasso (news20's first 2000 posts, 20 classes, 20 α: 4.6-5.0 s
# without, 3.7-3.9 s with, when it formed a dense block); the grouped penalty, whose
# face holds all K entries of a row, takes it on sparse X only once coordinate descent
# has done as much arithmetic as the step will (see _face_step_pays: news20 4.2-4.6 s
# with CD alone, 6.0 s with a face step after every run; on collinear columns CD alone
# crawls: 100 Newton steps left a gap of 7e-6 that face steps close in 3)
_FACE_MAX_ENTRIES = 10000
# halvings of a grouped face step before it is given up
_GROUP_HALVINGS = 4


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
    run_work = _EPOCHS_PER_RUN * K * (squares.nnz if sp.issparse(X) else squares.size)
    for run in range(_MODEL_EPOCHS // _EPOCHS_PER_RUN):
        options = (W_new, U, V, point.G, point.H, point.P, curvature, block, a, b, grouped,
                   data.fit_intercept, _EPOCHS_PER_RUN, tol, step_b)  # fmt: skip
        if sp.issparse(X):
            violation = multinomial_cd_sparse(X.data, X.indices, X.indptr, features, *options)
        else:
            violation = multinomial_cd_dense(X, features, *options)
        if violation <= tol:
            break
        if not (grouped and sp.issparse(X)) or _face_step_pays(
            W_new[features], X.shape[0], (run + 1) * run_work
        ):
            _face_step(data, features, W_new, U, V, step_b, point, a, b, grouped)
    return W_new, U, step_b


def _face_step_pays(rows, n, work):
    """Whether a grouped face step on the non-zero ``rows`` (an n × m block, m = K × their
    number + K, and its m × m system: about n·m² operations) costs at most ``work``, the
    arithmetic coordinate descent has spent on this model so far.

    Examples
    --------
    >>> rows = np.array([[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]])
    >>> _face_step_pays(rows, 10, 10 * 6 * 6 - 1), _face_step_pays(rows, 10, 10 * 6 * 6)
    (False, True)
    """
    K = rows.shape[1]
    m = K * (int(np.count_nonzero(np.any(rows != 0, axis=1))) + 1)
    return n * m * m <= work


def _face_step(data, features, W, U, V, step_b, point, a, b, grouped):
    """One Newton step on the face of the signs (module docstring): W, U, V and
    ``step_b`` in place when the model drops.

    Ungrouped, the face is the non-zero coefficients (and the intercepts), the step cut
    at the first sign change. Grouped, it is every class's coefficient of the non-zero
    rows, where ``a‖W_j‖ + ½b‖W_j‖²`` is smooth with Hessian
    ``(a/‖W_j‖)(I − ŵŵᵀ) + bI`` (ŵ = W_j/‖W_j‖); the step is halved up to
    ``_GROUP_HALVINGS`` times until the model, its penalty exact, drops.
    """
    n, K = point.G.shape
    if grouped:
        rows = np.flatnonzero(np.any(W[features] != 0, axis=1))
        rows, classes = np.repeat(rows, K), np.tile(np.arange(K), rows.size)
    else:
        rows, classes = np.nonzero(W[features])
    if rows.size > _FACE_MAX_ENTRIES:
        return
    columns = features[rows]
    entries = columns.size
    m = entries + (K if data.fit_intercept else 0)  # the intercepts last, unpenalised
    if m == 0:
        return
    X = data.X[:, columns]
    current = np.concatenate([W[columns, classes], np.zeros(m - entries)])
    loss_gradient, loss_hessian = _face_model(X, classes, point, data.s, U, V,
                                              data.fit_intercept)  # fmt: skip
    if data.fit_intercept:
        classes = np.concatenate([classes, np.arange(K)])
    gradient, hessian = loss_gradient.copy(), loss_hessian.copy()
    l1 = np.zeros(m)
    l2 = np.zeros(m)
    l1[:entries], l2[:entries] = a[columns], b[columns]
    gradient += l2 * current
    hessian[np.diag_indices(m)] += l2
    if grouped:
        for start in range(0, entries, K):  # a row's K entries are consecutive
            block = slice(start, start + K)
            row = current[block]
            norm = float(np.linalg.norm(row))
            unit = row / norm
            gradient[block] += l1[start] * unit
            hessian[block, block] += (l1[start] / norm) * (np.eye(K) - np.outer(unit, unit))
    else:
        gradient += l1 * np.sign(current)
    direction = -solve_face_system(hessian, gradient)
    if grouped:
        step = _group_step(direction, loss_gradient, loss_hessian, W, columns, classes,
                           entries, a, b)  # fmt: skip
        if step is None:
            return
    else:
        step, _ = step_in_face(current, direction, l1, False)
        if not gradient @ step + 0.5 * step @ (hessian @ step) < 0:
            return  # rounding guard: the model must drop
    change = np.zeros((n, K))
    for k in range(K):  # ΔU_k = Σ_{e in class k} x_e step_e, plus the intercept's move
        same = classes[:entries] == k
        change[:, k] = X[:, same] @ step[:entries][same]
    change += np.bincount(classes[entries:], step[entries:], minlength=K)
    U += change
    V += np.einsum("ik,ik->i", point.P, change)
    W[columns, classes[:entries]] += step[:entries]
    step_b += np.bincount(classes[entries:], step[entries:], minlength=K)


def _face_model(X, classes, point, s, U, V, fit_intercept):
    """The model's gradient and Hessian in the face entries at the current change
    (U, V): the coefficient entries (column e of X, of class ``classes[e]``), then with
    ``fit_intercept`` the K intercepts: ``Σ_i x (∂M/∂U_i)_c`` and
    ``Σ_i x x' (s/n)(δ_cc' P_c − P_c P_c')``, x = 1 for an intercept. Sparse X (the
    face's columns) is read by rows (:func:`~shrinkage._kernels.multinomial.
    face_model_sparse`): each row's stored entries pair up, the sum of their squares
    instead of n·m² for m entries."""
    n, K = point.G.shape
    m = classes.shape[0]
    entries = np.arange(m)
    slope = np.ascontiguousarray(point.G + point.H * (U - V[:, None]))  # ∂model/∂U
    weights = data_weights = s / n
    if sp.issparse(X):
        rows = X.tocsr()
        gradient, hessian, cross = np.zeros(m), np.zeros((m, m)), np.zeros((m, K))
        face_model_sparse(rows.data, rows.indices, rows.indptr, classes, slope, point.H,
                          point.P, data_weights, gradient, hessian, cross)  # fmt: skip
    else:
        weights = data_weights[:, None]
        gradient = np.einsum("im,im->m", X, slope[:, classes])
        weighted = X * point.P[:, classes]
        scaled = weights * weighted
        hessian = -(weighted.T @ scaled)
        for k in range(K):
            same = np.flatnonzero(classes == k)
            part = X[:, same]
            hessian[np.ix_(same, same)] += part.T @ (point.H[:, [k]] * part)
        if fit_intercept:
            cross = -(scaled.T @ point.P)
            cross[entries, classes] += (X.T @ point.H)[entries, classes]
    if not fit_intercept:
        return gradient, hessian
    # the intercepts: Σ_i x (H_c δ_cd − (s/n) P_c P_d) against intercept d (cross), and
    # diag(Σ_i H) − Σ_i (s/n) P Pᵀ between intercepts
    corner = np.diag(point.H.sum(axis=0)) - point.P.T @ (data_weights[:, None] * point.P)
    full = np.block([[hessian, cross], [cross.T, corner]])
    return np.concatenate([gradient, slope.sum(axis=0)]), full


def _group_step(direction, loss_gradient, loss_hessian, W, columns, classes, entries, a,
                b):  # fmt: skip
    """The longest of ``direction, direction/2, …`` (``_GROUP_HALVINGS`` halvings) along
    which the model drops: the loss's quadratic plus the exact change of the group
    penalty on the face's rows; None if none does."""
    K = W.shape[1]
    rows = columns[::K]  # one per face row
    curvature = direction @ (loss_hessian @ direction)
    slope = loss_gradient @ direction
    for halving in range(_GROUP_HALVINGS + 1):
        tau = 0.5**halving
        move = np.zeros((rows.size, K))
        move[np.arange(entries) // K, classes[:entries]] = tau * direction[:entries]
        change = tau * slope + 0.5 * tau * tau * curvature
        change += penalty_change(W[rows], move, a[rows], b[rows], True)
        if change < 0:
            return tau * direction
    return None
