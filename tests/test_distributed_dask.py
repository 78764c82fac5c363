"""The Dask engine: reductions equal the in-memory engine's, bad input fails clearly, and a
worker killed mid-pass changes nothing."""

import logging
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")

from shrinkage.distributed.blocks import DistributedDataError, PartitionedData  # noqa: E402
from shrinkage.distributed.engines import as_partitioned  # noqa: E402
from shrinkage.distributed.engines.dask_blocks import (  # noqa: E402
    DaskBlocks,
    SchedulerUnreachableError,
    connect,
)
from shrinkage.distributed.engines.memory import ArrayBlocks  # noqa: E402


def _local_cluster():
    return distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.CRITICAL,
    )


def _clients():
    """A client of a fresh cluster (not made current: ``connect`` tests which client is
    the default), both closed afterwards."""
    with _local_cluster() as cluster:
        client = distributed.Client(cluster)
        try:
            yield client
        finally:
            client.close()


@pytest.fixture(scope="module")
def client():
    yield from _clients()


@pytest.fixture
def victim_client():
    """A cluster of its own for a test that kills one of its workers. Whether the nanny
    brings the worker back is distributed's business (its restart can race and close the
    nanny for good); the other tests keep two workers either way."""
    for client in _clients():
        client.wait_for_workers(2, timeout=120)
        yield client


def _weighted_xty(block):
    return block.X.T @ (block.weights() * block.y)


def _statistics(block):
    """A tuple, as the one-pass sufficient statistics are."""
    gram = block.X.T @ block.X
    gram = gram.toarray() if sp.issparse(gram) else gram
    return (block.n_rows, block.weights().sum(), np.asarray(block.X.sum(axis=0)).ravel(), gram)


def _one(block):
    return np.ones(1)


def _slow_column_sums(block):
    time.sleep(0.2)
    return block.X.sum(axis=0)


def _data(n=37, p=4, seed=0):
    """Small integers as floats: every sum is exact whatever the order or the BLAS (whose
    results depend on memory alignment), so equality checks that no row is lost, counted
    twice or paired with another row's target."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, p)).astype(float)
    return X, X @ np.arange(1.0, p + 1) + rng.integers(-3, 4, n), rng.integers(1, 4, n) * 1.0


def _chunks_of(n, n_partitions):
    """Row chunks equal to ArrayBlocks' partitions."""
    return tuple(np.diff(np.linspace(0, n, n_partitions + 1).astype(int)).tolist())


def _assert_same(left, right):
    for a, b in zip(left, right, strict=True):
        np.testing.assert_array_equal(a, b)


def test_default_scheduler_or_client_gives_the_in_memory_result():
    X, y, w = _data()
    data = DaskBlocks(da.from_array(X, chunks=(_chunks_of(37, 5), 4)), y, w)
    expected = ArrayBlocks(X, y, w, n_partitions=5).reduce(_weighted_xty)
    np.testing.assert_array_equal(data.reduce(_weighted_xty), expected)


@pytest.mark.parametrize("weighted", [False, True])
def test_dense_reductions_equal_in_memory(client, weighted):
    X, y, w = _data()
    w = w if weighted else None
    chunks = _chunks_of(37, 5)
    data = DaskBlocks(da.from_array(X, chunks=(chunks, 2)), da.from_array(y, chunks=chunks),
                      None if w is None else da.from_array(w, chunks=chunks))  # fmt: skip
    memory = ArrayBlocks(X, y, w, n_partitions=5)
    assert isinstance(data, PartitionedData)
    assert (data.n_features, data.n_partitions, data.feature_names) == (4, 5, memory.feature_names)
    np.testing.assert_array_equal(data.reduce(_weighted_xty), memory.reduce(_weighted_xty))
    _assert_same(data.reduce(_statistics), memory.reduce(_statistics))
    assert data.passes == 2
    n_rows, weight_sum, _, _ = data.reduce(_statistics)
    assert n_rows == 37
    assert weight_sum == (37.0 if w is None else w.sum())


