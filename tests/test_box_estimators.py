"""Box constraints ``lower ≤ coef ≤ upper`` through the scikit-learn estimators and their
cross-validated versions: the bounds reach the solver (the same answer as the functional
API, inside the box, certified), every fold path and refit of a CV honours them, bad
bounds are refused at fit time, and scikit-learn's estimator checks pass."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import KFold
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import (
    ElasticNet,
    Lasso,
    PoissonElasticNet,
    PoissonLasso,
    Ridge,
    path,
    solve,
    solve_logistic,
    solve_poisson,
)
from shrinkage.estimators import SparseLogisticRegression
from shrinkage.penalties import Penalty
from shrinkage.selection import (
    ElasticNetCV,
    LassoCV,
    PoissonElasticNetCV,
    PoissonLassoCV,
    SparseLogisticRegressionCV,
)
from shrinkage.selection._common import deviance, poisson_deviance

TOL = 1e-10
COEF = np.array([1.5, -1.0, 0.5, 0.0, 0.0, 0.3])
# every kind of bound: finite on both sides, one side only, none, and lower = 0
LOWER = np.array([-np.inf, -0.5, -0.5, -np.inf, 0.0, -1.0])
UPPER = np.array([0.8, np.inf, 0.3, np.inf, np.inf, 1.0])
FUNCTIONAL = {"squared": solve, "logistic": solve_logistic, "poisson": solve_poisson}


def _data(family, n=120, seed=0):
    """A problem of ``family`` whose unconstrained solution leaves the box."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, COEF.size))
    z = X @ COEF
    if family == "squared":
        y = z + 0.5 * rng.standard_normal(n)
    elif family == "logistic":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-2.0 * z))).astype(float)
    else:
        y = rng.poisson(np.exp(0.8 * z)).astype(float)
    return X, y, rng.uniform(0.5, 2.0, n)


def _in_box(coef, lower=LOWER, upper=UPPER):
    coef = np.ravel(coef)
    return bool(np.all(coef >= lower) and np.all(coef <= upper))


# (estimator, family, l1_ratio of its penalty)
ESTIMATORS = [
    (Lasso(alpha=0.02), "squared", 1.0),
    (ElasticNet(alpha=0.02, l1_ratio=0.6), "squared", 0.6),
    (Ridge(alpha=0.05), "squared", 0.0),
    (SparseLogisticRegression(alpha=0.01, l1_ratio=0.8), "logistic", 0.8),
    (PoissonLasso(alpha=0.01), "poisson", 1.0),
    (PoissonElasticNet(alpha=0.01, l1_ratio=0.5), "poisson", 0.5),
]
IDS = [type(estimator).__name__ for estimator, _, _ in ESTIMATORS]


@pytest.mark.parametrize(("estimator", "family", "l1_ratio"), ESTIMATORS, ids=IDS)
@pytest.mark.parametrize("layout", ["dense", "sparse_standardized_weighted"])
def test_estimators_solve_the_boxed_problem(estimator, family, l1_ratio, layout):
    X, y, weights = _data(family)
    options = dict(standardize=False, sample_weight=None)
    if layout != "dense":
        X = sp.csc_matrix(X)
        options = dict(standardize=True, sample_weight=weights)
    fit_options = dict(sample_weight=options["sample_weight"])
    params = dict(lower=LOWER, upper=UPPER, tol=TOL, max_iter=10_000,
                  standardize=options["standardize"])  # fmt: skip
    model = clone(estimator).set_params(**params).fit(X, y, **fit_options)
    coef = np.ravel(model.coef_)
    assert _in_box(coef)
    assert model.certificate_.relative_gap <= TOL
    penalty = Penalty(l1_ratio, lower=LOWER, upper=UPPER)
    functional = FUNCTIONAL[family](X, y, estimator.alpha, penalty, tol=TOL, max_iter=10_000,
                                    **options)  # fmt: skip
    np.testing.assert_allclose(coef, functional.coef, rtol=0, atol=1e-5)
    np.testing.assert_allclose(np.ravel(model.intercept_)[0], functional.intercept, atol=1e-5)
    # the bound of the first feature is active: its coefficient sits exactly on it ...
    assert coef[0] == UPPER[0]
    # ... where the unconstrained fit goes well beyond it
    free = clone(model).set_params(lower=None, upper=None).fit(X, y, **fit_options)
    assert np.ravel(free.coef_)[0] > UPPER[0] + 0.1
    assert np.max(np.abs(np.ravel(free.coef_) - coef)) > 0.1


