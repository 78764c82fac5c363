"""One-pass sufficient statistics: the pairwise merge, folds by hash, equivalent rows."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage.distributed import ArrayBlocks
from shrinkage.distributed.statistics import (
    BlockStatistics,
    FoldStatistics,
    equivalent_rows,
    fold_of_rows,
    fold_statistics_of_block,
    sufficient_statistics,
)


def direct(X, y, s=None):
    """Weighted moments by two-pass numpy on the rows themselves."""
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    s = np.ones(len(y)) if s is None else np.asarray(s, dtype=float)
    W = s.sum()
    xm, ym = s @ X / W, s @ y / W
    Xc, yc = X - xm, y - ym
    return W, xm, ym, (Xc * s[:, None]).T @ Xc, (Xc * s[:, None]).T @ yc, s @ yc**2


def assert_matches(stats, X, y, s=None, rtol=1e-10):
    W, xm, ym, xx, xy, yy = direct(X, y, s)
    scale = max(np.abs(xx).max(), 1.0)
    assert stats.rows == len(y)
    np.testing.assert_allclose(stats.weight, W, rtol=1e-12)
    np.testing.assert_allclose(stats.x_mean, xm, rtol=1e-10, atol=1e-12 * np.abs(xm).max())
    np.testing.assert_allclose(stats.y_mean, ym, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(stats.xx, xx, rtol=rtol, atol=rtol * scale)
    # |xy_j| ≤ √(xx_jj·yy) (Cauchy–Schwarz): the scale of a cross product's rounding
    cross = np.sqrt(scale * max(yy, 1.0))
    np.testing.assert_allclose(stats.xy, xy, rtol=rtol, atol=rtol * cross)
    np.testing.assert_allclose(stats.yy, yy, rtol=rtol, atol=rtol)


def make_data(n=120, p=5, seed=0, sparse=False, weights=False, offset=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) + offset
    if sparse:
        X = sp.random(n, p, density=0.3, random_state=seed, format="csr") * 3.0
    y = rng.normal(size=n) + 2.0
    s = rng.uniform(0.2, 3.0, size=n) if weights else None
    return X, y, s


chunk = st.integers(min_value=0, max_value=6)


@settings(max_examples=60, deadline=None)
@given(sizes=st.lists(chunk, min_size=1, max_size=5), seed=st.integers(0, 10_000),
       weighted=st.booleans(), offset=st.sampled_from([0.0, 1e3, -1e5]))  # fmt: skip
def test_chan_merge_equals_numpy_on_concatenated_rows(sizes, seed, weighted, offset):
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    if n == 0:
        sizes = sizes + [1]
        n = 1
    X = rng.normal(size=(n, 3)) * [1.0, 10.0, 0.1] + offset
    y = rng.normal(size=n) + offset
    s = rng.uniform(0.1, 2.0, size=n) if weighted else None
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    parts = [BlockStatistics.of_arrays(X[a:b], y[a:b], None if s is None else s[a:b])
             for a, b in zip(bounds[:-1], bounds[1:], strict=True)]  # fmt: skip
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merge(part)
    assert_matches(merged, X, y, s)
    # the inverse: all rows minus the first part are the other rows
    a = sizes[0]
    if 0 < a < n:
        rest = merged.minus(parts[0])
        W = np.sum(s[a:]) if weighted else n - a
        np.testing.assert_allclose(rest.weight, W, rtol=1e-12)
        _, xm, ym, xx, _, yy = direct(X[a:], y[a:], None if s is None else s[a:])
        # subtraction loses the digits of the offset: checked to the digits it keeps
        tol = 1e-8 * max(1.0, abs(offset)) ** 2
        np.testing.assert_allclose(rest.xx, xx, atol=tol * n)
        np.testing.assert_allclose(rest.x_mean, xm, atol=tol)


def test_empty_statistics_are_the_identity():
    X, y, _ = make_data(n=10, p=3)
    stats = BlockStatistics.of_arrays(X, y)
    empty = BlockStatistics.empty(3)
    for merged in (stats.merge(empty), empty.merge(stats)):
        assert_matches(merged, X, y)
    nothing = BlockStatistics.of_arrays(X[:0], y[:0])
    assert nothing.weight == 0.0 and nothing.rows == 0
    assert stats.minus(stats).weight == 0.0


@pytest.mark.parametrize("weights", [False, True])
def test_sparse_block_equals_dense_block(weights):
    X, y, s = make_data(n=40, p=6, sparse=True, weights=weights)
    sparse_stats = BlockStatistics.of_arrays(X, y, s)
    assert_matches(sparse_stats, X.toarray(), y, s)
    dense_stats = BlockStatistics.of_arrays(X.toarray(), y, s)
    np.testing.assert_allclose(sparse_stats.xx, dense_stats.xx, atol=1e-12)


def test_uncentred_moments_are_the_raw_sums():
    X, y, s = make_data(n=30, p=4, weights=True, offset=2.0)
    xx, xy, yy = BlockStatistics.of_arrays(X, y, s).moments(fit_intercept=False)
    np.testing.assert_allclose(xx, (X * s[:, None]).T @ X, rtol=1e-12)
    np.testing.assert_allclose(xy, (X * s[:, None]).T @ y, rtol=1e-12)
    np.testing.assert_allclose(yy, s @ y**2, rtol=1e-12)


def test_fold_hash_is_deterministic_seeded_and_balanced():
    first = fold_of_rows(3, 1000, 10, seed=7)
    np.testing.assert_array_equal(first, fold_of_rows(3, 1000, 10, seed=7))
    assert np.mean(first != fold_of_rows(3, 1000, 10, seed=8)) > 0.8
    assert np.mean(first != fold_of_rows(4, 1000, 10, seed=7)) > 0.8
    counts = np.bincount(fold_of_rows(0, 100_000, 10), minlength=10)
    assert counts.min() > 9_700 and counts.max() < 10_300  # 1/K each, ± 3 std


@pytest.mark.parametrize(("sparse", "weights", "partitions"),
                         [(False, False, 3), (False, True, 5), (True, True, 7)])  # fmt: skip
def test_fold_statistics_are_those_of_the_hashed_rows(sparse, weights, partitions):
    X, y, s = make_data(n=150, p=4, sparse=sparse, weights=weights)
    data = ArrayBlocks(X, y, s, n_partitions=partitions)
    stats = sufficient_statistics(data, n_folds=4, seed=3)
    assert data.passes == 1 and stats.n_folds == 4
    fold = np.concatenate([fold_of_rows(b.partition, b.n_rows, 4, 3) for b in data.blocks()])
    dense = X.toarray() if sparse else X
    for k in range(4):
        rows = fold == k
        assert_matches(stats.folds[k], dense[rows], y[rows], None if s is None else s[rows])
        assert_matches(stats.training(k), dense[~rows], y[~rows],
                       None if s is None else s[~rows])  # fmt: skip
    assert_matches(stats.total(), dense, y, s)


def test_no_folds_is_one_fold_of_all_rows():
    X, y, _ = make_data(n=50, p=3)
    stats = sufficient_statistics(ArrayBlocks(X, y, n_partitions=4))
    assert stats.n_folds == 1
    assert_matches(stats.total(), X, y)


def test_block_function_pickles():
    import pickle
    from functools import partial

    function = pickle.loads(pickle.dumps(partial(fold_statistics_of_block, n_folds=3, seed=1)))
    X, y, _ = make_data(n=20, p=2)
    block = next(ArrayBlocks(X, y, n_partitions=2).blocks())
    result = function(block)
    assert isinstance(result, FoldStatistics) and sum(f.rows for f in result.folds) == 10


def test_too_large_fold_statistics_are_refused_before_the_pass():
    data = ArrayBlocks(np.zeros((2, 5000)), np.zeros(2), n_partitions=2)
    with pytest.raises(ValueError, match=r"12 fold\(s\) with p=5000 .* limit of 2 GiB"):
        sufficient_statistics(data, n_folds=12)  # 12 · 5000² · 8 bytes = 2.2 GiB
    assert data.passes == 0
    with pytest.raises(ValueError, match="at least 2"):
        sufficient_statistics(data, n_folds=1)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("singular", [False, True])
def test_equivalent_rows_reproduce_the_objective(fit_intercept, singular):
    X, y, s = make_data(n=60, p=4, weights=True, offset=1.5)
    if singular:  # a duplicate and a constant column: the eigen square root
        X = np.column_stack([X, X[:, 0], np.full(60, 2.5)])
    stats = BlockStatistics.of_arrays(X, y, s)
    X_rows, y_rows = equivalent_rows(stats, fit_intercept)
    q = X.shape[1] + 1
    assert X_rows.shape == (q, q - 1)
    rng = np.random.default_rng(1)
    for w in rng.normal(size=(5, q - 1)):
        b = stats.y_mean - stats.x_mean @ w if fit_intercept else 0.0
        original = s @ (y - X @ w - b) ** 2 / (2 * s.sum())
        equivalent = np.sum((y_rows - X_rows @ w) ** 2) / (2 * q)
        np.testing.assert_allclose(equivalent, original, rtol=1e-10)


def test_a_dense_block_is_centred_in_slices_with_the_same_statistics(monkeypatch):
    """A block larger than SLICE_BYTES is summarised slice by slice (bounded copies) and
    merged: the same statistics as in one piece."""
    from shrinkage.distributed import statistics

    X, y, s = make_data(n=500, p=4, weights=True, offset=1e3)
    whole = BlockStatistics.of_arrays(X, y, s)
    monkeypatch.setattr(statistics, "SLICE_BYTES", 8 * 4 * 37)  # slices of 37 rows
    sliced = BlockStatistics.of_arrays(X, y, s)
    assert sliced.rows == 500
    assert_matches(sliced, X, y, s)
    np.testing.assert_allclose(sliced.xx, whole.xx, atol=1e-11 * np.abs(whole.xx).max())
