"""Multi-task paths in Gram mode (shrinkage._kernels.multitask_gram) against the
residual-mode solver and the certificate computed from scratch.

A tall table of few features takes the Gram statistics ``XᵀX/n`` and ``XᵀY/n``; every
point must still be certified by the gap of its own residual, reach the same objective
as the residual-mode path within the two gaps, and report an honest gap where it stops
early.
"""

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

import shrinkage
from shrinkage._kernels.multitask_gram import exact_gap, gram_gap, gram_objective
from shrinkage.certificates.multitask import certify_multitask
from shrinkage.path import multitask as multitask_path
from shrinkage.penalties import L1, ElasticNetPenalty, Penalty
from shrinkage.solvers.multitask import _weights, prepare_multitask

FACTORS = np.array([0.5, 1.0, 2.0, 1.0, 0.7, 1.5])


def problem(seed=0, n=80, p=6, n_tasks=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    if p > 1:
        X[:, 1] = X[:, 0] + 0.3 * rng.standard_normal(n)  # two correlated columns
    W = np.zeros((p, n_tasks))
    W[0], W[min(3, p - 1)] = rng.standard_normal(n_tasks), rng.standard_normal(n_tasks)
    return X, X @ W + 0.5 * rng.standard_normal((n, n_tasks)) + 1.0


def recomputed_gaps(X, Y, result, penalty, options):
    """Each point's relative gap from its coefficients alone, on the effective data."""
    data = prepare_multitask(X, Y, options.get("sample_weight"),
                             options.get("fit_intercept", True),
                             options.get("standardize", False))  # fmt: skip
    gaps = []
    for alpha, W in zip(result.alphas, result.coefs, strict=True):
        a, b = _weights(data, float(alpha), penalty)  # standardisation lives in a, b
        cert, _ = certify_multitask(data.X, data.Y, W, a, b)
        gaps.append(cert.relative_gap)
    return np.array(gaps)


def residual_mode(X, Y, **options):
    limit = multitask_path._GRAM_MAX_FEATURES
    multitask_path._GRAM_MAX_FEATURES = -1
    try:
        return shrinkage.path(X, Y, loss="multitask", **options)
    finally:
        multitask_path._GRAM_MAX_FEATURES = limit


def test_tall_tables_of_few_features_take_gram_mode():
    X, Y = problem()
    assert multitask_path.gram_mode(prepare_multitask(X, Y))
    assert shrinkage.path(X, Y, loss="multitask", n_alphas=5).strategy == "block_cd_gram"
    wide = np.random.default_rng(1).standard_normal((30, 40))
    assert not multitask_path.gram_mode(prepare_multitask(wide, Y[:30]))
    many = np.random.default_rng(2).standard_normal((400, 300))
    assert not multitask_path.gram_mode(prepare_multitask(many, np.ones((400, 2))))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"fit_intercept": False},
        {"penalty": ElasticNetPenalty(0.5)},
        {"penalty": Penalty(1.0, FACTORS), "standardize": True},
        {"sample_weight": np.arange(80) % 4 + 0.5},
        {"warm_start": False},
    ],
    ids=["lasso", "no-intercept", "elastic-net", "factors-standardised", "weights", "cold"],
)
def test_gram_points_are_certified_and_match_the_residual_mode(options):
    X, Y = problem(seed=3)
    options = {"n_alphas": 12, "tol": 1e-10} | options
    gram = shrinkage.path(X, Y, loss="multitask", **options)
    residual = residual_mode(X, Y, **options)
    penalty = options.get("penalty", L1())
    gaps = recomputed_gaps(X, Y, gram, penalty, options)
    assert np.all(gaps <= 1e-10)
    np.testing.assert_allclose(gram.relative_gaps, gaps, rtol=1e-6, atol=1e-14)
    # both within 1e-10 of the optimum: the coefficients agree to the gap's square root
    np.testing.assert_allclose(gram.coefs, residual.coefs, atol=1e-4)
    np.testing.assert_allclose(gram.intercepts, residual.intercepts, atol=1e-4)
    assert gram.n_active[0] == 0 and gram.n_active[-1] >= 2


def test_an_exhausted_budget_reports_its_true_gap():
    X, Y = problem(seed=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = shrinkage.path(X, Y, loss="multitask", n_alphas=8, tol=1e-14, max_iter=2)
    gaps = recomputed_gaps(X, Y, result, L1(), {})
    np.testing.assert_allclose(result.relative_gaps, gaps, rtol=1e-6, atol=1e-14)
    assert np.max(gaps) > 1e-14 and np.all(result.n_iter <= 2)
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)


def test_the_gram_statistics_give_the_residual_values():
    X, Y = problem(seed=5)
    data = prepare_multitask(X, Y)
    n = X.shape[0]
    Q, C = data.X.T @ data.X / n, data.X.T @ data.Y / n
    yy = float(np.vdot(data.Y, data.Y)) / n
    rng = np.random.default_rng(6)
    W = rng.standard_normal((X.shape[1], Y.shape[1])) * (rng.random((X.shape[1], 1)) < 0.5)
    a, b = np.full(X.shape[1], 0.05), np.where(np.arange(X.shape[1]) % 2 == 0, 0.1, 0.0)
    reference, _ = certify_multitask(data.X, data.Y, W, a, b)
    for primal, dual in (gram_gap(Q, C, yy, W, Q @ W, a, b),
                         exact_gap(data.X, np.ascontiguousarray(data.Y), W, a, b)):  # fmt: skip
        assert primal == pytest.approx(reference.primal, rel=1e-12)
        assert dual == pytest.approx(reference.dual, rel=1e-10, abs=1e-13)
    assert gram_objective(Q, C, yy, W, a, b) == pytest.approx(reference.primal, rel=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), p=st.integers(1, 8), n_tasks=st.integers(1, 4),
       fit_intercept=st.booleans(), l1_ratio=st.sampled_from([1.0, 0.5]),
       tol=st.sampled_from([1e-4, 1e-8]))  # fmt: skip
def test_every_gram_point_is_certified(seed, p, n_tasks, fit_intercept, l1_ratio, tol):
    X, Y = problem(seed, n=40, p=p, n_tasks=n_tasks)
    penalty = ElasticNetPenalty(l1_ratio)
    result = shrinkage.path(X, Y, penalty, loss="multitask", n_alphas=6, tol=tol,
                            fit_intercept=fit_intercept)  # fmt: skip
    gaps = recomputed_gaps(X, Y, result, penalty, {"fit_intercept": fit_intercept})
    assert np.all(gaps <= tol) and np.all(np.isfinite(result.coefs))
