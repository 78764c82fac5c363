"""The estimators, the CV classes and ``shrinkage.path`` on distributed data
(:mod:`shrinkage.estimators.distributed`): the same fitted attributes as in memory, one
pass for a CV of the squared loss, lazy predictions, and the clear errors."""

import warnings

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold
from tests._reference import certified_distance

from shrinkage import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    Ridge,
    SparseLogisticRegression,
    SparseLogisticRegressionCV,
    path,
)
from shrinkage.distributed import ArrayBlocks, DistributedDataError
from shrinkage.distributed.api import DistributedProblem
from shrinkage.penalties import Penalty

N, P, BLOCK = 240, 6, 60  # four row blocks, as ArrayBlocks(n_partitions=4) cuts them


@pytest.fixture(autouse=True)
def synchronous_dask():
    with dask.config.set(scheduler="synchronous"):
        yield


def _regression(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, P)) + rng.normal(size=P)
    y = X @ [1.5, 0.0, 0.0, -2.0, 0.0, 0.5] + 3.0 + rng.normal(size=N)
    return X, y


def _classification(seed=0):
    X, _ = _regression(seed)
    rng = np.random.default_rng(seed + 1)
    y = (X[:, 0] - X[:, 3] + rng.normal(size=N) > 0.5).astype(float)
    return X, y


def _counted_dask(X, calls):
    """X as a Dask array whose every block read is counted in ``calls``."""

    def read(block):
        calls.append(block.shape[0])
        return block

    # meta given: Dask does not call ``read`` on an empty array to infer it
    return da.from_array(X, chunks=(BLOCK, P)).map_blocks(read, meta=np.empty((0, 0)))


