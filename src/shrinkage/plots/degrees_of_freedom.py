"""Figures for :mod:`shrinkage.lab.degrees_of_freedom`: they draw its results."""

from __future__ import annotations

from ._axes import finish, get_ax


def plot_degrees_of_freedom(result, ax=None):
    """The formula's df against α (line) and the Monte-Carlo covariance df (points with
    ± 2 standard errors).

    ``result`` is a :class:`~shrinkage.lab.degrees_of_freedom.DegreesOfFreedom`.
    """
    ax = get_ax(ax)
    lasso = result.method == "lasso"
    color = "tab:red" if lasso else "tab:blue"
    formula = "1 + E[number of non-zeros]" if lasso else "1 + Σ d_j² / (d_j² + nα)"
    ax.plot(result.alphas, result.formula_df, color=color, lw=2, label=formula)
    ax.errorbar(result.alphas, result.covariance_df, yerr=2 * result.covariance_se, fmt="o",
                ms=4, color="k", capsize=3,
                label=f"Σ Cov(ŷ_i, y_i)/σ², {result.n_draws} draws (± 2 SE)")  # fmt: skip
    ax.set_xscale("log")
    title = "Lasso (Zou, Hastie & Tibshirani 2007)" if lasso else "Ridge, 1/(2n) scaling"
    return finish(ax, "α (log scale)", "degrees of freedom", title, title_size=10)
