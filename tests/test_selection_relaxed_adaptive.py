"""RelaxedLasso (γ = 1 is the lasso, γ = 0 OLS on the support) and AdaptiveLasso."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LinearRegression

from shrinkage import Lasso, path
from shrinkage.selection import AdaptiveLasso, RelaxedLasso

TIGHT = dict(tol=1e-10, max_iter=100_000)


def problem(seed=0, n=120, p=10):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ np.array([3.0, -2.0, 1.0]) + rng.standard_normal(n) + 1.0
    return X, y


def test_relaxed_endpoints_and_mix():
    X, y = problem()
    lasso = Lasso(alpha=0.3, **TIGHT).fit(X, y)
    one = RelaxedLasso(alpha=0.3, gamma=1.0, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(one.coef_, lasso.coef_)
    assert one.intercept_ == pytest.approx(lasso.intercept_, abs=1e-12)

    zero = RelaxedLasso(alpha=0.3, gamma=0.0, **TIGHT).fit(X, y)
    support = np.flatnonzero(lasso.coef_)
    assert 0 < support.size < X.shape[1]
    ols = LinearRegression().fit(X[:, support], y)
    expected = np.zeros(X.shape[1])
    expected[support] = ols.coef_
    np.testing.assert_allclose(zero.coef_, expected, atol=1e-10)
    assert zero.intercept_ == pytest.approx(ols.intercept_, abs=1e-10)
    np.testing.assert_array_equal(zero.support_, lasso.coef_ != 0)

    mix = RelaxedLasso(alpha=0.3, gamma=0.3, **TIGHT).fit(X, y)
    np.testing.assert_allclose(mix.coef_, 0.3 * lasso.coef_ + 0.7 * expected, atol=1e-10)
    # the refit undoes the shrinkage: training error no larger than the lasso's
    assert np.mean((y - zero.predict(X)) ** 2) < np.mean((y - lasso.predict(X)) ** 2)


def test_relaxed_weights_and_sparse():
    X, y = problem(seed=1)
    X[np.abs(X) < 0.5] = 0.0
    weights = np.random.default_rng(1).uniform(0.2, 3.0, X.shape[0])
    dense = RelaxedLasso(alpha=0.2, gamma=0.0, **TIGHT).fit(X, y, sample_weight=weights)
    sparse = RelaxedLasso(alpha=0.2, gamma=0.0, **TIGHT).fit(
        sp.csc_matrix(X), y, sample_weight=weights
    )
    support = np.flatnonzero(dense.support_)
    ols = LinearRegression().fit(X[:, support], y, sample_weight=weights)
    np.testing.assert_allclose(dense.coef_[support], ols.coef_, atol=1e-9)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-9)
    assert sparse.intercept_ == pytest.approx(dense.intercept_, abs=1e-9)


def irrepresentable_problem(seed=3, n=200, p=8):
    """x2 ≈ 0.65 (x0 + x1): the lasso's irrepresentable condition fails (Zou 2006)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 2] = 0.65 * (X[:, 0] + X[:, 1]) + 0.3 * rng.standard_normal(n)
    y = 2.0 * X[:, 0] + 2.0 * X[:, 1] + 0.5 * rng.standard_normal(n)
    return X, y


def test_adaptive_recovers_support_where_lasso_cannot():
    X, y = irrepresentable_problem()
    truth = np.zeros(X.shape[1], dtype=bool)
    truth[:2] = True
    lasso_path = path(X, y, n_alphas=200, alpha_min_ratio=1e-4, tol=1e-8)
    has_truth = np.all(lasso_path.coefs[:, truth] != 0, axis=1)
    assert has_truth.any()
    # wherever the lasso holds both true features it also holds a false one
    assert np.all(np.any(lasso_path.coefs[has_truth][:, ~truth] != 0, axis=1))
    adaptive = AdaptiveLasso(alpha=0.05, initial="ols", **TIGHT).fit(X, y)
    np.testing.assert_array_equal(adaptive.coef_ != 0, truth)
    np.testing.assert_allclose(adaptive.coef_[:2], [2.0, 2.0], atol=0.1)
    ols = LinearRegression().fit(X, y).coef_
    np.testing.assert_allclose(adaptive.initial_coef_, ols, atol=1e-10)
    np.testing.assert_allclose(adaptive.penalty_factor_, 1 / np.abs(ols))


def test_adaptive_exclusion_gamma_and_ridge_start():
    X, y = problem(seed=2)
    start = np.ones(X.shape[1])
    start[[1, 5]] = 0.0
    model = AdaptiveLasso(alpha=0.1, initial=start, **TIGHT).fit(X, y)
    assert model.coef_[1] == 0 and model.coef_[5] == 0
    assert np.isinf(model.penalty_factor_[[1, 5]]).all()
    # unit start and γ: the plain lasso on the kept features
    kept = np.setdiff1d(np.arange(X.shape[1]), [1, 5])
    lasso = Lasso(alpha=0.1, **TIGHT).fit(X[:, kept], y)
    np.testing.assert_allclose(model.coef_[kept], lasso.coef_, atol=1e-10)
    plain = AdaptiveLasso(alpha=0.1, gamma=0.0, initial="ridge", **TIGHT).fit(X, y)
    np.testing.assert_allclose(plain.coef_, Lasso(alpha=0.1, **TIGHT).fit(X, y).coef_, atol=1e-10)
    wide = np.random.default_rng(0).standard_normal((30, 60))
    auto = AdaptiveLasso(alpha=0.05).fit(wide, wide[:, 0] * 2.0)
    assert np.all(np.isfinite(auto.penalty_factor_))  # ridge start for p > n
    assert np.flatnonzero(auto.coef_)[0] == 0


def test_bad_input():
    X, y = problem()
    with pytest.raises(ValueError, match="gamma"):
        RelaxedLasso(gamma=1.5).fit(X, y)
    with pytest.raises(ValueError, match="gamma"):
        AdaptiveLasso(gamma=-1.0).fit(X, y)
    with pytest.raises(ValueError, match="coefficients"):
        AdaptiveLasso(initial=np.ones(3)).fit(X, y)
    with pytest.raises(ValueError, match="initial"):
        AdaptiveLasso(initial="lars").fit(X, y)
    y_nan = y.copy()
    y_nan[2] = np.nan
    for model in (RelaxedLasso(), AdaptiveLasso()):
        with pytest.raises(ValueError, match="NaN"):
            model.fit(X, y_nan)
