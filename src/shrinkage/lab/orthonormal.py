r"""Orthonormal designs: best subset, ridge, lasso and elastic net as maps of ŵ^OLS, and
gradient descent on the L2 penalty alone.

The four maps (ESL Table 3.4)
-----------------------------
If the columns are centred with ``XᵀX = n·I``, expanding the loss gives

    1/(2n)‖y − Xw‖² = ½‖w − ŵ^OLS‖² + const,      ŵ^OLS = Xᵀy/n,

so every estimator acts on each ``ŵ^OLS_j`` alone (Hastie, Tibshirani & Friedman, *The
Elements of Statistical Learning*, Table 3.4), in this package's scaling:

* best subset of size M: keep the M largest ``|ŵ^OLS_j|`` unchanged, the rest 0 — a hard
  threshold at the M-th largest ``|ŵ^OLS|``;
* ridge ``α·½‖w‖²``: ``ŵ^OLS/(1 + α)``;
* lasso ``α‖w‖₁``: ``sign(ŵ^OLS)(|ŵ^OLS| − α)₊``;
* elastic net ``α(ρ‖w‖₁ + ½(1 − ρ)‖w‖²)``: ``S(ŵ^OLS, αρ)/(1 + α(1 − ρ))`` (Zou & Hastie
  2005 call this the naive elastic net).

Converting ESL's λ
------------------
ESL's table assumes ``ZᵀZ = I`` and the objectives ``‖y − Zβ‖² + λ‖β‖²`` (ridge,
eq. 3.41) and ``½‖y − Zβ‖² + λ‖β‖₁`` (lasso, eq. 3.52). With ``X = √n·Z`` and
``β = √n·w``, dividing by ``n`` puts them in our scaling:

* ridge: ``1/(2n)‖y − Xw‖² + (λ/2)‖w‖²``, so **α = λ** and ``β̂ = √n·ŵ``;
* lasso: ``1/(2n)‖y − Xw‖² + (λ/√n)‖w‖₁``, so **α = λ/√n**.

Gradient descent on ½λw² alone
------------------------------
The step ``w ← w − η·λ·w = (1 − ηλ)·w`` multiplies by ``1 − ηλ``: it converges to 0 when
``|1 − ηλ| < 1``, i.e. ``0 < ηλ < 2`` (monotonically below 1, oscillating between 1 and 2);
at ``ηλ = 2`` it flips sign with constant amplitude forever; beyond 2 it oscillates with
growing amplitude ``|1 − ηλ|^k``. This is the curvature bound ``η < 2/L`` for a quadratic
with curvature ``L = λ`` (Nesterov, *Introductory Lectures on Convex Optimization*, §1.2).

See Also
--------
shrinkage.lab.threshold : :class:`~shrinkage.lab.threshold.OrthonormalMaps` (lasso, ridge).
shrinkage.lab.dynamics : one weight under L1 / L2 steps from a fixed start.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .threshold import lasso_orthonormal, orthonormal_maps, ridge_orthonormal

__all__ = [
    "best_subset_orthonormal",
    "elastic_net_orthonormal",
    "esl_lambda_to_alpha",
    "FourMaps",
    "four_maps",
    "L2Descent",
    "l2_descent",
    "figures",
]


def best_subset_orthonormal(ols, subset_size: int):
    """Best subset of size M for an orthonormal design: the M largest ``|ŵ^OLS|`` kept.

    Ties at the M-th largest value are broken by position (the earlier feature wins).

    Examples
    --------
    >>> best_subset_orthonormal(np.array([0.5, -2.0, 1.0, 0.1]), 2)
    array([ 0., -2.,  1.,  0.])
    """
    ols = np.asarray(ols, dtype=float)
    if not 0 <= subset_size <= ols.size:
        raise ValueError(f"subset_size must be in [0, {ols.size}], got {subset_size!r}.")
    kept = np.argsort(-np.abs(ols), kind="stable")[:subset_size]
    coef = np.zeros_like(ols)
    coef[kept] = ols[kept]
    return coef


def elastic_net_orthonormal(ols, alpha, l1_ratio):
    """Elastic net for an orthonormal design: ``S(ŵ^OLS, αρ)/(1 + α(1 − ρ))``.

    Examples
    --------
    >>> np.round(elastic_net_orthonormal(np.array([-2.0, 0.3, 1.0]), 1.0, 0.5), 4)
    array([-1.    ,  0.    ,  0.3333])
    """
    if not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    return lasso_orthonormal(ols, alpha * l1_ratio) / (1.0 + alpha * (1.0 - l1_ratio))


def esl_lambda_to_alpha(lam, n_samples: int, penalty: str) -> float:
    """Our α for ESL's λ of Table 3.4: ``λ`` for ridge, ``λ/√n`` for the lasso.

    Examples
    --------
    >>> esl_lambda_to_alpha(2.0, 4, "lasso"), esl_lambda_to_alpha(2.0, 4, "ridge")
    (1.0, 2.0)
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples!r}.")
    if penalty == "ridge":
        return float(lam)
    if penalty == "lasso":
        return float(lam / np.sqrt(n_samples))
    raise ValueError(f"penalty must be 'lasso' or 'ridge', got {penalty!r}.")


