"""shrinkage.nn.metrics and .experiment: zeros, histograms, saturation, the comparison."""

import numpy as np
import pytest

from _nn import one_thread, single_thread, torch  # noqa: F401 (one_thread: an autouse fixture)
from shrinkage.nn import (
    METHODS,
    compare_regularization,
    make_mlp,
    plot_comparison,
    plot_weight_histogram,
    saturation,
    sparsity,
    weight_histogram,
)


def _net_with_weights():
    net = make_mlp(3, hidden=(2,))
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[0.0, 1.0, -2.0], [0.0, 0.0, 3.0]]))
        net[0].bias.zero_()
        net[2].weight.copy_(torch.tensor([[0.0, 0.5]]))
    return net


def test_sparsity_counts_exact_zeros_per_layer():
    report = sparsity(_net_with_weights())
    assert report.names == ("0.weight", "2.weight")
    assert report.hits == (3, 1) and report.totals == (6, 2)
    assert report.fractions == {"0.weight": 0.5, "2.weight": 0.5}
    assert report.overall == 0.5
    with_biases = sparsity(_net_with_weights(), include_biases=True)
    assert "0.bias" in with_biases.names and with_biases.hits[with_biases.names.index("0.bias")]


def test_weight_histogram_and_plot():
    counts, edges, n_zeros = weight_histogram(_net_with_weights(), bins=4, value_range=(-4, 4))
    assert counts.tolist() == [0, 1, 6, 1] and n_zeros == 4
    np.testing.assert_allclose(edges, [-4, -2, 0, 2, 4])
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_weight_histogram({"a": _net_with_weights(), "b": make_mlp(3, hidden=(2,))})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "a (50% exactly 0)"
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no weights"):
        weight_histogram(torch.nn.Tanh())


def test_saturation_counts_pre_activations_beyond_threshold():
    net = torch.nn.Sequential(torch.nn.Linear(1, 2), torch.nn.Tanh(), torch.nn.Sigmoid())
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0], [3.0]]))
        net[0].bias.zero_()
    inputs = torch.tensor([[-1.0], [0.5], [1.0]])
    # tanh sees z = x and 3x: |z| > 2 for 3·(−1) and 3·1; the sigmoid sees tanh(z), |·| < 1
    report = saturation(net, inputs)
    assert report.names == ("1", "2")
    assert report.hits == (2, 0) and report.totals == (6, 6)
    assert saturation(net, inputs, threshold=0.75).hits == (5, 5)
    assert not net[1]._forward_hooks  # hooks are removed again
    with pytest.raises(ValueError, match="no nn.Tanh"):
        saturation(torch.nn.Linear(1, 1), inputs)
    with pytest.raises(ValueError, match="threshold"):
        saturation(net, inputs, threshold=0.0)


SMALL = {"hidden": (32,), "alpha": 2e-3, "n_epochs": 20, "weight_decay": 0.5}


@pytest.fixture(scope="module")
def comparison():
    with single_thread():
        return compare_regularization(**SMALL)


def test_comparison_shows_exact_zeros_only_for_the_proximal_step(comparison):
    rows = {r["method"]: r for r in comparison.records}
    assert list(rows) == list(METHODS)
    baseline = rows["none"]
    assert baseline["test_accuracy"] > 0.9 and baseline["zero_fraction"] == 0.0
    # (c) many exact zeros at similar accuracy
    assert rows["l1_proximal"]["zero_fraction"] > 0.5
    assert rows["l1_proximal"]["test_accuracy"] >= baseline["test_accuracy"] - 0.03
    assert rows["elastic_net_proximal"]["zero_fraction"] > 0.3
    # (b) essentially none, although many weights are tiny
    assert rows["l1_subgradient"]["zero_fraction"] < 0.01
    assert rows["l1_subgradient"]["near_zero_fraction"] > 0.1
    # (d) small but non-zero weights
    assert rows["weight_decay"]["zero_fraction"] == 0.0
    assert rows["weight_decay"]["mean_abs_weight"] < 0.8 * baseline["mean_abs_weight"]
    # the penalties keep the tanh units out of saturation
    for method in ("l1_subgradient", "l1_proximal", "weight_decay", "elastic_net_proximal"):
        assert rows[method]["saturation"] < baseline["saturation"]
    assert all(r["train_seconds"] > 0 for r in comparison.records)


def test_comparison_is_repeatable(comparison):
    again = compare_regularization(methods=("l1_proximal",), **SMALL)
    first = next(r for r in comparison.records if r["method"] == "l1_proximal")
    for key in ("test_accuracy", "zero_fraction", "saturation", "mean_abs_weight"):
        assert again.records[0][key] == first[key]


def test_comparison_tables_and_figure(comparison):
    summary = comparison.summary()
    assert [row["method"] for row in summary] == list(METHODS)
    assert all(row["n_seeds"] == 1 and row["zero_fraction_std"] == 0 for row in summary)
    table = comparison.to_markdown()
    assert table.count("\n") == 1 + len(METHODS) and "(c) proximal L1" in table
    assert len(comparison.to_frame()) == len(METHODS)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = plot_comparison(comparison, "test_accuracy")
    assert len(ax.patches) == len(METHODS)
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="metric"):
        plot_comparison(comparison, "accuracy")


def test_comparison_on_given_data_and_bad_input():
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=120, n_features=6, random_state=0)
    result = compare_regularization(
        X, y, methods=("none",), hidden=(4,), n_epochs=3, activation="sigmoid"
    )
    assert result.records[0]["n_weights"] == 6 * 4 + 4
    with pytest.raises(ValueError, match="methods"):
        compare_regularization(methods=("lasso",))
    with pytest.raises(ValueError, match="both X and y"):
        compare_regularization(X)
    with pytest.raises(ValueError, match="activation"):
        make_mlp(3, activation="relu")
