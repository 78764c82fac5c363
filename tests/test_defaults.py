"""One set of defaults: folds, grid, grid edges and selection, the same on every surface."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold, StratifiedKFold

import shrinkage
from shrinkage import ElasticNetCV, LassoCV, SparseLogisticRegressionCV, defaults
from shrinkage.path import default_alpha_min_ratio
from shrinkage.penalties import L2

X, Y = load_diabetes(return_X_y=True)


def test_the_cv_classes_take_their_defaults_from_the_one_table():
    for model in (LassoCV(), ElasticNetCV(), SparseLogisticRegressionCV()):
        params = model.get_params()
        assert params["cv"] == defaults.CV_FOLDS == 5
        assert params["selection"] == defaults.SELECTION == "1se"
        assert params["random_state"] == defaults.RANDOM_STATE == 0
        assert params["n_alphas"] == defaults.N_ALPHAS == 100
        assert params["tol"] == defaults.TOL


def test_int_cv_means_shuffled_folds_with_the_seed():
    splitter = defaults.cv_splitter(4, classifier=True, random_state=3)
    assert isinstance(splitter, StratifiedKFold) and splitter.shuffle
    assert splitter.random_state == 3 and splitter.n_splits == 4
    given = KFold(3)
    assert defaults.cv_splitter(given, classifier=False) is given


def test_cv_on_rows_sorted_by_the_target_is_not_fooled():
    """Unshuffled folds on a file sorted by y extrapolate: each held-out fold is a range
    of y the training rows never saw. The default folds are shuffled, as glmnet's."""
    order = np.argsort(Y)
    Xs, ys = X[order], Y[order]
    shuffled = LassoCV(n_alphas=30).fit(Xs, ys)
    unshuffled = LassoCV(n_alphas=30, cv=KFold(5)).fit(Xs, ys)
    # the same data in the original order give about the same curve with shuffled folds
    original = LassoCV(n_alphas=30).fit(X, Y)
    assert shuffled.cv_mean_.min() < 0.7 * unshuffled.cv_mean_.min()  # 2986 against 4932
    assert abs(np.log(shuffled.alpha_min_ / original.alpha_min_)) < np.log(10)


def test_ridge_cross_validation_uses_the_path_grid():
    model = ElasticNetCV(l1_ratio=0.0, n_alphas=20, alpha_min_ratio=None).fit(X, Y)
    grid = shrinkage.path(X, Y, L2(), n_alphas=20).alphas
    np.testing.assert_allclose(model.cv_alphas_[0, :20], grid, rtol=1e-12)
    assert default_alpha_min_ratio(442, 10, 0.0) == pytest.approx(1e-6)
    assert default_alpha_min_ratio(442, 10, 0.5) == default_alpha_min_ratio(10, 5, 1.0) == 1e-3


def test_a_minimum_at_the_small_end_extends_the_grid():
    rng = np.random.default_rng(0)
    Xw = rng.standard_normal((200, 20))
    yw = Xw @ rng.standard_normal(20) + 0.01 * rng.standard_normal(200)  # little noise
    # a grid that stops early (ratio 0.1): the error still falls at its end
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # near-noiseless: may stay at the edge
        model = LassoCV(n_alphas=10, alpha_min_ratio=0.1, selection="min").fit(Xw, yw)
    assert model.alpha_grid_extended_ >= 1
    alphas = model.cv_alphas_
    assert alphas.size == 10 + 27 * model.alpha_grid_extended_  # 9 points a decade
    assert alphas[-1] == pytest.approx(alphas[0] * 0.1 * 1e-3**model.alpha_grid_extended_)
    assert model.alpha_min_ < alphas[9]  # found below the first grid's end
    with pytest.warns(UserWarning, match="still at the low end"):
        still = LassoCV(n_alphas=4, alpha_min_ratio=0.5, selection="min").fit(Xw, yw)
    assert still.alpha_grid_extended_ == defaults.EDGE_EXTENSIONS
    assert still.alpha_at_edge_ == "low"


def test_a_user_grid_is_never_extended_and_a_lasso_top_never():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LassoCV(alphas=[10.0, 5.0, 2.0]).fit(X, Y)
    assert model.alpha_grid_extended_ == 0 and model.cv_alphas_.size == 3
    noise = np.random.default_rng(1).standard_normal(X.shape[0])  # nothing to find
    pure = LassoCV(n_alphas=10, selection="min").fit(X, noise)
    assert pure.alpha_at_edge_ is None  # the top of a lasso grid is the empty model


@pytest.mark.parametrize(
    "y, task",
    [
        (["setosa", "versicolor", "virginica", "setosa"], "multiclass"),
        (np.array(["a", "b", "c"], dtype=object), "multiclass"),
        (["no", "yes", "no"], "classification"),
        ([True, False, True], "classification"),
        ([1, 2, 3, 1], "regression"),  # numbers are never taken for classes beyond two
        ([0, 1, 2, 0], "count"),
        ([0.5, 2.0, 7.25], "regression"),
    ],
)
def test_detect_task_takes_text_with_three_or_more_values_for_classes(y, task):
    assert defaults.detect_task(y) == task


def test_a_categorical_target_is_not_numeric():
    import pandas as pd

    numbers = pd.Series([1, 2, 3, 1])
    assert defaults.detect_task(numbers) == "regression"
    assert defaults.detect_task(numbers.astype("category")) == "multiclass"


def test_the_auto_rule_from_a_summary_of_the_target():
    assert defaults.auto_task(2, numeric=False) == "classification"
    assert defaults.auto_task(3, numeric=False) == "multiclass"
    assert defaults.auto_task(40, numeric=False) == "multiclass"
    assert defaults.auto_task(3, numeric=True, low=0.0, integral=True) == "count"
    assert defaults.auto_task(3, numeric=True, low=1.0, integral=True) == "regression"
    assert defaults.TASKS == ("regression", "classification", "multiclass", "count")
