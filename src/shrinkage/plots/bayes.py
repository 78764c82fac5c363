"""Figures for :mod:`shrinkage.lab.bayes`: they draw its results."""

from __future__ import annotations

from ._axes import finish, get_ax


def plot_bayes_maps(maps, ax=None):
    """Laplace posterior mode (the lasso) and mean, and the Gaussian posterior (ridge),
    as maps of the observation y.

    ``maps`` is a :class:`~shrinkage.lab.bayes.BayesMaps`.
    """
    ax = get_ax(ax)
    width = maps.mode_zero_width
    ax.plot(maps.y, maps.y, color="grey", ls="--", lw=1, label="y itself (flat prior)")
    ax.axvspan(-width, width, color="tab:red", alpha=0.08)
    ax.plot(maps.y, maps.laplace_mode, color="tab:red",
            label=f"Laplace mode = lasso: 0 for |y| ≤ σ²λ = {width:g}")  # fmt: skip
    ax.plot(maps.y, maps.laplace_mean, color="tab:purple",
            label="Laplace mean (Bayesian lasso): 0 only at y = 0")  # fmt: skip
    ax.plot(maps.y, maps.gaussian_mean, color="tab:blue",
            label=f"Gaussian mode = mean = ridge (τ = {maps.prior_sd:.3g})")  # fmt: skip
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    return finish(ax, "observation y  (y ~ N(θ, σ²))", "estimate of θ",
                  f"Same prior, mode vs mean (σ = {maps.sigma:g}, λ = {maps.rate:g})")  # fmt: skip