def test_box_solver_is_reported_and_ridge_avoids_the_closed_form():
    X, y, _ = _data("squared")
    assert Ridge(alpha=0.05).fit(X, y).solver_.startswith("ridge_")  # the closed form
    ridge = Ridge(alpha=0.05, upper=UPPER, tol=TOL).fit(X, y)
    assert ridge.solver_ == "box_cd"
    assert ridge.coef_[0] == UPPER[0]
    with pytest.raises(ValueError, match="solver='auto' or 'box_cd'"):
        Ridge(alpha=0.05, upper=UPPER, solver="closed_form").fit(X, y)
    with pytest.raises(ValueError, match="solver='auto' or 'box_cd'"):
        Lasso(alpha=0.05, upper=UPPER, solver="cd").fit(X, y)


def test_positive_is_lower_zero():
    X, y, _ = _data("squared")
    positive = Lasso(alpha=0.05, positive=True, tol=1e-12, max_iter=100_000).fit(X, y)
    lower = Lasso(alpha=0.05, lower=0.0, tol=1e-12, max_iter=100_000).fit(X, y)
    # lower = 0 without an upper bound is positivity, solved by the same fast solver;
    # with a far upper bound the box solver takes it: two solvers, one answer
    boxed = Lasso(alpha=0.05, lower=0.0, upper=1e6, tol=1e-12, max_iter=100_000).fit(X, y)
    assert lower.solver_ == positive.solver_ != boxed.solver_ == "box_cd"
    assert np.count_nonzero(positive.coef_) < COEF.size  # the constraint binds
    np.testing.assert_array_equal(lower.coef_, positive.coef_)
    np.testing.assert_allclose(boxed.coef_, positive.coef_, rtol=0, atol=1e-8)
    assert boxed.intercept_ == pytest.approx(positive.intercept_, abs=1e-8)


@pytest.mark.parametrize(
    ("Estimator", "family"),
    [(Lasso, "squared"), (SparseLogisticRegression, "logistic"), (PoissonLasso, "poisson")],
)
def test_warm_start_into_a_smaller_box(Estimator, family):
    """A warm start from outside the new box ends in it, at the cold fit's solution."""
    X, y, _ = _data(family)
    model = Estimator(alpha=0.02, warm_start=True, tol=TOL, max_iter=10_000).fit(X, y)
    assert not _in_box(model.coef_)
    model.set_params(lower=LOWER, upper=UPPER).fit(X, y)
    cold = Estimator(alpha=0.02, lower=LOWER, upper=UPPER, tol=TOL, max_iter=10_000).fit(X, y)
    assert _in_box(model.coef_)
    assert model.certificate_.relative_gap <= TOL
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=0, atol=1e-6)


def test_scalar_bounds_and_float32_input():
    X, y, _ = _data("squared")
    model = Lasso(alpha=0.02, lower=-0.4, upper=0.4).fit(X.astype(np.float32), y)
    np.testing.assert_array_equal(model.coef_[:3], [0.4, -0.4, 0.4])
    assert _in_box(model.coef_, -0.4, 0.4)
    assert model.certificate_.relative_gap <= model.tol


# -- cross-validation --------------------------------------------------------------------
CV_ESTIMATORS = [
    (LassoCV(), "squared", 1.0),
    (ElasticNetCV(l1_ratio=[0.5, 1.0]), "squared", None),
    (SparseLogisticRegressionCV(l1_ratio=[0.8]), "logistic", None),
    (PoissonLassoCV(), "poisson", 1.0),
    (PoissonElasticNetCV(l1_ratio=0.5), "poisson", 0.5),
]
CV_IDS = [type(estimator).__name__ for estimator, _, _ in CV_ESTIMATORS]


@pytest.mark.parametrize(("estimator", "family", "l1_ratio"), CV_ESTIMATORS, ids=CV_IDS)
def test_cv_chooses_and_refits_in_the_box(estimator, family, l1_ratio):
    X, y, _ = _data(family)
    model = clone(estimator).set_params(lower=LOWER, upper=UPPER, n_alphas=10, cv=3, tol=TOL,
                                        max_iter=10_000).fit(X, y)  # fmt: skip
    assert _in_box(model.coef_)
    assert np.ravel(model.coef_)[0] == UPPER[0]
    assert model.alpha_ in np.ravel(model.cv_alphas_)
    assert model.certificate_.relative_gap <= TOL
    rho = model.l1_ratio_ if l1_ratio is None else l1_ratio
    penalty = Penalty(rho, lower=LOWER, upper=UPPER)
    refit = FUNCTIONAL[family](X, y, model.alpha_, penalty, tol=TOL, max_iter=10_000)
    np.testing.assert_allclose(np.ravel(model.coef_), refit.coef, rtol=0, atol=1e-6)


