"""Feature groups (``groups=``, ``group_weights=``) in the logistic and Poisson estimators
and their cross-validated versions: the fit is :func:`solve_group_glm`'s, a group enters
or leaves whole, singleton groups are the lasso, ``groups=None`` changes nothing, the CV
fold errors are those of :func:`shrinkage.path` with the groups, and what does not apply
with groups is refused at fit time."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

from shrinkage import PoissonElasticNet, PoissonLasso, path, solve_logistic, solve_poisson
from shrinkage.estimators import SparseLogisticRegression
from shrinkage.penalties import Penalty
from shrinkage.selection import (
    PoissonElasticNetCV,
    PoissonLassoCV,
    SparseLogisticRegressionCV,
)
from shrinkage.selection._common import deviance, poisson_deviance
from shrinkage.solvers.group_glm import solve_group_glm

TOL = 1e-10
GROUPS = np.array([0, 0, 1, 1, 1, 2, 2, 3])
LISTS = [[0, 1], [2, 3, 4], [5, 6], [7]]
WEIGHTS = np.array([1.0, 2.0, 0.5, 1.5])
COEF = np.array([0.8, -0.6, 0.0, 0.0, 0.0, 0.5, 0.3, 0.0])
FUNCTIONAL = {"logistic": solve_logistic, "poisson": solve_poisson}


def _data(family, n=160, seed=0):
    """A problem of ``family`` whose signal sits in groups 0 and 2; weights and an
    exposure to go with it."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, COEF.size))
    z = X @ COEF
    if family == "logistic":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-2.0 * z))).astype(float)
    else:
        y = rng.poisson(np.exp(0.7 * z)).astype(float)
    return X, y, rng.uniform(0.5, 2.0, n), rng.uniform(0.5, 3.0, n)


def _whole(coef, groups=LISTS):
    """Each group all zero or all non-zero; returns the non-zero groups."""
    coef = np.ravel(coef)
    entered = []
    for g, members in enumerate(groups):
        nonzero = coef[members] != 0
        assert nonzero.all() or not nonzero.any(), (g, coef[members])
        if nonzero.all():
            entered.append(g)
    return entered


# (estimator, family, l1_ratio of its penalty)
ESTIMATORS = [
    (SparseLogisticRegression(alpha=0.06), "logistic", 1.0),
    (SparseLogisticRegression(alpha=0.1, l1_ratio=0.6), "logistic", 0.6),
    (PoissonLasso(alpha=0.15), "poisson", 1.0),
    (PoissonElasticNet(alpha=0.3, l1_ratio=0.5), "poisson", 0.5),
]
IDS = ["logistic", "logistic_enet", "poisson_lasso", "poisson_enet"]


@pytest.mark.parametrize(("estimator", "family", "l1_ratio"), ESTIMATORS, ids=IDS)
@pytest.mark.parametrize("layout", ["labels", "lists_weighted_standardized"])
def test_estimators_solve_the_group_problem(estimator, family, l1_ratio, layout):
    X, y, weights, _ = _data(family)
    groups, options = GROUPS, dict(group_weights=None, standardize=False)
    fit_weight = None
    if layout != "labels":
        groups, fit_weight = LISTS, weights
        options = dict(group_weights=WEIGHTS, standardize=True)
    model = clone(estimator).set_params(groups=groups, tol=TOL, **options)
    model.fit(X, y, sample_weight=fit_weight)
    expected = solve_group_glm(X, y, estimator.alpha, groups, loss=family, l1_ratio=l1_ratio,
                               sample_weight=fit_weight, tol=TOL, **options)  # fmt: skip
    np.testing.assert_allclose(np.ravel(model.coef_), expected.coef, rtol=0, atol=1e-8)
    assert np.ravel(model.intercept_)[0] == pytest.approx(expected.intercept, abs=1e-8)
    assert model.n_iter_ == expected.n_iter
    assert model.dual_gap_ == pytest.approx(expected.dual_gap)
    assert model.certificate_.relative_gap <= TOL
    # some groups in, some out, each whole
    entered = _whole(model.coef_)
    assert 0 < len(entered) < len(LISTS)
    assert 0 in entered
    assert np.ravel(model.coef_).shape == (COEF.size,)
    assert np.all(np.isfinite(model.predict(X)))
    assert np.isfinite(model.score(X, y))


