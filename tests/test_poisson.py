"""Poisson regression (log link): loss, certificate, solver, path, estimators and CV,
against independent references (cvxpy, scikit-learn's ``PoissonRegressor``, R's glmnet)
and the certificate's own promise (hypothesis)."""

import shutil
import subprocess
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import xlogy
from sklearn.linear_model import PoissonRegressor

from shrinkage import (
    PoissonElasticNet,
    PoissonElasticNetCV,
    PoissonLasso,
    PoissonLassoCV,
    path,
    poisson_alpha_max,
    solve_poisson,
)
from shrinkage.certificates import certify_poisson
from shrinkage.losses import NonIntegerCountWarning
from shrinkage.penalties import L1, L2, ElasticNetPenalty, Penalty


def _counts(seed, n=80, p=6, offset=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:3] = [0.5, -0.3, 0.2]
    o = rng.uniform(-0.7, 0.7, n) if offset else np.zeros(n)
    y = rng.poisson(np.exp(X @ w + 0.3 + o)).astype(float)
    return X, y, (o if offset else None), rng


def _objective(X, y, coef, intercept, alpha, l1_ratio=1.0, sample_weight=None, offset=None,
               penalty_factor=None):  # fmt: skip
    """Half the mean Poisson deviance plus the elastic net, from scratch."""
    n, p = X.shape
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    z = X @ coef + intercept + (0.0 if offset is None else offset)
    loss = s @ (np.exp(z) - y * z + xlogy(y, y) - y) / n
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=float)
    return loss + alpha * f @ (l1_ratio * np.abs(coef) + 0.5 * (1 - l1_ratio) * coef**2)


def _cvxpy_poisson(X, y, alpha, l1_ratio=1.0, sample_weight=None, offset=None,
                   fit_intercept=True, positive=False):  # fmt: skip
    import cvxpy as cp

    n, p = X.shape
    s = np.ones(n) if sample_weight is None else sample_weight * n / np.sum(sample_weight)
    w, b = cp.Variable(p), cp.Variable()
    z = X @ w + (b if fit_intercept else 0.0) + (0.0 if offset is None else offset)
    loss = cp.sum(cp.multiply(s, cp.exp(z) - cp.multiply(y, z))) / n
    penalty = l1_ratio * cp.norm1(w) + 0.5 * (1 - l1_ratio) * cp.sum_squares(w)
    constraints = [w >= 0] if positive else []
    cp.Problem(cp.Minimize(loss + alpha * penalty), constraints).solve(
        solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10
    )
    return w.value, (float(b.value) if fit_intercept else 0.0)


@pytest.mark.parametrize(
    "l1_ratio, weighted, offset, fit_intercept, positive",
    [(1.0, False, False, True, False), (0.5, True, False, True, False),
     (1.0, True, True, True, False), (0.3, False, True, False, False),
     (1.0, False, False, True, True)],
)  # fmt: skip
def test_fits_agree_with_cvxpy(l1_ratio, weighted, offset, fit_intercept, positive):
    X, y, o, rng = _counts(1, offset=offset)
    weights = rng.uniform(0.3, 2.0, X.shape[0]) if weighted else None
    alpha = 0.2 * poisson_alpha_max(X, y, fit_intercept=fit_intercept, offset=o)
    fit = solve_poisson(X, y, alpha, Penalty(l1_ratio, positive=positive), tol=1e-12,
                        sample_weight=weights, offset=o, fit_intercept=fit_intercept)  # fmt: skip
    assert fit.converged and fit.relative_gap <= 1e-12
    w_ref, b_ref = _cvxpy_poisson(X, y, alpha, l1_ratio, weights, o, fit_intercept, positive)
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, weights, o)
    theirs = _objective(X, y, w_ref, b_ref, alpha, l1_ratio, weights, o)
    assert ours <= theirs + 1e-9  # ours is certified: never worse than the reference
    np.testing.assert_allclose(fit.coef, w_ref, atol=2e-5)
    assert fit.intercept == pytest.approx(b_ref, abs=2e-5)
    # the certificate's primal is the objective computed from scratch
    assert fit.certificate.primal == pytest.approx(ours, rel=1e-12)


