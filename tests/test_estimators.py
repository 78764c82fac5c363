"""Estimators against scikit-learn, cvxpy and explicit constructions."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from _reference import (
    correlation_at_zero,
    cvxpy_fit,
    make_regression,
    make_sparse_regression,
    objective,
)
from shrinkage import ElasticNet, Lasso, Ridge

TIGHT = dict(tol=1e-10, max_iter=100_000)
TIGHTER = dict(tol=1e-13, max_iter=100_000)
SK_TIGHT = dict(tol=1e-13, max_iter=1_000_000)


def _assert_fit_matches(model, coef, intercept, atol=1e-5):
    np.testing.assert_allclose(model.coef_, coef, atol=atol)
    assert model.intercept_ == pytest.approx(intercept, abs=atol)


def _case(sparse, weighted, seed=0):
    X, y = make_sparse_regression(n=50, p=15, density=0.5, seed=seed)
    sw = np.random.default_rng(seed).uniform(0.2, 3.0, 50) if weighted else None
    return (sp.csc_matrix(X) if sparse else X), X, y, sw


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (Lasso(alpha=0.05), linear_model.Lasso(alpha=0.05)),
        (ElasticNet(alpha=0.05, l1_ratio=0.4), linear_model.ElasticNet(alpha=0.05, l1_ratio=0.4)),
    ],
    ids=["lasso", "enet"],
)
def test_agrees_with_sklearn(ours, theirs, sparse, fit_intercept, weighted, positive):
    Xin, X, y, sw = _case(sparse, weighted)
    params = dict(fit_intercept=fit_intercept, positive=positive)
    model = clone(ours).set_params(**params, **TIGHT).fit(Xin, y, sample_weight=sw)
    ref = clone(theirs).set_params(**params, **SK_TIGHT).fit(X, y, sample_weight=sw)
    assert model.certificate_.relative_gap <= 1e-10
    _assert_fit_matches(model, ref.coef_, ref.intercept_)
    rho = model.l1_ratio
    ours_value = objective(X, y, model.coef_, model.intercept_, 0.05, rho, sw)
    theirs_value = objective(X, y, ref.coef_, ref.intercept_, 0.05, rho, sw)
    assert ours_value <= theirs_value + 1e-10 * model.certificate_.primal_at_zero
    np.testing.assert_allclose(model.predict(Xin), ref.predict(X), atol=1e-4)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_agrees_with_sklearn(sparse, fit_intercept, weighted):
    Xin, X, y, sw = _case(sparse, weighted, seed=1)
    n = X.shape[0]
    alpha_sk = n * 0.3 if sw is None else sw.sum() * 0.3  # α_sk = α Σ s_i (= n α)
    ref = linear_model.Ridge(alpha=alpha_sk, fit_intercept=fit_intercept, solver="svd")
    ref.fit(X, y, sample_weight=sw)
    model = Ridge(alpha=0.3, fit_intercept=fit_intercept, tol=1e-10).fit(Xin, y, sample_weight=sw)
    _assert_fit_matches(model, ref.coef_, ref.intercept_, atol=1e-10)
    assert np.all(model.coef_ != 0)


@pytest.mark.parametrize("solver", ["cd", "fista"])
def test_positive_ridge_agrees_with_sklearn(solver):
    X, y = make_regression(n=50, p=10, seed=2)
    ref = linear_model.Ridge(alpha=50 * 0.2, positive=True, solver="lbfgs", tol=1e-12)
    ref.fit(X, y)
    model = Ridge(alpha=0.2, positive=True, solver=solver, **TIGHT).fit(X, y)
    assert model.solver_ == ("coordinate_descent" if solver == "cd" else "fista")
    assert np.all(model.coef_ >= 0) and np.any(model.coef_ == 0)
    _assert_fit_matches(model, ref.coef_, ref.intercept_, atol=1e-4)


# --- cvxpy: penalty factors ----------------------------------------------------------


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("estimator", [Lasso(alpha=0.08), ElasticNet(alpha=0.08, l1_ratio=0.5)])
def test_penalty_factor_agrees_with_cvxpy(estimator, positive):
    X, y = make_regression(n=40, p=10, seed=3, scales=True)
    sw = np.random.default_rng(3).uniform(0.3, 2, 40)
    factor = np.array([0.0, 1.0, 2.5, 0.5, 0.0, 1.0, 3.0, 1.0, 0.2, 1.0])
    model = clone(estimator).set_params(penalty_factor=factor, positive=positive, **TIGHT)
    model.fit(X, y, sample_weight=sw)
    coef, intercept = cvxpy_fit(X, y, 0.08, model.l1_ratio, penalty_factor=factor,
                                positive=positive, sample_weight=sw)  # fmt: skip
    _assert_fit_matches(model, coef, intercept, atol=1e-5)
    assert model.certificate_.relative_gap <= 1e-10
    value = objective(X, y, model.coef_, model.intercept_, 0.08, model.l1_ratio, sw, factor)
    ref_value = objective(X, y, coef, intercept, 0.08, model.l1_ratio, sw, factor)
    assert value <= ref_value + 1e-9


def test_unpenalised_features_are_never_shrunk_to_zero():
    X, y = make_regression(n=40, p=6, seed=4)
    factor = np.array([0.0, 0.0, 1.0, 1.0, 1.0, 1.0])
    model = Lasso(alpha=100.0, penalty_factor=factor, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(model.coef_[2:], 0.0)
    # only the unpenalised features remain: an ordinary least-squares fit on them
    ols = linear_model.LinearRegression().fit(X[:, :2], y)
    _assert_fit_matches(model, np.r_[ols.coef_, np.zeros(4)], ols.intercept_, atol=1e-5)


# --- standardize=True: the explicit glmnet construction -------------------------------


def _standardised_fit(estimator, X, y, sw, fit_intercept):
    """Fit on columns scaled by their weighted (1/n) std, then map back."""
    n = X.shape[0]
    s = np.ones(n) if sw is None else sw * n / sw.sum()
    mean = s @ X / n if fit_intercept else np.zeros(X.shape[1])
    std = np.sqrt(s @ (X - mean) ** 2 / n)
    Z = (X - mean) / std if fit_intercept else X / std
    ref = clone(estimator).set_params(standardize=False, fit_intercept=fit_intercept, **TIGHTER)
    ref.fit(Z, y, sample_weight=sw)
    coef = ref.coef_ / std
    return coef, ref.intercept_ - (mean @ coef if fit_intercept else 0.0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize(
    "estimator",
    [Lasso(alpha=0.05), ElasticNet(alpha=0.05, l1_ratio=0.3), Ridge(alpha=0.5)],
    ids=["lasso", "enet", "ridge"],
)
def test_standardize_equals_fitting_standardised_columns(
    estimator, fit_intercept, weighted, sparse
):
    X, y = make_regression(n=50, p=8, seed=5, scales=True)
    sw = np.random.default_rng(5).uniform(0.3, 2, 50) if weighted else None
    coef, intercept = _standardised_fit(estimator, X, y, sw, fit_intercept)
    model = clone(estimator).set_params(standardize=True, fit_intercept=fit_intercept, **TIGHTER)
    model.fit(sp.csc_matrix(X) if sparse else X, y, sample_weight=sw)
    # gap ≤ 1e-13·P(0) pins the coefficients to ~√(2·gap/μ) < 1e-6 (1e-10 would not)
    _assert_fit_matches(model, coef, intercept, atol=1e-6)
    np.testing.assert_array_equal(model.coef_ == 0, coef == 0)


def test_standardize_changes_the_lasso_selection_on_badly_scaled_columns():
    rng = np.random.default_rng(6)
    X = rng.standard_normal((60, 2))
    y = X[:, 0] + X[:, 1] + 0.1 * rng.standard_normal(60)
    X[:, 1] *= 0.01  # same signal, tiny scale: a raw lasso needs a huge coefficient
    raw = Lasso(alpha=0.1).fit(X, y)
    standardized = Lasso(alpha=0.1, standardize=True).fit(X, y)
    assert raw.coef_[1] == 0.0
    assert standardized.coef_[1] > 10.0


# --- special cases -------------------------------------------------------------------


@pytest.mark.parametrize("estimator", [Lasso(), ElasticNet(l1_ratio=0.7)])
def test_alpha_at_or_above_alpha_max_gives_exact_zeros(estimator):
    X, y = make_regression(n=40, p=10, seed=7)
    sw = np.random.default_rng(7).uniform(0.3, 2, 40)
    rho = estimator.l1_ratio
    alpha_max = np.max(np.abs(correlation_at_zero(X, y, sw))) / rho
    for factor in (1.0, 1.5, 100.0):
        model = clone(estimator).set_params(alpha=factor * alpha_max).fit(X, y, sample_weight=sw)
        np.testing.assert_array_equal(model.coef_, 0.0)
        s = sw * 40 / sw.sum()
        assert model.intercept_ == pytest.approx(s @ y / 40)
        assert model.dual_gap_ <= 1e-12
    below = clone(estimator).set_params(alpha=0.98 * alpha_max).fit(X, y, sample_weight=sw)
    assert np.count_nonzero(below.coef_) >= 1


@pytest.mark.parametrize("sparse", [False, True])
def test_elastic_net_endpoints_are_ridge_and_lasso(sparse):
    X, y = make_regression(n=40, p=12, seed=8)
    Xin = sp.csc_matrix(X) if sparse else X
    sw = np.random.default_rng(8).uniform(0.3, 2, 40)
    ridge = Ridge(alpha=0.4, tol=1e-12).fit(Xin, y, sample_weight=sw)
    enet0 = ElasticNet(alpha=0.4, l1_ratio=0.0, **TIGHT).fit(Xin, y, sample_weight=sw)
    _assert_fit_matches(enet0, ridge.coef_, ridge.intercept_, atol=1e-6)
    lasso = Lasso(alpha=0.1, **TIGHT).fit(Xin, y, sample_weight=sw)
    enet1 = ElasticNet(alpha=0.1, l1_ratio=1.0, **TIGHT).fit(Xin, y, sample_weight=sw)
    np.testing.assert_array_equal(enet1.coef_, lasso.coef_)
    assert enet1.intercept_ == lasso.intercept_


def test_ridge_with_alpha_zero_is_least_squares():
    X, y = make_regression(n=40, p=6, seed=9)
    ols = linear_model.LinearRegression().fit(X, y)
    _assert_fit_matches(Ridge(alpha=0.0).fit(X, y), ols.coef_, ols.intercept_, atol=1e-10)


def test_warm_start_reuses_the_previous_solution():
    X, y = make_regression(n=60, p=40, seed=10)
    cold = Lasso(alpha=0.01, tol=1e-8).fit(X, y)
    model = Lasso(alpha=0.01, tol=1e-8, warm_start=True).fit(X, y)
    first = model.n_iter_
    model.fit(X, y)  # refit from its own solution
    assert model.n_iter_ < first and model.n_iter_ <= 1
    _assert_fit_matches(model, cold.coef_, cold.intercept_, atol=1e-5)
    # a neighbouring alpha converges faster from the warm start than from zero
    model.set_params(alpha=0.012).fit(X, y)
    assert model.n_iter_ < Lasso(alpha=0.012, tol=1e-8).fit(X, y).n_iter_
    # without warm_start a refit starts from zero again
    again = Lasso(alpha=0.01, tol=1e-8).fit(X, y)
    assert again.fit(X, y).n_iter_ == first


def test_warm_start_ignores_a_coef_of_another_shape():
    X, y = make_regression(n=30, p=8, seed=11)
    model = Lasso(alpha=0.05, warm_start=True).fit(X, y)
    model.fit(X[:, :5], y)
    assert model.coef_.shape == (5,)
    assert model.certificate_.relative_gap <= 1e-4


def test_dataframe_input_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = make_regression(n=30, p=4, seed=12)
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    model = Lasso(alpha=0.05).fit(frame, pd.Series(y))
    np.testing.assert_array_equal(model.feature_names_in_, ["age", "bmi", "bp", "s1"])
    assert model.n_features_in_ == 4
    np.testing.assert_allclose(model.predict(frame), Lasso(alpha=0.05).fit(X, y).predict(X))
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)  # names given at fit but not at predict


def test_convergence_warning_states_gap_tol_and_remedies():
    X, y = make_regression(n=40, p=30, seed=13)
    with pytest.warns(ConvergenceWarning) as record:
        model = Lasso(alpha=1e-3, max_iter=1, tol=1e-8).fit(X, y)
    message = str(record[0].message)
    assert f"relative duality gap {model.certificate_.relative_gap:.3g}" in message
    assert "tol=1e-08" in message
    assert "after 1 iterations" in message
    assert "larger max_iter" in message and "looser tol" in message
    assert model.n_iter_ == 1


def test_no_warning_when_converged():
    X, y = make_regression(n=40, p=10, seed=14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Lasso(alpha=0.05).fit(X, y)
        ElasticNet(alpha=0.05).fit(X, y)
        Ridge(alpha=0.05).fit(X, y)


def test_fitted_attributes_and_certificate():
    X, y = make_regression(n=40, p=10, seed=15)
    model = Lasso(alpha=0.1).fit(X, y)
    cert = model.certificate_
    assert model.dual_gap_ == cert.dual_gap
    assert cert.relative_gap <= model.tol
    assert cert.kkt_residual.shape == (10,)
    assert model.solver_ == "working_set_cd"
    assert model.n_iter_ >= 1
    assert model.coef_.shape == (10,) and isinstance(model.intercept_, float)
    np.testing.assert_array_equal(model.sparse_coef_.toarray().ravel(), model.coef_)
    assert model.sparse_coef_.nnz == np.count_nonzero(model.coef_)
    np.testing.assert_allclose(model.predict(X), X @ model.coef_ + model.intercept_)
    np.testing.assert_allclose(model.predict(sp.csr_matrix(X)), model.predict(X))


def test_ridge_solver_choices():
    X, y = make_regression(n=40, p=10, seed=16)
    exact = Ridge(alpha=0.3).fit(X, y)
    assert exact.solver_ == "ridge_cholesky" and exact.n_iter_ == 1
    for solver in ("cd", "fista", "ista"):
        model = Ridge(alpha=0.3, solver=solver, tol=1e-13, max_iter=100_000).fit(X, y)
        _assert_fit_matches(model, exact.coef_, exact.intercept_, atol=1e-6)
    with pytest.raises(ValueError, match="solver must be one of"):
        Lasso(solver="closed_form").fit(X, y)


def test_float32_input_gives_float32_coefficients():
    X, y = make_regression(n=40, p=10, seed=17)
    model = Lasso(alpha=0.05).fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == np.float32
    assert model.predict(X.astype(np.float32)).dtype == np.float32
    ref = Lasso(alpha=0.05, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-2)