def test_classifier_labels_probabilities_and_score():
    X, y, _, _ = _data("logistic")
    labels = np.where(y == 1, "yes", "no")
    model = SparseLogisticRegression(alpha=0.04, groups=GROUPS, tol=TOL).fit(X, labels)
    assert model.classes_.tolist() == ["no", "yes"]
    assert model.coef_.shape == (1, COEF.size) and model.intercept_.shape == (1,)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), atol=1e-12)
    np.testing.assert_array_equal(model.predict(X), np.where(proba[:, 1] > 0.5, "yes", "no"))
    assert model.score(X, labels) == pytest.approx(np.mean(model.predict(X) == labels))
    assert model.score(X, labels) > 0.7


@pytest.mark.parametrize(("estimator", "family", "l1_ratio"), ESTIMATORS, ids=IDS)
def test_without_groups_nothing_changes(estimator, family, l1_ratio):
    X, y, weights, _ = _data(family)
    model = clone(estimator).set_params(tol=1e-8).fit(X, y, sample_weight=weights)
    assert model.get_params()["groups"] is None
    expected = FUNCTIONAL[family](X, y, estimator.alpha, Penalty(l1_ratio),
                                  sample_weight=weights, tol=1e-8)  # fmt: skip
    np.testing.assert_allclose(np.ravel(model.coef_), expected.coef, rtol=0, atol=1e-10)
    assert model.n_iter_ == expected.n_iter
    # and the sparse input the ungrouped fit takes still works
    sparse = clone(model).fit(sp.csc_matrix(X), y, sample_weight=weights)
    np.testing.assert_allclose(sparse.coef_, model.coef_, rtol=0, atol=1e-8)


@pytest.mark.parametrize(("estimator", "family", "l1_ratio"), ESTIMATORS, ids=IDS)
def test_singleton_groups_are_the_ordinary_penalty(estimator, family, l1_ratio):
    X, y, _, _ = _data(family)
    p = X.shape[1]
    tight = dict(tol=1e-12, max_iter=1000)
    grouped = clone(estimator).set_params(groups=np.arange(p), group_weights=np.ones(p),
                                          **tight).fit(X, y)  # fmt: skip
    plain = clone(estimator).set_params(**tight).fit(X, y)
    assert np.count_nonzero(plain.coef_) < p  # the L1 part sets some to zero
    np.testing.assert_allclose(grouped.coef_, plain.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(grouped.intercept_, plain.intercept_, rtol=0, atol=1e-6)


@pytest.mark.parametrize("Estimator", [PoissonLasso, PoissonElasticNet])
def test_poisson_offset_and_exposure_reach_the_group_solver(Estimator):
    X, y, _, exposure = _data("poisson")
    y = np.random.default_rng(1).poisson(exposure * np.exp(0.7 * X @ COEF)).astype(float)
    model = Estimator(alpha=0.06, groups=GROUPS, tol=TOL).fit(X, y, exposure=exposure)
    by_offset = Estimator(alpha=0.06, groups=GROUPS, tol=TOL).fit(X, y, offset=np.log(exposure))
    expected = solve_group_glm(X, y, 0.06, GROUPS, loss="poisson", l1_ratio=model.l1_ratio,
                               offset=np.log(exposure), tol=TOL)  # fmt: skip
    np.testing.assert_allclose(model.coef_, expected.coef, rtol=0, atol=1e-8)
    np.testing.assert_allclose(by_offset.coef_, expected.coef, rtol=0, atol=1e-8)
    assert model.intercept_ == pytest.approx(expected.intercept, abs=1e-8)
    ignored = Estimator(alpha=0.06, groups=GROUPS, tol=TOL).fit(X, y)
    assert np.max(np.abs(ignored.coef_ - model.coef_)) > 1e-3  # the exposure mattered
    np.testing.assert_allclose(
        model.predict(X[:3], exposure=exposure[:3]),
        exposure[:3] * np.exp(X[:3] @ model.coef_ + model.intercept_),
    )


@pytest.mark.parametrize(
    ("Estimator", "family"), [(SparseLogisticRegression, "logistic"), (PoissonLasso, "poisson")]
)
def test_warm_start_starts_from_the_previous_fit(Estimator, family):
    X, y, _, _ = _data(family)
    model = Estimator(alpha=0.1, groups=GROUPS, warm_start=True, tol=TOL).fit(X, y)
    again = model.fit(X, y)
    assert again.n_iter_ == 0  # already certified at its start
    model.set_params(alpha=0.03).fit(X, y)
    cold = Estimator(alpha=0.03, groups=GROUPS, tol=TOL).fit(X, y)
    assert model.certificate_.relative_gap <= TOL
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=0, atol=1e-6)


