"""Spark row blocks: a Spark DataFrame's partitions reduced by Python workers over Arrow.

One reduction is one Spark job: the feature, target and weight columns are selected
(numeric and boolean columns cast to float64 by Spark), ``mapInArrow`` hands each
partition's Arrow record batches to a Python worker, which builds one checked
:class:`~shrinkage.distributed.blocks.Block` per partition, applies the function and sends
back one pickled result. The driver combines the results in partition order, as
:class:`~shrinkage.distributed.engines.memory.ArrayBlocks` does.

A worker holds one partition as a dense float64 matrix (its record batches concatenated),
so a partition should fit a worker's memory several times over: ``repartition`` larger
data into more partitions. An algorithm of many passes keeps the built blocks in Spark
(:meth:`SparkBlocks.kept`); a single pass reads the source. A DataFrame in the CSR row layout
(``sparse=``: ``array<int>`` indices and ``array<double>`` values, see
:mod:`~shrinkage.distributed.engines.sparse_rows`) gives one CSR block per partition,
built from the Arrow list offsets and values.

Examples
--------
The engine needs a Java runtime; ``tests/test_distributed_spark.py`` runs this on
``local[2]``.

>>> import pandas as pd
>>> spark = spark_session("local[2]")  # doctest: +SKIP
>>> frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "color": ["red", "blue", "red"],
...                       "y": [1.0, 0.0, 1.0]})
>>> data = SparkBlocks(spark.createDataFrame(frame), target="y")  # doctest: +SKIP
>>> data.feature_names  # doctest: +SKIP
['x', 'color=blue', 'color=red']
>>> data.reduce(lambda block: block.X.T @ block.y).tolist()  # doctest: +SKIP
[4.0, 0.0, 2.0]
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from functools import partial

from ..blocks import DistributedDataError, Engine, combine_all
from . import spark_worker
from .sparse_rows import sparse_rows

__all__ = ["PIECE_BYTES", "SparkBlocks", "spark_session"]

#: The size of the pieces a kept block is stored in (:meth:`SparkBlocks.kept`).
PIECE_BYTES = 8 * 1024**2
_JAVA_HINT = (
    "Spark needs a Java runtime (17 or later): install one (Debian: `apt-get install "
    "openjdk-17-jre-headless`, or `make java-deps`) or set JAVA_HOME."
)


def spark_session(master: str = "local[*]", *, config: Mapping[str, str] | None = None,
                  app_name: str = "shrinkage"):  # fmt: skip
    """Start (or get the running) SparkSession, with a clear error when Spark cannot start.

    With a local master and no ``PYSPARK_PYTHON`` set, the workers run this interpreter
    (Spark's default is whatever ``python3`` is on PATH, which may lack NumPy or this
    package); the environment is left as it was once the session has started.

    Parameters
    ----------
    master : str
        Spark's master URL, e.g. ``"local[2]"``.
    config : mapping of str to str, optional
        Spark configuration, e.g. ``{"spark.driver.memory": "1g"}``.
    app_name : str

    Raises
    ------
    RuntimeError
        No Java runtime, or the JVM or session failed to start (the cause is chained).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        message = "the Spark engine needs pyspark: pip install 'shrinkage[spark]'."
        raise ImportError(message) from exc
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise RuntimeError(f"Spark cannot start: `java` is not on PATH. {_JAVA_HINT}")
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    python_unset = master.startswith("local") and "PYSPARK_PYTHON" not in os.environ
    if python_unset:
        os.environ["PYSPARK_PYTHON"] = sys.executable
    try:
        return builder.getOrCreate()
    except Exception as exc:
        raise RuntimeError(f"Spark could not start ({exc}). {_JAVA_HINT}") from exc
    finally:
        if python_unset:
            del os.environ["PYSPARK_PYTHON"]


def _feature_kind(name, data_type, role):
    """'number' or 'string' for a usable column; a ValueError naming it otherwise."""
    from pyspark.sql import types

    if isinstance(data_type, types.NumericType | types.BooleanType):
        return "number"
    if isinstance(data_type, types.StringType) and role == "feature":
        return "string"
    usable = "numeric, boolean or string" if role == "feature" else "numeric or boolean"
    remedy = "convert it or leave it out of `features`" if role == "feature" else "cast it"
    raise ValueError(
        f"column {name!r} has Spark type {data_type.simpleString()}; a {role} column must "
        f"be {usable}: {remedy}."
    )


