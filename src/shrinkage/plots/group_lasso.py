"""Figures for :mod:`shrinkage.lab.group_lasso`: they draw its results."""

from __future__ import annotations

import numpy as np

from ._axes import finish


def plot_group_path(path, lasso_coefs=None, axes=None):
    """Group-lasso coefficients against α, coloured by group, and optionally the lasso's
    on the same grid beside them.

    ``path`` is a :class:`~shrinkage.lab.group_lasso.GroupLassoPath`; ``lasso_coefs`` an
    array of shape ``(n_alphas, n_features)`` on ``path.alphas``; ``axes`` one axes, or
    two when ``lasso_coefs`` is given (new ones when None).
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 1 if lasso_coefs is None else 2, figsize=(11.0, 4.2),
                               squeeze=False)  # fmt: skip
        axes = axes[0]
    axes = np.atleast_1d(axes)
    colors = [f"C{g % 10}" for g in range(int(path.groups.max()) + 1)]
    panels = [(path.coefs, "Group lasso (√p_g weights): groups enter whole")]
    if lasso_coefs is not None:
        panels.append((np.asarray(lasso_coefs), "Lasso on the same data: one feature at a time"))
    for (coefs, title), ax in zip(panels, axes, strict=False):
        first = {int(group): j for j, group in reversed(list(enumerate(path.groups)))}
        for j, group in enumerate(path.groups):
            label = f"group {group}" if first[int(group)] == j else None  # one entry per group
            ax.plot(path.alphas, coefs[:, j], color=colors[group], lw=1.2, label=label)
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.axhline(0, color="grey", lw=0.6)
        finish(ax, "α (log scale, decreasing →)", "coefficient", title, title_size=10)
    for alpha, group in zip(path.entry_alphas, range(len(colors)), strict=True):
        if alpha > 0:
            axes[0].axvline(alpha, color=colors[group], ls=":", lw=1)
    return axes
