"""The group lasso and group elastic net of the logistic and Poisson losses: solver,
certificate and path, against cvxpy and the certificate's own promise (hypothesis)."""

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage import path
from shrinkage.certificates.glm_groups import certify_group_glm
from shrinkage.losses import LogisticLoss, PoissonLoss
from shrinkage.penalties import ElasticNetPenalty
from shrinkage.solvers.group_glm import (
    group_glm_alpha_max,
    prepare_group_glm,
    safe_groups,
    solve_group_glm_prepared,
)

LOSSES = {"logistic": LogisticLoss(), "poisson": PoissonLoss()}
GROUPS = [0, 0, 0, 1, 1, 2, 2, 2, 3]
LISTS = [[0, 1, 2], [3, 4], [5, 6, 7], [8]]


def _problem(loss, seed, n=80, p=9):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    z = X[:, :3] @ rng.standard_normal(3) * 0.7
    if loss == "logistic":
        y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    else:
        y = rng.poisson(np.exp(0.5 * z)).astype(float)
    return X, y, rng


def _objective(X, y, s, loss, w, c, offset):
    n = X.shape[0]
    z = X @ w + c + offset
    if loss == "logistic":
        return cp.sum(cp.multiply(s, cp.logistic(z) - cp.multiply(y, z))) / n
    return cp.sum(cp.multiply(s, cp.exp(z) - cp.multiply(y, z))) / n


def _cvxpy(X, y, s, loss, a, b, fit_intercept, offset):
    w = cp.Variable(X.shape[1])
    c = cp.Variable() if fit_intercept else 0.0
    penalty = sum(a[g] * cp.norm(w[idx]) + 0.5 * b[g] * cp.sum_squares(w[idx])
                  for g, idx in enumerate(LISTS))  # fmt: skip
    cp.Problem(cp.Minimize(_objective(X, y, s, loss, w, c, offset) + penalty)).solve(
        solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12
    )
    return w.value, float(c.value) if fit_intercept else 0.0


@pytest.mark.parametrize("loss", ["logistic", "poisson"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fits_agree_with_cvxpy(loss, l1_ratio, fit_intercept):
    X, y, rng = _problem(loss, 3 + int(fit_intercept))
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    offset = rng.normal(0, 0.2, X.shape[0])
    data = prepare_group_glm(LOSSES[loss], X, y, GROUPS, weights, False, fit_intercept, offset)
    omega = np.sqrt(data.groups.sizes)
    alpha = 0.03
    a, b = alpha * l1_ratio * omega, alpha * (1 - l1_ratio) * omega
    fit = solve_group_glm_prepared(data, a, b, tol=1e-11, max_iter=100)
    ref_w, ref_b = _cvxpy(X, y, data.s, loss, a, b, fit_intercept, offset)
    assert fit.converged and fit.relative_gap <= 1e-11
    np.testing.assert_allclose(fit.coef, ref_w, atol=1e-5)
    assert fit.intercept == pytest.approx(ref_b, abs=1e-5)
    assert fit.certificate.max_kkt_residual <= 1e-5
    assert fit.n_iter <= 12  # proximal Newton: a few steps from zero


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), loss=st.sampled_from(["logistic", "poisson"]),
       l1_ratio=st.sampled_from([1.0, 0.6]), spread=st.floats(0.05, 1.0))  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, loss, l1_ratio, spread):
    """At any (w, b), ``D ≤ P(w*) ≤ P(w)``, P(w*) from a fit certified to 1e-12."""
    X, y, rng = _problem(loss, seed, n=50, p=9)
    if loss == "logistic" and y.min() == y.max():
        y[0] = 1 - y[0]
    if loss == "poisson" and not np.any(y > 0):
        y[0] = 1.0
    data = prepare_group_glm(LOSSES[loss], X, y, GROUPS)
    omega = np.sqrt(data.groups.sizes)
    alpha = spread * group_glm_alpha_max(data, omega, l1_ratio)
    a, b = alpha * l1_ratio * omega, alpha * (1 - l1_ratio) * omega
    best = solve_group_glm_prepared(data, a, b, tol=1e-12, max_iter=100)
    optimum = best.certificate.primal
    w = best.coef + rng.normal(0, 0.3, 9) * (rng.random(9) < 0.6)
    intercept = best.intercept + rng.normal(0, 0.3)
    cert, _ = certify_group_glm(X, y, data.s, X @ w + intercept, w, data.groups, a, b,
                                fit_intercept=True, loss=LOSSES[loss],
                                primal_at_zero=data.primal_at_zero)  # fmt: skip
    scale = 1e-11 * max(1.0, abs(optimum))
    assert cert.dual <= optimum + scale
    assert cert.primal >= optimum - scale
    assert cert.primal - optimum <= cert.dual_gap + scale


