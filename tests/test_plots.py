import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from shrinkage import plots  # noqa: E402
from shrinkage.datasets import load_prostate  # noqa: E402
from shrinkage.lab import dynamics, geometry, threshold  # noqa: E402
from shrinkage.lab.calibration import CalibrationCurves  # noqa: E402
from shrinkage.lab.paths import compare_paths  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def _labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def test_trajectories_plot():
    runs = [dynamics.penalty_descent(5, 0.5, "l1"), dynamics.penalty_descent(5, 0.5, "l2")]
    _, ax = plt.subplots()
    assert plots.plot_trajectories(runs, ax) is ax
    assert _labels(ax)[:2] == ["L1, subgradient, η = 0.5", "L2, subgradient, η = 0.5"]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), runs[0].weights)


def test_default_ax_is_created():
    ax = plots.plot_one_dimensional_solutions(2.0)
    assert len(ax.get_lines()) >= 2 and "L1" in _labels(ax)[0]


def test_geometry_plots():
    problem = geometry.make_problem(0.6, [2.0, 0.8])
    ax = plots.plot_constraint_geometry(problem, 1.0)
    labels = _labels(ax)
    assert any("L1 optimum (1.00, 0.00)" in label for label in labels)
    assert any("L2 ball" in label for label in labels)
    ax = plots.plot_budget_path(problem, np.linspace(2.5, 0.1, 10))
    assert any("exactly 0" in label for label in _labels(ax))
    ax = plots.plot_gradient_field("l1")
    assert "45°" in ax.get_title()
    result = geometry.axis_fraction([0.2, 0.8], n_problems=20)
    ax = plots.plot_axis_fraction(result)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), result.l1)


def test_threshold_plots():
    ax = plots.plot_threshold_law(1.0, 1.5)
    assert "λ = 2|xy| = 3" in _labels(ax)[1]
    ax = plots.plot_orthonormal_maps(1.0)
    assert len(ax.get_lines()) >= 3 and "lasso" in _labels(ax)[1]
    X = threshold.orthonormal_design(30, 3)
    y = X[:, 0] + 0.01 * np.arange(30)
    check = threshold.kkt_check(X, y, np.zeros(3), y.mean(), 5.0)
    ax = plots.plot_kkt(check, ["a", "b", "c"])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_path_plots():
    X, y, names, _ = load_prostate()
    paths = compare_paths(X, y, n_alphas=5, feature_names=names)
    ax = plots.plot_penalty_path(paths[0])
    assert len(ax.get_lines()) == 8 + 1 and ax.get_xscale() == "log"
    assert _labels(ax) == names
    ax = plots.plot_zero_counts(paths)
    assert _labels(ax) == [p.name for p in paths]


def test_calibration_plot():
    grid = np.array([1.0, 0.1])
    curves = CalibrationCurves(0.9, 1.0, grid, grid + 1, grid, grid, grid + 1, grid)
    ax = plots.plot_calibration(curves)
    assert _labels(ax)[:3] == ["ridge", "lasso", "least squares: 0.90"]
