"""LassoCV / ElasticNetCV against a brute-force CV loop, the 1-SE rule, joblib backends."""

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.model_selection import GroupKFold, KFold

from shrinkage import Lasso
from shrinkage.selection import ElasticNetCV, LassoCV

TIGHT = dict(tol=1e-10, max_iter=100_000)


def sparse_problem(seed=0, n=80, p=15, k=4, noise=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:k] = rng.choice([-1.5, 1.5], k)
    return X, X @ coef + noise * rng.standard_normal(n) + 3.0


def brute_force_cv(X, y, alphas, folds):
    """Independent fits with shrinkage.Lasso for every fold and α; MSE on the test rows."""
    errors = np.empty((len(folds), alphas.size))
    for f, (train, test) in enumerate(folds):
        for k, alpha in enumerate(alphas):
            model = Lasso(alpha=alpha, **TIGHT).fit(X[train], y[train])
            errors[f, k] = np.mean((y[test] - model.predict(X[test])) ** 2)
    return errors


def test_lasso_cv_matches_brute_force_loop():
    X, y = sparse_problem()
    folds = list(KFold(4).split(X))
    model = LassoCV(n_alphas=15, cv=KFold(4), selection="min", **TIGHT).fit(X, y)

    # the grid: glmnet's rule on the full data, written out independently
    Xc, yc = X - X.mean(0), y - y.mean()
    alpha_max = np.max(np.abs(Xc.T @ yc)) / X.shape[0]
    np.testing.assert_allclose(model.cv_alphas_, np.geomspace(alpha_max, 1e-3 * alpha_max, 15))

    errors = brute_force_cv(X, y, model.cv_alphas_, folds)
    mean = errors.mean(0)
    std_error = errors.std(0, ddof=1) / np.sqrt(4)
    np.testing.assert_allclose(model.cv_fold_errors_, errors, rtol=1e-7)
    np.testing.assert_allclose(model.cv_mean_, mean, rtol=1e-7)
    np.testing.assert_allclose(model.cv_std_error_, std_error, rtol=1e-6)

    best = np.argmin(mean)
    one_se = np.flatnonzero(mean <= mean[best] + std_error[best])[0]
    assert model.alpha_min_ == model.cv_alphas_[best] == model.alpha_
    assert model.alpha_1se_ == model.cv_alphas_[one_se]
    refit = Lasso(alpha=model.alpha_, **TIGHT).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-8)
    assert model.certificate_.relative_gap <= 1e-10


def test_one_standard_error_rule_gives_sparser_model():
    X, y = sparse_problem(seed=1, n=100, p=30, k=5, noise=2.0)
    at_min = LassoCV(n_alphas=40, cv=5, selection="min").fit(X, y)
    at_1se = LassoCV(n_alphas=40, cv=5).fit(X, y)  # "1se" is the default
    assert at_1se.alpha_ == at_min.alpha_1se_ > at_min.alpha_min_ == at_min.alpha_
    n_min, n_1se = np.sum(at_min.coef_ != 0), np.sum(at_1se.coef_ != 0)
    assert n_1se < n_min, (n_1se, n_min)
    # and its CV error is within one SE of the minimum, by definition
    k_min = np.flatnonzero(at_min.cv_alphas_ == at_min.alpha_min_)[0]
    k_1se = np.flatnonzero(at_min.cv_alphas_ == at_min.alpha_1se_)[0]
    bound = at_min.cv_mean_[k_min] + at_min.cv_std_error_[k_min]
    assert at_min.cv_mean_[k_1se] <= bound
    assert at_min.cv_mean_[k_1se - 1] > bound  # the next larger α is out


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_n_jobs_and_backends_give_identical_results(backend):
    X, y = sparse_problem(seed=2)
    serial = ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3, n_jobs=1).fit(X, y)
    with joblib.parallel_backend(backend, n_jobs=2):
        parallel = ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.cv_fold_errors_, parallel.cv_fold_errors_)
    np.testing.assert_array_equal(serial.coef_, parallel.coef_)
    assert (serial.alpha_, serial.l1_ratio_) == (parallel.alpha_, parallel.l1_ratio_)


