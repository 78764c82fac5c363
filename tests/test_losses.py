"""The loss objects: derivatives, conjugate, P(0), α_max and the weights' normalisation."""

from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage import solve
from shrinkage.losses import LogisticLoss, Loss, PoissonLoss, SquaredLoss, normalise_sample_weight
from shrinkage.penalties import L1, L2, ElasticNetPenalty
from shrinkage.solvers.logistic import logistic_alpha_max, solve_logistic
from shrinkage.solvers.logistic_point import loss_at


def _problem(seed, n=30, weighted=True):
    rng = np.random.default_rng(seed)
    y01 = (rng.random(n) < 0.4).astype(float)
    y01[:2] = [0.0, 1.0]
    targets = {
        "squared": rng.standard_normal(n) * 2 + 1,
        "logistic": y01,
        "poisson": rng.poisson(2.0, n).astype(float),
    }
    z = rng.standard_normal(n)
    weights = normalise_sample_weight(rng.uniform(0.2, 3.0, n), n) if weighted else None
    return targets, z, weights, rng


LOSSES = {"squared": SquaredLoss(), "logistic": LogisticLoss(), "poisson": PoissonLoss()}


def every_loss_at_random_points(test):
    """``test(name, seed, weighted)`` for every loss, on 25 random problems each."""
    test = given(seed=st.integers(0, 10**6), weighted=st.booleans())(test)
    test = settings(max_examples=25, deadline=None)(test)
    return pytest.mark.parametrize("name", sorted(LOSSES))(test)


@every_loss_at_random_points
def test_gradient_and_curvature_match_finite_differences(name, seed, weighted):
    targets, z, weights, _ = _problem(seed, weighted=weighted)
    loss, y, h = LOSSES[name], targets[name], 1e-6
    gradient, curvature = loss.gradient(y, z, weights), loss.curvature(z, weights)
    for i in (0, 7, 29):
        step = np.zeros_like(z)
        step[i] = h
        slope = (loss.value(y, z + step, weights) - loss.value(y, z - step, weights)) / (2 * h)
        # the difference of two values of F rounds to ε·F: that, over 2h, is the slack
        rounding = 4 * np.finfo(float).eps * abs(loss.value(y, z, weights)) / (2 * h)
        assert slope == pytest.approx(gradient[i], rel=1e-6, abs=1e-10 + rounding)
        bend = (loss.gradient(y, z + step, weights) - loss.gradient(y, z - step, weights))[i]
        assert bend / (2 * h) == pytest.approx(curvature[i], rel=1e-6, abs=1e-10)


@every_loss_at_random_points
def test_fenchel_young_equality_at_the_dual_point(name, seed, weighted):
    """``F(z) + F*(−θ) = −θᵀz`` exactly at ``θ = −∇F(z)``, and ``≥`` at any other θ."""
    targets, z, weights, rng = _problem(seed, weighted=weighted)
    loss, y = LOSSES[name], targets[name]
    theta = loss.dual_point(loss.residual(y, z), weights)
    np.testing.assert_allclose(theta, -loss.gradient(y, z, weights), rtol=1e-14, atol=1e-17)
    assert loss.value(y, z, weights) + theta @ z == pytest.approx(
        loss.dual_value(y, theta, weights), rel=1e-12, abs=1e-12
    )
    other = loss.dual_point(loss.residual(y, z + rng.standard_normal(z.shape[0])), weights)
    assert loss.value(y, z, weights) + other @ z >= loss.dual_value(y, other, weights) - 1e-12


@pytest.mark.parametrize("weighted", [True, False])
def test_the_duality_gap_closes_at_the_ridge_optimum(weighted):
    """At the optimum w* of ``F(Xw) + (λ/2)‖w‖²`` the dual point ``θ = −∇F(Xw*)`` makes
    ``D(θ) = −F*(−θ) − ‖Xᵀθ‖²/(2λ)`` equal to the primal: the conjugates are exact."""
    rng = np.random.default_rng(7)
    X = rng.standard_normal((50, 6))
    raw = rng.uniform(0.2, 3.0, 50) if weighted else None
    weights = None if raw is None else normalise_sample_weight(raw, 50)
    s = np.ones(50) if weights is None else weights
    y = X @ rng.standard_normal(6) + rng.standard_normal(50)
    labels = (rng.random(50) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)
    lam = 0.1
    ridge = np.linalg.solve(X.T @ (s[:, None] * X) / 50 + lam * np.eye(6), X.T @ (s * y) / 50)
    logistic = solve_logistic(X, labels, lam, L2(), fit_intercept=False, sample_weight=raw,
                              tol=1e-14).coef  # fmt: skip
    for loss, target, w in [(SquaredLoss(), y, ridge), (LogisticLoss(), labels, logistic)]:
        z = X @ w
        theta = loss.dual_point(loss.residual(target, z), weights)
        primal = loss.value(target, z, weights) + 0.5 * lam * w @ w
        dual = loss.dual_value(target, theta, weights) - (X.T @ theta) @ (X.T @ theta) / (2 * lam)
        assert primal - dual == pytest.approx(0.0, abs=1e-12)


