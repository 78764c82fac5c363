"""The one place that imports matplotlib (lazily, on first plot)."""

from __future__ import annotations


def get_ax(ax=None):
    """``ax`` itself, or the current axes of a new figure when None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(6.0, 4.2))
    return ax
