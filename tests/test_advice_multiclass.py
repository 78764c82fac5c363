"""``advise`` on three or more classes: the multinomial lasso, ridge and elastic net
compared by their held-out multinomial deviance, a feature selected when its row of
coefficients is non-zero."""

import numpy as np
import pytest

from shrinkage import MultinomialLogisticRegression
from shrinkage.advice import advise, n_features_kept

CLASSES = np.array(["ant", "bee", "cat"], dtype=object)


@pytest.fixture(scope="module")
def problem():
    """Eight features, two of which (0 and 1) separate the three classes."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((150, 8))
    scores = np.c_[2.0 * X[:, 0], -2.0 * X[:, 0] + 1.5 * X[:, 1], np.zeros(150)]
    return X, CLASSES[np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)]


@pytest.fixture(scope="module")
def advice(problem):
    return advise(*problem, n_alphas=10, n_splits=4)


def test_three_text_classes_are_advised_with_the_multinomial_loss(advice):
    assert advice.task == "multiclass" and "multiclass (multinomial loss)" in str(advice)
    assert advice.recommendation == "lasso"
    lasso, ridge = advice["lasso"], advice["ridge"]
    assert 2 <= lasso.n_features_kept < 8
    assert ridge.n_features_kept == 8 and ridge.stability == 1.0
    # the held-out multinomial deviance, below the 2 log 3 of a model without features
    assert 0.0 < lasso.cv_error < 2 * np.log(3)
    assert lasso.cv_error <= ridge.cv_error + ridge.difference_se


def test_features_kept_are_the_non_zero_rows_of_the_refit(problem, advice):
    X, y = problem
    for summary in advice.summaries:
        model = MultinomialLogisticRegression(alpha=summary.selection_alpha,
                                              l1_ratio=summary.l1_ratio, standardize=True,
                                              tol=1e-6, max_iter=200).fit(X, y)  # fmt: skip
        assert summary.n_features_kept == n_features_kept(model.coef_)
    assert n_features_kept(np.array([[0.0, 1.0, 0.0], [0.0, -1.0, 2.0]])) == 2


def test_numeric_labels_are_a_regression_unless_multiclass_is_asked(problem):
    X, y = problem
    codes = np.searchsorted(CLASSES, y) + 1.0  # 1, 2, 3
    assert advise(X, codes, n_alphas=5, n_splits=3).task == "regression"
    forced = advise(X, codes, task="multiclass", n_alphas=5, n_splits=3)
    text = advise(X, y, n_alphas=5, n_splits=3)
    assert forced.task == "multiclass"
    for numbers, words in zip(forced.summaries, text.summaries, strict=True):
        assert numbers.cv_error == pytest.approx(words.cv_error, rel=1e-12)


@pytest.mark.filterwarnings("ignore:The least populated class:UserWarning")
def test_bad_multiclass_input(problem):
    X, y = problem
    with pytest.raises(ValueError, match="three or more classes; y has 2"):
        advise(X, np.where(y == "cat", "bee", y), task="multiclass")
    rare = y.copy()
    rare[0] = "dog"
    with pytest.raises(ValueError, match=r"lacks class\(es\) \['dog'\]"):
        advise(X, rare, n_splits=3)
