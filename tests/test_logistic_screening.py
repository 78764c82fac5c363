"""Gap-safe screening for the logistic loss: every feature the test proves zero is zero
at a tightly certified solution, and every dual optimum lies in the sphere."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import shrinkage
from shrinkage.certificates.logistic import gap_safe_zeros
from shrinkage.losses import LogisticLoss, SquaredLoss
from shrinkage.path.logistic import prepare_logistic, prepared_alpha_max
from shrinkage.penalties import L1, ElasticNetPenalty
from shrinkage.solvers.logistic import solve_prepared


def _problem(seed, n=120, p=25, sparse=False, weighted=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.uniform(-1, 1, p)
    if sparse:
        X[rng.random((n, p)) < 0.5] = 0.0
    w = np.zeros(p)
    w[:4] = [1.5, -1.0, 0.8, 0.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 0.3)))).astype(float)
    s = rng.uniform(0.2, 3.0, n) if weighted else None
    return (sp.csc_matrix(X) if sparse else X), y, s


def _shrunk_dual(point, a, b, positive):
    hard = (b == 0) & (a > 0)
    c = np.maximum(point.correlation, 0) if positive else np.abs(point.correlation)
    return point.theta / max(1.0, float(np.max(c[hard] / a[hard], initial=0.0)))


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 5000),
    fraction=st.floats(0.05, 0.9),
    l1_ratio=st.sampled_from([1.0, 0.5]),
    fit_intercept=st.booleans(),
    standardize=st.booleans(),
    sparse=st.booleans(),
    weighted=st.booleans(),
    positive=st.booleans(),
)
def test_screened_features_are_zero_at_the_certified_optimum(
    seed, fraction, l1_ratio, fit_intercept, standardize, sparse, weighted, positive
):
    X, y, s = _problem(seed, sparse=sparse, weighted=weighted)
    penalty = ElasticNetPenalty(l1_ratio, positive=positive)
    data = prepare_logistic(X, y, s, standardize, fit_intercept)
    alpha = fraction * prepared_alpha_max(data, penalty)
    loose, point = solve_prepared(data, alpha, penalty, tol=1e-3, max_iter=100)
    a, b = penalty.weights(alpha, X.shape[1], data.scale)
    zero = gap_safe_zeros(point.correlation, loose.coef, a, b, positive, loose.dual_gap,
                          data.dual_column_norms, data.s)  # fmt: skip
    tight, tight_point = solve_prepared(data, alpha, penalty, tol=1e-12, max_iter=200)
    assert tight.relative_gap <= 1e-12
    assert np.all(tight.coef[zero] == 0)
    # the sphere itself: the (nearly) optimal dual point lies within the radius
    radius = LogisticLoss().dual_radius(loose.dual_gap, data.s)
    distance = np.linalg.norm(_shrunk_dual(tight_point, a, b, positive)
                              - _shrunk_dual(point, a, b, positive))  # fmt: skip
    assert distance <= radius * (1 + 1e-6) + 1e-10


def test_paths_report_their_proven_zeros():
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    result = shrinkage.path(X, y.astype(float), loss="logistic", standardize=True,
                            n_alphas=20, tol=1e-6)  # fmt: skip
    assert result.n_screened[0] == X.shape[1] - 1  # at α_max: all but the entering one
    assert np.all(result.n_screened <= X.shape[1] - result.n_active)
    assert np.sum(result.n_screened > 0) >= 10
    exact = shrinkage.path(X, y.astype(float), loss="logistic", standardize=True,
                           alphas=result.alphas, tol=1e-12)  # fmt: skip
    assert np.all(result.n_screened <= np.sum(exact.coefs == 0, axis=1))


def test_unpenalised_features_leave_the_count_at_zero():
    X, y, _ = _problem(3)
    factor = np.ones(X.shape[1])
    factor[0] = 0.0
    result = shrinkage.path(X, y, L1(penalty_factor=factor), loss="logistic", n_alphas=5)
    assert np.all(result.n_screened == 0)


def test_the_radius_follows_the_curvature_of_each_conjugate():
    s = np.array([0.5, 1.5, 1.0, 1.0])
    # μ = n·c/max(s): n = 4, max s = 1.5; c = 4 (log-loss), 1 (squared)
    assert LogisticLoss().dual_radius(0.3, s) == pytest.approx(np.sqrt(2 * 0.3 * 1.5 / 16))
    assert SquaredLoss().dual_radius(0.3, s) == pytest.approx(np.sqrt(2 * 0.3 * 1.5 / 4))
    assert LogisticLoss().dual_radius(-1e-18, s) == 0.0
