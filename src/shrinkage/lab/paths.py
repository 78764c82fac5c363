"""L1, L2 and elastic-net regularization paths side by side, with their exact zeros.

The lasso path (``l1_ratio = 1``) starts at ``α_max`` with every coefficient exactly 0 and
lets features in one at a time as α decreases, and a lasso zero holds on a whole interval
of α; the ridge path (``l1_ratio = 0``) is smooth, and a ridge coefficient is exactly 0
only at isolated α values where it changes sign (on the prostate data ``lcp`` at
α ≈ 0.1514 and ``age`` at α ≈ 1.3935: :mod:`shrinkage.lab.ridge_crossings`), so a grid
practically never lands on one; the elastic net sits in between: exact zeros like the
lasso, smoother and more grouped entry like ridge.

Each penalty gets its own α grid, by the package's one rule
(:func:`shrinkage.path.grid.alpha_grid`): from its ``α_max`` (the elastic net's is the
lasso's divided by ρ; ridge, which has none, starts from that of
:data:`~shrinkage.path.grid.RIDGE_GRID_L1_RATIO`, glmnet's device) down to the same small
α for all three, so every panel runs from "almost everything shrunk" to "almost least
squares".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..path.grid import alpha_grid, grid_l1_ratio
from ..penalties import ElasticNetPenalty, Penalty
from ..solvers import solve

__all__ = ["PenaltyPath", "compare_paths", "penalty_alphas", "compute_path"]


@dataclass(frozen=True)
class PenaltyPath:
    """One penalty's regularization path, one panel of :func:`compare_paths`.

    The lasso's and the elastic net's rows are all zeros at the grid's first α and fill
    in as α decreases; ridge's ``n_zeros`` is 0 at every grid point in practice, since its
    coefficients vanish only at isolated α values
    (:func:`shrinkage.lab.ridge_crossings.ridge_crossings`).

    Attributes
    ----------
    name : str
        The panel's title: "lasso", "ridge" or "elastic net (ρ = …)".
    l1_ratio : float in [0, 1]
        ρ of the penalty: 1 for the lasso, 0 for ridge.
    alphas : ndarray of shape (n_alphas,)
        The penalty's α grid (:func:`penalty_alphas`), in descending order.
    coefs : ndarray of shape (n_alphas, n_features)
        Row k: the coefficients at ``alphas[k]``, on the original scale of X.
    n_zeros : ndarray of int, shape (n_alphas,)
        Number of coefficients that are exactly 0.0 at each α.
    feature_names : tuple of str
        One name per column of X (``x0``, ``x1``, … when none were given).
    norm_fraction : ndarray of shape (n_alphas,)
        ``Σ_j |σ_j w_j(α)| / Σ_j |σ_j ŵ_j|``, ŵ the least-squares fit and σ_j the column
        scales (1 without standardisation): how far along the path each point is, on
        one axis for every penalty (their α grids start at different α_max).
    """

    name: str
    l1_ratio: float
    alphas: np.ndarray
    coefs: np.ndarray
    n_zeros: np.ndarray
    feature_names: tuple[str, ...]
    norm_fraction: np.ndarray


def penalty_alphas(X, y, l1_ratio, *, n_alphas=50, alpha_min_ratio=1e-3, standardize=True):
    """The α grid of one penalty's panel: :func:`shrinkage.path.grid.alpha_grid` from the
    α_max of ``ElasticNetPenalty(grid_l1_ratio(l1_ratio))`` on these data, down to
    ``alpha_min_ratio`` times the *lasso's* α_max.

    α_max of ρ is the lasso's divided by ρ, so the grid's own ratio is
    ``alpha_min_ratio · grid_l1_ratio(ρ)`` and every grid, ridge's included, ends at the
    same small α.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1.0, 0.1, 1.1, 2.0])
    >>> grid = penalty_alphas(X, y, 0.5, n_alphas=3, alpha_min_ratio=0.01, standardize=False)
    >>> grid.round(4)
    array([0.95  , 0.0672, 0.0048])
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    start = grid_l1_ratio(l1_ratio)

    def alpha_max():
        Xc = X - X.mean(axis=0)
        correlation = Xc.T @ (y - y.mean()) / X.shape[0]
        scale = Xc.std(axis=0) if standardize else None
        return ElasticNetPenalty(start).alpha_max(correlation, scale)

    return alpha_grid(alpha_max, n_alphas, alpha_min_ratio * start, l1_ratio=l1_ratio)


def compute_path(X, y, penalty: Penalty, alphas, *, standardize=True, tol=1e-10):
    """Coefficients along ``alphas`` (descending): ``shrinkage.path`` when the package has
    it, else warm-started :func:`shrinkage.solve` calls."""
    import shrinkage

    path_function = getattr(shrinkage, "path", None)
    if callable(path_function):
        result = path_function(X, y, penalty, alphas=alphas, standardize=standardize, tol=tol)
        return np.asarray(result.coefs)
    coefs, coef = [], None
    for alpha in alphas:
        coef = solve(X, y, alpha, penalty, standardize=standardize, tol=tol, coef_init=coef).coef
        coefs.append(coef)
    return np.array(coefs)


def compare_paths(
    X, y, *, l1_ratio=0.5, n_alphas=50, alpha_min_ratio=1e-3, standardize=True,
    feature_names=None, tol=1e-10,
) -> tuple[PenaltyPath, PenaltyPath, PenaltyPath]:  # fmt: skip
    """Lasso, ridge and elastic-net paths on the same data.

    Parameters
    ----------
    X, y : array-like
        Dense data.
    l1_ratio : float in (0, 1)
        ρ of the elastic net.
    n_alphas, alpha_min_ratio : int, float
        Grid size and ``α_min/α_max``.
    standardize : bool
        Penalise standardised coefficients (coefficients stay on the original scale).
    feature_names : sequence of str, optional

    Returns
    -------
    (lasso, ridge, elastic_net) : tuple of PenaltyPath

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, _ = load_prostate()
    >>> lasso, ridge, enet = compare_paths(X, y, n_alphas=10, feature_names=names)
    >>> int(lasso.n_zeros[0]), int(ridge.n_zeros.max()), int(enet.n_zeros[0])
    (8, 0, 8)
    """
    if not 0.0 < l1_ratio < 1.0:
        raise ValueError(f"l1_ratio must be strictly between 0 and 1, got {l1_ratio!r}.")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(X.shape[1])]
    if len(feature_names) != X.shape[1]:
        raise ValueError(f"{len(feature_names)} feature_names for {X.shape[1]} features.")
    scale = X.std(axis=0) if standardize else np.ones(X.shape[1])
    design = np.column_stack([np.ones(X.shape[0]), X])
    ols = np.linalg.lstsq(design, y, rcond=None)[0][1:]  # the unpenalised fit's slopes
    results = []
    for name, rho in (
        ("lasso", 1.0),
        ("ridge", 0.0),
        (f"elastic net (ρ = {l1_ratio:g})", l1_ratio),
    ):
        alphas = penalty_alphas(
            X, y, rho, n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, standardize=standardize
        )
        coefs = compute_path(
            X, y, ElasticNetPenalty(rho), alphas, standardize=standardize, tol=tol
        )
        fraction = np.abs(coefs * scale).sum(axis=1) / np.abs(ols * scale).sum()
        results.append(
            PenaltyPath(
                name,
                rho,
                alphas,
                coefs,
                np.sum(coefs == 0, axis=1),
                tuple(feature_names),
                fraction,
            )  # fmt: skip
        )
    return tuple(results)
