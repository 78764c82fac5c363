"""Figures for :mod:`shrinkage.lab.paths`."""

from __future__ import annotations

import numpy as np

from ._axes import get_ax
from .text import plain_text


def plot_penalty_path(path, ax=None):
    """Coefficients against α (log scale, large α on the left) for one penalty."""
    ax = get_ax(ax)
    for j, name in enumerate(path.feature_names):
        ax.plot(path.alphas, path.coefs[:, j], label=plain_text(name))
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.axhline(0, color="grey", lw=0.6)
    ax.set_xlabel("α (log scale, decreasing →)")
    ax.set_ylabel("coefficient (original units)")
    ax.set_title(
        f"{path.name}: {int(path.n_zeros[0])} exact zeros at the largest α, "
        f"{int(path.n_zeros[-1])} at the smallest",
        fontsize=9,
    )
    ax.legend(fontsize=6, ncol=2)
    return ax


def plot_zero_counts(paths, ax=None):
    """Number of exactly-zero coefficients against α/α_max for several penalties."""
    ax = get_ax(ax)
    for path in paths:
        ax.step(path.alphas / path.alphas[0], path.n_zeros, where="post", label=path.name)
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("α / (largest α of the grid), decreasing →")
    ax.set_ylabel("number of coefficients exactly 0")
    ax.set_yticks(np.arange(0, len(paths[0].feature_names) + 1))
    ax.set_title("Exact zeros along the path: ridge never has any")
    ax.legend(fontsize=8)
    return ax
