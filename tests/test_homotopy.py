"""The exact lasso path: scikit-learn's knots, coordinate descent's solutions, exact KKT."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import nnls
from sklearn.datasets import load_diabetes
from sklearn.linear_model import lars_path

from shrinkage import solve
from shrinkage.certificates import certify
from shrinkage.design import make_design
from shrinkage.path.homotopy import ActiveFactor, HomotopyResult, lasso_homotopy
from shrinkage.penalties import L1

# A relative gap of 1e-12 bounds the coefficient error of coordinate descent only by
# ~sqrt(2·gap/μ), about 1e-6 on these problems; 1e-14 (reached in a few dozen epochs) is
# what makes a 1e-8 comparison meaningful.
CD_TOL = 1e-14


def _problem(n=40, p=15, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.5 * rng.standard_normal(n)  # a correlated pair
    w = np.zeros(p)
    w[: min(p, 4)] = [2.0, -1.5, 1.0, 0.5][:p]
    y = X @ w + 0.5 * rng.standard_normal(n) + 1.0
    return X, y


def _drop_problem(seed=3, n=50):
    """x3 ≈ x1 + x2 enters first with a + sign, but least squares gives it a − sign:
    it must leave (and come back negative)."""
    rng = np.random.default_rng(seed)
    x1, x2 = rng.standard_normal(n), rng.standard_normal(n)
    x3 = 0.6 * (x1 + x2) + 0.4 * rng.standard_normal(n)
    X = np.column_stack([x1, x2, x3])
    return X, x1 + x2 - 0.5 * x3 + 0.05 * rng.standard_normal(n)


def _effective(X, y, sample_weight=None):
    """Centred, √weight-scaled design and target (the problem without intercept)."""
    s = np.ones(len(y)) if sample_weight is None else sample_weight * len(y) / sample_weight.sum()
    Xc = X - s @ X / len(y)
    yc = y - s @ y / len(y)
    u = np.sqrt(s)
    return Xc * u[:, None], yc * u


def _midpoints(alphas):
    return 0.5 * (alphas[:-1] + alphas[1:])


def _assert_kkt(X_eff, y_eff, coef, alpha, scale, positive=False, atol=1e-10):
    """|x_jᵀr|/n = α σ_j with the sign of w_j on the support, ≤ α σ_j off it."""
    n = len(y_eff)
    c = X_eff.T @ (y_eff - X_eff @ coef) / n / scale
    on = coef != 0
    np.testing.assert_allclose(c[on], alpha * np.sign(coef[on]), rtol=0, atol=atol)
    if positive:
        assert np.all(c[~on] <= alpha + atol)
    else:
        assert np.all(np.abs(c[~on]) <= alpha + atol)


def test_diabetes_matches_sklearn_lars_path():
    X, y = load_diabetes(return_X_y=True)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    ref_alphas, _, ref_coefs = lars_path(Xc, yc, method="lasso")
    # sklearn's scaling is ours: α_max = max|Xᵀy|/n_samples
    assert ref_alphas[0] == pytest.approx(np.max(np.abs(Xc.T @ yc)) / len(y), rel=1e-14)
    result = lasso_homotopy(X, y)
    assert isinstance(result, HomotopyResult)
    assert result.n_knots == ref_alphas.size == 13
    np.testing.assert_allclose(result.alphas, ref_alphas, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(result.coefs, ref_coefs.T, rtol=1e-9, atol=1e-8)
    np.testing.assert_allclose(result.intercepts, y.mean() - X.mean(axis=0) @ ref_coefs)
    # the textbook lasso modification: feature 6 (hdl) leaves near α = 0.0049, re-enters
    kinds = [(e.feature, e.kind) for e in result.events]
    assert kinds[10:] == [(6, "leave"), (6, "enter"), (-1, "end")]
    assert result.coefs[10, 6] == 0.0
    assert result.active_sets[10] == (0, 1, 2, 3, 4, 5, 7, 8, 9)


@pytest.mark.parametrize(("n", "p", "seed"), [(40, 15, 0), (30, 60, 1), (25, 80, 2)])
def test_random_problems_match_sklearn(n, p, seed):
    X, y = _problem(n, p, seed)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's degenerate-regressor notes at the end
        ref_alphas, _, ref_coefs = lars_path(Xc, yc, method="lasso", max_iter=10_000)
    result = lasso_homotopy(X, y)
    np.testing.assert_allclose(result.alphas, ref_alphas, rtol=1e-9, atol=CD_TOL)
    np.testing.assert_allclose(result.coefs, ref_coefs.T, atol=1e-8)
    if p > n:  # saturated at the rank of the centred design, interpolating at α = 0
        assert len(result.active_sets[-1]) == n - 1
        np.testing.assert_allclose(Xc @ result.coefs[-1], yc, atol=1e-9)


def test_without_intercept_matches_sklearn():
    X, y = _problem(30, 12, 4)
    ref_alphas, _, ref_coefs = lars_path(X, y, method="lasso")
    result = lasso_homotopy(X, y, fit_intercept=False)
    np.testing.assert_allclose(result.alphas, ref_alphas, rtol=1e-10)
    np.testing.assert_allclose(result.coefs, ref_coefs.T, atol=1e-9)
    assert np.all(result.intercepts == 0.0)


def test_knots_and_between_equal_coordinate_descent():
    X, y = _problem(60, 12, 5)
    result = lasso_homotopy(X, y)
    points = np.concatenate([result.alphas[:-1], _midpoints(result.alphas)])
    for alpha in points:
        ref = solve(X, y, alpha, tol=CD_TOL)
        np.testing.assert_allclose(result.coef_at(alpha), ref.coef, atol=1e-8)
        assert result.intercept_at(alpha) == pytest.approx(ref.intercept, abs=1e-8)


@pytest.mark.parametrize(("n", "p"), [(50, 20), (20, 45)])
def test_kkt_is_exact_along_the_path(n, p):
    X, y = _problem(n, p, 6)
    Xc, yc = _effective(X, y)
    result = lasso_homotopy(X, y)
    for alpha in np.concatenate([result.alphas, _midpoints(result.alphas)]):
        _assert_kkt(Xc, yc, result.coef_at(alpha), alpha, np.ones(p))
    # at each knot the penalty level is the largest correlation
    correlations = (yc[:, None] - Xc @ result.coefs.T).T @ Xc / n
    np.testing.assert_allclose(np.abs(correlations).max(axis=1), result.alphas, atol=CD_TOL)


def test_a_variable_leaves_and_comes_back_with_the_other_sign():
    X, y = _drop_problem()
    result = lasso_homotopy(X, y)
    events = [(e.feature, e.kind) for e in result.events]
    assert events == [(2, "enter"), (0, "enter"), (1, "enter"), (2, "leave"), (2, "enter"),
                      (-1, "end")]  # fmt: skip
    leave = 3
    assert result.coefs[leave, 2] == 0.0 and result.coefs[leave - 1, 2] > 0
    assert result.coefs[-1, 2] < 0  # least squares sign at α = 0
    assert result.active_sets[leave] == (0, 1)
    Xc, yc = _effective(X, y)
    for alpha in np.concatenate([result.alphas, _midpoints(result.alphas)]):
        _assert_kkt(Xc, yc, result.coef_at(alpha), alpha, np.ones(3))
    ref = solve(X, y, result.alphas[leave], tol=CD_TOL)
    np.testing.assert_allclose(result.coefs[leave], ref.coef, atol=1e-8)
    assert result.entry_alpha[2] == result.alphas[0]


def test_sample_weights_and_standardize_agree_with_solve():
    X, y = _problem(50, 10, 7)
    X[:, 3] *= 20.0  # scales that standardize must undo
    weights = np.random.default_rng(7).uniform(0.2, 3.0, 50)
    result = lasso_homotopy(X, y, sample_weight=weights, standardize=True)
    Xw, yw = _effective(X, y, weights)
    scale = np.sqrt(np.sum(Xw**2, axis=0) / 50)
    for alpha in np.concatenate([result.alphas[:-1], _midpoints(result.alphas)]):
        ref = solve(X, y, alpha, sample_weight=weights, standardize=True, tol=CD_TOL)
        coef = result.coef_at(alpha)
        np.testing.assert_allclose(coef, ref.coef, atol=1e-8)
        assert result.intercept_at(alpha) == pytest.approx(ref.intercept, abs=1e-8)
        _assert_kkt(Xw, yw, coef, alpha, scale)


def test_positive_agrees_with_solve_and_sklearn():
    X, y = _problem(40, 12, 8)
    result = lasso_homotopy(X, y, positive=True)
    assert np.all(result.coefs >= 0)
    Xc, yc = _effective(X, y)
    ref_alphas, _, ref_coefs = lars_path(Xc, yc, method="lasso", positive=True)
    np.testing.assert_allclose(result.alphas, ref_alphas, rtol=1e-10)
    # sklearn's last positive row repeats the previous knot's coefficients; ours at
    # α = 0 is the non-negative least-squares fit
    np.testing.assert_allclose(result.coefs[:-1], ref_coefs.T[:-1], atol=1e-8)
    assert result.alphas[-1] == 0.0
    np.testing.assert_allclose(result.coefs[-1], nnls(Xc, yc)[0], atol=1e-10)
    for alpha in np.concatenate([result.alphas[:-1], _midpoints(result.alphas)]):
        ref = solve(X, y, alpha, L1(positive=True), tol=CD_TOL)
        # at the knot where x0 enters, CD stops (gap 3e-16) with w0 = 1.6e-8 (exact: 0)
        np.testing.assert_allclose(result.coef_at(alpha), ref.coef, atol=5e-8)
        _assert_kkt(Xc, yc, result.coef_at(alpha), alpha, np.ones(12), positive=True)


def test_collinear_columns_and_the_solution_stays_optimal():
    X, y = _problem(40, 8, 9)
    X = np.column_stack([X, X[:, 0], X[:, 1] - 2 * X[:, 2]])  # 8 = 0, 9 = 1 − 2·2
    result = lasso_homotopy(X, y)
    # of a collinear group, never all are active; those refused are reported
    assert {e.feature for e in result.collinear} <= {0, 1, 2, 8, 9}
    for active in result.active_sets:
        assert not {0, 8} <= set(active) and not {1, 2, 9} <= set(active)
    Xc, yc = _effective(X, y)
    for alpha in np.concatenate([result.alphas, _midpoints(result.alphas)]):
        coef = result.coef_at(alpha)
        _assert_kkt(Xc, yc, coef, alpha, np.ones(10))
        if alpha > 0:  # the objective is CD's (the minimiser is not unique)
            ref = solve(X, y, alpha, tol=CD_TOL).coef

            def objective(w, alpha=alpha):
                return 0.5 * np.mean((yc - Xc @ w) ** 2) + alpha * np.abs(w).sum()

            assert objective(coef) <= objective(ref) * (1 + 1e-12)


def test_active_factor_rejects_collinear_columns_and_downdates_exactly():
    rng = np.random.default_rng(15)
    Z = rng.standard_normal((30, 6))
    factor = ActiveFactor(30, 6)
    for j in range(5):
        assert factor.try_add(Z[:, j])
    assert not factor.try_add(Z[:, 0] + 3 * Z[:, 4])  # in the span: refused
    assert not factor.try_add(Z[:, 2] * (1 + 1e-12))
    factor.remove(1)
    kept = Z[:, [0, 2, 3, 4]]
    np.testing.assert_allclose(factor.R.T @ factor.R, kept.T @ kept, rtol=1e-13, atol=1e-12)
    assert np.all(np.diag(factor.R) > 0) and np.allclose(factor.R, np.triu(factor.R))
    np.testing.assert_array_equal(factor.columns, kept)


def test_alpha_min_and_coef_at_range():
    X, y = _problem(40, 15, 10)
    full = lasso_homotopy(X, y)
    alpha_min = 0.5 * (full.alphas[3] + full.alphas[4])
    result = lasso_homotopy(X, y, alpha_min=alpha_min)
    assert result.alphas[-1] == alpha_min and result.events[-1].kind == "end"
    np.testing.assert_allclose(result.coefs[:4], full.coefs[:4], atol=CD_TOL)
    np.testing.assert_allclose(result.coefs[-1], full.coef_at(alpha_min), atol=CD_TOL)
    assert np.all(result.coef_at(10 * result.alpha_max) == 0.0)
    assert result.coef_at([result.alpha_max, alpha_min]).shape == (2, 15)
    with pytest.raises(ValueError, match="end of the path"):
        result.coef_at(0.5 * alpha_min)


def test_sparse_and_float32_inputs_give_the_same_path():
    X, y = _problem(40, 15, 11)
    X[np.abs(X) < 0.8] = 0.0
    dense = lasso_homotopy(X, y)
    for variant in (sp.csc_matrix(X), X.astype(np.float32)):
        other = lasso_homotopy(variant, y)
        tol = 1e-10 if sp.issparse(variant) else 1e-5  # float32 data are rounded
        np.testing.assert_allclose(other.alphas, dense.alphas, rtol=tol, atol=tol)
        np.testing.assert_allclose(other.coefs, dense.coefs, atol=tol)
        assert other.coefs.dtype == np.float64


def test_max_knots_stops_with_a_warning_and_constant_y_gives_one_knot():
    X, y = _problem(40, 15, 12)
    with pytest.warns(RuntimeWarning, match="max_knots=3"):
        result = lasso_homotopy(X, y, max_knots=3)
    assert result.n_knots == 3 and result.stop_reason == "max_knots"
    flat = lasso_homotopy(X, np.full(40, 2.0))
    assert flat.stop_reason == "zero_correlation" and flat.n_knots == 1
    assert np.all(flat.coef_at(1.0) == 0.0) and flat.intercept_at(1.0) == pytest.approx(2.0)


def test_frame_and_plot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = _drop_problem()
    result = lasso_homotopy(X, y, feature_names=["a", "b", "c"])
    frame = result.to_frame()
    assert list(frame.columns) == ["event", "feature", "intercept", "a", "b", "c"]
    assert list(frame["event"])[:4] == ["enter", "enter", "enter", "leave"]
    assert frame["feature"].iloc[3] == "c" and frame.index.name == "alpha"
    _, ax = plt.subplots()
    assert result.plot(ax=ax) is ax
    assert len(ax.lines) == 3 + 1  # three coefficient paths and the zero line
    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"alpha_min": -1.0}, ValueError, "alpha_min"),
        ({"alpha_min": "0"}, TypeError, "alpha_min"),
        ({"max_knots": 0}, ValueError, "max_knots"),
        ({"max_knots": 2.5}, ValueError, "max_knots"),
        ({"positive": "yes"}, TypeError, "positive"),
        ({"feature_names": ["a"]}, ValueError, "feature_names"),
        ({"sample_weight": -np.ones(10)}, ValueError, "non-negative"),
    ],
)
def test_bad_input(kwargs, error, match):
    X, y = _problem(10, 3, 13)
    with pytest.raises(error, match=match):
        lasso_homotopy(X, y, **kwargs)


def test_bad_data():
    X, y = _problem(10, 3, 14)
    with pytest.raises(ValueError, match="samples"):
        lasso_homotopy(X, y[:-1])
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        lasso_homotopy(X, y)
    with pytest.raises(ValueError, match="zero variance"):
        lasso_homotopy(np.ones((10, 2)), y, standardize=True)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(5, 20),
    p=st.integers(1, 12),
    positive=st.booleans(),
)
def test_property_knots_are_optimal_and_equal_coordinate_descent(seed, n, p, positive):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, 0] - 0.5 * X[:, -1] + rng.standard_normal(n)
    result = lasso_homotopy(X, y, positive=positive)
    assert np.all(np.diff(result.alphas) <= 0)
    design = make_design(X, y)
    Xc, yc = _effective(X, y)
    for alpha, coef in zip(result.alphas, result.coefs, strict=True):
        weights = np.full(p, alpha)
        ours = certify(design, coef, weights, np.zeros(p), positive)
        # rounding: ε · cond · |w| (|w| reaches 1e3 on some nearly singular draws)
        assert np.max(ours.kkt_residual) <= 1e-12 * max(1.0, np.max(np.abs(coef)))
        assert ours.relative_gap <= 1e-11
        if alpha <= 1e-8 * result.alpha_max:
            continue  # at α → 0 with p ≥ n the minimiser is not unique
        ref = solve(X, y, alpha, L1(positive=positive), tol=CD_TOL, max_iter=100_000)
        # strong convexity on the union of the supports bounds the distance to CD's
        # point by its gap: ‖Δ‖² ≤ 2·gap/μ
        union = (coef != 0) | (ref.coef != 0)
        mu = np.linalg.eigvalsh(Xc[:, union].T @ Xc[:, union] / n)[0] if union.any() else 1.0
        if mu > 1e-6:
            gap = max(ref.dual_gap, 0.0) + 1e-15 * ours.primal_at_zero
            bound = np.sqrt(2 * gap / mu) + 1e-10
            assert np.linalg.norm(coef - ref.coef) <= bound
