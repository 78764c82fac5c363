"""What the Spark engine's Python workers run: a partition's Arrow record batches become a
checked :class:`~shrinkage.distributed.blocks.Block`, a block function's result (or its
error) is pickled, and kept blocks are stored in pieces and reassembled.

The driver side (selecting the columns, starting the jobs, combining the results) is
:mod:`shrinkage.distributed.engines.spark_blocks`.
"""

from __future__ import annotations

import pickle
import traceback

import numpy as np

from ..blocks import DistributedDataError, make_block

RESULT_SCHEMA = "partition long, payload binary"
PIECES_SCHEMA = "partition long, piece long, payload binary"


def one_hot(column, name, categories, partition):
    """The (m, len(categories)) indicator matrix of an Arrow string column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = pc.index_in(column, value_set=pa.array(categories, type=column.type))
    unknown = codes.is_null()
    if pc.any(unknown).as_py():
        value = pc.filter(column, unknown)[0].as_py()
        what = "a missing (null) value" if value is None else f"category {value!r}"
        raise DistributedDataError(
            f"partition {partition}, column {name!r}: {what} not among the categories "
            f"found when the columns were set up {list(categories)}; build the SparkBlocks "
            "again from the current data."
        )
    codes = codes.to_numpy(zero_copy_only=False)
    indicators = np.zeros((codes.size, len(categories)))
    indicators[np.arange(codes.size), codes] = 1.0
    return indicators


def partition_block(table, layout, names, has_weight, partition):
    """The checked Block of one partition's Arrow table (features, target, weight)."""
    X = np.empty((table.num_rows, len(names)))
    j = 0
    for i, (name, categories) in enumerate(layout):
        column = table.column(i)
        if categories is None:
            X[:, j] = column.to_numpy()  # nulls become NaN: make_block names the column
            j += 1
        else:
            X[:, j : j + len(categories)] = one_hot(column, name, categories, partition)
            j += len(categories)
    y = table.column(len(layout)).to_numpy()
    weights = table.column(len(layout) + 1).to_numpy() if has_weight else None
    return make_block(X, y, weights, partition, names)


def outcome(compute) -> bytes:
    """``compute()`` pickled as ("ok", value), or as ("error", exception, worker traceback).

    Errors travel as data rather than failing the Spark task: a data error is
    deterministic, so Spark's task retries would only repeat it, and the driver re-raises
    the exception itself instead of Spark's wrapped text.
    """
    try:
        return pickle.dumps(("ok", compute()), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:
        text = traceback.format_exc()
        try:
            payload = pickle.dumps(("error", exc, text))
            pickle.loads(payload)
        except Exception:  # an exception that does not survive pickling: its text does
            payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}"), text))
        return payload


def partition_batches(batches):
    """The partition's id and its record batches, or None for an empty partition."""
    from pyspark import TaskContext

    batches = list(batches)
    if sum(batch.num_rows for batch in batches) == 0:
        return None
    return TaskContext.get().partitionId(), batches


def reduce_partition(batches, *, function, build):
    """mapInArrow's function: one row (partition id, :func:`outcome` of the function on
    the partition's block) per non-empty partition."""
    import pyarrow as pa

    read = partition_batches(batches)
    if read is None:
        return
    partition, batches = read
    payload = outcome(lambda: function(build(pa.Table.from_batches(batches),
                                              partition=partition)))  # fmt: skip
    yield pa.RecordBatch.from_arrays(
        [pa.array([partition], pa.int64()), pa.array([payload], pa.binary())],
        names=["partition", "payload"],
    )


def pack_partition(batches, *, build, piece_bytes):
    """mapInArrow's function for :meth:`SparkBlocks.kept`: the :func:`outcome` of the
    partition's block, pickled, as rows (partition, piece, bytes) of at most
    ``piece_bytes`` each (the JVM handles a few large values less well than many)."""
    import pyarrow as pa

    read = partition_batches(batches)
    if read is None:
        return
    partition, batches = read
    payload = outcome(lambda: build(pa.Table.from_batches(batches), partition=partition))
    starts = range(0, len(payload), piece_bytes)
    yield pa.RecordBatch.from_arrays(
        [
            pa.array([partition] * len(starts), pa.int64()),
            pa.array(range(len(starts)), pa.int64()),
            pa.array([payload[start : start + piece_bytes] for start in starts], pa.binary()),
        ],
        names=["partition", "piece", "payload"],
    )


def reduce_pieces(rows, *, function):
    """A pass over kept blocks (an RDD partition of :func:`pack_partition`'s rows): the
    blocks reassembled, the function applied, one (partition, outcome) per block."""
    pieces: dict = {}
    for partition, piece, payload in rows:
        pieces.setdefault(partition, []).append((piece, payload))
    for partition, parts in sorted(pieces.items()):
        stored = pickle.loads(b"".join(payload for _, payload in sorted(parts)))
        if stored[0] == "error":  # the block could not be built: its error, as it came
            yield partition, pickle.dumps(stored)
        else:
            yield partition, outcome(lambda block=stored[1]: function(block))
