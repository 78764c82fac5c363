"""Distributed logistic regression on row blocks against the in-memory path."""

from functools import partial

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import log_expit

import shrinkage
from shrinkage.certificates import certify_logistic
from shrinkage.distributed import ArrayBlocks, DistributedDataError
from shrinkage.distributed.logistic import logistic_fit, logistic_path
from shrinkage.distributed.logistic_operations import (
    block_loss_changes,
    block_state,
    certify_state,
    prepare_problem,
)
from shrinkage.penalties import L1, L2, ElasticNetPenalty
from shrinkage.solvers.logistic import solve_logistic
from shrinkage.solvers.logistic_data import prepare_logistic

N_ALPHAS = 10


def _problem(seed=0, n=120, p=20, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    X[:, 2] += 4.0  # a column with a large mean
    beta = np.zeros(p)
    beta[:4] = [1.5, -1.0, 0.6, 0.4]
    y = (X @ beta - 1.6 + rng.standard_normal(n) > 0).astype(float)
    weights = rng.uniform(0.2, 3.0, n)
    if sparse:
        X = sp.csr_matrix(np.where(np.abs(X) > 1.0, X, 0.0))
    return X, y, weights


def _objective(X, y, weights, coef, intercept, l1_weight, l2_weight):
    """The penalised mean weighted log-loss, computed independently."""
    X = X.toarray() if sp.issparse(X) else X
    z = X @ coef + intercept
    s = weights / weights.sum()
    loss = -float(s @ (y * log_expit(z) + (1 - y) * log_expit(-z)))
    return loss + float(l1_weight @ np.abs(coef) + 0.5 * l2_weight @ (coef * coef))


CASES = [  # (sparse, l1_ratio, weighted, fit_intercept, standardize)
    (False, 1.0, False, True, False),
    (False, 0.5, True, True, True),
    (False, 1.0, True, False, False),
    (True, 1.0, True, True, False),
    (True, 0.5, False, True, True),
    (True, 0.5, True, False, False),
]


@pytest.mark.parametrize(("sparse", "l1_ratio", "weighted", "fit_intercept", "standardize"),
                         CASES)  # fmt: skip
def test_path_equals_in_memory_path(sparse, l1_ratio, weighted, fit_intercept, standardize):
    X, y, weights = _problem(seed=int(10 * l1_ratio) + sparse, sparse=sparse)
    weights = weights if weighted else None
    penalty = L1() if l1_ratio == 1.0 else ElasticNetPenalty(l1_ratio)
    options = dict(n_alphas=N_ALPHAS, fit_intercept=fit_intercept, standardize=standardize)
    data = ArrayBlocks(X, y, weights, n_partitions=3 + int(sparse) * 2)
    result = logistic_path(data, penalty, tol=1e-8, **options)
    reference = shrinkage.path(X, y, penalty, loss="logistic", sample_weight=weights,
                               tol=1e-12, **options)  # fmt: skip
    np.testing.assert_allclose(result.alphas, reference.alphas, rtol=1e-12)
    assert np.all(result.relative_gaps <= 1e-8)
    assert result.loss == "logistic"
    scale = prepare_logistic(X, y, weights, standardize, fit_intercept).scale
    s = np.ones(y.shape[0]) if weights is None else weights
    worst = 0.0
    for k, alpha in enumerate(result.alphas):
        a, b = penalty.weights(alpha, X.shape[1], scale)
        ours = _objective(X, y, s, result.coefs[k], result.intercepts[k], a, b)
        best = _objective(X, y, s, reference.coefs[k], reference.intercepts[k], a, b)
        worst = max(worst, abs(ours - best) / best)
    assert worst <= 1e-8
    # the moments, the α_max gradient, then a few passes per α (measured: 3.4-5.1 on
    # this coarse grid at tol 1e-8)
    passes = result.timings["passes"]
    assert data.passes == result.timings["setup_passes"] + passes.sum()
    assert passes[0] == 0 and passes.max() <= 8 and passes.mean() <= 6
    assert int(result.n_active[0]) == 0 and int(result.n_active[-1]) >= 4


@pytest.mark.parametrize("sparse", [False, True])
def test_certificate_bounds_the_exact_gap(sparse):
    # the one-pass certificate is an upper bound on the exact one, and tight near the
    # optimum, at a point of the path and at perturbed points
    X, y, weights = _problem(seed=3, sparse=sparse)
    data = ArrayBlocks(X, y, weights, n_partitions=4)
    problem = prepare_problem(data)
    fit = logistic_fit(data, 0.01, tol=1e-10)
    a, b = L1().weights(0.01, X.shape[1])
    rng = np.random.default_rng(1)
    for noise in (0.0, 1e-6, 1e-3, 1e-1):
        coef = fit.coef + noise * rng.standard_normal(X.shape[1]) * (fit.coef != 0)
        intercept = fit.intercept + noise
        state = data.reduce(partial(block_state, coef=coef, intercept=intercept,
                                    features=np.arange(3)))  # fmt: skip
        ours = certify_state(state, problem, coef, a, b)
        exact = certify_logistic(X, y, coef, intercept, a, b, sample_weight=weights)
        assert ours.primal == pytest.approx(exact.primal, rel=1e-12)
        assert ours.dual <= exact.dual + 1e-14
        assert ours.dual_gap <= 1.5 * exact.dual_gap + 1e-14
    assert fit.converged and fit.relative_gap <= 1e-10


def test_fit_matches_in_memory_solver():
    X, y, weights = _problem(seed=5)
    data = ArrayBlocks(X, y, weights, n_partitions=6)
    penalty = ElasticNetPenalty(0.5)
    ours = logistic_fit(data, 0.02, penalty, standardize=True, tol=1e-10)
    reference = solve_logistic(X, y, 0.02, penalty, sample_weight=weights, standardize=True,
                               tol=1e-12)  # fmt: skip
    scale = prepare_logistic(X, y, weights, True, True).scale
    a, b = penalty.weights(0.02, X.shape[1], scale)
    value = _objective(X, y, weights, ours.coef, ours.intercept, a, b)
    best = _objective(X, y, weights, reference.coef, reference.intercept, a, b)
    assert abs(value - best) <= 1e-10 * best
    # a gap of 1e-10 bounds the distance to the optimum by √(2·gap/μ), μ ≈ α(1 − ρ)σ²
    np.testing.assert_allclose(ours.coef, reference.coef, atol=1e-4)
    assert ours.intercept == pytest.approx(reference.intercept, abs=1e-4)
    assert 1 <= ours.n_iter <= 15


def test_line_search_changes_match_loss_differences():
    X, y, weights = _problem(seed=2)
    data = ArrayBlocks(X, y, weights, n_partitions=3)
    coef = np.linspace(-0.3, 0.3, X.shape[1])
    step = np.full(X.shape[1], 0.05)
    steps = np.array([1.0, 0.5, 1e-9])
    changes = data.reduce(partial(block_loss_changes, coef=coef, intercept=0.2,
                                  coef_step=step, intercept_step=-0.1, steps=steps))  # fmt: skip
    zero = np.zeros(X.shape[1])
    for t, change in zip(steps, changes, strict=True):
        expected = weights.sum() * (
            _objective(X, y, weights, coef + t * step, 0.2 - 0.1 * t, zero, zero)
            - _objective(X, y, weights, coef, 0.2, zero, zero)
        )  # fmt: skip
        assert change == pytest.approx(expected, rel=1e-6, abs=1e-12)
    assert changes[2] != 0.0  # a change of 1e-9·gradient is still resolved


def test_labels_other_than_zero_one_name_the_partition():
    X, y, _ = _problem()
    y = y.copy()
    y[100] = 2.0  # row 100 is in the last of 4 partitions of 120 rows
    with pytest.raises(DistributedDataError, match=r"partition 3: .*0/1.*\[2\.0\]"):
        logistic_path(ArrayBlocks(X, y, n_partitions=4), n_alphas=3)


def test_one_class_with_positive_weight_is_refused():
    X, y, weights = _problem()
    weights = np.where(y == 1, 0.0, weights)
    with pytest.raises(ValueError, match="y = 1"):
        logistic_fit(ArrayBlocks(X, y, weights, n_partitions=3), 0.1)


def test_unpenalised_features_are_refused():
    X, y, _ = _problem()
    factors = np.ones(X.shape[1])
    factors[0] = 0.0
    with pytest.raises(ValueError, match="penalty_factor 0"):
        logistic_path(ArrayBlocks(X, y, n_partitions=3), L1(penalty_factor=factors))


def test_in_memory_arrays_and_bad_options_are_refused():
    X, y, _ = _problem()
    with pytest.raises(TypeError, match="row blocks"):
        logistic_fit(X, 0.1)
    with pytest.raises(TypeError, match="standardize"):
        logistic_fit(ArrayBlocks(X, y), 0.1, standardize="yes")
    with pytest.raises(TypeError, match="Penalty"):
        logistic_path(ArrayBlocks(X, y), penalty=0.5)


@pytest.mark.parametrize("penalty", [L2(), L1(positive=True)], ids=["ridge", "positive"])
def test_ridge_and_positive_paths_equal_in_memory(penalty):
    X, y, weights = _problem(seed=4)
    data = ArrayBlocks(X, y, weights, n_partitions=4)
    result = logistic_path(data, penalty, n_alphas=6, tol=1e-8)
    reference = shrinkage.path(X, y, penalty, loss="logistic", sample_weight=weights,
                               n_alphas=6, tol=1e-12)  # fmt: skip
    np.testing.assert_allclose(result.alphas, reference.alphas, rtol=1e-12)
    assert np.all(result.relative_gaps <= 1e-8)
    for k, alpha in enumerate(result.alphas):
        a, b = penalty.weights(alpha, X.shape[1])
        ours = _objective(X, y, weights, result.coefs[k], result.intercepts[k], a, b)
        best = _objective(X, y, weights, reference.coefs[k], reference.intercepts[k], a, b)
        assert abs(ours - best) <= 1e-8 * best
    if penalty.positive:
        assert np.all(result.coefs >= 0) and int(result.n_active[-1]) >= 2


def test_dask_blocks_give_the_array_blocks_path():
    # the block functions travel through a real engine (pickled partials, tuple results)
    dask = pytest.importorskip("dask")
    import dask.array as da

    from shrinkage.distributed.engines import as_partitioned

    X, y, weights = _problem(seed=7)
    with dask.config.set(scheduler="synchronous"):
        rows = da.from_array(X, chunks=(40, X.shape[1]))
        data = as_partitioned(rows, da.from_array(y, chunks=40), da.from_array(weights, chunks=40))
        result = logistic_path(data, n_alphas=5, tol=1e-8)
    reference = logistic_path(ArrayBlocks(X, y, weights, n_partitions=3), n_alphas=5, tol=1e-8)
    np.testing.assert_allclose(result.coefs, reference.coefs, rtol=0, atol=1e-12)
    assert np.all(result.relative_gaps <= 1e-8)


@pytest.mark.parametrize("sparse", [False, True])
def test_block_state_equals_the_numpy_formulas(sparse):
    """The compiled row sums of a pass equal the NumPy expressions of the quantities, with
    zero weights and predictors far in both tails (|z| up to 900)."""
    from scipy.special import expit

    from shrinkage.distributed.blocks import make_block

    rng = np.random.default_rng(7)
    X = rng.normal(size=(300, 6))
    X[:5] *= 200.0  # predictors of several hundred: σ at 0 or 1 in floating point
    y = (rng.random(300) < 0.4).astype(float)
    s = rng.integers(0, 3, 300).astype(float)  # some zero weights
    coef, intercept, features = rng.normal(size=6), 0.3, np.array([1, 4])
    block = make_block(sp.csr_matrix(X) if sparse else X, y, s, 0, [f"x{j}" for j in range(6)])
    state = block_state(block, coef, intercept, features)
    z = X @ coef + intercept
    prob = expit(z)
    curvature = s * prob * (1.0 - prob)
    log_p, log_q = log_expit(z), log_expit(-z)
    expected = {
        "loss": -s @ (y * log_p + (1 - y) * log_q),
        "gradient": X.T @ (s * (prob - y)),
        "residual_sum": s @ (prob - y),
        "entropy": s @ (prob * log_p + (1 - prob) * log_q),
        "curvature_sum": curvature.sum(),
        "curvature_z": curvature @ z,
        "curvature_x": X.T @ curvature,
        "residual_z": s @ ((prob - y) * z),
        "odds": s @ np.exp(np.minimum((1 - 2 * y) * z, 700.0)),
        "gram": X[:, features].T @ (curvature[:, None] * X[:, features]),
    }
    assert np.abs(z).max() > 700
    for name, value in expected.items():
        np.testing.assert_allclose(getattr(state, name), value, rtol=1e-12, atol=1e-9,
                                   err_msg=name)  # fmt: skip
