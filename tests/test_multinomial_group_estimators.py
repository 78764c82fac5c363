"""Feature groups (``groups=``, ``group_weights=``) in ``MultinomialLogisticRegression`` and
its CV: the fit is :func:`solve_multinomial_groups`'s, a group enters every class's model
or none, groups of one feature with unit weights are ``grouped=True``, ``groups=None``
changes nothing, the CV's grid, fold errors and refit are those of :func:`shrinkage.path`
and the solver with the groups (and the offset), and what does not apply with groups is
refused at fit time."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import log_softmax, softmax
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, StratifiedKFold

from shrinkage import MultinomialLogisticRegression, MultinomialLogisticRegressionCV, path
from shrinkage.penalties import Penalty
from shrinkage.solvers.multinomial import solve_multinomial
from shrinkage.solvers.multinomial_groups import solve_multinomial_groups

TOL = 1e-10
MANY = 100_000  # sweeps: enough for TOL on these problems (tens to hundreds needed)
GROUPS = np.array([0, 0, 1, 1, 1, 2, 2, 3])
LISTS = [[0, 1], [2, 3, 4], [5, 6], [7]]
WEIGHTS = np.array([1.0, 2.0, 0.5, 1.5])
LABELS = np.array(["ant", "bee", "cat"])


def _coef():
    """The true (p, K) coefficients: the signal sits in groups 0 and 2."""
    coef = np.zeros((8, 3))
    coef[0], coef[1] = [1.2, -0.6, -0.6], [-0.5, 1.0, -0.5]
    coef[5], coef[6] = [0.0, 0.6, -0.6], [0.4, 0.0, -0.4]
    return coef


def _data(n=150, seed=0):
    """Features of different scales, three string classes drawn from the softmax of
    ``X @ _coef()``, sample weights and an (n, 3) offset."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 8)) * rng.uniform(0.5, 2.0, 8)
    probabilities = softmax(X @ _coef(), axis=1)
    codes = np.array([rng.choice(3, p=row) for row in probabilities])
    return X, LABELS[codes], rng.uniform(0.5, 2.0, n), rng.normal(0.0, 1.0, (n, 3))


def _whole(coef, groups=LISTS):
    """Each group's block (its features × every class; ``coef`` is (K, p)) all zero or
    all non-zero; returns the groups that entered."""
    entered = []
    for g, members in enumerate(groups):
        nonzero = coef[:, members] != 0
        assert nonzero.all() or not nonzero.any(), (g, coef[:, members])
        if nonzero.all():
            entered.append(g)
    return entered


def _deviance(y, scores, sample_weight=None):
    """2 × the (weighted) mean cross-entropy of the linear predictors ``scores``."""
    codes = np.searchsorted(LABELS, y)
    terms = -log_softmax(scores, axis=1)[np.arange(codes.size), codes]
    return 2.0 * float(np.average(terms, weights=sample_weight))


# -- the estimator -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("alpha", "l1_ratio", "layout"),
    [(0.06, 1.0, "labels"), (0.15, 0.6, "labels"), (0.06, 1.0, "lists_weighted")],
)
def test_estimator_solves_the_group_problem(alpha, l1_ratio, layout):
    X, y, weights, _ = _data()
    groups, options, fit_weight = GROUPS, dict(group_weights=None, standardize=False), None
    if layout == "lists_weighted":
        groups, fit_weight = LISTS, weights
        options = dict(group_weights=WEIGHTS, standardize=True)
    model = MultinomialLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, groups=groups,
                                          tol=TOL, max_iter=MANY, **options)  # fmt: skip
    model.fit(X, y, sample_weight=fit_weight)
    expected = solve_multinomial_groups(X, y, alpha, groups, l1_ratio=l1_ratio,
                                        sample_weight=fit_weight, tol=TOL, **options)  # fmt: skip
    assert model.coef_.shape == (3, 8) and model.intercept_.shape == (3,)
    np.testing.assert_allclose(model.coef_, expected.coef.T, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, expected.intercept, rtol=0, atol=1e-8)
    assert model.n_iter_ == expected.n_iter > 0
    assert model.dual_gap_ == pytest.approx(expected.dual_gap)
    assert model.certificate_.relative_gap <= TOL
    assert model.classes_.tolist() == LABELS.tolist()
    entered = _whole(model.coef_)  # blocks enter whole: some in, some out
    assert 0 in entered and 0 < len(entered) < len(LISTS)


