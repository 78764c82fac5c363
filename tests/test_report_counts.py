"""The report of a count model (Poisson regression, log link, with an exposure): its
numbers against the library's Poisson solvers and scikit-learn's metrics, and its words."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import d2_tweedie_score, mean_poisson_deviance

from shrinkage import PoissonElasticNet
from shrinkage.advice import count_half_sample_stability
from shrinkage.distributed import ArrayBlocks
from shrinkage.report import analyse
from shrinkage.report.calibration import held_out_count_scores
from shrinkage.report.counts import count_scores, selection_problem
from shrinkage.report.distributed import analyse_engine
from shrinkage.report.figures import geometry_figure
from shrinkage.report.refit import refit_on_support, unpenalised_fit
from shrinkage.report.runs import held_out_errors
from shrinkage.report.sections import calibration_text, coefficient_section, data_section
from shrinkage.solvers.poisson import solve_poisson

N_ROWS = 100


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(3)
    X = pd.DataFrame(rng.standard_normal((N_ROWS, 3)), columns=list("abc"))
    years = pd.Series(rng.uniform(0.5, 2.0, N_ROWS), name="years")
    y = rng.poisson(years * np.exp(0.3 + 0.7 * X.a - 0.5 * X.b)).astype(float)
    return X, y, years


@pytest.fixture(scope="module")
def data(problem):
    X, y, years = problem
    return analyse(X, y, task="count", cv=3, exposure=years)


def test_count_scores_are_scikit_learns():
    rng = np.random.default_rng(0)
    y = rng.poisson(2.0, 50).astype(float)
    mean = rng.uniform(0.5, 4.0, 50)
    deviance, d2 = count_scores(y, np.log(mean))
    assert deviance == pytest.approx(mean_poisson_deviance(y, mean), rel=1e-12)
    assert d2 == pytest.approx(d2_tweedie_score(y, mean, power=1), rel=1e-12)
    assert np.isnan(count_scores(np.zeros(3), np.zeros(3))[1])


def test_held_out_poisson_error_is_the_mean_deviance():
    y = np.array([0.0, 2.0, 5.0])
    decision = np.array([[0.1, -1.0], [0.5, 0.7], [1.2, 1.9]])
    exposure = np.array([1.0, 2.0, 0.5])
    mean = np.exp(decision) * exposure[:, None]
    expected = [mean_poisson_deviance(y, mean[:, k]) for k in range(2)]
    np.testing.assert_allclose(held_out_errors("poisson", y, decision, exposure), expected,
                               rtol=1e-12)  # fmt: skip


def test_unpenalised_poisson_fit_with_offset_is_the_solvers(problem):
    X, y, years = problem
    fit = unpenalised_fit(X.to_numpy()[:, :2], y, "poisson", offset=np.log(years), ridge=0.0)
    solved = solve_poisson(X.to_numpy()[:, :2], y, 0.0, tol=1e-12, exposure=years)
    np.testing.assert_allclose(fit.coef, solved.coef, rtol=1e-7, atol=1e-9)
    assert fit.intercept == pytest.approx(solved.intercept, rel=1e-7)
    assert not fit.separated
    coef, intercept, _ = refit_on_support(X.to_numpy(), y, [0, 1], "count",
                                          offset=np.log(years))  # fmt: skip
    assert coef[2] == 0.0
    np.testing.assert_allclose(coef[:2], solved.coef, rtol=1e-4)  # a whisper of ridge


def test_the_chosen_model_is_the_poisson_estimator(problem, data):
    X, y, years = problem
    assert (data.task, data.loss, data.exposure_name) == ("count", "poisson", "years")
    chosen = data.chosen
    model = PoissonElasticNet(alpha=chosen.alpha, l1_ratio=chosen.l1_ratio, standardize=True,
                              tol=1e-10).fit(X, y, exposure=years)  # fmt: skip
    np.testing.assert_allclose(chosen.coef, model.coef_, rtol=1e-4, atol=1e-6)
    assert chosen.relative_gap <= 1e-7
    run = data.chosen_run
    assert run.fold_errors.shape == (3, run.path.alphas.size)
    assert run.path.loss == "poisson"


def test_held_out_scores_of_the_report(data):
    oof = data.chosen_run.oof_decision[:, data.chosen.index] + np.log(data.exposure)
    deviance, d2 = held_out_count_scores(data)
    assert deviance == pytest.approx(mean_poisson_deviance(data.y, np.exp(oof)), rel=1e-10)
    assert d2 == pytest.approx(d2_tweedie_score(data.y, np.exp(oof), power=1), rel=1e-10)
    assert 0.0 < d2 < 1.0
    assert f'<strong id="held-out-d2">{d2:.3f}</strong>' in calibration_text(data)


def test_sections_speak_of_counts(data):
    assert "task: <strong>count (Poisson regression, log link)</strong>" in data_section(data)
    assert "exp(coefficient) is the" in coefficient_section(data)
    rate = data.y.sum() / data.exposure.sum()
    assert f"Overall rate: {rate:.4g} per unit of years" in data_section(data)


def test_stability_of_counts():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4))
    y = rng.poisson(np.exp(0.3 + 0.8 * X[:, 0])).astype(float)
    alpha_max = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / 200 / X.std(0).min()
    # above α_max every half selects nothing: the same (empty) set
    assert count_half_sample_stability(X, y, None, 1.0, 2 * alpha_max, True, random_state=0) == 1.0
    assert np.isnan(
        count_half_sample_stability(X[:3], y[:3], None, 1.0, 0.1, True, random_state=0)
    )
    target, weight = selection_problem(y, np.full(200, 2.0))
    np.testing.assert_allclose(target, y / 2.0)
    np.testing.assert_allclose(weight, 2.0)


def test_geometry_legend_names_the_poisson_fit(data):
    legend = geometry_figure(data).axes[0].get_legend()
    labels = [text.get_text() for text in legend.get_texts()]
    assert "Poisson deviance contours (quadratic approximation)" in labels
    assert "unpenalised Poisson fit" in labels
    assert not any("logistic" in label or "log-loss" in label for label in labels)


def test_engine_report_refuses_counts():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 2))
    blocks = ArrayBlocks(X, rng.poisson(1.0, 60).astype(float), n_partitions=2)
    with pytest.raises(ValueError, match="no Poisson loss"):
        analyse_engine(blocks, task="count", cv=3)


def test_counts_need_a_positive_count_and_no_exposure_elsewhere(problem):
    X, y, years = problem
    with pytest.raises(ValueError, match="needs some positive counts"):
        analyse(X, np.zeros(N_ROWS), task="count", cv=3)
    with pytest.raises(ValueError, match="negative"):
        analyse(X, y - 1.0, task="count", cv=3)
    with pytest.raises(ValueError, match="an exposure is for counts"):
        analyse(X, y, task="regression", cv=3, exposure=years)
