"""The "homotopy" strategy of shrinkage.path: exact knots read off on the grid."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import lasso_path

import shrinkage
from shrinkage.certificates import certify
from shrinkage.design import make_design
from shrinkage.path import homotopy_points as path_homotopy
from shrinkage.path.points import new_points
from shrinkage.path.rows import DenseRows
from shrinkage.penalties import L1, ElasticNetPenalty


def _wide(n=40, p=120, seed=0, rho=0.8):
    """Strongly correlated columns (AR(1)): the case where CD needs many epochs."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p))
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[[3, 10, 50, 51]] = [2.0, -1.5, 1.0, 1.0]
    return X, X @ w + 0.5 * rng.standard_normal(n) + 1.0


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_auto_picks_homotopy_on_wide_dense_lasso_and_matches_sklearn():
    X, y = _wide()
    result = shrinkage.path(X, y, n_alphas=30, alpha_min_ratio=1e-3, tol=1e-10)
    assert result.strategy == "homotopy"
    # exact to rounding: far below the requested tol, recomputed here from the coefs
    design = make_design(X, y, None, True)
    for alpha, coef in zip(result.alphas, result.coefs, strict=True):
        gap = certify(design, coef, np.full(X.shape[1], alpha), np.zeros(X.shape[1]))
        assert gap.relative_gap <= 1e-12
    assert np.all(result.relative_gaps <= 1e-12)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    _, ref, _ = lasso_path(Xc, yc, alphas=result.alphas, tol=1e-13, max_iter=10**6)
    np.testing.assert_allclose(result.coefs, ref.T, atol=1e-5)
    np.testing.assert_allclose(result.intercepts, y.mean() - X.mean(axis=0) @ ref, atol=1e-5)
    iterative = shrinkage.path(X, y, alphas=result.alphas, tol=1e-14, strategy="working_set")
    np.testing.assert_allclose(result.coefs, iterative.coefs, atol=1e-6)
    # n_iter counts the knots passed since the previous grid point (none at α_max)
    assert result.n_iter[0] == 0 and np.sum(result.n_iter) >= result.n_active.max()
    assert result.n_active[0] == 0 and result.n_screened[0] >= X.shape[1] - 1


def test_other_strategies_stay_where_they_belong():
    X, y = _wide()
    assert shrinkage.path(X, y, ElasticNetPenalty(0.5), n_alphas=5).strategy == "working_set"
    assert shrinkage.path(sp.csc_matrix(X), y, n_alphas=5).strategy == "working_set"
    assert shrinkage.path(X.astype(np.float32), y, n_alphas=5).strategy == "working_set"
    assert shrinkage.path(X[:, :15], y, n_alphas=5).strategy == "gram"  # n ≥ 2p
    with pytest.raises(ValueError, match="pure L1"):
        shrinkage.path(X, y, ElasticNetPenalty(0.5), strategy="homotopy")
    with pytest.raises(ValueError, match="alphas must be > 0 on a path"):
        shrinkage.path(X, y, alphas=[1.0, 0.0], strategy="homotopy")


@pytest.mark.parametrize("sparse", [False, True])
def test_homotopy_equals_working_set_with_weights_positive_standardize_factors(sparse):
    X, y = _wide(n=50, p=80, seed=2)
    X = sp.csc_matrix(X * (np.abs(X) > 0.4)) if sparse else X
    rng = np.random.default_rng(3)
    kwargs = dict(n_alphas=20, tol=1e-12, standardize=True,
                  sample_weight=rng.uniform(0.3, 2.0, size=len(y)))  # fmt: skip
    for penalty in (L1(positive=True), L1(penalty_factor=rng.uniform(0.5, 2.0, X.shape[1]))):
        exact = shrinkage.path(X, y, penalty, strategy="homotopy", **kwargs)
        iterative = shrinkage.path(X, y, penalty, strategy="working_set", **kwargs)
        assert exact.strategy == "homotopy"
        np.testing.assert_allclose(exact.coefs, iterative.coefs, atol=1e-6)
        np.testing.assert_allclose(exact.intercepts, iterative.intercepts, atol=1e-6)
        assert np.all(exact.relative_gaps <= 1e-12)
        assert not penalty.positive or np.all(exact.coefs >= 0)