def test_string_labels_predictions_and_score():
    X, y, _, _ = _data()
    model = MultinomialLogisticRegression(alpha=0.06, groups=GROUPS, tol=TOL,
                                          max_iter=MANY).fit(X, y)  # fmt: skip
    assert _whole(model.coef_) == [0, 2]
    scores = X @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.decision_function(X), scores, rtol=1e-12)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, softmax(scores, axis=1), rtol=1e-12)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), atol=1e-12)
    predicted = model.predict(X)
    assert predicted.tolist() == LABELS[np.argmax(proba, axis=1)].tolist()
    assert model.score(X, y) == pytest.approx(np.mean(predicted == y))
    assert model.score(X, y) > 0.6


def test_offset_reaches_the_group_solver():
    X, y, _, O = _data()
    model = MultinomialLogisticRegression(alpha=0.06, groups=GROUPS, tol=TOL, max_iter=MANY)
    model.fit(X, y, offset=O)
    expected = solve_multinomial_groups(X, y, 0.06, GROUPS, offset=O, tol=TOL)
    np.testing.assert_allclose(model.coef_, expected.coef.T, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.intercept_, expected.intercept, rtol=0, atol=1e-8)
    ignored = clone(model).fit(X, y)
    assert np.max(np.abs(ignored.coef_ - model.coef_)) > 1e-2  # the offset mattered
    np.testing.assert_allclose(
        model.predict_proba(X[:5], offset=O[:5]),
        softmax(X[:5] @ model.coef_.T + model.intercept_ + O[:5], axis=1), rtol=1e-12,
    )  # fmt: skip


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_singleton_groups_with_unit_weights_are_grouped_rows(l1_ratio):
    X, y, _, _ = _data()
    p = X.shape[1]
    alpha = 0.06 if l1_ratio == 1.0 else 0.12
    singletons = MultinomialLogisticRegression(
        alpha=alpha, l1_ratio=l1_ratio, groups=np.arange(p), group_weights=np.ones(p),
        tol=1e-12, max_iter=MANY,
    ).fit(X, y)  # fmt: skip
    rows = MultinomialLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, grouped=True,
                                         tol=1e-12, max_iter=1000).fit(X, y)  # fmt: skip
    assert 0 < np.count_nonzero(np.any(rows.coef_ != 0, axis=0)) < p
    np.testing.assert_allclose(singletons.coef_, rows.coef_, rtol=0, atol=1e-6)
    np.testing.assert_allclose(singletons.intercept_, rows.intercept_, rtol=0, atol=1e-6)


@pytest.mark.parametrize("grouped", [False, True])
def test_without_groups_nothing_changes(grouped):
    X, y, weights, O = _data()
    model = MultinomialLogisticRegression(alpha=0.03, grouped=grouped, tol=1e-8)
    model.fit(X, y, sample_weight=weights, offset=O)
    assert model.get_params()["groups"] is None and model.get_params()["group_weights"] is None
    expected = solve_multinomial(X, y, 0.03, Penalty(1.0), grouped=grouped,
                                 sample_weight=weights, offset=O, tol=1e-8)  # fmt: skip
    np.testing.assert_array_equal(model.coef_, expected.coef.T)
    np.testing.assert_array_equal(model.intercept_, expected.intercept)
    assert model.n_iter_ == expected.n_iter
    # the sparse input the ungrouped fit takes still works
    sparse = clone(model).fit(sp.csc_matrix(X), y, sample_weight=weights, offset=O)
    np.testing.assert_allclose(sparse.coef_, model.coef_, rtol=0, atol=1e-6)


def test_warm_start_starts_from_the_previous_fit():
    X, y, _, _ = _data()
    options = dict(groups=GROUPS, tol=TOL, max_iter=MANY)
    model = MultinomialLogisticRegression(alpha=0.1, warm_start=True, **options).fit(X, y)
    assert model.fit(X, y).n_iter_ == 0  # already certified at its start
    model.set_params(alpha=0.03).fit(X, y)
    cold = MultinomialLogisticRegression(alpha=0.03, **options).fit(X, y)
    assert model.certificate_.relative_gap <= TOL
    np.testing.assert_allclose(model.coef_, cold.coef_, rtol=0, atol=1e-6)


