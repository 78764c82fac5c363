import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from shrinkage import plots  # noqa: E402
from shrinkage.lab import geometry  # noqa: E402


def _entries(ax):
    legend = ax.get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    return dict(zip(labels, legend.legend_handles, strict=True))


def test_dashed_touching_contours_have_a_legend_entry():
    shapes = geometry.constraint_geometry(geometry.make_problem(0.6, [2.0, 0.8]), 1.0)
    ax = plots.plot_constraint_geometry(shapes)
    handle = _entries(ax)["contour through each optimum"]
    dashed = ax.collections[1]  # the contours at the two touching levels
    assert handle.get_linestyle() == "--"
    assert to_rgba(handle.get_color()) == tuple(dashed.get_edgecolor()[0])
    assert handle.get_linewidth() == dashed.get_linewidth()[0] == 1.4
    # the dashed levels are the loss at the two optima
    np.testing.assert_allclose(dashed.levels, sorted(shapes.touching))


def test_axis_fraction_names_the_norm_of_each_shape():
    result = geometry.axis_fraction([0.25, 0.5, 1.0], n_problems=30, seed=2)
    ax = plots.plot_axis_fraction(result)
    xlabel = ax.get_xlabel()
    assert "‖w‖₁ budget t / ‖ŵ‖₁ (diamond)" in xlabel and "‖w‖₂ budget t / ‖ŵ‖₂" in xlabel
    entries = _entries(ax)
    l1 = [label for label in entries if label.startswith("L1 (diamond, ‖w‖₁ ≤ t)")]
    l2 = [label for label in entries if label.startswith("L2 (circle, ‖w‖₂ ≤ t)")]
    assert len(l1) == len(l2) == 1
    lines = ax.get_lines()
    np.testing.assert_array_equal(lines[0].get_xdata(), [0.25, 0.5, 1.0])
    np.testing.assert_array_equal(lines[0].get_ydata(), result.l1)
    np.testing.assert_array_equal(lines[1].get_ydata(), result.l2)
    # at ratio 1 each budget equals the least-squares solution's own norm: no shrinkage
    assert result.l1[-1] == result.l2[-1] == 0.0 and result.l1[0] > 0.2
