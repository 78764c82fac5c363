"""Regularization paths: the solution for every α on a grid, warm-started.

``path`` solves ``loss + α·penalty`` for α from ``alpha_max`` (all penalised coefficients
exactly zero) down to ``alpha_min_ratio · alpha_max`` on a log grid, each solve starting
from the previous solution, and returns one frozen :class:`PathResult`.

Grid rule: ``alpha_min_ratio`` defaults to 1e-3 when n ≥ p and 1e-2 when n < p (the
lasso saturates at n non-zeros, and tiny α are then ill-posed and slow). For pure ridge
(ρ = 0) α_max is infinite; the grid then starts at the α_max of ρ = 1e-3 (glmnet's rule)
and, by default, spans three more decades so that it ends where the lasso grid ends.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import replace

import numpy as np

from ._kernels.working_sets import strong_set
from ._path_homotopy import homotopy_points, knot_budget
from ._path_rows import DenseRows, SparseRows, support_summary
from ._uniform import for_kernel, is_uniform, scaled, unit_weights
from ._validation import (
    check_alpha_min_ratio,
    check_alphas,
    check_finite_weights,
    check_flag,
    check_max_iter,
    check_n_alphas,
    check_tol,
    working_dtype,
)
from .certificates import certified, certify, describe_gap
from .path_result import PathResult
from .penalties import L1, Penalty
from .solvers.api import prepare_problem
from .solvers.coordinate_descent import coordinate_descent
from .solvers.gram_cd import gram_cd
from .solvers.states import GramState, ResidualState
from .solvers.working_set import duality_gap, gap_safe_zeros, working_set_cd

__all__ = ["PathResult", "alpha_grid", "default_alpha_min_ratio", "path", "warn_unconverged"]

RIDGE_GRID_L1_RATIO = 1e-3  # a ridge grid starts at the α_max of this ρ (glmnet)
_GRAM_MAX_FEATURES = 5000  # p × p float64 Gram up to 200 MB
_HOMOTOPY_MAX_SAMPLES = 1000  # one Zᵀu per knot, a few times min(n, p) knots
# the homotopy's cost does not fall with tol, the working sets' does: at a loose tol
# (≥ 1e-5) the exact path is kept for few rows only (Toeplitz 500 × 5000 at tol 1e-4:
# working sets 0.77 s, homotopy 1.49 s; riboflavin 71 × 4088: 0.12 s against 0.02 s)
_HOMOTOPY_LOOSE_TOL, _HOMOTOPY_LOOSE_MAX_SAMPLES = 1e-5, 200
STRATEGIES = ("auto", "homotopy", "working_set", "gram", "cd")


def _squared_alpha_max(design, penalty, scale):
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
        from .certificates import _columns

        XF = _columns(design, free)
        coef, *_ = np.linalg.lstsq(XF, y, rcond=None)
        if penalty.positive:
            coef = np.maximum(coef, 0.0)
        residual = y - XF @ coef
        start[free] = coef
    xtr = np.asarray(design.rmatvec(residual), dtype=np.float64)
    rho = penalty.l1_ratio if penalty.l1_ratio > 0 else RIDGE_GRID_L1_RATIO
    grid_penalty = Penalty(rho, penalty.penalty_factor, penalty.positive)
    return grid_penalty.alpha_max(xtr / n, scale), start, None if free.size else xtr


def alpha_grid(alpha_max, n_alphas=100, alpha_min_ratio=1e-3):
    """``n_alphas`` log-spaced values from ``alpha_max`` down to ``ratio · alpha_max``.

    Examples
    --------
    >>> alpha_grid(1.0, 3, 1e-2)
    array([1.  , 0.1 , 0.01])
    """
    if not np.isfinite(alpha_max) or alpha_max <= 0:
        # y is constant (or fully explained by unpenalised features): nothing to select
        alpha_max = 1.0
    return np.geomspace(alpha_max, alpha_max * alpha_min_ratio, n_alphas)


def path(
    X,
    y,
    penalty: Penalty | None = None,
    *,
    loss="squared",
    alphas=None,
    n_alphas=100,
    alpha_min_ratio=None,
    fit_intercept=True,
    sample_weight=None,
    standardize=False,
    tol=1e-4,
    max_iter=1000,
    feature_names=None,
    strategy="auto",
    warm_start=True,
    screening=True,
    extrapolation=True,
    coef_format="dense",
    warn=True,
) -> PathResult:
    """Solve ``loss + α·penalty`` along a decreasing α grid with warm starts.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Targets; for ``loss="logistic"`` two classes coded 0/1.
    penalty : Penalty, default ``L1()``
    loss : {"squared", "logistic"}
        ``1/(2n)‖y − Xw − b‖²`` or the mean log-loss.
    alphas : array-like, optional
        The grid (sorted decreasing). Default: ``n_alphas`` log-spaced from α_max.
    n_alphas : int
    alpha_min_ratio : float, optional
        Smallest α as a fraction of α_max; see the module docstring for the default.
    fit_intercept, sample_weight, standardize, tol, max_iter
        As in :func:`shrinkage.solve`; ``tol`` is the relative duality gap at *every* α.
    feature_names : sequence of str, optional
    strategy : {"auto", "homotopy", "working_set", "gram", "cd"}
        How each point is solved (squared loss). "homotopy" follows the exact lasso
        path knot by knot (:mod:`shrinkage.homotopy`) and reads the grid off it, one
        ``Xᵀu`` per knot whatever the correlation of the columns (best for wide dense
        data with few rows; lasso only; past ``4·min(n, p) + 100`` knots the rest of
        the grid goes to "working_set"); "gram" precomputes ``XᵀX`` and updates in
        O(p) (best for n ≫ p); "working_set" solves growing sub-problems on the likely
        support with Anderson acceleration (best for p ≳ n, sparse data); "cd" is
        plain cyclic coordinate descent. "auto": "cd" when some feature is
        unpenalised, else "gram" when n ≥ 2p and p ≤ 5000, else "homotopy" for the
        lasso on dense float64 data with n < p and n ≤ 1000 (n ≤ 200 when
        ``tol ≥ 1e-5``: the exact path's cost does not fall with ``tol``), else
        "working_set".
    warm_start, screening, extrapolation : bool
        The speed-ups, each switchable to measure it (``benchmarks/ablation.py``):
        start each α from the previous solution; screening — start each working set
        from the sequential strong rule (a guess the full KKT check corrects) and let
        the full checks skip the columns a Cauchy–Schwarz bound settles
        (:mod:`~shrinkage.solvers.correlation_bounds`), neither of which changes the
        solution; Anderson extrapolation of the iterates. Only the first applies to
        ``strategy="cd"``, none to the exact ``"homotopy"``.
    coef_format : {"dense", "sparse"}
        How ``coefs`` is returned: an (n_alphas × p) array, or a
        ``scipy.sparse.csr_array`` of the non-zeros, built row by row so that the path
        never holds the dense block (news20's dense path is 3× the size of X).

    warn : bool
        Warn (``ConvergenceWarning``, naming the worst point and its gap) when some
        point misses ``tol``. Tools that run many paths (cross-validation, stability
        selection) pass False and warn once for all of them.

    Returns
    -------
    PathResult

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import path
    >>> X, y = load_diabetes(return_X_y=True)
    >>> result = path(X, y, n_alphas=20)
    >>> int(result.n_active[0]), int(result.n_active[-1])
    (0, 10)
    >>> bool(np.all(result.relative_gaps <= 1e-4))
    True
    """
    penalty = L1() if penalty is None else penalty
    if coef_format not in ("dense", "sparse"):
        raise ValueError(f"coef_format must be 'dense' or 'sparse', got {coef_format!r}.")
    if loss not in ("squared", "logistic"):
        raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be a Penalty (L1(), L2(), ...), got {penalty!r}.")
    if penalty.penalty_factor is not None and not np.any(np.asarray(penalty.penalty_factor)):
        raise ValueError(
            "every penalty factor is 0: nothing is penalised, so α changes nothing and "
            "there is no path. Fit the unpenalised model with shrinkage.solve(X, y, "
            "alpha=0, ...), or give some feature a factor > 0."
        )
    max_iter = check_max_iter(max_iter)
    fit_intercept = check_flag(fit_intercept, "fit_intercept")
    standardize = check_flag(standardize, "standardize")
    for name, value in (("warm_start", warm_start), ("screening", screening),
                        ("extrapolation", extrapolation), ("warn", warn)):  # fmt: skip
        check_flag(value, name)
    if feature_names is None and hasattr(X, "columns"):
        feature_names = np.asarray([str(c) for c in X.columns], dtype=object)
    if loss == "logistic":
        tol = check_tol(tol, working_dtype(X))
        result = _logistic_path(
            X, y, penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, sample_weight,
            standardize, tol, max_iter, feature_names, coef_format,
        )  # fmt: skip
        result = replace(
            result, penalty=penalty, fit_intercept=fit_intercept, standardize=standardize
        )
        if warn:
            warn_unconverged("path", result.alphas, result.relative_gaps, tol)
        return result

    start = time.perf_counter()
    tol = check_tol(tol, working_dtype(X))
    problem = prepare_problem(X, y, fit_intercept, sample_weight, standardize, feature_names)
    X, design, scale, magnitudes = problem.X, problem.design, problem.scale, problem.magnitudes
    n, p = X.shape
    alpha_max, w, xty = _squared_alpha_max(design, penalty, scale)
    cold = None if warm_start else w  # every point's start without warm starts
    alphas = _resolve_grid(
        alphas, n_alphas, alpha_min_ratio, n, p,
        lambda: _representable(alpha_max * magnitudes.target_scale), penalty.l1_ratio == 0,
    )  # fmt: skip
    strategy = _choose_strategy(strategy, n, p, penalty, design, alphas, tol)
    xty = xty if strategy == "gram" else None  # only the Gram state reuses Xᵀy
    first, used = 0, strategy
    # the solvers see the rescaled problem: the L1 weights at α are α · unit_a / s
    # (shrinkage.magnitudes); the homotopy, pure L1, takes the grid α / s instead
    if strategy == "homotopy":  # exact knots; CD takes over if they exceed the budget
        rows, stats, first, w = homotopy_points(
            design, penalty, scale, magnitudes.l1_weights(alphas), tol, fit_intercept,
            knot_budget(n, p), _rows(coef_format, alphas.size, p, X.dtype),
        )  # fmt: skip
        strategy = "working_set"
        used = "homotopy" if first == alphas.size else "homotopy+working_set"
    else:
        rows = _rows(coef_format, alphas.size, p, X.dtype)
        stats = np.zeros((alphas.size, 6))  # intercept, gap, rel. gap, n_iter, s, screened
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
    for k in range(first, alphas.size):
        alpha = float(alphas[k])
        tick = time.perf_counter()
        a, b = scaled(unit_a, alpha, a), scaled(unit_b, alpha, b)  # penalty.weights(α, …)
        if state is None:
            result = coordinate_descent(
                design, a, b, penalty.positive, tol=tol, max_iter=max_iter,
                coef_init=w if warm_start else cold,
            )  # fmt: skip
        elif strategy == "gram":
            if warm_start:  # solved in place in its output row (float64 rows)
                w = rows.solve_in(k, w)
            result = gram_cd(
                state, a, b, penalty.positive, tol=tol, max_epochs=max_iter * 20,
                coef_init=w if warm_start else cold, state_is_current=warm_start and k > first,
                copy_init=not warm_start,
            )  # fmt: skip
        else:
            guess = screening and warm_start and k > first and state.last_correlation is not None
            if warm_start:  # solved in place in its output row: no p-vector copies
                w = rows.solve_in(k, w)
            result = working_set_cd(
                state, a, b, penalty.positive, tol=tol, max_epochs=max_iter * 20,
                coef_init=w if warm_start else cold, copy_init=not warm_start,
                initial_working_set=_strong_set(state, unit_a, alpha, alpha_previous, n,
                                                penalty.positive) if guess else None,
                state_is_current=warm_start and k > first,
                anderson=5 if extrapolation else 0, bounded_checks=screening,
                per_feature_kkt=False,
            )  # fmt: skip
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
        stats[k] = (
            intercept, gap, relative_gap, result.n_iter, time.perf_counter() - tick, screened,
        )  # fmt: skip
    del state, w  # the solver's per-feature vectors go before the summary's
    coefs = magnitudes.coefs_to_original(rows.finish())
    stats[:, 0] *= magnitudes.target_scale
    stats[:, 1] = [magnitudes.objective_to_original(gap) for gap in stats[:, 1]]
    result = _assemble(alphas, coefs, stats, feature_names, penalty, "squared", start, used, tol)
    result = replace(
        result, penalty=penalty, fit_intercept=fit_intercept, standardize=standardize,
        # σ_j = c_j·σ̃_j in the caller's units (shrinkage.magnitudes)
        column_std=magnitudes.to_original_scale(scale) if standardize else None,
    )  # fmt: skip
    if warn:
        warn_unconverged("path", result.alphas, result.relative_gaps, tol)
    return result


def warn_unconverged(caller, alphas, relative_gaps, tol, stacklevel=3):
    """One ``ConvergenceWarning`` when some point of one or several paths (rows of the
    2-D ``relative_gaps``, e.g. the folds of a cross-validation, with ``alphas`` of the
    same shape or one grid) is not certified to ``tol``, naming the worst one."""
    gaps = np.atleast_2d(np.asarray(relative_gaps, dtype=np.float64))
    alphas = np.broadcast_to(np.asarray(alphas, dtype=np.float64), gaps.shape)
    missed = ~np.vectorize(certified, otypes=[bool])(gaps, tol)
    if not np.any(missed):
        return
    from sklearn.exceptions import ConvergenceWarning  # only now: scikit-learn is heavy

    badness = np.where(np.isnan(gaps), np.inf, np.abs(gaps))
    worst = np.unravel_index(np.argmax(np.where(missed, badness, -1.0)), gaps.shape)
    where = "path point(s)" if gaps.shape[0] == 1 else f"points of {gaps.shape[0]} paths"
    warnings.warn(
        f"{caller}: {int(missed.sum())} of {gaps.size} {where} did not reach tol={tol:.3g}; "
        f"the worst is alpha={alphas[worst]:.4g} with {describe_gap(gaps[worst], tol)}. "
        "Increase max_iter, loosen tol, or standardize badly scaled features.",
        ConvergenceWarning,
        stacklevel=stacklevel,
    )


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


def _choose_strategy(strategy, n, p, penalty, design, alphas, tol):
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    unpenalised = penalty.penalty_factor is not None and np.any(penalty.penalty_factor == 0)
    if strategy == "auto":
        if unpenalised:
            return "cd"
        if n >= 2 * p and p <= _GRAM_MAX_FEATURES:
            return "gram"
        rows = _HOMOTOPY_MAX_SAMPLES if tol < _HOMOTOPY_LOOSE_TOL else _HOMOTOPY_LOOSE_MAX_SAMPLES
        wide = n < p and n <= rows and not design.is_sparse
        if wide and _homotopy_applies(penalty, design, alphas):
            return "homotopy"
        return "working_set"
    if strategy != "cd" and unpenalised:
        raise ValueError(f"strategy={strategy!r} needs every feature penalised; use 'cd'.")
    if strategy == "homotopy" and not _homotopy_applies(penalty, design, alphas):
        raise ValueError(
            "strategy='homotopy' needs a pure L1 penalty (l1_ratio=1), float64 data and "
            "a grid ending above alpha=0."
        )
    return strategy


def _homotopy_applies(penalty, design, alphas):
    """The exact path: lasso only (the elastic net is not piecewise linear in α at a
    fixed ratio), in float64, down to a positive α."""
    return penalty.l1_ratio == 1 and design.X.dtype == np.float64 and alphas[-1] > 0


def _resolve_grid(alphas, n_alphas, alpha_min_ratio, n, p, alpha_max, ridge=False):
    if alphas is not None:
        return check_alphas(alphas)
    n_alphas = check_n_alphas(n_alphas)
    alpha_min_ratio = check_alpha_min_ratio(alpha_min_ratio)
    if alpha_min_ratio is None:
        alpha_min_ratio = default_alpha_min_ratio(n, p, 0.0 if ridge else 1.0)
    return alpha_grid(alpha_max(), n_alphas, alpha_min_ratio)


def default_alpha_min_ratio(n_samples, n_features, l1_ratio):
    """The grid's default ``alpha_min_ratio``, for every surface (the one rule).

    1e-3 when n ≥ p, 1e-2 when n < p (the lasso saturates at n non-zeros, and tiny α
    are then ill-posed and slow); a ridge grid (ρ = 0) starts at the α_max of
    ρ = 1e-3, 1000× higher, so it spans three more decades to end at the same place.

    Examples
    --------
    >>> default_alpha_min_ratio(100, 10, 1.0), default_alpha_min_ratio(10, 100, 0.0)
    (0.001, 1e-05)
    """
    ratio = 1e-3 if n_samples >= n_features else 1e-2
    return ratio * RIDGE_GRID_L1_RATIO if l1_ratio == 0 else ratio


def _rows(coef_format, n_alphas, p, dtype):
    if coef_format == "dense":
        return DenseRows(np.zeros((n_alphas, p), dtype=dtype))
    return SparseRows(n_alphas, p, dtype)


def _assemble(alphas, coefs, stats, feature_names, penalty, loss, start, strategy, tol):
    p = coefs.shape[1]
    entry, n_active = support_summary(coefs, alphas)
    if feature_names is not None:
        feature_names = np.asarray(feature_names, dtype=object)
        if feature_names.shape != (p,):
            raise ValueError(f"feature_names has {feature_names.size} names for {p} features.")
    timings = {"total": time.perf_counter() - start, "per_alpha": stats[:, 4].copy()}
    return PathResult(
        alphas=alphas,
        coefs=coefs,
        intercepts=stats[:, 0].copy(),
        dual_gaps=stats[:, 1].copy(),
        relative_gaps=stats[:, 2].copy(),
        n_iter=stats[:, 3].astype(int),
        n_active=n_active,
        n_screened=stats[:, 5].astype(int),
        entry_alpha=entry,
        timings=timings,
        _names=feature_names,
        l1_ratio=float(penalty.l1_ratio),
        loss=loss,
        strategy=strategy,
        tol=tol,
    )


def _logistic_path(
    X, y, penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, sample_weight,
    standardize, tol, max_iter, feature_names, coef_format,
):  # fmt: skip
    """The logistic path: data prepared once, then warm-started proximal Newton per α
    (:mod:`shrinkage.logistic_path`)."""
    from .logistic_path import prepare_logistic, prepared_alpha_max, solve_path

    start = time.perf_counter()
    data = prepare_logistic(X, y, sample_weight, standardize, fit_intercept)
    n, p = data.X.shape
    grid_penalty = penalty
    if penalty.l1_ratio == 0:  # ridge never zeroes: use the ρ = 1e-3 grid (glmnet)
        grid_penalty = Penalty(RIDGE_GRID_L1_RATIO, penalty.penalty_factor, penalty.positive)
    alphas = _resolve_grid(
        alphas, n_alphas, alpha_min_ratio, n, p,
        lambda: prepared_alpha_max(data, grid_penalty), penalty.l1_ratio == 0,
    )  # fmt: skip
    rows = _rows(coef_format, alphas.size, p, np.float64)
    stats = solve_path(data, penalty, alphas, tol=tol, max_iter=max_iter, rows=rows)
    return _assemble(
        alphas, rows.finish(), stats, feature_names, penalty, "logistic", start,
        "proximal_newton", tol,
    )  # fmt: skip