# -- cross-validation ------------------------------------------------------------------
def _fold_errors(family, X, y, folds, l1_ratio, alphas, sample_weight=None, offset=None,
                 **group_options):  # fmt: skip
    """Held-out errors of the group paths of :func:`shrinkage.path` on each training
    part (their offsets with them)."""
    errors = []
    for train, test in folds:
        weight = None if sample_weight is None else sample_weight[train]
        fit = path(
            X[train], y[train], Penalty(l1_ratio), loss=family, alphas=alphas, tol=TOL,
            sample_weight=weight, offset=None if offset is None else offset[train],
            warn=False, **group_options,
        )  # fmt: skip
        assert fit.strategy == "group_newton"
        for coef in fit.coefs:
            _whole(coef, group_options.get("groups", LISTS))
        decision = X[test] @ fit.coefs.T + fit.intercepts
        test_weight = None if sample_weight is None else sample_weight[test]
        if family == "logistic":
            errors.append(deviance(y[test], decision, test_weight))
        else:
            decision += offset[test][:, None] if offset is not None else 0.0
            errors.append(poisson_deviance(y[test], decision, test_weight))
    return np.array(errors)


def test_logistic_cv_fold_errors_grid_and_refit():
    X, y, weights, _ = _data("logistic")
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    model = SparseLogisticRegressionCV(groups=LISTS, group_weights=WEIGHTS, n_alphas=8,
                                       cv=folds, tol=TOL, selection="min")  # fmt: skip
    model.fit(X, y, sample_weight=weights)
    grid = path(X, y, Penalty(1.0), loss="logistic", n_alphas=8, groups=LISTS,
                group_weights=WEIGHTS, sample_weight=weights, tol=TOL).alphas  # fmt: skip
    alphas = np.ravel(model.cv_alphas_)
    np.testing.assert_allclose(alphas, grid, rtol=1e-12)
    assert model.alpha_ in alphas
    expected = _fold_errors("logistic", X, y, folds, 1.0, alphas, weights, groups=LISTS,
                            group_weights=WEIGHTS)  # fmt: skip
    np.testing.assert_allclose(np.reshape(model.cv_fold_errors_, expected.shape), expected,
                               rtol=1e-6)  # fmt: skip
    assert model.alpha_ == alphas[np.argmin(expected.mean(axis=0))]
    refit = solve_group_glm(X, y, model.alpha_, LISTS, group_weights=WEIGHTS,
                            sample_weight=weights, tol=TOL)  # fmt: skip
    np.testing.assert_allclose(model.coef_.ravel(), refit.coef, rtol=0, atol=1e-6)
    assert model.certificate_.relative_gap <= TOL
    _whole(model.coef_)
    assert model.classes_.tolist() == [0.0, 1.0]
    assert model.score(X, y) > 0.7