def test_sparse_chunks_equal_in_memory_sparse(client):
    X, y, w = _data(n=30, p=5)
    X[np.abs(X) < 5] = 0.0
    chunks = _chunks_of(30, 4)
    sparse = da.from_array(X, chunks=(chunks, 2)).map_blocks(sp.csr_matrix)
    data = DaskBlocks(sparse, y, w)
    memory = ArrayBlocks(sp.csr_matrix(X), y, w, n_partitions=4)
    np.testing.assert_array_equal(data.reduce(_weighted_xty), memory.reduce(_weighted_xty))
    _assert_same(data.reduce(_statistics), memory.reduce(_statistics))


def test_target_chunked_otherwise_or_in_memory_is_aligned_to_the_rows(client):
    X, y, w = _data()
    chunks = _chunks_of(37, 5)
    expected = ArrayBlocks(X, y, w, n_partitions=5).reduce(_weighted_xty)
    X_dask = da.from_array(X, chunks=(chunks, 4))
    series = dd.from_pandas(pd.Series(y), npartitions=2)
    for target, weights in [(da.from_array(y, chunks=10), da.from_array(w, chunks=3)), (y, w),
                            (series, w)]:  # fmt: skip
        result = as_partitioned(X_dask, target, weights).reduce(_weighted_xty)
        np.testing.assert_array_equal(result, expected)


def test_mismatched_lengths_and_unknown_chunks_are_refused():
    X, y, _ = _data()
    X_dask = da.from_array(X, chunks=10)
    with pytest.raises(ValueError, match="X has 37 rows but y has 36"):
        DaskBlocks(X_dask, da.from_array(y[:-1], chunks=10))
    with pytest.raises(ValueError, match="X has 37 rows but sample_weight has 38"):
        DaskBlocks(X_dask, y, np.ones(38))
    with pytest.raises(ValueError, match=r"X.compute_chunk_sizes\(\)"):
        DaskBlocks(X_dask[X_dask[:, 0] > 0], y)
    y_dask = da.from_array(y, chunks=10)
    with pytest.raises(ValueError, match=r"y.compute_chunk_sizes\(\)"):
        DaskBlocks(X_dask, y_dask[y_dask > -1000])
    with pytest.raises(ValueError, match="pass the target y"):
        DaskBlocks(X_dask)
    with pytest.raises(ValueError, match="with a Dask array pass y"):
        DaskBlocks(X_dask, target="y")


def test_non_finite_value_names_the_partition_and_the_column(client):
    X, y, _ = _data()
    X[20, 1] = np.nan  # rows 14..21 form partition 2 of 5
    data = DaskBlocks(da.from_array(X, chunks=(_chunks_of(37, 5), 4)), y)
    with pytest.raises(DistributedDataError, match="partition 2, column 'x1': NaN"):
        data.reduce(_weighted_xty)


def test_empty_chunks_are_skipped(client):
    X, y, _ = _data(n=6)
    data = DaskBlocks(da.from_array(X, chunks=((3, 0, 3), 4)), y)
    assert data.n_partitions == 3
    assert data.reduce(_one).tolist() == [2.0]


def _frame():
    rng = np.random.default_rng(1)
    n = 24
    return pd.DataFrame({
        "a": rng.integers(-9, 10, n) * 1.0,
        "flag": rng.integers(0, 2, n) == 1,
        "color": pd.Categorical(rng.choice(["red", "blue", "green"], n),
                                categories=["red", "green", "blue"]),
        "y": rng.integers(-9, 10, n) * 1.0,
        "w": rng.integers(1, 4, n) * 1.0,
    })  # fmt: skip


