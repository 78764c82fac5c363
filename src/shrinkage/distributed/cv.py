"""K-fold cross-validation of distributed paths: the curve, the 1-SE rule and the grid's
edges, the same rules as the in-memory CV classes (:mod:`shrinkage.selection.cv_curve`).

The loop is written once (:func:`cross_validate`); what differs is how a fold's curve is
obtained: from fold statistics, without a pass (tall data,
:func:`~shrinkage.distributed.tall.tall_cv`), or by fitting each fold's training rows and
scoring its held-out rows in passes over the data (:func:`blocked_cv`: wide data, the
logistic loss).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp

from ..defaults import CV_FOLDS, EDGE_DECADES, EDGE_EXTENSIONS, RANDOM_STATE, SELECTION
from ..path import PathResult, warn_unconverged
from ..selection._common import extended_grid, grid_edge, one_standard_error_index
from .folds import FoldView

__all__ = ["CVResult", "blocked_cv", "cross_validate", "held_out_losses"]


@dataclass(frozen=True)
class CVResult:
    """K-fold cross-validation of a path on distributed data.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The grid of all the data, shared by every fold.
    fold_errors : ndarray of shape (n_folds, n_alphas)
        The held-out error of each fold: weighted mean squared error (squared loss) or
        deviance, twice the weighted mean log-loss (logistic loss).
    mean, std_error : ndarray of shape (n_alphas,)
        Mean over folds, and the sample std over folds / √K (glmnet's ``cvsd``).
    index_min, index_1se : int
    alpha_grid_extended : int
        How many times the grid was extended because the least error sat at its edge
        (as the in-memory CV classes, :mod:`shrinkage.defaults`).
    selection : str
        ``"min"`` or ``"1se"``.
    alpha_ : float
        The chosen α.
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    relative_gap_ : float
        The certificate of the fit at ``alpha_`` on all the data.
    path : PathResult
        The path of all the data (``coef_`` is its point at ``alpha_``).
    fold_relative_gaps : ndarray of shape (n_folds, n_alphas)
    fold_n_active : ndarray of shape (n_folds, n_alphas)
        The non-zero coefficients of each fold's path (their mean over folds decides
        whether the large-α end of the grid is an edge).
    """

    alphas: np.ndarray
    fold_errors: np.ndarray
    mean: np.ndarray
    std_error: np.ndarray
    index_min: int
    index_1se: int
    alpha_grid_extended: int
    selection: str
    alpha_: float
    coef_: np.ndarray
    intercept_: float
    relative_gap_: float
    path: PathResult
    fold_relative_gaps: np.ndarray
    fold_n_active: np.ndarray


def cross_validate(full_path, fold_curves, *, grid_given, selection=SELECTION, warn=True,
                   name="cv") -> CVResult:  # fmt: skip
    """The CV loop.

    Parameters
    ----------
    full_path : callable
        ``full_path(alphas)`` → the :class:`PathResult` of all the data on ``alphas``
        (None: the default grid).
    fold_curves : callable
        ``fold_curves(grid)`` → ``(errors, n_active, relative_gaps)``, each
        (n_folds, n_alphas).
    grid_given : bool
        The caller fixed the grid: it is never extended.
    selection : {"min", "1se"}
    warn : bool
        Warn once, naming the worst gap, when some fit misses its tolerance.
    name : str
        The caller's name in warnings.

    Without a given grid, a least error at the small end of the grid (or at the large end
    while the model there is not empty) extends the grid by ``EDGE_DECADES`` decades on
    that side, at most ``EDGE_EXTENSIONS`` times, as the in-memory CV classes do.
    """
    if selection not in ("min", "1se"):
        raise ValueError(f"selection must be 'min' or '1se', got {selection!r}.")
    full = full_path(None)
    grid, extended = full.alphas, 0
    while True:
        errors, n_active, gaps = fold_curves(grid)
        mean = errors.mean(axis=0)
        std_error = errors.std(axis=0, ddof=1) / np.sqrt(errors.shape[0])
        index_min, index_1se = one_standard_error_index(mean, std_error)
        edge = grid_edge(index_min, grid.size, n_active.mean(axis=0))
        if edge is None or grid_given:
            break
        if extended == EDGE_EXTENSIONS:
            warnings.warn(
                f"{name}: the least CV error is still at the {edge} end of the alpha grid "
                f"after extending it {EDGE_EXTENSIONS} times by {EDGE_DECADES} decades "
                f"(alpha={grid[index_min]:.4g}); the CV curve had not turned. Pass alphas= "
                "to look further.",
                UserWarning,
                stacklevel=3,
            )
            break
        grid, extended = extended_grid(grid, edge), extended + 1
    if extended:
        full = full_path(grid)
    if warn:
        warn_unconverged(name, grid, np.vstack([full.relative_gaps, gaps]), full.tol)
    chosen = index_min if selection == "min" else index_1se
    return CVResult(
        alphas=grid, fold_errors=errors, mean=mean, std_error=std_error,
        index_min=index_min, index_1se=index_1se, alpha_grid_extended=extended,
        selection=selection, alpha_=float(grid[chosen]),
        coef_=full.dense_coefs()[chosen].copy(), intercept_=float(full.intercepts[chosen]),
        relative_gap_=float(full.relative_gaps[chosen]), path=full, fold_relative_gaps=gaps,
        fold_n_active=n_active,
    )  # fmt: skip


def held_out_losses(loss, coefs, intercepts, block):
    """``(Σ s·loss per α, Σ s)`` on one block's rows for every row of ``coefs``: squared
    error, or the deviance ``2 log(1 + exp(−(2y − 1) z))`` of the logistic loss."""
    decision = np.asarray(block.X @ coefs.T)
    if sp.issparse(decision):
        decision = decision.toarray()
    decision = decision + intercepts
    if loss == "squared":
        pointwise = (block.y[:, None] - decision) ** 2
    else:
        pointwise = 2.0 * np.logaddexp(0.0, -(2.0 * block.y - 1.0)[:, None] * decision)
    weights = block.weights()
    return weights @ pointwise, float(weights.sum())


def blocked_cv(data, fit_path, *, loss="squared", n_folds=CV_FOLDS, seed=RANDOM_STATE,
               alphas=None, selection=SELECTION, warn=True, name="cv") -> CVResult:  # fmt: skip
    """K-fold CV by passes: each fold's path on its training rows
    (:class:`~shrinkage.distributed.folds.FoldView`), then one pass over its held-out
    rows scores every α at once.

    Parameters
    ----------
    data : PartitionedData
    fit_path : callable
        ``fit_path(data, alphas)`` → :class:`PathResult` (``alphas`` None: the default
        grid of ``data``); it must not warn (the CV warns once).
    loss : {"squared", "logistic"}
    n_folds, seed : int
        Rows go to folds by :func:`~shrinkage.distributed.statistics.fold_of_rows`.
    alphas, selection, warn, name
        As in :func:`cross_validate`.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import path
    >>> from shrinkage.distributed import ArrayBlocks
    >>> from shrinkage.distributed.tall import tall_path
    >>> from shrinkage.distributed.statistics import sufficient_statistics
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 6)); y = X @ [2.0, 0, 0, -1.0, 0, 0] + rng.normal(size=300)
    >>> fit = lambda part, grid: tall_path(sufficient_statistics(part).total(), alphas=grid,
    ...                                    n_alphas=30, warn=False)
    >>> cv = blocked_cv(ArrayBlocks(X, y, n_partitions=3), fit, n_folds=5)
    >>> np.flatnonzero(cv.coef_).tolist(), cv.fold_errors.shape
    ([0, 3], (5, 30))
    """
    if int(n_folds) < 2:
        raise ValueError(f"cross-validation needs at least 2 folds, got {n_folds!r}.")
    if loss not in ("squared", "logistic"):
        raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")

    def fold_curves(grid):
        errors = np.empty((n_folds, grid.size))
        n_active, gaps = np.empty_like(errors), np.empty_like(errors)
        for k in range(n_folds):
            training = FoldView(data, k, n_folds, seed)
            fitted = fit_path(training, grid)
            coefs = sp.csr_matrix(fitted.coefs)
            totals = FoldView(data, k, n_folds, seed, held_out=True).reduce(
                partial(held_out_losses, loss, coefs, np.asarray(fitted.intercepts)),
                label="held-out error",
            )
            if totals is None or totals[1] <= 0:
                raise ValueError(f"fold {k + 1} of {n_folds} holds no rows of positive "
                                 "weight: use fewer folds.")  # fmt: skip
            errors[k] = totals[0] / totals[1]
            n_active[k], gaps[k] = fitted.n_active, fitted.relative_gaps
        return errors, n_active, gaps

    return cross_validate(lambda grid: fit_path(data, grid if grid is not None else alphas),
                          fold_curves, grid_given=alphas is not None, selection=selection,
                          warn=warn, name=name)  # fmt: skip
