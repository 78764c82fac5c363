"""Where a ridge coefficient is exactly zero: isolated α values, reached by a sign change.

Ridge in the package's scaling minimises ``1/(2n)‖y − Xw − b‖² + α·½ Σ_j (s_j w_j)²``,
with ``s_j`` the column standard deviation when ``standardize=True`` (standardisation
folded into the penalty). With ``Z`` the centred columns divided by ``s`` and
``v = s·w`` the standardised coefficients,

    v(α) = (ZᵀZ/n + α I)⁻¹ Zᵀy/n = Σ_k q_k (q_kᵀZᵀy/n) / (λ_k + α),

where ``ZᵀZ/n = Σ_k λ_k q_k q_kᵀ`` (eigendecomposition; Hoerl & Kennard, 1970). Each
coefficient is therefore a rational function of α: it is zero only at the finitely many
roots of its numerator, and away from a double root it changes sign there. So ridge *can*
give an exact zero, but only at isolated α values, one coefficient at a time; a lasso zero
holds on a whole interval of α. On the prostate data (ESL §3.4, all 97 rows) ridge's
``lcp`` coefficient changes sign at α ≈ 0.1514 and ``age`` at α ≈ 1.3935
(asserted in ``tests/test_lab_ridge_crossings.py``). Nor does ridge shrink every
coefficient steadily: four of the eight prostate coefficients (``age``, ``lcp``,
``gleason``, ``pgg45``) grow in ``|w_j|`` over part of the path as α increases
(:func:`non_monotone_features`).

:func:`ridge_crossings` finds the sign changes on a fine log grid and refines each one
with Brent's method on the closed form.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "RidgeSpectrum",
    "ridge_spectrum",
    "RidgeCrossing",
    "ridge_crossings",
    "non_monotone_features",
    "RidgeMagnitudes",
    "ridge_magnitudes",
]


@dataclass(frozen=True)
class RidgeSpectrum:
    """Ridge's closed form on standardised data: ``v(α) = Q diag(1/(λ + α)) c``.

    Built by :func:`ridge_spectrum`; one decomposition gives the coefficients at every α.

    Attributes
    ----------
    eigenvalues : ndarray of shape (n_features,)
        λ_k of ``ZᵀZ/n``, in ascending order (``numpy.linalg.eigh``).
    eigenvectors : ndarray of shape (n_features, n_features)
        Columns ``q_k``, the orthonormal eigenvector of each ``λ_k``.
    projections : ndarray of shape (n_features,)
        ``c_k = q_kᵀZᵀy/n``.
    scale : ndarray of shape (n_features,)
        ``s_j``: coefficients on the original scale are ``v / s``.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    projections: np.ndarray
    scale: np.ndarray

    def coef(self, alpha):
        """Ridge coefficients on the original scale at each α; shape ``(len(α), p)``."""
        alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
        weights = self.projections / (self.eigenvalues + alpha[:, None])
        return (weights @ self.eigenvectors.T) / self.scale

    def standardized_coef(self, alpha, feature: int) -> float:
        """``v_j(α)``, the standardised coefficient of one feature (a scalar)."""
        weights = self.projections / (self.eigenvalues + float(alpha))
        return float(self.eigenvectors[feature] @ weights)


