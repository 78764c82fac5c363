"""Dask row blocks: a Dask array or DataFrame reduced block by block on a Dask cluster.

Each reduction is one graph: a task per row block (build the checked
:class:`~shrinkage.distributed.blocks.Block`, apply the function) and a balanced tree of
:func:`~shrinkage.distributed.blocks.combine` tasks, paired as
:func:`~shrinkage.distributed.blocks.combine_all` pairs them, so results agree with
:class:`~shrinkage.distributed.engines.memory.ArrayBlocks` on the same partitioning up to
the rounding of BLAS kernels, which depends on where an array lies in memory. (Empty
DataFrame partitions, whose sizes are unknown until read, give None, the identity of
``combine``, and shift the pairing.) Only the combined value comes back to the driver.
The graph runs on the active ``distributed.Client`` when there is one (lost tasks of a
dead worker are recomputed), else on Dask's default scheduler. During an algorithm of many
passes (:meth:`DaskBlocks.kept`) the built blocks stay on the workers when they fit in a
fraction :data:`KEEP_FRACTION` of the cluster's memory, so a pass costs the arithmetic
rather than a read of the source.

DataFrame columns become floats: numeric and bool columns as they are, categorical
columns with known categories one-hot encoded with one column per category (named
``"column=category"``, no reference level dropped: the penalty, not a dropped level,
resolves the collinearity with the intercept). A DataFrame in the CSR row layout
(``sparse=``, :mod:`~shrinkage.distributed.engines.sparse_rows`) gives CSR blocks.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..blocks import DistributedDataError, Engine, combine, make_block
from .sparse_rows import SparseRows, sparse_rows

__all__ = ["KEEP_FRACTION", "DaskBlocks", "SchedulerUnreachableError", "connect"]

#: Blocks are kept on the workers between passes only when their estimated size is at
#: most this fraction of the workers' summed memory limits: the rest is the workers'
#: room for the pass itself (Dask pauses a worker at 80 % of its limit).
KEEP_FRACTION = 0.5


class SchedulerUnreachableError(ConnectionError):
    """No Dask scheduler answered at the given address in time."""


def connect(address: str, timeout: float = 10):
    """A ``distributed.Client`` connected to the scheduler at ``address``.

    The client becomes the default one, so later reductions run on that cluster.

    Raises
    ------
    SchedulerUnreachableError
        When no scheduler answers within ``timeout`` seconds (or the address is malformed).

    Examples
    --------
    >>> connect("tcp://127.0.0.1:1", timeout=0.5)
    Traceback (most recent call last):
    ...
    shrinkage.distributed.engines.dask_blocks.SchedulerUnreachableError: cannot reach the Dask scheduler at tcp://127.0.0.1:1 within 0.5 s.
    """  # noqa: E501
    from distributed import Client

    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError):
        message = f"cannot reach the Dask scheduler at {address} within {timeout:g} s."
        raise SchedulerUnreachableError(message) from None


def _active_client():
    """The default ``distributed.Client``, or None without one (or without distributed)."""
    try:
        from distributed import default_client
    except ImportError:
        return None
    try:
        return default_client()
    except ValueError:
        return None


@dataclass(frozen=True)
class _FrameLayout:
    """How the pandas partitions of a DataFrame become blocks: the target and weight
    columns, and the feature columns with their categories (None for a numeric column)."""

    target: str
    weight: str | None
    columns: tuple[tuple[str, tuple | None], ...]
    feature_names: tuple[str, ...]


def _is_numeric(dtype) -> bool:
    return getattr(dtype, "kind", "O") in "biuf"  # bool, integers, floats (nullable too)


def _frame_layout(frame, target, weight, features) -> _FrameLayout:
    """Check the columns of a Dask DataFrame (from its metadata: no pass over the data)."""
    if target is None:
        raise ValueError("with a DataFrame, name the target column: target='y'.")
    features = [c for c in frame.columns if c not in (target, weight)] if features is None \
        else list(features)  # fmt: skip
    missing = [c for c in [target, weight, *features] if c is not None and c not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the DataFrame {list(frame.columns)}.")
    for name in [target] + ([] if weight is None else [weight]):
        if not _is_numeric(frame.dtypes[name]):
            raise ValueError(f"column {name!r} has dtype {frame.dtypes[name]}: the target and "
                             "the weights must be numeric.")  # fmt: skip
    columns, names = [], []
    for name in features:
        dtype = frame.dtypes[name]
        if isinstance(dtype, pd.CategoricalDtype):
            if not frame[name].cat.known:
                raise ValueError(
                    f"column {name!r} is categorical with unknown categories: call "
                    f"df = df.categorize(columns=[{name!r}]) first, so that every partition "
                    "encodes the same columns."
                )
            categories = tuple(frame[name].cat.categories)
            columns.append((name, categories))
            names += [f"{name}={category}" for category in categories]
        elif _is_numeric(dtype):
            columns.append((name, None))
            names.append(str(name))
        else:
            raise ValueError(
                f"column {name!r} has dtype {dtype}: convert it to numeric "
                f"(dd.to_numeric) or to a categorical, df = df.categorize(columns=[{name!r}])."
            )
    return _FrameLayout(target, weight, tuple(columns), tuple(names))


def _floats(series) -> np.ndarray:
    return series.to_numpy(dtype=np.float64, na_value=np.nan)


def _frame_block(frame, partition, layout):
    """The block of one pandas partition (None when it has no rows)."""
    if len(frame) == 0:
        return None
    columns = []
    for name, categories in layout.columns:
        if categories is None:
            columns.append(_floats(frame[name]).reshape(-1, 1))
            continue
        codes = pd.Categorical(frame[name], categories=categories).codes
        if (codes < 0).any():
            raise DistributedDataError(
                f"partition {partition}, column {name!r}: missing value in a categorical "
                "column; fill it (or drop the row) first."
            )
        columns.append((codes[:, None] == np.arange(len(categories))).astype(np.float64))
    X = np.hstack(columns) if columns else np.empty((len(frame), 0))
    weights = None if layout.weight is None else _floats(frame[layout.weight])
    return make_block(X, _floats(frame[layout.target]), weights, partition,
                      layout.feature_names)  # fmt: skip


def _array_block(X, y, sample_weight, partition, feature_names):
    return make_block(X, y, sample_weight, partition, feature_names)


def _apply(function, build, *arguments):
    """One leaf task: build the block and apply the function (None for an empty block)."""
    block = build(*arguments)
    return None if block is None else function(block)


def _reduce_kept(blocks, function):
    """``function`` on the blocks kept on the workers (futures), combined pairwise there.

    Tasks submitted one by one on futures: the scheduler takes them at a fraction of the
    cost of a graph, which for a pass over kept blocks is most of the pass. The function
    goes to the cluster once.
    """
    from distributed import default_client

    client = default_client()
    nodes = [client.submit(_apply_kept, function, block, pure=False) for block in blocks]
    while len(nodes) > 1:  # the pairing of combine_all
        nodes = [client.submit(combine, *nodes[i : i + 2], pure=False) if i + 1 < len(nodes)
                 else nodes[i] for i in range(0, len(nodes), 2)]  # fmt: skip
    return nodes[0].result() if nodes else None


def _apply_kept(function, block):
    """One task of a pass over kept blocks (None for an empty block)."""
    return None if block is None else function(block)


def _cluster_memory(client) -> int:
    """The summed memory limits of the client's workers, 0 when one has no limit."""
    limits = [info.get("memory_limit") or 0
              for info in client.scheduler_info()["workers"].values()]  # fmt: skip
    return 0 if not limits or min(limits) <= 0 else int(sum(limits))