@dataclass(frozen=True)
class FourMaps:
    """Best subset, ridge, lasso and elastic net as maps of ``ŵ^OLS`` (ESL Table 3.4).

    Attributes
    ----------
    alpha, l1_ratio : float
        Strength of ridge, lasso and elastic net; the elastic net's mix ρ.
    subset_threshold : float
        Best subset keeps ``|ŵ^OLS|`` above this value (the M-th largest in a design).
    ols : ndarray of shape (n_points,)
    best_subset, ridge, lasso, elastic_net : ndarray of shape (n_points,)
    """

    alpha: float
    l1_ratio: float
    subset_threshold: float
    ols: np.ndarray
    best_subset: np.ndarray
    ridge: np.ndarray
    lasso: np.ndarray
    elastic_net: np.ndarray


def four_maps(alpha=1.0, l1_ratio=0.5, subset_threshold=1.0, *, limit=3.0, n_points=401):
    """The four maps on ``n_points`` OLS values from ``−limit`` to ``limit``.

    The lasso and ridge curves are :func:`~shrinkage.lab.threshold.orthonormal_maps`.

    Examples
    --------
    >>> maps = four_maps(1.0, 0.5, 1.0, n_points=5)
    >>> maps.ols
    array([-3. , -1.5,  0. ,  1.5,  3. ])
    >>> maps.best_subset, maps.lasso
    (array([-3. , -1.5,  0. ,  1.5,  3. ]), array([-2. , -0.5,  0. ,  0.5,  2. ]))
    >>> np.round(maps.elastic_net, 4)
    array([-1.6667, -0.6667,  0.    ,  0.6667,  1.6667])
    """
    base = orthonormal_maps(alpha, limit=limit, n_points=n_points)
    hard = np.where(np.abs(base.ols) > subset_threshold, base.ols, 0.0)
    return FourMaps(
        float(alpha), float(l1_ratio), float(subset_threshold), base.ols, hard, base.ridge,
        base.lasso, elastic_net_orthonormal(base.ols, alpha, l1_ratio),
    )  # fmt: skip


@dataclass(frozen=True)
class L2Descent:
    """Gradient descent ``w ← (1 − ηλ)·w`` on ``½λw²`` for several products ηλ.

    Attributes
    ----------
    step_products : ndarray of shape (n_runs,)
        The values of ηλ.
    weights : ndarray of shape (n_runs, n_steps + 1)
        ``weights[i, k]`` is ``w`` after ``k`` steps with ``step_products[i]``.
    factors : ndarray of shape (n_runs,)
        ``|1 − ηλ|``: the amplitude is multiplied by this at every step.
    """

    step_products: np.ndarray
    weights: np.ndarray
    factors: np.ndarray

    @property
    def converges(self) -> np.ndarray:
        """``|1 − ηλ| < 1``, i.e. ``0 < ηλ < 2``."""
        return self.factors < 1.0


def l2_descent(step_products=(0.5, 1.5, 2.0, 2.1), *, start=1.0, n_steps=30) -> L2Descent:
    """Run ``n_steps`` of ``w ← w − ηλ·w`` from ``start`` for each ηλ.

    Examples
    --------
    >>> run = l2_descent((1.5, 2.0, 3.0), n_steps=3)
    >>> run.weights
    array([[ 1.   , -0.5  ,  0.25 , -0.125],
           [ 1.   , -1.   ,  1.   , -1.   ],
           [ 1.   , -2.   ,  4.   , -8.   ]])
    >>> run.converges
    array([ True, False, False])
    """
    products = np.asarray(step_products, dtype=float)
    weights = np.empty((products.size, n_steps + 1))
    weights[:, 0] = start
    for k in range(n_steps):
        weights[:, k + 1] = weights[:, k] - products * weights[:, k]
    return L2Descent(products, weights, np.abs(1.0 - products))


def figures(out: Path, dpi: int) -> list[tuple[Path, str]]:
    """Draw the four maps and the L2 descent into ``out``; return (path, finding) pairs."""
    from ..plots.orthonormal import plot_four_maps, plot_l2_descent
    from .figures import new_figure, save

    maps = four_maps()
    fig, (ax,) = new_figure()
    plot_four_maps(maps, ax)
    maps_path = save(fig, out, "orthonormal_four_maps", dpi)

    run = l2_descent()
    fig, (ax,) = new_figure()
    plot_l2_descent(run, ax)
    descent_path = save(fig, out, "l2_descent_stability", dpi)
    last = np.abs(run.weights[:, -1])
    return [
        (maps_path, "Orthonormal design at α = 1: lasso and best subset are 0 for "
                    f"|w_OLS| <= 1, ridge maps 3 to {float(ridge_orthonormal(3.0, 1.0)):g}, "
                    f"elastic net (ρ = 0.5) maps 3 to {maps.elastic_net[-1]:.4g}"),
        (descent_path, f"Gradient descent on ½λw²: after {run.weights.shape[1] - 1} steps |w| = "
                       + ", ".join(f"{v:.3g} (ηλ = {p:g})"
                                   for p, v in zip(run.step_products, last, strict=True))),
    ]  # fmt: skip