def ridge_spectrum(X, y, *, standardize: bool = True) -> RidgeSpectrum:
    """Eigendecomposition behind the ridge path of ``(X, y)`` (intercept fitted).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1.0, 0.1, 1.1, 2.0])
    >>> ridge_spectrum(X, y).coef(0.0).round(4)  # α = 0: least squares
    array([[0.95  , 0.0667]])
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    centred = X - X.mean(axis=0)
    scale = centred.std(axis=0) if standardize else np.ones(X.shape[1])
    if np.any(scale == 0):
        raise ValueError("X has a constant column: its ridge coefficient is 0 for every α.")
    Z = centred / scale
    n = X.shape[0]
    eigenvalues, eigenvectors = np.linalg.eigh(Z.T @ Z / n)
    projections = eigenvectors.T @ (Z.T @ (y - y.mean()) / n)
    return RidgeSpectrum(eigenvalues, eigenvectors, projections, scale)


@dataclass(frozen=True)
class RidgeCrossing:
    """One exact zero of one ridge coefficient.

    Attributes
    ----------
    feature : int
        Column index.
    name : str
        Its name.
    alpha : float
        The α at which the coefficient is zero (Brent's method to machine precision).
    sign_before, sign_after : int
        Sign of the coefficient just above and just below ``alpha`` (large α first).
    """

    feature: int
    name: str
    alpha: float
    sign_before: int
    sign_after: int


def ridge_crossings(
    X, y, *, feature_names=None, alpha_min=1e-4, alpha_max=1e4, n_grid=4001, standardize=True
) -> list[RidgeCrossing]:
    """Every α in ``[alpha_min, alpha_max]`` where a ridge coefficient changes sign.

    Sign changes are located on a log grid of ``n_grid`` points, then each is refined by
    :func:`scipy.optimize.brentq` on the closed form (:class:`RidgeSpectrum`). A root of
    even multiplicity (a touch without a sign change) is not found; between two grid
    points two roots cancel, so make the grid fine enough for the data.

    Parameters
    ----------
    X, y : array-like
        Dense data; an intercept is fitted.
    feature_names : sequence of str, optional
    alpha_min, alpha_max : float
        The α range searched.
    n_grid : int
        Grid points (log-spaced).
    standardize : bool
        Penalise standardised coefficients, as ``shrinkage.solve(..., standardize=True)``.

    Returns
    -------
    list of RidgeCrossing, by decreasing α.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, _ = load_prostate()
    >>> [(c.name, round(c.alpha, 4), c.sign_before, c.sign_after)
    ...  for c in ridge_crossings(X, y, feature_names=names)]
    [('age', 1.3935, 1, -1), ('lcp', 0.1514, 1, -1)]
    """
    from scipy.optimize import brentq

    spectrum = ridge_spectrum(X, y, standardize=standardize)
    p = spectrum.scale.size
    names = [f"x{j}" for j in range(p)] if feature_names is None else list(feature_names)
    if len(names) != p:
        raise ValueError(f"{len(names)} feature_names for {p} features.")
    if not 0 < alpha_min < alpha_max:
        raise ValueError(f"need 0 < alpha_min < alpha_max, got {alpha_min!r}, {alpha_max!r}.")
    grid = np.geomspace(alpha_max, alpha_min, int(n_grid))
    signs = np.sign(spectrum.coef(grid))
    crossings = []
    for k, j in zip(*np.nonzero(signs[1:] != signs[:-1]), strict=True):
        high, low = grid[k], grid[k + 1]
        if signs[k, j] == 0:  # exactly zero on a grid point: no bracket needed
            alpha = float(high)
        else:
            alpha = brentq(
                spectrum.standardized_coef, low, high, args=(int(j),),
                xtol=1e-300, rtol=4 * np.finfo(float).eps, maxiter=200,
            )  # fmt: skip
        crossings.append(
            RidgeCrossing(int(j), names[j], float(alpha), int(signs[k, j]), int(signs[k + 1, j]))
        )
    # grid points where the sign is 0 produce two entries (into and out of 0): keep one
    unique = {(c.feature, c.alpha): c for c in crossings}
    return sorted(unique.values(), key=lambda c: -c.alpha)


def non_monotone_features(
    X, y, *, feature_names=None, alpha_min=1e-4, alpha_max=1e4, n_grid=4001, standardize=True
) -> list[str]:
    """Features whose ``|w_j(α)|`` is not non-increasing in α on a log grid.

    Ridge shrinks the *norm* ``‖v(α)‖`` monotonically, not each coefficient: a feature
    correlated with stronger ones can grow, or cross zero, as α increases.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, _ = load_prostate()
    >>> non_monotone_features(X, y, feature_names=names)
    ['age', 'lcp', 'gleason', 'pgg45']
    """
    spectrum = ridge_spectrum(X, y, standardize=standardize)
    p = spectrum.scale.size
    names = [f"x{j}" for j in range(p)] if feature_names is None else list(feature_names)
    magnitudes = np.abs(spectrum.coef(np.geomspace(alpha_min, alpha_max, int(n_grid))))
    # increasing α along axis 0: a rise beyond rounding means |w_j| grew with α
    rises = np.diff(magnitudes, axis=0) > 1e-12 * magnitudes.max(axis=0)
    return [names[j] for j in np.flatnonzero(rises.any(axis=0))]


@dataclass(frozen=True)
class RidgeMagnitudes:
    """``|w_j(α)|`` along a fine log grid that contains every crossing α.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing; the crossing α's are inserted into the grid.
    coefs : ndarray of shape (n_alphas, n_features)
        Ridge coefficients (original scale) at each α.
    crossings : list of RidgeCrossing
    feature_names : tuple of str
    """

    alphas: np.ndarray
    coefs: np.ndarray
    crossings: list
    feature_names: tuple


def ridge_magnitudes(X, y, *, feature_names=None, alpha_min=1e-3, alpha_max=1e3, n_grid=2001):
    """The ridge path on a fine log grid, with its exact zeros (the lab's figure data).

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, names, _ = load_prostate()
    >>> result = ridge_magnitudes(X, y, feature_names=names, n_grid=101)
    >>> k = int(np.flatnonzero(result.alphas == result.crossings[-1].alpha)[0])
    >>> bool(abs(result.coefs[k, 5]) < 1e-15), bool(result.coefs[k - 1, 5] > 0)
    (True, True)
    """
    p = np.asarray(X).shape[1]
    names = tuple(f"x{j}" for j in range(p)) if feature_names is None else tuple(feature_names)
    crossings = ridge_crossings(
        X, y, feature_names=names, alpha_min=alpha_min, alpha_max=alpha_max
    )
    grid = np.geomspace(alpha_max, alpha_min, int(n_grid))
    alphas = np.sort(np.concatenate([grid, [c.alpha for c in crossings]]))[::-1]
    return RidgeMagnitudes(alphas, ridge_spectrum(X, y).coef(alphas), crossings, names)


def figures(out: Path, dpi: int) -> list[tuple[Path, str]]:
    """Draw ``ridge_crossings.png`` (prostate, all rows) into ``out``; return
    ``[(path, finding)]``."""
    from matplotlib.figure import Figure  # Agg canvas, no pyplot state touched

    from ..datasets import load_prostate
    from ..plots.paths import plot_ridge_crossings

    X, y, names, _ = load_prostate()
    result = ridge_magnitudes(X, y, feature_names=names)
    fig = Figure(figsize=(6.0, 4.2), layout="tight")
    plot_ridge_crossings(result, fig.subplots())
    path = Path(out) / "ridge_crossings.png"
    fig.savefig(path, dpi=dpi)
    zeros = ", ".join(f"{c.name} at α = {c.alpha:.6g}" for c in result.crossings)
    return [
        (path, f"Ridge coefficients are exactly 0 only at isolated α, through a sign change: "
               f"{zeros}; a lasso zero holds on a whole interval of α."),
    ]  # fmt: skip
