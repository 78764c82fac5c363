"""The Spark engine on local[2]: its reductions equal the in-memory engine's on the same
rows, its one-hot columns, and its errors (bad data named by partition and column)."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (make java-deps)", allow_module_level=True)

from pyspark import cloudpickle  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

from shrinkage.distributed import ArrayBlocks, DistributedDataError, PartitionedData  # noqa: E402
from shrinkage.distributed.engines import as_partitioned  # noqa: E402
from shrinkage.distributed.engines.spark_blocks import SparkBlocks  # noqa: E402

pytestmark = pytest.mark.filterwarnings(
    "ignore:PySpark does not yet fully support pandas:FutureWarning"
)

# the block functions below travel to the workers by value (this module is not importable there)
cloudpickle.register_pickle_by_value(sys.modules[__name__])

COLORS = ["blue", "green", "red"]  # sorted: the one-hot column order


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 60
    return pd.DataFrame(
        {
            "x0": rng.standard_normal(n),
            "x1": rng.standard_normal(n),
            "count": rng.integers(0, 5, n),
            "flag": rng.random(n) < 0.5,
            "color": rng.choice(COLORS, n),
            "y": rng.standard_normal(n),
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def reference(frame):
    """The same rows as ArrayBlocks, one-hot encoded by hand."""
    X = np.column_stack(
        [frame["x0"], frame["x1"], frame["count"], frame["flag"]]
        + [frame["color"] == c for c in COLORS]
    ).astype(float)
    names = ["x0", "x1", "count", "flag"] + [f"color={c}" for c in COLORS]
    return ArrayBlocks(X, frame["y"].to_numpy(), frame["w"].to_numpy(), n_partitions=3,
                       feature_names=names)  # fmt: skip


def weighted_xty(block):
    return block.X.T @ (block.weights() * block.y)


def column_sums(block):
    return block.X.sum(axis=0)


def statistics(block):
    s = block.weights()
    return (block.X.T @ (s[:, None] * block.X), s.sum(), block.n_rows)


def assert_same(left, right):
    for a, b in zip(left, right, strict=True) if isinstance(left, tuple) else [(left, right)]:
        scale = np.abs(np.asarray(b)).max()
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * scale)


@pytest.fixture(scope="module")
def blocks(spark, frame):
    df = spark.createDataFrame(frame).repartition(3).cache()  # passes read memory, not a shuffle
    return SparkBlocks(df, target="y", weight="w")


def test_columns_and_partitions(spark, frame, blocks):
    assert isinstance(blocks, PartitionedData)
    assert blocks.feature_names == reference(frame).feature_names
    assert blocks.n_features == 7
    assert blocks.n_partitions == 3
    dispatched = as_partitioned(spark.createDataFrame(frame), target="y", weight="w")
    assert isinstance(dispatched, SparkBlocks)
    assert dispatched.feature_names == blocks.feature_names


def all_three(block):
    return weighted_xty(block), column_sums(block), statistics(block)


def test_reductions_equal_the_in_memory_engine(frame, blocks):
    passes = blocks.passes
    xty, sums, (gram, weight_sum, rows) = blocks.reduce(all_three)
    assert blocks.passes == passes + 1
    memory = reference(frame)
    assert_same(xty, memory.reduce(weighted_xty))
    assert_same(sums, memory.reduce(column_sums))
    assert_same((gram, weight_sum, rows), memory.reduce(statistics))
    assert rows == 60
    assert weight_sum == pytest.approx(frame["w"].sum(), rel=1e-12)
    assert sums[4:].tolist() == [float((frame["color"] == c).sum()) for c in COLORS]


def test_blocks_are_whole_partitions_and_progress_is_reported(spark, frame):
    seen = []
    data = SparkBlocks(spark.createDataFrame(frame).repartition(3), target="y",
                       features=["x0"], progress=lambda *args: seen.append(args))  # fmt: skip
    partitions = data.reduce(lambda block: {block.partition: block.n_rows}, label="rows")
    assert sorted(partitions) == [0, 1, 2]
    assert sum(partitions.values()) == 60
    (label, seconds), *rest = seen
    assert label == "rows" and seconds > 0 and rest == []


def test_empty_partitions_are_skipped(spark):
    df = spark.createDataFrame(pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})).repartition(5)
    data = SparkBlocks(df, target="y")
    xty, nonempty = data.reduce(lambda block: (block.X.T @ block.y, 1))
    assert xty.tolist() == [11.0] and nonempty <= 2


def test_parquet_directory(spark, frame, tmp_path):
    path = str(tmp_path / "lake")
    spark.createDataFrame(frame).repartition(3).write.parquet(path)
    data = SparkBlocks(spark.read.parquet(path), target="y", weight="w")
    assert data.feature_names == reference(frame).feature_names
    assert_same(data.reduce(statistics), reference(frame).reduce(statistics))


def test_nan_in_a_partition_names_the_column(spark, frame):
    bad = frame.copy()
    bad.loc[17, "x1"] = np.nan
    data = SparkBlocks(spark.createDataFrame(bad).repartition(3), target="y", weight="w")
    with pytest.raises(DistributedDataError, match=r"partition \d, column 'x1'"):
        data.reduce(column_sums)


def test_worker_errors_arrive_as_themselves(blocks):
    def fails(block):
        raise KeyError(f"missing {block.partition}")

    with pytest.raises(KeyError, match="missing 0"):  # the lowest failing partition
        blocks.reduce(fails)


def test_negative_weight_is_a_data_error(spark, frame):
    bad = frame.assign(w=frame["w"] - 1.0)
    data = SparkBlocks(spark.createDataFrame(bad), target="y", weight="w")
    with pytest.raises(DistributedDataError, match="partition"):
        data.reduce(column_sums)


def test_category_unseen_at_construction(spark, tmp_path):
    source = tmp_path / "color.txt"
    source.write_text("red")
    name = str(source)
    color = F.udf(lambda _: open(name).read(), "string").asNondeterministic()
    df = spark.range(4).select(color("id").alias("color"), F.col("id").cast("double").alias("y"))
    data = SparkBlocks(df, target="y")
    assert data.feature_names == ["color=red"]
    source.write_text("purple")
    with pytest.raises(DistributedDataError, match="column 'color'.*'purple'"):
        data.reduce(column_sums)


def test_missing_strings_are_refused(spark):
    df = spark.createDataFrame(pd.DataFrame({"color": ["red", None], "y": [1.0, 2.0]}))
    with pytest.raises(DistributedDataError, match="'color': 1 missing"):
        SparkBlocks(df, target="y")


def test_too_many_categories(spark):
    df = spark.createDataFrame(pd.DataFrame({"id": list("abcd"), "y": np.arange(4.0)}))
    with pytest.raises(ValueError, match="'id' has 4 distinct"):
        SparkBlocks(df, target="y", max_categories=3)
    assert SparkBlocks(df, target="y", max_categories=4).n_features == 4


def test_unsupported_types_are_named(spark):
    df = spark.range(3).select(
        F.array(F.col("id").cast("double")).alias("values"),
        F.current_timestamp().alias("seen"),
        F.col("id").cast("double").alias("y"),
    )
    with pytest.raises(ValueError, match=r"'values' has Spark type array<double>"):
        SparkBlocks(df, target="y")
    with pytest.raises(ValueError, match=r"'seen' has Spark type timestamp"):
        SparkBlocks(df, target="y", features=["seen"])
    with pytest.raises(ValueError, match=r"target column must be numeric"):
        SparkBlocks(df.withColumn("y", F.lit("a")), target="y", features=["seen"])


def test_target_and_columns_must_exist(spark, frame):
    df = spark.createDataFrame(frame)
    with pytest.raises(ValueError, match="target='y'"):
        SparkBlocks(df)
    with pytest.raises(ValueError, match="target column 'price' is not in the DataFrame"):
        SparkBlocks(df, target="price")
    with pytest.raises(ValueError, match="feature column 'x9'"):
        SparkBlocks(df, target="y", features=["x0", "x9"])
    with pytest.raises(ValueError, match="cannot also be features"):
        SparkBlocks(df, target="y", features=["x0", "y"])
    with pytest.raises(ValueError, match="Spark DataFrame, name the target"):
        as_partitioned(df, np.ones(60))


def test_without_java_the_session_error_says_so(tmp_path):
    code = (
        "from shrinkage.distributed.engines.spark_blocks import spark_session\n"
        "try:\n    spark_session('local[1]')\n"
        "except RuntimeError as error:\n    print(error)\n"
    )
    environment = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java")}
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                         text=True, timeout=60).stdout  # fmt: skip
    assert "Spark could not start" in out and "openjdk-17-jre-headless" in out
    environment = {"PATH": str(tmp_path), "HOME": os.environ.get("HOME", "/")}
    out = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True,
                         text=True, timeout=60).stdout  # fmt: skip
    assert "`java` is not on PATH" in out


def test_worker_exit_is_a_python_error(blocks):
    with pytest.raises(RuntimeError, match="failed in a Python worker: SystemExit: bye"):
        blocks.reduce(lambda block: sys.exit("bye"))


def test_worker_crash_is_a_python_error_without_jvm_frames(blocks):
    with pytest.raises(RuntimeError, match="Spark pass 'crash' failed") as info:
        blocks.reduce(lambda block: os._exit(3), label="crash")
    assert "at org.apache" not in str(info.value)


@pytest.mark.parametrize("piece_bytes", [None, 500])
def test_kept_blocks_give_the_same_passes(spark, frame, piece_bytes, monkeypatch):
    """Passes over kept blocks (stored in pieces, reassembled by the workers) equal passes
    over the DataFrame, block for block; the RDD is released afterwards."""
    from shrinkage.distributed.engines import spark_blocks

    if piece_bytes is not None:  # many pieces per block
        monkeypatch.setattr(spark_blocks, "PIECE_BYTES", piece_bytes)
    data = SparkBlocks(spark.createDataFrame(frame).repartition(3), target="y", weight="w")
    outside = data.reduce(all_three)
    rows = data.reduce(lambda block: {block.partition: block.n_rows})
    with data.kept():
        kept = data._kept
        assert data.reduce(lambda block: {block.partition: block.n_rows}) == rows
        inside = data.reduce(all_three)
        with data.kept():  # nested: the same kept blocks
            assert data._kept is kept
        assert kept.is_cached
    assert data._kept is None and not kept.is_cached
    for a, b in zip(inside, outside, strict=True):
        assert_same(a, b)
    assert data.passes == 4


def test_kept_blocks_keep_the_data_errors(spark, frame):
    """A block that cannot be built is kept as its error: every pass over it raises it,
    naming the partition and the column, and a function's error arrives as itself."""
    bad = frame.copy()
    bad.loc[17, "x1"] = np.inf
    data = SparkBlocks(spark.createDataFrame(bad).repartition(3), target="y", weight="w")
    good = SparkBlocks(spark.createDataFrame(frame).repartition(3), target="y", weight="w")
    with data.kept(), good.kept():
        for _ in range(2):
            with pytest.raises(DistributedDataError, match=r"partition \d, column 'x1'"):
                data.reduce(column_sums)

        def fails(block):
            raise KeyError(f"missing {block.partition}")

        with pytest.raises(KeyError, match="missing 0"):
            good.reduce(fails)


def test_read_parquet_resolves_a_relative_path_here_not_in_the_jvm(spark, frame, tmp_path,
                                                                   monkeypatch):  # fmt: skip
    """The JVM runs in the directory it started in; a relative path names a folder of the
    caller's working directory."""
    from shrinkage.distributed import read_parquet

    spark.createDataFrame(frame).repartition(2).write.parquet(str(tmp_path / "lake"))
    monkeypatch.chdir(tmp_path)
    data = read_parquet("lake", "y", engine="spark", weight="w")
    assert_same(data.reduce(statistics), reference(frame).reduce(statistics))
