"""The one place that imports matplotlib (lazily, on first plot), and the finishing
touches every figure shares."""

from __future__ import annotations


def get_ax(ax=None):
    """``ax`` itself, or the current axes of a new figure when None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6.0, 4.2))
    return ax


def finish(ax, xlabel, ylabel, title, *, title_size=None, legend_size=8, equal=False):
    """Label both axes, set the title, draw the legend (none when ``legend_size`` is
    None) and, with ``equal``, make one unit as long on both axes; return ``ax``."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, **({} if title_size is None else {"fontsize": title_size}))
    if equal:
        ax.set_aspect("equal")
    if legend_size is not None:
        ax.legend(fontsize=legend_size)
    return ax
