"""The lasso path on a grid by exact homotopy: :func:`shrinkage.path`'s "homotopy" strategy.

For squared loss and a pure L1 penalty the solution is piecewise linear in α
(:mod:`shrinkage.path.homotopy`), so the path on any grid can be read off the knots exactly:
the cost is one ``Zᵀu`` product per knot, whatever the conditioning of X, where coordinate
descent needs more epochs the more correlated the columns are. The number of knots grows
with the size of the active set, which is at most min(n, p): on wide data with a few
hundred rows the whole path takes a few hundred products (Efron et al. 2004; Osborne,
Presnell & Turlach 2000).

Every grid point is certified afterwards like any other solver's (duality gap from the
residual, gap-safe count), with two products of X and the (n_alphas × p) coefficient
block for the whole grid. A point whose gap misses ``tol`` (rounding on a nearly
singular active set) is polished by working-set coordinate descent from the exact
solution, and if the knots exceed the budget the rest of the grid is handed back to
the caller, which goes on by coordinate descent from the last knot.
"""

from __future__ import annotations

import time

import numpy as np

from .._kernels.gap import check_summary
from .._uniform import for_kernel, is_uniform, scaled, uniform, unit_weights
from ..solvers.states import ResidualState, coordinate_lipschitz
from ..solvers.working_set import duality_gap, working_set_cd
from .homotopy import Homotopy
from .points import new_points

__all__ = ["homotopy_points", "knot_budget"]


def knot_budget(n, p):
    """Knots allowed before handing over to coordinate descent: the lasso path of a
    well-posed problem has a few times min(n, p) knots (every feature enters once,
    some leave and re-enter); beyond that, coordinate descent is the cheaper route."""
    return 4 * min(n, p) + 100


def homotopy_points(design, penalty, scale, alphas, tol, fit_intercept, max_knots, rows=None):
    """Solve the lasso at every α of ``alphas`` (decreasing) reachable within the knots.

    Returns ``(rows, points, done, warm)``: the first ``done`` rows of ``rows`` (the
    path's coefficients, :mod:`.rows`, dense ``len(alphas) × p`` unless given) and
    ``points`` (:data:`.points.POINT_FIELDS`; ``n_iter`` counts the knots passed) are
    filled, and ``warm`` is the solution at the
    last knot reached, a warm start for the rest.
    """
    n, p = design.X.shape
    weight = unit_weights(penalty, p, scale)[0]  # a_j = α · weight_j (a view if uniform)
    start = time.perf_counter()
    homotopy = Homotopy(
        design, weight, penalty.positive, float(alphas[-1]), max_knots, fit_intercept,
        grid=alphas, rows=rows,
    )  # fmt: skip
    homotopy.run()
    done, rows, knots = homotopy.grid_filled, homotopy.grid_rows, homotopy.grid_knots
    last_active, last_values = homotopy._last  # the last knot, made dense at the end
    del homotopy  # its p-vectors go before the certificates' buffers come
    rows.divide_columns(weight)  # v = σ∘w: back to w, in place
    seconds = (time.perf_counter() - start) * np.diff(knots[:done], prepend=0)
    seconds /= max(knots[done - 1], 1) if done else 1
    points = new_points(alphas.size)
    points["n_iter"][:done] = np.diff(knots[:done], prepend=0)
    points["seconds"][:done] = seconds
    certify_points(design, rows, alphas[:done], weight, penalty.positive, points)
    if fit_intercept:
        points["intercept"][:done] = [design.intercept(rows.dense_row(k)) for k in range(done)]
    polish_points(design, rows, alphas, weight, penalty.positive, tol, points, done, fit_intercept)
    warm = np.zeros(p)
    warm[last_active] = last_values / weight[last_active]
    return rows, points, done, warm


def certify_points(design, rows, alphas, weight, positive, points):
    """Gaps and gap-safe counts for a block of solutions: two products with X per block
    of grid points, the blocks small enough that their residuals and correlations take
    a few per cent of the memory of X; per point, one pass of the kernel
    :func:`~shrinkage._kernels.gap.check_summary`, into no per-feature vector."""
    n, p = design.X.shape
    y = np.asarray(design.y, dtype=np.float64)
    lipschitz = coordinate_lipschitz(design)  # L_j = ‖x_j‖²/n, as the solvers keep it
    primal_at_zero = max(float(y @ y) / (2 * n), np.finfo(float).tiny)
    zeros, column = uniform(0.0, p), np.empty(p)
    a = None if is_uniform(weight) else np.empty(p)  # α·weight: one number when uniform
    centred = bool(np.any(design.x_offset))
    block = max(1, min(16, (n * p) // (32 * (n + p))))
    for start in range(0, alphas.size, block):
        solutions = rows.block(start, min(start + block, alphas.size))
        W = solutions.T  # p × m
        R = y[:, None] - design.X @ W
        if centred:
            R += np.outer(design.u, design.x_offset @ W)
        corr = np.asarray(design.X.T @ R)  # p × m
        if centred:
            corr -= np.outer(design.x_offset, design.u @ R)
        for i in range(R.shape[1]):
            k = start + i
            r, w = R[:, i], solutions[i]
            column[:] = corr[:, i]  # contiguous for the kernels
            a = scaled(weight, alphas[k], a)
            gap, _, _, scale = duality_gap(column, r @ r, y @ r, w, a, zeros, positive, n)
            radius = float(np.sqrt(2.0 * max(gap, 0.0) / n))
            _, count = check_summary(
                column, w, for_kernel(a), 0.0, bool(positive), n, float(scale), radius,
                lipschitz,
            )  # fmt: skip
            points["dual_gap"][k], points["relative_gap"][k] = gap, gap / primal_at_zero
            points["n_screened"][k] = count
        del R, corr, solutions, W  # before the next block's products


def polish_points(design, rows, alphas, weight, positive, tol, points, done, fit_intercept):
    """Working-set CD from the homotopy's solution where its gap misses ``tol``."""
    state = None
    for k in np.flatnonzero(points["relative_gap"][:done] > tol):
        tick = time.perf_counter()
        state = ResidualState(design, compact=True) if state is None else state
        a = alphas[k] * weight
        result = working_set_cd(
            state, a, np.zeros_like(a), positive, tol=tol, coef_init=rows.dense_row(k),
            max_outer=100, per_feature_kkt=False,
        )  # fmt: skip
        rows.store(k, result.coef)
        points["dual_gap"][k], points["relative_gap"][k] = result.dual_gap, result.relative_gap
        points["n_iter"][k] += result.n_iter
        points["seconds"][k] += time.perf_counter() - tick
        points["n_screened"][k] = result.n_screened
        if fit_intercept:
            points["intercept"][k] = design.intercept(result.coef)
