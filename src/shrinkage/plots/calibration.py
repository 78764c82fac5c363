"""Figures for :mod:`shrinkage.lab.calibration`: they draw its results."""

from __future__ import annotations

import numpy as np

from ._axes import finish, get_ax

__all__ = ["plot_calibration", "plot_slope_intervals"]


def plot_calibration(curves, ax=None, *, title="Held-out calibration slope"):
    """Calibration slope against α for ridge and lasso, with OLS and the ideal slope 1.

    ``curves`` is a :class:`~shrinkage.lab.calibration.CalibrationCurves`.
    """
    ax = get_ax(ax)
    ax.plot(curves.ridge_alphas, curves.ridge_slopes, "-s", ms=3, color="tab:blue",
            label="ridge")  # fmt: skip
    ax.plot(curves.lasso_alphas, curves.lasso_slopes, "-o", ms=3, color="tab:red",
            label="lasso")  # fmt: skip
    ax.axhline(curves.ols_slope, color="k", ls="--", lw=1,
               label=f"least squares: {curves.ols_slope:.2f}")  # fmt: skip
    ax.axhline(1.0, color="tab:green", lw=1, label="perfect calibration: 1")
    ax.set_xscale("log")
    ax.set_ylim(0.75, 1.6)
    return finish(ax, "α (log scale)", "slope of y_test on predictions", title, title_size=10)


def plot_slope_intervals(estimates, ax=None, *, labels=None, title=None):
    """Calibration-slope estimates with their 95 % intervals, one row each, and the line 1.

    ``estimates`` is a sequence of :class:`~shrinkage.lab.calibration_intervals.SlopeEstimate`;
    ``labels`` (default: each one's ``method`` and number of draws) name the rows, top down.

    Examples
    --------
    Drawn on axes of a figure of one's own (no pyplot), the rows named by ``method``
    and their number of draws:

    >>> from matplotlib.figure import Figure
    >>> from shrinkage.datasets import load_prostate
    >>> from shrinkage.lab.calibration_intervals import slope_estimates
    >>> X, y, _, train = load_prostate()
    >>> estimates = slope_estimates(X, y, train, n_splits=50, n_bootstraps=50)
    >>> ax = plot_slope_intervals(estimates, Figure().subplots())
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['single split', 'random splits (50)', 'optimism bootstrap (50)', 'heuristic']
    """
    ax = get_ax(ax)
    if labels is None:
        labels = [e.method if e.n_draws <= 1 else f"{e.method} ({e.n_draws})" for e in estimates]
    rows = -np.arange(len(estimates))
    for row, estimate in zip(rows, estimates, strict=True):
        ax.plot([estimate.low, estimate.high], [row, row], color="tab:blue", lw=2)
        ax.plot(estimate.estimate, row, "o", color="k", ms=5)
        ax.annotate(f"{estimate.estimate:.3f}", (estimate.estimate, row), xytext=(0, 6),
                    textcoords="offset points", ha="center", fontsize=8)  # fmt: skip
    ax.axvline(1.0, color="tab:green", lw=1, label="perfect calibration: 1")
    ax.set_yticks(rows, labels)
    ax.set_ylim(rows[-1] - 0.6, 0.6)
    return finish(ax, "calibration slope of least squares on new data", "",
                  title or "Calibration slope: estimate and 95 % interval",
                  title_size=10)  # fmt: skip