def _quoted(name):
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _collect_categories(df, strings, max_categories):
    """The sorted categories of each string column: one Spark job over those columns."""
    from pyspark.sql import functions as F

    if not strings:
        return {}
    aggregates = []
    for name in strings:
        column = _quoted(name)
        aggregates += [F.collect_set(column), F.count_if(column.isNull())]
    row = df.agg(*aggregates).first()
    categories = {}
    for k, name in enumerate(strings):
        values, nulls = row[2 * k], row[2 * k + 1]
        if nulls:
            raise DistributedDataError(
                f"column {name!r}: {nulls} missing (null) values; fill or drop them first."
            )
        if len(values) > max_categories:
            raise ValueError(
                f"column {name!r} has {len(values)} distinct values, more than "
                f"max_categories={max_categories} one-hot columns: leave it out of "
                "`features` or raise max_categories."
            )
        categories[name] = tuple(sorted(values))
    return categories


def _spark_failure(exc, label):
    """Spark's error for a pass that failed outside the block function's reach (a worker
    that crashed or exited, a JVM error) as a Python error with the worker's message: the
    last line of its Python traceback, otherwise Spark's message without the JVM frames."""
    text = str(exc)
    if "Traceback (most recent call last)" in text:  # a Python worker's traceback
        lines = [line for line in text.splitlines() if line.strip()]
        last = next((line for line in reversed(lines) if ": " in line), lines[-1]).strip()
        return RuntimeError(f"Spark pass {label!r} failed in a Python worker: {last}")
    java = getattr(exc, "java_exception", None)
    text = java.toString() if java is not None else text
    frames = re.compile(r"\s+(at |\.\.\. \d+ more)|Driver stacktrace:")
    lines = [line.strip() for line in text.splitlines() if not frames.match(line)]
    return RuntimeError(f"Spark pass {label!r} failed: " + " ".join(filter(None, lines[:6])))


