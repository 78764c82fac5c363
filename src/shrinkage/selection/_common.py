"""Pieces shared by the model-selection tools: the α grid, held-out errors, the 1-SE rule.

The α grid is computed once from the *full* data (glmnet's rule): α_max, the smallest α
at which every penalised coefficient is exactly zero, down to ``alpha_min_ratio · α_max``
on a log scale. Every fold, subsample and criterion then works on the same α values, so
curves can be averaged point by point.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp, xlogy

from ..defaults import EDGE_DECADES
from ..path import alpha_grid, path
from ..penalties import Penalty

__all__ = [
    "deviance",
    "extended_grid",
    "grid_edge",
    "one_standard_error_index",
    "multinomial_deviance",
    "poisson_deviance",
    "shared_alpha_grid",
    "weighted_mean",
]


def shared_alpha_grid(
    X, y, penalty: Penalty, *, loss="squared", alphas=None, n_alphas=100,
    alpha_min_ratio=None, fit_intercept=True, sample_weight=None, standardize=False,
    **path_options,
) -> np.ndarray:  # fmt: skip
    """The decreasing α grid of the full data, shared by all folds / subsamples.

    The rule of :func:`shrinkage.path.alpha_grid`, with α_max from a one-point
    :func:`shrinkage.path` (the grid's first point *is* α_max, and solving there costs
    one epoch from w = 0); with ``alphas`` given they are only checked.
    ``path_options`` (``groups``, ``group_weights``) go to that path.
    """
    return alpha_grid(
        lambda: float(path(
            X, y, penalty, loss=loss, n_alphas=1, fit_intercept=fit_intercept,
            sample_weight=sample_weight, standardize=standardize, **path_options,
        ).alphas[0]),
        n_alphas, alpha_min_ratio, alphas=alphas, shape=X.shape, l1_ratio=penalty.l1_ratio,
    )  # fmt: skip


def weighted_mean(values, sample_weight=None, axis=0):
    """Mean of ``values`` along ``axis`` with optional sample weights."""
    if sample_weight is None:
        return np.mean(values, axis=axis)
    return np.average(values, axis=axis, weights=sample_weight)


def deviance(y01, decision, sample_weight=None):
    """Binomial deviance ``2 × mean log-loss`` of each column of ``decision``.

    ``log(1 + exp(−(2y − 1) z))`` via ``logaddexp`` so huge margins do not overflow.
    """
    margin = (2.0 * y01 - 1.0)[:, None] * decision
    return 2.0 * weighted_mean(np.logaddexp(0.0, -margin), sample_weight)


def poisson_deviance(y, log_mean, sample_weight=None):
    """Mean Poisson deviance ``2[y log(y/μ) − y + μ]`` of each column of ``log_mean``
    (log μ), glmnet's ``type.measure="deviance"`` for counts.

    Examples
    --------
    >>> y = np.array([1.0, 3.0])
    >>> poisson_deviance(y, np.log(np.array([[1.0, 2.0], [3.0, 2.0]]))).round(4)  # μ = y, 2
    array([0.    , 0.5232])
    """
    y = y[:, None]
    with np.errstate(over="ignore"):
        terms = xlogy(y, y) - y * log_mean - y + np.exp(log_mean)
    return 2.0 * weighted_mean(terms, sample_weight)


def multinomial_deviance(codes, scores, sample_weight=None):
    """Multinomial deviance ``2 × mean cross-entropy`` of the linear predictors
    ``scores`` (n, K) for the class codes 0 … K−1 (glmnet's ``type.measure="deviance"``).

    Examples
    --------
    >>> round(multinomial_deviance(np.array([0, 1]), np.zeros((2, 3))), 4)  # 2 log 3
    2.1972
    """
    terms = logsumexp(scores, axis=1) - scores[np.arange(codes.shape[0]), codes]
    return 2.0 * float(weighted_mean(terms, sample_weight))


def one_standard_error_index(mean, std_error):
    """Index of the largest α (grid decreasing) within one SE of the minimum.

    glmnet's ``lambda.1se``: ``max{α : cvm(α) ≤ cvm(α_min) + cvsd(α_min)}``. Returns
    ``(index_min, index_1se)``; ties at the minimum go to the larger α, as glmnet.
    """
    mean = np.asarray(mean, dtype=float)
    finite = np.isfinite(mean)
    if not np.any(finite):
        raise ValueError("every cross-validation error is NaN or infinite.")
    index_min = int(np.flatnonzero(mean == np.min(mean[finite]))[0])
    threshold = mean[index_min] + std_error[index_min]
    index_1se = int(np.flatnonzero(finite & (mean <= threshold))[0])
    return index_min, index_1se


def grid_edge(index_min, n_alphas, mean_active):
    """Which end of the grid the CV minimum sits at, if one that more grid could move:
    the small-α end, or the large-α end while the model there is not empty (ridge; at
    a lasso's α_max every coefficient is zero, and larger α change nothing)."""
    if index_min == n_alphas - 1 and n_alphas > 1:
        return "low"
    if index_min == 0 and mean_active[0] > 0:
        return "high"
    return None


def extended_grid(grid, edge):
    """``grid`` with ``EDGE_DECADES`` more decades on the ``edge`` side, log-spaced at
    the grid's own density."""
    decades = np.log10(grid[0] / grid[-1]) if grid.size > 1 else 1.0
    per_decade = (grid.size - 1) / decades if decades > 0 else 10.0
    extra = max(1, int(round(per_decade * EDGE_DECADES)))
    if edge == "low":
        more = np.geomspace(grid[-1], grid[-1] * 10.0**-EDGE_DECADES, extra + 1)[1:]
        return np.concatenate([grid, more])
    more = np.geomspace(grid[0] * 10.0**EDGE_DECADES, grid[0], extra + 1)[:-1]
    return np.concatenate([more, grid])
