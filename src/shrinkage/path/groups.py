"""The group-lasso path: ``shrinkage.path(X, y, penalty, groups=...)``.

The problem is prepared once (:func:`~shrinkage.solvers.group_lasso.prepare_groups`;
for the logistic and Poisson losses
:func:`~shrinkage.solvers.group_glm.prepare_group_glm`), the grid is the one rule of
:mod:`.grid` with α_max from the groups' correlation norms, and each point is solved
from the previous one by :func:`~shrinkage.solvers.group_lasso.solve_groups_prepared`
(:func:`~shrinkage.solvers.group_glm.solve_group_glm_prepared`), certified. The result
is an ordinary :class:`~shrinkage.path.result.PathResult` (a feature's ``entry_alpha``
is its group's: a group enters whole).
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from .._validation import check_tol
from ..groups import check_groups, dense_for_groups
from ..solvers.group_glm import (
    group_glm_alpha_max,
    prepare_group_glm,
    solve_group_glm_prepared,
)
from ..solvers.group_lasso import (
    check_group_weights,
    group_alpha_max,
    group_residual,
    prepare_groups,
    solve_groups_prepared,
)
from ..solvers.multinomial import prepare_multinomial
from ..solvers.multinomial_groups import (
    multinomial_groups_alpha_max,
    solve_multinomial_groups_prepared,
)
from .grid import alpha_grid
from .logistic import GLM_LOSSES
from .multinomial import multinomial_result
from .points import assemble, new_points
from .prediction import secant_coefficients

__all__ = ["group_path"]


def group_path(X, y, request, groups, group_weights=None, loss="squared"):
    """The path of a :class:`~shrinkage.path.points.PathRequest` with ``groups``, before
    any warning; ``loss`` "squared", "multinomial" or a name of
    :data:`~shrinkage.path.logistic.GLM_LOSSES`."""
    start = time.perf_counter()
    penalty = request.penalty
    if penalty.positive or penalty.boxed or penalty.penalty_factor is not None:
        raise ValueError(
            "with groups, weight the groups by group_weights (one per group); "
            "penalty_factor, positive=True and lower / upper bounds do not apply."
        )
    if request.coef_format != "dense":
        raise ValueError("a group-lasso path returns dense coefs.")
    tol = check_tol(request.tol, np.float64)
    if loss == "multinomial":
        return _multinomial_group_path(X, y, request, groups, group_weights, start, tol)
    if loss != "squared":
        return _glm_group_path(X, y, request, groups, group_weights, loss, start, tol)
    data = prepare_groups(X, y, groups, request.sample_weight, request.fit_intercept,
                          request.standardize)  # fmt: skip
    omega = check_group_weights(data.groups, group_weights)
    rho = penalty.l1_ratio
    n, p = data.X.shape
    alphas = alpha_grid(
        lambda: group_alpha_max(data, omega, rho), request.n_alphas, request.alpha_min_ratio,
        alphas=request.alphas, shape=(n, p), l1_ratio=rho,
    )  # fmt: skip
    coefs = np.zeros((alphas.size, p))
    points = new_points(alphas.size)
    w = previous = None
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        a, b = alpha * rho * omega, alpha * (1.0 - rho) * omega
        initial = w if request.warm_start else None
        if request.warm_start and previous is not None:
            initial = _predicted_start(data, a, b, alphas, k, w, previous)
        result = solve_groups_prepared(data, a, b, tol=tol, max_epochs=request.max_iter,
                                       coef_init=initial)  # fmt: skip
        previous = w
        w = result.coef
        coefs[k], intercept = data.coefficients(w)
        points[k] = (intercept if request.fit_intercept else 0.0, result.dual_gap,
                     result.relative_gap, result.n_iter, time.perf_counter() - tick,
                     result.n_screened)  # fmt: skip
    return _with_groups(assemble(alphas, coefs, points, request, "squared", start,
                                 "group_bcd", tol), groups, group_weights)  # fmt: skip


def _predicted_start(data, a, b, alphas, k, w, previous):
    """The start of α_k: the secant through the last two solutions
    (:mod:`shrinkage._kernels.prediction`) where its objective at α_k is lower than the
    warm start's, else the warm start."""
    guess = secant_coefficients(w, previous, alphas, k)
    n = data.X.shape[0]

    def objective(v):
        r = group_residual(data, v)
        norms = data.groups.norms(v)
        return float(r @ r) / (2 * n) + float(a @ norms + 0.5 * b @ norms**2)

    return guess if objective(guess) < objective(w) else w