def test_logistic_cv_with_a_scorer_row_groups_and_an_l1_ratio_grid():
    X, y, _, _ = _data("logistic")
    rows = np.arange(X.shape[0]) % 4
    model = SparseLogisticRegressionCV(groups=GROUPS, l1_ratio=[0.5, 1.0], n_alphas=5,
                                       cv=GroupKFold(4), scoring="roc_auc")  # fmt: skip
    model.fit(X, y, groups=rows)  # row groups for the splitter, feature groups above
    assert model.cv_mean_.shape == (2, 5)
    assert np.all((-model.cv_mean_ >= 0.0) & (-model.cv_mean_ <= 1.0))  # minus the AUC
    refit = solve_group_glm(X, y, model.alpha_, GROUPS, l1_ratio=model.l1_ratio_,
                            tol=model.tol)  # fmt: skip
    np.testing.assert_allclose(model.coef_.ravel(), refit.coef, rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    ("estimator", "l1_ratio"),
    [(PoissonLassoCV(), 1.0), (PoissonElasticNetCV(l1_ratio=0.5), 0.5)],
    ids=["lasso", "enet"],
)
def test_poisson_cv_with_exposure(estimator, l1_ratio):
    X, _, _, exposure = _data("poisson")
    y = np.random.default_rng(2).poisson(exposure * np.exp(0.7 * X @ COEF)).astype(float)
    offset = np.log(exposure)
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    model = clone(estimator).set_params(groups=GROUPS, n_alphas=8, cv=folds, tol=TOL)
    model.fit(X, y, exposure=exposure)
    grid = path(X, y, Penalty(l1_ratio), loss="poisson", n_alphas=8, groups=GROUPS,
                offset=offset, tol=TOL).alphas  # fmt: skip
    alphas = np.ravel(model.cv_alphas_)
    np.testing.assert_allclose(alphas, grid, rtol=1e-12)
    assert model.alpha_ in alphas
    expected = _fold_errors("poisson", X, y, folds, l1_ratio, alphas, offset=offset,
                            groups=GROUPS)  # fmt: skip
    np.testing.assert_allclose(np.reshape(model.cv_fold_errors_, expected.shape), expected,
                               rtol=1e-6)  # fmt: skip
    without = _fold_errors("poisson", X, y, folds, l1_ratio, alphas, groups=GROUPS)
    assert np.max(np.abs(without - expected) / expected) > 1e-2  # the offsets mattered
    refit = solve_group_glm(X, y, model.alpha_, GROUPS, loss="poisson", l1_ratio=l1_ratio,
                            offset=offset, tol=TOL)  # fmt: skip
    np.testing.assert_allclose(model.coef_, refit.coef, rtol=0, atol=1e-6)
    assert model.intercept_ == pytest.approx(refit.intercept, abs=1e-6)
    assert model.certificate_.relative_gap <= TOL
    _whole(model.coef_)


def test_poisson_cv_chooses_rho_from_a_grid_with_groups():
    X, y, _, _ = _data("poisson")
    model = PoissonElasticNetCV(l1_ratio=[0.5, 1.0], groups=GROUPS, n_alphas=6, cv=3).fit(X, y)
    assert model.cv_mean_.shape == (2, 6) and model.deviance_path_.shape == (2, 6, 3)
    refit = solve_group_glm(X, y, model.alpha_, GROUPS, loss="poisson",
                            l1_ratio=model.l1_ratio_, tol=model.tol)  # fmt: skip
    np.testing.assert_allclose(model.coef_, refit.coef, rtol=0, atol=1e-6)


# -- what does not apply with groups -----------------------------------------------------
CLASSES = [
    (SparseLogisticRegression, "logistic"),
    (PoissonLasso, "poisson"),
    (PoissonElasticNet, "poisson"),
    (SparseLogisticRegressionCV, "logistic"),
    (PoissonLassoCV, "poisson"),
    (PoissonElasticNetCV, "poisson"),
]
CLASS_IDS = [Estimator.__name__ for Estimator, _ in CLASSES]
FEATURE_WISE = "with groups, weight the groups by group_weights; .* do not apply .got "