def test_dataframe_one_hot_encodes_known_categories(client):
    frame = _frame()
    data = DaskBlocks(dd.from_pandas(frame, npartitions=3), target="y", weight="w")
    assert data.feature_names == ["a", "flag", "color=red", "color=green", "color=blue"]
    assert data.n_partitions == 3
    one_hot = (frame["color"].to_numpy()[:, None] == np.array(["red", "green", "blue"])) * 1.0
    X = np.column_stack([frame["a"], frame["flag"] * 1.0, one_hot])
    expected = X.T @ (frame["w"] * frame["y"]).to_numpy()
    np.testing.assert_array_equal(data.reduce(_weighted_xty), expected)
    np.testing.assert_array_equal(data.reduce(_statistics)[2][2:], one_hot.sum(axis=0))


def test_dataframe_bad_columns_are_refused_with_the_fix():
    frame = _frame()
    frame["name"] = [f"row{i}" for i in range(len(frame))]
    df = dd.from_pandas(frame, npartitions=2)
    with pytest.raises(ValueError, match=r"'name'.*to_numeric.*categorize\(columns=\['name'\]\)"):
        DaskBlocks(df, target="y")
    unknown = df.assign(color=df["color"].cat.as_unknown())
    with pytest.raises(ValueError, match=r"'color'.*unknown categories.*categorize"):
        DaskBlocks(unknown, target="y", features=["a", "color"])
    with pytest.raises(ValueError, match="name the target \\(and weight\\) columns"):
        DaskBlocks(df, np.ones(len(frame)))
    with pytest.raises(ValueError, match="name the target column"):
        DaskBlocks(df, features=["a"])
    with pytest.raises(ValueError, match=r"\['b'\] are not in the DataFrame"):
        DaskBlocks(df, target="y", features=["a", "b"])
    data = DaskBlocks(df, target="y", features=["a", "flag"])
    assert data.feature_names == ["a", "flag"]


def test_dataframe_missing_values_name_the_partition_and_column(client):
    frame = _frame()
    frame.loc[15, "a"] = np.nan  # partition 1 of 2
    with pytest.raises(DistributedDataError, match="partition 1, column 'a': NaN"):
        DaskBlocks(dd.from_pandas(frame, npartitions=2), target="y").reduce(_one)
    frame = _frame()
    frame.loc[3, "color"] = np.nan
    with pytest.raises(DistributedDataError, match="partition 0, column 'color': missing"):
        DaskBlocks(dd.from_pandas(frame, npartitions=2), target="y").reduce(_one)


def test_empty_dataframe_partitions_are_skipped(client):
    df = dd.from_pandas(_frame(), npartitions=3)
    tail = df.map_partitions(lambda part: part[part.index >= 8])  # partition 0 is empty
    data = DaskBlocks(tail, target="y")
    assert data.n_partitions == 3
    assert data.reduce(_one).tolist() == [2.0]


def test_parquet_directory(client, tmp_path):
    frame = _frame().drop(columns="color")
    lake = tmp_path / "lake"
    lake.mkdir()
    frame.iloc[:10].to_parquet(lake / "part-0.parquet")
    frame.iloc[10:].to_parquet(lake / "part-1.parquet")
    data = DaskBlocks(dd.read_parquet(str(lake)), target="y", weight="w")
    assert data.feature_names == ["a", "flag"]
    X = np.column_stack([frame["a"], frame["flag"] * 1.0])
    expected = X.T @ (frame["w"] * frame["y"]).to_numpy()
    np.testing.assert_array_equal(data.reduce(_weighted_xty), expected)


def test_progress_reports_each_pass(client):
    X, y, _ = _data()
    reports = []
    data = DaskBlocks(da.from_array(X, chunks=10), y, progress=lambda *r: reports.append(r))
    data.reduce(_one, label="gram")
    data.reduce(_one)
    data.progress = None
    data.reduce(_one)
    assert [label for label, _ in reports] == ["gram", "pass"]
    assert all(seconds >= 0 for _, seconds in reports)
    assert data.passes == 3


