"""L1, L2 and elastic-net regularization paths side by side, with their exact zeros.

The lasso path (``l1_ratio = 1``) starts at ``α_max`` with every coefficient exactly 0 and
lets features in one at a time as α decreases; the ridge path (``l1_ratio = 0``) shrinks
every coefficient smoothly towards 0 and never sets one to exactly 0; the elastic net sits
in between: exact zeros like the lasso, smoother and more grouped entry like ridge.

Each penalty gets its own α grid: from its ``α_max`` down by a factor ``alpha_min_ratio``
for the lasso (``α_max`` of the elastic net is the lasso's divided by ρ), and, since ridge
has no ``α_max``, starting from that of ``l1_ratio = 0.01`` for ridge (glmnet's device);
every grid ends at the same small α, so all three panels run from "almost everything
shrunk" to "almost least squares".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..penalties import ElasticNetPenalty, Penalty
from ..solvers import solve

__all__ = ["PenaltyPath", "compare_paths", "alpha_grid", "compute_path"]


@dataclass(frozen=True)
class PenaltyPath:
    """One penalty's path.

    Attributes
    ----------
    name : str
        "lasso", "ridge" or "elastic net (ρ = …)".
    l1_ratio : float
    alphas : ndarray of shape (n_alphas,)
        Descending.
    coefs : ndarray of shape (n_alphas, n_features)
    n_zeros : ndarray of int, shape (n_alphas,)
        Number of coefficients that are exactly 0.0 at each α.
    feature_names : tuple of str
    """

    name: str
    l1_ratio: float
    alphas: np.ndarray
    coefs: np.ndarray
    n_zeros: np.ndarray
    feature_names: tuple[str, ...]


def alpha_grid(X, y, l1_ratio, *, n_alphas=50, alpha_min_ratio=1e-3, standardize=True):
    """Descending log-spaced α grid for ``ElasticNetPenalty(l1_ratio)``.

    From ``α_max`` of ``ElasticNetPenalty(max(l1_ratio, 0.01))`` down to ``alpha_min_ratio`` times
    the *lasso's* ``α_max``, so every grid, ridge's included, ends at the same small α.

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1.0, 0.1, 1.1, 2.0])
    >>> grid = alpha_grid(X, y, 0.5, n_alphas=3, alpha_min_ratio=0.01, standardize=False)
    >>> grid.round(4)
    array([0.95  , 0.0672, 0.0048])
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    Xc = X - X.mean(axis=0)
    correlation = Xc.T @ (y - y.mean()) / X.shape[0]
    scale = Xc.std(axis=0) if standardize else None
    alpha_max = ElasticNetPenalty(max(l1_ratio, 0.01)).alpha_max(correlation, scale)
    smallest = ElasticNetPenalty(1.0).alpha_max(correlation, scale) * alpha_min_ratio
    return np.geomspace(alpha_max, smallest, n_alphas)


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
    results = []
    for name, rho in (
        ("lasso", 1.0),
        ("ridge", 0.0),
        (f"elastic net (ρ = {l1_ratio:g})", l1_ratio),
    ):
        alphas = alpha_grid(
            X, y, rho, n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio, standardize=standardize
        )
        coefs = compute_path(
            X, y, ElasticNetPenalty(rho), alphas, standardize=standardize, tol=tol
        )
        results.append(
            PenaltyPath(name, rho, alphas, coefs, np.sum(coefs == 0, axis=1), tuple(feature_names))
        )
    return tuple(results)
