"""Figures for :mod:`shrinkage.lab.threshold`."""

from __future__ import annotations

import numpy as np

from ._axes import get_ax
from .text import plain_text


def plot_threshold_law(x=1.0, y=1.5, ax=None, *, lams=None):
    """θ̂ = S(2xy, λ)/(2x²) against λ, with the threshold λ = 2|xy| marked."""
    from ..lab.threshold import threshold_minimiser, zero_threshold

    ax = get_ax(ax)
    threshold = float(zero_threshold(x, y))
    lams = np.linspace(0, 1.6 * threshold, 321) if lams is None else lams
    ax.plot(lams, threshold_minimiser(x, y, lams), color="tab:red",
            label="θ̂ = S(2xy, λ) / (2x²)")  # fmt: skip
    ax.axvline(threshold, color="grey", ls=":", label=f"λ = 2|xy| = {threshold:g}: θ̂ = 0 beyond")
    ax.axhline(0.0, color="grey", lw=0.8)
    ax.set_xlabel("λ in (y − xθ)² + λ|θ|   (our α = λ/2)")
    ax.set_ylabel("minimiser θ̂")
    ax.set_title(f"The threshold law for one feature (x = {x:g}, y = {y:g})")
    ax.legend(fontsize=8)
    return ax


def plot_orthonormal_maps(alpha=1.0, ax=None, *, limit=3.0):
    """Lasso (soft-thresholding) and ridge (division by 1 + α) as maps of the OLS value."""
    from ..lab.threshold import lasso_orthonormal, ridge_orthonormal

    ax = get_ax(ax)
    ols = np.linspace(-limit, limit, 401)
    ax.plot(ols, ols, color="grey", ls="--", lw=1, label="least squares (no penalty)")
    ax.plot(ols, lasso_orthonormal(ols, alpha), color="tab:red",
            label=f"lasso: S(w_OLS, α), exactly 0 for |w_OLS| ≤ {alpha:g}")  # fmt: skip
    ax.plot(ols, ridge_orthonormal(ols, alpha), color="tab:blue",
            label=f"ridge: w_OLS / (1 + α), α = {alpha:g}")  # fmt: skip
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.set_xlabel("least-squares coefficient w_OLS")
    ax.set_ylabel("penalised coefficient")
    ax.set_title("Orthonormal design: soft-thresholding vs proportional shrinkage")
    ax.legend(fontsize=8)
    return ax


def plot_kkt(check, feature_names=None, ax=None):
    """Per-feature ``|x_jᵀr|/n`` at a solution against its threshold ``α f_j``."""
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
