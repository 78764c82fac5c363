"""The exact lasso path drawn: coefficients between knots are straight lines."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_homotopy"]


def plot_homotopy(result, ax=None, *, label_top: int = 5):
    """Coefficients of a :class:`~shrinkage.path.homotopy_result.HomotopyResult` against α
    (linear: the path is exactly piecewise linear), knots marked, largest α on the left;
    the first ``label_top`` entrants are labelled. Returns the axes."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7, 4.5))
    for j in range(result.coefs.shape[1]):
        if np.any(result.coefs[:, j] != 0):
            ax.plot(result.alphas, result.coefs[:, j], lw=1.2, marker=".", ms=3)
    entry = result.entry_alpha
    for j in np.argsort(-entry)[:label_top]:
        if entry[j] > 0:
            ax.annotate(
                result.feature_name(j), (result.alphas[-1], result.coefs[-1, j]), fontsize=8,
                xytext=(3, 0), textcoords="offset points",
            )  # fmt: skip
    ax.invert_xaxis()
    ax.axhline(0.0, color="0.5", lw=0.6)
    ax.set_xlabel("α (decreasing →)")
    ax.set_ylabel("coefficient")
    ax.set_title(f"Exact lasso path: {result.n_knots} knots")
    return ax