def test_unreachable_scheduler_fails_quickly_and_clearly():
    start = time.perf_counter()
    with pytest.raises(SchedulerUnreachableError, match=r"tcp://127.0.0.1:1 within 0.5 s"):
        connect("tcp://127.0.0.1:1", timeout=0.5)
    assert time.perf_counter() - start < 10
    assert issubclass(SchedulerUnreachableError, ConnectionError)


def test_connect_to_a_running_scheduler(client):
    other = connect(client.scheduler.address, timeout=10)
    try:
        assert isinstance(other, distributed.Client)
        assert distributed.default_client() is other
        X, y, _ = _data()
        assert DaskBlocks(da.from_array(X, chunks=10), y).reduce(_one).tolist() == [4.0]
    finally:
        other.close()


def test_worker_killed_mid_pass_changes_nothing(victim_client):
    """Dask recomputes the lost tasks: the pass still gives the in-memory result exactly."""
    client = victim_client
    X, y, _ = _data(n=40, p=3)
    data = DaskBlocks(da.from_array(X, chunks=2), y)  # 20 blocks of 0.2 s on 2 workers
    victim = min(client.run(os.getpid).values())
    killed_at = []

    def kill():
        os.kill(victim, signal.SIGKILL)
        killed_at.append(time.perf_counter())

    timer = threading.Timer(0.8, kill)
    timer.start()
    with ThreadPoolExecutor(1) as pool:
        try:
            result = pool.submit(data.reduce, _slow_column_sums).result(timeout=60)
        finally:
            timer.cancel()
    finished_at = time.perf_counter()
    assert killed_at and killed_at[0] < finished_at  # the worker died during the pass
    np.testing.assert_array_equal(result, X.sum(axis=0))
    assert victim not in client.run(os.getpid).values()
    np.testing.assert_array_equal(data.reduce(_weighted_xty), X.T @ y)  # the cluster computes on


def _slowly(chunk):
    time.sleep(0.25)
    return chunk


def _slow_blocks(X, y):
    """16 blocks of 25 rows, each read in 0.25 s: a fit lasts long enough to lose a worker."""
    slow = da.from_array(X, chunks=(25, X.shape[1])).map_blocks(_slowly, dtype=X.dtype)
    return DaskBlocks(slow, da.from_array(y, chunks=25))


def _with_a_worker_killed(client, seconds, run):
    """``run()`` with one worker killed ``seconds`` after it starts; asserts it died."""
    victim = min(client.run(os.getpid).values())
    timer = threading.Timer(seconds, os.kill, (victim, signal.SIGKILL))
    timer.start()
    try:
        result = run()
    finally:
        timer.cancel()
    assert victim not in client.run(os.getpid).values()  # it did die during the fit
    return result


def test_worker_killed_mid_fit_gives_the_certified_path(victim_client):
    """A whole fit (the statistics pass of a lasso path and a 5-fold CV) with a worker
    killed while it reads: the lost blocks are recomputed, and the path and the choice
    equal those of the in-memory engine."""
    from shrinkage.distributed import DistributedProblem

    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 5))
    y = X @ [1.0, 0.0, -2.0, 0.0, 0.5] + rng.normal(size=400)
    data = _slow_blocks(X, y)
    problem = DistributedProblem(data, n_folds=5)
    cv = _with_a_worker_killed(victim_client, 1.0, lambda: problem.cv(n_alphas=20, tol=1e-10))
    reference = DistributedProblem(ArrayBlocks(X, y, n_partitions=16), n_folds=5).cv(
        n_alphas=20, tol=1e-10
    )
    assert data.passes == 1
    np.testing.assert_allclose(cv.fold_errors, reference.fold_errors, rtol=1e-9)
    assert cv.alpha_ == reference.alpha_
    np.testing.assert_allclose(cv.coef_, reference.coef_, atol=1e-8)


def _logged(chunk, log):
    with open(log, "a") as handle:  # the workers are processes: count through a file
        handle.write("built\n")
    return chunk


