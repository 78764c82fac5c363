"""Figures of results: a :class:`shrinkage.PathResult`, a cross-validation, the lab's
experiments (:mod:`shrinkage.lab` computes, these functions only draw what it returns).

matplotlib is imported lazily; every function takes ``ax=None`` and returns the ax it drew
on.
"""

from .calibration import plot_calibration
from .cv import plot_cv
from .dynamics import plot_one_dimensional_solutions, plot_trajectories
from .geometry import (
    plot_axis_fraction,
    plot_budget_path,
    plot_constraint_geometry,
    plot_gradient_field,
)
from .paths import plot_path, plot_penalty_path, plot_zero_counts
from .text import plain_text
from .threshold import plot_kkt, plot_orthonormal_maps, plot_threshold_law

__all__ = [
    "plain_text",
    "plot_axis_fraction",
    "plot_budget_path",
    "plot_calibration",
    "plot_constraint_geometry",
    "plot_cv",
    "plot_gradient_field",
    "plot_kkt",
    "plot_one_dimensional_solutions",
    "plot_orthonormal_maps",
    "plot_path",
    "plot_penalty_path",
    "plot_threshold_law",
    "plot_trajectories",
    "plot_zero_counts",
]
