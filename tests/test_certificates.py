"""Duality gap and KKT residual: valid bounds everywhere, zero at the optimum."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model

from _reference import cvxpy_fit, make_regression, normalised_weights, objective
from shrinkage.certificates import certify, primal_value
from shrinkage.design import make_design
from shrinkage.penalties import L1, ElasticNetPenalty


def _random_case(rng):
    n, p = int(rng.integers(5, 40)), int(rng.integers(1, 30))
    X = rng.standard_normal((n, p)) * rng.uniform(0.2, 4, p)
    y = rng.standard_normal(n) * 3 + 1
    fit_intercept, positive = bool(rng.integers(2)), bool(rng.integers(2))
    sw = rng.uniform(0.1, 3, n) if rng.integers(2) else None
    a = rng.uniform(0, 1, p) * (rng.uniform(size=p) < 0.8)
    b = rng.uniform(0, 1, p) * (rng.uniform(size=p) < 0.5)
    w = rng.standard_normal(p) * (rng.uniform(size=p) < 0.5)
    if positive:
        w = np.abs(w)
    Xin = sp.csc_matrix(X) if rng.integers(2) else X
    return X, Xin, y, sw, fit_intercept, positive, a, b, w


def test_gap_is_nonnegative_and_equals_primal_minus_dual_for_random_points():
    rng = np.random.default_rng(0)
    for _ in range(150):
        X, Xin, y, sw, fit_intercept, positive, a, b, w = _random_case(rng)
        design = make_design(Xin, y, sw, fit_intercept)
        cert = certify(design, w, a, b, positive)
        assert np.isfinite(cert.dual)
        assert cert.dual_gap >= -1e-12 * max(1.0, cert.primal_at_zero)
        assert cert.dual_gap == cert.primal - cert.dual
        assert cert.relative_gap == pytest.approx(cert.dual_gap / cert.primal_at_zero)
        assert np.all(cert.kkt_residual >= 0)


def test_primal_is_the_objective_with_the_intercept_profiled_out():
    rng = np.random.default_rng(1)
    for _ in range(30):
        X, Xin, y, sw, fit_intercept, positive, a, b, w = _random_case(rng)
        design = make_design(Xin, y, sw, fit_intercept)
        intercept = design.intercept(w) if fit_intercept else 0.0
        n = X.shape[0]
        s = normalised_weights(sw, n)
        r = y - X @ w - intercept
        expected = s @ r**2 / (2 * n) + a @ np.abs(w) + 0.5 * b @ w**2
        assert primal_value(design, w, a, b) == pytest.approx(expected, rel=1e-12)
        # P(0): the weighted variance (or mean square) of y, halved
        y0 = y - (s @ y / n if fit_intercept else 0.0)
        assert certify(design, w, a, b).primal_at_zero == pytest.approx(s @ y0**2 / (2 * n))


def test_dual_is_a_lower_bound_on_every_primal_value():
    """Weak duality: D(θ(w₁)) ≤ P(w₂) for any pair of points."""
    rng = np.random.default_rng(2)
    X, y = make_regression(n=30, p=10, seed=2)
    design = make_design(X, y, None, True)
    a, b = np.full(10, 0.1), np.full(10, 0.05)
    points = [rng.standard_normal(10) * rng.uniform(0, 2) for _ in range(20)]
    duals = [certify(design, w, a, b).dual for w in points]
    primals = [primal_value(design, w, a, b) for w in points]
    assert max(duals) <= min(primals) + 1e-12


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_gap_and_kkt_vanish_at_the_sklearn_optimum(sparse, fit_intercept, l1_ratio):
    X, y = make_regression(n=50, p=15, seed=3)
    sw = np.random.default_rng(3).uniform(0.5, 2, 50)
    alpha = 0.1
    ref = linear_model.ElasticNet(
        alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, tol=1e-14, max_iter=100_000
    ).fit(X, y, sample_weight=sw)
    design = make_design(sp.csc_matrix(X) if sparse else X, y, sw, fit_intercept)
    a, b = ElasticNetPenalty(l1_ratio).weights(alpha, 15)
    cert = certify(design, ref.coef_, a, b)
    assert cert.relative_gap <= 1e-10
    assert cert.max_kkt_residual <= 1e-7
    # a point away from the optimum is certified as such
    worse = certify(design, ref.coef_ + 0.05, a, b)
    assert worse.relative_gap > 1e-5
    assert worse.max_kkt_residual > 1e-3


def test_gap_closes_with_unpenalised_features_and_positivity():
    """Unpenalised (f_j = 0) features, with and without w ≥ 0, at the cvxpy optimum.

    Regression test: with positivity, projecting θ on ``X_Fᵀθ = 0`` for *every*
    unpenalised feature left a gap of ~0.7·P(0) at the optimum when one of them sat at 0.
    """
    X, y = make_regression(n=40, p=6, seed=5)
    y = y - 3.0 * X[:, 0]  # the unpenalised feature 0 wants a negative coefficient
    factor = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 2.0])
    for positive in (False, True):
        pen = L1(penalty_factor=factor, positive=positive)
        coef, intercept = cvxpy_fit(X, y, 0.05, penalty_factor=factor, positive=positive)
        if positive:
            assert coef[0] == pytest.approx(0.0, abs=1e-7)
        # an interior-point solver stops at |w_j| ~ 1e-10 where the lasso has exact zeros
        coef[np.abs(coef) < 1e-8] = 0.0
        design = make_design(X, y, None, True)
        a, b = pen.weights(0.05, 6)
        cert = certify(design, coef, a, b, positive)
        assert cert.relative_gap <= 1e-8
        assert cert.max_kkt_residual <= 1e-5
        assert cert.primal == pytest.approx(
            objective(X, y, coef, design.intercept(coef), 0.05, penalty_factor=factor)
        )


def test_positivity_violation_has_infinite_primal_and_kkt():
    X, y = make_regression(n=20, p=3, seed=6)
    design = make_design(X, y, None, True)
    a, b = L1().weights(0.1, 3)
    cert = certify(design, np.array([1.0, -0.5, 0.0]), a, b, positive=True)
    assert cert.primal == np.inf and cert.dual_gap == np.inf
    assert cert.kkt_residual[1] == np.inf


def test_zero_is_certified_optimal_above_alpha_max():
    X, y = make_regression(n=25, p=5, seed=7)
    design = make_design(X, y, None, True)
    alpha_max = np.max(np.abs(design.rmatvec(design.y))) / 25
    for factor, optimal in ((1.0, True), (0.9, False)):
        a, b = L1().weights(factor * alpha_max, 5)
        cert = certify(design, np.zeros(5), a, b)
        assert (cert.dual_gap <= 1e-14) == optimal
        assert (cert.max_kkt_residual <= 1e-14) == optimal


def test_ridge_certificate_at_the_closed_form():
    X, y = make_regression(n=30, p=8, seed=8)
    Xc, yc = X - X.mean(0), y - y.mean()
    b = np.full(8, 0.3)
    w = np.linalg.solve(Xc.T @ Xc / 30 + np.diag(b), Xc.T @ yc / 30)
    cert = certify(make_design(X, y, None, True), w, np.zeros(8), b)
    assert abs(cert.relative_gap) <= 1e-13
    assert cert.max_kkt_residual <= 1e-13