def _as(kind, X, y):
    if kind == "blocks":
        return (ArrayBlocks(X, y, n_partitions=N // BLOCK),)
    return da.from_array(X, chunks=(BLOCK, P)), da.from_array(y, chunks=BLOCK)


TIGHT = dict(tol=1e-12, max_iter=100_000)
REGRESSORS = [
    (Lasso, dict(alpha=0.05)),
    (ElasticNet, dict(alpha=0.05, l1_ratio=0.3)),
    (Ridge, dict(alpha=0.5)),
    (Lasso, dict(alpha=0.02, standardize=True, penalty_factor=[1, 1, 0.5, 1, 2, 1])),
]


@pytest.mark.parametrize("kind", ["blocks", "dask"])
@pytest.mark.parametrize(("model", "params"), REGRESSORS)
def test_regressors_equal_the_in_memory_fit(kind, model, params):
    X, y = _regression()
    memory = model(**params, **TIGHT).fit(X, y)
    fitted = model(**params, **TIGHT).fit(*_as(kind, X, y))
    assert isinstance(fitted.coef_, np.ndarray) and fitted.coef_.shape == (P,)
    np.testing.assert_allclose(fitted.coef_, memory.coef_, atol=1e-6)
    assert abs(fitted.intercept_ - memory.intercept_) < 1e-6
    assert abs(fitted.certificate_.primal - memory.certificate_.primal) < 1e-8
    assert fitted.dual_gap_ <= 1e-12 * 100 and fitted.n_features_in_ == P
    assert isinstance(fitted.solver_, str) and fitted.n_iter_ >= 0
    assert not hasattr(fitted, "feature_names_in_")


@pytest.mark.parametrize("kind", ["blocks", "dask"])
def test_logistic_regression_equals_the_in_memory_fit(kind):
    X, y = _classification()
    params = dict(alpha=0.02, l1_ratio=0.7, tol=1e-10)
    memory = SparseLogisticRegression(**params).fit(X, y)
    fitted = SparseLogisticRegression(**params).fit(*_as(kind, X, y))
    np.testing.assert_allclose(fitted.coef_, memory.coef_, atol=1e-6)
    np.testing.assert_allclose(fitted.intercept_, memory.intercept_, atol=1e-6)
    assert abs(fitted.certificate_.primal - memory.certificate_.primal) < 1e-8
    assert fitted.coef_.shape == (1, P) and fitted.classes_.tolist() == [0, 1]


def test_logistic_labels_other_than_0_1_are_refused_naming_the_partition():
    X, y = _classification()
    with pytest.raises(DistributedDataError, match="0/1"):
        SparseLogisticRegression().fit(*_as("dask", X, y + 1.0))


def test_lasso_cv_on_dask_reads_the_data_once_and_equals_the_tall_cv():
    X, y = _regression()
    calls = []
    model = LassoCV(selection="1se", n_alphas=30).fit(
        _counted_dask(X, calls), da.from_array(y, chunks=BLOCK)
    )
    assert sorted(calls) == [BLOCK] * (N // BLOCK)  # each block read once: one pass
    tall = DistributedProblem(ArrayBlocks(X, y, n_partitions=N // BLOCK), n_folds=5).cv(
        n_alphas=30, selection="1se"
    )
    assert model.alpha_ == tall.alpha_ == model.alpha_1se_
    np.testing.assert_allclose(model.cv_mean_, tall.mean, rtol=1e-10)
    np.testing.assert_allclose(model.cv_fold_errors_, tall.fold_errors, rtol=1e-10)
    np.testing.assert_array_equal(model.cv_n_active_, tall.fold_n_active.mean(axis=0))
    np.testing.assert_allclose(model.cv_alphas_, tall.alphas)
    np.testing.assert_allclose(model.coef_, tall.coef_, atol=1e-4 * np.abs(tall.coef_).max())
    assert model.mse_path_.shape == (model.cv_alphas_.size, 5) and model.n_folds_ == 5
    assert model.alpha_min_ <= model.alpha_1se_ and model.l1_ratio_ == 1.0
    assert model.alpha_grid_extended_ == tall.alpha_grid_extended
    assert model.cv_n_active_.shape == model.cv_alphas_.shape
    # the same curve as the in-memory CV's at the same grid, up to the folds' draw
    memory = LassoCV(alphas=tall.alphas, cv=5).fit(X, y)
    assert abs(np.log(memory.alpha_min_ / model.alpha_min_)) < np.log(10)


def test_elastic_net_cv_over_three_ratios_reads_the_data_once():
    X, y = _regression()
    data = ArrayBlocks(X, y, n_partitions=N // BLOCK)
    ratios = [0.1, 0.5, 1.0]
    model = ElasticNetCV(l1_ratio=ratios, n_alphas=20, alphas=None).fit(data)
    assert data.passes == 1
    reference = DistributedProblem(ArrayBlocks(X, y, n_partitions=4), n_folds=5)
    curves = [reference.cv(Penalty(rho), n_alphas=20) for rho in ratios]
    best = int(np.argmin([np.min(c.mean) for c in curves]))
    assert model.l1_ratio_ == ratios[best] and model.alpha_ == curves[best].alpha_
    assert model.cv_mean_.shape[0] == 3 and model.mse_path_.shape[::2] == (3, 5)
    for row, curve in zip(model.cv_mean_, curves, strict=True):
        np.testing.assert_allclose(row[: curve.mean.size], curve.mean, rtol=1e-10)
        assert np.isnan(row[curve.mean.size :]).all()  # shorter grids padded
    refit = ElasticNet(alpha=model.alpha_, l1_ratio=model.l1_ratio_, tol=1e-4).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-2)


def test_logistic_cv_on_dask_equals_the_distributed_cv():
    X, y = _classification()
    X_dask, y_dask = _as("dask", X, y)
    model = SparseLogisticRegressionCV(n_alphas=6, cv=3, alpha_min_ratio=0.05)
    model.fit(X_dask, y_dask)
    reference = DistributedProblem(ArrayBlocks(X, y, n_partitions=4), loss="logistic").cv(
        n_folds=3, n_alphas=6, alpha_min_ratio=0.05
    )
    assert model.alpha_ == reference.alpha_ and model.classes_.tolist() == [0, 1]
    np.testing.assert_allclose(model.scores_[:, 0, :], -reference.fold_errors, rtol=1e-8)
    memory = SparseLogisticRegression(alpha=model.alpha_).fit(X, y)
    np.testing.assert_allclose(model.coef_, memory.coef_, atol=1e-2)


def test_predictions_of_dask_data_are_lazy_and_equal_the_in_memory_ones():
    X, y = _regression()
    X_dask = da.from_array(X, chunks=(BLOCK, 3))  # column chunks are joined
    model = Lasso(alpha=0.05).fit(X, y)
    lazy = model.predict(X_dask)
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(lazy.compute(), model.predict(X), rtol=1e-12)
    Xc, yc = _classification()
    classifier = SparseLogisticRegression(alpha=0.02).fit(*_as("dask", Xc, yc))
    X_dask = da.from_array(Xc, chunks=(BLOCK, P))
    probabilities = classifier.predict_proba(X_dask)
    assert isinstance(probabilities, da.Array) and probabilities.shape == (N, 2)
    np.testing.assert_allclose(probabilities.compute(), classifier.predict_proba(Xc),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(classifier.predict_log_proba(X_dask).compute(),
                               classifier.predict_log_proba(Xc), rtol=1e-12)  # fmt: skip
    labels = classifier.predict(X_dask)
    assert isinstance(labels, da.Array)
    assert (labels.compute() == classifier.predict(Xc)).all() and 0 < labels.sum() < N
    with pytest.raises(ValueError, match="fitted on 6 features"):
        model.predict(X_dask[:, :4])


def test_a_dask_dataframe_with_a_named_target_and_categories():
    X, y = _regression()
    frame = pd.DataFrame(X[:, :3], columns=["a", "b", "c"])
    frame["colour"] = pd.Categorical(np.array(["red", "green", "blue"])[np.arange(N) % 3])
    frame["y"] = y + (frame["colour"] == "red") * 2.0
    lazy = dd.from_pandas(frame, npartitions=4)
    model = Lasso(alpha=0.01, tol=1e-12).fit(lazy, "y")
    names = ["a", "b", "c", "colour=blue", "colour=green", "colour=red"]
    assert model.feature_names_in_.tolist() == names and model.n_features_in_ == 6
    dummies = pd.get_dummies(frame.drop(columns="y"), prefix_sep="=", dtype=float)
    memory = Lasso(alpha=0.01, tol=1e-12).fit(dummies[names].to_numpy(), frame["y"])
    np.testing.assert_allclose(model.coef_, memory.coef_, atol=1e-6)
    prediction = model.predict(lazy.drop(columns="y"))
    assert isinstance(prediction, da.Array)
    np.testing.assert_allclose(prediction.compute(), memory.predict(dummies[names].to_numpy()),
                               atol=1e-8)  # fmt: skip
    # y and the weights as Dask Series aligned with the frame, joined into it
    features = lazy.drop(columns="y")
    weights = dd.from_pandas(pd.Series(np.linspace(0.5, 2.0, N)), npartitions=4)
    weighted = Lasso(alpha=0.01, tol=1e-12).fit(features, lazy["y"], sample_weight=weights)
    reference = Lasso(alpha=0.01, tol=1e-12).fit(
        dummies[names].to_numpy(), frame["y"], sample_weight=np.linspace(0.5, 2.0, N)
    )
    np.testing.assert_allclose(weighted.coef_, reference.coef_, atol=1e-6)


def test_what_hashed_folds_cannot_honour_is_a_clear_error():
    X, y = _regression()
    data = _as("dask", X, y)
    with pytest.raises(ValueError, match="cv must be an int or None.*seeded hash"):
        LassoCV(cv=KFold(3)).fit(*data)
    with pytest.raises(ValueError, match="groups cannot be used"):
        LassoCV().fit(*data, groups=np.arange(N) % 3)
    with pytest.raises(ValueError, match="scoring must be None"):
        ElasticNetCV(scoring="r2").fit(*data)
    with pytest.raises(ValueError, match="random_state must be an int"):
        LassoCV(random_state=None).fit(*data)
    with pytest.raises(ValueError, match="name the target column"):
        Lasso().fit(dd.from_pandas(pd.DataFrame(X), npartitions=2))
    with pytest.raises(ValueError, match="holds its target"):
        Lasso().fit(ArrayBlocks(X, y), y)


def test_an_unconverged_distributed_fit_warns_as_in_memory():
    X, y = _regression()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Lasso(alpha=1e-4, tol=1e-14, max_iter=1).fit(*_as("blocks", X, y))
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert any(w.filename == __file__ for w in caught)  # pointing at the caller of fit


def test_path_of_dask_data_equals_the_in_memory_path():
    X, y = _regression()
    lazy = path(*_as("dask", X, y), n_alphas=15, tol=1e-10)
    memory = path(X, y, n_alphas=15, tol=1e-10)
    np.testing.assert_allclose(lazy.alphas, memory.alphas, rtol=1e-12)
    np.testing.assert_allclose(lazy.dense_coefs(), memory.dense_coefs(), atol=1e-6)
    np.testing.assert_allclose(lazy.intercepts, memory.intercepts, atol=1e-6)
    with pytest.raises(ValueError, match="'homotopy' solves data in memory"):
        path(*_as("dask", X, y), strategy="homotopy")
    Xc, yc = _classification()
    lazy = path(*_as("dask", Xc, yc), loss="logistic", n_alphas=4, tol=1e-10)
    memory = path(Xc, yc, loss="logistic", n_alphas=4, tol=1e-10)
    np.testing.assert_allclose(lazy.alphas, memory.alphas, rtol=1e-10)
    np.testing.assert_allclose(lazy.dense_coefs(), memory.dense_coefs(), atol=1e-6)


def test_score_of_dask_data_equals_the_in_memory_score():
    X, y = _regression()
    weights = np.linspace(0.5, 2.0, N)
    model = Lasso(alpha=0.05).fit(X, y)
    X_dask, y_dask = _as("dask", X, y)
    assert abs(model.score(X_dask, y_dask) - model.score(X, y)) < 1e-12
    assert abs(model.score(X_dask, y, weights) - model.score(X, y, weights)) < 1e-12
    frame = dd.from_pandas(pd.DataFrame(np.column_stack([X, y]), columns=[*"abcdef", "y"]),
                           npartitions=3)  # fmt: skip
    fitted = Lasso(alpha=0.05).fit(frame, "y")
    # two solvers (statistics, rows), each certified: they agree to what the gaps allow
    distance = certified_distance(X, [fitted.dual_gap_, model.dual_gap_])
    assert np.linalg.norm(fitted.coef_ - model.coef_) <= distance < 0.05
    assert abs(fitted.score(frame, "y") - model.score(X, y)) < 1e-3
    refit = Lasso(alpha=0.05, tol=1e-12).fit(X, y)  # and to rounding at a tight tol
    tight = Lasso(alpha=0.05, tol=1e-12).fit(frame, "y")
    assert abs(tight.score(frame, "y") - refit.score(X, y)) < 1e-9
    Xc, yc = _classification()
    classifier = SparseLogisticRegression(alpha=0.02).fit(*_as("dask", Xc, yc))
    accuracy = classifier.score(*_as("dask", Xc, yc), sample_weight=weights)
    assert abs(accuracy - classifier.score(Xc, yc, sample_weight=weights)) < 1e-12
    assert 0.7 < accuracy < 1.0
