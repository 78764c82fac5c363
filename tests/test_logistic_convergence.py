"""Proximal Newton on hard designs: mostly-ridge penalties on strongly correlated columns.

One shared factor, ``X = 0.9·f1ᵀ + 0.3·noise`` with p > n: the model's Hessian is as
ill-conditioned as ``1/(α(1 − ρ))``, so coordinate descent alone crawls. Every fit must
reach its certified gap in a few Newton steps and match an independent optimum.
"""

import warnings
from functools import cache

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from shrinkage.certificates import certify_logistic
from shrinkage.penalties import L1, ElasticNetPenalty
from shrinkage.solvers.logistic import logistic_alpha_max, solve_logistic

N_SAMPLES, N_FEATURES = 120, 150


@cache
def factor_design(seed=0):
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(N_SAMPLES)
    X = 0.9 * factor[:, None] + 0.3 * rng.standard_normal((N_SAMPLES, N_FEATURES))
    y = (rng.random(N_SAMPLES) < 1 / (1 + np.exp(-2 * factor))).astype(float)
    alpha = 0.01 * logistic_alpha_max(X, y, L1())
    return X, y, alpha


def objective(X, y, coef, intercept, alpha, l1_ratio):
    z = X @ coef + intercept
    penalty = l1_ratio * np.abs(coef).sum() + 0.5 * (1 - l1_ratio) * coef @ coef
    return np.mean(np.logaddexp(0.0, z) - y * z) + alpha * penalty


@cache
def reference_objective(l1_ratio, fit_intercept):
    """The optimum by scikit-learn's lbfgs (pure L2) or by cvxpy/Clarabel."""
    X, y, alpha = factor_design()
    n, p = X.shape
    if l1_ratio == 0:
        model = LogisticRegression(C=1 / (n * alpha), l1_ratio=0.0, tol=1e-12,
                                   max_iter=100_000, fit_intercept=fit_intercept)  # fmt: skip
        model.fit(X, y)
        return objective(X, y, model.coef_.ravel(), model.intercept_[0], alpha, 0.0)
    cp = pytest.importorskip("cvxpy")
    w, c = cp.Variable(p), cp.Variable()
    z = X @ w + (c if fit_intercept else 0)
    penalty = l1_ratio * cp.norm1(w) + 0.5 * (1 - l1_ratio) * cp.sum_squares(w)
    value = cp.sum(cp.logistic(z) - cp.multiply(y, z)) / n + alpha * penalty
    with warnings.catch_warnings():
        # at ρ = 0.01 with intercept Clarabel says "may be inaccurate": it stops 1.3e-10·P(0)
        # above the certified optimum, well inside the tests' 1e-9 slack
        warnings.simplefilter("ignore", UserWarning)
        cp.Problem(cp.Minimize(value)).solve(solver="CLARABEL", tol_gap_abs=1e-13,
                                             tol_gap_rel=1e-13, tol_feas=1e-13)  # fmt: skip
    return float(value.value)


@pytest.mark.parametrize("tol", [1e-4, 1e-8])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.01, 0.1])
def test_mostly_ridge_on_correlated_columns_converges(l1_ratio, fit_intercept, sparse, tol):
    X, y, alpha = factor_design()
    res = solve_logistic(sp.csc_matrix(X) if sparse else X, y, alpha, ElasticNetPenalty(l1_ratio),
                         fit_intercept=fit_intercept, tol=tol)  # fmt: skip
    assert res.converged and res.relative_gap <= tol
    assert res.n_iter < 40  # 120-160 with CD alone as the inner solver
    primal, reference = res.certificate.primal, reference_objective(l1_ratio, fit_intercept)
    assert primal == pytest.approx(objective(X, y, res.coef, res.intercept, alpha, l1_ratio))
    # the certificate is a true bound: P − P* ≤ gap (references are good to ~1e-10)
    assert primal - reference <= res.dual_gap + 1e-9
    if tol <= 1e-8:
        assert abs(primal - reference) <= 1e-7 * res.certificate.primal_at_zero


@pytest.mark.parametrize("l1_ratio", [0.0, 0.01, 0.1])
def test_every_newton_step_decreases_the_objective(l1_ratio):
    """Stopping after k steps gives the k-th iterate: its objective never goes up."""
    X, y, alpha = factor_design()
    values = [
        solve_logistic(
            X, y, alpha, ElasticNetPenalty(l1_ratio), tol=1e-12, max_iter=k
        ).certificate.primal
        for k in range(12)
    ]
    assert np.all(np.diff(values) <= 0)
    assert values[-1] < values[0]


@pytest.mark.parametrize("l1_ratio", [0.0, 0.01])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_certificate_vanishes_at_the_optimum(l1_ratio, fit_intercept):
    """When the L2 part dominates the dual point is still tight: at an accurate optimum
    the gap is at rounding level, and it brackets the reference optimum."""
    X, y, alpha = factor_design()
    penalty = ElasticNetPenalty(l1_ratio)
    res = solve_logistic(X, y, alpha, penalty, fit_intercept=fit_intercept, tol=1e-13)
    assert res.relative_gap <= 1e-13
    cert = res.certificate
    slack = 1e-9 * cert.primal_at_zero  # accuracy of the references
    reference = reference_objective(l1_ratio, fit_intercept)
    assert cert.dual - slack <= reference <= cert.primal + slack
    if l1_ratio == 0:  # scikit-learn's own solution, certified independently
        n, p = X.shape
        model = LogisticRegression(
            C=1 / (n * alpha), l1_ratio=0.0, tol=1e-12, max_iter=100_000,
            fit_intercept=fit_intercept,
        ).fit(X, y)  # fmt: skip
        a, b = penalty.weights(alpha, p)
        other = certify_logistic(
            X, y, model.coef_.ravel(), model.intercept_[0], a, b, fit_intercept=fit_intercept
        )
        assert other.relative_gap <= 1e-9


@pytest.mark.parametrize("ratio", [0.1, 0.001])
def test_other_strengths_and_designs(ratio):
    for seed in (1, 2):
        X, y, _ = factor_design(seed)
        alpha = ratio * logistic_alpha_max(X, y, L1())
        for l1_ratio in (0.0, 0.01, 0.1, 1.0):
            res = solve_logistic(X, y, alpha, ElasticNetPenalty(l1_ratio), tol=1e-8)
            assert res.converged and res.n_iter < 40