def test_ridge_agrees_with_scikit_learn_poisson_regressor():
    """scikit-learn's ``PoissonRegressor(alpha)`` minimises ``mean deviance/2 + α/2‖w‖²``:
    the same problem as ``L2()`` with the same α, no conversion."""
    X, y, _, rng = _counts(2, n=120)
    weights = rng.uniform(0.5, 2.0, 120)
    ours = solve_poisson(X, y, 0.05, L2(), sample_weight=weights, tol=1e-13)
    ref = PoissonRegressor(alpha=0.05, tol=1e-12, max_iter=10_000).fit(X, y, weights)
    np.testing.assert_allclose(ours.coef, ref.coef_, atol=1e-7)
    assert ours.intercept == pytest.approx(ref.intercept_, abs=1e-7)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), l1_ratio=st.sampled_from([1.0, 0.6, 0.0]),
       offset=st.booleans(), scale=st.floats(0.05, 1.0))  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, l1_ratio, offset, scale):
    """At any (w, b), not only near the optimum, ``D ≤ P(w*) ≤ P(w)``: the gap bounds
    ``P(w) − P(w*)``, P(w*) from a fit certified to 1e-13."""
    X, y, o, rng = _counts(seed, n=40, p=5, offset=offset)
    if not np.any(y > 0):
        y[0] = 1.0
    alpha = scale * poisson_alpha_max(X, y, ElasticNetPenalty(max(l1_ratio, 0.1)), offset=o)
    a, b = Penalty(l1_ratio).weights(alpha, 5)
    best = solve_poisson(X, y, alpha, Penalty(l1_ratio), offset=o, tol=1e-13, max_iter=500)
    optimum = best.certificate.primal
    w = best.coef + rng.normal(0, 0.3, 5) * (rng.random(5) < 0.6)
    intercept = best.intercept + rng.normal(0, 0.3)
    cert = certify_poisson(X, y, w, intercept, a, b, offset=o)
    assert cert.dual <= optimum + 1e-12 * max(1.0, abs(optimum))
    assert cert.primal >= optimum - 1e-12 * max(1.0, abs(optimum))
    assert cert.primal - optimum <= cert.dual_gap + 1e-12


R_POISSON = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); y <- read.csv("{y}", header = FALSE)[, 1]
o <- read.csv("{o}", header = FALSE)[, 1]
fit <- glmnet(X, y, family = "poisson", alpha = {rho}, lambda = {lam}, offset = o,
              standardize = {standardize}, thresh = 1e-14, maxit = 1e7)
write.table(as.numeric(coef(fit)), "{out}", row.names = FALSE, col.names = FALSE)
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
@pytest.mark.parametrize("l1_ratio, standardize", [(1.0, False), (0.5, True)])
def test_fits_agree_with_r_glmnet_poisson(tmp_path, l1_ratio, standardize):
    """glmnet's ``family = "poisson"`` minimises the same objective, λ = α, with the
    offset; its ``standardize = TRUE`` is ours."""
    X, y, o, _ = _counts(3, n=100, p=7, offset=True)
    X[:, 2] *= 4.0
    alpha = 0.04
    for name, array in (("X", X), ("y", y), ("o", o)):
        np.savetxt(tmp_path / f"{name}.csv", np.atleast_2d(array.T).T, delimiter=",")
    script = R_POISSON.format(X=tmp_path / "X.csv", y=tmp_path / "y.csv",
                              o=tmp_path / "o.csv", rho=l1_ratio, lam=alpha,
                              standardize="TRUE" if standardize else "FALSE",
                              out=tmp_path / "b.csv")  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120)
    if run.returncode != 0 and "glmnet" in run.stderr:
        pytest.skip("R's glmnet package is not installed")
    assert run.returncode == 0, run.stderr
    ref = np.loadtxt(tmp_path / "b.csv")
    fit = solve_poisson(X, y, alpha, Penalty(l1_ratio), offset=o, standardize=standardize,
                        tol=1e-13)  # fmt: skip
    np.testing.assert_allclose(fit.coef, ref[1:], atol=2e-5)
    assert fit.intercept == pytest.approx(ref[0], abs=2e-5)


