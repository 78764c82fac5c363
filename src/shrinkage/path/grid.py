"""The α grid: one rule for every surface (``path``, the CV and information-criterion
classes, stability selection, the CLI, the report and the lab).

From ``alpha_max`` (the smallest α at which every penalised coefficient is exactly zero)
down to ``alpha_min_ratio · alpha_max`` on a log scale. ``alpha_min_ratio`` defaults to
1e-3 when n ≥ p and 1e-2 when n < p (the lasso saturates at n non-zeros, and tiny α are
then ill-posed and slow). For pure ridge (ρ = 0) α_max is infinite; the grid then starts
at the α_max of ρ = 1e-3 (glmnet's rule) and, by default, spans three more decades so
that it ends where the lasso grid ends.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_grid_parameters

__all__ = ["RIDGE_GRID_L1_RATIO", "alpha_grid", "default_alpha_min_ratio", "grid_l1_ratio"]

RIDGE_GRID_L1_RATIO = 1e-3  # a ridge grid starts at the α_max of this ρ (glmnet)


def grid_l1_ratio(l1_ratio):
    """The ρ whose α_max starts the grid: ρ itself, or :data:`RIDGE_GRID_L1_RATIO` for
    ridge (whose own α_max is infinite)."""
    return l1_ratio if l1_ratio > 0 else RIDGE_GRID_L1_RATIO


def default_alpha_min_ratio(n_samples, n_features, l1_ratio):
    """The grid's default ``alpha_min_ratio``.

    1e-3 when n ≥ p, 1e-2 when n < p; a ridge grid (ρ = 0) starts at the α_max of
    ρ = 1e-3, 1000× higher, so it spans three more decades to end at the same place.

    Examples
    --------
    >>> default_alpha_min_ratio(100, 10, 1.0), default_alpha_min_ratio(10, 100, 0.0)
    (0.001, 1e-05)
    """
    ratio = 1e-3 if n_samples >= n_features else 1e-2
    return ratio * RIDGE_GRID_L1_RATIO if l1_ratio == 0 else ratio


def alpha_grid(alpha_max, n_alphas=100, alpha_min_ratio=1e-3, *, alphas=None, shape=None,
               l1_ratio=1.0):  # fmt: skip
    """The α grid, decreasing: the whole rule in one place.

    Parameters
    ----------
    alpha_max : float or callable
        α_max of the grid's ρ (:func:`grid_l1_ratio`), or a function of no argument
        returning it (called only when the grid is not given).
    n_alphas : int
    alpha_min_ratio : float or None
        None: :func:`default_alpha_min_ratio` of ``shape`` and ``l1_ratio``.
    alphas : array-like, optional
        A grid given by the caller: checked (finite, > 0) and returned sorted decreasing.
    shape : (n_samples, n_features), optional
        Needed for the default ratio.
    l1_ratio : float

    Examples
    --------
    >>> alpha_grid(1.0, 3, 1e-2)
    array([1.  , 0.1 , 0.01])
    >>> alpha_grid(2.0, 2, None, shape=(10, 100), l1_ratio=1.0)
    array([2.  , 0.02])
    """
    alphas, n_alphas, alpha_min_ratio = check_grid_parameters(alphas, n_alphas, alpha_min_ratio)
    if alphas is not None:
        return alphas
    if alpha_min_ratio is None:
        if shape is None:
            raise ValueError("alpha_grid needs shape= for the default alpha_min_ratio.")
        alpha_min_ratio = default_alpha_min_ratio(*shape, l1_ratio)
    top = alpha_max() if callable(alpha_max) else alpha_max
    if not np.isfinite(top) or top <= 0:
        # y is constant (or fully explained by unpenalised features): nothing to select
        top = 1.0
    return np.geomspace(top, top * alpha_min_ratio, n_alphas)
