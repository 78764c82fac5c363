"""Figures for :mod:`shrinkage.lab.threshold`: they draw its results."""

from __future__ import annotations

import numpy as np

from ._axes import finish, get_ax
from .text import plain_text


def plot_threshold_law(law, ax=None):
    """θ̂ = S(2xy, λ)/(2x²) against λ, with the threshold λ = 2|xy| marked.

    ``law`` is a :class:`~shrinkage.lab.threshold.ThresholdLaw`.
    """
    ax = get_ax(ax)
    ax.plot(law.lams, law.minimisers, color="tab:red", label="θ̂ = S(2xy, λ) / (2x²)")
    ax.axvline(law.threshold, color="grey", ls=":",
               label=f"λ = 2|xy| = {law.threshold:g}: θ̂ = 0 beyond")  # fmt: skip
    ax.axhline(0.0, color="grey", lw=0.8)
    return finish(ax, "λ in (y − xθ)² + λ|θ|   (our α = λ/2)", "minimiser θ̂",
                  f"The threshold law for one feature (x = {law.x:g}, y = {law.y:g})")  # fmt: skip


def plot_orthonormal_maps(maps, ax=None):
    """Lasso (soft-thresholding) and ridge (division by 1 + α) as maps of the OLS value.

    ``maps`` is a :class:`~shrinkage.lab.threshold.OrthonormalMaps`.
    """
    ax = get_ax(ax)
    ols, alpha = maps.ols, maps.alpha
    ax.plot(ols, ols, color="grey", ls="--", lw=1, label="least squares (no penalty)")
    ax.plot(ols, maps.lasso, color="tab:red",
            label=f"lasso: S(w_OLS, α), exactly 0 for |w_OLS| ≤ {alpha:g}")  # fmt: skip
    ax.plot(ols, maps.ridge, color="tab:blue", label=f"ridge: w_OLS / (1 + α), α = {alpha:g}")
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    return finish(ax, "least-squares coefficient w_OLS", "penalised coefficient",
                  "Orthonormal design: soft-thresholding vs proportional shrinkage")  # fmt: skip


def plot_kkt(check, feature_names=None, ax=None):
    """Per-feature ``|x_jᵀr|/n`` at a solution against its threshold ``α f_j``.

    ``check`` is a :class:`~shrinkage.lab.threshold.KKTCheck`.
    """
    ax = get_ax(ax)
    p = check.correlation.size
    names = feature_names if feature_names is not None else [f"x{j}" for j in range(p)]
    positions = np.arange(p)
    colors = np.where(check.is_zero, "tab:grey", "tab:red")
    ax.bar(positions, check.correlation, color=colors)
    ax.step(np.r_[positions - 0.5, p - 0.5], np.r_[check.threshold, check.threshold[-1]],
            where="post", color="k", ls="--", label="threshold α·f_j")  # fmt: skip
    from matplotlib.patches import Patch

    handles = [
        ax.get_lines()[-1],
        Patch(color="tab:red", label="non-zero coefficient (on the threshold)"),
        Patch(color="tab:grey", label="exactly zero (below the threshold)"),
    ]
    labels = [plain_text(name) for name in names]
    ax.set_xticks(positions, labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0, 1.45 * max(float(check.threshold.max()), float(check.correlation.max())))
    ax.set_ylabel("|x_jᵀ r| / n at the solution")
    ax.set_title("Lasso KKT: zero unless the correlation reaches α·f_j")
    ax.legend(handles=handles, fontsize=8, loc="upper center")
    return ax