@pytest.mark.parametrize(("Estimator", "family"), CLASSES, ids=CLASS_IDS)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (dict(groups=GROUPS, penalty_factor=np.ones(8)), FEATURE_WISE + "penalty_factor"),
        (dict(groups=GROUPS, positive=True), FEATURE_WISE + "positive"),
        (dict(groups=GROUPS, lower=-1.0), FEATURE_WISE + "lower"),
        (dict(groups=GROUPS, upper=np.ones(8)), FEATURE_WISE + "upper"),
        (dict(group_weights=WEIGHTS), "group_weights needs groups"),
        (dict(groups=[0, 0, 1]), "group|feature"),
        (dict(groups=GROUPS, group_weights=[1.0, 2.0]), "one per group"),
    ],
    ids=["penalty_factor", "positive", "lower", "upper", "weights_alone", "short", "weights"],
)
def test_what_does_not_apply_is_refused_at_fit(Estimator, family, params, message):
    X, y, _, _ = _data(family, n=40)
    model = Estimator(**params)  # scikit-learn: nothing is checked before fit
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


@pytest.mark.parametrize(("Estimator", "family"), CLASSES, ids=CLASS_IDS)
def test_sparse_X_with_groups_is_fitted_as_its_dense_copy(Estimator, family):
    """The same arithmetic: sparse (CSR, CSC) and dense X give equal coefficients; the
    sparse input is left as it was."""
    X, y, _, _ = _data(family, n=60)
    X[np.abs(X) < 0.8] = 0.0
    dense = Estimator(groups=GROUPS).fit(X, y)
    for layout in (sp.csr_matrix, sp.csc_matrix):
        sparse_X = layout(X)
        before = sparse_X.copy()
        fitted = Estimator(groups=GROUPS).fit(sparse_X, y)
        np.testing.assert_allclose(fitted.coef_, dense.coef_, atol=1e-7)
        np.testing.assert_allclose(fitted.intercept_, dense.intercept_, atol=1e-7)
        assert (sparse_X != before).nnz == 0


def test_a_sparse_X_too_large_to_copy_dense_is_refused(monkeypatch):
    import shrinkage.groups

    X, y, _, _ = _data("poisson", n=40)
    monkeypatch.setattr(shrinkage.groups, "DENSE_COPY_BYTES", 8 * 40 * 8 - 1)
    with pytest.raises(TypeError, match=r"this sparse X \(40 × 8\) would take"):
        PoissonLasso(groups=GROUPS).fit(sp.csr_matrix(X), y)
    monkeypatch.setattr(shrinkage.groups, "DENSE_COPY_BYTES", 8 * 40 * 8)
    PoissonLasso(groups=GROUPS).fit(sp.csr_matrix(X), y)


def test_groups_refuse_distributed_data():
    from shrinkage.distributed import ArrayBlocks

    X, y, _, _ = _data("logistic", n=40)
    with pytest.raises(TypeError, match="an array in memory"):
        SparseLogisticRegression(groups=GROUPS).fit(ArrayBlocks(X, y, n_partitions=2))


def test_alpha_zero_with_groups_is_refused():
    X, y, _, _ = _data("poisson", n=40)
    with pytest.raises(ValueError, match="alpha > 0"):
        PoissonLasso(alpha=0.0, groups=GROUPS).fit(X, y)


@pytest.mark.parametrize("Estimator", [Estimator for Estimator, _ in CLASSES], ids=CLASS_IDS)
def test_groups_are_parameters_with_constraints(Estimator):
    params = Estimator().get_params()
    assert params["groups"] is None and params["group_weights"] is None
    assert set(Estimator._parameter_constraints) == set(params)
    assert Estimator().__sklearn_tags__().input_tags.sparse
    assert Estimator(groups=GROUPS).__sklearn_tags__().input_tags.sparse  # a dense copy
