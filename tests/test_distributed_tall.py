"""Tall data from one pass: the path, ridge and K-fold CV against the in-memory ones."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage import path, solve
from shrinkage.distributed import ArrayBlocks
from shrinkage.distributed.statistics import fold_of_rows, sufficient_statistics
from shrinkage.distributed.tall import held_out_error, tall_cv, tall_path, tall_ridge
from shrinkage.penalties import L1, L2, ElasticNetPenalty
from shrinkage.selection._common import one_standard_error_index, shared_alpha_grid

TIGHT = 1e-11  # both paths certified this close, so their objectives agree far below 1e-8


def make_data(n=150, p=6, seed=0, sparse=False, weights=False):
    rng = np.random.default_rng(seed)
    coef = np.zeros(p)
    coef[:3] = [2.0, -1.5, 1.0]
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p)
    if sparse:
        X = sp.random(n, p, density=0.4, random_state=seed, format="csr") * 2.0
        X = X.tocsr()
    y = np.asarray(X @ coef).ravel() + 1.5 + rng.normal(size=n)
    s = rng.uniform(0.0, 3.0, size=n) if weights else None
    if weights:
        s[:5] = 0.0  # rows without weight count as rows, not as weight
    return X, y, s


def objective(X, y, s, w, b, alpha, penalty, fit_intercept, standardize):
    """``1/(2W) Σ s (y − Xw − b)² + α Σ f (ρ|σw| + ½(1 − ρ)(σw)²)`` by numpy, on rows
    centred first (the same residuals, without the rounding of a large mean)."""
    X = X.toarray() if sp.issparse(X) else X
    s = np.ones(len(y)) if s is None else s
    W = s.sum()
    x_mean, y_mean = s @ X / W, s @ y / W
    residual = (y - y_mean) - (X - x_mean) @ w - (b - y_mean + x_mean @ w)
    sigma = np.ones(X.shape[1])
    if standardize:
        centre = x_mean if fit_intercept else 0.0
        sigma = np.sqrt(s @ (X - centre) ** 2 / W)
    f = penalty.factors(X.shape[1])
    rho = penalty.l1_ratio
    v = sigma * w
    loss = s @ residual**2 / (2 * W)
    return loss + alpha * np.sum(f * (rho * np.abs(v) + 0.5 * (1 - rho) * v * v))


CASES = {
    "lasso dense": dict(penalty=L1()),
    "lasso sparse weighted": dict(penalty=L1(), sparse=True, weights=True),
    "enet weighted standardized": dict(penalty=ElasticNetPenalty(0.5), weights=True,
                                       standardize=True),
    "enet no intercept": dict(penalty=ElasticNetPenalty(0.5), fit_intercept=False),
    "factors standardized": dict(penalty=L1(penalty_factor=[0.5, 1, 2, 1, 1, 0.0]),
                                 standardize=True),
    "factors sparse no intercept": dict(penalty=ElasticNetPenalty(0.5, [1, 2, 1, 1, 0.5, 1]),
                                        sparse=True, fit_intercept=False, weights=True),
}  # fmt: skip


def compare_paths(X, y, s, penalty, fit_intercept=True, standardize=False, partitions=4,
                  **path_options):  # fmt: skip
    """Largest relative objective difference of the tall and the in-memory paths."""
    data = ArrayBlocks(X, y, s, n_partitions=partitions)
    stats = sufficient_statistics(data).total()
    options = dict(fit_intercept=fit_intercept, standardize=standardize, tol=TIGHT)
    tall = tall_path(stats, penalty, n_alphas=30, **options, **path_options)
    memory = path(X, y, penalty, n_alphas=30, sample_weight=s, **options, **path_options)
    np.testing.assert_allclose(tall.alphas, memory.alphas, rtol=1e-10)
    assert tall.converged.all() and memory.converged.all()
    worst = 0.0
    for k, alpha in enumerate(tall.alphas):
        args = (alpha, penalty, fit_intercept, standardize)
        p_tall = objective(X, y, s, tall.coefs[k], tall.intercepts[k], *args)
        p_memory = objective(X, y, s, memory.coefs[k], memory.intercepts[k], *args)
        worst = max(worst, abs(p_tall - p_memory) / p_memory)
        # the tall gap bounds the suboptimality in the original objective
        assert p_tall - p_memory <= tall.dual_gaps[k] + 1e-13 * p_memory
        # same zeros, except coefficients too small for the certificate to settle
        settled = (np.abs(tall.coefs[k]) > 1e-6) | (np.abs(memory.coefs[k]) > 1e-6)
        np.testing.assert_array_equal((tall.coefs[k] != 0)[settled],
                                      (memory.coefs[k] != 0)[settled])  # fmt: skip
    return worst, tall, memory


@pytest.mark.parametrize("case", CASES)
def test_tall_path_equals_the_in_memory_path(case):
    options = dict(CASES[case])
    penalty = options.pop("penalty")
    X, y, s = make_data(sparse=options.pop("sparse", False), weights=options.pop("weights", False))
    worst, tall, memory = compare_paths(X, y, s, penalty, partitions=3 + len(case) % 5, **options)
    print(f"{case}: max relative objective difference {worst:.2e}")
    assert worst <= 1e-8
    np.testing.assert_allclose(tall.relative_gaps, memory.relative_gaps, atol=TIGHT)
    if options.get("standardize"):  # the column std of the equivalent rows is the true one
        np.testing.assert_allclose(tall.column_std, memory.column_std, rtol=1e-10)


@pytest.mark.parametrize("case", ["enet weighted standardized", "factors sparse no intercept"])
def test_tall_duality_gaps_certify_the_original_objective(case):
    # stopped after one epoch the tall points are not optimal: their gaps must still
    # bound the distance to the optimum of the original objective, found in memory at TIGHT
    options = dict(CASES[case])
    penalty = options.pop("penalty")
    factors = penalty.penalty_factor
    sparse, weights = options.pop("sparse", False), options.pop("weights")
    X, y, s = make_data(p=30 if factors is None else len(factors), seed=6, sparse=sparse,
                        weights=weights)  # fmt: skip
    stats = sufficient_statistics(ArrayBlocks(X, y, s, n_partitions=4)).total()
    tall = tall_path(stats, penalty, n_alphas=4, tol=1e-12, max_iter=1, warn=False, **options)
    best = path(X, y, penalty, alphas=tall.alphas, sample_weight=s, tol=TIGHT, **options)
    args = (penalty, options.get("fit_intercept", True), options.get("standardize", False))
    slack = []
    for k, alpha in enumerate(tall.alphas):
        p_tall = objective(X, y, s, tall.coefs[k], tall.intercepts[k], alpha, *args)
        p_best = objective(X, y, s, best.coefs[k], best.intercepts[k], alpha, *args)
        slack.append(tall.dual_gaps[k] - (p_tall - p_best))
    assert min(slack) >= -1e-13
    assert max(tall.dual_gaps) > 1e-9  # the check is not vacuous: the points are inexact


def test_default_grid_ratio_comes_from_the_true_shape():
    X, y, _ = make_data(n=8, p=12)  # fewer rows than features: ratio 1e-2, not 1e-3
    tall = tall_path(sufficient_statistics(ArrayBlocks(X, y, n_partitions=3)).total(),
                     n_alphas=5)  # fmt: skip
    np.testing.assert_allclose(tall.alphas[-1] / tall.alphas[0], 1e-2)
    np.testing.assert_allclose(tall.alphas, path(X, y, n_alphas=5).alphas, rtol=1e-10)


def test_singular_design_duplicate_and_constant_columns():
    X, y, s = make_data(n=100, p=4, weights=True)
    X = np.column_stack([X, X[:, 1], np.full(100, 3.0)])
    worst, tall, _ = compare_paths(X, y, s, ElasticNetPenalty(0.5))
    print(f"singular: {worst:.2e}")
    assert worst <= 1e-8
    assert np.all(tall.coefs[:, 5] == 0)  # the constant column never enters


def test_ill_conditioned_design_stays_within_1e_8():
    # near-duplicate columns (condition number ~2e9 after centring), scales from 1e-2 to
    # 1e3 and a mean of 1e4: raw sums of squares would cancel every digit of the small
    # columns; standardised elastic net, so that coordinate descent converges at TIGHT
    rng = np.random.default_rng(4)
    base = rng.normal(size=(200, 3))
    noise = rng.normal(size=(200, 3)) * 1e-4
    X = np.column_stack([base, base + noise]) * np.array([1, 1e3, 1e-2] * 2) + 1e4
    y = base @ [1.0, 0.002, 50.0] + rng.normal(size=200)
    assert np.linalg.cond(X - X.mean(axis=0)) > 1e9
    worst, *_ = compare_paths(X, y, None, ElasticNetPenalty(0.5), standardize=True,
                              partitions=7)  # fmt: skip
    print(f"ill-conditioned: {worst:.2e}")
    assert worst <= 1e-8


def test_held_out_error_closed_form_matches_the_rows():
    X, y, s = make_data(n=40, p=3, weights=True)
    stats = sufficient_statistics(ArrayBlocks(X, y, s, n_partitions=3)).total()
    coefs = np.random.default_rng(0).normal(size=(4, 3))
    intercepts = np.array([0.0, 1.0, -2.0, 0.5])
    expected = [s @ (y - X @ w - b) ** 2 / s.sum() for w, b in zip(coefs, intercepts, strict=True)]
    np.testing.assert_allclose(held_out_error(stats, coefs, intercepts), expected, rtol=1e-12)


@pytest.mark.parametrize(("sparse", "weights", "standardize", "penalty"), [
    (False, False, False, L1()),
    (True, True, True, ElasticNetPenalty(0.5, [1, 1, 2, 1, 0.5, 1])),
])  # fmt: skip
def test_ten_fold_cv_equals_in_memory_cv_on_the_same_folds(sparse, weights, standardize,
                                                           penalty):  # fmt: skip
    X, y, s = make_data(n=200, sparse=sparse, weights=weights, seed=2)
    data = ArrayBlocks(X, y, s, n_partitions=5)
    folds = sufficient_statistics(data, n_folds=10, seed=11)
    options = dict(fit_intercept=True, standardize=standardize, tol=TIGHT)
    cv = tall_cv(folds, penalty, n_alphas=25, selection="1se", **options)
    full = tall_path(folds.total(), penalty, n_alphas=25, **options)
    assert data.passes == 1  # a full path and a 10-fold CV from one pass
    # the in-memory CV on the same hashed folds
    fold = np.concatenate([fold_of_rows(b.partition, b.n_rows, 10, 11) for b in data.blocks()])
    grid = shared_alpha_grid(X, y, penalty, n_alphas=25, sample_weight=s,
                             standardize=standardize)  # fmt: skip
    np.testing.assert_allclose(cv.alphas, grid, rtol=1e-10)
    weights_all = np.ones(len(y)) if s is None else s
    errors = np.empty((10, grid.size))
    for k in range(10):
        train, test = fold != k, fold == k
        fitted = path(X[train], y[train], penalty, alphas=grid,
                      sample_weight=None if s is None else s[train], **options)  # fmt: skip
        residual = y[test][:, None] - np.asarray(X[test] @ fitted.coefs.T) - fitted.intercepts
        errors[k] = weights_all[test] @ residual**2 / weights_all[test].sum()
    difference = np.max(np.abs(cv.fold_errors - errors) / errors)
    print(f"cv: max relative fold-error difference {difference:.2e}")
    assert difference <= 1e-8
    mean = errors.mean(axis=0)
    std_error = errors.std(axis=0, ddof=1) / np.sqrt(10)
    assert (cv.index_min, cv.index_1se) == one_standard_error_index(mean, std_error)
    np.testing.assert_allclose(cv.alpha_, grid[cv.index_1se], rtol=1e-12)
    np.testing.assert_array_equal(cv.coef_, full.coefs[cv.index_1se])
    assert cv.relative_gap_ <= TIGHT


def test_cv_min_selection_and_bad_arguments():
    X, y, _ = make_data(n=120, seed=3)
    folds = sufficient_statistics(ArrayBlocks(X, y, n_partitions=3), n_folds=5)
    cv = tall_cv(folds, n_alphas=20, selection="min")
    assert cv.alpha_ == cv.alphas[cv.index_min] and cv.index_1se <= cv.index_min
    assert cv.fold_errors.shape == (5, 20) and np.all(cv.fold_errors > 0)
    with pytest.raises(ValueError, match="selection"):
        tall_cv(folds, selection="max")
    with pytest.raises(ValueError, match="at least 2 folds"):
        tall_cv(sufficient_statistics(ArrayBlocks(X, y, n_partitions=3)))


@pytest.mark.parametrize(("weights", "standardize", "fit_intercept"), [
    (False, False, True), (True, True, True), (True, False, False),
])  # fmt: skip
def test_tall_ridge_equals_the_in_memory_closed_form(weights, standardize, fit_intercept):
    X, y, s = make_data(n=90, weights=weights, seed=5)
    factors = [1.0, 2.0, 0.5, 1.0, 1.0, 3.0]
    stats = sufficient_statistics(ArrayBlocks(X, y, s, n_partitions=6)).total()
    options = dict(fit_intercept=fit_intercept, standardize=standardize)
    fit = tall_ridge(stats, 0.3, penalty_factor=factors, tol=1e-10, **options)
    reference = solve(X, y, 0.3, L2(factors), sample_weight=s, tol=1e-10, **options)
    np.testing.assert_allclose(fit.coef, reference.coef, rtol=1e-9)
    np.testing.assert_allclose(fit.intercept, reference.intercept, rtol=1e-9)
    assert fit.converged and fit.certificate.relative_gap <= 1e-10


@pytest.mark.parametrize(("noise", "weights", "standardize"), [
    (1.0, True, True),  # a curve that turns inside the grid
    (1e-3, False, False),  # least error at the small end: the grid is extended
])  # fmt: skip
def test_cv_chooses_as_the_in_memory_cv_class_on_the_same_folds(noise, weights, standardize):
    from shrinkage.selection.cross_validation import ElasticNetCV

    rng = np.random.default_rng(7)
    X = rng.normal(size=(160, 5))
    y = X @ [1.0, -2.0, 0.5, 0.3, 0.0] + noise * rng.normal(size=160)
    s = rng.uniform(0.5, 2.0, size=160) if weights else None
    data = ArrayBlocks(X, y, s, n_partitions=4)
    folds = sufficient_statistics(data, n_folds=5, seed=2)
    penalty = ElasticNetPenalty(0.5)
    cv = tall_cv(folds, penalty, n_alphas=15, standardize=standardize, tol=TIGHT)
    fold = np.concatenate([fold_of_rows(b.partition, b.n_rows, 5, 2) for b in data.blocks()])
    splits = [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(5)]
    model = ElasticNetCV(l1_ratio=0.5, n_alphas=15, cv=splits, standardize=standardize,
                         tol=TIGHT).fit(X, y, sample_weight=s)  # fmt: skip
    assert cv.alpha_grid_extended == model.alpha_grid_extended_
    assert cv.alpha_grid_extended == (0 if noise == 1.0 else 1)
    np.testing.assert_allclose(cv.alphas, np.ravel(model.cv_alphas_), rtol=1e-10)
    np.testing.assert_allclose(cv.mean, np.ravel(model.cv_mean_), rtol=1e-8)
    np.testing.assert_allclose(cv.std_error, np.ravel(model.cv_std_error_), rtol=1e-6)
    np.testing.assert_allclose(cv.alpha_, model.alpha_, rtol=1e-12)
    # the fit at alpha_ on all rows: the same objective (coefficients agree only to what
    # a gap of TIGHT proves, about √TIGHT)
    args = (cv.alpha_, penalty, True, standardize)
    p_tall = objective(X, y, s, cv.coef_, cv.intercept_, *args)
    p_memory = objective(X, y, s, model.coef_, model.intercept_, *args)
    assert abs(p_tall - p_memory) <= 1e-8 * p_memory
    np.testing.assert_allclose(cv.coef_, model.coef_, rtol=1e-4, atol=1e-6)
    assert data.passes == 1
