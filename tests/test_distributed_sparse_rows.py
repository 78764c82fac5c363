"""Sparse data in the CSR row layout (list columns of indices and values) read by the Dask
and Spark engines as CSR blocks: reductions and paths equal scipy's in memory, bad rows
are named by partition."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import shrinkage
from shrinkage.distributed import DistributedDataError, DistributedProblem, read_parquet
from shrinkage.distributed.engines import as_partitioned
from shrinkage.distributed.engines.sparse_rows import csr_from_lists

pytest.importorskip("dask")
pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

try:
    from pyspark import cloudpickle
except ImportError:  # the Spark tests skip
    pass
else:  # the block functions below travel to Spark's workers by value
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
ROOT = Path(__file__).resolve().parents[1]


def _benchmark_data():
    """benchmarks/distributed_data.py, a script, imported by path."""
    path = ROOT / "benchmarks" / "distributed_data.py"
    spec = importlib.util.spec_from_file_location("distributed_data", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


BENCHMARK = _benchmark_data()


def _in_memory(directory):
    """X (CSR) and y of a written set, read back whole by pyarrow."""
    table = pq.read_table(directory)
    return BENCHMARK.csr_block(table, int(table.schema.metadata[b"n_features"]))


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """Two sets by the benchmark's writer: p = 30 (statistics) and p = 6,000 (working
    sets), each in 2 files of 2 row groups."""
    data = BENCHMARK
    out = tmp_path_factory.mktemp("sparse")
    specs = {"narrow": data.Spec("narrow", 400, 30, density=0.2, n_nonzero=4),
             "wide": data.Spec("wide", 200, 6000, density=0.005, n_nonzero=5)}  # fmt: skip
    for spec in specs.values():
        data.write(spec, out, rows_per_file=spec.n_rows // 2, rows_per_group=spec.n_rows // 4)
    return {name: out / name for name in specs}


def _statistics(block):
    return block.X.T @ block.y, np.asarray(block.X.sum(axis=0)).ravel(), block.X.nnz


@pytest.fixture(params=["dask", "spark"])
def engine(request):
    if request.param == "spark":
        yield request.param, request.getfixturevalue("spark")
        return
    import dask

    with dask.config.set(scheduler="synchronous"):
        yield request.param, None


@pytest.mark.parametrize("which", ["narrow", "wide"])
def test_reductions_equal_scipy(sets, engine, which):
    name, session = engine
    X, y = _in_memory(sets[which])
    data = read_parquet(sets[which], "y", engine=name, sparse=("indices", "values", None),
                        spark=session)  # fmt: skip
    assert data.n_features == X.shape[1] and data.feature_names[:2] == ["x0", "x1"]
    Xty, sums, nnz = data.reduce(_statistics)
    np.testing.assert_allclose(Xty, X.T @ y, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sums, np.asarray(X.sum(axis=0)).ravel(), rtol=1e-12, atol=1e-12)
    assert nnz == X.nnz and X.nnz > 0.7 * X.shape[0] * X.shape[1] * (0.2 if which == "narrow"
                                                                     else 0.005)  # fmt: skip


# the wide path takes ~40 passes, seconds each on Spark's local[2]: Dask runs it, and a
# reduction checks Spark's wide blocks
@pytest.mark.parametrize(("engine", "which", "strategy"),
                         [("dask", "narrow", "statistics"), ("dask", "wide", "working_set"),
                          ("spark", "narrow", "statistics")], indirect=["engine"])  # fmt: skip
def test_path_equals_in_memory(sets, engine, which, strategy):
    name, session = engine
    X, y = _in_memory(sets[which])
    data = read_parquet(sets[which], "y", engine=name, sparse=("indices", "values", None),
                        spark=session)  # fmt: skip
    problem = DistributedProblem(data)
    assert problem.strategy == strategy
    path = problem.path(n_alphas=10, tol=1e-8)
    reference = shrinkage.path(X, y, n_alphas=10, tol=1e-10)
    np.testing.assert_allclose(path.alphas, reference.alphas, rtol=1e-12)
    for k, alpha in enumerate(reference.alphas):
        ours = _objective(X, y, path, k, alpha)
        assert abs(ours - _objective(X, y, reference, k, alpha)) <= 1e-8 * ours
    assert np.count_nonzero(path.coefs[-1]) >= 4


def _objective(X, y, path, k, alpha):
    """The lasso objective at point k of a path (the penalty on the scale it was fitted)."""
    coef = path.coefs[k]
    scale = np.ones_like(coef) if path.column_std is None else path.column_std
    residual = y - X @ coef - path.intercepts[k]
    return residual @ residual / (2 * len(y)) + alpha * np.abs(coef * scale).sum()


def _frame(indices, values):
    return pd.DataFrame({"indices": indices, "values": values, "y": np.arange(len(indices),
                         dtype=float)})  # fmt: skip


GOOD = ([np.array([0, 2]), np.array([1])], [np.array([1.0, 2.0]), np.array([3.0])])
BAD = {
    "outside": (([np.array([0, 3]), np.array([1])], GOOD[1]), r"partition 1, row 0: column "
                                                              r"index 3 .* outside \[0, 3\)"),
    "lengths": ((GOOD[0], [np.array([1.0]), np.array([3.0])]), r"partition 1, row 0: 2 indices "
                                                               r"in 'indices' but 1 values"),
    "nan": ((GOOD[0], [np.array([1.0, np.nan]), np.array([3.0])]), r"partition 1, column 'x2'"),
}  # fmt: skip


def _two_partitions(bad):
    """A good partition 0 and ``bad`` as partition 1, as a pandas frame of 4 rows."""
    return pd.concat([_frame(*GOOD), _frame(*bad)], ignore_index=True)


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_rows_name_the_partition(engine, kind):
    name, session = engine
    bad, message = BAD[kind]
    frame = _two_partitions(bad)
    if name == "dask":
        import dask.dataframe as dd

        frame = frame.astype({"indices": pd.ArrowDtype(pa.list_(pa.int64())),
                              "values": pd.ArrowDtype(pa.list_(pa.float64()))})  # fmt: skip
        df = dd.from_pandas(frame, npartitions=2, sort=False)
    else:
        df = session.createDataFrame(frame.assign(
            indices=[a.tolist() for a in frame["indices"]],
            values=[a.tolist() for a in frame["values"]]))  # fmt: skip
        assert df.rdd.getNumPartitions() == 2  # local[2]: rows 0–1 and rows 2–3
    data = as_partitioned(df, target="y", sparse=("indices", "values", 3))
    with pytest.raises(DistributedDataError, match=message):
        data.reduce(_statistics)


def test_csr_from_pandas_objects_and_arrow_agree():
    frame = _frame(*GOOD)
    from_objects = csr_from_lists(frame["indices"], frame["values"], 3, partition=0)
    arrow = frame.astype({"indices": pd.ArrowDtype(pa.list_(pa.int32())),
                          "values": pd.ArrowDtype(pa.list_(pa.float64()))})  # fmt: skip
    from_arrow = csr_from_lists(arrow["indices"], arrow["values"], 3, partition=0)
    expected = [[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]
    assert from_objects.toarray().tolist() == expected == from_arrow.toarray().tolist()


def test_setup_errors(sets, tmp_path):
    import dask.dataframe as dd

    df = dd.from_pandas(_frame(*GOOD), npartitions=1)  # object columns become strings
    with pytest.raises(ValueError, match="Dask converted its lists to strings"):
        as_partitioned(df, target="y", sparse=("indices", "values", 3))
    with pytest.raises(ValueError, match="needs the number of columns"):
        as_partitioned(df, target="y", sparse=("indices", "values", None))
    with pytest.raises(ValueError, match="cannot be combined"):
        as_partitioned(df, target="y", features=["y"], sparse=("indices", "values", 3))
    table = pa.table({"indices": pa.array([[0]]), "values": pa.array([[1.0]]), "y": [1.0]})
    pq.write_table(table, tmp_path / "plain.parquet")
    with pytest.raises(ValueError, match="no 'n_features' in its Parquet metadata"):
        read_parquet(tmp_path / "plain.parquet", "y", sparse=("indices", "values", None))
    names = [f"word{j}" for j in range(30)]
    data = read_parquet(sets["narrow"], "y", sparse=("indices", "values", names))
    assert data.feature_names == names


def _weighted(block):
    return block.X.T @ (block.weights() * block.y)


def test_weights_reach_the_blocks(engine):
    name, session = engine
    frame = _two_partitions(GOOD).assign(w=[0.5, 1.0, 2.0, 4.0])
    if name == "dask":
        import dask.dataframe as dd

        frame = frame.astype({"indices": pd.ArrowDtype(pa.list_(pa.int64())),
                              "values": pd.ArrowDtype(pa.list_(pa.float64()))})  # fmt: skip
        df = dd.from_pandas(frame, npartitions=2, sort=False)
    else:
        df = session.createDataFrame(frame.assign(
            indices=[a.tolist() for a in frame["indices"]],
            values=[a.tolist() for a in frame["values"]]))  # fmt: skip
    data = as_partitioned(
        df, target="y", weight="w", sparse=("indices", "values", ["a", "b", "c"])
    )
    # rows (1, 0, 2), (0, 3, 0) twice; y = 0, 1, 0, 1; weights 0.5, 1, 2, 4
    assert data.reduce(_weighted).tolist() == [0.0, 15.0, 0.0]
    assert data.feature_names == ["a", "b", "c"]