def test_elastic_net_cv_grid_and_lasso_row():
    X, y = sparse_problem(seed=3)
    enet = ElasticNetCV(l1_ratio=[0.2, 0.7, 1.0], n_alphas=12, cv=4, selection="min",
                        **TIGHT).fit(X, y)  # fmt: skip
    lasso = LassoCV(n_alphas=12, cv=4, **TIGHT).fit(X, y)
    assert enet.cv_mean_.shape == enet.cv_alphas_.shape == (3, 12)
    np.testing.assert_allclose(enet.cv_alphas_[2], lasso.cv_alphas_)
    np.testing.assert_allclose(enet.cv_mean_[2], lasso.cv_mean_, rtol=1e-8)
    # α_max of ρ is α_max of the lasso divided by ρ
    np.testing.assert_allclose(enet.cv_alphas_[:, 0] * [0.2, 0.7, 1.0], lasso.cv_alphas_[0])
    row, col = np.unravel_index(np.argmin(enet.cv_mean_), enet.cv_mean_.shape)
    assert (enet.l1_ratio_, enet.alpha_) == (enet.l1_ratios_[row], enet.cv_alphas_[row, col])


def test_scorers_and_splitters():
    X, y = sparse_problem(seed=4)
    default = LassoCV(n_alphas=10, cv=3).fit(X, y)
    by_name = LassoCV(n_alphas=10, cv=3, scoring="neg_mean_squared_error").fit(X, y)
    np.testing.assert_allclose(by_name.cv_mean_, default.cv_mean_, rtol=1e-12)
    r2 = LassoCV(n_alphas=10, cv=3, scoring="r2").fit(X, y)
    assert np.all(r2.cv_mean_ >= -1.0) and r2.cv_mean_[0] > r2.cv_mean_.min()

    def neg_mae(estimator, X_test, y_test):
        return -np.mean(np.abs(y_test - estimator.predict(X_test)))

    mae = LassoCV(n_alphas=10, cv=3, scoring=neg_mae).fit(X, y)
    assert np.all(mae.cv_mean_ > 0)

    groups = np.arange(X.shape[0]) % 5
    grouped = LassoCV(n_alphas=10, cv=GroupKFold(5)).fit(X, y, groups=groups)
    assert grouped.cv_fold_errors_.shape == (5, 10)
    # an int cv is shuffled KFold drawn with random_state (0 by default)
    explicit = LassoCV(n_alphas=10, cv=list(KFold(3, shuffle=True, random_state=0).split(X)))
    np.testing.assert_array_equal(explicit.fit(X, y).cv_mean_, default.cv_mean_)
    other_seed = LassoCV(n_alphas=10, cv=3, random_state=1).fit(X, y)
    assert not np.array_equal(other_seed.cv_mean_, default.cv_mean_)


def test_sparse_input_and_sample_weight():
    X, y = sparse_problem(seed=5)
    X[np.abs(X) < 0.8] = 0.0
    dense = LassoCV(n_alphas=10, cv=3, **TIGHT).fit(X, y)
    sparse = LassoCV(n_alphas=10, cv=3, **TIGHT).fit(sp.csc_matrix(X), y)
    np.testing.assert_allclose(sparse.cv_mean_, dense.cv_mean_, rtol=1e-7)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, atol=1e-8)
    # weights 2 on the first fold equal repeating those rows inside the same fold
    folds = list(KFold(3).split(X))
    weights = np.ones(X.shape[0])
    weights[folds[0][1]] = 2.0
    repeat = np.concatenate([np.arange(X.shape[0]), folds[0][1]])
    fold_of = np.zeros(X.shape[0], dtype=int)
    for f, (_, test) in enumerate(folds):
        fold_of[test] = f
    splits_rep = [(np.flatnonzero(fold_of[repeat] != f), np.flatnonzero(fold_of[repeat] == f))
                  for f in range(3)]  # fmt: skip
    weighted = LassoCV(n_alphas=10, cv=folds, **TIGHT).fit(X, y, sample_weight=weights)
    repeated = LassoCV(n_alphas=10, cv=splits_rep, **TIGHT).fit(X[repeat], y[repeat])
    np.testing.assert_allclose(weighted.cv_mean_, repeated.cv_mean_, rtol=1e-7)
    np.testing.assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)


