"""Row blocks: what every distributed engine hands to the algorithms, and how it is checked.

A distributed data set is a sequence of row blocks (a Dask chunk or partition, a Spark
partition, a slice of an in-memory array). An algorithm never sees the engine: it asks for
a *reduction*, a picklable function applied to every :class:`Block` whose results are
combined (:func:`combine`), and gets the combined value back on the driver. One reduction
is one pass over the data.

Every block is built by :func:`make_block`, so the checks are the same on every engine:
finite values (an error names the partition and the column), matching lengths of X, y and
the sample weights, non-negative weights.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp

__all__ = [
    "Block",
    "BlockFunction",
    "DistributedDataError",
    "Engine",
    "PartitionedData",
    "combine",
    "combine_all",
    "make_block",
]


class DistributedDataError(ValueError):
    """Bad data met while reading a block (non-finite value, mismatched lengths, an
    unusable column); the message names the partition and the column."""


@dataclass(frozen=True, eq=False)
class Block:
    """One block of rows.

    Attributes
    ----------
    X : ndarray of shape (m, p), float64, or scipy.sparse.csr_matrix
    y : ndarray of shape (m,), float64
    sample_weight : ndarray of shape (m,) or None
        Raw (not normalised) weights; None means all ones.
    partition : int
        The block's index in the data set (stable between passes: fold assignment and
        error messages use it).
    """

    X: np.ndarray | sp.csr_matrix
    y: np.ndarray
    sample_weight: np.ndarray | None
    partition: int

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]

    def weights(self) -> np.ndarray:
        """The sample weights, ones when none were given."""
        return np.ones(self.n_rows) if self.sample_weight is None else self.sample_weight


class BlockFunction(Protocol):
    """A picklable function of one block (a module-level function, or a
    ``functools.partial`` of one with NumPy arguments)."""

    def __call__(self, block: Block) -> Any: ...


@runtime_checkable
class PartitionedData(Protocol):
    """Data kept as row blocks by some engine (:mod:`shrinkage.distributed.engines`)."""

    @property
    def n_features(self) -> int:
        """p, the number of feature columns (after any one-hot encoding)."""

    @property
    def feature_names(self) -> list[str]:
        """The names of the p columns."""

    @property
    def n_partitions(self) -> int:
        """How many row blocks one pass reads."""

    def reduce(self, function: BlockFunction, *, label: str = "pass") -> Any:
        """``combine`` of ``function(block)`` over all blocks: one pass over the data.

        Blocks without rows are skipped. ``label`` names the pass in progress output.
        Errors raised by ``function`` reach the caller as themselves (an engine that
        wraps worker errors unwraps them), so a :class:`DistributedDataError` from a
        worker arrives with its message.
        """


class Engine:
    """What every engine shares: the feature names, the count of passes run so far (the
    tests and benchmarks count data passes) and the optional progress hook, called as
    ``progress(label, seconds)`` after each pass (an attribute: the command line sets it).

    A subclass sets ``_names`` and implements ``_reduce(function, label)``.
    """

    _names: list
    passes = 0
    progress = None

    @property
    def n_features(self) -> int:
        return len(self._names)

    @property
    def feature_names(self) -> list[str]:
        return list(self._names)

    def reduce(self, function, *, label="pass"):
        """One pass: ``function`` on every block, combined (see :class:`PartitionedData`)."""
        self.passes += 1
        start = time.perf_counter()
        result = self._reduce(function, label)
        if self.progress is not None:
            self.progress(label, time.perf_counter() - start)
        return result

    @contextmanager
    def kept(self):
        """While the block is open, an algorithm of many passes may have the engine keep
        the rows in the cluster's memory (spilling to disk) rather than read the source
        again on every pass; the engine releases them afterwards. Nothing here: a subclass
        that can keep its rows overrides it."""
        yield self


def combine(left, right):
    """The sum of two block results: arrays and numbers add, tuples and lists combine
    element by element, objects with a ``merge`` method merge, None is the identity."""
    if left is None:
        return right
    if right is None:
        return left
    if hasattr(left, "merge"):
        return left.merge(right)
    if isinstance(left, tuple | list):
        if len(left) != len(right):
            raise ValueError("block results of different lengths cannot be combined.")
        return type(left)(combine(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, dict):
        return {key: combine(left.get(key), right.get(key)) for key in left.keys() | right}
    return left + right


def combine_all(results):
    """:func:`combine` over a sequence, pairwise as a balanced tree (fewer rounding
    errors than a running sum, and the order engines use)."""
    results = [r for r in results if r is not None]
    if not results:
        return None
    while len(results) > 1:
        results = [combine(*results[i : i + 2]) if i + 1 < len(results) else results[i]
                   for i in range(0, len(results), 2)]  # fmt: skip
    return results[0]


def _column_name(names, j):
    return repr(names[j]) if names is not None and j < len(names) else f"{j}"


def make_block(X, y, sample_weight, partition, feature_names=None) -> Block:
    """Check one block's arrays and build the :class:`Block` (float64 data).

    Raises
    ------
    DistributedDataError
        A NaN or infinite entry (naming the partition and the first such column), a
        target or weight of another length than X, a negative or non-finite weight.
    """
    where = f"partition {partition}"
    if sp.issparse(X):
        X = sp.csr_matrix(X, dtype=np.float64)
        values, columns = X.data, X.indices
        bad = ~np.isfinite(values)
        if bad.any():
            column = int(columns[np.argmax(bad)])
            raise DistributedDataError(
                f"{where}, column {_column_name(feature_names, column)}: NaN or infinite "
                "value in X; clean or impute the data first."
            )
    else:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X.reshape(-1, 1)
        if X.ndim != 2:
            raise DistributedDataError(f"{where}: X must be 2-D, got {X.ndim}-D.")
        finite = np.isfinite(X)
        if not finite.all():
            column = int(np.argmax(~finite.all(axis=0)))
            raise DistributedDataError(
                f"{where}, column {_column_name(feature_names, column)}: NaN or infinite "
                "value in X; clean or impute the data first."
            )
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise DistributedDataError(
            f"{where}: X has {X.shape[0]} rows but y has {y.shape[0]}: X and y must be "
            "partitioned alike (the same rows in each partition)."
        )
    if not np.isfinite(y).all():
        raise DistributedDataError(f"{where}: NaN or infinite value in the target.")
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if sample_weight.shape[0] != X.shape[0]:
            raise DistributedDataError(
                f"{where}: X has {X.shape[0]} rows but sample_weight has {sample_weight.shape[0]}."
            )
        if not np.isfinite(sample_weight).all() or (sample_weight < 0).any():
            raise DistributedDataError(f"{where}: sample weights must be finite and non-negative.")
    return Block(X, y, sample_weight, int(partition))