def test_too_few_sweeps_warn():
    X, y, _, _ = _data()
    model = MultinomialLogisticRegression(alpha=0.01, groups=GROUPS, tol=TOL, max_iter=5)
    with pytest.warns(UserWarning, match=r"group_bcd.*did not converge"):
        model.fit(X, y)
    assert model.n_iter_ == 5


# -- cross-validation ----------------------------------------------------------------------
def _fold_errors(X, y, folds, alphas, *, sample_weight=None, offset=None, max_iter,
                 **group_options):  # fmt: skip
    """Held-out deviances of the multinomial group paths of :func:`shrinkage.path` on
    each training part (with its offset rows; the held-out predictors with theirs)."""
    errors = []
    for train, test in folds:
        weight = None if sample_weight is None else sample_weight[train]
        fit = path(
            X[train], y[train], Penalty(1.0), loss="multinomial", alphas=alphas, tol=TOL,
            max_iter=max_iter, sample_weight=weight,
            offset=None if offset is None else offset[train], warn=False, **group_options,
        )  # fmt: skip
        assert fit.strategy == "group_bcd"
        assert fit.classes.tolist() == LABELS.tolist()
        shift = 0.0 if offset is None else offset[test]
        test_weight = None if sample_weight is None else sample_weight[test]
        errors.append([_deviance(y[test], X[test] @ W + b + shift, test_weight)
                       for W, b in zip(fit.coefs, fit.intercepts, strict=True)])  # fmt: skip
    return np.array(errors)


@pytest.mark.parametrize("with_offset", [False, True], ids=["plain", "offset"])
def test_cv_grid_fold_errors_and_refit(with_offset):
    X, y, weights, O = _data()
    offset = O if with_offset else None
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    model = MultinomialLogisticRegressionCV(groups=LISTS, group_weights=WEIGHTS, n_alphas=8,
                                            cv=folds, tol=TOL, max_iter=MANY,
                                            selection="min")  # fmt: skip
    model.fit(X, y, sample_weight=weights, offset=offset)
    grid = path(X, y, Penalty(1.0), loss="multinomial", n_alphas=8, groups=LISTS,
                group_weights=WEIGHTS, sample_weight=weights, offset=offset,
                tol=TOL).alphas  # fmt: skip
    alphas = model.cv_alphas_[0]
    np.testing.assert_allclose(alphas, grid, rtol=1e-12)
    assert model.alpha_ in alphas
    expected = _fold_errors(X, y, folds, alphas, sample_weight=weights, offset=offset,
                            max_iter=MANY, groups=LISTS, group_weights=WEIGHTS)  # fmt: skip
    np.testing.assert_allclose(model.cv_fold_errors_[0], expected, rtol=1e-9)
    assert model.alpha_ == alphas[np.argmin(expected.mean(axis=0))]
    if with_offset:  # the held-out rows' offsets were counted
        without = _fold_errors(X, y, folds, alphas, sample_weight=weights, max_iter=MANY,
                               groups=LISTS, group_weights=WEIGHTS)  # fmt: skip
        assert np.max(np.abs(without - expected)) > 1e-2
    refit = solve_multinomial_groups(X, y, model.alpha_, LISTS, group_weights=WEIGHTS,
                                     sample_weight=weights, offset=offset, tol=TOL)  # fmt: skip
    np.testing.assert_allclose(model.coef_, refit.coef.T, rtol=0, atol=1e-6)
    np.testing.assert_allclose(model.intercept_, refit.intercept, rtol=0, atol=1e-6)
    assert model.certificate_.relative_gap <= TOL
    assert model.classes_.tolist() == LABELS.tolist()
    assert model.coef_.shape == (3, 8)
    _whole(model.coef_)
    assert model.score(X, y, offset=offset) > 0.6