def _builds(log) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_kept_blocks_are_read_once_and_released(client, tmp_path):
    """Inside ``kept()`` the blocks stay on the workers: three passes read the source once
    and give exactly the results of three passes outside it; afterwards passes read the
    source again."""
    X, y, w = _data(n=60, p=3)
    log = tmp_path / "log"
    source = da.from_array(X, chunks=(12, 3)).map_blocks(_logged, log, meta=np.empty((0, 0)))
    data = DaskBlocks(source, y, w)
    assert data.memory_bytes == 8 * 60 * 5
    outside = [data.reduce(f) for f in (_weighted_xty, _statistics, _one)]
    assert _builds(log) == 3 * 5
    with data.kept():
        inside = [data.reduce(f) for f in (_weighted_xty, _statistics, _one)]
        assert _builds(log) == 3 * 5 + 5
    np.testing.assert_array_equal(inside[0], outside[0])
    _assert_same(inside[1], outside[1])
    np.testing.assert_array_equal(inside[2], [5.0])
    data.reduce(_one)
    assert _builds(log) == 3 * 5 + 5 + 5
    assert data.passes == 7


def test_blocks_too_large_or_of_unknown_size_are_not_kept(client, tmp_path):
    """Kept only when the estimated size fits the cluster's memory budget: otherwise each
    pass reads the source, as outside ``kept()``."""
    X, y, _ = _data(n=20, p=2)
    log = tmp_path / "log"
    source = da.from_array(X, chunks=(10, 2)).map_blocks(_logged, log, meta=np.empty((0, 0)))
    data = DaskBlocks(source, y)
    for size in (None, 10**15):
        data.memory_bytes = size
        with data.kept():
            data.reduce(_one)
            data.reduce(_one)
    assert _builds(log) == 2 * 2 * 2


def test_kept_blocks_of_a_parquet_directory(client, tmp_path):
    """read_parquet estimates the blocks' size from the files' footers, and a logistic path
    (many passes, over kept blocks) equals the in-memory one."""
    from shrinkage.distributed import DistributedProblem, read_parquet

    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 4))
    y = (X @ [1.5, 0.0, -1.0, 0.0] + rng.logistic(size=300) > 0).astype(float)
    frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(4)]).assign(y=y)
    for k in range(3):
        frame.iloc[100 * k : 100 * (k + 1)].to_parquet(tmp_path / f"part-{k}.parquet")
    data = read_parquet(tmp_path, "y", engine="dask")
    assert data.memory_bytes == 8 * 300 * (4 + 2)
    path = DistributedProblem(data, loss="logistic").path(n_alphas=8, tol=1e-8)
    reference = DistributedProblem(ArrayBlocks(X, y, n_partitions=3), loss="logistic").path(
        n_alphas=8, tol=1e-8
    )
    np.testing.assert_allclose(path.dense_coefs(), reference.dense_coefs(), atol=1e-7)
    assert data.passes > 8


def test_worker_killed_while_blocks_are_kept_gives_the_certified_path(victim_client):
    """A logistic path over kept blocks with a worker killed during it: Dask recomputes the
    kept blocks it held, and the path equals the in-memory one."""
    from shrinkage.distributed import DistributedProblem

    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 5))
    y = (X @ [1.0, 0.0, -2.0, 0.0, 0.5] + rng.logistic(size=400) > 0).astype(float)
    data = _slow_blocks(X, y)
    problem = DistributedProblem(data, loss="logistic")
    path = _with_a_worker_killed(victim_client, 1.5, lambda: problem.path(n_alphas=10, tol=1e-8))
    reference = DistributedProblem(ArrayBlocks(X, y, n_partitions=16), loss="logistic")
    expected = reference.path(n_alphas=10, tol=1e-8)
    np.testing.assert_allclose(path.dense_coefs(), expected.dense_coefs(), atol=1e-7)
    assert np.all(path.relative_gaps <= 1e-8)