class SparkBlocks(Engine):
    """A Spark DataFrame as row blocks (one per partition) for the distributed algorithms.

    Parameters
    ----------
    df : pyspark.sql.DataFrame
    target : str
        The target column (numeric or boolean).
    weight : str, optional
        The sample-weight column (numeric; raw weights).
    features : sequence of str, optional
        The feature columns, default every column but ``target`` and ``weight``. Numeric
        and boolean columns become one float64 column each; string columns are one-hot
        encoded, one column ``"name=value"`` per category (sorted, none dropped), with the
        categories collected here by one Spark job over the string columns.
    sparse : tuple (indices, values, n_features), optional
        The DataFrame is in the CSR row layout: its ``array`` columns of column indices
        and of values, and p (or the p feature names); see
        :func:`~shrinkage.distributed.engines.sparse_rows.sparse_rows`. No other
        feature columns then.
    max_categories : int
        The most categories a string column may have (a guard against one-hot encoding
        an identifier into thousands of dense columns).
    progress : callable, optional
        Called as ``progress(label, seconds)`` after every pass.

    Attributes
    ----------
    passes : int
        Reductions run so far (the construction's category job is not counted).

    Raises
    ------
    ValueError
        No target, a column that does not exist, a column of an unusable type (arrays,
        maps, timestamps, vectors...), too many categories.
    DistributedDataError
        Missing values in a string feature.

    See Also
    --------
    shrinkage.distributed.engines.memory.ArrayBlocks : the same protocol in memory.
    spark_session : a SparkSession with a clear error when Java is missing.
    """

    def __init__(self, df, *, target: str | None = None, weight: str | None = None,
                 features: Sequence[str] | None = None, sparse=None,
                 max_categories: int = 1000,
                 progress: Callable[[str, float], None] | None = None):  # fmt: skip
        if target is None:
            raise ValueError("a Spark DataFrame needs its target column named: target='y'.")
        schema = {field.name: field.dataType for field in df.schema.fields}
        self.progress = progress
        self._n_partitions = None
        self._kept = None  # the RDD of kept blocks while kept()
        if sparse is not None:
            self._init_sparse(df, schema, sparse_rows(sparse, target, weight, features))
            return
        if features is None:
            features = [name for name in schema if name not in (target, weight)]
        features = [features] if isinstance(features, str) else list(features)
        roles = [(target, "target")] + ([(weight, "weight")] if weight is not None else [])
        for name, role in roles + [(name, "feature") for name in features]:
            if name not in schema:
                raise ValueError(
                    f"{role} column {name!r} is not in the DataFrame; its columns are "
                    f"{sorted(schema)}."
                )
        if not features or len(set(features)) != len(features):
            raise ValueError(f"features must be distinct column names, got {features}.")
        if {target, weight} & set(features):
            raise ValueError("the target and weight columns cannot also be features.")
        for name, role in roles:
            _feature_kind(name, schema[name], role)
        kinds = {name: _feature_kind(name, schema[name], "feature") for name in features}
        strings = [name for name in features if kinds[name] == "string"]
        categories = _collect_categories(df, strings, int(max_categories))
        self._layout = tuple((name, categories.get(name)) for name in features)
        self._names = [
            name if name not in categories else f"{name}={value}"
            for name in features
            for value in categories.get(name, (None,))
        ]
        columns = [
            _quoted(name) if kinds[name] == "string" else _quoted(name).cast("double")
            for name in features
        ]
        columns += [_quoted(name).cast("double") for name, _ in roles]
        self._selected = df.select(*[c.alias(f"_{k}") for k, c in enumerate(columns)])
        self._build = partial(spark_worker.partition_block, layout=self._layout, names=self._names,
                              has_weight=weight is not None)  # fmt: skip

    def _init_sparse(self, df, schema, layout):
        """Select the list, target and weight columns of the CSR row layout."""
        from pyspark.sql import types

        for name in layout.columns:
            if name not in schema:
                raise ValueError(f"column {name!r} is not in the DataFrame; its columns are "
                                 f"{sorted(schema)}.")  # fmt: skip
        for name, role in zip(layout.columns[2:], ("target", "weight"), strict=False):
            _feature_kind(name, schema[name], role)
        for name, kind in ((layout.indices, types.IntegralType),
                           (layout.values, types.NumericType)):  # fmt: skip
            data_type = schema[name]
            if not (isinstance(data_type, types.ArrayType)
                    and isinstance(data_type.elementType, kind)):  # fmt: skip
                raise ValueError(f"column {name!r} has Spark type {data_type.simpleString()}; "
                                 "sparse rows need array<int> indices and array<double> "
                                 "values.")  # fmt: skip
        casts = ["array<long>", "array<double>", "double", "double"][: len(layout.columns)]
        pairs = zip(layout.columns, casts, strict=True)
        columns = [_quoted(name).cast(cast).alias(f"_{k}") for k, (name, cast) in enumerate(pairs)]
        self._selected = df.select(*columns)
        self._names = layout.feature_names
        self._build = layout.arrow_block

    @property
    def n_partitions(self) -> int:
        """The partitions Spark plans for the DataFrame (asked once, no job runs)."""
        if self._n_partitions is None:
            self._n_partitions = self._selected.rdd.getNumPartitions()
        return self._n_partitions

    @contextmanager
    def kept(self):
        """While open, the built blocks are kept by Spark (an RDD of pickled blocks,
        persisted in memory, then on disk) and every pass reads them there: the source is
        read, and the rows converted to Arrow, once; the blocks are released afterwards.

        A pass over kept blocks moves bytes to the Python workers rather than rows through
        Arrow, several times faster (``benchmarks/README.md``). Spark recomputes a lost
        piece from the source, as it does for any persisted RDD.
        """
        if self._kept is not None:
            yield self
            return
        from pyspark import StorageLevel

        pack = partial(spark_worker.pack_partition, build=self._build, piece_bytes=PIECE_BYTES)
        packed = self._selected.mapInArrow(pack, spark_worker.PIECES_SCHEMA).rdd
        self._kept = packed.map(tuple).persist(StorageLevel.MEMORY_AND_DISK)
        try:
            yield self
        finally:
            self._kept.unpersist()
            self._kept = None

    def _reduce(self, function, label):
        """One Spark job: ``function`` on every partition's block, the results
        combined in partition order.

        An exception raised by ``function`` or by the checks of a block (a
        :class:`~shrinkage.distributed.blocks.DistributedDataError` naming the partition
        and the column) reaches the caller as itself, from the lowest failing partition,
        with the worker's traceback as a note.
        """
        from py4j.protocol import Py4JError
        from pyspark.errors import PythonException

        try:
            if self._kept is None:
                work = partial(spark_worker.reduce_partition, function=function, build=self._build)
                rows = self._selected.mapInArrow(work, spark_worker.RESULT_SCHEMA).collect()
            else:
                work = partial(spark_worker.reduce_pieces, function=function)
                rows = self._kept.mapPartitions(work).collect()
        except (PythonException, Py4JError) as exc:
            raise _spark_failure(exc, label) from exc
        results = []
        for partition, payload in sorted(rows, key=lambda row: row[0]):
            outcome = pickle.loads(payload)
            if outcome[0] == "error":
                error = outcome[1]
                error.add_note(f"raised in Spark partition {partition}:\n{outcome[2]}")
                raise error
            results.append(outcome[1])
        return combine_all(results)
