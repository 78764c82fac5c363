"""The two proximal-Newton directions of the compiled logistic path, on plain arrays.

:mod:`shrinkage._kernels.logistic_path` runs the loop; these are its steps, as
:mod:`shrinkage.solvers.logistic_newton` states them for the Python loop:
:func:`gram_direction` minimises the Newton model on the working set's h-weighted Gram
matrix (CD epochs alternating with face steps solved by Cholesky), and
:func:`column_direction` by CD epochs on the columns alternating with face steps by
Jacobi-preconditioned conjugate gradients. Dense data come as X with empty CSC
arrays, sparse data as CSC arrays (and row offsets) with a placeholder X, and each
layout's code sits under ``if is_dense(indptr)`` or its negation
(:func:`~shrinkage._kernels.columns.is_dense`; see
:mod:`shrinkage._kernels.logistic_path`).
"""

import numpy as np

from .columns import (
    add_into,
    all_column_dots_dense,
    all_column_dots_sparse,
    column_dot_pairs_dense,
    column_dot_pairs_sparse,
    column_dots_dense,
    column_dots_sparse,
    copy_into,
    dot,
    is_dense,
    quadratic_change,
    subtract_columns_dense,
    subtract_columns_sparse,
)
from .face import move_in_face, solve_positive_semidefinite
from .jit import inner
from .logistic import (
    centred_gram_dense,
    newton_cd_dense,
    newton_cd_gram,
    newton_cd_sparse,
    weighted_column_moments_dense,
    weighted_column_moments_sparse,
)
from .penalty_side import _penalty_change
from .weighted_gram import gram_by_columns, weighted_gram_csc, weighted_gram_rows


@inner()
def transposed(X, data, indices, indptr, vector, out):
    """``out = Xᵀ vector``."""
    if is_dense(indptr):
        all_column_dots_dense(X, vector, out)
    if not is_dense(indptr):
        all_column_dots_sparse(data, indices, indptr, vector, out)


@inner()
def transposed_pair(X, data, indices, indptr, first, second, out_first, out_second):
    """``out_first = Xᵀ first`` and ``out_second = Xᵀ second``, in one pass over X."""
    if is_dense(indptr):
        column_dot_pairs_dense(X, first, second, out_first, out_second)
    if not is_dense(indptr):
        column_dot_pairs_sparse(data, indices, indptr, first, second, out_first, out_second)


@inner()
def some_columns(X, data, indices, indptr, vector, features):
    """``X[:, features]ᵀ vector``."""
    out = np.empty(features.shape[0])
    if is_dense(indptr):
        column_dots_dense(X, vector, features, out)
    if not is_dense(indptr):
        column_dots_sparse(data, indices, indptr, vector, features, out)
    return out


@inner()
def stored_entries(indptr, n, features):
    """The stored entries of ``X[:, features]`` (n per column for dense X)."""
    nnz = n * features.shape[0]
    if not is_dense(indptr):
        nnz = 0
        for j in features:
            nnz += indptr[j + 1] - indptr[j]
    return nnz


@inner()
def _model(X, data, indices, indptr, row_starts, g, hess, features,
           fit_intercept, gradient, gradient_current, zeros):  # fmt: skip
    """The h-centred Gram model on W: ``(hessian, linear, X_Wᵀh, Σh, Σg)``; ``gradient``
    is ``Xᵀg`` where ``gradient_current`` (sparse X then reads it, not the columns), and
    ``zeros`` an n-vector of zeros (left zero)."""
    k = features.shape[0]
    hessian = np.zeros((k, k))
    linear = np.empty(k)
    hess_x = np.zeros(k)
    hess_sum, grad_b = 0.0, 0.0
    if is_dense(indptr):
        hess_sum, grad_b = centred_gram_dense(X, g, hess, features, fit_intercept, hessian,
                                              linear, hess_x)  # fmt: skip
    if not is_dense(indptr):
        n = g.shape[0]
        if gram_by_columns(k, stored_entries(indptr, n, features), n):
            weighted_gram_csc(data, indices, indptr, hess, features, hessian, hess_x, zeros)
        else:
            weighted_gram_rows(data, indices, indptr, row_starts, hess, features, hessian,
                               hess_x)  # fmt: skip
        if gradient_current:
            for i in range(k):
                linear[i] = gradient[features[i]]
        else:
            column_dots_sparse(data, indices, indptr, g, features, linear)
        hess_sum, grad_b = hess.sum(), g.sum()
        if fit_intercept and hess_sum > 0.0:
            for i in range(k):
                linear[i] -= hess_x[i] * (grad_b / hess_sum)
                for j in range(k):
                    hessian[i, j] -= hess_x[i] * hess_x[j] / hess_sum
    return hessian, linear, hess_x, hess_sum, grad_b