def test_alpha_max_is_the_first_alpha_with_every_coefficient_zero():
    X, y, o, _ = _counts(4, offset=True)
    alpha_max = poisson_alpha_max(X, y, offset=o)
    at = solve_poisson(X, y, alpha_max, offset=o, tol=1e-10)
    below = solve_poisson(X, y, 0.99 * alpha_max, offset=o, tol=1e-10)
    assert np.all(at.coef == 0) and np.count_nonzero(below.coef) == 1
    # the null model: the intercept is log(Σ y / Σ e^o)
    assert at.intercept == pytest.approx(np.log(y.sum() / np.exp(o).sum()), rel=1e-12)


def test_path_certifies_every_point_dense_and_sparse():
    X, y, _, _ = _counts(5, n=150, p=30)
    X[np.abs(X) < 0.8] = 0.0
    dense = path(X, y, loss="poisson", n_alphas=30, tol=1e-8)
    sparse = path(sp.csr_matrix(X), y, loss="poisson", n_alphas=30, tol=1e-8)
    assert dense.loss == "poisson" and dense.converged.all() and sparse.converged.all()
    assert np.all(dense.relative_gaps <= 1e-8)
    np.testing.assert_allclose(dense.alphas, sparse.alphas, rtol=1e-12)
    np.testing.assert_allclose(dense.coefs, sparse.coefs, atol=1e-5)
    assert dense.n_active[0] == 0 and dense.n_active[-1] > 10
    # every point equals a cold single fit at its α
    k = 17
    single = solve_poisson(X, y, dense.alphas[k], tol=1e-10)
    np.testing.assert_allclose(dense.coefs[k], single.coef, atol=1e-4)


def test_exposure_is_the_log_offset_and_only_moves_the_intercept():
    X, y, _, _ = _counts(6)
    by_offset = path(X, y, loss="poisson", offset=np.full(80, np.log(3.0)), n_alphas=10,
                     tol=1e-10)  # fmt: skip
    by_exposure = path(X, y, loss="poisson", exposure=np.full(80, 3.0), n_alphas=10,
                       tol=1e-10)  # fmt: skip
    plain = path(X, y, loss="poisson", n_alphas=10, tol=1e-10)
    np.testing.assert_allclose(by_offset.coefs, by_exposure.coefs, atol=1e-12)
    np.testing.assert_allclose(by_offset.coefs, plain.coefs, atol=1e-7)
    np.testing.assert_allclose(by_offset.intercepts, plain.intercepts - np.log(3.0), atol=1e-7)


def test_offsets_of_the_squared_and_logistic_losses():
    """The squared loss with offset o is the fit of y − o; the logistic one agrees with
    cvxpy."""
    X, y, o, _ = _counts(7, offset=True)
    with_offset = path(X, y, loss="squared", offset=o, n_alphas=10, tol=1e-10)
    shifted = path(X, y - o, loss="squared", n_alphas=10, tol=1e-10)
    np.testing.assert_allclose(with_offset.coefs, shifted.coefs, atol=1e-10)
    import cvxpy as cp

    labels = (y > 1).astype(float)
    fit = path(X, labels, loss="logistic", offset=o, alphas=[0.02], tol=1e-12)
    w, b = cp.Variable(6), cp.Variable()
    z = X @ w + b + o
    cost = cp.sum(cp.logistic(z) - cp.multiply(labels, z)) / 80 + 0.02 * cp.norm1(w)
    cp.Problem(cp.Minimize(cost)).solve(solver="CLARABEL", tol_gap_abs=1e-12,
                                        tol_gap_rel=1e-12, tol_feas=1e-12)  # fmt: skip
    np.testing.assert_allclose(fit.coefs[0], w.value, atol=2e-5)
    assert fit.intercepts[0] == pytest.approx(float(b.value), abs=2e-5)
    assert fit.relative_gaps[0] <= 1e-12