@pytest.mark.parametrize("loss", ["logistic", "poisson"])
def test_paths_certify_every_point_and_groups_enter_whole(loss):
    X, y, _ = _problem(loss, 8, n=150, p=9)
    result = path(X, y, ElasticNetPenalty(0.8), loss=loss, groups=GROUPS, n_alphas=25,
                  tol=1e-8)  # fmt: skip
    assert result.strategy == "group_newton" and result.loss == loss
    assert result.converged.all() and np.all(result.relative_gaps <= 1e-8)
    assert np.all(result.coefs[0] == 0) and np.any(result.coefs[1] != 0)
    for members in LISTS:  # a group's coefficients are zero together or none is
        zero = result.coefs[:, members] == 0
        assert np.all(zero.all(axis=1) | ~zero.any(axis=1))
    k = 12  # each point is the fit of its α
    data = prepare_group_glm(LOSSES[loss], X, y, GROUPS)
    omega = np.sqrt(data.groups.sizes)
    alpha = result.alphas[k]
    point = solve_group_glm_prepared(data, alpha * 0.8 * omega, alpha * 0.2 * omega,
                                     tol=1e-12, max_iter=100)  # fmt: skip
    np.testing.assert_allclose(result.coefs[k], point.coef, atol=1e-4)


def test_standardised_paths_are_the_paths_of_scaled_columns():
    """``standardize=True`` penalises ``σ_j w_j``: the path of X/σ, divided back."""
    X, y, _ = _problem("poisson", 5, n=120)
    X[:, 1] *= 6.0
    X[:, 6] *= 0.2
    sigma = X.std(axis=0)
    scaled = path(X / sigma, y, loss="poisson", groups=GROUPS, n_alphas=10, tol=1e-10)
    standardised = path(X, y, loss="poisson", groups=GROUPS, n_alphas=10, tol=1e-10,
                        standardize=True)  # fmt: skip
    np.testing.assert_allclose(standardised.alphas, scaled.alphas, rtol=1e-10)
    np.testing.assert_allclose(standardised.coefs * sigma, scaled.coefs, atol=1e-6)


def test_exposure_is_the_log_offset():
    X, y, rng = _problem("poisson", 6)
    exposure = rng.uniform(0.5, 3.0, X.shape[0])
    by_exposure = path(X, y, loss="poisson", groups=GROUPS, exposure=exposure, n_alphas=5)
    by_offset = path(X, y, loss="poisson", groups=GROUPS, offset=np.log(exposure),
                     n_alphas=5)  # fmt: skip
    np.testing.assert_allclose(by_exposure.coefs, by_offset.coefs, atol=1e-10)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(groups=[0, 0, 1]), ValueError, "one label per feature"),
    (dict(groups=[[0, 1, 2], [2, 3, 4, 5, 6, 7, 8]]), ValueError, "overlap"),
    (dict(groups=[[0, 1, 2], [3, 4]]), ValueError, "cover"),
    (dict(groups=GROUPS, offset=np.zeros(3)), ValueError, "offset"),
    (dict(groups=GROUPS, loss="multinomial", grouped=True), ValueError, "one or the other"),
])  # fmt: skip
def test_bad_input_gets_a_clear_error(kwargs, error, message):
    X, y, _ = _problem("logistic", 0)
    data = sp.csr_matrix(X) if kwargs.pop("sparse", False) else X
    loss = kwargs.pop("loss", "logistic")
    with pytest.raises(error, match=message):
        path(data, y, loss=loss, n_alphas=3, **kwargs)


@pytest.mark.parametrize("loss", ["logistic", "poisson", "multinomial"])
def test_sparse_paths_are_those_of_the_dense_copy(loss):
    X, y, _ = _problem("poisson" if loss == "poisson" else "logistic", 3)
    if loss == "multinomial":
        y = np.digitize(X[:, 0] + X[:, 5], [-0.5, 0.5])
    X[np.abs(X) < 0.7] = 0.0
    dense = path(X, y, loss=loss, groups=GROUPS, n_alphas=5, tol=1e-10)
    sparse = path(sp.csc_matrix(X), y, loss=loss, groups=GROUPS, n_alphas=5, tol=1e-10)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, atol=1e-7)
    assert np.any(sparse.coefs != 0) and np.all(sparse.relative_gaps <= 1e-10)