@inner()
def _earlier_model(X, data, indices, indptr, g, features, fit_intercept, gradient,
                   gradient_current, model):  # fmt: skip
    """The Newton model on W with an earlier step's curvature ``model = (W₀, hessian,
    X_W₀ᵀh, Σh)`` (h-centred) and the gradient at the current point: ``(True, hessian,
    linear, X_Wᵀh, Σh, Σg)`` where W ⊆ W₀ (both increasing), else ``(False, ...)``.

    The centred Gram matrix's block on a subset of W₀ is the centred Gram matrix of that
    subset, so any W ⊆ W₀ is read off the stored one."""
    earlier, stored, stored_x, hess_sum = model
    k = features.shape[0]
    rows = np.empty(k, dtype=np.int64)
    first = 0
    for i in range(k):
        while first < earlier.shape[0] and earlier[first] < features[i]:
            first += 1
        if first == earlier.shape[0] or earlier[first] != features[i]:
            return False, stored, stored_x, stored_x, hess_sum, 0.0
        rows[i] = first
    hessian = np.empty((k, k))
    hess_x = np.empty(k)
    for i in range(k):
        hess_x[i] = stored_x[rows[i]]
        for j in range(k):
            hessian[i, j] = stored[rows[i], rows[j]]
    if gradient_current:
        linear = np.empty(k)
        for i in range(k):
            linear[i] = gradient[features[i]]
    else:
        linear = some_columns(X, data, indices, indptr, g, features)
    grad_b = g.sum()
    if fit_intercept and hess_sum > 0.0:
        for i in range(k):
            linear[i] -= hess_x[i] * (grad_b / hess_sum)
    return True, hessian, linear, hess_x, hess_sum, grad_b


@inner()
def _minimise_model(hessian, grad, w_ws, a_ws, b_ws, positive, tol, face_steps, epochs):
    """CD epochs alternating with face steps, ``w_ws`` and ``grad`` in place (the loop
    of :func:`~shrinkage.solvers.logistic_newton.gram_direction`)."""
    for _ in range(face_steps):
        if newton_cd_gram(hessian, grad, w_ws, a_ws, b_ws, positive, epochs, tol) <= tol:
            return
        face = np.flatnonzero((w_ws != 0.0) | ((a_ws == 0.0) & (not positive)))
        m = face.shape[0]
        if m == 0:
            continue
        face_grad = np.empty(m)
        face_hessian = np.empty((m, m))
        for i in range(m):
            j = face[i]
            face_grad[i] = grad[j] + b_ws[j] * w_ws[j] + a_ws[j] * np.sign(w_ws[j])
            for k in range(m):
                face_hessian[i, k] = hessian[j, face[k]]
            face_hessian[i, i] += b_ws[j]
        direction = -solve_positive_semidefinite(face_hessian, face_grad)
        step, _ = move_in_face(w_ws[face], direction, a_ws[face], positive)
        if quadratic_change(face_grad, face_hessian, step) < 0.0:  # rounding guard
            for i in range(m):
                w_ws[face[i]] += step[i]
                for r in range(grad.shape[0]):
                    grad[r] += hessian[r, face[i]] * step[i]


