import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab.paths import compute_path, penalty_alphas
from shrinkage.lab.threshold import (
    kkt_check,
    lasso_orthonormal,
    orthonormal_design,
    ridge_orthonormal,
    summed_lambda_to_alpha,
    threshold_minimiser,
    zero_threshold,
)
from shrinkage.penalties import L1, L2


def _objective(x, y, lam, theta):
    return (y - x * theta) ** 2 + lam * np.abs(theta)


@pytest.mark.parametrize("seed", range(5))
def test_threshold_law_matches_solver_to_1e12(seed):
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0.3, 2.0) * rng.choice([-1, 1]), rng.standard_normal() * 2
    for lam in np.linspace(0, 3 * zero_threshold(x, y), 7):
        law = float(threshold_minimiser(x, y, lam))
        # f(θ) = (y − xθ)² + λ|θ| with n = 1 is 2 × our 1/(2n) objective: α = λ/2
        result = solve([[x]], [y], summed_lambda_to_alpha(lam, 1), fit_intercept=False, tol=1e-14)
        assert abs(result.coef[0] - law) <= 1e-12
        assert (law == 0.0) == (lam >= zero_threshold(x, y))
        # and it is the minimiser of f itself
        grid = law + np.linspace(-1e-3, 1e-3, 21)
        assert np.all(_objective(x, y, lam, law) <= _objective(x, y, lam, grid) + 1e-15)


def test_threshold_is_exactly_two_abs_xy():
    x, y = 1.25, -0.8
    lam = zero_threshold(x, y)
    assert lam == 2.0
    assert threshold_minimiser(x, y, lam) == 0.0
    assert threshold_minimiser(x, y, np.nextafter(lam, 0)) != 0.0


def test_many_samples_alpha_is_lambda_over_2n():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal(30), rng.standard_normal(30)
    lam = abs(x @ y)  # half the threshold 2|xᵀy|
    law = np.sign(x @ y) * max(2 * abs(x @ y) - lam, 0) / (2 * x @ x)
    result = solve(x[:, None], y, lam / 60, fit_intercept=False, tol=1e-14)
    assert abs(result.coef[0] - law) <= 1e-12 and law != 0


@pytest.mark.parametrize("penalty", [L1(), L1(penalty_factor=[1, 0.5, 2, 1, 1, 0.2])])
def test_kkt_law_on_lasso_solutions(penalty):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6))
    y = X @ np.array([2.0, 0, -1.0, 0, 0.3, 0]) + rng.standard_normal(80)
    for alpha in (0.05, 0.2, 0.6):
        result = solve(X, y, alpha, penalty, tol=1e-13)
        check = kkt_check(X, y, result.coef, result.intercept, alpha, penalty, slack=1e-6)
        assert check.consistent
        assert np.all(check.is_zero[check.below])
        assert 0 < check.is_zero.sum() < 6


def test_entry_alpha_first_feature_enters_at_alpha_max():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((60, 5))
    y = X @ np.array([1.5, -1.0, 0.5, 0, 0]) + 0.5 * rng.standard_normal(60)
    alphas = penalty_alphas(X, y, 1.0, n_alphas=40, standardize=False)
    coefs = compute_path(X, y, L1(), alphas, standardize=False)
    correlation = np.abs((X - X.mean(0)).T @ (y - y.mean())) / 60
    assert alphas[0] == pytest.approx(correlation.max(), rel=1e-12)
    assert np.all(coefs[0] == 0)
    entered = coefs != 0
    entry_alpha = np.array([alphas[np.argmax(c)] if c.any() else 0.0 for c in entered.T])
    # the feature most correlated with y enters first
    assert np.argmax(entry_alpha) == np.argmax(correlation)
    # at each entry α the feature was below its threshold one grid step earlier
    for j in np.flatnonzero(entry_alpha):
        k = int(np.argmax(entered[:, j]))
        prev = solve(X, y, alphas[k - 1], tol=1e-13)
        r = y - X @ prev.coef - prev.intercept
        assert abs(X[:, j] @ r) / 60 <= alphas[k - 1] * (1 + 1e-6)


def test_orthonormal_design_maps_to_1e10():
    X = orthonormal_design(50, 6, seed=3)
    rng = np.random.default_rng(3)
    y = X @ np.array([2.0, -1.0, 0.3, 0.05, 1.0, -0.2]) + 0.3 * rng.standard_normal(50)
    ols = np.linalg.lstsq(X, y - y.mean(), rcond=None)[0]
    for alpha in (0.1, 0.5, 1.5):
        lasso = solve(X, y, alpha, L1(), tol=1e-15)
        ridge = solve(X, y, alpha, L2(), tol=1e-15)
        np.testing.assert_allclose(lasso.coef, lasso_orthonormal(ols, alpha), atol=1e-10, rtol=0)
        np.testing.assert_allclose(ridge.coef, ridge_orthonormal(ols, alpha), atol=1e-10, rtol=0)
        assert np.array_equal(lasso.coef == 0, np.abs(ols) <= alpha)
        assert np.all(ridge.coef != 0)


def test_bad_input():
    with pytest.raises(ValueError, match="non-zero"):
        threshold_minimiser(0.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="lam"):
        threshold_minimiser(1.0, 1.0, -1.0)
    with pytest.raises(ValueError, match="n_features"):
        orthonormal_design(3, 3)