def test_inputs_are_never_modified():
    X, y, rng = _problem("poisson", 2)
    offset = rng.normal(0, 0.1, X.shape[0])
    copies = X.copy(), y.copy(), offset.copy()
    path(X, y, loss="poisson", groups=GROUPS, offset=offset, n_alphas=4, standardize=True)
    for original, kept in zip((X, y, offset), copies, strict=True):
        np.testing.assert_array_equal(original, kept)


@pytest.mark.parametrize("loss", ["squared", "logistic", "poisson"])
def test_refit_at_solves_the_paths_own_problem(loss):
    """``refit_at`` between grid points solves the path's loss, groups and offset: the
    refit at a grid α is that point."""
    X, y, rng = _problem("poisson" if loss == "poisson" else "logistic", 12, n=150)
    if loss == "squared":
        y = X[:, :3].sum(axis=1) + rng.standard_normal(X.shape[0])
    offset = rng.normal(0, 0.2, X.shape[0])
    result = path(X, y, loss=loss, groups=GROUPS, offset=offset, n_alphas=8, tol=1e-10)
    assert result.groups is GROUPS
    k = 5
    refit = result.refit_at(result.alphas[k], X, y, offset=offset)
    assert refit.solver == ("group_bcd" if loss == "squared" else "group_newton")
    np.testing.assert_allclose(refit.coef, result.coefs[k], atol=1e-6)
    ungrouped = path(X, y, loss=loss, offset=offset, n_alphas=8, tol=1e-10)
    refit = ungrouped.refit_at(ungrouped.alphas[k], X, y, offset=offset)
    np.testing.assert_allclose(refit.coef, ungrouped.coefs[k], atol=1e-6)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), tol=st.sampled_from([1e-3, 1e-5]))
def test_groups_screened_by_the_gap_safe_test_are_zero_at_the_optimum(seed, tol):
    """Every group the logistic sphere test proves zero at a point certified to ``tol``
    is zero in a solution certified to 1e-12; Poisson's dual has no sphere (none)."""
    X, y, _ = _problem("logistic", seed, n=120, p=9)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    result = path(X, y, loss="logistic", groups=GROUPS, n_alphas=10, tol=tol)
    data = prepare_group_glm(LOSSES["logistic"], X, y, GROUPS)
    omega = np.sqrt(data.groups.sizes)
    for k in (3, 6, 9):
        loose = solve_group_glm_prepared(data, result.alphas[k] * omega, 0 * omega, tol=tol,
                                         max_iter=100)  # fmt: skip
        tight = solve_group_glm_prepared(data, result.alphas[k] * omega, 0 * omega,
                                         tol=1e-12, max_iter=100)  # fmt: skip
        _, dual_norms = certify_group_glm(
            X, y, data.s, X @ loose.coef + loose.intercept, loose.coef, data.groups,
            result.alphas[k] * omega, 0 * omega, fit_intercept=True, loss=data.loss,
            primal_at_zero=data.primal_at_zero,
        )  # fmt: skip
        screened = safe_groups(data, dual_norms, loose.dual_gap, result.alphas[k] * omega)
        assert int(screened.sum()) == loose.n_screened
        assert np.all(data.groups.norms(tight.coef)[screened] == 0)


def test_the_logistic_sphere_screens_irrelevant_groups_and_poisson_has_none():
    """On a problem whose signal is in one group, a path certified to 1e-8 proves the
    other groups zero at its first points (none for Poisson: no sphere)."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((400, 9))
    y = (rng.random(400) < 1 / (1 + np.exp(-2 * X[:, 0]))).astype(float)
    result = path(X, y, loss="logistic", groups=GROUPS, n_alphas=10, tol=1e-8)
    assert np.all(result.n_screened[:3] == 3)  # the three groups without signal
    assert np.all(result.n_screened + (result.n_active > 0) <= 4)
    counts = path(X, (y + 1) * 2, loss="poisson", groups=GROUPS, n_alphas=5)
    assert np.all(counts.n_screened == 0)
