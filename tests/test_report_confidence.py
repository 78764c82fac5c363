"""How sure: stability selection with its bound, and bootstrap intervals of the refit."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from shrinkage.datasets import load_prostate
from shrinkage.report import analyse
from shrinkage.report.confidence import bootstrap_refit, stable_features
from shrinkage.report.refit import refit_on_support, unpenalised_logistic
from shrinkage.selection import least_squares_on_support, stability_selection


def _sparse_problem(seed=0, n=150, p=25):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 20.0, p)  # columns in other units
    y = 3 * X[:, 0] / X[:, 0].std() - 2 * X[:, 3] / X[:, 3].std() + rng.standard_normal(n)
    return X, y


def test_stable_features_find_the_true_support_with_a_useful_bound():
    X, y = _sparse_problem()
    result = stable_features(X, y, n_subsamples=50, random_state=1)
    assert result.selected.tolist() == [0, 3]
    assert result.max_probabilities[[0, 3]].min() >= 0.8 == result.threshold
    assert np.delete(result.max_probabilities, [0, 3]).max() < 0.8
    # the grid keeps q near √((2π − 1)·p) = √15, so the bound is near one, not vacuous
    assert result.average_selected <= np.sqrt(0.6 * 25) * 1.3
    assert result.error_bound <= 1.7
    assert result.alphas[0] > result.alphas[-1] and result.alphas.size >= 2
    # the bound is the library's own, for the grid used
    direct = stability_selection(X, y, alphas=result.alphas, n_subsamples=50, random_state=1,
                                 standardize=True, threshold=0.8)  # fmt: skip
    np.testing.assert_array_equal(direct.max_probabilities, result.max_probabilities)
    assert direct.error_bound == result.error_bound


def test_stable_features_refuse_ridge():
    X, y = _sparse_problem(n=40, p=5)
    with pytest.raises(ValueError, match="l1_ratio > 0"):
        stable_features(X, y, 0.0)


def test_bootstrap_intervals_of_the_least_squares_refit():
    X, y = _sparse_problem(2)
    support = np.array([0, 3, 7])
    refit = bootstrap_refit(X, y, support, "regression", n_resamples=200, random_state=0)
    coef, intercept = least_squares_on_support(X, y, support)
    np.testing.assert_allclose(refit.coef, coef, rtol=1e-12)
    assert refit.intercept == pytest.approx(intercept)
    off = np.setdiff1d(np.arange(X.shape[1]), support)
    assert np.all(np.isnan(refit.lower[off])) and np.all(np.isnan(refit.upper[off]))
    assert np.all(refit.lower[support] < refit.coef[support])
    assert np.all(refit.coef[support] < refit.upper[support])
    truth = np.array([3 / X[:, 0].std(), -2 / X[:, 3].std(), 0.0])
    assert np.all((refit.lower[support] < truth) & (truth < refit.upper[support]))
    # about ±1.96 standard errors: the classical interval's width, within 25 %
    residual = y - X[:, support] @ coef[support] - intercept
    design = np.column_stack([X[:, support], np.ones(len(y))])
    covariance = np.linalg.inv(design.T @ design) * residual.var(ddof=4)
    classical = 2 * 1.96 * np.sqrt(np.diag(covariance)[:3])
    np.testing.assert_allclose(refit.upper[support] - refit.lower[support], classical, rtol=0.25)
    assert refit.separated == 0.0 and refit.n_resamples == 200 and refit.level == 0.95


def test_unpenalised_logistic_matches_scikit_learn():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((300, 3))
    y = (rng.random(300) < 1 / (1 + np.exp(-(0.5 + X @ [1.5, -1.0, 0.0])))).astype(float)
    fit = unpenalised_logistic(X, y, ridge=0.0)
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(fit.coef, reference.coef_[0], rtol=1e-6)
    assert fit.intercept == pytest.approx(reference.intercept_[0], rel=1e-6)
    assert not fit.separated
    # the refit on a support, on the original scale, is the same fit
    scaled = X * [10.0, 0.1, 1.0] + 5.0
    coef, intercept, separated = refit_on_support(scaled, y, [0, 1], "classification")
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)
    reference.fit(scaled[:, :2], y)
    np.testing.assert_allclose(coef[:2], reference.coef_[0], rtol=1e-4)
    assert coef[2] == 0.0 and intercept == pytest.approx(reference.intercept_[0], rel=1e-4)


def test_separated_classes_are_flagged():
    x = np.linspace(-1.0, 1.0, 40)[:, None]
    y = (x[:, 0] > 0).astype(float)
    fit = unpenalised_logistic(x, y)
    assert fit.separated and np.all(np.isfinite(fit.coef)) and fit.coef[0] > 10
    refit = bootstrap_refit(x, y, [0], "classification", n_resamples=20)
    assert refit.separated == 1.0


def test_report_analysis_says_how_sure_within_seconds():
    X, y, names, _ = load_prostate()
    frame = pd.DataFrame(X, columns=names)
    analyse(frame, y, task="regression")  # compile once
    start = time.perf_counter()
    data = analyse(frame, y, task="regression")
    elapsed = time.perf_counter() - start
    assert elapsed < 10.0  # about half a second on a quiet 2-core machine
    assert data.stability.n_subsamples == 100
    assert list(data.stability.feature_names) == names
    assert "lcavol" in [names[j] for j in data.stability.selected]
    assert data.refit.n_resamples == 200
    np.testing.assert_array_equal(data.refit.support, np.flatnonzero(data.chosen.coef))
    assert np.all(data.refit.lower[data.refit.support] <= data.refit.upper[data.refit.support])