def test_dual_value_is_minus_infinity_outside_the_domain():
    y = np.array([1.0, 0.0, 1.0])
    assert LogisticLoss().dual_value(y, -y / 3) == -np.inf  # q = 2y outside [0, 1]
    weights = np.array([1.5, 0.0, 1.5])
    assert LogisticLoss().dual_value(y, np.array([0.0, 0.1, 0.0]), weights) == -np.inf
    assert SquaredLoss().dual_value(y, np.array([0.0, 0.1, 0.0]), weights) == -np.inf


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
def test_primal_at_zero_is_the_loss_of_the_null_model(fit_intercept, weighted):
    targets, _, weights, _ = _problem(3, weighted=weighted)
    for name, loss in LOSSES.items():
        y = targets[name]
        null = loss.null_prediction(y, weights, fit_intercept)
        expected = Loss.primal_at_zero(loss, y, weights, fit_intercept)  # the generic form
        assert loss.primal_at_zero(y, weights, fit_intercept) == pytest.approx(expected)
        if fit_intercept:  # the null model's intercept is optimal: Σ ∂F/∂z_i = 0
            gradient = loss.gradient(y, np.full(y.shape[0], null), weights)
            assert abs(gradient.sum()) <= 1e-12
    y, s = targets["squared"], np.ones(30) if weights is None else weights
    centred = y - (s @ y / 30 if fit_intercept else 0.0)
    assert SquaredLoss().primal_at_zero(y, weights, fit_intercept) == pytest.approx(
        s @ centred**2 / 60
    )


def test_the_compiled_loss_computes_the_same_derivatives():
    targets, z, weights, _ = _problem(4)
    y, loss = targets["logistic"], LogisticLoss()
    point = loss_at(SimpleNamespace(y=y, s=weights, loss=loss), z)
    assert point.loss == pytest.approx(loss.value(y, z, weights), rel=1e-13)
    np.testing.assert_allclose(point.gradient_z, loss.gradient(y, z, weights), rtol=1e-12)
    np.testing.assert_allclose(point.curvature, loss.curvature(z, weights), rtol=1e-12)


def _null_correlation(loss, X, y, weights):
    """``Xᵀθ₀`` on centred columns: the intercept is the one unpenalised variable."""
    null = loss.null_prediction(y, weights)
    theta = loss.dual_point(loss.residual(y, np.full(y.shape[0], null)), weights)
    s = np.ones(y.shape[0]) if weights is None else weights
    centred = X - (s @ X) / y.shape[0]  # Σθ₀ = 0, so centring does not change Xᵀθ₀
    return centred.T @ theta


@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("penalty", [L1(), ElasticNetPenalty(0.5)])
def test_alpha_max_is_where_the_lasso_leaves_zero(weighted, penalty):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 8)) * rng.uniform(0.5, 3.0, 8)
    raw = rng.uniform(0.2, 3.0, 60) if weighted else None
    weights = None if raw is None else normalise_sample_weight(raw, 60)
    y = X[:, 0] - 0.5 * X[:, 3] + rng.standard_normal(60)
    labels = (rng.random(60) < 1 / (1 + np.exp(-X[:, 0]))).astype(float)

    squared = SquaredLoss()
    alpha_max = squared.alpha_max(_null_correlation(squared, X, y, weights), penalty)
    at = solve(X, y, alpha_max, penalty, sample_weight=raw, tol=1e-10)
    below = solve(X, y, 0.99 * alpha_max, penalty, sample_weight=raw, tol=1e-10)
    assert np.all(at.coef == 0) and np.any(below.coef != 0)

    logistic = LogisticLoss()
    alpha_max = logistic.alpha_max(_null_correlation(logistic, X, labels, weights), penalty)
    assert alpha_max == pytest.approx(
        logistic_alpha_max(X, labels, penalty, sample_weight=raw), rel=1e-12
    )
    at = solve_logistic(X, labels, alpha_max, penalty, sample_weight=raw, tol=1e-10)
    below = solve_logistic(X, labels, 0.99 * alpha_max, penalty, sample_weight=raw, tol=1e-10)
    assert np.all(at.coef == 0) and np.any(below.coef != 0)


def test_alpha_max_of_a_sparse_design_is_the_dense_one():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((40, 6)) * (rng.random((40, 6)) < 0.5)
    labels = (rng.random(40) < 0.5).astype(float)
    labels[:2] = [0.0, 1.0]
    dense = logistic_alpha_max(X, labels)
    assert logistic_alpha_max(sp.csc_matrix(X), labels) == pytest.approx(dense, rel=1e-13)


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.floats(0.0, 1e300), min_size=1, max_size=20).filter(lambda w: max(w) > 0),
    power=st.integers(-600, 600),
)
def test_normalised_weights_sum_to_n_and_ignore_the_scale(weights, power):
    n = len(weights)
    s = normalise_sample_weight(np.array(weights), n)
    assert np.all(np.isfinite(s)) and s.sum() == pytest.approx(n, rel=1e-12)
    assert np.all(s >= 0)
    with np.errstate(over="ignore", under="ignore"):  # exact unless it leaves the range
        rescaled = np.ldexp(np.array(weights), power)
        exact = np.all(np.ldexp(rescaled, -power) == np.array(weights))
    if exact:
        np.testing.assert_array_equal(normalise_sample_weight(rescaled, n), s)


def test_no_weights_are_ones():
    np.testing.assert_array_equal(normalise_sample_weight(None, 3), np.ones(3))
    assert isinstance(SquaredLoss(), Loss) and isinstance(LogisticLoss(), Loss)
    assert LogisticLoss().normalise_weights([2.0, 6.0], 2).tolist() == [0.5, 1.5]
