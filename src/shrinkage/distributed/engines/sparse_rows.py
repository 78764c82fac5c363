"""The CSR row layout: sparse rows stored as two list columns, read as CSR blocks.

A sparse data set on disk or in a DataFrame keeps one row per sample: a list of column
indices (integers in [0, p)) and a list of values of the same length, beside the target
(and weight) columns. Concatenating a partition's lists gives the CSR ``indices`` and
``data`` of its block and the list offsets its ``indptr``: :func:`csr_from_lists` builds
the ``scipy.sparse.csr_matrix`` from an Arrow ``ListArray`` without a Python loop over
rows. Dask partitions (pyarrow-backed list columns, or object columns of arrays) and the
Arrow batches of Spark's ``mapInArrow`` both go through it, via :class:`SparseRows`.

Examples
--------
>>> import pyarrow as pa
>>> indices = pa.array([[0, 2], [], [1]], pa.list_(pa.int32()))
>>> values = pa.array([[1.0, 2.0], [], [3.0]])
>>> csr_from_lists(indices, values, 3, partition=0).toarray().tolist()
[[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [0.0, 3.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..blocks import DistributedDataError, make_block

__all__ = ["ColumnNames", "SparseRows", "csr_from_lists", "sparse_rows"]


class ColumnNames(Sequence):
    """The names ``x0 … x{p-1}`` without a list of p strings (p may be 10⁶).

    >>> names = ColumnNames(3)
    >>> len(names), names[2], list(names)
    (3, 'x2', ['x0', 'x1', 'x2'])
    """

    def __init__(self, n_features: int):
        self._n = int(n_features)

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(self._n))]
        if not -self._n <= j < self._n:
            raise IndexError(f"column {j} out of range for {self._n} columns.")
        return f"x{j % self._n}"


def _list_array(column, name, partition):
    """One Arrow list array (chunks combined) of a column: an Arrow array, a chunked
    array, or a pandas Series (pyarrow-backed, or objects holding arrays or lists)."""
    import pyarrow as pa

    if not isinstance(column, pa.Array | pa.ChunkedArray):
        column = pa.array(column, from_pandas=True)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not (pa.types.is_list(column.type) or pa.types.is_large_list(column.type)):
        raise DistributedDataError(
            f"partition {partition}, column {name!r}: expected lists (the CSR row layout), "
            f"got {column.type}."
        )
    if column.null_count:
        raise DistributedDataError(
            f"partition {partition}, column {name!r}: a missing (null) list; write an empty "
            "list for a row without entries."
        )
    return column


def _offsets(array) -> np.ndarray:
    offsets = array.offsets.to_numpy().astype(np.int64)
    return offsets - offsets[0]


def csr_from_lists(indices, values, n_features, partition, names=("indices", "values")):
    """The (m, n_features) CSR matrix of a partition's index and value lists.

    Parameters
    ----------
    indices, values : pyarrow list arrays, chunked arrays or pandas Series of lists
        Row i holds the column indices and the values of its non-zero entries.
    n_features : int
    partition : int
        Named in error messages.
    names : pair of str
        The two columns' names, for error messages.

    Raises
    ------
    DistributedDataError
        A row whose two lists differ in length, an index outside [0, n_features), a null
        list or a null index (each naming the partition and the row). A null value
        becomes NaN, which :func:`~shrinkage.distributed.blocks.make_block` reports.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    where = f"partition {partition}"
    indices = _list_array(indices, names[0], partition)
    values = _list_array(values, names[1], partition)
    if len(indices) != len(values):
        raise DistributedDataError(f"{where}: {len(indices)} index lists but {len(values)} "
                                   "value lists.")  # fmt: skip
    indptr, value_offsets = _offsets(indices), _offsets(values)
    if not np.array_equal(indptr, value_offsets):
        row = int(np.argmax(np.diff(indptr) != np.diff(value_offsets)))
        raise DistributedDataError(
            f"{where}, row {row}: {indptr[row + 1] - indptr[row]} indices in {names[0]!r} but "
            f"{value_offsets[row + 1] - value_offsets[row]} values in {names[1]!r}; the two "
            "lists of a row must have the same length."
        )
    columns = indices.flatten()
    if columns.null_count:
        row = int(np.searchsorted(indptr, np.argmax(columns.is_null()), side="right") - 1)
        raise DistributedDataError(f"{where}, row {row}: a missing (null) column index.")
    columns = columns.to_numpy()
    outside = (columns < 0) | (columns >= n_features)
    if outside.any():
        k = int(np.argmax(outside))
        row = int(np.searchsorted(indptr, k, side="right") - 1)
        raise DistributedDataError(
            f"{where}, row {row}: column index {int(columns[k])} in {names[0]!r} is outside "
            f"[0, {n_features}); is n_features right?"
        )
    data = values.flatten().cast(pa.float64())
    data = (pc.fill_null(data, np.nan) if data.null_count else data).to_numpy()
    return sp.csr_matrix((data, columns.astype(np.int32 if n_features < 2**31 else np.int64),
                          indptr), shape=(len(indices), n_features))  # fmt: skip


