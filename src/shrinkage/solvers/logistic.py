"""Penalised logistic regression by proximal Newton with working sets, certified.

Minimises ``1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α · penalty(w)``, ``z = Xw + b``.

Each outer iteration computes the duality gap (:mod:`shrinkage.certificates_logistic`)
and stops when it is ``≤ tol · P(0)``; otherwise it picks a *working set*: the non-zero
and unpenalised coefficients plus the features with the largest KKT violations, doubling
in size each time (celer: Massias, Gramfort & Salmon 2018, *ICML*; skglm: Bertrand et al.
2022, *NeurIPS*). On the working set it takes proximal-Newton steps (Lee, Sun & Saunders
2014, *SIAM J. Optim.* 24(3)) until the working-set KKT violation is below 0.3 × the
global one. Each step

1. minimises the quadratic model of the loss plus the penalty to a KKT violation of
   0.3 × that target, checked at the point returned (an inexact Newton step with a
   forcing term, as Lee et al. analyse it). Coordinate-descent epochs
   (:mod:`shrinkage._kernels.logistic`, glmnet's IRLS inner loop: Friedman, Hastie &
   Tibshirani 2010, *J. Stat. Softw.* 33(1)) alternate with a Newton step on the current
   *face* (the non-zeros with their signs fixed, where the penalty is smooth), solved by
   Cholesky on the working set's Gram matrix or by conjugate gradients on its columns,
   and cut where a sign would change. The face step is what converges when the L2 part
   dominates: the model's Hessian ``X_Wᵀ H X_W + diag(b)`` is then as ill-conditioned as
   ``1/b`` on correlated columns, and CD needs thousands of epochs where the face step
   needs one solve;
2. backtracks on the true objective until Lee et al.'s sufficient-descent condition
   holds, with the change of the objective summed term by term
   (``log1p(σ(z)·expm1(u))``), so that the test still sees descent when the change is
   far below ``ε·P``: every accepted step decreases the objective.

The intercept is eliminated from the model (h-centred columns) and updated exactly.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.special import expit

from .._kernels.columns import (
    column_dots_dense,
    column_dots_sparse,
    subtract_columns_dense,
    subtract_columns_sparse,
)
from .._kernels.logistic import (
    newton_cd_dense,
    newton_cd_gram,
    newton_cd_sparse,
    weighted_gram_csr,
    weighted_square_norms_dense,
    weighted_square_norms_sparse,
)
from .._validation import check_alpha, check_sample_weight, check_varying_columns
from ..certificates_logistic import certify_from_prediction, normalise_sample_weight
from ..penalties import L1, Penalty, subdiff_distance
from ._result import SolverResult
from .api import validate_xy

__all__ = ["logistic_alpha_max", "solve_logistic"]

_FIRST_WORKING_SET = 10
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
_ARMIJO = 1e-4


def _check_binary(y, s, sample_weight):
    """Labels 0/1, both classes with positive weight, and both resolvable in float64."""
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5].tolist()
        raise ValueError(f"y must be coded 0/1 for logistic loss; found values {bad}.")
    for label in (0, 1):
        members = y == label
        if not np.any(members):
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; only "
                f"one class is present (no sample has y = {label})."
            )
        if sample_weight is not None and not np.any(sample_weight[members] > 0):
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; only "
                f"one class is present: every sample with y = {label} has weight 0."
            )
    prior = float(s @ y) / float(s.sum())
    if not 0.0 < prior < 1.0:
        # both classes have positive weight, but one is below float64's resolution
        small = 0 if prior >= 1.0 else 1
        log_share = _log10_total(sample_weight[y == small]) - _log10_total(sample_weight)
        exponent = int(np.floor(log_share))  # the share may be below float64's range
        share = f"{10 ** (log_share - exponent):.1f}e{exponent}"
        raise ValueError(
            f"sample_weight is too uneven for float64: class {small} has positive weight, "
            f"but only {share} of the total, which rounds the class prior "
            "to exactly 0 or 1 (or the weights to 0), so the loss would see one class. "
            "Clip the largest weights: each class needs more than about 1e-16 of the total."
        )


def _log10_total(weights):
    """``log10(Σ weights)`` without overflow or underflow in the sum."""
    largest = float(np.max(weights))
    return np.log10(largest) + np.log10(float(np.sum(weights / largest)))


def _prepare(X, y, sample_weight, standardize, fit_intercept):
    """Validated X (CSC or dense), y, weights summing to n, and column scales σ_j."""
    X, y = validate_xy(X, y)
    y = np.asarray(y, dtype=np.float64)
    n = X.shape[0]
    weights = check_sample_weight(sample_weight, n)
    s = normalise_sample_weight(weights, n)
    _check_binary(y, s, weights)
    if sp.issparse(X):
        X = X.tocsc()
        if not X.has_canonical_format:
            # the row-wise Gram kernel reads each (row, column) entry once; a copy, so
            # that the caller's matrix is never written to
            X = X.copy()
            X.sum_duplicates()
    else:
        X = np.asfortranarray(X)
    scale = None
    if standardize:
        if sp.issparse(X):
            mean = np.asarray(X.T @ s).ravel() / n
            second = np.asarray(X.multiply(X).T @ s).ravel() / n
            variance = second - mean**2 if fit_intercept else second
        else:
            mean = (s @ X) / n if fit_intercept else np.zeros(X.shape[1])
            variance = np.einsum("i,ij->j", s, (X - mean) ** 2) / n
        scale = np.sqrt(np.maximum(variance, 0.0))
        check_varying_columns(scale)
    return X, y, s, scale


def _loss_change(z, u, y, s):
    """``F(z + u) − F(z)`` summed term by term, accurate when it is far below ``ε·F``.

    ``softplus(z + u) − softplus(z) = log1p(σ(z)·expm1(u))`` exactly; for |u| > 1 the
    plain difference is as accurate and cannot overflow.
    """
    small = np.abs(u) <= 1.0
    change = np.logaddexp(0.0, z + u) - np.logaddexp(0.0, z)
    change[small] = np.log1p(expit(z[small]) * np.expm1(u[small]))
    return float(s @ (change - y * u)) / z.shape[0]


def _penalty_change(w, step, a, b):
    """``penalty(w + step) − penalty(w)``, term by term."""
    return float(a @ (np.abs(w + step) - np.abs(w)) + b @ (step * (w + 0.5 * step)))


def _working_set_gradient(X, vector, features):
    out = np.empty(features.shape[0])
    if sp.issparse(X):
        column_dots_sparse(X.data, X.indices, X.indptr, vector, features, out)
    else:
        column_dots_dense(X, vector, features, out)
    return out


def prox_newton(X, y, s, a, b, positive, fit_intercept, *, tol, max_iter, w, intercept):
    """Proximal Newton with working sets on validated arrays (see the module docstring).

    ``w`` (float64, length p) is updated in place. Returns
    ``(w, intercept, certificate, n_newton_steps, converged, history)``.
    """
    n, p = X.shape
    is_sparse = sp.issparse(X)
    z = np.asarray(X @ w, dtype=np.float64).ravel() + intercept
    free = (a == 0) & (b == 0)
    ws_size = _FIRST_WORKING_SET
    rows = None
    history, n_steps, converged = [], 0, False
    while True:
        cert, gradient = certify_from_prediction(X, y, s, z, w, a, b, positive, fit_intercept)
        history.append(cert.relative_gap)
        if cert.relative_gap <= tol:
            converged = True
            break
        if n_steps >= max_iter:
            break
        kkt = cert.kkt_residual
        intercept_violation = abs(float(np.sum(s * (expit(z) - y)))) / n if fit_intercept else 0
        target = 0.3 * max(float(np.max(kkt, initial=0.0)), intercept_violation)
        score = np.where((w != 0) | free, np.inf, kkt)
        size = min(p, max(ws_size, 2 * int(np.sum(np.isinf(score)))))
        if size < p:
            features = np.sort(np.argpartition(-score, size - 1)[:size]).astype(np.int64)
        else:
            features = np.arange(p, dtype=np.int64)
        ws_size = min(p, 2 * size)
        use_gram = _use_gram(X, features)
        if use_gram and is_sparse and rows is None:
            rows = X.tocsr()  # once per solve: row access for the Gram kernel
            rows.sort_indices()
        progress = False
        while n_steps < max_iter:
            prob = expit(z)
            g = s * (prob - y) / n
            hess = np.maximum(s * prob * (1 - prob) / n, 1e-12 / n)
            options = (w, g, hess, a, b, positive, fit_intercept, 0.3 * target)
            if use_gram:
                w_new, u, step_b = _gram_direction(X, rows, features, *options)
            else:
                w_new, u, step_b = _column_direction(X, features, *options)
            n_steps += 1
            step_w = w_new - w
            # Lee et al.'s sufficient-descent measure: < 0 unless the step is 0
            decrease = float(g @ u) + _penalty_change(w, step_w, a, b)
            t = 1.0
            while decrease < 0 and t > 1e-10:
                change = _loss_change(z, t * u, y, s) + _penalty_change(w, t * step_w, a, b)
                if change <= _ARMIJO * t * decrease:
                    break
                t *= 0.5
            if not (decrease < 0 and t > 1e-10):
                break  # no descent left at machine precision
            progress = True
            w += t * step_w
            z += t * u
            intercept += t * step_b
            g = s * (expit(z) - y) / n
            ws_kkt = np.max(
                subdiff_distance(w[features], _working_set_gradient(X, g, features),
                                 a[features], b[features], positive),
                initial=0.0,
            )  # fmt: skip
            if max(ws_kkt, abs(float(g.sum())) if fit_intercept else 0.0) <= target:
                break
        if not progress and size == p:
            break  # stalled at machine precision: report the certificate as it is
    return w, intercept, cert, n_steps, converged, np.asarray(history)


def _use_gram(X, features):
    """Whether the Gram form is cheaper per epoch: a CD epoch on the columns costs
    nnz(X_W), one on the Gram matrix |W|² (and the model is then solved to high accuracy
    at no extra pass over the data)."""
    k = features.shape[0]
    if k > _GRAM_MAX_FEATURES:
        return False
    if sp.issparse(X):
        nnz = int(np.sum(np.diff(X.indptr)[features]))
    else:
        nnz = X.shape[0] * k
    return nnz >= k * k


def _face(w, a, positive):
    """The coordinates a face step moves: the non-zeros, and the zeros of features with no
    L1 weight (smooth there) unless they are held at the bound of ``w ≥ 0``."""
    return (w != 0) | ((a == 0) & (not positive))


def _move_in_face(w, direction, a, positive):
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


def _solve_positive_semidefinite(matrix, rhs):
    """Cholesky, or the least-squares solution when the matrix is singular (collinear
    unpenalised columns); either gives a descent direction for the face quadratic."""
    try:
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(matrix), rhs)
    except np.linalg.LinAlgError:
        return scipy.linalg.lstsq(matrix, rhs, lapack_driver="gelsy")[0]


def _gram_direction(X, rows, features, w, g, hess, a, b, positive, fit_intercept, tol):
    """Proximal-Newton step on the working set through its weighted Gram matrix.

    ``rows`` is the CSR copy of sparse X (None for dense X).
    """
    k = features.shape[0]
    if rows is not None:
        position = np.full(X.shape[1], -1, dtype=np.int64)
        position[features] = np.arange(k)
        hessian = np.zeros((k, k))
        weighted_gram_csr(rows.data, rows.indices, rows.indptr, hess, position, hessian)
    else:
        X_ws = X[:, features]
        hessian = X_ws.T @ (hess[:, None] * X_ws)
    linear = _working_set_gradient(X, g, features)
    if fit_intercept:  # eliminate the intercept: h-centred Gram (see the kernel module)
        hess_x = _working_set_gradient(X, hess, features)
        hess_sum, grad_b = float(hess.sum()), float(g.sum())
        hessian = hessian - np.outer(hess_x, hess_x) / hess_sum
        linear = linear - hess_x * (grad_b / hess_sum)
    hessian = np.ascontiguousarray(hessian)
    a_ws, b_ws = a[features], b[features]
    w_ws, grad = w[features].copy(), linear
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
        direction = -_solve_positive_semidefinite(face_hessian, face_grad)
        step, _ = _move_in_face(w_ws[face], direction, a_ws[face], positive)
        change = face_hessian @ step
        if face_grad @ step + 0.5 * step @ change < 0:  # rounding guard: model must drop
            w_ws[face] += step
            grad += hessian[:, face] @ step
    w_new = w.copy()
    w_new[features] = w_ws
    u = np.asarray(X @ (w_new - w), dtype=np.float64).ravel()
    step_b = 0.0
    if fit_intercept:
        step_b = -(grad_b + float(hess @ u)) / hess_sum
        u += step_b
    return w_new, u, step_b


def _column_direction(X, features, w, g, hess, a, b, positive, fit_intercept, tol):
    """Proximal-Newton step on the working set by CD on the columns of X."""
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
    """The face step of :func:`_column_direction` by preconditioned conjugate gradients
    on ``[X_F 1]ᵀ H [X_F 1] + diag(b_F, 0)`` (intercept as one more unknown): matrix-free,
    two passes over the columns of F (read in place) per iteration; ``w``, ``u``, ``q``,
    ``step_b`` in place."""
    face = features[_face(w[features], a[features], positive)]
    m = face.shape[0]
    if m == 0:
        return
    a_face, b_face = a[face], b[face]
    face_grad = _working_set_gradient(X, q, face) + b_face * w[face] + a_face * np.sign(w[face])
    diagonal = np.empty(m)
    if sp.issparse(X):
        weighted_square_norms_sparse(X.data, X.indices, X.indptr, hess, face, diagonal)
    else:
        weighted_square_norms_dense(X, hess, face, diagonal)
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
        out = _working_set_gradient(X, weighted, face) + b_face * v[:m]
        return np.append(out, weighted.sum()) if fit_intercept else out

    direction = _conjugate_gradient(product, -face_grad, diagonal, 0.5 * tol, _CG_MAX_ITER)
    step, tau = _move_in_face(w[face], direction[:m], a_face, positive)
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


def _fit_unpenalised(X, y, s, free, fit_intercept):
    """The fit of the intercept and unpenalised features alone (the α ≥ α_max solution)."""
    n, p = X.shape
    w, intercept = np.zeros(p), 0.0
    if fit_intercept:
        prior = float(s @ y) / n
        intercept = float(np.log(prior / (1 - prior)))
    if np.any(free):
        columns = np.flatnonzero(free)
        X_free = X[:, columns]
        k = columns.shape[0]
        w_free, intercept, *_ = prox_newton(
            X_free, y, s, np.zeros(k), np.zeros(k), False, fit_intercept, tol=1e-12,
            max_iter=100, w=np.zeros(k), intercept=intercept,
        )  # fmt: skip
        w[columns] = w_free
    return w, intercept


def solve_logistic(
    X, y, alpha, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False, tol=1e-4, max_iter=100, coef_init=None, intercept_init=None,
) -> SolverResult:  # fmt: skip
    """Minimise ``1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α · penalty(w)`` and certify it.

    ``z = Xw + b``; the penalty is ``Σ f_j (ρ|w_j| + ½(1 − ρ) w_j²)``. This is
    scikit-learn's ``LogisticRegression`` with ``C = 1/(n α)`` (see
    :class:`~shrinkage.estimators.logistic.SparseLogisticRegression`).

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Sparse input is used as CSC, never densified; float32 stays float32.
    y : array-like of shape (n_samples,)
        Labels coded 0/1.
    alpha : float
        Regularisation strength α ≥ 0.
    penalty : Penalty, default ``L1()``
        L1, L2 or ElasticNet, with penalty factors and positivity.
    fit_intercept : bool
        Fit an unpenalised intercept b.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights, normalised to sum to n.
    standardize : bool
        Penalise ``σ_j w_j`` (glmnet's ``standardize=TRUE``); coefficients are returned on
        the original scale.
    tol : float
        Target relative duality gap ``gap ≤ tol · P(0)``.
    max_iter : int
        Maximum number of proximal-Newton steps.
    coef_init, intercept_init : optional
        Warm start (original scale), as used along a path.

    Returns
    -------
    SolverResult
        ``solver="prox_newton"``, ``n_iter`` the Newton steps taken.

    See Also
    --------
    logistic_alpha_max : the smallest α with all penalised coefficients zero.
    shrinkage.certificates_logistic.certify_logistic : the certificate on its own.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.2], [0.1, 1.0], [1.2, 0.9], [0.0, 0.1], [0.9, 0.0]])
    >>> y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    >>> res = solve_logistic(X, y, alpha=0.05)
    >>> res.coef.round(3), res.relative_gap <= 1e-4
    (array([3.033, 0.   ]), True)
    """
    penalty = L1() if penalty is None else penalty
    alpha = check_alpha(alpha)
    X, y, s, scale = _prepare(X, y, sample_weight, standardize, fit_intercept)
    n, p = X.shape
    a, b = penalty.weights(alpha, p, scale)
    if coef_init is None:
        # start from the α_max solution: exact zeros stay exact for α ≥ α_max
        w, intercept = _fit_unpenalised(X, y, s, (a == 0) & (b == 0), fit_intercept)
    else:
        w = np.array(coef_init, dtype=np.float64).ravel()
        if w.shape != (p,):
            raise ValueError(f"coef_init has shape {w.shape}, expected ({p},).")
        intercept = 0.0
        if fit_intercept:
            prior = float(s @ y) / n
            default = np.log(prior / (1 - prior))
            intercept = float(default if intercept_init is None else intercept_init)
    if penalty.positive:
        w = np.maximum(w, 0.0)
    w, intercept, cert, n_steps, converged, history = prox_newton(
        X, y, s, a, b, penalty.positive, fit_intercept, tol=tol, max_iter=max_iter,
        w=w, intercept=intercept,
    )  # fmt: skip
    if X.dtype != np.float64:
        # certify the coefficients the caller actually receives
        w = w.astype(X.dtype).astype(np.float64)
        z = np.asarray(X @ w, dtype=np.float64).ravel() + intercept
        cert, _ = certify_from_prediction(X, y, s, z, w, a, b, penalty.positive, fit_intercept)
    return SolverResult(
        w.astype(X.dtype), intercept, cert, n_steps, cert.relative_gap <= tol, tol,
        "prox_newton", history,
    )  # fmt: skip


def logistic_alpha_max(
    X, y, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False,
) -> float:  # fmt: skip
    """Smallest α at which every penalised coefficient is exactly zero.

    ``max_j |X_jᵀ(s ∘ (y − p̂))| / (n ρ f_j σ_j)`` where p̂ is the fit of the unpenalised
    part (the weighted class prior with only an intercept, ½ without intercept).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.2], [0.1, 1.0], [1.2, 0.9], [0.0, 0.1], [0.9, 0.0]])
    >>> y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    >>> alpha_max = logistic_alpha_max(X, y)
    >>> round(alpha_max, 4), bool(np.all(solve_logistic(X, y, alpha_max).coef == 0))
    (0.184, True)
    """
    penalty = L1() if penalty is None else penalty
    X, y, s, scale = _prepare(X, y, sample_weight, standardize, fit_intercept)
    n, p = X.shape
    w, intercept = _fit_unpenalised(X, y, s, penalty.factors(p) == 0, fit_intercept)
    z = np.asarray(X @ w, dtype=np.float64).ravel() + intercept
    correlation = np.asarray(X.T @ (s * (y - expit(z))), dtype=np.float64).ravel() / n
    return penalty.alpha_max(correlation, scale)