def _rows_like(vector, X, name):
    """``vector`` (NumPy or Dask, length n) as a Dask array chunked along X's rows."""
    import dask.array as da

    if hasattr(vector, "to_dask_array"):  # a Dask Series
        vector = vector.to_dask_array(lengths=True)
    if not isinstance(vector, da.Array):
        vector = da.from_array(np.asarray(vector), chunks=-1)
    vector = vector.reshape(-1) if vector.ndim == 2 and vector.shape[1] == 1 else vector
    if vector.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {vector.shape}.")
    if np.isnan(vector.shape[0]):
        raise ValueError(f"{name} has unknown chunk sizes: call {name}.compute_chunk_sizes().")
    if vector.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but {name} has {vector.shape[0]}.")
    return vector.rechunk((X.chunks[0],))


class DaskBlocks(Engine):
    """A Dask array (with y) or a Dask DataFrame (with a target column) as row blocks.

    Parameters
    ----------
    X : dask.array.Array of shape (n, p) or dask.dataframe.DataFrame
        An array with known row chunks (dense or scipy.sparse chunks; rechunked to one
        column chunk), or a DataFrame whose columns are numeric, bool or categorical with
        known categories.
    y, sample_weight : dask.array.Array or ndarray of shape (n,), optional
        With an array X: rechunked to X's row chunks.
    target, weight : str, optional
        With a DataFrame: the target and weight columns.
    features : sequence of str, optional
        With a DataFrame: the feature columns (default: every other column).
    sparse : tuple (indices, values, n_features), optional
        With a DataFrame in the CSR row layout: its two list columns (pyarrow-backed
        lists, or objects holding arrays) and p, or the p feature names; see
        :func:`~shrinkage.distributed.engines.sparse_rows.sparse_rows`. Each partition
        becomes one CSR block.
    progress : callable, optional
        Called as ``progress(label, seconds)`` after each pass; an attribute, so it can be
        set after construction.

    Attributes
    ----------
    passes : int
        Reductions run so far.
    memory_bytes : int or None
        The estimated size of the blocks in memory (known for a dense array and for
        :func:`~shrinkage.distributed.read_parquet`, from the files' footers), which
        :meth:`kept` compares with the cluster's memory; None when unknown.

    See Also
    --------
    shrinkage.distributed.engines.memory.ArrayBlocks : the same blocks in memory.
    connect : a client for a running scheduler.

    Examples
    --------
    >>> import dask.array as da, numpy as np
    >>> X = da.from_array(np.arange(12.0).reshape(6, 2), chunks=(2, 2))
    >>> data = DaskBlocks(X, np.ones(6))
    >>> data.n_partitions, data.feature_names
    (3, ['x0', 'x1'])
    >>> data.reduce(lambda block: block.X.sum(axis=0)).tolist()
    [30.0, 36.0]
    """

    def __init__(self, X, y=None, sample_weight=None, *, target=None, weight=None,
                 features=None, sparse=None, progress=None):  # fmt: skip
        import dask.array as da
        from dask import delayed

        self.progress = progress
        self.memory_bytes = None
        self._kept = None  # futures of the built blocks while kept()
        if isinstance(X, da.Array):
            if any(v is not None for v in (target, weight, features, sparse)):
                raise ValueError("target=, weight=, features= and sparse= name DataFrame columns; "
                                 "with a Dask array pass y and sample_weight.")  # fmt: skip
            self._init_array(X, y, sample_weight)
        elif hasattr(X, "to_delayed") and hasattr(X, "columns"):
            if y is not None or sample_weight is not None:
                raise ValueError("with a DataFrame, name the target (and weight) columns: "
                                 "target='y', weight='w'.")  # fmt: skip
            if sparse is not None:
                self._init_sparse(X, sparse_rows(sparse, target, weight, features))
                return
            layout = _frame_layout(X, target, weight, features)
            self._names = list(layout.feature_names)
            shared = delayed(layout, traverse=False)
            self._leaves = [(_frame_block, (part, k, shared))
                            for k, part in enumerate(X.to_delayed())]  # fmt: skip
            self._count = X.npartitions
        else:
            raise TypeError(f"expected a Dask array or DataFrame, got {type(X).__name__}.")

    def _init_sparse(self, frame, layout):
        """The CSR blocks of a DataFrame in the CSR row layout (only its columns are read)."""
        from dask import delayed

        _frame_layout(frame, layout.target, layout.weight, [])  # the columns exist, numeric
        for name in (layout.indices, layout.values):
            if name not in frame.columns:
                raise ValueError(f"list column {name!r} is not in the DataFrame "
                                 f"{list(frame.columns)}.")  # fmt: skip
            if isinstance(frame.dtypes[name], pd.StringDtype):
                raise ValueError(
                    f"list column {name!r} has dtype {frame.dtypes[name]}: Dask converted its "
                    "lists to strings; give it a list dtype, pd.ArrowDtype(pa.list_(...)), or "
                    "build the frame under dask.config.set({'dataframe.convert-string': False})."
                )
        self._names = layout.feature_names
        shared = delayed(layout, traverse=False)
        parts = frame[layout.columns].to_delayed()
        self._leaves = [(SparseRows.pandas_block, (shared, part, k))
                        for k, part in enumerate(parts)]  # fmt: skip
        self._count = frame.npartitions

    def _init_array(self, X, y, sample_weight):
        from dask import delayed

        if X.ndim != 2:
            raise ValueError(f"X must be 2-D, got shape {X.shape}.")
        if any(np.isnan(size) for size in X.chunks[0]):
            raise ValueError("X has unknown row chunk sizes: call X.compute_chunk_sizes().")
        if y is None:
            raise ValueError("with a Dask array X, pass the target y.")
        X = X.rechunk({1: -1}) if X.numblocks[1] > 1 else X
        y = _rows_like(y, X, "y")
        weights = None if sample_weight is None else _rows_like(sample_weight, X, "sample_weight")
        self._names = [f"x{j}" for j in range(X.shape[1])]
        shared = delayed(self._names, traverse=False)
        x_parts, y_parts = X.to_delayed().ravel(), y.to_delayed().ravel()
        w_parts = [None] * len(x_parts) if weights is None else weights.to_delayed().ravel()
        self._leaves = [(_array_block, (x_parts[k], y_parts[k], w_parts[k], k, shared))
                        for k, rows in enumerate(X.chunks[0]) if rows > 0]  # fmt: skip
        self._count = X.numblocks[0]
        if isinstance(X._meta, np.ndarray):  # dense chunks: float64 X, y and weights
            self.memory_bytes = 8 * X.shape[0] * (X.shape[1] + 1 + (weights is not None))

    @property
    def n_partitions(self) -> int:
        return self._count

    @contextmanager
    def kept(self):
        """While open, the built blocks stay on the workers (``Client.persist``; Dask
        spills them to disk under memory pressure and recomputes those of a lost worker)
        and every pass reads them there; released afterwards.

        Only with a ``distributed.Client`` and when :attr:`memory_bytes` is known and at
        most :data:`KEEP_FRACTION` of the workers' summed memory limits; otherwise each
        pass reads the source, as outside the block.
        """
        from dask import delayed

        client = _active_client()
        if (
            client is None
            or self.memory_bytes is None
            or self.memory_bytes > KEEP_FRACTION * _cluster_memory(client)
            or self._kept is not None
        ):
            yield self
            return
        self._kept = client.compute([delayed(build, pure=True)(*arguments)
                                     for build, arguments in self._leaves])  # fmt: skip
        try:
            yield self
        finally:
            self._kept = None  # the futures go, and with them the workers' copies

    def _reduce(self, function, label):
        """``function`` on every block, combined pairwise on the cluster."""
        from dask import delayed

        if self._kept is not None:
            return _reduce_kept(self._kept, function)
        shared = delayed(function, traverse=False)
        nodes = [delayed(_apply, pure=True)(shared, build, *arguments)
                 for build, arguments in self._leaves]  # fmt: skip
        while len(nodes) > 1:  # the pairing of combine_all
            nodes = [delayed(combine, pure=True)(*nodes[i : i + 2]) if i + 1 < len(nodes)
                     else nodes[i] for i in range(0, len(nodes), 2)]  # fmt: skip
        client = _active_client()
        if not nodes:
            result = None
        elif client is None:
            result = nodes[0].compute()
        else:
            result = client.compute(nodes[0]).result()
        return result