@inner()
def _face_image(X, data, indices, indptr, n, face, v, fit_intercept):
    """``[X_F 1] v`` (the last entry of v the intercept's, when fitted)."""
    m = face.shape[0]
    out = np.full(n, v[m] if fit_intercept else 0.0)
    if is_dense(indptr):
        subtract_columns_dense(X, out, face, -v[:m])
    if not is_dense(indptr):
        subtract_columns_sparse(data, indices, indptr, out, face, -v[:m])
    return out


@inner()
def _face_step_columns(X, data, indices, indptr, features, w, u, q, hess, a, b,
                       positive, fit_intercept, step_b, tol, cg_max_iter):  # fmt: skip
    """:func:`shrinkage.solvers.logistic_newton._face_step_columns`: the face system
    ``[X_F 1]ᵀ H [X_F 1] + diag(b_F, 0)`` by Jacobi-preconditioned conjugate gradients;
    ``w``, ``u``, ``q``, ``step_b`` in place."""
    n = q.shape[0]
    mask = np.zeros(features.shape[0], dtype=np.bool_)
    for k in range(features.shape[0]):
        j = features[k]
        mask[k] = w[j] != 0.0 or (a[j] == 0.0 and not positive)
    face = features[mask]
    m = face.shape[0]
    if m == 0:
        return
    size = m + 1 if fit_intercept else m
    a_face, b_face, w_face = a[face], b[face], w[face]
    face_grad = np.zeros(size)
    add_into(face_grad, some_columns(X, data, indices, indptr, q, face))
    add_into(face_grad, b_face * w_face + a_face * np.sign(w_face))
    diagonal = np.zeros(size)
    sums = np.empty(m)
    square_norms = np.empty(m)
    if is_dense(indptr):
        weighted_column_moments_dense(X, hess, face, sums, square_norms)
    if not is_dense(indptr):
        weighted_column_moments_sparse(data, indices, indptr, hess, face, sums, square_norms)
    add_into(diagonal, square_norms + b_face)
    if fit_intercept:
        face_grad[m] = q.sum()
        diagonal[m] = hess.sum()
    # Jacobi-preconditioned CG from 0 for A x = −face_grad (every iterate lowers the
    # face quadratic, so a truncated solve is still a descent direction)
    inverse = np.ones(size)
    for i in range(size):
        if diagonal[i] > 0.0:
            inverse[i] = 1.0 / diagonal[i]
    x = np.zeros(size)
    residual = -face_grad
    preconditioned = inverse * residual
    direction = preconditioned.copy()
    rz = dot(residual, preconditioned)
    for _ in range(cg_max_iter):
        if np.max(np.abs(residual)) <= 0.5 * tol:
            break
        weighted = _face_image(X, data, indices, indptr, n, face, direction, fit_intercept)
        for i in range(n):
            weighted[i] *= hess[i]
        image = np.zeros(size)
        add_into(image, some_columns(X, data, indices, indptr, weighted, face))
        add_into(image, b_face * direction[:m])
        if fit_intercept:
            image[m] = weighted.sum()
        curvature = dot(direction, image)
        if not curvature > 0.0:
            break
        step_size = rz / curvature
        x += step_size * direction
        residual -= step_size * image
        preconditioned = inverse * residual
        previous = rz
        rz = dot(residual, preconditioned)
        direction = preconditioned + (rz / previous) * direction
    step, tau = move_in_face(w_face, x[:m], a_face, positive)
    full_step = np.zeros(size)
    for i in range(m):
        full_step[i] = step[i]
    if fit_intercept:
        full_step[m] = tau * x[m]
    change = _face_image(X, data, indices, indptr, n, face, full_step,
                         fit_intercept)  # fmt: skip
    quadratic = dot(b_face, step * step)
    for i in range(n):
        quadratic += hess[i] * change[i] * change[i]
    model_change = dot(face_grad, full_step) + 0.5 * quadratic
    if model_change < 0.0:  # rounding guard: the model must drop
        for k in range(m):
            w[face[k]] += step[k]
        for i in range(n):
            u[i] += change[i]
            q[i] += hess[i] * change[i]
        if fit_intercept:
            step_b[0] += full_step[m]