def test_cv_with_a_scorer_row_groups_and_an_l1_ratio_grid():
    X, y, _, _ = _data()
    rows = np.arange(X.shape[0]) % 3
    model = MultinomialLogisticRegressionCV(groups=GROUPS, l1_ratio=[0.5, 1.0], n_alphas=5,
                                            cv=GroupKFold(3), scoring="accuracy",
                                            max_iter=MANY)  # fmt: skip
    model.fit(X, y, groups=rows)  # row groups for the splitter, feature groups above
    assert model.cv_mean_.shape == (2, 5)
    assert np.all((-model.cv_mean_ >= 0.0) & (-model.cv_mean_ <= 1.0))  # minus accuracy
    refit = solve_multinomial_groups(X, y, model.alpha_, GROUPS, l1_ratio=model.l1_ratio_,
                                     tol=model.tol)  # fmt: skip
    np.testing.assert_allclose(model.coef_, refit.coef.T, rtol=0, atol=1e-6)
    _whole(model.coef_)


def test_cv_without_groups_is_unchanged():
    X, y, weights, _ = _data()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    model = MultinomialLogisticRegressionCV(n_alphas=6, cv=folds, tol=1e-8).fit(X, y)
    fold = path(X[folds[0][0]], y[folds[0][0]], loss="multinomial", alphas=model.cv_alphas_[0],
                tol=1e-8, max_iter=100, warn=False)  # fmt: skip
    assert fold.strategy != "group_bcd"
    errors = [_deviance(y[folds[0][1]], X[folds[0][1]] @ W + b)
              for W, b in zip(fold.coefs, fold.intercepts, strict=True)]  # fmt: skip
    np.testing.assert_allclose(model.cv_fold_errors_[0, 0], errors, rtol=1e-12)
    refit = solve_multinomial(X, y, model.alpha_, tol=1e-8)
    np.testing.assert_array_equal(model.coef_, refit.coef.T)


# -- what does not apply with groups -------------------------------------------------------
CLASSES = [MultinomialLogisticRegression, MultinomialLogisticRegressionCV]
CLASS_IDS = [Estimator.__name__ for Estimator in CLASSES]


@pytest.mark.parametrize("Estimator", CLASSES, ids=CLASS_IDS)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        (dict(groups=GROUPS, grouped=True), "grouped=True penalises each feature's row"),
        (dict(groups=GROUPS, penalty_factor=np.ones(8)),
         "with groups, weight the groups by group_weights; .* do not apply .got penalty_factor"),
        (dict(group_weights=WEIGHTS), "group_weights needs groups"),
        (dict(groups=[0, 0, 1]), "group|feature"),
        (dict(groups=GROUPS, group_weights=[1.0, 2.0]), "one per group"),
    ],
    ids=["grouped", "penalty_factor", "weights_alone", "short", "weights"],
)  # fmt: skip
def test_what_does_not_apply_is_refused_at_fit(Estimator, params, message):
    X, y, _, _ = _data(n=60)
    model = Estimator(**params)  # scikit-learn: nothing is checked before fit
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


@pytest.mark.parametrize("Estimator", CLASSES, ids=CLASS_IDS)
def test_sparse_X_with_groups_is_fitted_as_its_dense_copy(Estimator):
    X, y, _, _ = _data(n=60)
    X[np.abs(X) < 0.7] = 0.0
    dense = Estimator(groups=GROUPS).fit(X, y)
    sparse = Estimator(groups=GROUPS).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-7)
    assert np.any(sparse.coef_ != 0)


def test_alpha_zero_with_groups_is_refused():
    X, y, _, _ = _data(n=60)
    with pytest.raises(ValueError, match="alpha > 0"):
        MultinomialLogisticRegression(alpha=0.0, groups=GROUPS).fit(X, y)


@pytest.mark.parametrize("Estimator", CLASSES, ids=CLASS_IDS)
def test_groups_are_parameters_with_constraints(Estimator):
    params = Estimator().get_params()
    assert params["groups"] is None and params["group_weights"] is None
    assert set(Estimator._parameter_constraints) == set(params)
    assert Estimator().__sklearn_tags__().input_tags.sparse
    assert Estimator(groups=GROUPS).__sklearn_tags__().input_tags.sparse  # a dense copy
