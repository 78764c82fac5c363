"""Penalised logistic regression by proximal Newton with working sets, certified.

Minimises ``1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α · penalty(w)``, ``z = Xw + b + o``
(o an optional offset). The same loop solves every loss of the prepared problem
(:class:`~shrinkage.solvers.logistic_data.GLMData`): :mod:`shrinkage.solvers.poisson`
runs it on the Poisson deviance.

Each outer iteration computes the duality gap (:mod:`shrinkage.certificates.logistic`)
and stops when it is ``≤ tol · P(0)``; otherwise it picks a *working set*: the non-zero
and unpenalised coefficients plus the features with the largest KKT violations, doubling
in size each time (celer: Massias, Gramfort & Salmon 2018, *ICML*; skglm: Bertrand et al.
2022, *NeurIPS*). On the working set it takes proximal-Newton steps (Lee, Sun & Saunders
2014, *SIAM J. Optim.* 24(3)) until the working-set KKT violation is below 0.3 × the
global one. Each step

1. minimises the quadratic model of the loss plus the penalty to a KKT violation of
   0.03 × that target, checked at the point returned (an inexact Newton step with a
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

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from .._kernels.penalty_side import working_set_kkt
from .._validation import check_alpha
from ..certificates import Certificate, certify_from_prediction
from ..penalties import L1, Penalty, subdiff_distance
from ._result import SolverResult
from .box import fit_unpenalised_box, solve_box_prepared
from .logistic_data import prepare_logistic
from .logistic_newton import FACE_SETTINGS, column_direction, gram_direction, use_gram
from .logistic_point import (
    INTERCEPT_DUAL_SLACK,
    LossAtPoint,
    certify_at,
    loss_at,
    step_length,
    transposed_product,
    with_dual,
    working_set_gradient,
)

__all__ = ["COMPILED_SETTINGS", "NewtonOutcome", "logistic_alpha_max", "prepared_alpha_max",
           "prox_newton", "solve_logistic", "solve_prepared", "working_set"]  # fmt: skip

_FIRST_WORKING_SET = 10
_ARMIJO = 1e-4
# The model is solved to 0.03 × the working set's target (Lee et al.'s forcing term):
# at 0.3 most points of a path needed a second Newton step and certificate (gap 3e-3 →
# 3e-4 → 1e-5 at tol 1e-4); at 0.03 one step reaches tol. Paths of 100 α at tol 1e-4 and
# 1e-6: saheart 188 → 99 Newton steps, 1000 × 100 synthetic 163 → 105, wdbc 285 → 196,
# 1.3-2× faster; 20 α on leukemia, rcv1_small and a9a within ±5 %. At 0.003 rcv1_small
# (1e-6) and leukemia were 1.15-1.3× slower.
_MODEL_TOL = 0.03
# The working set is solved until its KKT violation is 0.3 × the global one. 0.1 and 0.03
# were mixed: wdbc up to 1.4× faster, the 1000 × 100 synthetic and rcv1_small (1e-6)
# 1.2× slower.
_WORKING_SET_TOL = 0.3
# The compiled path keeps a Gram step's curvature for the next step (a proximal
# quasi-Newton step, which needs a gradient instead of a new weighted Gram matrix) while
# the model predicted the last full step's decrease to within this fraction. a9a with an
# intercept (48,842 × 123, L1, 20 α), where the Gram matrix is 6.7 of a step's 11 ms:
# 1e-4 305 → 285 ms, 1e-6 449 → 400 ms (30 → 33 and 44 → 48 steps); 0.05 and 0.25 gave
# the same within noise, and wdbc, leukemia and rcv1_small were unchanged.
_CURVATURE_FIDELITY = 0.1
# The compiled path steps before certifying a start where the last α's start was more
# than the target gap from its solution: that certificate would fail. Its cost was one
# Xᵀg-sized pass and an entropy per sample per α: a9a with an intercept (L1, 20 α)
# 1e-4 305 → 280 ms, 1e-6 397 → 364 ms (same steps); 100-α paths on wdbc and leukemia,
# where many starts certify, kept their steps (61 → 63, 62 → 62) and times.
_STEP_BEFORE_CERTIFYING = 1.0
# The compiled path loosens the model's forcing term along a path, up to this, while
# single Newton steps overshoot their target gap tenfold, and returns to _MODEL_TOL
# after an α of several steps. 100-α paths with an intercept at rel. gap 1e-4, against
# the fixed 0.03: elastic net 0.5 on AR(1) 500 × 2000 0.116 → 0.053 s, w8a 1.30 → 0.78 s,
# rcv1_small 0.163 → 0.136 s, leukemia 0.023 → 0.019 s; L1 within ±10 % (a9a, w8a,
# rcv1_small, wdbc, leukemia), as every path at 1e-6 but AR(1) (0.084 → 0.057 s) and
# rcv1_small's elastic net (0.171 → 0.143 s). A ceiling of 0.3 kept about half the gain.
_MODEL_TOL_CEILING = 1.0
# The compiled path's certificates read only the columns whose bound reaches their weight
# (:mod:`shrinkage._kernels.dual_bounds`), and where the last one settled columns so, a
# start is certified (rather than stepped from its KKT residuals, a full pass), on data
# of many entries per row (``_LAZY_ENTRIES`` of :mod:`shrinkage._kernels.logistic_path`).
# 100-α paths with an intercept at 1e-4, 7 interleaved rounds against every certificate
# reading all of X: leukemia 1.39× (L1) and 1.17× (elastic net), AR(1) 500 × 2000 1.23×
# and 1.03×, rcv1_small 1.09× and 1.02×, wdbc and w8a even.
_LAZY_CERTIFICATES = 1.0
# The compiled path keeps the last working set and its curvature for the next outer
# iteration of an α (a proximal quasi-Newton step instead of a new Gram matrix on a
# doubled set) where the last step's model predicted its decrease, every feature outside
# the set meets the working-set target, and the gap is within this many times the target
# gap: one quasi-Newton step gains about a factor 10 there. 20-α paths, interleaved,
# against always choosing afresh: w8a's L1 path without an intercept 1.14× faster at
# 1e-4 and 1.16× at 1e-6, a9a's up to 1.11×, wdbc, leukemia and rcv1_small within ±6 %
# (benchmarks/README.md). Without the bound on the gap (a stale step also where the gap
# was 10× the target, which a third step then closed) w8a's L1 path with an intercept
# was slower than choosing afresh (0.524 against 0.505 s).
_KEEP_WORKING_SET = 5.0
# Working sets take only the features that violate their KKT condition (1.0), not also,
# up to the size asked for, features that meet it (0.0): :func:`working_set`.
_VIOLATORS_ONLY = 1.0
# the same rules, for the compiled path (:mod:`shrinkage._kernels.logistic_path`); then:
# each α starts from the secant prediction, as the Python loop of a path does; the
# curvature fidelity; the intercept dual point's slack; stepping before certifying; the
# forcing term's ceiling; lazy certificates, and starts certified where they are lazy;
# the gap (in targets) under which a working set and its curvature are kept; whether
# working sets take violators only
COMPILED_SETTINGS = (float(_FIRST_WORKING_SET), _WORKING_SET_TOL, _MODEL_TOL, _ARMIJO,
                     *FACE_SETTINGS, 1.0, _CURVATURE_FIDELITY,
                     INTERCEPT_DUAL_SLACK, _STEP_BEFORE_CERTIFYING,
                     _MODEL_TOL_CEILING, _LAZY_CERTIFICATES, _LAZY_CERTIFICATES,
                     _KEEP_WORKING_SET, _VIOLATORS_ONLY)  # fmt: skip


def working_set(kkt, kept, size):
    """The features of the next Newton steps and the size asked for: ``kept`` (non-zero
    or unpenalised) and, up to ``max(size, 2·#kept)`` in all, the largest KKT residuals
    among those that violate their condition, in increasing order.

    Features that meet their condition are not taken to fill the set: with a residual
    of 0 there is nothing to rank them by, and each costs the inner solver a pass of its
    column per epoch (rcv1_small's elastic net grew sets of 3,892 of its 47,236 features
    with them). 20-α paths at rel. gap 1e-4, against filling the sets: news20_bow's L1
    path 1.36× faster, a9a's 1.27×, rcv1_small's 1.17–1.19×, wdbc 1.10–1.29×; filling
    was faster by at most 6 % (``benchmarks/ablation_logistic.py``, "filled working
    sets"). Only where no feature violates and none is kept are the first ``size``
    taken. The compiled path's :func:`~shrinkage._kernels.logistic_path._largest`
    applies the same rule.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.solvers.logistic import working_set
    >>> kkt = np.array([0.0, 0.3, 0.0, 0.1, 0.2, 0.0])
    >>> kept = np.array([True, False, False, False, False, False])
    >>> working_set(kkt, kept, 3)
    (array([0, 1, 4]), 3)
    >>> working_set(kkt, kept, 10)
    (array([0, 1, 3, 4]), 6)
    """
    p = kkt.shape[0]
    score = np.where(kept, np.inf, kkt)
    size = min(p, max(size, 2 * int(np.count_nonzero(kept))))
    candidates = np.flatnonzero(score > 0)
    if candidates.size == 0:
        return np.arange(size, dtype=np.int64), size
    if candidates.size > size:
        candidates = np.sort(candidates[np.argpartition(-score[candidates], size - 1)[:size]])
    return candidates.astype(np.int64), size


@dataclass(frozen=True)
class NewtonOutcome:
    """What :func:`prox_newton` returns: the point, its certificate and how it got there.

    ``point`` is the loss at the final predictor (with its dual side), which the next α
    of a path certifies again at the cost of the penalty's share only.
    """

    coef: np.ndarray
    intercept: float
    point: LossAtPoint
    certificate: Certificate
    n_steps: int
    converged: bool
    history: np.ndarray


def prox_newton(data, a, b, positive, *, tol, max_iter, w, intercept, point=None,
                certify_start=True):  # fmt: skip
    """Proximal Newton with working sets on a prepared problem (module docstring).

    ``w`` (float64, length p) is updated in place. ``point``, when given, is the loss
    at ``z = Xw + b`` (:class:`~shrinkage.solvers.logistic_point.LossAtPoint`), as the
    previous α of a path left it. With ``certify_start=False`` the first Newton step is
    taken without a certificate of the start (its working set and target from the KKT
    residuals alone, which need ``Xᵀ∇`` but no dual point): for a start that is known
    not to be optimal yet, such as a path's predicted one. Every returned point is
    certified either way. Returns a :class:`NewtonOutcome`.
    """
    X, fit_intercept = data.X, data.fit_intercept
    n, p = X.shape
    if point is None:
        point = loss_at(data, data.predictor(w, intercept))
    z = point.z  # replaced, never written: the caller's point stays as it was
    free = (a == 0) & (b == 0)
    simple = not np.any(free)  # the free block is the intercept alone: compiled dual
    ws_size = _FIRST_WORKING_SET
    history, n_steps, converged = [], 0, False
    cert = None
    while True:
        if certify_start or n_steps > 0:
            point = with_dual(point, data, simple)
            cert = certify_at(point, data, w, a, b, positive)
            history.append(cert.relative_gap)
            converged = cert.relative_gap <= tol
            if converged or n_steps >= max_iter:
                break
            kkt = cert.kkt_residual
        else:  # the first step of an uncertified start: its KKT residuals only
            gradient = transposed_product(X, point.gradient_z)
            kkt = subdiff_distance(w, gradient, a, b, positive)
        intercept_violation = abs(float(np.sum(point.gradient_z))) if fit_intercept else 0.0
        target = _WORKING_SET_TOL * max(float(np.max(kkt, initial=0.0)), intercept_violation)
        features, size = working_set(kkt, (w != 0) | free, ws_size)
        ws_size = min(p, 2 * size)
        by_gram = use_gram(X, features)
        rows = data.row_starts if by_gram and sp.issparse(X) else None
        progress = False
        while n_steps < max_iter:
            g, hess = point.gradient_z, point.curvature
            options = (w, g, hess, a, b, positive, fit_intercept, _MODEL_TOL * target)
            if by_gram:
                w_new, u, step_b = gram_direction(X, rows, features, *options)
            else:
                w_new, u, step_b = column_direction(X, features, *options)
            n_steps += 1
            step_w = w_new - w
            t = step_length(data, point, u, w, step_w, a, b, _ARMIJO)
            if t == 0.0:
                break  # no descent left at machine precision
            progress = True
            w += t * step_w
            z = z + t * u
            intercept += t * step_b
            point = loss_at(data, z)
            g = point.gradient_z
            ws_kkt = working_set_kkt(working_set_gradient(X, g, features), w, a, b, positive,
                                     features)  # fmt: skip
            if max(ws_kkt, abs(float(g.sum())) if fit_intercept else 0.0) <= target:
                break
        if not progress and size == p:
            if cert is None:  # no step from an uncertified start: certify it now
                certify_start = True
                continue
            break  # stalled at machine precision: report the certificate as it is
    return NewtonOutcome(w, intercept, point, cert, n_steps, converged, np.asarray(history))


def _fit_unpenalised(data, free):
    """The fit of the intercept and unpenalised features alone (the α ≥ α_max solution)."""
    w = np.zeros(data.X.shape[1])
    intercept = data.loss.null_prediction(data.y, data.s, data.fit_intercept, data.offset)
    if np.any(free):
        columns = np.flatnonzero(free)
        k = columns.shape[0]
        outcome = prox_newton(
            replace(data, X=data.X[:, columns], scale=None), np.zeros(k), np.zeros(k), False,
            tol=1e-12, max_iter=100, w=np.zeros(k), intercept=intercept,
        )  # fmt: skip
        w[columns] = outcome.coef
        intercept = outcome.intercept
    return w, intercept


def solve_logistic(
    X, y, alpha, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False, tol=1e-4, max_iter=100, coef_init=None, intercept_init=None,
    offset=None,
) -> SolverResult:  # fmt: skip
    """Minimise ``1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α · penalty(w)`` and certify it.

    ``z = Xw + b + o``; the penalty is ``Σ f_j (ρ|w_j| + ½(1 − ρ) w_j²)``. This is
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
    offset : array-like of shape (n_samples,), optional
        The fixed part o of the log-odds (glmnet's ``offset``); not penalised, not fitted.

    Returns
    -------
    SolverResult
        ``solver="prox_newton"``, ``n_iter`` the Newton steps taken.

    See Also
    --------
    logistic_alpha_max : the smallest α with all penalised coefficients zero.
    shrinkage.certificates.certify_logistic : the certificate on its own.

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
    data = prepare_logistic(X, y, sample_weight, standardize, fit_intercept, offset)
    result, _ = solve_prepared(
        data, alpha, penalty, tol=tol, max_iter=max_iter, coef_init=coef_init,
        intercept_init=intercept_init,
    )  # fmt: skip
    return result


def solve_prepared(
    data, alpha, penalty, *, tol, max_iter, coef_init=None, intercept_init=None, point=None,
    certify_start=True,
):  # fmt: skip
    """:func:`solve_logistic` on a prepared problem (:func:`prepare_logistic`, or
    :func:`~shrinkage.solvers.logistic_data.prepare_glm` for another loss).

    ``point`` is the loss at the warm start's predictor (the second value returned for
    the previous α of a path), or None; ``certify_start`` as :func:`prox_newton` (a
    path's predicted start). Returns ``(SolverResult, point)``, the point at
    the returned coefficients (None for float32 X, whose returned coefficients are
    rounded).
    """
    if penalty.boxed:
        result = solve_box_prepared(
            data, alpha, penalty, tol=tol, max_iter=max_iter, coef_init=coef_init,
            intercept_init=intercept_init,
        )  # fmt: skip
        return result, None
    X, y, s = data.X, data.y, data.s
    p = X.shape[1]
    a, b = penalty.weights(alpha, p, data.scale)
    if coef_init is None:
        # start from the α_max solution: exact zeros stay exact for α ≥ α_max
        w, intercept = _fit_unpenalised(data, (a == 0) & (b == 0))
        point = None
    else:
        w = np.array(coef_init, dtype=np.float64).ravel()
        if w.shape != (p,):
            raise ValueError(f"coef_init has shape {w.shape}, expected ({p},).")
        intercept = data.loss.null_prediction(y, s, data.fit_intercept, data.offset)
        if data.fit_intercept and intercept_init is not None:
            intercept = float(intercept_init)
    if penalty.positive and np.any(w < 0):
        w = np.maximum(w, 0.0)
        point = None
    outcome = prox_newton(
        data, a, b, penalty.positive, tol=tol, max_iter=max_iter, w=w, intercept=intercept,
        point=point, certify_start=certify_start,
    )  # fmt: skip
    w, intercept, cert, point = outcome.coef, outcome.intercept, outcome.certificate, outcome.point
    if X.dtype != np.float64:
        # certify the coefficients the caller actually receives
        w = w.astype(X.dtype).astype(np.float64)
        cert, _ = certify_from_prediction(
            X, y, s, data.predictor(w, intercept), w, a, b, penalty.positive,
            data.fit_intercept, data.loss, data.primal_at_zero, data.offset,
        )  # fmt: skip
        point = None
    result = SolverResult(
        w.astype(X.dtype), intercept, cert, outcome.n_steps, cert.relative_gap <= tol, tol,
        "prox_newton", outcome.history,
    )  # fmt: skip
    return result, point


def logistic_alpha_max(
    X, y, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False, offset=None,
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
    data = prepare_logistic(X, y, sample_weight, standardize, fit_intercept, offset)
    return prepared_alpha_max(data, penalty)


def prepared_alpha_max(data, penalty) -> float:
    """:func:`logistic_alpha_max` on a prepared problem (:func:`prepare_logistic`)."""
    X, n, p = data.X, data.X.shape[0], data.X.shape[1]
    if penalty.boxed:
        w, intercept = fit_unpenalised_box(data, penalty)
    else:
        w, intercept = _fit_unpenalised(data, penalty.factors(p) == 0)
    z = data.predictor(w, intercept)
    weighted_residual = data.s * data.loss.residual(data.y, z)  # nθ₀: Xᵀθ₀ divides after Xᵀ
    correlation = np.asarray(X.T @ weighted_residual, dtype=np.float64).ravel() / n
    return data.loss.alpha_max(correlation, penalty, data.scale)