@inner()
def column_direction(X, data, indices, indptr, features, w, g, hess, a, b,
                      positive, fit_intercept, tol, face_steps, epochs, cg_max_iter,
                      scratch, w_new):  # fmt: skip
    """:func:`shrinkage.solvers.logistic_newton.column_direction`: ``(w_new, u, Δb)``;
    ``u`` and the model's gradient are the n-vectors of ``scratch``, and ``w_new`` a
    p-vector (all overwritten)."""
    u, q = scratch
    u[:] = 0.0
    copy_into(q, g)
    copy_into(w_new, w)
    step_b = np.zeros(1)
    for _ in range(face_steps):
        violation = np.inf
        if is_dense(indptr):
            violation = newton_cd_dense(X, w_new, u, q, hess, a, b, positive, features,
                                        fit_intercept, epochs, tol, step_b)  # fmt: skip
        if not is_dense(indptr):
            violation = newton_cd_sparse(data, indices, indptr, w_new, u, q, hess, a, b,
                                         positive, features, fit_intercept, epochs, tol,
                                         step_b)  # fmt: skip
        if violation <= tol:
            break
        _face_step_columns(X, data, indices, indptr, features, w_new, u, q, hess,
                           a, b, positive, fit_intercept, step_b, tol, cg_max_iter)  # fmt: skip
    return w_new, u, step_b[0]


@inner()
def gram_direction(X, data, indices, indptr, row_starts, features,
                    w, g, hess, a, b, positive, fit_intercept, tol, face_steps,
                    epochs, gradient, gradient_current, model, reuse, u, w_new):  # fmt: skip
    """:func:`shrinkage.solvers.logistic_newton.gram_direction`: ``(w_new, u, Δb, model,
    decrease, earlier)``, the model's curvature (for a later step), its predicted
    decrease, and whether the curvature was the earlier one; ``u`` (an n-vector) and
    ``w_new`` (a p-vector) are overwritten.

    With ``reuse``, the curvature of ``model`` (an earlier step's) is kept when it covers
    W: the step is then a proximal quasi-Newton step (a descent direction for any
    positive semi-definite curvature), at the cost of a gradient instead of a Gram
    matrix."""
    earlier = False
    u[:] = 0.0
    if reuse:
        earlier, hessian, grad, hess_x, hess_sum, grad_b = _earlier_model(
            X, data, indices, indptr, g, features, fit_intercept, gradient,
            gradient_current, model,
        )  # fmt: skip
    if not earlier:
        hessian, grad, hess_x, hess_sum, grad_b = _model(
            X, data, indices, indptr, row_starts, g, hess, features,
            fit_intercept, gradient, gradient_current, u,
        )  # fmt: skip
        model = (np.ascontiguousarray(features), hessian, hess_x, hess_sum)
    start = w[features]
    linear = grad.copy()
    w_ws = start.copy()
    a_ws, b_ws = a[features], b[features]
    _minimise_model(hessian, grad, w_ws, a_ws, b_ws, positive, tol, face_steps, epochs)
    d = w_ws - start
    # the model at its minimiser: ½(linear + final gradient)ᵀd, plus the penalty's change
    decrease = 0.5 * dot(linear + grad, d) + _penalty_change(start, d, 1.0, a_ws, b_ws)
    copy_into(w_new, w)
    for i in range(features.shape[0]):
        w_new[features[i]] = w_ws[i]
    if is_dense(indptr):
        subtract_columns_dense(X, u, features, -d)
    if not is_dense(indptr):
        subtract_columns_sparse(data, indices, indptr, u, features, -d)
    step_b = 0.0
    if fit_intercept and hess_sum > 0.0:
        step_b = -(grad_b + dot(hess_x, d)) / hess_sum
        u += step_b
    return w_new, u, step_b, model, decrease, earlier
