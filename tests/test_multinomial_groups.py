"""The multinomial group lasso with user-given groups: solver, certificate and path,
against cvxpy, glmnet's grouped multinomial (groups of one feature) and the
certificate's own promise (hypothesis)."""

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage import path
from shrinkage.certificates.multinomial_groups import certify_multinomial_groups
from shrinkage.groups import check_groups
from shrinkage.penalties import ElasticNetPenalty
from shrinkage.solvers.multinomial import prepare_multinomial, solve_multinomial_prepared
from shrinkage.solvers.multinomial_groups import (
    multinomial_groups_alpha_max,
    solve_multinomial_groups_prepared,
)

LABELS = [0, 0, 0, 1, 1, 2, 2, 2]
LISTS = [[0, 1, 2], [3, 4], [5, 6, 7]]


def _problem(seed, n=120, p=8, K=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = np.argmax(X[:, :3] @ rng.standard_normal((3, K)) + rng.standard_normal((n, K)), axis=1)
    return X, y, rng


def _cvxpy(X, Y, s, a, b, fit_intercept, offset):
    n, p = X.shape
    K = Y.shape[1]
    W = cp.Variable((p, K))
    Z = X @ W + offset
    if fit_intercept:
        c = cp.Variable((1, K))
        Z = Z + np.ones((n, 1)) @ c
    loss = cp.sum(cp.multiply(s, cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(Y, Z), axis=1)))
    penalty = sum(a[g] * cp.norm(W[idx, :], "fro") + 0.5 * b[g] * cp.sum_squares(W[idx, :])
                  for g, idx in enumerate(LISTS))  # fmt: skip
    cp.Problem(cp.Minimize(loss / n + penalty)).solve(
        solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12
    )
    return W.value


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fits_agree_with_cvxpy(l1_ratio, fit_intercept):
    X, y, rng = _problem(4 + int(fit_intercept))
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    offset = rng.normal(0, 0.3, (X.shape[0], 3))
    data = prepare_multinomial(X, y, weights, False, fit_intercept, offset)
    groups = check_groups(LABELS, 8)
    omega = np.sqrt(groups.sizes)
    alpha = 0.3 * multinomial_groups_alpha_max(data, groups, omega, l1_ratio)
    a, b = alpha * l1_ratio * omega, alpha * (1 - l1_ratio) * omega
    fit = solve_multinomial_groups_prepared(data, groups, a, b, tol=1e-11, max_iter=100_000)
    assert fit.converged and fit.relative_gap <= 1e-11
    np.testing.assert_allclose(fit.coef, _cvxpy(X, data.Y, data.s, a, b, fit_intercept, offset),
                               atol=2e-5)  # fmt: skip
    norms = np.array([np.linalg.norm(fit.coef[idx]) for idx in LISTS])
    assert np.any(norms == 0) and np.any(norms > 0)  # some groups out, some in
    assert fit.certificate.max_kkt_residual <= 1e-5


