"""shrinkage.distributed.api: the strategy chosen from the shape, and each strategy's fits,
paths and CV equal to the in-memory library's (objectives recomputed here)."""

import numpy as np
import pytest

from shrinkage import path, solve
from shrinkage.distributed import ArrayBlocks, DistributedProblem, choose_strategy
from shrinkage.penalties import L1, L2, ElasticNetPenalty


def _data(n=240, p=12, seed=0, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + rng.normal(size=p) * 3
    coef = np.zeros(p)
    coef[:3] = [2.0, -1.5, 1.0]
    y = X @ coef + rng.normal(size=n) + 4.0
    s = rng.uniform(0.2, 2.0, n) if weights else None
    return X, y, s


def _objective(X, y, s, coef, intercept, alpha, penalty):
    s = np.ones(len(y)) if s is None else s / np.mean(s)
    a, b = penalty.weights(alpha, X.shape[1])
    residual = y - X @ coef - intercept
    return s @ residual**2 / (2 * len(y)) + a @ np.abs(coef) + 0.5 * b @ coef**2


def test_auto_strategy_follows_the_size_of_the_statistics():
    assert choose_strategy("squared", 5_000) == "statistics"
    assert choose_strategy("squared", 5_000, n_folds=10) == "working_set"
    assert choose_strategy("squared", 1_000, n_folds=10) == "statistics"
    assert choose_strategy("logistic", 10) == "newton"
    with pytest.raises(ValueError, match="logistic"):
        choose_strategy("logistic", 10, strategy="statistics")


@pytest.mark.parametrize("strategy", ["statistics", "working_set"])
@pytest.mark.parametrize("penalty", [L1(), ElasticNetPenalty(0.5)])
def test_fit_matches_the_in_memory_solve_with_its_certificate(strategy, penalty):
    X, y, s = _data(weights=True)
    data = ArrayBlocks(X, y, s, n_partitions=5)
    alpha = 0.05
    fit = DistributedProblem(data, strategy=strategy).fit(alpha, penalty, tol=1e-10)
    reference = solve(X, y, alpha, penalty, sample_weight=s, tol=1e-12)
    ours = _objective(X, y, s, fit.coef, fit.intercept, alpha, penalty)
    best = _objective(X, y, s, reference.coef, reference.intercept, alpha, penalty)
    assert ours - best <= 1e-9 * best
    assert fit.converged and fit.relative_gap <= 1e-10
    # the certificate's primal is the objective at the returned point
    assert fit.certificate.primal == pytest.approx(ours, rel=1e-9)
    assert fit.certificate.primal - fit.certificate.dual == pytest.approx(fit.dual_gap)


@pytest.mark.parametrize("strategy", ["statistics", "working_set"])
def test_ridge_fit_is_the_closed_form(strategy):
    X, y, _ = _data()
    fit = DistributedProblem(ArrayBlocks(X, y, n_partitions=3), strategy=strategy).fit(
        0.3, L2(), tol=1e-12
    )
    reference = solve(X, y, 0.3, L2(), solver="closed_form")
    ours = _objective(X, y, None, fit.coef, fit.intercept, 0.3, L2())
    best = _objective(X, y, None, reference.coef, reference.intercept, 0.3, L2())
    assert abs(ours - best) <= 1e-11 * best  # the gap bounds the objective, not w
    assert fit.certificate.primal == pytest.approx(ours, rel=1e-9)
    assert np.isfinite([fit.certificate.primal, fit.certificate.dual]).all()
    np.testing.assert_allclose(fit.coef, reference.coef, rtol=1e-4)
    assert fit.converged


def test_statistics_and_passes_agree_on_the_cv_of_the_same_folds():
    """The tall CV (fold statistics, one pass) and the CV by passes over fold views use
    the same hashed folds: the same curve and the same choice."""
    X, y, s = _data(n=300, p=8, weights=True)
    options = dict(n_folds=5, n_alphas=15, tol=1e-10)
    tall_data = ArrayBlocks(X, y, s, n_partitions=4)
    tall = DistributedProblem(tall_data, strategy="statistics").cv(**options)
    by_passes = DistributedProblem(ArrayBlocks(X, y, s, n_partitions=4),
                                   strategy="working_set").cv(**options)  # fmt: skip
    np.testing.assert_allclose(by_passes.alphas, tall.alphas, rtol=1e-10)
    np.testing.assert_allclose(by_passes.fold_errors, tall.fold_errors, rtol=1e-7)
    assert (by_passes.index_min, by_passes.index_1se) == (tall.index_min, tall.index_1se)
    assert tall_data.passes == 1


def test_one_pass_serves_a_path_a_cv_and_the_fits():
    X, y, _ = _data()
    data = ArrayBlocks(X, y, n_partitions=4)
    problem = DistributedProblem(data, n_folds=5)
    cv = problem.cv(n_alphas=20)
    result = problem.path(n_alphas=20)
    fit = problem.fit(cv.alpha_)
    assert data.passes == 1
    reference = path(X, y, n_alphas=20, tol=1e-4)
    np.testing.assert_allclose(result.alphas, reference.alphas, rtol=1e-10)
    assert np.flatnonzero(fit.coef).tolist() == np.flatnonzero(cv.coef_).tolist()


def test_logistic_problem_fits_and_cross_validates():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 6))
    y = (X[:, 0] - X[:, 2] + 0.5 * rng.normal(size=300) > 0).astype(float)
    data = ArrayBlocks(X, y, n_partitions=3)
    problem = DistributedProblem(data, loss="logistic")
    reference = path(X, y, loss="logistic", n_alphas=10, tol=1e-10)
    result = problem.path(n_alphas=10, tol=1e-8)
    np.testing.assert_allclose(result.alphas, reference.alphas, rtol=1e-10)
    np.testing.assert_allclose(result.dense_coefs(), reference.dense_coefs(), atol=1e-4)
    cv = problem.cv(n_folds=3, n_alphas=10)
    assert cv.fold_errors.shape == (3, cv.alphas.size)
    assert set(np.flatnonzero(cv.coef_)) <= {0, 1, 2, 3, 4, 5} and cv.coef_[0] > 0