def _fold_errors(family, X, y, folds, penalty, alphas):
    """Held-out errors of boxed paths on each training part, by :func:`shrinkage.path`."""
    errors = []
    for train, test in folds:
        fit = path(X[train], y[train], penalty, loss=family, alphas=alphas, tol=TOL,
                   max_iter=10_000, warn=False)  # fmt: skip
        if penalty.boxed:
            assert all(_in_box(coef) for coef in fit.coefs)
        decision = X[test] @ fit.coefs.T + fit.intercepts
        if family == "squared":
            errors.append(np.mean((y[test][:, None] - decision) ** 2, axis=0))
        elif family == "logistic":
            errors.append(deviance(y[test], decision))
        else:
            errors.append(poisson_deviance(y[test], decision))
    return np.array(errors)


@pytest.mark.parametrize(
    ("Estimator", "family"),
    [(LassoCV, "squared"), (SparseLogisticRegressionCV, "logistic"),
     (PoissonLassoCV, "poisson")],
)  # fmt: skip
def test_cv_fold_paths_honour_the_box(Estimator, family):
    """Every fold's CV error is that of the boxed path on its training rows (and not of
    the unconstrained one)."""
    X, y, _ = _data(family)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    options = dict(n_alphas=8, cv=folds, tol=TOL, max_iter=10_000)
    model = Estimator(lower=LOWER, upper=UPPER, **options).fit(X, y)
    alphas = np.ravel(model.cv_alphas_)
    expected = _fold_errors(family, X, y, folds, Penalty(1.0, lower=LOWER, upper=UPPER),
                            alphas)  # fmt: skip
    got = np.reshape(model.cv_fold_errors_, expected.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    unboxed = _fold_errors(family, X, y, folds, Penalty(1.0), alphas)
    assert np.max(np.abs(unboxed - expected) / expected) > 1e-2


# -- bad bounds ----------------------------------------------------------------------------
ALL = [(type(e), f) for e, f, _ in ESTIMATORS] + [(type(e), f) for e, f, _ in CV_ESTIMATORS]


@pytest.mark.parametrize(("Estimator", "family"), ALL, ids=[E.__name__ for E, _ in ALL])
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (dict(lower=[-1.0] * 5 + [0.0], upper=[1.0] * 5 + [-0.5]), r"lower > upper"),
        (dict(lower=1.0), r"lower must be ≤ 0"),
        (dict(upper=-1.0), r"upper must be ≥ 0"),
        (dict(positive=True, lower=-1.0), r"positive=True or lower, not both"),
        (dict(lower=[-1.0, -1.0]), r"lower has 2 entries but X has 6 features"),
        (dict(upper=[np.nan] * 6), r"upper contains NaN"),
    ],
    ids=["crossed", "lower_above_0", "upper_below_0", "positive_and_lower", "length", "nan"],
)
def test_bad_bounds_are_refused_at_fit(Estimator, family, params, message):
    X, y, _ = _data(family, n=40)
    model = Estimator(**params)  # scikit-learn: nothing is checked before fit
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


def test_distributed_data_refuse_a_box():
    from shrinkage.distributed import ArrayBlocks

    X, y, _ = _data("squared")
    with pytest.raises(ValueError, match="box|lower / upper"):
        Lasso(alpha=0.1, upper=1.0).fit(ArrayBlocks(X, y, n_partitions=2))


# -- scikit-learn's contract ---------------------------------------------------------------
@pytest.mark.parametrize(
    "Estimator",
    [Lasso, ElasticNet, Ridge, SparseLogisticRegression, PoissonLasso, PoissonElasticNet,
     LassoCV, ElasticNetCV, SparseLogisticRegressionCV, PoissonLassoCV, PoissonElasticNetCV],
)  # fmt: skip
def test_bounds_are_parameters_with_constraints(Estimator):
    params = Estimator().get_params()
    assert params["lower"] is None and params["upper"] is None
    assert set(Estimator._parameter_constraints) == set(params)


# A tight tolerance, as for the unconstrained models: the sample-weight equivalence
# checks compare predictions at rtol 1e-7.
@parametrize_with_checks(
    [Lasso(lower=-1.0, upper=1.0, tol=1e-12), SparseLogisticRegression(upper=1.0, tol=1e-12)]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