@dataclass(frozen=True)
class SparseRows:
    """How the columns of a partition in the CSR row layout become a block.

    Attributes
    ----------
    indices, values : str
        The list columns.
    n_features : int
    names : tuple of str or None
        The feature names, None for ``x0 … x{p-1}``.
    target : str
    weight : str or None
    """

    indices: str
    values: str
    n_features: int
    names: tuple | None
    target: str
    weight: str | None = None

    @property
    def feature_names(self) -> Sequence[str]:
        return ColumnNames(self.n_features) if self.names is None else self.names

    @property
    def columns(self) -> list[str]:
        """The columns read: the two lists, the target, the weight if any."""
        return [self.indices, self.values, self.target] + ([self.weight] if self.weight else [])

    def block(self, indices, values, y, weights, partition):
        """The checked block of one partition's columns (None when it has no rows)."""
        if len(y) == 0:
            return None
        X = csr_from_lists(indices, values, self.n_features, partition,
                           (self.indices, self.values))  # fmt: skip
        return make_block(X, np.asarray(y, dtype=np.float64),
                          None if weights is None else np.asarray(weights, dtype=np.float64),
                          partition, self.feature_names)  # fmt: skip

    def pandas_block(self, frame, partition):
        """The block of a pandas partition (Dask)."""

        def floats(name):
            return frame[name].to_numpy(dtype=np.float64, na_value=np.nan)

        weights = None if self.weight is None else floats(self.weight)
        return self.block(frame[self.indices], frame[self.values], floats(self.target),
                          weights, partition)  # fmt: skip

    def arrow_block(self, table, partition):
        """The block of an Arrow table whose columns are :attr:`columns`, in order (Spark)."""

        def floats(k):
            return table.column(k).to_numpy()  # nulls become NaN: make_block names them

        weights = floats(3) if self.weight is not None else None
        return self.block(table.column(0), table.column(1), floats(2), weights, partition)


def sparse_rows(sparse, target, weight=None, features=None) -> SparseRows:
    """The :class:`SparseRows` of an engine's ``sparse=`` argument.

    Parameters
    ----------
    sparse : tuple (indices, values, n_features)
        The two list columns and the number of columns p, or a sequence of the p feature
        names (default names ``x0 … x{p-1}``).
    target, weight : str
    features : None
        Other feature columns beside the sparse ones are not supported.

    Examples
    --------
    >>> layout = sparse_rows(("indices", "values", 4), target="y")
    >>> layout.columns, list(layout.feature_names)
    (['indices', 'values', 'y'], ['x0', 'x1', 'x2', 'x3'])
    """
    if target is None:
        raise ValueError("with sparse rows, name the target column: target='y'.")
    if features is not None:
        raise ValueError("sparse= and features= cannot be combined: the features of sparse "
                         "rows are the columns of the two lists.")  # fmt: skip
    if isinstance(sparse, str) or len(sparse) != 3:
        raise ValueError(f"sparse must be (indices, values, n_features), got {sparse!r}.")
    indices, values, size = sparse
    if size is None:
        raise ValueError(
            f"sparse={tuple(sparse)!r} needs the number of columns: pass it as the third "
            "item, or read the data with shrinkage.distributed.read_parquet, which takes "
            "it from the Parquet metadata key 'n_features'."
        )
    names = None
    if not isinstance(size, int | np.integer):
        names = tuple(str(name) for name in size)
        size = len(names)
    if int(size) < 1:
        raise ValueError(f"n_features must be positive, got {size}.")
    named = [indices, values, target] + ([] if weight is None else [weight])
    if len(set(named)) != len(named):
        raise ValueError("the index, value, target and weight columns must be distinct.")
    return SparseRows(str(indices), str(values), int(size), names, target, weight)
