"""Figures for :mod:`shrinkage.lab.bias_variance`: they draw its results."""

from __future__ import annotations

from ._axes import finish, get_ax

_COLORS = {"lasso": "tab:red", "ridge": "tab:blue"}


def plot_bias_variance(result, ax=None):
    """MSE (solid), squared bias (dashed) and variance (dotted) against α, lasso and
    ridge, with each minimum marked.

    ``result`` is a :class:`~shrinkage.lab.bias_variance.BiasVariance`.
    """
    ax = get_ax(ax)
    for method, color in _COLORS.items():
        best, at = result.best(method)
        ax.plot(result.alphas, result.mse[method], color=color, lw=2,
                label=f"{method} MSE (least {best:.2f})")  # fmt: skip
        ax.plot(result.alphas, result.squared_bias[method], color=color, ls="--", lw=1,
                label=f"{method} bias²")  # fmt: skip
        ax.plot(result.alphas, result.variance[method], color=color, ls=":", lw=1,
                label=f"{method} variance")  # fmt: skip
        ax.plot([at], [best], "o", color=color)
    ax.set_xscale("log")
    finish(ax, "α (log scale)", "E‖ŵ − β‖² and its parts",
           f"{result.truth.capitalize()} truth ({result.n_replicates} replicates): "
           f"{result.winner} wins", title_size=10, legend_size=None)  # fmt: skip
    ax.legend(fontsize=7, loc="center left")  # the small-α end is empty mid-height
    return ax
