"""One fold's rows of partitioned data: cross-validation for the algorithms that need more
than sufficient statistics (wide data, the logistic loss).

:class:`FoldView` is itself a :class:`~shrinkage.distributed.blocks.PartitionedData`: its
reductions run on the underlying data and keep, in every block, the training rows of a
fold (or its held-out rows). The folds are those of
:func:`~shrinkage.distributed.statistics.fold_of_rows`, a seeded hash of each row's
position, so they are the same in every pass and agree with the fold statistics of the
tall-data CV.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .blocks import Block
from .statistics import fold_of_rows

__all__ = ["FoldView"]


def _rows_of_fold(function, fold, n_folds, seed, held_out, block):
    """``function`` on the rows of ``block`` in (``held_out``) or out of ``fold``; None
    when there are none."""
    folds = fold_of_rows(block.partition, block.n_rows, n_folds, seed)
    rows = np.flatnonzero((folds == fold) == held_out)
    if rows.size == 0:
        return None
    weights = None if block.sample_weight is None else block.sample_weight[rows]
    return function(Block(block.X[rows], block.y[rows], weights, block.partition))


class FoldView:
    """The training (or held-out) rows of fold ``fold`` of ``n_folds``.

    Parameters
    ----------
    data : PartitionedData
    fold, n_folds, seed : int
    held_out : bool
        Keep the fold's own rows instead of the others.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> data = ArrayBlocks(np.ones((100, 2)), np.ones(100), n_partitions=3)
    >>> rows = [FoldView(data, k, 5, 0, held_out=True).reduce(lambda b: b.n_rows)
    ...         for k in range(5)]
    >>> sum(rows)
    100
    """

    def __init__(self, data, fold, n_folds, seed, *, held_out=False):
        self.data, self.fold, self.n_folds, self.seed = data, int(fold), int(n_folds), seed
        self.held_out = bool(held_out)

    @property
    def n_features(self) -> int:
        return self.data.n_features

    @property
    def feature_names(self) -> list[str]:
        return self.data.feature_names

    @property
    def n_partitions(self) -> int:
        return self.data.n_partitions

    def reduce(self, function, *, label="pass"):
        """One pass of the underlying data, on this fold's rows."""
        where = "held-out" if self.held_out else "training"
        return self.data.reduce(
            partial(_rows_of_fold, function, self.fold, self.n_folds, self.seed,
                    self.held_out),
            label=f"{label} ({where} rows of fold {self.fold + 1}/{self.n_folds})",
        )  # fmt: skip
