"""Sparse logistic regression: solver, certificate, alpha_max and estimator."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from shrinkage.certificates_logistic import certify_logistic
from shrinkage.estimators.logistic import SparseLogisticRegression
from shrinkage.losses import LogisticLoss
from shrinkage.penalties import L1, L2, ElasticNet, Penalty
from shrinkage.solvers.logistic import logistic_alpha_max, solve_logistic


def make_problem(n=60, p=15, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:4] = [2.0, -1.0, 1.5, 0.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(float)
    return X, y, rng


def test_l1_matches_liblinear():
    X, y, _ = make_problem()
    n, alpha = X.shape[0], 0.03
    res = solve_logistic(X, y, alpha, tol=1e-12)
    ref = LogisticRegression(
        C=1 / (n * alpha), l1_ratio=1.0, solver="liblinear", intercept_scaling=1e4,
        tol=1e-12, max_iter=100_000,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(res.coef, ref.coef_.ravel(), atol=1e-4)
    np.testing.assert_allclose(
        res.intercept, ref.intercept_[0], atol=1e-4
    )  # liblinear: b penalised
    np.testing.assert_array_equal(res.coef == 0, np.abs(ref.coef_.ravel()) < 1e-8)


def test_l2_with_weights_matches_lbfgs():
    X, y, rng = make_problem(seed=1)
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    alpha = 0.05
    res = solve_logistic(X, y, alpha, L2(), sample_weight=weights, tol=1e-13)
    ref = LogisticRegression(C=1 / (weights.sum() * alpha), l1_ratio=0.0, tol=1e-12,
                             max_iter=10_000).fit(X, y, sample_weight=weights)  # fmt: skip
    np.testing.assert_allclose(res.coef, ref.coef_.ravel(), atol=1e-6)
    np.testing.assert_allclose(res.intercept, ref.intercept_[0], atol=1e-6)


@pytest.mark.parametrize(
    "l1_ratio, factors, weighted, positive, fit_intercept",
    [(0.5, True, True, False, True), (0.3, False, True, True, False),
     (1.0, True, False, True, True), (0.0, True, False, False, True)],
)  # fmt: skip
def test_matches_cvxpy(l1_ratio, factors, weighted, positive, fit_intercept):
    cp = pytest.importorskip("cvxpy")
    X, y, rng = make_problem(n=50, p=10, seed=2)
    n, p = X.shape
    weights = rng.uniform(0.2, 3.0, n) if weighted else None
    factor = rng.uniform(0.0, 2.0, p) if factors else None
    if factors:
        factor[0] = 0.0  # one unpenalised feature
    penalty = Penalty(l1_ratio, factor, positive)
    alpha = 0.04
    res = solve_logistic(X, y, alpha, penalty, sample_weight=weights, tol=1e-12,
                         fit_intercept=fit_intercept)  # fmt: skip
    s = np.ones(n) if weights is None else weights * n / weights.sum()
    a, b = penalty.weights(alpha, p)
    w, c = cp.Variable(p, nonneg=positive), cp.Variable()
    z = X @ w + (c if fit_intercept else 0)
    objective = (cp.sum(cp.multiply(s, cp.logistic(z) - cp.multiply(y, z))) / n
                 + a @ cp.abs(w) + 0.5 * cp.sum(cp.multiply(b, cp.square(w))))  # fmt: skip
    cp.Problem(cp.Minimize(objective)).solve(solver="CLARABEL", tol_gap_abs=1e-12,
                                             tol_gap_rel=1e-12, tol_feas=1e-12)  # fmt: skip
    assert res.relative_gap <= 1e-12
    assert res.certificate.primal <= objective.value + 1e-12
    np.testing.assert_allclose(res.coef, w.value, atol=1e-5)
    if fit_intercept:
        np.testing.assert_allclose(res.intercept, c.value, atol=1e-5)


def test_certificate_is_a_true_gap():
    """The reported gap is primal − dual, and the dual matches LogisticLoss.dual_value."""
    X, y, _ = make_problem(seed=3)
    res = solve_logistic(X, y, 0.02, fit_intercept=False, tol=1e-4)
    cert = res.certificate
    assert cert.dual_gap == pytest.approx(cert.primal - cert.dual)
    assert 0 <= cert.relative_gap <= 1e-4
    # a far-from-optimal point gets a large, still valid gap
    bad = certify_logistic(X, y, res.coef + 0.5, 0.0, np.full(15, 0.02), np.zeros(15),
                           fit_intercept=False)  # fmt: skip
    assert bad.relative_gap > 1e-2
    loss = LogisticLoss()
    assert loss.value(y, X @ res.coef) + 0.02 * np.abs(res.coef).sum() == pytest.approx(
        cert.primal
    )
    prob = 1 / (1 + np.exp(-(X @ res.coef)))
    entropy = prob * np.log(prob) + (1 - prob) * np.log(1 - prob)
    assert loss.dual_value(y, (y - prob) / len(y)) == pytest.approx(-entropy.mean())
    assert loss.dual_value(y, -y / len(y)) == -np.inf  # outside the box q ∈ [0, 1]
    assert cert.dual <= cert.primal


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
def test_gap_below_tol_after_every_fit(tol):
    X, y, rng = make_problem(n=80, p=40, seed=4)
    weights = rng.uniform(0.5, 1.5, 80)
    for alpha in [0.1, 0.03, 0.01, 0.003]:
        for penalty in [L1(), ElasticNet(0.5)]:
            res = solve_logistic(X, y, alpha, penalty, sample_weight=weights, tol=tol)
            assert res.converged and res.relative_gap <= tol
            independent = certify_logistic(
                X, y, res.coef, res.intercept, *penalty.weights(alpha, 40), sample_weight=weights
            )
            assert independent.relative_gap == pytest.approx(res.relative_gap, abs=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
def test_alpha_max_gives_exact_zeros(fit_intercept, standardize):
    X, y, rng = make_problem(seed=5)
    X = X * rng.uniform(0.5, 3.0, X.shape[1])
    factor = np.ones(15)
    factor[2] = 0.0
    for penalty in [L1(), ElasticNet(0.5), L1(factor)]:
        options = dict(fit_intercept=fit_intercept, standardize=standardize)
        alpha_max = logistic_alpha_max(X, y, penalty, **options)
        res = solve_logistic(X, y, alpha_max, penalty, tol=1e-10, **options)
        penalised = penalty.factors(15) > 0
        assert np.all(res.coef[penalised] == 0)
        below = solve_logistic(X, y, 0.95 * alpha_max, penalty, tol=1e-10, **options)
        assert np.sum(below.coef[penalised] != 0) >= 1


def test_alpha_max_formula():
    X, y, _ = make_problem(seed=6)
    prior = y.mean()
    expected = np.max(np.abs(X.T @ (y - prior))) / len(y)
    assert logistic_alpha_max(X, y) == pytest.approx(expected)
    assert logistic_alpha_max(X, y, L2()) == np.inf


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_equals_sparse(dtype):
    X, y, rng = make_problem(n=70, p=30, seed=7)
    X[rng.random(X.shape) < 0.6] = 0.0
    X = X.astype(dtype)
    weights = rng.uniform(0.5, 1.5, 70)
    for kwargs in [dict(), dict(standardize=True), dict(fit_intercept=False)]:
        dense = solve_logistic(X, y, 0.01, ElasticNet(0.7), sample_weight=weights, tol=1e-10,
                               **kwargs)  # fmt: skip
        sparse = solve_logistic(sp.csc_matrix(X), y, 0.01, ElasticNet(0.7),
                                sample_weight=weights, tol=1e-10, **kwargs)  # fmt: skip
        assert dense.coef.dtype == sparse.coef.dtype == dtype
        atol = 1e-9 if dtype == np.float64 else 1e-5
        np.testing.assert_allclose(dense.coef, sparse.coef, atol=atol)
        assert dense.relative_gap <= 1e-10 or dtype == np.float32


def test_warm_start_and_standardize_scale():
    X, y, rng = make_problem(seed=8)
    cold = solve_logistic(X, y, 0.01, tol=1e-10)
    warm = solve_logistic(X, y, 0.01, tol=1e-10, coef_init=cold.coef,
                          intercept_init=cold.intercept)  # fmt: skip
    assert warm.n_iter <= 1
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-8)
    # standardize=True on X equals fitting standardised X and rescaling
    scale = rng.uniform(0.5, 4.0, 15)
    Xs = X * scale
    fit = solve_logistic(Xs, y, 0.02, standardize=True, tol=1e-12)
    std = Xs.std(axis=0)
    ref = solve_logistic((Xs - Xs.mean(0)) / std, y, 0.02, tol=1e-12)
    np.testing.assert_allclose(fit.coef * std, ref.coef, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), l1_ratio=st.sampled_from([1.0, 0.5, 0.1]),
       ratio=st.floats(0.05, 0.9), fit_intercept=st.booleans())  # fmt: skip
def test_property_certified_and_optimal(seed, l1_ratio, ratio, fit_intercept):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(10, 40)), int(rng.integers(2, 25))
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]
    penalty = ElasticNet(l1_ratio)
    alpha = ratio * logistic_alpha_max(X, y, L1(), fit_intercept=fit_intercept)
    res = solve_logistic(X, y, alpha, penalty, tol=1e-8, fit_intercept=fit_intercept,
                         max_iter=500)  # fmt: skip
    assert res.relative_gap <= 1e-8
    assert res.certificate.max_kkt_residual <= 1e-3
    # no coordinate perturbation lowers the objective (beyond the certified gap)
    base = res.certificate.primal
    a, b = penalty.weights(alpha, p)
    for j in range(p):
        for step in (1e-3, -1e-3):
            w = res.coef.copy()
            w[j] += step
            other = certify_logistic(X, y, w, res.intercept, a, b, fit_intercept=fit_intercept)
            assert other.primal >= base - res.dual_gap - 1e-12


def test_estimator_labels_and_probabilities():
    X, y, _ = make_problem(seed=9)
    labels = np.where(y == 1, "spam", "ham")
    model = SparseLogisticRegression(alpha=0.02, tol=1e-10).fit(X, labels)
    assert list(model.classes_) == ["ham", "spam"]
    assert model.coef_.shape == (1, 15) and model.intercept_.shape == (1,)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    expected = np.where(model.decision_function(X) > 0, "spam", "ham")
    np.testing.assert_array_equal(model.predict(X), expected)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), atol=1e-12)
    assert model.certificate_.relative_gap <= 1e-10 and model.dual_gap_ >= 0
    # the documented conversion: C = 1/(n alpha)
    ref = LogisticRegression(
        C=1 / (60 * 0.02),
        l1_ratio=1.0,
        solver="liblinear",
        intercept_scaling=1e4,
        tol=1e-12,
        max_iter=100_000,
    )
    ref.fit(X, labels)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-4)
    assert model.score(X, labels) == ref.score(X, labels)


def test_estimator_warm_start_uses_previous_fit():
    X, y, _ = make_problem(seed=10)
    model = SparseLogisticRegression(alpha=0.02, tol=1e-10, warm_start=True).fit(X, y)
    first = model.coef_.copy()
    model.fit(X, y)
    assert model.n_iter_ <= 1
    np.testing.assert_allclose(model.coef_, first, atol=1e-8)


@pytest.mark.parametrize(
    "y, match",
    [(np.r_[np.zeros(10), np.ones(10), 2 * np.ones(10)], "Only binary classification"),
     (np.ones(30), "only one class"),
     (np.r_[np.zeros(15), np.ones(14), np.nan], "NaN"),
     (np.linspace(0, 1, 30), "Unknown label type")],
)  # fmt: skip
def test_estimator_bad_targets(y, match):
    X = np.random.default_rng(0).standard_normal((30, 3))
    with pytest.raises(ValueError, match=match):
        SparseLogisticRegression().fit(X, y)


def test_solver_bad_inputs():
    X, y, _ = make_problem()
    with pytest.raises(ValueError, match="coded 0/1"):
        solve_logistic(X, 2 * y, 0.1)
    with pytest.raises(ValueError, match="one class"):
        solve_logistic(X, np.ones(60), 0.1)
    with pytest.raises(ValueError, match="one class"):
        solve_logistic(X, y, 0.1, sample_weight=y)  # weights remove class 0
    with pytest.raises(ValueError, match="alpha"):
        solve_logistic(X, y, -1.0)
    with pytest.raises(ValueError, match="penalty_factor"):
        solve_logistic(X, y, 0.1, L1(np.ones(3)))
    with pytest.raises(ValueError, match="coef_init"):
        solve_logistic(X, y, 0.1, coef_init=np.zeros(3))
