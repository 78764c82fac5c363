"""Paths, ridge fits and K-fold cross-validation of tall data from one pass.

Tall data (many rows, p up to a few thousand) are summarised in one pass
(:func:`~shrinkage.distributed.statistics.sufficient_statistics`); the summary becomes
p + 1 equivalent rows (:func:`~shrinkage.distributed.statistics.equivalent_rows`) on which
the in-memory :func:`shrinkage.path` runs unchanged, with ``fit_intercept=False`` and the
Gram strategy (plain coordinate descent when some feature is unpenalised, which the Gram
strategy does not take). With sample weights the objective is ``1/(2W) Σ s r²``, the
library's convention of weights normalised to sum to n. What refers to the true data is
put back here:

- the default ``alpha_min_ratio`` comes from the true shape (rows, p);
- the intercept is ``b = ȳ − x̄ᵀw`` (the optimum of the original objective at w);
- standardisation needs nothing: the equivalent columns have the true weighted standard
  deviations (``‖X̂_j‖²/(p + 1) = S_xx,jj / W``).

The duality gaps are valid for the original objective: its value at w *is* the
equivalent problem's, so both have the same optimum, and any dual value of the
equivalent problem bounds that optimum from below; P(0), the relative gap's scale,
is the same too. Cross-validation scores each held-out fold in closed form from its own
statistics (:func:`held_out_error`), so a path plus a K-fold CV reads the data once.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np

from ..defaults import N_ALPHAS, SELECTION, TOL
from ..path import PathResult, default_alpha_min_ratio, path
from ..penalties import L1, L2
from ..solvers import solve
from .cv import CVResult, cross_validate
from .statistics import BlockStatistics, FoldStatistics, equivalent_rows

__all__ = ["held_out_error", "tall_cv", "tall_path", "tall_ridge"]


def tall_path(
    stats: BlockStatistics, penalty=None, *, alphas=None, n_alphas=N_ALPHAS,
    alpha_min_ratio=None, fit_intercept=True, standardize=False, tol=TOL, max_iter=20_000,
    feature_names=None, warn=True,
) -> PathResult:  # fmt: skip
    """The path of ``1/(2W) Σ s (y − xᵀw − b)² + α·penalty(w)`` from the data's statistics.

    Parameters
    ----------
    stats : BlockStatistics
        E.g. ``sufficient_statistics(data).total()``.
    penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, standardize, tol, max_iter,
    feature_names, warn
        As in :func:`shrinkage.path` (the default ``alpha_min_ratio`` from the number of
        rows and features of the data, not of the p + 1 equivalent rows).

    Returns
    -------
    PathResult
        Coefficients, intercepts ``ȳ − x̄ᵀw`` and the duality gap of every point.

    See Also
    --------
    shrinkage.path : the same path on data in memory.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import path
    >>> from shrinkage.distributed import ArrayBlocks
    >>> from shrinkage.distributed.statistics import sufficient_statistics
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5)); y = X @ [1.0, 0, 0, -2.0, 0] + 3 + rng.normal(size=200)
    >>> stats = sufficient_statistics(ArrayBlocks(X, y, n_partitions=4)).total()
    >>> tall, memory = tall_path(stats, n_alphas=10), path(X, y, n_alphas=10)
    >>> bool(np.allclose(tall.alphas, memory.alphas)), tall.n_active.tolist()[-1]
    (True, 5)
    >>> bool(np.allclose(tall.intercepts, memory.intercepts, atol=1e-3))
    True
    """
    penalty = L1() if penalty is None else penalty
    p = stats.n_features
    if alphas is None and alpha_min_ratio is None:
        alpha_min_ratio = default_alpha_min_ratio(stats.rows, p, penalty.l1_ratio)
    X_rows, y_rows = equivalent_rows(stats, fit_intercept)
    unpenalised = penalty.penalty_factor is not None and np.any(penalty.penalty_factor == 0)
    result = path(
        X_rows, y_rows, penalty, alphas=alphas, n_alphas=n_alphas,
        alpha_min_ratio=alpha_min_ratio, fit_intercept=False, standardize=standardize,
        tol=tol, max_iter=max_iter, feature_names=feature_names,
        strategy="cd" if unpenalised else "gram", warn=warn,
    )  # fmt: skip
    if not fit_intercept:
        return result
    intercepts = stats.y_mean - result.dense_coefs() @ stats.x_mean
    return replace(result, intercepts=intercepts, fit_intercept=True)


def tall_ridge(stats: BlockStatistics, alpha, *, penalty_factor=None, fit_intercept=True,
               standardize=False, tol=TOL):  # fmt: skip
    """Ridge in closed form from the data's statistics: the Cholesky solution of
    ``(S_xx/W + α diag(f σ²)) w = S_xy/W`` (σ = 1 without ``standardize``), certified by
    the duality gap of the equivalent rows (the original objective's).

    Returns
    -------
    SolverResult
        With the intercept ``ȳ − x̄ᵀw``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import solve
    >>> from shrinkage.penalties import L2
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(60, 4)), rng.normal(size=60)
    >>> fit = tall_ridge(BlockStatistics.of_arrays(X, y), alpha=0.5)
    >>> reference = solve(X, y, 0.5, L2())
    >>> bool(np.allclose(fit.coef, reference.coef))
    True
    >>> bool(np.isclose(fit.intercept, reference.intercept))
    True
    """
    X_rows, y_rows = equivalent_rows(stats, fit_intercept)
    result = solve(X_rows, y_rows, alpha, L2(penalty_factor), solver="closed_form",
                   fit_intercept=False, standardize=standardize, tol=tol)  # fmt: skip
    if not fit_intercept:
        return result
    return replace(result, intercept=float(stats.y_mean - result.coef @ stats.x_mean))


def held_out_error(fold: BlockStatistics, coefs, intercepts) -> np.ndarray:
    """The weighted mean squared error on a fold's rows of each row of ``coefs``, from
    the fold's statistics alone:
    ``Σ s (y − xᵀw − b)² = S_yy − 2wᵀS_xy + wᵀS_xx w + W (ȳ − x̄ᵀw − b)²``, over W.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y, w = rng.normal(size=(9, 2)), rng.normal(size=9), np.array([[0.5, -1.0]])
    >>> error = held_out_error(BlockStatistics.of_arrays(X, y), w, np.array([0.2]))
    >>> bool(np.isclose(error[0], np.mean((y - X @ w[0] - 0.2) ** 2)))
    True
    """
    coefs = np.asarray(coefs, dtype=np.float64)
    spread = np.einsum("kj,jl,kl->k", coefs, fold.xx, coefs) - 2.0 * (coefs @ fold.xy) + fold.yy
    offset = fold.y_mean - coefs @ fold.x_mean - np.asarray(intercepts, dtype=np.float64)
    return spread / fold.weight + offset**2


def tall_cv(
    folds: FoldStatistics, penalty=None, *, alphas=None, n_alphas=N_ALPHAS,
    alpha_min_ratio=None, fit_intercept=True, standardize=False, tol=TOL, max_iter=20_000,
    selection=SELECTION, feature_names=None, warn=True,
) -> CVResult:  # fmt: skip
    """K-fold cross-validation from the fold statistics of one pass.

    The grid is that of the path of all the data (:func:`tall_path`); each fold's path
    runs on the statistics of the other folds and is scored on its own
    (:func:`held_out_error`); the 1-SE rule is the in-memory one
    (:func:`~shrinkage.selection._common.one_standard_error_index`), and so is the edge
    rule: without a given grid, a least error at the small end of the grid (or at the
    large end while the model there is not empty) extends the grid by ``EDGE_DECADES``
    decades on that side, at most ``EDGE_EXTENSIONS`` times (no pass over the data).

    Parameters
    ----------
    folds : FoldStatistics
        From ``sufficient_statistics(data, n_folds=K)``, K ≥ 2.
    selection : {"min", "1se"}
    penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, standardize, tol, max_iter,
    feature_names, warn
        As in :func:`tall_path`.

    Returns
    -------
    CVResult

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> from shrinkage.distributed.statistics import sufficient_statistics
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 6)); y = X @ [2.0, 0, 0, -1.0, 0, 0] + rng.normal(size=300)
    >>> data = ArrayBlocks(X, y, n_partitions=3)
    >>> cv = tall_cv(sufficient_statistics(data, n_folds=5), n_alphas=30)
    >>> np.flatnonzero(cv.coef_).tolist(), data.passes, cv.fold_errors.shape
    ([0, 3], 1, (5, 30))
    """
    if folds.n_folds < 2:
        raise ValueError("cross-validation needs fold statistics of at least 2 folds.")
    empty = [k for k, fold in enumerate(folds.folds) if fold.weight <= 0]
    if empty:
        raise ValueError(f"fold(s) {empty} hold no rows of positive weight: use fewer folds.")
    options = dict(penalty=penalty, fit_intercept=fit_intercept, standardize=standardize,
                   tol=tol, max_iter=max_iter, feature_names=feature_names)  # fmt: skip
    total = folds.total()

    def full_path(grid):
        return tall_path(total, alphas=alphas if grid is None else grid, n_alphas=n_alphas,
                         alpha_min_ratio=alpha_min_ratio, warn=False, **options)  # fmt: skip

    return cross_validate(full_path, partial(_fold_curves, folds, options=options),
                          grid_given=alphas is not None, selection=selection, warn=warn,
                          name="tall_cv")  # fmt: skip


def _fold_curves(folds, grid, *, options):
    """``(errors, n_active, relative_gaps)``, each (n_folds, n_alphas): the path of the
    other folds' statistics on ``grid``, scored on each fold."""
    errors = np.empty((folds.n_folds, grid.size))
    n_active = np.empty_like(errors)
    gaps = np.empty_like(errors)
    for k, fold in enumerate(folds.folds):
        fitted = tall_path(folds.training(k), alphas=grid, warn=False, **options)
        errors[k] = held_out_error(fold, fitted.dense_coefs(), fitted.intercepts)
        n_active[k], gaps[k] = fitted.n_active, fitted.relative_gaps
    return errors, n_active, gaps
