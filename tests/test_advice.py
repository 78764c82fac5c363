import dataclasses

import numpy as np
import pytest

from shrinkage.advice import Advice, advise
from shrinkage.recommendation import STABILITY_MARGIN, PenaltySummary, recommend


@pytest.fixture(scope="module")
def sparse_advice():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 10))
    y = 3 * X[:, 0] - 2 * X[:, 1] + rng.standard_normal(100)
    return advise(X, y, n_alphas=10, n_splits=4)


def test_sparse_truth_recommends_lasso(sparse_advice):
    assert isinstance(sparse_advice, Advice)
    assert sparse_advice.recommendation == "lasso"
    lasso, ridge = sparse_advice["lasso"], sparse_advice["ridge"]
    assert 2 <= lasso.n_features_kept < 10
    assert ridge.n_features_kept == 10 and ridge.stability == 1.0
    assert lasso.stability >= 0.5
    assert lasso.cv_error <= ridge.cv_error
    assert any("keeps only" in reason for reason in sparse_advice.reasons)


def test_dense_truth_recommends_ridge():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 8))
    y = X @ rng.uniform(0.5, 1.5, 8) + rng.standard_normal(80)
    advice = advise(X, y, n_alphas=10, n_splits=4)
    assert advice.recommendation == "ridge"
    assert advice["lasso"].n_features_kept == 8
    assert any("all seem useful" in reason for reason in advice.reasons)


def test_result_is_frozen_and_printable(sparse_advice):
    with pytest.raises(dataclasses.FrozenInstanceError):
        sparse_advice.recommendation = "ridge"
    text = str(sparse_advice)
    for word in ("lasso", "ridge", "elastic net", "Recommendation: lasso", "stability"):
        assert word in text
    with pytest.raises(KeyError, match="no penalty"):
        sparse_advice["lars"]


def test_bad_input():
    X = np.ones((10, 2))
    with pytest.raises(ValueError, match="same n"):
        advise(X, np.ones(9))
    with pytest.raises(ValueError, match="l1_ratio"):
        advise(X, np.arange(10.0), l1_ratio=0.0)
    with pytest.raises(ValueError, match="n_splits"):
        advise(X, np.arange(10.0), n_splits=1)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="contains NaN"):
        advise(X, np.arange(10.0))
    with pytest.raises(ValueError, match="task must be"):
        advise(np.ones((10, 2)), np.arange(10.0), task="poisson")


def test_a_text_column_gets_the_command_lines_message():
    import pandas as pd

    frame = pd.DataFrame({"x": np.arange(12.0), "colour": ["red", "blue"] * 6})
    with pytest.raises(TypeError, match="non-numeric column.*colour.*Encode them"):
        advise(frame, np.arange(12.0))


def test_a_two_valued_target_is_advised_with_the_logistic_loss():
    """Squared loss on a 0/1 target recommended ridge where the report, on logistic
    loss, said "use the lasso": the task is now detected as on the command line."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((200, 10))
    y = np.where(X[:, 0] - X[:, 1] + 0.5 * rng.standard_normal(200) > 0, "yes", "no")
    advice = advise(X, y, n_alphas=10)
    assert advice.task == "classification" and "logistic loss" in str(advice)
    assert advice.recommendation == "lasso"
    lasso = advice["lasso"]
    assert lasso.n_features_kept < 10 and 0 < lasso.cv_error < 2 * np.log(2)  # deviance
    forced = advise(X, (y == "yes").astype(float), task="regression", n_alphas=10)
    assert forced.task == "regression" and forced["lasso"].cv_error < 0.25  # a 0/1 MSE


def test_correlated_group_recommends_elastic_net():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((120, 1))
    group = z + 0.1 * rng.standard_normal((120, 6))  # six near-copies of one signal
    X = np.hstack([group, rng.standard_normal((120, 14))])
    y = group.sum(axis=1) + 2 * rng.standard_normal(120)
    advice = advise(X, y, n_alphas=10, n_splits=4)
    assert advice.recommendation == "elastic net"
    assert advice["elastic net"].stability > advice["lasso"].stability
    assert advice["elastic net"].n_features_kept <= 16


def _summaries(lasso=(2.0, 0.0, 3, 0.5), ridge=(2.3, 0.2, 20, 1.0), enet=(2.1, 0.1, 5, 0.6)):
    """Summaries from (cv_error, difference_se, kept, stability), each with SE 0.4."""
    names, ratios = ("lasso", "ridge", "elastic net"), (1.0, 0.0, 0.5)
    return [
        PenaltySummary(
            name,
            rho,
            0.1,
            error,
            0.4,
            kept,
            20,
            stability,
            difference_se=se,
            selection="1se",
            selection_alpha=0.2,
        )  # fmt: skip
        for name, rho, (error, se, kept, stability) in zip(
            names, ratios, (lasso, ridge, enet), strict=True
        )
    ]


def test_competitive_uses_the_paired_difference():
    # ridge is 0.3 worse than the lasso: within the lasso's own SE (0.4), not within the
    # SE of the per-fold differences (0.2); the lasso's selection is only 0.5 stable
    name, reasons = recommend(_summaries())
    assert name == "lasso" and "3 of 20 features at the one-standard-error α" in reasons[1]
    unpaired = [dataclasses.replace(s, difference_se=None) for s in _summaries()]
    assert recommend(unpaired)[0] == "ridge"  # competitive by the unpaired SE
    name, reasons = recommend(_summaries(ridge=(2.3, 0.4, 20, 1.0)))
    assert name == "ridge" and "unstable" in reasons[1]


def test_elastic_net_needs_a_clear_lead_in_stability():
    # a lead of 0.1 (the size of what a larger set gains by chance) is not enough
    assert recommend(_summaries(enet=(2.05, 0.1, 8, 0.6)))[0] == "lasso"
    assert STABILITY_MARGIN == 0.2
    name, reasons = recommend(_summaries(enet=(2.05, 0.1, 8, 0.75)))
    assert name == "elastic net" and "Jaccard 0.50" in reasons[2]
    # a stable lasso is kept whatever the elastic net does
    steady = _summaries(lasso=(2.0, 0.0, 3, 0.8), enet=(2.0, 0.1, 8, 1.0))
    assert recommend(steady)[0] == "lasso"