def test_knot_budget_hands_the_rest_to_coordinate_descent(monkeypatch):
    X, y = _wide(seed=4)
    reference = shrinkage.path(X, y, n_alphas=25, tol=1e-11, strategy="working_set")
    import importlib

    squared = importlib.import_module("shrinkage.path.squared")
    monkeypatch.setattr(squared, "knot_budget", lambda n, p: 6)
    mixed = shrinkage.path(X, y, n_alphas=25, tol=1e-11)
    assert mixed.strategy == "homotopy+working_set"
    exact_points = np.flatnonzero(mixed.relative_gaps < 1e-13)
    assert 0 < exact_points.size < 25  # some points exact, the rest by CD
    assert np.all(mixed.relative_gaps <= 1e-11)
    np.testing.assert_allclose(mixed.coefs, reference.coefs, atol=1e-5)


def test_a_point_missing_tol_is_polished():
    X, y = _wide(seed=5)
    design = make_design(X, y, None, True)
    alphas = np.max(np.abs(design.rmatvec(design.y))) / len(y) * np.array([0.3, 0.1])
    penalty = L1()
    rows, points, done, _ = path_homotopy.homotopy_points(
        design, penalty, None, alphas, 1e-12, True, 1000
    )
    coefs = rows.finish()
    assert done == 2 and np.all(points["relative_gap"] <= 1e-12)
    # spoil one solution: the certificate sees it, the polish repairs it
    spoiled = coefs.copy()
    spoiled[1] *= 0.9
    weight = np.ones(X.shape[1])
    fresh = new_points(2)
    path_homotopy.certify_points(design, DenseRows(spoiled), alphas, weight, False, fresh)
    assert fresh["relative_gap"][1] > 1e-6 and fresh["relative_gap"][0] <= 1e-12
    path_homotopy.polish_points(design, DenseRows(spoiled), alphas, weight, False, 1e-12,
                                fresh, 2, True)  # fmt: skip
    assert np.all(fresh["relative_gap"] <= 1e-12)
    np.testing.assert_allclose(spoiled[1], coefs[1], atol=1e-6)
    assert fresh["intercept"][1] == pytest.approx(design.intercept(spoiled[1]))


def test_memory_holds_the_grid_not_the_knots():
    from shrinkage.path.homotopy import Homotopy

    X, y = _wide(n=60, p=300, seed=6)
    design = make_design(X, y, None, False)
    grid = np.geomspace(1.0, 1e-3, 7) * np.max(np.abs(X.T @ y)) / 60
    walk = Homotopy(design, np.ones(300), False, grid[-1], 10_000, False, grid=grid)
    walk.run()
    assert walk.coefs == [] and walk.active_sets == []
    assert walk.grid_rows.finish().shape == (7, 300) and walk.grid_filled == 7
    assert len(walk.alphas) > 7  # more knots than grid points, none of them stored


def test_auto_keeps_the_exact_path_for_loose_tol_only_on_few_rows():
    """The homotopy's cost does not fall with tol: at tol ≥ 1e-5 auto takes it for at
    most 200 rows, at a tight tol for up to 1000."""
    rng = np.random.default_rng(12)
    for n, tol, expected in [(300, 1e-4, "working_set"), (300, 1e-6, "homotopy"),
                             (80, 1e-4, "homotopy")]:  # fmt: skip
        X = rng.standard_normal((n, 2 * n))
        y = X[:, :5] @ rng.standard_normal(5) + 0.1 * rng.standard_normal(n)
        result = shrinkage.path(X, y, n_alphas=5, tol=tol)
        assert result.strategy == expected, (n, tol)
        assert np.all(result.relative_gaps <= tol)