def _glm_group_path(X, y, request, groups, group_weights, loss, start, tol):
    """:func:`group_path` of the logistic or Poisson loss (proximal Newton per α,
    ``max_iter`` its steps)."""
    data = prepare_group_glm(
        GLM_LOSSES[loss], X, y, groups, request.sample_weight, request.standardize,
        request.fit_intercept, request.offset,
    )  # fmt: skip
    omega = check_group_weights(data.groups, group_weights)
    rho = request.penalty.l1_ratio
    n, p = data.X.shape
    alphas = alpha_grid(
        lambda: group_glm_alpha_max(data, omega, rho), request.n_alphas,
        request.alpha_min_ratio, alphas=request.alphas, shape=(n, p), l1_ratio=rho,
    )  # fmt: skip
    coefs = np.zeros((alphas.size, p))
    points = new_points(alphas.size)
    w = intercept = None
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        warm = request.warm_start and w is not None
        result = solve_group_glm_prepared(
            data, alpha * rho * omega, alpha * (1.0 - rho) * omega, tol=tol,
            max_iter=request.max_iter, coef_init=w if warm else None,
            intercept_init=intercept if warm else None,
        )  # fmt: skip
        w, intercept = result.coef, result.intercept
        coefs[k] = data.coefficients(w)
        points[k] = (intercept, result.dual_gap, result.relative_gap, result.n_iter,
                     time.perf_counter() - tick, result.n_screened)  # fmt: skip
    return _with_groups(assemble(alphas, coefs, points, request, loss, start,
                                 "group_newton", tol), groups, group_weights)  # fmt: skip


def _multinomial_group_path(X, y, request, groups, group_weights, start, tol):
    """:func:`group_path` of the multinomial loss: a
    :class:`~shrinkage.path.multinomial.MultinomialPathResult` whose groups are blocks of
    features × classes (``max_iter``: sweeps per α)."""
    data = prepare_multinomial(dense_for_groups(X), y, request.sample_weight,
                               request.standardize, request.fit_intercept,
                               request.offset)  # fmt: skip
    if data.scale is not None:  # ‖σ ∘ W_g‖: the groups of the scaled columns
        data = replace(data, X=np.asfortranarray(data.X / data.scale))
    partition = check_groups(groups, data.X.shape[1])
    omega = check_group_weights(partition, group_weights)
    rho = request.penalty.l1_ratio
    (n, p), K = data.X.shape, data.Y.shape[1]
    alphas = alpha_grid(
        lambda: multinomial_groups_alpha_max(data, partition, omega, rho), request.n_alphas,
        request.alpha_min_ratio, alphas=request.alphas, shape=(n, p), l1_ratio=rho,
    )  # fmt: skip
    coefs, intercepts = np.zeros((alphas.size, p, K)), np.zeros((alphas.size, K))
    gaps, relative, n_iter, seconds = (np.zeros(alphas.size) for _ in range(4))
    W = b0 = None
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        warm = request.warm_start and W is not None
        result = solve_multinomial_groups_prepared(
            data, partition, alpha * rho * omega, alpha * (1.0 - rho) * omega, tol=tol,
            max_iter=request.max_iter, coef_init=W if warm else None,
            intercept_init=b0 if warm else None,
        )  # fmt: skip
        W, b0 = result.coef, result.intercept
        coefs[k] = W if data.scale is None else W / data.scale[:, None]
        intercepts[k] = b0
        gaps[k], relative[k], n_iter[k] = result.dual_gap, result.relative_gap, result.n_iter
        seconds[k] = time.perf_counter() - tick
    result = multinomial_result(request, alphas,
                                (coefs, intercepts, gaps, relative, n_iter, seconds), start,
                                "group_bcd", tol, data, True)  # fmt: skip
    return _with_groups(result, groups, group_weights)


def _with_groups(result, groups, group_weights):
    """``result`` recording its groups (what :meth:`~shrinkage.path.result.PathResult.
    refit_at` solves again)."""
    object.__setattr__(result, "groups", groups)
    object.__setattr__(result, "group_weights", group_weights)
    return result
