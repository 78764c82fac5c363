"""Figures for :mod:`shrinkage.lab.geometry`."""

from __future__ import annotations

import numpy as np

from ._axes import get_ax


def _diamond(budget):
    return np.array([[budget, 0], [0, budget], [-budget, 0], [0, -budget], [budget, 0]])


_LOSS_WORDS = {
    "squared": ("squared-loss contours", "least squares (no penalty)"),
    "logistic": ("log-loss contours (quadratic approximation)", "unpenalised logistic fit"),
}


def plot_constraint_geometry(problem, budget, ax=None, *, limits=None, loss="squared"):
    """Loss contours, the L1 diamond and L2 circle of ``budget``, and both optima.

    The contour through each optimum is drawn thicker: it is the one that touches the
    constraint region. ``loss`` ("squared" or "logistic") names the contours and the
    unpenalised optimum in the legend: for the log-loss, ``problem`` is its quadratic
    approximation around the unpenalised logistic fit.
    """
    if loss not in _LOSS_WORDS:
        raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")
    contour_label, optimum_label = _LOSS_WORDS[loss]
    from ..lab.geometry import constrained_l1, constrained_l2

    ax = get_ax(ax)
    w_l1, w_l2 = constrained_l1(problem, budget), constrained_l2(problem, budget)
    if limits is None:
        reach = max(np.abs(problem.ols).max(), budget) * 1.3
        limits = (-reach, reach)
    W1, W2, values = problem.loss_grid(limits)
    levels = np.quantile(values, [0.01, 0.04, 0.1, 0.2, 0.35, 0.55])
    ax.contour(W1, W2, values, levels=np.unique(levels), colors="0.7", linewidths=0.8)
    touching = sorted({float(problem.loss(w_l1)), float(problem.loss(w_l2))})
    ax.contour(W1, W2, values, levels=touching, colors="0.35", linewidths=1.4, linestyles="--")
    ax.plot([], [], color="0.7", lw=0.8, label=contour_label)  # legend entry of the contours
    diamond = _diamond(budget)
    ax.fill(diamond[:, 0], diamond[:, 1], color="tab:red", alpha=0.15)
    ax.plot(diamond[:, 0], diamond[:, 1], color="tab:red", label=f"L1 ball |w₁|+|w₂| ≤ {budget:g}")
    angle = np.linspace(0, 2 * np.pi, 200)
    ax.plot(budget * np.cos(angle), budget * np.sin(angle), color="tab:blue",
            label=f"L2 ball w₁²+w₂² ≤ {budget:g}²")  # fmt: skip
    ax.plot(*problem.ols, "k*", ms=11, label=optimum_label)
    ax.plot(*w_l1, "o", color="tab:red", ms=8, mec="k",
            label=f"L1 optimum ({w_l1[0]:.2f}, {w_l1[1]:.2f})")  # fmt: skip
    ax.plot(*w_l2, "s", color="tab:blue", ms=8, mec="k",
            label=f"L2 optimum ({w_l2[0]:.2f}, {w_l2[1]:.2f})")  # fmt: skip
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.set_xlim(limits)
    ax.set_ylim(limits)
    ax.set_aspect("equal")
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title("Where the loss contours first touch each constraint")
    ax.legend(fontsize=7, loc="lower left")
    return ax


def plot_gradient_field(penalty="l1", ax=None, *, limits=(-2.0, 2.0), n_points=9):
    """The seed's arrows: the negative (sub)gradient of the penalty on a grid."""
    from ..lab.geometry import penalty_gradient_field

    ax = get_ax(ax)
    W1, W2, U, V = penalty_gradient_field(penalty, limits, n_points)
    color = "tab:red" if penalty == "l1" else "tab:blue"
    ax.quiver(W1, W2, U, V, color=color, angles="xy")
    level = 0.5 * (limits[1] - limits[0]) * 0.6
    if penalty == "l1":
        shape = _diamond(level)
        ax.plot(shape[:, 0], shape[:, 1], color=color, lw=1)
        title = "L1: −sign(w) points at 45°, reaching an axis first"
    else:
        angle = np.linspace(0, 2 * np.pi, 200)
        ax.plot(level * np.cos(angle), level * np.sin(angle), color=color, lw=1)
        title = "L2: −w points straight at the origin"
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.set_aspect("equal")
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title(title, fontsize=10)
    return ax


def plot_budget_path(problem, budgets, ax=None):
    """Constrained L1 and L2 optima as the budget shrinks from least squares to 0."""
    from ..lab.geometry import budget_path

    ax = get_ax(ax)
    l1, l2 = budget_path(problem, budgets)
    ax.plot(l1[:, 0], l1[:, 1], "-o", color="tab:red", ms=3, label="L1 optimum (diamond)")
    ax.plot(l2[:, 0], l2[:, 1], "-s", color="tab:blue", ms=3, label="L2 optimum (circle)")
    on_axis = np.any(l1 == 0.0, axis=1)
    ax.plot(l1[on_axis, 0], l1[on_axis, 1], "o", mfc="black", mec="tab:red", ms=6,
            label="L1 optimum with a coordinate exactly 0")  # fmt: skip
    ax.plot(*problem.ols, "k*", ms=11, label="least squares (largest budget)")
    ax.plot(0, 0, "k+", ms=12, label="origin (budget 0)")
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)
    ax.set_aspect("equal")
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")
    ax.set_title("As the budget shrinks: L1 lands on an axis, L2 curves to 0", fontsize=10)
    ax.legend(fontsize=7)
    return ax


def plot_axis_fraction(result, ax=None):
    """Share of random problems with an optimum on an axis, against the budget."""
    ax = get_ax(ax)
    ax.plot(result.budget_ratios, result.l1, "-o", color="tab:red", ms=4,
            label="L1 (diamond): a coordinate exactly 0")  # fmt: skip
    ax.plot(result.budget_ratios, result.l2, "-s", color="tab:blue", ms=4,
            label="L2 (circle): a coordinate exactly 0")  # fmt: skip
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("budget t / (norm of the least-squares solution)")
    ax.set_ylabel("fraction of problems with the optimum on an axis")
    ax.set_title(f"{result.n_problems} random 2-feature problems (seed {result.seed})")
    ax.legend(fontsize=8)
    return ax