def test_plot_cv_returns_axes():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = sparse_problem(seed=6)
    model = ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=10, cv=3).fit(X, y)
    fig, ax = plt.subplots()
    assert model.plot_cv(ax=ax) is ax
    from shrinkage.plots.cv import plot_cv

    new_ax = plot_cv(LassoCV(n_alphas=10, cv=3).fit(X, y))
    assert new_ax is not ax and new_ax.get_xlabel().startswith("α")
    assert ax.get_xscale() == "log" and len(ax.get_lines()) >= 2
    plt.close("all")


@pytest.mark.parametrize("Estimator", [LassoCV, ElasticNetCV])
def test_bad_input(Estimator):
    X, y = sparse_problem(seed=7)
    y_nan = y.copy()
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Estimator(n_alphas=5, cv=3).fit(X, y_nan)
    with pytest.raises(ValueError, match="selection"):
        Estimator(selection="best").fit(X, y)
    with pytest.raises(ValueError, match="n_alphas"):
        Estimator(n_alphas=0).fit(X, y)
    with pytest.raises(ValueError, match="alpha_min_ratio"):
        Estimator(alpha_min_ratio=2.0).fit(X, y)
    with pytest.raises(TypeError, match="scoring"):
        Estimator(n_alphas=5, cv=3, scoring=3).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        ElasticNetCV(l1_ratio=[0.5, 1.5], n_alphas=5).fit(X, y)


def test_dask_backend_gives_identical_results():
    distributed = pytest.importorskip("distributed")
    X, y = sparse_problem(seed=8)
    serial = LassoCV(n_alphas=10, cv=3).fit(X, y)
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None):  # fmt: skip
        with joblib.parallel_backend("dask"):
            spread = LassoCV(n_alphas=10, cv=3, n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(serial.cv_fold_errors_, spread.cv_fold_errors_)
    np.testing.assert_array_equal(serial.coef_, spread.coef_)


def test_scikit_learn_names_equal_the_cv_attributes():
    X, y = sparse_problem(seed=8)
    lasso = LassoCV(n_alphas=6, cv=3).fit(X, y)
    np.testing.assert_array_equal(lasso.alphas_, lasso.cv_alphas_)
    assert lasso.mse_path_.shape == (6, 3)  # scikit-learn's (n_alphas, n_folds)
    np.testing.assert_array_equal(lasso.mse_path_, lasso.cv_fold_errors_.T)
    np.testing.assert_array_equal(lasso.mse_path_.mean(axis=1), lasso.cv_mean_)

    several = ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=6, cv=3).fit(X, y)
    np.testing.assert_array_equal(several.alphas_, several.cv_alphas_)
    assert several.mse_path_.shape == (2, 6, 3)  # (n_l1_ratio, n_alphas, n_folds)
    np.testing.assert_array_equal(several.mse_path_, several.cv_fold_errors_.transpose(0, 2, 1))

    # one l1_ratio: scikit-learn's shapes drop the l1_ratio axis, the cv_* arrays keep it
    single = ElasticNetCV(l1_ratio=0.7, n_alphas=6, cv=3).fit(X, y)
    assert single.cv_alphas_.shape == (1, 6) and single.alphas_.shape == (6,)
    np.testing.assert_array_equal(single.alphas_, single.cv_alphas_[0])
    np.testing.assert_array_equal(single.mse_path_, single.cv_fold_errors_[0].T)
