"""Lazy correlations in the compiled logistic certificate (shrinkage._kernels.dual_bounds).

A certificate reads only the columns whose Cauchy–Schwarz bound on ``|x_jᵀθ|`` reaches
their L1 weight (or whose coefficient is non-zero). The gap it reports must be the gap of
the point: checked against :func:`shrinkage.certificates.certify_logistic`, which reads
every column, and the bounds must bound.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from shrinkage._kernels.dual_bounds import drifted, unsettled
from shrinkage._kernels.logistic_loss import loss_derivatives
from shrinkage._kernels.logistic_path import _certificate
from shrinkage.certificates import certify_logistic
from shrinkage.path.logistic import prepare_logistic, prepared_alpha_max
from shrinkage.path.logistic_compiled import _layout, compiled_path
from shrinkage.path.rows import DenseRows
from shrinkage.penalties import L1, ElasticNetPenalty
from shrinkage.solvers.logistic import COMPILED_SETTINGS


def wide_problem(n=60, p=300, seed=0, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p) + rng.uniform(-1, 1, p)
    coef = np.zeros(p)
    coef[:4] = [2.0, -1.5, 1.0, 0.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ coef)))).astype(float)
    if sparse:
        X[rng.random((n, p)) > 0.3] = 0.0
        return sp.csc_matrix(X), y
    return np.asfortranarray(X), y


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), centred=st.booleans(), steps=st.integers(1, 3))
def test_drifted_bounds_bound_the_correlations(seed, centred, steps):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(2, 40)), int(rng.integers(1, 30))
    X = rng.standard_normal((n, p)) * rng.uniform(0.1, 5.0, p) + rng.uniform(-3, 3, p)
    data = prepare_logistic(X, (np.arange(n) % 2).astype(float), None, False, centred)
    norms = data.dual_column_norms
    means = data.column_means if centred else np.zeros(p)

    def dual_point():  # with an intercept, summing to 0 unless clipped
        theta = rng.standard_normal(n) * rng.uniform(0.01, 1.0)
        if centred and rng.random() < 0.7:
            theta -= theta.mean()
        return theta

    theta = dual_point()
    corr, reference = X.T @ theta, theta.copy()
    exact = np.ones(p, dtype=np.bool_)
    for _ in range(steps):  # bounds of bounds: the drifts add up
        theta = dual_point() if rng.random() < 0.5 else reference + 0.01 * dual_point()
        drifted(corr, exact, reference, theta, norms, means)
        reference[:] = theta
        truth = np.abs(X.T @ theta)
        assert np.all(corr >= truth - 1e-12 * (1.0 + truth))
        assert not exact.any()
    # the columns to read: not read, and non-zero or with a bound at their weight
    w = np.where(rng.random(p) < 0.3, 1.0, 0.0)
    a = rng.uniform(0.0, 2.0, p) * corr.max()
    exact[: p // 3] = True
    mask = np.zeros(p, dtype=np.bool_)
    count = unsettled(corr, exact, w, a, mask)
    expected = ~exact & ((w != 0) | (corr >= a))
    np.testing.assert_array_equal(mask, expected)
    assert count == expected.sum()


@njit
def _two_certificates(X, data, indices, indptr, y, s, fit_intercept, z_first, z_second,
                      a, b, w_first, w_second, norms, means):  # fmt: skip
    """The compiled certificate at a first point (every column read), then at a second
    point near it (lazily): the two gaps, which columns were read at the second, whether
    a column was left unread, and the second's θ and correlations (bounds where unread)."""
    n, p = y.shape[0], w_first.shape[0]
    z = z_first.copy()
    g, hess = np.empty(n), np.empty(n)
    loss = np.array([loss_derivatives(z, y, s, g, hess), 0.0])
    current = np.array([False, False, False])
    state = (z, g, hess, np.empty(p), np.empty(n), np.empty(p), np.empty(n), loss,
             current, np.zeros(p))  # fmt: skip
    bounds = (norms, means, np.empty(n), np.zeros(p, dtype=np.bool_),
              np.zeros(p, dtype=np.bool_), np.array([False, False]))  # fmt: skip
    kkt = np.empty(p)
    first, _ = _certificate(X, data, indices, indptr, y, s, fit_intercept, state, bounds,
                            w_first, 0.0, a, b, False, kkt, 0.0, np.inf)  # fmt: skip
    z[:] = z_second
    loss[0] = loss_derivatives(z, y, s, g, hess)
    current[:] = False
    second, _ = _certificate(X, data, indices, indptr, y, s, fit_intercept, state, bounds,
                             w_second, 0.0, a, b, False, kkt, 0.0, np.inf)  # fmt: skip
    return first, second, bounds[3].copy(), bounds[5][1], state[4].copy(), state[5].copy()


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_a_lazy_certificate_is_the_full_one(sparse, fit_intercept, l1_ratio):
    X, y = wide_problem(sparse=sparse, seed=3)
    n, p = X.shape
    data = prepare_logistic(X, y, None, False, fit_intercept)
    penalty = ElasticNetPenalty(l1_ratio)
    alpha = 0.3 * prepared_alpha_max(data, penalty)
    a, b = penalty.weights(alpha, p)
    # two nearby points of a path: a certified solution and a small move from it
    rows = DenseRows(np.zeros((1, p)))
    points = compiled_path(data, penalty, np.array([alpha]), tol=1e-10, max_iter=100,
                           rows=rows)  # fmt: skip
    w_first, b_first = rows.coefs[0].copy(), float(points["intercept"][0])
    w_second = w_first * 1.01
    b_second = b_first + 1e-3 if fit_intercept else 0.0
    z_first = np.asarray(X @ w_first).ravel() + b_first
    z_second = np.asarray(X @ w_second).ravel() + b_second
    arrays = _layout(data)[:4]  # the compiled loop's arrays of either layout
    means = data.column_means if fit_intercept else np.zeros(p)
    first, second, exact, lazy, theta, corr = _two_certificates(
        *arrays, y, np.ones(n), fit_intercept, z_first, z_second, a, b, w_first, w_second,
        data.dual_column_norms, means,
    )  # fmt: skip
    for gap, w, intercept in ((first, w_first, b_first), (second, w_second, b_second)):
        cert = certify_logistic(X, y, w, intercept, a, b, fit_intercept=fit_intercept)
        assert gap == pytest.approx(cert.dual_gap, rel=1e-6, abs=1e-13)
    # most columns were settled by their bound, which bounds |x_jᵀθ| and is below a_j;
    # the others were read
    assert lazy and exact.sum() < p / 2
    signed = np.asarray(X.T @ theta).ravel()
    np.testing.assert_allclose(corr[exact], signed[exact], rtol=1e-9, atol=1e-14)
    unread = ~exact
    assert np.all(corr[unread] >= np.abs(signed[unread]) - 1e-14)
    assert np.all(corr[unread] < a[unread])
    assert np.all(w_second[unread] == 0.0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("penalty", [L1(), ElasticNetPenalty(0.5), L1(positive=True)])
def test_lazy_and_full_certificates_give_the_same_certified_path(sparse, fit_intercept,
                                                                 penalty):  # fmt: skip
    X, y = wide_problem(seed=11, sparse=sparse)
    data = prepare_logistic(X, y, None, False, fit_intercept)
    alphas = prepared_alpha_max(data, penalty) * np.geomspace(1.0, 0.02, 25)
    full = list(COMPILED_SETTINGS)
    full[14] = full[15] = 0.0  # every certificate reads all of X
    no_slack = list(COMPILED_SETTINGS)
    no_slack[11] = 0.0  # the intercept's exact dual point: the reported gap is certify's
    paths = {}
    for label, options in (("lazy", no_slack), ("full", full)):
        rows = DenseRows(np.zeros((alphas.shape[0], X.shape[1])))
        points = compiled_path(data, penalty, alphas, tol=1e-9, max_iter=500, rows=rows,
                               settings=tuple(options))  # fmt: skip
        for k, alpha in enumerate(alphas):
            a, b = penalty.weights(alpha, X.shape[1])
            cert = certify_logistic(X, y, rows.coefs[k], points["intercept"][k], a, b,
                                    positive=penalty.positive,
                                    fit_intercept=fit_intercept)  # fmt: skip
            assert cert.relative_gap <= 1e-9
            if label == "lazy":
                assert points["relative_gap"][k] == pytest.approx(
                    cert.relative_gap, rel=1e-6, abs=1e-13
                )
        paths[label] = rows.coefs
    np.testing.assert_allclose(paths["lazy"], paths["full"], atol=1e-4)