def test_estimators_fit_predict_and_score_with_exposure():
    X, y, o, _ = _counts(8, n=200, offset=True)
    exposure = np.exp(o)
    model = PoissonLasso(alpha=0.02).fit(X, y, exposure=exposure)
    direct = solve_poisson(X, y, 0.02, offset=o)
    np.testing.assert_allclose(model.coef_, direct.coef)
    mean = model.predict(X, exposure=exposure)
    np.testing.assert_allclose(mean, np.exp(X @ model.coef_ + model.intercept_ + o))
    assert 0.0 < model.score(X, y, exposure=exposure) < 1.0
    ridge = PoissonElasticNet(alpha=0.05, l1_ratio=0.0).fit(X, y)
    assert np.all(ridge.coef_ != 0) and ridge.certificate_.relative_gap <= 1e-4


def test_cross_validation_uses_each_folds_offsets():
    X, y, o, _ = _counts(9, n=240, p=8, offset=True)
    model = PoissonLassoCV(n_alphas=25, cv=4).fit(X, y, offset=o)
    assert model.deviance_path_.shape == (25, 4)
    assert model.alpha_ >= model.alpha_min_
    assert model.certificate_.relative_gap <= 1e-4
    assert set(np.flatnonzero(model.coef_)) >= {0, 1}
    # ignoring the offset fits a worse model of these counts
    blind = PoissonLassoCV(n_alphas=25, cv=4).fit(X, y)
    assert model.cv_mean_.min() < blind.cv_mean_.min()
    grid = PoissonElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3).fit(X, y, offset=o)
    assert grid.cv_mean_.shape == (2, 10) and grid.l1_ratio_ in (0.5, 1.0)


@pytest.mark.parametrize(
    "kwargs, y_change, message",
    [({}, lambda y: np.where(np.arange(y.size) == 3, -1.0, y), "counts y >= 0"),
     ({}, np.zeros_like, "every y"),
     ({"exposure": np.r_[0.0, np.ones(79)]}, None, "exposure must be > 0"),
     ({"offset": np.zeros(79)}, None, "offset has shape"),
     ({"offset": np.r_[np.nan, np.zeros(79)]}, None, "NaN"),
     ({"offset": np.zeros(80), "exposure": np.ones(80)}, None, "not both")],
)  # fmt: skip
def test_bad_input_gets_a_clear_error(kwargs, y_change, message):
    X, y, _, _ = _counts(10)
    y = y if y_change is None else y_change(y)
    with pytest.raises(ValueError, match=message):
        solve_poisson(X, y, 0.1, **kwargs)
    with pytest.raises(ValueError, match=message):
        PoissonLasso().fit(X, y, **kwargs)


