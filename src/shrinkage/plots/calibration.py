"""Figures for :mod:`shrinkage.lab.calibration`: they draw its results."""

from __future__ import annotations

from ._axes import finish, get_ax


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
