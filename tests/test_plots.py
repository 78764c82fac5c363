import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.text import Text  # noqa: E402

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
    ax = plots.plot_one_dimensional_solutions(dynamics.one_dimensional_solutions(2.0))
    assert len(ax.get_lines()) >= 2 and "L1" in _labels(ax)[0]


def test_geometry_plots():
    problem = geometry.make_problem(0.6, [2.0, 0.8])
    ax = plots.plot_constraint_geometry(geometry.constraint_geometry(problem, 1.0))
    labels = _labels(ax)
    assert any("L1 optimum (1.00, 0.00)" in label for label in labels)
    assert any("L2 ball" in label for label in labels)
    optima = geometry.budget_path(problem, np.linspace(2.5, 0.1, 10))
    ax = plots.plot_budget_path(optima, problem.ols)
    assert any("exactly 0" in label for label in _labels(ax))
    ax = plots.plot_gradient_field("l1", geometry.penalty_gradient_field("l1"))
    assert "45°" in ax.get_title()
    result = geometry.axis_fraction([0.2, 0.8], n_problems=20)
    ax = plots.plot_axis_fraction(result)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), result.l1)


def test_threshold_plots():
    ax = plots.plot_threshold_law(threshold.threshold_law(1.0, 1.5))
    assert "λ = 2|xy| = 3" in _labels(ax)[1]
    ax = plots.plot_orthonormal_maps(threshold.orthonormal_maps(1.0))
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


def _text_box(text):
    """The box of a label's text alone (an annotation's own box includes its lead)."""
    return Text.get_window_extent(text, text.figure.canvas.get_renderer())


def _label_centres(ax):
    """Vertical centres (display pixels, after drawing) of the path labels, by text."""
    ax.figure.canvas.draw()
    return {text.get_text(): _text_box(text).intervaly.mean() for text in ax.texts}


def test_plot_path_labels_every_feature_that_is_ever_non_zero_apart():
    from shrinkage import path

    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 14))
    y = 4 * X[:, 0] - 3 * X[:, 1] + rng.standard_normal(80)  # 12 lines end near 0
    names = [f"feature {j}" for j in range(14)]
    result = path(X, y, n_alphas=40, standardize=True, feature_names=names)
    figure, ax = plt.subplots(figsize=(5, 3.5), layout="constrained")
    assert plots.plot_path(result, ax) is ax
    ever = [names[j] for j in range(14) if result.entry_alpha[j] > 0]
    assert len(ever) >= 10
    assert sorted(text.get_text() for text in ax.texts) == sorted(ever)  # once each
    centres = np.sort(list(_label_centres(ax).values()))
    font_height = ax.texts[0].get_fontsize() * figure.dpi / 72
    assert np.diff(centres).min() >= font_height
    # the labels sit right of the axes
    box = ax.get_window_extent()
    assert all(_text_box(text).x0 > box.x1 for text in ax.texts)
    # drawn again at another size and resolution: still apart
    figure.set_size_inches(4, 2.5)
    figure.set_dpi(150)
    centres = np.sort(list(_label_centres(ax).values()))
    assert np.diff(centres).min() >= ax.texts[0].get_fontsize() * 150 / 72


def test_plot_path_standardised_by_default_when_fitted_so():
    from shrinkage import path

    X, y, names, _ = load_prostate()
    result = path(X, y, n_alphas=12, alpha_min_ratio=0.3, standardize=True, feature_names=names)
    ax = plots.plot_path(result)
    lines = ax.get_lines()[:8]
    for j, line in enumerate(lines):
        np.testing.assert_allclose(line.get_ydata(), result.coefs[:, j] * result.column_std[j])
    assert ax.xaxis_inverted() and ax.get_xscale() == "log"
    never = [names[j] for j in range(8) if result.entry_alpha[j] == 0]
    assert never  # a short grid: some features never enter, and carry no label
    assert {text.get_text() for text in ax.texts}.isdisjoint(never)
    assert len(ax.texts) == 8 - len(never)
    ax = plots.plot_path(result, standardized=False, label=2)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), result.coefs[:, 0])
    first = np.argsort(-result.entry_alpha, kind="stable")[:2]
    assert [text.get_text() for text in ax.texts] == [names[j] for j in first]
    assert len(plots.plot_path(result, label=None).texts) == 0
    raw = path(X, y, n_alphas=5, feature_names=names)
    assert raw.column_std is None
    assert plots.plot_path(raw).get_ylabel() == "coefficient"
    with pytest.raises(ValueError, match="standardize=True"):
        plots.plot_path(raw, standardized=True)
    with pytest.raises(ValueError, match="label"):
        plots.plot_path(raw, label="some")


def test_spread_keeps_labels_apart_and_close_to_their_lines():
    from shrinkage.plots.line_labels import spread

    rng = np.random.default_rng(1)
    for _ in range(20):
        positions = rng.normal(0.0, 3.0, rng.integers(1, 15))
        placed = spread(positions, 1.0)
        order = np.argsort(positions, kind="stable")
        assert np.all(np.diff(placed[order]) >= 1.0 - 1e-9)  # order kept, gaps ≥ 1
        assert placed.sum() == pytest.approx(positions.sum())  # clusters centred on lines
    spaced = np.array([0.0, 5.0, 2.0])
    np.testing.assert_array_equal(spread(spaced, 1.0), spaced)  # nothing to move
    np.testing.assert_allclose(spread([0.0, 0.0, 0.0], 1.0), [-1.0, 0.0, 1.0])
    np.testing.assert_allclose(spread([9.5, 10.0], 1.0, low=0.0, high=10.0), [9.0, 10.0])


def test_constraint_geometry_names_the_loss():
    problem = geometry.constraint_geometry(geometry.make_problem(0.3, [1.5, 0.7]), 1.0)
    squared = _labels(plots.plot_constraint_geometry(problem))
    assert "least squares (no penalty)" in squared and "squared-loss contours" in squared
    logistic = _labels(plots.plot_constraint_geometry(problem, loss="logistic"))
    assert "unpenalised logistic fit" in logistic
    assert "log-loss contours (quadratic approximation)" in logistic
    assert not any("least squares" in label for label in logistic)
    with pytest.raises(ValueError, match="loss"):
        plots.plot_constraint_geometry(problem, loss="hinge")
