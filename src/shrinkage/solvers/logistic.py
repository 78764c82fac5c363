"""Penalised logistic regression by proximal Newton with working sets, certified.

Minimises ``1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α · penalty(w)``, ``z = Xw + b``.

Each outer iteration computes the duality gap (:mod:`shrinkage.certificates_logistic`)
and stops when it is ``≤ tol · P(0)``; otherwise it picks a *working set*: the non-zero
and unpenalised coefficients plus the features with the largest KKT violations, doubling
in size each time (celer: Massias, Gramfort & Salmon 2018, *ICML*; skglm: Bertrand et al.
2022, *NeurIPS*). On the working set it takes proximal-Newton steps: coordinate descent
on the quadratic model of the loss (:mod:`shrinkage._kernels.logistic`, glmnet's IRLS
inner loop: Friedman, Hastie & Tibshirani 2010, *J. Stat. Softw.* 33(1)) followed by a
backtracking line search on the true objective (Lee, Sun & Saunders 2014, *SIAM J.
Optim.* 24(3)), until the working-set KKT violation is below 0.3 × the global one.
The intercept is updated exactly inside every epoch.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from .._kernels.columns import column_dots_dense, column_dots_sparse
from .._kernels.logistic import (
    newton_cd_dense,
    newton_cd_gram,
    newton_cd_sparse,
    weighted_gram_csr,
)
from .._validation import check_alpha, check_sample_weight, check_varying_columns
from ..certificates_logistic import certify_from_prediction
from ..penalties import L1, Penalty
from ._result import SolverResult
from .api import validate_xy

__all__ = ["logistic_alpha_max", "solve_logistic"]

_FIRST_WORKING_SET = 10
_MAX_EPOCHS = 200
_GRAM_MAX_FEATURES = 2000


def _check_binary(y, s):
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5].tolist()
        raise ValueError(f"y must be coded 0/1 for logistic loss; found values {bad}.")
    positive_mass = float(s @ y)
    if positive_mass <= 0 or positive_mass >= float(s.sum()):
        raise ValueError(
            "Logistic regression needs both classes with positive sample weight; only one "
            "class is present."
        )


def _prepare(X, y, sample_weight, standardize, fit_intercept):
    """Validated X (CSC or dense), y, weights summing to n, and column scales σ_j."""
    X, y = validate_xy(X, y)
    y = np.asarray(y, dtype=np.float64)
    n = X.shape[0]
    weights = check_sample_weight(sample_weight, n)
    s = np.ones(n) if weights is None else weights * (n / weights.sum())
    _check_binary(y, s)
    if sp.issparse(X):
        X = X.tocsc()
        X.sort_indices()
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


def _objective(z, y, s, w, a, b):
    return float(s @ (np.logaddexp(0.0, z) - y * z)) / z.shape[0] + float(
        a @ np.abs(w) + 0.5 * b @ (w * w)
    )


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
            if use_gram:
                w_new, u, step_b = _gram_direction(
                    X, rows, features, w, g, hess, a, b, positive, fit_intercept, 0.3 * target
                )
            else:
                w_new, u, q, step_b = w.copy(), np.zeros(n), g.copy(), np.zeros(1)
                if is_sparse:
                    newton_cd_sparse(
                        X.data, X.indices, X.indptr, w_new, u, q, hess, a, b, positive,
                        features, fit_intercept, _MAX_EPOCHS, 0.3 * target, step_b,
                    )  # fmt: skip
                else:
                    newton_cd_dense(
                        X, w_new, u, q, hess, a, b, positive, features, fit_intercept,
                        _MAX_EPOCHS, 0.3 * target, step_b,
                    )  # fmt: skip
            n_steps += 1
            step_w = w_new - w
            current = _objective(z, y, s, w, a, b)
            penalty_now = float(a @ np.abs(w) + 0.5 * b @ (w * w))
            penalty_new = float(a @ np.abs(w_new) + 0.5 * b @ (w_new * w_new))
            decrease = float(g @ u) + penalty_new - penalty_now  # ≤ 0 for a descent step
            t = 1.0
            while t > 1e-10:
                trial = _objective(z + t * u, y, s, w + t * step_w, a, b)
                if trial <= current + 1e-4 * t * decrease + 1e-15 * abs(current):
                    break
                t *= 0.5
            if t <= 1e-10:
                break  # no descent left at machine precision
            progress = True
            w += t * step_w
            z += t * u
            intercept += t * float(step_b[0])
            g = s * (expit(z) - y) / n
            ws_kkt = np.max(
                _kkt(w[features], _working_set_gradient(X, g, features), a[features],
                     b[features], positive),
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
    w_ws = w[features].copy()
    newton_cd_gram(np.ascontiguousarray(hessian), linear, w_ws, a[features], b[features],
                   positive, 10 * _MAX_EPOCHS, tol)  # fmt: skip
    w_new = w.copy()
    w_new[features] = w_ws
    u = np.asarray(X @ (w_new - w), dtype=np.float64).ravel()
    step_b = np.zeros(1)
    if fit_intercept:
        step_b[0] = -(grad_b + float(hess @ u)) / hess_sum
        u += step_b[0]
    return w_new, u, step_b


def _kkt(w, grad, a, b, positive):
    from ..penalties import subdiff_distance

    return subdiff_distance(w, grad, a, b, positive)


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
