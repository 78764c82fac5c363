"""Figures for :mod:`shrinkage.lab.selection_failure`: they draw its results."""

from __future__ import annotations

from ._axes import finish, get_ax

_COLORS = ("tab:blue", "tab:orange", "tab:red")


def plot_selection_failure(result, ax_lasso=None, ax_adaptive=None):
    """The lasso and adaptive-lasso paths of Zhao & Yu's design, side by side.

    ``result`` is a :class:`~shrinkage.lab.selection_failure.SelectionFailure`; the α
    where the support is the true one are shaded. Returns the two axes.
    """
    ax_lasso, ax_adaptive = get_ax(ax_lasso), get_ax(ax_adaptive)
    panels = (
        (ax_lasso, result.alphas, result.lasso_coefs, result.lasso_recovers,
         f"Lasso (η = {result.eta:.2f} > 1): x3 never leaves"),
        (ax_adaptive, result.adaptive_alphas, result.adaptive_coefs, result.adaptive_recovers,
         "Adaptive lasso (factors 1/|w_OLS|): support {x1, x2}"),
    )  # fmt: skip
    for ax, alphas, coefs, recovers, title in panels:
        for j, color in enumerate(_COLORS):
            ax.plot(alphas, coefs[:, j], color=color,
                    label=f"x{j + 1} (true {result.beta[j]:g})")  # fmt: skip
        ax.fill_between(alphas, 0, 1, where=recovers, color="tab:green", alpha=0.15,
                        transform=ax.get_xaxis_transform(), label="true support")  # fmt: skip
        ax.set_xlim(alphas.max(), alphas.min())
        ax.set_xscale("log")
        ax.axhline(0, color="grey", lw=0.6)
        finish(ax, "α (log scale, decreasing)", "coefficient", title, title_size=10)
    return ax_lasso, ax_adaptive


def plot_cv_selection(result, ax=None):
    """Mean CV error ± one standard error with the minimum and 1-SE α marked.

    ``result`` is a :class:`~shrinkage.lab.selection_failure.CVSelection`.
    """
    ax = get_ax(ax)
    ax.errorbar(result.cv_alphas, result.cv_mean, yerr=result.cv_std_error, fmt="o", ms=2,
                color="tab:grey", ecolor="lightgrey", label="mean CV error ± 1 SE")  # fmt: skip
    ax.axvline(result.alpha_min, color="tab:red", ls="--",
               label=f"minimum: {result.n_selected_min} selected, "
               f"{result.false_min} false")  # fmt: skip
    ax.axvline(result.alpha_1se, color="tab:blue", ls="--",
               label=f"1-SE: {result.n_selected_1se} selected, "
               f"{result.false_1se} false")  # fmt: skip
    ax.set_xscale("log")
    return finish(ax, "α (log scale)", "mean squared CV error",
                  f"LassoCV, {result.n_true} true features: the minimum over-selects",
                  title_size=10)  # fmt: skip
