"""Figures for :mod:`shrinkage.lab.geometry`: they draw its results."""

from __future__ import annotations

import numpy as np

from ._axes import finish, get_ax


def _diamond(budget):
    return np.array([[budget, 0], [0, budget], [-budget, 0], [0, -budget], [budget, 0]])


def _circle(radius):
    angle = np.linspace(0, 2 * np.pi, 200)
    return radius * np.cos(angle), radius * np.sin(angle)


def _axes_lines(ax):
    ax.axhline(0, color="grey", lw=0.6)
    ax.axvline(0, color="grey", lw=0.6)


_LOSS_WORDS = {
    "squared": ("squared-loss contours", "least squares (no penalty)"),
    "logistic": ("log-loss contours (quadratic approximation)", "unpenalised logistic fit"),
}


def plot_constraint_geometry(geometry, ax=None, *, loss="squared"):
    """Loss contours, the L1 diamond and L2 circle of the budget, and both optima.

    ``geometry`` is a :class:`~shrinkage.lab.geometry.ConstraintGeometry`. The contour
    through each optimum is drawn thicker: it is the one that touches the constraint
    region. ``loss`` ("squared" or "logistic") names the contours and the unpenalised
    optimum in the legend: for the log-loss, the geometry's problem is its quadratic
    approximation around the unpenalised logistic fit.
    """
    if loss not in _LOSS_WORDS:
        raise ValueError(f"loss must be 'squared' or 'logistic', got {loss!r}.")
    contour_label, optimum_label = _LOSS_WORDS[loss]
    ax = get_ax(ax)
    budget, w_l1, w_l2, W1, W2 = (geometry.budget, geometry.l1, geometry.l2, geometry.W1,
                                  geometry.W2)  # fmt: skip
    levels = np.quantile(geometry.loss, [0.01, 0.04, 0.1, 0.2, 0.35, 0.55])
    ax.contour(W1, W2, geometry.loss, levels=np.unique(levels), colors="0.7", linewidths=0.8)
    ax.contour(W1, W2, geometry.loss, levels=list(geometry.touching), colors="0.35",
               linewidths=1.4, linestyles="--")  # fmt: skip
    # legend entries of the contour sets (contour lines carry no label of their own)
    ax.plot([], [], color="0.7", lw=0.8, label=contour_label)
    ax.plot([], [], color="0.35", lw=1.4, ls="--", label="contour through each optimum")
    diamond = _diamond(budget)
    ax.fill(diamond[:, 0], diamond[:, 1], color="tab:red", alpha=0.15)
    ax.plot(diamond[:, 0], diamond[:, 1], color="tab:red", label=f"L1 ball |w₁|+|w₂| ≤ {budget:g}")
    ax.plot(*_circle(budget), color="tab:blue", label=f"L2 ball w₁²+w₂² ≤ {budget:g}²")
    ax.plot(*geometry.ols, "k*", ms=11, label=optimum_label)
    ax.plot(*w_l1, "o", color="tab:red", ms=8, mec="k",
            label=f"L1 optimum ({w_l1[0]:.2f}, {w_l1[1]:.2f})")  # fmt: skip
    ax.plot(*w_l2, "s", color="tab:blue", ms=8, mec="k",
            label=f"L2 optimum ({w_l2[0]:.2f}, {w_l2[1]:.2f})")  # fmt: skip
    _axes_lines(ax)
    ax.set_xlim(geometry.limits)
    ax.set_ylim(geometry.limits)
    finish(ax, "w₁", "w₂", "Where the loss contours first touch each constraint",
           legend_size=None, equal=True)  # fmt: skip
    ax.legend(fontsize=7, loc="lower left")
    return ax


def plot_gradient_field(penalty, field, ax=None):
    """The penalty's arrows: its negative (sub)gradient on a grid.

    ``field`` is ``(W1, W2, U, V)`` from
    :func:`~shrinkage.lab.geometry.penalty_gradient_field` of ``penalty`` ("l1" or "l2").
    """
    ax = get_ax(ax)
    W1, W2, U, V = field
    color = "tab:red" if penalty == "l1" else "tab:blue"
    ax.quiver(W1, W2, U, V, color=color, angles="xy")
    level = 0.5 * (W1.max() - W1.min()) * 0.6
    if penalty == "l1":
        shape = _diamond(level)
        ax.plot(shape[:, 0], shape[:, 1], color=color, lw=1)
        title = "L1: −sign(w) points at 45°, reaching an axis first"
    else:
        ax.plot(*_circle(level), color=color, lw=1)
        title = "L2: −w points straight at the origin"
    _axes_lines(ax)
    return finish(ax, "w₁", "w₂", title, title_size=10, legend_size=None, equal=True)


def plot_budget_path(optima, ols, ax=None):
    """Constrained L1 and L2 optima as the budget shrinks from least squares to 0.

    ``optima`` is the ``(l1, l2)`` pair of :func:`~shrinkage.lab.geometry.budget_path`;
    ``ols`` the least-squares solution (the largest budget).
    """
    ax = get_ax(ax)
    l1, l2 = optima
    ax.plot(l1[:, 0], l1[:, 1], "-o", color="tab:red", ms=3, label="L1 optimum (diamond)")
    ax.plot(l2[:, 0], l2[:, 1], "-s", color="tab:blue", ms=3, label="L2 optimum (circle)")
    on_axis = np.any(l1 == 0.0, axis=1)
    ax.plot(l1[on_axis, 0], l1[on_axis, 1], "o", mfc="black", mec="tab:red", ms=6,
            label="L1 optimum with a coordinate exactly 0")  # fmt: skip
    ax.plot(*ols, "k*", ms=11, label="least squares (largest budget)")
    ax.plot(0, 0, "k+", ms=12, label="origin (budget 0)")
    _axes_lines(ax)
    return finish(ax, "w₁", "w₂", "As the budget shrinks: L1 lands on an axis, L2 curves to 0",
                  title_size=10, legend_size=7, equal=True)  # fmt: skip


def plot_axis_fraction(result, ax=None):
    """Share of random problems with an optimum on an axis, against the budget.

    ``result`` is an :class:`~shrinkage.lab.geometry.AxisFraction`. Each shape's budget
    is measured in its own norm: the diamond's ``‖w‖₁ ≤ t`` against ``‖ŵ‖₁``, the
    circle's ``‖w‖₂ ≤ t`` against ``‖ŵ‖₂`` (ŵ the least-squares solution), so both
    constraints become active at the ratio 1; the x label and the legend say which.
    """
    ax = get_ax(ax)
    ax.plot(result.budget_ratios, result.l1, "-o", color="tab:red", ms=4,
            label="L1 (diamond, ‖w‖₁ ≤ t): a coordinate exactly 0")  # fmt: skip
    ax.plot(result.budget_ratios, result.l2, "-s", color="tab:blue", ms=4,
            label="L2 (circle, ‖w‖₂ ≤ t): a coordinate exactly 0")  # fmt: skip
    ax.set_ylim(-0.03, 1.03)
    title = f"{result.n_problems} random 2-feature problems (seed {result.seed}); ŵ: least squares"
    xlabel = "budget ratio: ‖w‖₁ budget t / ‖ŵ‖₁ (diamond), ‖w‖₂ budget t / ‖ŵ‖₂ (circle)"
    return finish(ax, xlabel, "fraction of problems with the optimum on an axis", title)
