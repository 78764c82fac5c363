"""One proximal-Newton direction of penalised logistic regression on a working set.

At the linear predictor z the mean log-loss is replaced by its quadratic model in the
change ``u = X Δw + Δb`` (:mod:`shrinkage._kernels.logistic`)::

    gᵀu + ½ Σ_i h_i u_i²,    g_i = s_i (σ(z_i) − y_i)/n,    h_i = s_i σ(z_i)(1 − σ(z_i))/n,

and the model plus the weighted elastic net ``Σ_j a_j|w_j| + ½ b_j w_j²`` is minimised
over the working set W to a KKT violation ``tol``: an inexact proximal-Newton step (Lee,
Sun & Saunders 2014, *SIAM J. Optim.* 24(3), with its forcing term). Two solvers, chosen
by :func:`use_gram`, alternate the same two moves:

1. **Coordinate-descent epochs** on the model, glmnet's IRLS inner loop (Friedman, Hastie
   & Tibshirani 2010, *J. Stat. Softw.* 33(1)): they settle which coefficients are zero
   and the signs of the others.
2. **A Newton step on the current face**: the non-zeros with their signs fixed, plus the
   zeros where the penalty has no L1 part. There the penalty is smooth, and the model is
   the quadratic ``½ dᵀ(X_Fᵀ H X_F + diag(b_F)) d + (X_Fᵀ g + b_F w_F + a_F sign(w_F))ᵀd``
   (H = diag(h)), minimised by one linear solve. The step is then cut at the first
   coordinate whose sign would change (``w + τ d`` with the largest τ ≤ 1 that keeps
   every sign the penalty depends on; that coordinate is set to exactly 0) and taken
   only if the model drops, against rounding.

The face step is what converges when the L2 part dominates: the model's Hessian is then
as ill-conditioned as ``1/b`` on correlated columns, and CD needs thousands of epochs
where the face step needs one solve.

- :func:`gram_direction` forms the working set's weighted Gram matrix ``X_Wᵀ H X_W``
  (once per Newton step; row by row for sparse X) and solves the face system by
  Cholesky. With an intercept, Δb is eliminated exactly: minimising the model in Δb
  gives ``Δb = −(1ᵀg + hᵀX_W d)/1ᵀh``, and substituting leaves the h-centred Gram
  ``X_Wᵀ H X_W − (X_Wᵀh)(X_Wᵀh)ᵀ/1ᵀh`` (its Schur complement), the same centring as the
  CD kernels.
- :func:`column_direction` never forms a matrix: CD epochs on the columns of X, and the
  face system ``[X_F 1]ᵀ H [X_F 1] + diag(b_F, 0)`` (intercept as one more unknown) by
  Jacobi-preconditioned conjugate gradients, two passes over the face's columns per
  iteration. Every CG iterate lowers the face quadratic (Nocedal & Wright 2006,
  *Numerical Optimization*, Thm 5.2), so a truncated solve is still a descent direction.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp

from .._kernels.columns import subtract_columns_dense, subtract_columns_sparse
from .._kernels.logistic import (
    centred_gram_dense,
    newton_cd_dense,
    newton_cd_gram,
    newton_cd_sparse,
    weighted_column_moments_dense,
    weighted_column_moments_sparse,
)
from .._kernels.weighted_gram import gram_by_columns, weighted_gram_csc, weighted_gram_rows
from .logistic_point import working_set_gradient

__all__ = ["FACE_SETTINGS", "column_direction", "gram_direction", "solve_face_system",
           "step_in_face", "use_gram"]  # fmt: skip

# Per Newton step: up to _FACE_STEPS rounds of CD epochs, each followed by a face step;
# CD settles the signs, the face step solves the smooth part. Gram epochs cost |W|² and
# columns' nnz(X_W), hence more of the former.
_FACE_STEPS = 20
_EPOCHS_PER_FACE_STEP = 10
_GRAM_EPOCHS_PER_FACE_STEP = 50
# CG iterations per face step: ≤ 30 were used on the factor design, leukemia and colon;
# on rcv1_small's lasso faces (collinear columns, no L2) 200 bought nothing over 50
_CG_MAX_ITER = 50
_GRAM_MAX_FEATURES = 2000
# The Gram matrix is formed anew at every Newton step (its weights change), at nnz(X_W)·|W|
# operations; it pays when that is recovered within this many epochs, each saving
# nnz(X_W) − |W|². Poisson paths of 30 α (one core, 1e-4 / 1e-6): 2000 × 500 synthetic
# 1.27 / 2.02 s by the Gram matrix alone, 0.44 / 0.74 s with this rule; RAND HIE (p = 9)
# and 1000 × 200 unchanged within noise. (The compiled logistic path has its own
# rule, `_GRAM_ENTRIES_PER_PAIR` in :mod:`shrinkage._kernels.logistic_path`.)
_GRAM_PAYBACK_EPOCHS = 50


def use_gram(X, features):
    """Whether :func:`gram_direction` is cheaper than :func:`column_direction`.

    A CD epoch on the columns costs nnz(X_W), one on the Gram matrix |W|² (and the model
    is then solved to high accuracy at no extra pass over the data), but forming the
    Gram matrix costs nnz(X_W)·|W|: it must pay back within ``_GRAM_PAYBACK_EPOCHS``.
    """
    k = features.shape[0]
    if k > _GRAM_MAX_FEATURES:
        return False
    if sp.issparse(X):
        nnz = int(np.sum(np.diff(X.indptr)[features]))
    else:
        nnz = X.shape[0] * k
    return nnz * k <= _GRAM_PAYBACK_EPOCHS * (nnz - k * k)


# what the compiled path (:mod:`shrinkage._kernels.logistic_path`) reads of the above
FACE_SETTINGS = (
    float(_FACE_STEPS), float(_GRAM_EPOCHS_PER_FACE_STEP), float(_EPOCHS_PER_FACE_STEP),
    float(_CG_MAX_ITER), float(_GRAM_MAX_FEATURES),
)  # fmt: skip


def _face(w, a, positive):
    """The coordinates a face step moves: the non-zeros, and the zeros of features with no
    L1 weight (smooth there) unless they are held at the bound of ``w ≥ 0``."""
    return (w != 0) | ((a == 0) & (not positive))


def step_in_face(w, direction, a, positive):
    """``w + τ·direction`` with the largest τ ≤ 1 that changes no sign the penalty
    depends on; the coordinate that reaches 0 is set to exactly 0. Returns the step."""
    bounded = (a > 0) | positive
    crossing = bounded & (w * direction < 0)
    ratio = np.full(w.shape, np.inf)
    ratio[crossing] = -w[crossing] / direction[crossing]
    tau = min(1.0, float(np.min(ratio, initial=np.inf)))
    new = w + tau * direction
    new[bounded & ((ratio <= tau) | (new * w < 0))] = 0.0
    return new - w, tau


def solve_face_system(matrix, rhs):
    """Cholesky, or the least-squares solution when the matrix is singular (collinear
    unpenalised columns); either gives a descent direction for the face quadratic."""
    # LAPACK's potrf / potrs directly: finite by construction (the finiteness scans were
    # half the cost at |F| ≤ 30), and scipy.linalg's wrappers cost more than a small solve
    factor, info = scipy.linalg.lapack.dpotrf(matrix, lower=False, clean=False)
    if info == 0:
        solution, info = scipy.linalg.lapack.dpotrs(factor, rhs, lower=False)
        if info == 0:
            return solution
    return scipy.linalg.lstsq(matrix, rhs, lapack_driver="gelsy")[0]


def gram_direction(X, row_starts, features, w, g, hess, a, b, positive, fit_intercept,
                   tol):  # fmt: skip
    """Proximal-Newton step on the working set through its weighted Gram matrix.

    Parameters
    ----------
    X : ndarray (Fortran) or CSC matrix of shape (n_samples, n_features)
    row_starts : ndarray of shape (n_samples + 1,) or None
        The row offsets of sparse X (:attr:`~shrinkage.solvers.logistic_data.GLMData.
        row_starts`; None for dense X): the Gram matrix is formed by row blocks from the
        columns, :func:`~shrinkage._kernels.weighted_gram.weighted_gram_rows`.
    features : ndarray of int64
        The working set W, sorted.
    w : ndarray of shape (n_features,)
        The current coefficients (not modified).
    g, hess : ndarray of shape (n_samples,)
        The loss gradient and curvature in z (module docstring).
    a, b : ndarray of shape (n_features,)
        L1 and L2 weights of the penalty.
    positive : bool
        Constrain ``w ≥ 0``.
    fit_intercept : bool
        Move the intercept too (eliminated from the model, updated exactly).
    tol : float
        KKT violation of the model to reach.

    Returns
    -------
    w_new : ndarray of shape (n_features,)
        The model's minimiser (changed on W only).
    u : ndarray of shape (n_samples,)
        The change of z, ``X (w_new − w) + step_b``.
    step_b : float
        The change of the intercept.
    """
    k = features.shape[0]
    if row_starts is None:  # dense: model, centring included, in one pass over X_W
        hessian, linear = np.empty((k, k)), np.empty(k)
        hess_sum, grad_b = centred_gram_dense(X, g, hess, features, fit_intercept, hessian,
                                              linear, np.empty(k))  # fmt: skip
    else:
        hessian, hess_x = np.zeros((k, k)), np.zeros(k)
        nnz_working = int(np.sum(np.diff(X.indptr)[features]))
        if gram_by_columns(k, nnz_working, X.shape[0]):
            weighted_gram_csc(X.data, X.indices, X.indptr, hess, features, hessian, hess_x,
                              np.zeros(X.shape[0]))  # fmt: skip
        else:
            weighted_gram_rows(X.data, X.indices, X.indptr, row_starts, hess, features,
                               hessian, hess_x)  # fmt: skip
        linear = working_set_gradient(X, g, features)
        hess_sum, grad_b = float(hess.sum()), float(g.sum())
        if fit_intercept:  # eliminate the intercept: h-centred Gram (module docstring)
            hessian = hessian - np.outer(hess_x, hess_x) / hess_sum
            linear = linear - hess_x * (grad_b / hess_sum)
    a_ws, b_ws = a[features], b[features]
    w_ws, grad = w[features], linear  # a copy (fancy index), moved in place below
    for _ in range(_FACE_STEPS):
        if newton_cd_gram(hessian, grad, w_ws, a_ws, b_ws, positive,
                          _GRAM_EPOCHS_PER_FACE_STEP, tol) <= tol:  # fmt: skip
            break
        face = np.flatnonzero(_face(w_ws, a_ws, positive))
        if face.size == 0:
            continue
        # the face's gradient (penalty included) and Hessian
        face_grad = grad[face] + b_ws[face] * w_ws[face] + a_ws[face] * np.sign(w_ws[face])
        face_hessian = hessian[np.ix_(face, face)] + np.diag(b_ws[face])
        direction = -solve_face_system(face_hessian, face_grad)
        step, _ = step_in_face(w_ws[face], direction, a_ws[face], positive)
        change = face_hessian @ step
        if face_grad @ step + 0.5 * step @ change < 0:  # rounding guard: model must drop
            w_ws[face] += step
            grad += hessian[:, face] @ step
    w_new = w.copy()
    w_new[features] = w_ws
    u = np.zeros(X.shape[0])  # X_W (w_new − w)_W, from the columns of W only
    if sp.issparse(X):
        subtract_columns_sparse(X.data, X.indices, X.indptr, u, features, w[features] - w_ws)
    else:
        subtract_columns_dense(X, u, features, w[features] - w_ws)
    step_b = 0.0
    if fit_intercept:
        step_b = -(grad_b + float(hess @ u)) / hess_sum
        u += step_b
    return w_new, u, step_b


def column_direction(X, features, w, g, hess, a, b, positive, fit_intercept, tol):
    """Proximal-Newton step on the working set by CD and CG on the columns of X.

    Takes the arguments of :func:`gram_direction` but ``row_starts``, and returns the same
    ``(w_new, u, step_b)``.
    """
    n = X.shape[0]
    w_new, u, q, step_b = w.copy(), np.zeros(n), g.copy(), np.zeros(1)
    for _ in range(_FACE_STEPS):
        model = (w_new, u, q, hess, a, b, positive, features, fit_intercept,
                 _EPOCHS_PER_FACE_STEP, tol, step_b)  # fmt: skip
        if sp.issparse(X):
            violation = newton_cd_sparse(X.data, X.indices, X.indptr, *model)
        else:
            violation = newton_cd_dense(X, *model)
        if violation <= tol:
            break
        _face_step_columns(X, features, w_new, u, q, hess, a, b, positive, fit_intercept,
                           step_b, tol)  # fmt: skip
    return w_new, u, float(step_b[0])


def _face_step_columns(X, features, w, u, q, hess, a, b, positive, fit_intercept, step_b,
                       tol):  # fmt: skip
    """The face step of :func:`column_direction` by preconditioned conjugate gradients
    on ``[X_F 1]ᵀ H [X_F 1] + diag(b_F, 0)`` (intercept as one more unknown): matrix-free,
    two passes over the columns of F (read in place) per iteration; ``w``, ``u``, ``q``
    (``g + h ∘ u``), ``step_b`` in place."""
    face = features[_face(w[features], a[features], positive)]
    m = face.shape[0]
    if m == 0:
        return
    a_face, b_face = a[face], b[face]
    face_grad = working_set_gradient(X, q, face) + b_face * w[face] + a_face * np.sign(w[face])
    # the Jacobi preconditioner: the diagonal of the uncentred face Hessian
    diagonal, column_sums = np.empty(m), np.empty(m)
    if sp.issparse(X):
        weighted_column_moments_sparse(X.data, X.indices, X.indptr, hess, face,
                                       column_sums, diagonal)  # fmt: skip
    else:
        weighted_column_moments_dense(X, hess, face, column_sums, diagonal)
    diagonal += b_face
    if fit_intercept:
        face_grad = np.append(face_grad, q.sum())
        diagonal = np.append(diagonal, hess.sum())

    def change_of_z(v):
        out = np.full(X.shape[0], v[m] if fit_intercept else 0.0)
        if sp.issparse(X):
            subtract_columns_sparse(X.data, X.indices, X.indptr, out, face, -v[:m])
        else:
            subtract_columns_dense(X, out, face, -v[:m])
        return out

    def product(v):
        weighted = hess * change_of_z(v)
        out = working_set_gradient(X, weighted, face) + b_face * v[:m]
        return np.append(out, weighted.sum()) if fit_intercept else out

    direction = _conjugate_gradient(product, -face_grad, diagonal, 0.5 * tol, _CG_MAX_ITER)
    step, tau = step_in_face(w[face], direction[:m], a_face, positive)
    full_step = np.append(step, tau * direction[m]) if fit_intercept else step
    change = change_of_z(full_step)
    model_change = face_grad @ full_step + 0.5 * (hess @ change**2 + b_face @ step**2)
    if model_change < 0:  # rounding guard: the model must drop
        w[face] += step
        u += change
        q += hess * change
        if fit_intercept:
            step_b[0] += full_step[m]


def _conjugate_gradient(product, rhs, diagonal, tol, max_iter):
    """Jacobi-preconditioned CG from 0 for ``A x = rhs`` (A positive semi-definite), until
    ``‖rhs − A x‖_∞ ≤ tol``. Every iterate lowers ``½xᵀAx − rhsᵀx`` (Nocedal & Wright
    2006, Thm 5.2), so a truncated solve still gives a descent direction."""
    inverse = np.where(diagonal > 0, 1.0 / np.where(diagonal > 0, diagonal, 1.0), 1.0)
    x = np.zeros_like(rhs)
    residual = rhs.copy()
    preconditioned = inverse * residual
    direction = preconditioned.copy()
    rz = residual @ preconditioned
    for _ in range(max_iter):
        if np.max(np.abs(residual)) <= tol:
            break
        image = product(direction)
        curvature = direction @ image
        if not curvature > 0:
            break
        step = rz / curvature
        x += step * direction
        residual -= step * image
        preconditioned = inverse * residual
        rz, previous = residual @ preconditioned, rz
        direction = preconditioned + (rz / previous) * direction
    return x
