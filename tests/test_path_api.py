"""Regularization paths: every point certified, every strategy the same solution."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import enet_path

import shrinkage
from shrinkage.certificates import certify
from shrinkage.design import make_design
from shrinkage.penalties import L1, L2, ElasticNetPenalty


def _problem(n=80, p=40, seed=0, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.5 * rng.standard_normal(n)  # correlated pair
    if sparse:
        X = X * (rng.random((n, p)) < 0.3)
    w = np.zeros(p)
    w[:5] = [3.0, -2.0, 1.5, 0.0, 1.0]
    y = X @ w + 0.3 * rng.standard_normal(n) + 2.0
    return (sp.csr_matrix(X) if sparse else X), y


@pytest.mark.parametrize("strategy", ["cd", "working_set", "gram"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_path_matches_sklearn_and_is_certified(strategy, sparse, l1_ratio):
    X, y = _problem(sparse=sparse)
    n, p = X.shape
    result = shrinkage.path(
        X, y, ElasticNetPenalty(l1_ratio), n_alphas=25, tol=1e-12, strategy=strategy
    )
    Xd = X.toarray() if sparse else X
    Xc, yc = Xd - Xd.mean(axis=0), y - y.mean()
    _, ref, _ = enet_path(Xc, yc, l1_ratio=l1_ratio, alphas=result.alphas, tol=1e-15,
                          max_iter=1_000_000, precompute=False)  # fmt: skip
    # a relative gap of 1e-12 bounds the coefficient error by ~sqrt(2·gap/μ) ≈ 1e-5 here
    np.testing.assert_allclose(result.coefs, ref.T, atol=2e-5)
    np.testing.assert_allclose(result.intercepts, y.mean() - Xd.mean(axis=0) @ ref,
                               atol=2e-5)  # fmt: skip
    # the certificates are recomputed here from the coefficients, not trusted
    design = make_design(X, y, None, True)
    for alpha, coef in zip(result.alphas, result.coefs, strict=True):
        a, b = ElasticNetPenalty(l1_ratio).weights(alpha, p)
        assert certify(design, coef, a, b).relative_gap <= 1e-11
    assert np.all(result.relative_gaps <= 1e-12)


def test_first_point_is_all_zero_and_entry_alpha_is_the_threshold():
    X, y = _problem()
    result = shrinkage.path(X, y, n_alphas=40)
    assert result.n_active[0] == 0 and np.all(result.coefs[0] == 0)
    assert result.n_active[1] >= 1
    for j in range(X.shape[1]):
        above = result.alphas > result.entry_alpha[j]
        assert np.all(result.coefs[above, j] == 0)
        if result.entry_alpha[j] > 0:
            k = np.flatnonzero(result.alphas == result.entry_alpha[j])[0]
            assert result.coefs[k, j] != 0
    # the lasso α_max: max |x_jᵀ(y − ȳ)| / n on centred data
    Xc = X - X.mean(axis=0)
    assert result.alphas[0] == pytest.approx(np.max(np.abs(Xc.T @ (y - y.mean()))) / len(y))
    np.testing.assert_array_equal(result.n_zeros, X.shape[1] - result.n_active)


def test_strategies_agree_with_weights_positive_and_standardize():
    X, y = _problem(n=120, p=30, seed=3)
    weights = np.random.default_rng(1).uniform(0.2, 2.0, size=len(y))
    kwargs = dict(n_alphas=15, tol=1e-12, sample_weight=weights, standardize=True)
    penalty = L1(positive=True)
    paths = [
        shrinkage.path(X, y, penalty, strategy=s, **kwargs) for s in ("cd", "working_set", "gram")
    ]
    for other in paths[1:]:
        np.testing.assert_allclose(other.coefs, paths[0].coefs, atol=1e-7)
        np.testing.assert_allclose(other.intercepts, paths[0].intercepts, atol=1e-6)
    assert np.all(paths[0].coefs >= 0)
    # each point equals a direct, independently certified fit
    k = 10
    single = shrinkage.solve(X, y, paths[0].alphas[k], penalty, sample_weight=weights,
                             standardize=True, tol=1e-12)  # fmt: skip
    np.testing.assert_allclose(paths[1].coefs[k], single.coef, atol=1e-7)


def test_grid_rules_and_ridge_grid():
    X, y = _problem(n=30, p=60)
    result = shrinkage.path(X, y, n_alphas=5)
    assert result.alphas[-1] / result.alphas[0] == pytest.approx(1e-2)  # n < p
    X2, y2 = _problem(n=60, p=30)
    result2 = shrinkage.path(X2, y2, n_alphas=5)
    assert result2.alphas[-1] / result2.alphas[0] == pytest.approx(1e-3)  # n ≥ p
    ridge = shrinkage.path(X2, y2, L2(), n_alphas=5)
    lasso_max = result2.alphas[0]
    assert ridge.alphas[0] == pytest.approx(lasso_max / 1e-3)  # glmnet's ρ = 1e-3 rule
    assert ridge.alphas[-1] == pytest.approx(result2.alphas[-1])  # ends where the lasso does
    assert np.all(ridge.n_active == X2.shape[1])  # ridge never zeroes


def test_unpenalised_features_use_cd_and_stay_in():
    X, y = _problem(n=60, p=20)
    factors = np.ones(20)
    factors[7] = 0.0
    result = shrinkage.path(X, y, L1(penalty_factor=factors), n_alphas=10, tol=1e-10)
    assert np.all(result.coefs[:, 7] != 0)
    assert np.all(result.coefs[0, np.arange(20) != 7] == 0)  # α_max accounts for it
    assert np.all(result.relative_gaps <= 1e-10)
    with pytest.raises(ValueError, match="needs every feature penalised"):
        shrinkage.path(X, y, L1(penalty_factor=factors), strategy="gram")


def test_float32_path_keeps_dtype():
    X, y = _problem()
    result = shrinkage.path(X.astype(np.float32), y.astype(np.float32), n_alphas=10, tol=1e-4)
    assert result.coefs.dtype == np.float32
    assert np.all(result.relative_gaps <= 1e-4)


def test_to_frame_and_plot():
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = _problem(p=6)
    result = shrinkage.path(X, y, n_alphas=8, feature_names=[f"f{j}" for j in range(6)])
    frame = result.to_frame()
    assert list(frame.columns) == ["intercept"] + [f"f{j}" for j in range(6)]
    np.testing.assert_allclose(frame.index.to_numpy(), result.alphas)
    ax = result.plot()
    assert len(ax.get_lines()) >= 6 and ax.get_xscale() == "log"
    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(alphas=[0.1, -1.0]), "alphas"),
        (dict(n_alphas=0), "n_alphas"),
        (dict(alpha_min_ratio=0.0), "alpha_min_ratio"),
        (dict(loss="hinge"), "loss"),
        (dict(strategy="magic"), "strategy"),
    ],
)
def test_bad_arguments(kwargs, match):
    X, y = _problem(n=20, p=5)
    with pytest.raises(ValueError, match=match):
        shrinkage.path(X, y, **kwargs)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    "switches",
    [
        dict(warm_start=False),
        dict(screening=False),
        dict(extrapolation=False),
        dict(warm_start=False, screening=False, extrapolation=False),
    ],
)
def test_speedups_can_be_switched_off_without_changing_the_solution(sparse, switches):
    X, y = _problem(n=60, p=120, seed=5, sparse=sparse)
    reference = shrinkage.path(X, y, n_alphas=20, tol=1e-12, strategy="working_set")
    other = shrinkage.path(X, y, n_alphas=20, tol=1e-12, strategy="working_set", **switches)
    np.testing.assert_allclose(other.coefs, reference.coefs, atol=1e-6)
    assert np.all(other.relative_gaps <= 1e-12)


@pytest.mark.parametrize("strategy", ["cd", "working_set", "gram"])
def test_screened_features_are_proven_zero(strategy):
    X, y = _problem(n=90, p=40, seed=11)
    result = shrinkage.path(X, y, n_alphas=15, tol=1e-10, strategy=strategy)
    assert result.n_screened.shape == (15,)
    assert np.all(result.n_screened <= X.shape[1] - result.n_active)
    # at α_max all but the feature that sets α_max (on the boundary |c_j| = α) are proven
    assert result.n_screened[0] == X.shape[1] - 1
    assert result.n_screened[5] > 0
    # the test's promise, checked against an independent, tighter solve
    for k in (3, 6, 9):
        exact = shrinkage.solve(X, y, result.alphas[k], solver="cd", tol=1e-14)
        zero_now = np.flatnonzero(result.coefs[k] == 0)
        assert np.sum(exact.coef[zero_now] == 0) >= result.n_screened[k]
