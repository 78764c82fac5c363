"""Parquet data sets on disk as row blocks of an engine: :func:`read_parquet`."""

from __future__ import annotations

import glob as globbing
import os

from .engines import as_partitioned

__all__ = ["ENGINES", "read_parquet"]

ENGINES = ("dask", "spark")

#: The size Dask aims at for each partition of a Parquet data set (row groups merged or
#: split to about this size).
BLOCK_BYTES = 64 * 1024**2


def _paths(path_or_glob) -> list[str]:
    """The files or directories named, as absolute paths (a glob is expanded here, so a
    missing data set is reported by name before any engine starts; absolute, because a
    running Spark JVM resolves a relative path against its own working directory, which
    need not be this process's)."""
    pattern = os.fspath(path_or_glob)
    paths = sorted(globbing.glob(pattern)) if globbing.has_magic(pattern) else [pattern]
    if not paths or not all(os.path.exists(p) for p in paths):
        raise FileNotFoundError(f"no Parquet file or directory matches {pattern!r}.")
    return [os.path.abspath(path) for path in paths]


def _metadata_n_features(paths) -> int:
    """p from the key ``n_features`` of the first Parquet file's metadata."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    files = ds.dataset(paths[0], format="parquet").files
    metadata = (pq.read_schema(files[0]).metadata or {}) if files else {}
    if b"n_features" not in metadata:
        raise ValueError(
            f"{paths[0]!r} has no 'n_features' in its Parquet metadata: pass the number of "
            "columns, sparse=(indices, values, n_features)."
        )
    return int(metadata[b"n_features"])


def _parquet_size(paths) -> tuple[int, int]:
    """Rows and uncompressed bytes of the Parquet files under ``paths`` (their footers)."""
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    rows = size = 0
    for path in paths:
        for name in ds.dataset(path, format="parquet").files:
            metadata = pq.ParquetFile(name).metadata
            rows += metadata.num_rows
            size += sum(metadata.row_group(i).total_byte_size
                        for i in range(metadata.num_row_groups))  # fmt: skip
    return rows, size


def read_parquet(path_or_glob, target, *, engine="dask", weight=None, features=None,
                 sparse=None, spark=None):  # fmt: skip
    """A Parquet file, directory or glob as the row blocks of Dask or Spark.

    Nothing is read but the schema and the files' footers (and, for Spark, the categories
    of string columns):
    the fits read the data in passes. Pass the result to any estimator's ``fit``, to
    :func:`shrinkage.path` or to the CV classes in place of ``X`` (with ``y=None``).

    Parameters
    ----------
    path_or_glob : str or path-like
        A ``.parquet`` file, a directory of them (a Parquet "lake", partitioned
        directories included), or a glob such as ``"data/part-*.parquet"``.
    target : str
        The target column.
    engine : {"dask", "spark"}
        Dask reads with ``dask.dataframe.read_parquet`` on the active
        ``distributed.Client`` (or Dask's default scheduler); Spark with
        ``spark.read.parquet`` on the active SparkSession (or ``spark``).
    weight : str, optional
        A column of sample weights.
    features : sequence of str, optional
        The feature columns (default: every column but ``target`` and ``weight``).
    sparse : tuple (indices, values, n_features), optional
        The data set is in the CSR row layout (one row per sample: a list of sorted
        column indices and a list of values): the two list columns and p, or the p
        feature names; with ``n_features=None``, p is read from the key ``n_features``
        of the first file's Parquet metadata. Each partition becomes a CSR block.
    spark : pyspark.sql.SparkSession, optional
        The session to read with (default: the active one, else a new local one).

    Returns
    -------
    PartitionedData
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, got {engine!r}.")
    paths = _paths(path_or_glob)
    if sparse is not None and len(sparse) == 3 and sparse[2] is None:
        sparse = (*sparse[:2], _metadata_n_features(paths))
    if engine == "dask":
        import dask.dataframe as dd

        arrow = {} if sparse is None else {"dtype_backend": "pyarrow"}  # lists as Arrow lists
        # partitions of about BLOCK_BYTES: a worker holds one with its pandas and NumPy
        # copies (Dask's default, 256 MiB, is too much for a worker of 1 GiB)
        frame = dd.read_parquet(paths if len(paths) > 1 else paths[0], blocksize=BLOCK_BYTES,
                                **arrow)  # fmt: skip
    else:
        from pyspark.sql import SparkSession

        session = spark or SparkSession.builder.getOrCreate()
        frame = session.read.parquet(*paths)
    data = as_partitioned(frame, target=target, weight=weight, features=features, sparse=sparse)
    if engine == "dask":  # the size the kept blocks would have (DaskBlocks.kept)
        rows, size = _parquet_size(paths)
        data.memory_bytes = size if sparse is not None else 8 * rows * (data.n_features + 2)
    return data