def test_groups_of_one_feature_are_glmnets_grouped_penalty():
    X, y, _ = _problem(1)
    data = prepare_multinomial(X, y)
    singletons = check_groups(np.arange(8), 8)
    weights = np.full(8, 0.05)
    by_groups = solve_multinomial_groups_prepared(data, singletons, weights, np.zeros(8),
                                                  tol=1e-12, max_iter=100_000)  # fmt: skip
    by_rows = solve_multinomial_prepared(data, weights, np.zeros(8), True, tol=1e-12,
                                         max_iter=1000)  # fmt: skip
    np.testing.assert_allclose(by_groups.coef, by_rows.coef, atol=1e-8)
    np.testing.assert_allclose(by_groups.intercept, by_rows.intercept, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), l1_ratio=st.sampled_from([1.0, 0.6]),
       spread=st.floats(0.05, 1.0))  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, l1_ratio, spread):
    """At any (W, b), ``D ≤ P(W*) ≤ P(W)``, P(W*) from a fit certified to 1e-12."""
    X, y, rng = _problem(seed, n=60)
    if np.unique(y).size < 3:
        y[:3] = [0, 1, 2]
    data = prepare_multinomial(X, y)
    groups = check_groups(LABELS, 8)
    omega = np.sqrt(groups.sizes)
    alpha = spread * multinomial_groups_alpha_max(data, groups, omega, l1_ratio)
    a, b = alpha * l1_ratio * omega, alpha * (1 - l1_ratio) * omega
    best = solve_multinomial_groups_prepared(data, groups, a, b, tol=1e-12, max_iter=100_000)
    optimum = best.certificate.primal
    W = best.coef + rng.normal(0, 0.3, best.coef.shape) * (rng.random((8, 1)) < 0.6)
    intercept = best.intercept + rng.normal(0, 0.3, 3)
    cert = certify_multinomial_groups(X, data.Y, data.s, X @ W + intercept, W, groups, a, b,
                                      fit_intercept=True,
                                      primal_at_zero=data.primal_at_zero)  # fmt: skip
    scale = 1e-11 * max(1.0, abs(optimum))
    assert cert.dual <= optimum + scale
    assert cert.primal >= optimum - scale
    assert cert.primal - optimum <= cert.dual_gap + scale


def test_sparse_data_are_solved_as_their_dense_copy():
    X, y, _ = _problem(0)
    X[np.abs(X) < 0.7] = 0.0
    groups = check_groups(LABELS, 8)
    a = 0.02 * np.sqrt(groups.sizes)
    fits = [solve_multinomial_groups_prepared(prepare_multinomial(data, y), groups, a, 0 * a,
                                              tol=1e-10, max_iter=10_000)
            for data in (X, sp.csr_matrix(X))]  # fmt: skip
    np.testing.assert_allclose(fits[1].coef, fits[0].coef, atol=1e-7)
    assert fits[1].converged and np.any(fits[1].coef != 0)


def test_paths_certify_every_point_and_blocks_enter_whole():
    X, y, rng = _problem(6, n=200)
    offset = rng.normal(0, 0.2, (200, 3))
    result = path(X, y, ElasticNetPenalty(0.8), loss="multinomial", groups=LABELS,
                  offset=offset, n_alphas=15, tol=1e-8)  # fmt: skip
    assert result.strategy == "group_bcd" and result.coefs.shape == (15, 8, 3)
    assert result.converged.all() and np.all(result.relative_gaps <= 1e-8)
    assert np.all(result.coefs[0] == 0) and np.any(result.coefs[1] != 0)
    for members in LISTS:  # a block is zero together, over its features and classes
        zero = result.coefs[:, members, :].reshape(15, -1) == 0
        assert np.all(zero.all(axis=1) | ~zero.any(axis=1))
    k = 9
    refit = result.refit_at(result.alphas[k], X, y, offset=offset)
    np.testing.assert_allclose(refit.coef, result.coefs[k], atol=1e-5)


def test_standardised_paths_are_the_paths_of_scaled_columns():
    X, y, _ = _problem(7)
    X[:, 2] *= 5.0
    sigma = X.std(axis=0)
    scaled = path(X / sigma, y, loss="multinomial", groups=LABELS, n_alphas=6, tol=1e-10)
    standardised = path(X, y, loss="multinomial", groups=LABELS, n_alphas=6, tol=1e-10,
                        standardize=True)  # fmt: skip
    np.testing.assert_allclose(standardised.alphas, scaled.alphas, rtol=1e-10)
    np.testing.assert_allclose(standardised.coefs * sigma[:, None], scaled.coefs, atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(grouped=True), "one or the other"),
    (dict(loss="multitask"), "already penalises"),
])  # fmt: skip
def test_conflicting_options_get_a_clear_error(kwargs, message):
    X, y, _ = _problem(0)
    options = dict(loss="multinomial", groups=LABELS, n_alphas=3) | kwargs
    target = np.column_stack([y, y]).astype(float) if options["loss"] == "multitask" else y
    with pytest.raises(ValueError, match=message):
        path(X, target, **options)