def test_in_memory_data_is_refused_with_the_way_to_fit_it():
    with pytest.raises(TypeError, match="in-memory"):
        DistributedProblem(np.ones((3, 2)), np.ones(3))


@pytest.mark.parametrize("strategy", ["statistics", "working_set"])
@pytest.mark.parametrize("penalty", [L1(), ElasticNetPenalty(0.5), L2()])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_fits_carry_the_per_feature_kkt_residual(strategy, penalty, fit_intercept):
    """Every squared-loss fit on row blocks certifies each feature: the distance of
    −∇loss to α∂penalty, recomputed here in memory, small at a certified optimum and the
    residual of the returned point (not of another)."""
    X, y, s = _data(weights=True)
    data = ArrayBlocks(X, y, s, n_partitions=5)
    alpha = 0.05
    fit = DistributedProblem(data, strategy=strategy).fit(
        alpha, penalty, fit_intercept=fit_intercept, standardize=True, tol=1e-10
    )  # fmt: skip
    kkt = fit.certificate.kkt_residual
    assert kkt is not None and kkt.shape == (X.shape[1],)
    weights = s / s.mean()
    intercept = fit.intercept if fit_intercept else 0.0
    gradient = -X.T @ (weights * (y - X @ fit.coef - intercept)) / len(y)
    scale = (
        np.sqrt(np.cov(X, rowvar=False, aweights=s, bias=True).diagonal())
        if fit_intercept
        else np.sqrt(weights @ X**2 / len(y))
    )
    expected = penalty.subdiff_distance(fit.coef, gradient, alpha, scale)
    np.testing.assert_allclose(kkt, expected, atol=1e-9)
    assert fit.certificate.max_kkt_residual <= 1e-4
    assert np.count_nonzero(fit.coef) < X.shape[1] or penalty.l1_ratio == 0
