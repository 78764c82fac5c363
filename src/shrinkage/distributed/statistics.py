"""One-pass sufficient statistics of a squared-loss problem, per fold, and their rows.

For the squared loss everything a path needs is in ``W = Σ s_i``, the weighted means
``x̄, ȳ`` and the centred scatters ``S_xx = Σ s(x − x̄)(x − x̄)ᵀ``, ``S_xy``, ``S_yy``
(:class:`BlockStatistics`). Blocks are summarised where they live and merged with Chan,
Golub & LeVeque's pairwise update (Chan et al. 1979, "Updating formulae and a pairwise
algorithm for computing sample variances"): for two sides a, b with ``δ = x̄_b − x̄_a``,

    W = W_a + W_b,   x̄ = x̄_a + (W_b / W) δ,   S = S_a + S_b + (W_a W_b / W) δ δᵀ,

never raw sums of squares, whose cancellation loses the digits of a column with a large
mean. Rows go to K folds by a seeded hash of (partition, row within the partition)
(:func:`fold_of_rows`), so one pass gives the statistics of every fold
(:class:`FoldStatistics`) and K-fold cross-validation needs no second pass.

The equivalent rows (:func:`equivalent_rows`). Let ``q = p + 1`` and let ``R`` be a
q × q matrix with ``RᵀR = (q / W) [[S_xx, S_xy], [S_xyᵀ, S_yy]]`` (a Cholesky factor, or
``Λ^½ Vᵀ`` from an eigen-decomposition when the scatter is singular: duplicate or
constant columns, a perfect fit). Write ``R = [X̂ ŷ]``. Then for every w

    1/(2q) ‖ŷ − X̂w‖² = 1/(2q) (ŷᵀŷ − 2wᵀX̂ᵀŷ + wᵀX̂ᵀX̂w)
                      = 1/(2W) (S_yy − 2wᵀS_xy + wᵀS_xx w)
                      = 1/(2W) Σ s_i (y_i − ȳ − (x_i − x̄)ᵀw)²,

the centred objective, which is the original one at its optimal intercept
``b = ȳ − x̄ᵀw``. The column norms agree too (``‖X̂_j‖²/q = S_xx,jj / W = σ_j²``, the
weighted standard deviation with 1/W), and so do α_max and P(0). The whole in-memory
machinery (:func:`shrinkage.path`, its grid, strategies, standardisation and duality
gaps) therefore runs unchanged on the q-row problem with ``fit_intercept=False``.
Without an intercept the same holds with the raw moments ``S + W x̄x̄ᵀ`` etc.
(:meth:`BlockStatistics.moments`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import scipy.sparse as sp

from ..defaults import RANDOM_STATE
from .blocks import combine_all

__all__ = [
    "MAX_BLOCK_RESULT_BYTES",
    "BlockStatistics",
    "FoldStatistics",
    "equivalent_rows",
    "fold_of_rows",
    "fold_statistics_of_block",
    "sufficient_statistics",
]

MAX_BLOCK_RESULT_BYTES = 2 * 1024**3  # one block's K scatter matrices, sent to the driver
#: Rows of a dense block are centred in slices of at most this many bytes.
SLICE_BYTES = 16 * 1024**2

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True, eq=False)
class BlockStatistics:
    """The weighted moments of some rows, centred.

    Attributes
    ----------
    weight : float
        ``W = Σ s_i`` (the number of rows when unweighted).
    rows : int
    x_mean : ndarray of shape (p,)
    y_mean : float
    xx : ndarray of shape (p, p)
        ``Σ s (x − x̄)(x − x̄)ᵀ``, float64.
    xy : ndarray of shape (p,)
        ``Σ s (x − x̄)(y − ȳ)``.
    yy : float
        ``Σ s (y − ȳ)²``.

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [3.0, 0.0], [5.0, 1.0]]); y = np.array([1.0, 0.0, 2.0])
    >>> first = BlockStatistics.of_arrays(X[:1], y[:1])
    >>> rest = BlockStatistics.of_arrays(X[1:], y[1:])
    >>> both = first.merge(rest)
    >>> bool(np.allclose(both.xx, np.cov(X.T, bias=True) * 3)), both.x_mean.tolist()
    (True, [3.0, 1.0])
    >>> both.minus(first).x_mean.tolist()
    [4.0, 0.5]
    """

    weight: float
    rows: int
    x_mean: np.ndarray
    y_mean: float
    xx: np.ndarray
    xy: np.ndarray
    yy: float

    @property
    def n_features(self) -> int:
        return self.x_mean.shape[0]

    @classmethod
    def empty(cls, n_features: int, rows: int = 0) -> BlockStatistics:
        """The statistics of no rows (or of ``rows`` rows of weight 0): the identity of
        :meth:`merge`."""
        p = int(n_features)
        return cls(0.0, int(rows), np.zeros(p), 0.0, np.zeros((p, p)), np.zeros(p), 0.0)

    @classmethod
    def of_arrays(cls, X, y, sample_weight=None) -> BlockStatistics:
        """The statistics of the rows of dense or sparse (CSR) ``X`` and ``y``.

        Dense X is centred explicitly, in slices of rows of at most :data:`SLICE_BYTES`
        merged by the stable update (a worker then holds two slices of copies beside its
        block, not two copies of the block); sparse X keeps its zeros, with the scatter
        ``XᵀSX − W x̄x̄ᵀ`` (the rounding of that difference is that of one block only:
        the blocks are then merged by the stable update).
        """
        y = np.asarray(y, dtype=np.float64)
        m, p = X.shape
        rows = max(1, SLICE_BYTES // (8 * max(p, 1)))
        if not sp.issparse(X) and m > rows:  # slices merged: the copies stay small
            return combine_all([
                cls.of_arrays(X[k : k + rows], y[k : k + rows],
                              None if sample_weight is None else sample_weight[k : k + rows])
                for k in range(0, m, rows)
            ])  # fmt: skip
        s = np.ones(m) if sample_weight is None else np.asarray(sample_weight, np.float64)
        weight = float(s.sum())
        if m == 0 or weight <= 0:
            return cls.empty(p, m)
        y_mean = float(s @ y) / weight
        yc = y - y_mean
        if sp.issparse(X):
            X = sp.csr_matrix(X, dtype=np.float64)
            x_mean = np.asarray(X.T @ s).ravel() / weight
            weighted = sp.diags(s) @ X
            xx = np.asarray((X.T @ weighted).toarray()) - weight * np.outer(x_mean, x_mean)
            xy = np.asarray(weighted.T @ yc).ravel()  # Σ s x (y − ȳ) = Σ s (x − x̄)(y − ȳ)
        else:
            X = np.asarray(X, dtype=np.float64)
            x_mean = (s @ X) / weight
            centred = X - x_mean
            weighted = centred * s[:, None]
            xx = weighted.T @ centred
            xy = weighted.T @ yc
        xx = (xx + xx.T) / 2.0
        return cls(weight, m, x_mean, y_mean, xx, xy, float(s @ (yc * yc)))

    @classmethod
    def of_block(cls, block) -> BlockStatistics:
        """The statistics of one :class:`~shrinkage.distributed.blocks.Block`."""
        return cls.of_arrays(block.X, block.y, block.sample_weight)

    def merge(self, other: BlockStatistics) -> BlockStatistics:
        """The statistics of both sets of rows (Chan, Golub & LeVeque's update)."""
        weight = self.weight + other.weight
        rows = self.rows + other.rows
        if other.weight == 0 or weight == 0:
            return _with_rows(self, rows)
        if self.weight == 0:
            return _with_rows(other, rows)
        share = other.weight / weight
        dx, dy = other.x_mean - self.x_mean, other.y_mean - self.y_mean
        cross = self.weight * share  # W_a W_b / W
        return BlockStatistics(
            weight, rows, self.x_mean + share * dx, self.y_mean + share * dy,
            self.xx + other.xx + cross * np.outer(dx, dx), self.xy + other.xy + cross * dx * dy,
            self.yy + other.yy + cross * dy * dy,
        )  # fmt: skip

    def minus(self, part: BlockStatistics) -> BlockStatistics:
        """The statistics of the rows of ``self`` that are not in ``part`` (the inverse
        of :meth:`merge`; it subtracts, so it loses the digits that cancel)."""
        weight, rows = self.weight - part.weight, self.rows - part.rows
        if part.weight == 0:
            return _with_rows(self, rows)
        if weight <= 1e-12 * self.weight:  # nothing left but rounding
            return BlockStatistics.empty(self.n_features, rows)
        x_mean = (self.weight * self.x_mean - part.weight * part.x_mean) / weight
        y_mean = (self.weight * self.y_mean - part.weight * part.y_mean) / weight
        dx, dy = part.x_mean - x_mean, part.y_mean - y_mean
        cross = weight * part.weight / self.weight
        return BlockStatistics(
            weight, rows, x_mean, y_mean, self.xx - part.xx - cross * np.outer(dx, dx),
            self.xy - part.xy - cross * dx * dy, self.yy - part.yy - cross * dy * dy,
        )  # fmt: skip

    def moments(self, fit_intercept: bool = True):
        """``(xx, xy, yy)``: the centred scatters, or without an intercept the raw
        moments ``Σ s x xᵀ = S_xx + W x̄x̄ᵀ``, ``Σ s x y``, ``Σ s y²``."""
        if fit_intercept:
            return self.xx, self.xy, self.yy
        W, xm, ym = self.weight, self.x_mean, self.y_mean
        return self.xx + W * np.outer(xm, xm), self.xy + W * xm * ym, self.yy + W * ym * ym


def _with_rows(stats, rows):
    """``stats`` with the row count of both sides (the other side has no weight)."""
    return replace(stats, rows=rows)


def _splitmix64(z):
    """Steele, Lea & Flood's SplitMix64 finaliser on uint64 arrays (wrapping)."""
    with np.errstate(over="ignore"):
        z = (z + np.uint64(0x9E3779B97F4A7C15)) & _MASK64
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK64
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK64
    return z ^ (z >> np.uint64(31))


def fold_of_rows(
    partition: int, n_rows: int, n_folds: int, seed: int = RANDOM_STATE
) -> np.ndarray:
    """The fold (0 … K − 1) of each row of a partition: a seeded hash of
    (partition, row within the partition), the same on every pass and every engine,
    each fold drawn with probability 1/K.

    Examples
    --------
    >>> fold_of_rows(0, 8, 3).tolist() == fold_of_rows(0, 8, 3).tolist()
    True
    >>> shares = np.bincount(fold_of_rows(2, 30_000, 3, seed=1), minlength=3) / 30_000
    >>> bool(np.all(np.abs(shares - 1 / 3) < 0.01))
    True
    """
    with np.errstate(over="ignore"):
        key = _splitmix64(np.uint64(seed) ^ np.uint64(0x5EED))
        key = _splitmix64(key ^ np.uint64(partition))
        hashed = _splitmix64(key ^ np.arange(n_rows, dtype=np.uint64))
    return (hashed % np.uint64(n_folds)).astype(np.intp)


@dataclass(frozen=True, eq=False)
class FoldStatistics:
    """The :class:`BlockStatistics` of each of K folds.

    Attributes
    ----------
    folds : tuple of BlockStatistics
    """

    folds: tuple

    @property
    def n_folds(self) -> int:
        return len(self.folds)

    def merge(self, other: FoldStatistics) -> FoldStatistics:
        """Fold by fold (so that :func:`~shrinkage.distributed.blocks.combine` works)."""
        if other.n_folds != self.n_folds:
            raise ValueError("fold statistics with different numbers of folds.")
        pairs = zip(self.folds, other.folds, strict=True)
        return FoldStatistics(tuple(a.merge(b) for a, b in pairs))

    def total(self) -> BlockStatistics:
        """The statistics of all rows."""
        return combine_all(list(self.folds))

    def training(self, k: int) -> BlockStatistics:
        """The statistics of every fold but ``k``, merged (not ``total − fold``, which
        would subtract)."""
        return combine_all([fold for j, fold in enumerate(self.folds) if j != k])


def fold_statistics_of_block(block, n_folds: int, seed: int) -> FoldStatistics:
    """The per-fold statistics of one block (a module-level function: use it through
    ``functools.partial``, which pickles)."""
    if n_folds <= 1:
        return FoldStatistics((BlockStatistics.of_block(block),))
    fold = fold_of_rows(block.partition, block.n_rows, n_folds, seed)
    weights = block.sample_weight
    return FoldStatistics(tuple(
        BlockStatistics.of_arrays(block.X[rows], block.y[rows],
                                  None if weights is None else weights[rows])
        for rows in (np.flatnonzero(fold == k) for k in range(n_folds))
    ))  # fmt: skip


def sufficient_statistics(data, *, n_folds: int = 0, seed: int = RANDOM_STATE) -> FoldStatistics:
    """The statistics of every fold of ``data``, in one pass (one ``data.reduce``).

    Parameters
    ----------
    data : PartitionedData
    n_folds : int
        K ≥ 2 folds, or 0 for one fold holding all rows.
    seed : int
        The seed of the fold hash (:func:`fold_of_rows`).

    Returns
    -------
    FoldStatistics

    Examples
    --------
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    >>> stats = sufficient_statistics(ArrayBlocks(X, y, n_partitions=3), n_folds=5)
    >>> total = stats.total()
    >>> stats.n_folds, total.rows, bool(np.allclose(total.xy, (X - X.mean(0)).T @ (y - y.mean())))
    (5, 50, True)
    """
    n_folds = int(n_folds)
    if n_folds < 0 or n_folds == 1:
        raise ValueError(f"n_folds must be 0 (no folds) or at least 2, got {n_folds}.")
    p = int(data.n_features)
    size = max(n_folds, 1) * p * p * 8
    if size > MAX_BLOCK_RESULT_BYTES:
        raise ValueError(
            f"the statistics of {max(n_folds, 1)} fold(s) with p={p} features take "
            f"{size / 1024**3:.1f} GiB per block, over the limit of "
            f"{MAX_BLOCK_RESULT_BYTES / 1024**3:.0f} GiB: use fewer folds or a wide-data "
            "method."
        )
    result = data.reduce(partial(fold_statistics_of_block, n_folds=n_folds, seed=int(seed)),
                         label="sufficient statistics")  # fmt: skip
    if result is None:
        raise ValueError("the data have no rows.")
    return result


def equivalent_rows(stats: BlockStatistics, fit_intercept: bool = True):
    """``(X̂, ŷ)``: p + 1 rows whose objective without intercept is the data's (see the
    module docstring).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X, y = rng.normal(size=(40, 3)), rng.normal(size=40)
    >>> Xh, yh = equivalent_rows(BlockStatistics.of_arrays(X, y))
    >>> w = np.array([0.3, -1.0, 2.0]); b = y.mean() - X.mean(0) @ w
    >>> Xh.shape, bool(np.isclose(np.mean((yh - Xh @ w) ** 2), np.mean((y - X @ w - b) ** 2)))
    ((4, 3), True)
    """
    if stats.weight <= 0:
        raise ValueError("the statistics hold no rows of positive weight.")
    xx, xy, yy = stats.moments(fit_intercept)
    p = stats.n_features
    augmented = np.empty((p + 1, p + 1))
    augmented[:p, :p], augmented[:p, p], augmented[p, :p], augmented[p, p] = xx, xy, xy, yy
    augmented *= (p + 1) / stats.weight
    try:
        root = np.linalg.cholesky(augmented).T
    except np.linalg.LinAlgError:  # singular: duplicate or constant columns, exact fit
        values, vectors = np.linalg.eigh(augmented)
        root = np.sqrt(np.maximum(values, 0.0))[:, None] * vectors.T
    return np.ascontiguousarray(root[:, :p]), root[:, p].copy()
