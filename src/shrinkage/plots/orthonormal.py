"""Figures for :mod:`shrinkage.lab.orthonormal`: they draw its results."""

from __future__ import annotations

import numpy as np

from ._axes import finish, get_ax


def plot_four_maps(maps, ax=None):
    """Best subset, ridge, lasso and elastic net as maps of ŵ^OLS (ESL Table 3.4).

    ``maps`` is a :class:`~shrinkage.lab.orthonormal.FourMaps`.
    """
    ax = get_ax(ax)
    ols = maps.ols
    ax.plot(ols, ols, color="grey", ls="--", lw=1, label="least squares")
    ax.plot(ols, maps.best_subset, color="k", lw=1.5,
            label=f"best subset: hard threshold at {maps.subset_threshold:g}")  # fmt: skip
    ax.plot(ols, maps.ridge, color="tab:blue", label=f"ridge: w_OLS / (1 + α), α = {maps.alpha:g}")
    ax.plot(ols, maps.lasso, color="tab:red", label="lasso: S(w_OLS, α)")
    ax.plot(ols, maps.elastic_net, color="tab:green",
            label=f"elastic net ρ = {maps.l1_ratio:g}: S(w_OLS, αρ) / (1 + α(1 − ρ))")  # fmt: skip
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    return finish(ax, "least-squares coefficient w_OLS", "estimate",
                  "Orthonormal design: four estimators, one coefficient at a time")  # fmt: skip


def plot_l2_descent(run, ax=None):
    """Iterates of ``w ← (1 − ηλ)w`` for each ηλ: converging below 2, diverging above.

    ``run`` is a :class:`~shrinkage.lab.orthonormal.L2Descent`.
    """
    ax = get_ax(ax)
    steps = np.arange(run.weights.shape[1])
    for product, weights, factor in zip(run.step_products, run.weights, run.factors,
                                        strict=True):  # fmt: skip
        ax.plot(steps, weights, marker="o", ms=2.5, lw=1,
                label=f"ηλ = {product:g}: |1 − ηλ| = {factor:g}")  # fmt: skip
    ax.axhline(0, color="grey", lw=0.6)
    if np.any(run.factors <= 1.0):  # let a diverging run leave the frame
        bound = 3.6 * np.max(np.abs(run.weights[run.factors <= 1.0]))
        ax.set_ylim(-bound, bound)
    return finish(ax, "step k", "w after k steps",
                  "Gradient descent on ½λw²: stable iff ηλ < 2")  # fmt: skip
