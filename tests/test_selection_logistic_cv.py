"""SparseLogisticRegressionCV: brute-force deviance loop, stratified folds, bad labels."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold

from shrinkage.estimators.logistic import SparseLogisticRegression
from shrinkage.selection import SparseLogisticRegressionCV

TIGHT = dict(tol=1e-10, max_iter=500)


def classification_problem(seed=0, n=90, p=12):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    logits = 1.5 * X[:, 0] - 1.0 * X[:, 1] + 0.8 * X[:, 2] - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-logits))).astype(int)
    return X, y


def test_matches_brute_force_deviance_loop():
    X, y = classification_problem()
    labels = np.where(y == 1, "yes", "no")
    model = SparseLogisticRegressionCV(n_alphas=10, cv=4, selection="min", **TIGHT)
    model.fit(X, labels)
    # what an int cv means here: shuffled stratified folds drawn with random_state=0
    folds = list(StratifiedKFold(4, shuffle=True, random_state=0).split(X, labels))
    errors = np.empty((4, 10))
    for f, (train, test) in enumerate(folds):
        for k, alpha in enumerate(model.cv_alphas_[0]):
            fit = SparseLogisticRegression(alpha=alpha, **TIGHT).fit(X[train], labels[train])
            prob = fit.predict_proba(X[test])[:, 1]
            target = labels[test] == "yes"
            errors[f, k] = -2 * np.mean(np.where(target, np.log(prob), np.log1p(-prob)))
    mean = errors.mean(0)
    std_error = errors.std(0, ddof=1) / 2.0
    np.testing.assert_allclose(model.cv_mean_[0], mean, rtol=1e-6)
    np.testing.assert_allclose(model.cv_std_error_[0], std_error, rtol=1e-4, atol=1e-9)
    best = np.argmin(mean)
    assert model.alpha_min_ == model.cv_alphas_[0, best] == model.alpha_
    one_se = np.flatnonzero(mean <= mean[best] + std_error[best])[0]
    assert model.alpha_1se_ == model.cv_alphas_[0, one_se]
    refit = SparseLogisticRegression(alpha=model.alpha_, **TIGHT).fit(X, labels)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-7)
    assert list(model.classes_) == ["no", "yes"]
    assert set(model.predict(X)) <= {"no", "yes"}
    assert model.score(X, labels) > 0.7
    # the grid starts at α_max of the full data: all coefficients zero there
    top = SparseLogisticRegression(alpha=model.cv_alphas_[0, 0]).fit(X, labels)
    assert np.all(top.coef_ == 0)
    below = SparseLogisticRegression(alpha=0.99 * model.cv_alphas_[0, 0], **TIGHT)
    assert np.any(below.fit(X, labels).coef_ != 0)


def test_one_se_is_sparser_and_scorers():
    X, y = classification_problem(seed=1, n=120, p=30)
    at_min = SparseLogisticRegressionCV(n_alphas=20, cv=5, selection="min").fit(X, y)
    at_1se = SparseLogisticRegressionCV(n_alphas=20, cv=5).fit(X, y)  # "1se": the default
    assert at_1se.alpha_ > at_min.alpha_
    assert np.sum(at_1se.coef_ != 0) < np.sum(at_min.coef_ != 0)
    auc = SparseLogisticRegressionCV(n_alphas=8, cv=3, scoring="roc_auc").fit(X, y)
    assert np.all((auc.cv_mean_ >= -1) & (auc.cv_mean_ <= 0))
    # check one point of the AUC curve by hand
    train, test = next(iter(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)))
    fit = SparseLogisticRegression(alpha=auc.cv_alphas_[0, 4], tol=1e-4).fit(X[train], y[train])
    manual = roc_auc_score(y[test], fit.decision_function(X[test]))
    assert abs(-auc.cv_fold_errors_[0, 0, 4] - manual) < 1e-3


def test_l1_ratio_grid_shapes():
    X, y = classification_problem(seed=2)
    model = SparseLogisticRegressionCV(l1_ratio=[0.5, 1.0], n_alphas=6, cv=3).fit(X, y)
    assert model.cv_mean_.shape == model.cv_alphas_.shape == (2, 6)
    assert model.l1_ratio_ in (0.5, 1.0)
    assert model.coef_.shape == (1, X.shape[1]) and model.intercept_.shape == (1,)


def test_bad_labels():
    X, y = classification_problem(seed=3)
    three = y.copy()
    three[:5] = 2
    with pytest.raises(ValueError, match="Only binary classification.*3 classes"):
        SparseLogisticRegressionCV(n_alphas=5, cv=3).fit(X, three)
    with pytest.raises(ValueError, match="only one class"):
        SparseLogisticRegressionCV(n_alphas=5, cv=3).fit(X, np.ones_like(y))
    y_nan = y.astype(float)
    y_nan[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SparseLogisticRegressionCV(n_alphas=5, cv=3).fit(X, y_nan)


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
def test_fold_without_both_classes_is_named():
    X, y = classification_problem(seed=4, n=60)
    y[:] = 0
    y[7] = 1  # a one-member class: the fold holding it out trains on class 0 alone
    folds = list(StratifiedKFold(5).split(X, y))
    failing = next(f for f, (train, _) in enumerate(folds) if y[train].max() == 0)
    with pytest.raises(ValueError, match=rf"fold {failing + 1} of 5 .*\{{0: 48, 1: 0\}}.*"
                       r"\{0: 59, 1: 1\}.*fewer folds or stratified folds"):  # fmt: skip
        SparseLogisticRegressionCV(n_alphas=5, cv=5).fit(X, y)
    # two members, unstratified folds that hold both out together: stratifying fixes it
    y[8] = 1
    with pytest.raises(ValueError, match=r"fold 1 of 5 .*\{0: 48, 1: 0\}"):
        SparseLogisticRegressionCV(n_alphas=5, cv=KFold(5)).fit(X, y)
    assert SparseLogisticRegressionCV(n_alphas=5, cv=5).fit(X, y).coef_.shape == (1, 12)


def test_scikit_learn_names_equal_the_cv_attributes():
    X, y = classification_problem(seed=3)
    model = SparseLogisticRegressionCV(l1_ratio=[0.5, 1.0], n_alphas=5, cv=3).fit(X, y)
    np.testing.assert_array_equal(model.alphas_, model.cv_alphas_)
    # LogisticRegressionCV.scores_ layout (n_folds, n_l1_ratios, n_alphas), greater is better
    assert model.scores_.shape == (3, 2, 5)
    np.testing.assert_array_equal(model.scores_, -model.cv_fold_errors_.transpose(1, 0, 2))
    single = SparseLogisticRegressionCV(n_alphas=5, cv=3).fit(X, y)
    np.testing.assert_array_equal(single.alphas_, single.cv_alphas_[0])
    assert single.scores_.shape == (3, 1, 5)
