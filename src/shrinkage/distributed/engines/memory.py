"""In-memory row blocks: NumPy or SciPy data cut into partitions, reduced in this process.

The reference engine: the algorithms of :mod:`shrinkage.distributed` run on it exactly as
on Dask or Spark (same blocks, same reductions, same order of combination), so the tests
compare distributed and in-memory fits on the same data without a cluster.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..blocks import Engine, combine_all, make_block

__all__ = ["ArrayBlocks"]


class ArrayBlocks(Engine):
    """``X``, ``y`` (and ``sample_weight``) split into ``n_partitions`` row blocks.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n, p)
    y : array-like of shape (n,)
    sample_weight : array-like of shape (n,), optional
    n_partitions : int
        Blocks of (nearly) equal size; at most n.
    feature_names : sequence of str, optional

    Examples
    --------
    >>> import numpy as np
    >>> data = ArrayBlocks(np.arange(12.0).reshape(6, 2), np.ones(6), n_partitions=4)
    >>> data.reduce(lambda block: block.X.sum(axis=0)).tolist()
    [30.0, 36.0]
    """

    def __init__(self, X, y, sample_weight=None, *, n_partitions=4, feature_names=None):
        X = sp.csr_matrix(X) if sp.issparse(X) else np.asarray(X)
        n = X.shape[0]
        if int(n_partitions) < 1:
            raise ValueError(f"n_partitions must be at least 1, got {n_partitions!r}.")
        self._X, self._y, self._weights = X, np.asarray(y), sample_weight
        self._bounds = np.linspace(0, n, min(int(n_partitions), max(n, 1)) + 1).astype(int)
        p = X.shape[1]
        self._names = [f"x{j}" for j in range(p)] if feature_names is None else list(
            feature_names
        )  # fmt: skip

    @property
    def n_partitions(self) -> int:
        return self._bounds.size - 1

    def blocks(self):
        """The checked :class:`~shrinkage.distributed.blocks.Block` of every partition."""
        weights = None if self._weights is None else np.asarray(self._weights)
        for k in range(self.n_partitions):
            rows = slice(self._bounds[k], self._bounds[k + 1])
            if rows.stop > rows.start:
                yield make_block(self._X[rows], self._y[rows],
                                 None if weights is None else weights[rows], k,
                                 self._names)  # fmt: skip

    def _reduce(self, function, label):
        return combine_all([function(block) for block in self.blocks()])
