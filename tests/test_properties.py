"""Property tests: random small problems, every fit certified and as good as sklearn's."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn import linear_model

from _reference import correlation_at_zero, objective
from shrinkage import solve
from shrinkage.penalties import L1, ElasticNetPenalty

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)  # fmt: skip
TOL = 1e-8


@st.composite
def problems(draw, min_l1_ratio=0.05):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(5, 40))
    p = draw(st.sampled_from([1, 3, 10, 4 * n]))  # p ≫ n included
    density = draw(st.sampled_from([1.0, 0.3]))
    X = rng.standard_normal((n, p)) * (rng.uniform(size=(n, p)) < density)
    X *= rng.uniform(0.1, 3.0, p)
    y = X[:, : min(p, 3)] @ rng.standard_normal(min(p, 3)) + rng.standard_normal(n)
    weights = rng.uniform(0.1, 3.0, n) if draw(st.booleans()) else None
    return dict(
        X=X, y=y, sample_weight=weights, fit_intercept=draw(st.booleans()),
        sparse=draw(st.booleans()), fraction=draw(st.floats(0.02, 1.2)),
        l1_ratio=draw(st.floats(min_l1_ratio, 1.0)),
    )  # fmt: skip


def _alpha(case, l1_ratio=None):
    rho = case["l1_ratio"] if l1_ratio is None else l1_ratio
    corr = correlation_at_zero(case["X"], case["y"], case["sample_weight"], case["fit_intercept"])
    alpha_max = np.max(np.abs(corr)) / rho
    return case["fraction"] * max(alpha_max, 1e-3)


def _fit(case, X=None, l1_ratio=None, solver="cd"):
    X = case["X"] if X is None else X
    rho = case["l1_ratio"] if l1_ratio is None else l1_ratio
    return solve(
        sp.csc_matrix(X) if case["sparse"] else X, case["y"], _alpha(case, rho),
        ElasticNetPenalty(rho), solver=solver, fit_intercept=case["fit_intercept"],
        sample_weight=case["sample_weight"], tol=TOL, max_iter=100_000,
    )  # fmt: skip


@SETTINGS
@given(case=problems(), solver=st.sampled_from(["cd", "fista"]))
def test_every_fit_is_certified(case, solver):
    res = _fit(case, solver=solver)
    assert res.converged and res.relative_gap <= TOL
    # the KKT residual is small on the scale of the correlations at 0
    corr = correlation_at_zero(case["X"], case["y"], case["sample_weight"], case["fit_intercept"])
    scale = max(float(np.max(np.abs(corr))), 1e-12)
    assert res.certificate.max_kkt_residual <= 1e-3 * scale
    # the certificate is honest: primal − dual, and the primal is the objective
    cert = res.certificate
    assert cert.dual_gap == pytest.approx(cert.primal - cert.dual)
    value = objective(case["X"], case["y"], res.coef, res.intercept, _alpha(case),
                      case["l1_ratio"], case["sample_weight"])  # fmt: skip
    assert value == pytest.approx(cert.primal, rel=1e-9, abs=1e-12)


@SETTINGS
@given(case=problems())
def test_objective_no_worse_than_sklearn(case):
    res = _fit(case)
    alpha = _alpha(case)
    ref = linear_model.ElasticNet(
        alpha=alpha, l1_ratio=case["l1_ratio"], fit_intercept=case["fit_intercept"],
        tol=1e-12, max_iter=100_000,
    ).fit(case["X"], case["y"], sample_weight=case["sample_weight"])  # fmt: skip
    args = (case["X"], case["y"])
    kwargs = dict(alpha=alpha, l1_ratio=case["l1_ratio"], sample_weight=case["sample_weight"])
    ours = objective(*args, res.coef, res.intercept, **kwargs)
    theirs = objective(*args, ref.coef_, ref.intercept_, **kwargs)
    assert ours <= theirs + TOL * res.certificate.primal_at_zero + 1e-12


@SETTINGS
@given(case=problems(), column=st.integers(0, 10_000), copies=st.integers(1, 3))
def test_duplicated_columns_do_not_change_the_lasso_objective(case, column, copies):
    """L1 is positively homogeneous: a copy of a column splits its weight at no cost."""
    X = case["X"]
    j = column % X.shape[1]
    doubled = np.column_stack([X] + [X[:, j]] * copies)
    once = _fit(case, l1_ratio=1.0)
    many = _fit(case, X=doubled, l1_ratio=1.0)
    assert many.converged
    slack = 2 * TOL * once.certificate.primal_at_zero + 1e-12
    assert abs(many.certificate.primal - once.certificate.primal) <= slack
    # the copies together carry the single column's coefficient: summing them is feasible
    # for the one-copy problem and no worse, so both points are within their gaps of the
    # optimum, and strong convexity (μ = λ_min of the weighted centred Gram) bounds the
    # distance by √(2·gap/μ)
    shared = once.coef.copy()
    shared[j] = many.coef[j] + many.coef[X.shape[1] :].sum()
    mu = _smallest_curvature(case)
    if mu > 1e-6:
        radius = np.sqrt(2 * max(once.dual_gap, 0) / mu) + np.sqrt(2 * max(many.dual_gap, 0) / mu)
        assert abs(shared[j] - once.coef[j]) <= radius + 1e-9


def _smallest_curvature(case):
    X, n = case["X"], case["X"].shape[0]
    s = np.ones(n) if case["sample_weight"] is None else case["sample_weight"]
    s = s * n / s.sum()
    if case["fit_intercept"]:
        X = X - s @ X / n
    X = X * np.sqrt(s)[:, None]
    return float(np.linalg.eigvalsh(X.T @ X / n)[0])


@SETTINGS
@given(case=problems(min_l1_ratio=0.05), column=st.integers(0, 10_000))
def test_elastic_net_splits_duplicated_columns_equally(case, column):
    if case["l1_ratio"] == 1.0:
        case["l1_ratio"] = 0.5
    X = case["X"]
    j = column % X.shape[1]
    res = _fit(case, X=np.column_stack([X, X[:, j]]))
    assert res.converged
    # strictly convex in the pair: the optimum gives both copies the same coefficient.
    # Along t ↦ w + t(e_j − e_copy) the loss is flat, the L2 part has curvature 2b with
    # b = α(1 − ρ), and the minimum is where the two are equal (symmetry), so
    # gap ≥ b (w_j − w_copy)²/4: the certificate bounds the difference.
    b = _alpha(case) * (1 - case["l1_ratio"])
    difference = abs(res.coef[j] - res.coef[-1])
    assert difference <= 2 * np.sqrt(max(res.dual_gap, 0.0) / b) + 1e-9


@SETTINGS
@given(case=problems())
def test_dense_and_sparse_reach_the_same_objective(case):
    dense = _fit(dict(case, sparse=False))
    sparse = _fit(dict(case, sparse=True))
    slack = 2 * TOL * dense.certificate.primal_at_zero + 1e-12
    assert abs(dense.certificate.primal - sparse.certificate.primal) <= slack


@SETTINGS
@given(case=problems())
def test_above_alpha_max_everything_is_zero(case):
    case = dict(case, fraction=1.0 + case["fraction"])
    res = _fit(case, l1_ratio=1.0)
    np.testing.assert_array_equal(res.coef, 0.0)
    res = solve(case["X"], case["y"], _alpha(case, 1.0), L1(), fit_intercept=case["fit_intercept"],
                sample_weight=case["sample_weight"])  # fmt: skip
    assert res.n_zeros == case["X"].shape[1]
