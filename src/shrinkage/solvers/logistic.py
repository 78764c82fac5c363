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
   forcing term, as Lee et al. analyse it): coordinate-descent epochs alternating with
   Newton steps on the current face, where the penalty is smooth
   (:mod:`shrinkage.solvers.logistic_newton`);
2. backtracks on the true objective until Lee et al.'s sufficient-descent condition
   holds, with the change of the objective summed term by term
   (``log1p(σ(z)·expm1(u))``), so that the test still sees descent when the change is
   far below ``ε·P``: every accepted step decreases the objective.

The intercept is eliminated from the model (h-centred columns) and updated exactly.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

from .._validation import check_alpha, check_sample_weight, check_varying_columns
from ..certificates_logistic import certify_from_prediction, normalise_sample_weight
from ..penalties import L1, Penalty, subdiff_distance
from ._result import SolverResult
from .api import validate_xy
from .logistic_newton import column_direction, gram_direction, use_gram, working_set_gradient

__all__ = ["logistic_alpha_max", "solve_logistic"]

_FIRST_WORKING_SET = 10
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
        by_gram = use_gram(X, features)
        if by_gram and is_sparse and rows is None:
            rows = X.tocsr()  # once per solve: row access for the Gram kernel
            rows.sort_indices()
        progress = False
        while n_steps < max_iter:
            prob = expit(z)
            g = s * (prob - y) / n
            hess = np.maximum(s * prob * (1 - prob) / n, 1e-12 / n)
            options = (w, g, hess, a, b, positive, fit_intercept, 0.3 * target)
            if by_gram:
                w_new, u, step_b = gram_direction(X, rows, features, *options)
            else:
                w_new, u, step_b = column_direction(X, features, *options)
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
                subdiff_distance(w[features], working_set_gradient(X, g, features),
                                 a[features], b[features], positive),
                initial=0.0,
            )  # fmt: skip
            if max(ws_kkt, abs(float(g.sum())) if fit_intercept else 0.0) <= target:
                break
        if not progress and size == p:
            break  # stalled at machine precision: report the certificate as it is
    return w, intercept, cert, n_steps, converged, np.asarray(history)


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
