"""Figures for :mod:`shrinkage.lab.dynamics`: they draw its results."""

from __future__ import annotations

import numpy as np

from ._axes import finish, get_ax


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
    return finish(ax, "gradient-descent step k", "weight w after k steps",
                  title or "One weight under its penalty's gradient steps")  # fmt: skip


def plot_one_dimensional_solutions(solutions, ax=None):
    """Minimiser of ``½(w − c)² + λ·penalty(w)`` against λ for L1 and L2.

    ``solutions`` is a :class:`~shrinkage.lab.dynamics.OneDimensionalSolutions`.
    """
    ax = get_ax(ax)
    target = solutions.target
    ax.plot(solutions.strengths, solutions.l1, label="L1: S(c, λ)  (exactly 0 for λ ≥ |c|)")
    ax.plot(solutions.strengths, solutions.l2, label="L2: c / (1 + λ)  (never 0)")
    ax.axvline(abs(target), color="grey", ls=":", lw=1, label=f"λ = |c| = {abs(target):g}")
    ax.axhline(0.0, color="grey", lw=0.8)
    return finish(ax, "penalty strength λ", "minimising weight w*",
                  f"With a loss term: minimiser of ½(w − {target:g})² + λ·penalty(w)")  # fmt: skip
