from itertools import combinations

import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab.orthonormal import (
    best_subset_orthonormal,
    elastic_net_orthonormal,
    esl_lambda_to_alpha,
    figures,
    four_maps,
    l2_descent,
)
from shrinkage.lab.threshold import lasso_orthonormal, orthonormal_design, ridge_orthonormal
from shrinkage.penalties import L1, L2, ElasticNetPenalty

N_SAMPLES, N_FEATURES = 40, 6


def _problem(seed):
    X = orthonormal_design(N_SAMPLES, N_FEATURES, seed=seed)
    rng = np.random.default_rng(seed)
    y = X @ np.array([2.0, -1.0, 0.6, 0.0, 0.3, -0.1]) + 0.5 * rng.standard_normal(N_SAMPLES)
    return X, y, X.T @ y / N_SAMPLES  # columns centred: ŵ^OLS = Xᵀy/n


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize(
    ("penalty", "law"),
    [
        (L1(), lasso_orthonormal),
        (L2(), ridge_orthonormal),
        (ElasticNetPenalty(0.5), lambda ols, a: elastic_net_orthonormal(ols, a, 0.5)),
        (ElasticNetPenalty(0.2), lambda ols, a: elastic_net_orthonormal(ols, a, 0.2)),
    ],
)
def test_maps_equal_the_solver_to_1e10(seed, penalty, law):
    X, y, ols = _problem(seed)
    for alpha in (0.05, 0.3, 1.0):
        result = solve(X, y, alpha, penalty, tol=1e-14)
        np.testing.assert_allclose(result.coef, law(ols, alpha), rtol=0, atol=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_esl_lambda_conversion_to_1e10(seed):
    X, y, _ = _problem(seed)
    Z = X / np.sqrt(N_SAMPLES)  # ESL's orthonormal ZᵀZ = I
    beta_ols = Z.T @ y
    for lam in (0.2, 1.5):
        esl_lasso = np.sign(beta_ols) * np.maximum(np.abs(beta_ols) - lam, 0)
        esl_ridge = beta_ols / (1 + lam)
        lasso = solve(X, y, esl_lambda_to_alpha(lam, N_SAMPLES, "lasso"), L1(), tol=1e-14)
        ridge = solve(X, y, esl_lambda_to_alpha(lam, N_SAMPLES, "ridge"), L2(), tol=1e-14)
        # β = √n·w
        np.testing.assert_allclose(np.sqrt(N_SAMPLES) * lasso.coef, esl_lasso, atol=1e-10)
        np.testing.assert_allclose(np.sqrt(N_SAMPLES) * ridge.coef, esl_ridge, atol=1e-10)


@pytest.mark.parametrize("subset_size", range(N_FEATURES + 1))
def test_best_subset_is_hard_threshold_by_enumeration(subset_size):
    X, y, ols = _problem(0)
    yc = y - y.mean()
    best_rss, best_coef = np.inf, None
    for subset in combinations(range(N_FEATURES), subset_size):
        coef = np.zeros(N_FEATURES)
        if subset:
            cols = list(subset)
            coef[cols] = np.linalg.lstsq(X[:, cols], yc, rcond=None)[0]
        rss = np.sum((yc - X @ coef) ** 2)
        if rss < best_rss - 1e-9:
            best_rss, best_coef = rss, coef
    hard = best_subset_orthonormal(ols, subset_size)
    np.testing.assert_allclose(hard, best_coef, atol=1e-12)
    assert np.count_nonzero(hard) == subset_size
    if 0 < subset_size:
        kept = np.abs(ols) >= np.sort(np.abs(ols))[-subset_size]
        np.testing.assert_array_equal(hard[kept], ols[kept])


def test_four_maps_numbers():
    maps = four_maps(1.0, 0.5, 1.0, n_points=7)  # OLS −3, −2, …, 3
    np.testing.assert_array_equal(maps.best_subset, [-3, -2, 0, 0, 0, 2, 3])
    np.testing.assert_array_equal(maps.lasso, [-2, -1, 0, 0, 0, 1, 2])
    np.testing.assert_array_equal(maps.ridge, [-1.5, -1, -0.5, 0, 0.5, 1, 1.5])
    np.testing.assert_allclose(
        maps.elastic_net, np.array([-2.5, -1.5, -0.5, 0, 0.5, 1.5, 2.5]) / 1.5
    )


def test_l2_descent_threshold_is_exactly_two():
    run = l2_descent((0.5, 1.0, 1.5, 1.99, 2.0, 2.01, 2.5), start=1.0, n_steps=400)
    np.testing.assert_array_equal(run.converges, [True, True, True, True, False, False, False])
    assert run.weights[1, 1] == 0.0  # ηλ = 1 lands on 0 in one step
    # ηλ = 2: (1 − 2) = −1 exactly, so w alternates ±1 for ever
    np.testing.assert_array_equal(run.weights[4], (-1.0) ** np.arange(401))
    assert abs(run.weights[3, -1]) == pytest.approx(0.99**400, rel=1e-12)  # ≈ 0.018, shrinking
    assert abs(run.weights[5, -1]) == pytest.approx(1.01**400, rel=1e-12)  # ≈ 53.5, growing
    for row in run.weights[2:]:  # 1 < ηλ: the sign flips at every step
        assert np.all(np.sign(row[1:]) == -np.sign(row[:-1]))


def test_l2_descent_with_separate_step_and_strength():
    eta, lam = 0.25, 8.0  # ηλ = 2 exactly in floating point
    w, weights = 3.0, []
    for _ in range(6):
        w = w - eta * lam * w
        weights.append(w)
    np.testing.assert_array_equal(
        weights, 3.0 * l2_descent((eta * lam,), n_steps=6).weights[0, 1:]
    )


def test_figures_writes_two_pngs(tmp_path):
    written = figures(tmp_path, 50)
    assert [path.name for path, _ in written] == [
        "orthonormal_four_maps.png",
        "l2_descent_stability.png",
    ]
    assert all(path.stat().st_size > 0 for path, _ in written)
    assert "1.5" in written[0][1] and "17.4" in written[1][1]
