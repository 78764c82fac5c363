"""The squared-loss path: ``1/(2n)‖y − Xw − b‖² + α·penalty`` on a decreasing grid.

The problem is prepared once (:func:`shrinkage.solvers.api.prepare_problem`: validation,
centring, standardisation, exact power-of-two rescaling), the grid and the strategy are
chosen (:mod:`.grid`, :mod:`.strategy`), and each α is solved from the previous solution,
in place in its output row, and certified.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from .._kernels.working_sets import strong_set
from .._uniform import for_kernel, is_uniform, scaled, unit_weights
from .._validation import check_finite_weights, check_tol, working_dtype
from ..certificates import certify, columns_of
from ..losses import SquaredLoss
from ..penalties import Penalty
from ..solvers.api import prepare_problem
from ..solvers.coordinate_descent import coordinate_descent
from ..solvers.gram_cd import gram_cd, gram_cd_path
from ..solvers.states import GramState, ResidualState
from ..solvers.warm_start import WarmStart
from ..solvers.working_set import duality_gap, gap_safe_zeros, working_set_cd
from .grid import alpha_grid, grid_l1_ratio
from .homotopy_points import homotopy_points, knot_budget
from .points import assemble, new_points, output_rows
from .strategy import choose_strategy

__all__ = ["squared_alpha_max", "squared_path"]

LOSS = SquaredLoss()


def squared_path(X, y, request):
    """The path of a :class:`~shrinkage.path.points.PathRequest` (squared loss), before
    any warning."""
    start = time.perf_counter()
    penalty, warm_start, screening = request.penalty, request.warm_start, request.screening
    fit_intercept, standardize = request.fit_intercept, request.standardize
    tol = check_tol(request.tol, working_dtype(X))
    problem = prepare_problem(X, y, fit_intercept, request.sample_weight, standardize,
                              request.feature_names)  # fmt: skip
    X, design, scale, magnitudes = problem.X, problem.design, problem.scale, problem.magnitudes
    n, p = X.shape
    alpha_max, w, xty = squared_alpha_max(design, penalty, scale)
    cold = None if warm_start else w  # every point's start without warm starts
    alphas = alpha_grid(
        lambda: _representable(alpha_max * magnitudes.target_scale), request.n_alphas,
        request.alpha_min_ratio, alphas=request.alphas, shape=(n, p),
        l1_ratio=penalty.l1_ratio,
    )  # fmt: skip
    strategy = choose_strategy(request.strategy, n, p, penalty, design, alphas, tol)
    xty = xty if strategy == "gram" else None  # only the Gram state reuses Xᵀy
    first, used = 0, strategy
    # the solvers see the rescaled problem: the L1 weights at α are α · unit_a / s
    # (shrinkage.magnitudes); the homotopy, pure L1, takes the grid α / s instead
    if strategy == "homotopy":  # exact knots; CD takes over if they exceed the budget
        rows, points, first, w = homotopy_points(
            design, penalty, scale, magnitudes.l1_weights(alphas), tol, fit_intercept,
            knot_budget(n, p), output_rows(request.coef_format, alphas.size, p, X.dtype),
        )  # fmt: skip
        strategy = "working_set"
        used = "homotopy" if first == alphas.size else "homotopy+working_set"
    else:
        rows = output_rows(request.coef_format, alphas.size, p, X.dtype)
        points = new_points(alphas.size)
    if warm_start and first < alphas.size:  # the warm start moves into its output row
        w = rows.solve_in(first, w)
    state = None
    if strategy == "gram":
        state = GramState.from_design(design, xty)
    elif strategy == "working_set" and first < alphas.size:
        state = ResidualState(design, compact=True)  # float32 majorants: half a p-vector
    # the weights are linear in α: a = α·unit_a, b = α·unit_b, written in place, or
    # one number each when they are the same for every feature (shrinkage._uniform)
    with np.errstate(over="ignore"):  # an overflow is reported just below
        unit_a, unit_b = unit_weights(penalty, p, scale)
        unit_a = magnitudes.l1_weights(unit_a)
        check_finite_weights(unit_a * alphas[0], unit_b * alphas[0])
    a = None if is_uniform(unit_a) else np.empty_like(unit_a)
    b = None if is_uniform(unit_b) else np.empty_like(unit_b)
    exact = None
    if X.dtype != np.float64:  # float32 data: each point certified in float64
        exact, exact_scale = problem.exact()
        exact_a, exact_b = unit_weights(penalty, p, exact_scale)
        exact_a = magnitudes.l1_weights(exact_a)
    alpha_previous = None
    if strategy == "gram" and warm_start and exact is None:  # the grid in one call
        first = _gram_points(state, alphas, unit_a, unit_b, penalty.positive, tol,
                             request.max_iter, w, rows, points, design, fit_intercept,
                             request.extrapolation)  # fmt: skip
    for k in range(first, alphas.size):
        alpha = float(alphas[k])
        tick = time.perf_counter()
        a, b = scaled(unit_a, alpha, a), scaled(unit_b, alpha, b)  # penalty.weights(α, …)
        if state is None:
            result = coordinate_descent(
                design, a, b, penalty.positive, tol=tol, max_iter=request.max_iter,
                coef_init=w if warm_start else cold,
            )  # fmt: skip
        else:
            handover = cold
            if warm_start:  # solved in place in its output row: no p-vector copies
                w = rows.solve_in(k, w)
                guess = None
                if strategy == "working_set" and screening and k > first:
                    guess = _strong_set(state, unit_a, alpha, alpha_previous, n,
                                        penalty.positive)  # fmt: skip
                handover = WarmStart(w, state_is_current=k > first, working_set=guess)
            result = _solve_point(state, strategy, a, b, penalty.positive, tol,
                                  request.max_iter, handover, request.extrapolation,
                                  screening)  # fmt: skip
            alpha_previous = alpha
        w = result.coef
        rows.store(k, w)
        gap, relative_gap = result.dual_gap, result.relative_gap
        if exact is not None:  # certify the stored (rounded) row for the exact problem
            a64, b64 = scaled(exact_a, alpha, None), scaled(exact_b, alpha, None)
            rounded = certify(exact, rows.dense_row(k), a64, b64, penalty.positive)
            gap, relative_gap = rounded.dual_gap, rounded.relative_gap
        intercept = design.intercept(np.asarray(w, dtype=np.float64)) if fit_intercept else 0.0
        screened = _proven_zeros(design, w, a, b, penalty.positive) if state is None else (
            result.n_screened
        )  # fmt: skip
        points[k] = (
            intercept, gap, relative_gap, result.n_iter, time.perf_counter() - tick, screened,
        )  # fmt: skip
    del state, w  # the solver's per-feature vectors go before the summary's
    coefs = magnitudes.coefs_to_original(rows.finish())
    points["intercept"] *= magnitudes.target_scale
    points["dual_gap"] = [magnitudes.objective_to_original(gap) for gap in points["dual_gap"]]
    result = assemble(alphas, coefs, points, request, "squared", start, used, tol)
    # σ_j = c_j·σ̃_j in the caller's units (shrinkage.magnitudes)
    return replace(result, column_std=magnitudes.to_original_scale(scale) if standardize else None)


def _gram_points(state, alphas, unit_a, unit_b, positive, tol, max_epochs, start, rows,
                 points, design, fit_intercept, face_steps):  # fmt: skip
    """Every point of the grid on the Gram state in one compiled call
    (:func:`~shrinkage.solvers.gram_cd.gram_cd_path`), stored; returns the number of
    points solved (all)."""
    coefs, stats = gram_cd_path(state, alphas, unit_a, unit_b, positive, tol=tol,
                                max_epochs=max_epochs, coef_init=start,
                                face_steps=face_steps)  # fmt: skip
    rows.store_block(0, coefs)
    if fit_intercept:
        points["intercept"] = design.y_mean - coefs @ design.x_mean
    for name in ("dual_gap", "relative_gap", "n_iter", "seconds", "n_screened"):
        points[name] = getattr(stats, name)
    return alphas.size


def _solve_point(state, strategy, a, b, positive, tol, max_epochs, start, extrapolation,
                 screening):  # fmt: skip
    """One α on the Gram or residual state (:mod:`.strategy`)."""
    if strategy == "gram":
        return gram_cd(state, a, b, positive, tol=tol, max_epochs=max_epochs, coef_init=start,
                       face_steps=extrapolation)  # fmt: skip
    return working_set_cd(
        state, a, b, positive, tol=tol, max_epochs=max_epochs, coef_init=start,
        anderson=5 if extrapolation else 0, bounded_checks=screening, per_feature_kkt=False,
    )  # fmt: skip


def squared_alpha_max(design, penalty, scale):
    """α_max for squared loss: ``max_j |X_jᵀr_U| / (n ρ f_j σ_j)``, r_U the residual of
    the unpenalised part (intercept and features with f_j = 0); also the solution there
    (least squares on the unpenalised features), the path's first warm start, and
    ``X_effᵀy`` when every feature is penalised (the Gram state reuses it)."""
    n, p = design.X.shape
    y = np.asarray(design.y, dtype=np.float64)
    factors = penalty.factors(p)
    free = np.flatnonzero(factors == 0)
    residual = y
    start = np.zeros(p)
    if free.size:
        XF = columns_of(design, free)
        coef, *_ = np.linalg.lstsq(XF, y, rcond=None)
        if penalty.positive:
            coef = np.maximum(coef, 0.0)
        residual = y - XF @ coef
        start[free] = coef
    xtr = np.asarray(design.rmatvec(residual), dtype=np.float64)
    grid_penalty = Penalty(grid_l1_ratio(penalty.l1_ratio), penalty.penalty_factor,
                           penalty.positive)  # fmt: skip
    return LOSS.alpha_max(xtr / n, grid_penalty, scale), start, None if free.size else xtr


def _representable(alpha_max):
    """α_max in the caller's units; an error where it overflows float64 (then no α of
    the grid can be written down)."""
    if np.isinf(alpha_max):
        raise ValueError(
            "alpha_max overflows float64 on these data (|Xᵀy|/n is above 1.8e308): "
            "rescale X or y, e.g. to unit standard deviation."
        )
    return alpha_max


def _strong_set(state, unit_a, alpha, alpha_previous, n, positive):
    """The sequential strong rule (Tibshirani et al. 2012, JRSS-B 74(2), eq. 7): j is
    likely zero at the new α if ``|x_jᵀr_prev|/n < 2a_j − a_j,prev``, from the last full
    check's correlations (only the columns it read). A guess only, which the solver's
    full KKT check corrects."""
    corr, read = state.last_correlations()
    level = 2.0 * alpha - alpha_previous
    return strong_set(corr, read, for_kernel(unit_a), level, n, positive)


def _proven_zeros(design, w, a, b, positive):
    """Gap-safe count for the plain-CD strategy (needs one extra pass over X)."""
    n = design.n_samples
    w64 = np.asarray(w, dtype=np.float64)
    r = np.asarray(design.y, dtype=np.float64) - design.matvec(w64)
    corr = np.asarray(design.rmatvec(r), dtype=np.float64)
    free = (a == 0) & (b == 0)
    if np.any(free):  # the sufficient-statistics dual needs every feature penalised
        return 0
    gap, _, _, dual_scale = duality_gap(corr, r @ r, float(design.y @ r), w64, a, b, positive, n)
    norms = np.sqrt(design.column_sq_norms())
    return int(np.sum(gap_safe_zeros(corr, dual_scale, gap, norms, a, positive, n) & (w64 == 0)))