def test_rates_are_fitted_with_a_warning_and_counts_without():
    X, y, _, _ = _counts(13, n=60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        PoissonLasso(alpha=0.05).fit(X, y)  # integer counts: no warning
    rates = y / 2.0
    with pytest.warns(NonIntegerCountWarning, match="not integers; they are fitted as rates"):
        rate_model = PoissonLasso(alpha=0.05).fit(X, rates)
    with pytest.warns(NonIntegerCountWarning):
        path(X, rates, loss="poisson", n_alphas=3)
    # the warning does not change the fit: the rate model is certified like any other
    assert rate_model.certificate_.relative_gap <= 1e-4
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        PoissonLassoCV(n_alphas=5, cv=3).fit(X, rates)
    # one message for the full data and every fold, shown once
    assert sum(issubclass(w.category, NonIntegerCountWarning) for w in caught) == 1


def test_a_fold_without_counts_is_named():
    X, y, _, _ = _counts(11, n=40)
    y[:] = 0.0
    y[-2:] = 3.0  # the last fold holds every count
    folds = [(np.arange(30), np.arange(30, 40)), (np.arange(10, 40), np.arange(10))]
    with pytest.raises(ValueError, match="fold 1 of 2"):
        PoissonLassoCV(cv=folds).fit(X, y)


def test_inputs_are_never_modified():
    X, y, o, _ = _counts(12, offset=True)
    copies = [X.copy(), y.copy(), o.copy()]
    PoissonLassoCV(n_alphas=5, cv=2).fit(X, y, offset=o)
    path(X, y, loss="poisson", offset=o, n_alphas=5)
    for before, after in zip(copies, [X, y, o], strict=True):
        np.testing.assert_array_equal(before, after)


def test_float32_fits_are_certified_at_the_coefficients_returned():
    X, y, _, _ = _counts(13)
    fit = solve_poisson(X.astype(np.float32), y, 0.02, tol=1e-5)
    assert fit.coef.dtype == np.float32 and fit.relative_gap <= 1e-5
    check = certify_poisson(X.astype(np.float32).astype(float), y, fit.coef.astype(float),
                            fit.intercept, np.full(6, 0.02), np.zeros(6))  # fmt: skip
    assert check.relative_gap == pytest.approx(fit.relative_gap, rel=1e-6, abs=1e-12)


def test_unpenalised_features_are_fitted_freely():
    X, y, _, _ = _counts(14)
    factors = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    fit = solve_poisson(X, y, 10.0, L1(penalty_factor=factors), tol=1e-10)
    assert fit.coef[0] != 0 and np.all(fit.coef[1:] == 0) and fit.relative_gap <= 1e-10
    # the unpenalised fit of feature 0 and the intercept: the score equations hold
    mu = np.exp(X[:, 0] * fit.coef[0] + fit.intercept)
    assert abs(np.sum(y - mu)) < 1e-8 and abs(X[:, 0] @ (y - mu)) < 1e-8


@pytest.mark.parametrize("offset, weighted", [(False, False), (True, True)])
def test_compiled_loops_compute_the_numpy_certificate(offset, weighted):
    """The compiled Poisson loops (derivatives, the intercept's closed-form dual point,
    the clip, the dual and penalty) give the certificate of the NumPy construction."""
    from shrinkage.certificates import certify_from_prediction
    from shrinkage.losses import PoissonLoss
    from shrinkage.solvers.logistic_data import prepare_glm
    from shrinkage.solvers.logistic_point import certify_at, loss_at, with_dual

    X, y, o, rng = _counts(15, n=60, p=5, offset=offset)
    weights = rng.uniform(0.2, 2.0, 60) if weighted else None
    data = prepare_glm(PoissonLoss(), X, y, weights, offset=o)
    w = np.array([0.4, -0.2, 0.0, 0.1, 0.0])
    z = data.predictor(w, 0.2)
    point = with_dual(loss_at(data, z), data, True)
    assert point.theta is not None  # the compiled construction ran
    # Xᵀθ read off Xᵀ∇ and Xᵀ(s y)/n, without a pass over X, is the product itself
    np.testing.assert_allclose(point.correlation, data.X.T @ point.theta, rtol=1e-12,
                               atol=1e-15)  # fmt: skip
    a, b = np.full(5, 0.05), np.full(5, 0.01)
    compiled = certify_at(point, data, w, a, b, False)
    numpy_cert, gradient = certify_from_prediction(
        data.X, data.y, data.s, z, w, a, b, False, True, data.loss, data.primal_at_zero, o
    )
    assert point.loss == pytest.approx(PoissonLoss().value(data.y, z, data.s), rel=1e-13)
    np.testing.assert_allclose(point.gradient, gradient, rtol=1e-12, atol=1e-15)
    assert compiled.primal == pytest.approx(numpy_cert.primal, rel=1e-13)
    assert compiled.dual == pytest.approx(numpy_cert.dual, rel=1e-10)
    np.testing.assert_allclose(compiled.kkt_residual, numpy_cert.kkt_residual, atol=1e-13)


def test_counts_are_detected_as_on_the_command_line_and_advised_on():
    """``detect_task`` names counts as ``--task auto`` does, and ``advise`` compares the
    penalties on the Poisson deviance."""
    from shrinkage import advise
    from shrinkage.defaults import detect_task

    X, y, _, _ = _counts(16, n=150)
    assert detect_task(y) == "count" and detect_task(y + 1) == "regression"
    advice = advise(X, y, n_alphas=8, n_splits=3)
    assert advice.task == "count" and "poisson loss" in str(advice)
    lasso = advice["lasso"]
    assert lasso.cv_error > 0 and lasso.n_features_kept <= 6
    # the lasso's CV error is the held-out Poisson deviance of PoissonLassoCV's curve
    cv = PoissonLassoCV(alphas=[lasso.alpha], cv=3).fit(X, y)
    assert cv.cv_mean_[0] > 0
