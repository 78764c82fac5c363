"""The engines that keep data as row blocks, and the one place that recognises them.

:func:`as_partitioned` turns what a user passes (a Dask array or DataFrame, a Spark
DataFrame, or an engine object already) into a
:class:`~shrinkage.distributed.blocks.PartitionedData`; in-memory data stays in memory
(None). Dask and Spark are imported only when such data is passed.
"""

from __future__ import annotations

import sys

from ..blocks import PartitionedData

__all__ = ["as_partitioned", "is_distributed"]


def _is_dask(obj) -> bool:
    module = type(obj).__module__ or ""
    return "dask" in sys.modules and module.startswith(("dask.", "dask_expr"))


def _is_spark(obj) -> bool:
    module = type(obj).__module__ or ""
    return "pyspark" in sys.modules and module.startswith("pyspark.")


def is_distributed(X) -> bool:
    """Whether ``X`` is data of an engine (Dask, Spark, or a PartitionedData)."""
    return isinstance(X, PartitionedData) or _is_dask(X) or _is_spark(X)


def as_partitioned(X, y=None, sample_weight=None, *, target=None, weight=None,
                   features=None, sparse=None):  # fmt: skip
    """The :class:`PartitionedData` of ``X`` (and ``y``), or None for in-memory data.

    Parameters
    ----------
    X : dask.array.Array, dask.dataframe.DataFrame, pyspark.sql.DataFrame or PartitionedData
        A Dask array of shape (n, p) chunked along rows only (it is rechunked to one
        column chunk otherwise), or a DataFrame whose feature columns are ``features``
        (default: every column but ``target`` and ``weight``).
    y, sample_weight : dask.array.Array, optional
        With a Dask array X: partitioned like X (the same rows in each chunk).
    target, weight : str, optional
        With a DataFrame: the names of the target and weight columns (then y and
        sample_weight are not given).
    features : sequence of str, optional
    sparse : tuple (indices, values, n_features), optional
        With a DataFrame in the CSR row layout (one row per sample: a list of column
        indices and a list of values): the two list columns and p, or the p feature names
        (:func:`~shrinkage.distributed.engines.sparse_rows.sparse_rows`). Each partition
        becomes a CSR block; no other feature columns.
    """
    if isinstance(X, PartitionedData):
        if any(v is not None for v in (y, sample_weight, target, sparse)):
            raise ValueError("a PartitionedData already holds its target and weights.")
        return X
    if _is_dask(X):
        from .dask_blocks import DaskBlocks

        return DaskBlocks(X, y, sample_weight, target=target, weight=weight,
                          features=features, sparse=sparse)  # fmt: skip
    if _is_spark(X):
        from .spark_blocks import SparkBlocks

        if y is not None or sample_weight is not None:
            raise ValueError(
                "with a Spark DataFrame, name the target (and weight) columns: "
                "target='y', weight='w'; y and sample_weight arrays cannot be aligned."
            )
        return SparkBlocks(X, target=target, weight=weight, features=features, sparse=sparse)
    return None
