"""Figures for :mod:`shrinkage.lab.dynamics`."""

from __future__ import annotations

import numpy as np

from ._axes import get_ax


def plot_trajectories(trajectories, ax=None, *, title=None):
    """Weight against step for each :class:`~shrinkage.lab.dynamics.Trajectory`.

    Iterates that are exactly 0.0 are marked with a filled black dot.
    """
    ax = get_ax(ax)
    for trajectory in trajectories:
        steps = np.arange(trajectory.weights.size)
        (line,) = ax.plot(steps, trajectory.weights, marker="o", ms=3, label=trajectory.label)
        zeros = trajectory.weights == 0.0
        ax.plot(steps[zeros], trajectory.weights[zeros], "o", color=line.get_color(), ms=7,
                mfc="black", mec=line.get_color(), zorder=3)  # fmt: skip
    ax.axhline(0.0, color="grey", lw=0.8)
    ax.plot([], [], "o", ms=7, mfc="black", mec="grey", label="exactly 0")
    ax.set_xlabel("gradient-descent step k")
    ax.set_ylabel("weight w after k steps")
    ax.set_title(title or "One weight under its penalty's gradient steps")
    ax.legend(fontsize=8)
    return ax


def plot_one_dimensional_solutions(target=2.0, strengths=None, ax=None):
    """Minimiser of ``½(w − c)² + λ·penalty(w)`` against λ for L1 and L2."""
    from ..lab.dynamics import one_dimensional_solution

    ax = get_ax(ax)
    strengths = np.linspace(0, 3 * abs(target), 301) if strengths is None else strengths
    ax.plot(strengths, one_dimensional_solution(target, strengths, "l1"),
            label="L1: S(c, λ)  (exactly 0 for λ ≥ |c|)")  # fmt: skip
    ax.plot(strengths, one_dimensional_solution(target, strengths, "l2"),
            label="L2: c / (1 + λ)  (never 0)")  # fmt: skip
    ax.axvline(abs(target), color="grey", ls=":", lw=1, label=f"λ = |c| = {abs(target):g}")
    ax.axhline(0.0, color="grey", lw=0.8)
    ax.set_xlabel("penalty strength λ")
    ax.set_ylabel("minimising weight w*")
    ax.set_title(f"With a loss term: minimiser of ½(w − {target:g})² + λ·penalty(w)")
    ax.legend(fontsize=8)
    return ax
