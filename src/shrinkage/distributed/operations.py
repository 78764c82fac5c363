"""The reductions of the squared loss on row blocks, each one pass over the data.

The problem is that of :mod:`shrinkage.design`: with raw sample weights s (total
W = Σ s over n rows) normalised to sum to n, the effective design and target are::

    X_eff[i, :] = √(n s_i / W) (x_i − x̄),      y_eff[i] = √(n s_i / W) (y_i − ȳ),

with weighted means x̄, ȳ when an intercept is fitted (zeros otherwise). No block ever
forms X_eff: each block function below (module-level, parametrised by
``functools.partial`` with NumPy arguments, so every engine can ship it) returns raw
weighted sums over its rows, and the driver helper applies the centring and the factor
n/W once, after the combination.

==================  =====================================================  ===============
driver helper       returns                                                block result
==================  =====================================================  ===============
column_moments      :class:`DataMoments` (n, W, x̄, ȳ, Σ s (x − x̄)², ...)  p-vectors
correlations        ``(X_effᵀr, ‖r‖², y_effᵀr)``, the gap's statistics      p-vector
gram_block          ``X_eff[:, F]ᵀ X_eff[:, C]`` and ``X_eff[:, F]ᵀ y_eff``  |F|·|C| matrix
matvec              ``X_effᵀ X_eff v``                                      p-vector
==================  =====================================================  ===============
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp

__all__ = [
    "Centring",
    "ColumnMoments",
    "DataMoments",
    "column_moments",
    "correlations",
    "gram_block",
    "matvec",
]


@dataclass(frozen=True, eq=False)
class ColumnMoments:
    """Weighted means and centred sums of squares of some columns, mergeable.

    Attributes
    ----------
    weight : float
        W = Σ s_i over the rows (their number without weights).
    mean : ndarray of shape (k,)
        Σ s x / W.
    centred_squares : ndarray of shape (k,)
        Σ s (x − x̄)², about the weighted mean: never raw sums of squares, whose
        cancellation loses the digits of a column with a large mean.

    Examples
    --------
    >>> X = np.array([[1e8 + 1.0], [1e8 + 3.0], [1e8 + 5.0]])
    >>> both = ColumnMoments.of(X[:1], np.ones(1)).merge(ColumnMoments.of(X[1:], np.ones(2)))
    >>> both.mean.tolist(), both.centred_squares.tolist()
    ([100000003.0], [8.0])
    """

    weight: float
    mean: np.ndarray
    centred_squares: np.ndarray

    @classmethod
    def of(cls, X, s) -> ColumnMoments:
        """The moments of the rows of X (2-D, dense or sparse) with weights s: centred
        about the rows' own means when dense, by ``Σ s x² − W x̄²`` when sparse (no dense
        copy; the block is small next to the whole, whose merge stays centred)."""
        total = float(s.sum())
        if total == 0:
            return cls(0.0, np.zeros(X.shape[1]), np.zeros(X.shape[1]))
        mean = np.asarray(X.T @ s, dtype=np.float64).ravel() / total
        if sp.issparse(X):
            squares = np.asarray(X.multiply(X).T @ s, dtype=np.float64).ravel()
            centred = np.maximum(squares - total * mean * mean, 0.0)
        else:
            centred = s @ np.square(X - mean)
        return cls(total, mean, centred)

    def merge(self, other: ColumnMoments) -> ColumnMoments:
        """The moments of both row sets: Chan, Golub & LeVeque (1983), "Algorithms for
        computing the sample variance", Am. Stat. 37(3), eq. 2.1 (pairwise update)."""
        if other.weight == 0:
            return self
        if self.weight == 0:
            return other
        total = self.weight + other.weight
        delta = other.mean - self.mean
        centred = (self.centred_squares + other.centred_squares
                   + (self.weight * other.weight / total) * delta * delta)  # fmt: skip
        return ColumnMoments(total, self.mean + (other.weight / total) * delta, centred)

    def squares(self, centred: bool) -> np.ndarray:
        """Σ s (x − x̄)², or Σ s x² about 0 (= Σ s (x − x̄)² + W x̄²)."""
        if centred:
            return self.centred_squares
        return self.centred_squares + self.weight * np.square(self.mean)

    def std(self, centred: bool) -> np.ndarray:
        """Weighted standard deviations (1/W), about the mean or about 0."""
        return np.sqrt(self.squares(centred) / self.weight)


@dataclass(frozen=True, eq=False)
class DataMoments:
    """What one pass tells about the rows before any fit: their number and the
    :class:`ColumnMoments` of the columns of X and of y."""

    n_rows: int
    columns: ColumnMoments
    target: ColumnMoments

    def merge(self, other: DataMoments) -> DataMoments:
        return DataMoments(self.n_rows + other.n_rows, self.columns.merge(other.columns),
                           self.target.merge(other.target))  # fmt: skip

    @property
    def weight(self) -> float:
        return self.columns.weight

    def centring(self, fit_intercept: bool) -> Centring:
        """The effective design's offsets and scales (:class:`Centring`)."""
        n, factor = self.n_rows, self.n_rows / self.weight
        columns, target = self.columns, self.target
        x_offset = columns.mean if fit_intercept else np.zeros(columns.mean.shape[0])
        y_offset = float(target.mean[0]) if fit_intercept else 0.0
        return Centring(n, factor, x_offset, y_offset, factor * columns.squares(fit_intercept),
                        factor * float(target.squares(fit_intercept)[0]))  # fmt: skip


@dataclass(frozen=True, eq=False)
class Centring:
    """What the driver needs of the moments to work on the effective design.

    Attributes
    ----------
    n : int
        Rows (the normalised weights sum to it).
    factor : float
        n / W, turning raw weighted sums into sums with the normalised weights.
    x_offset : ndarray of shape (p,)
        x̄ with an intercept, zeros without.
    y_offset : float
    column_sq_norms : ndarray of shape (p,)
        ``‖X_eff[:, j]‖²`` (n times the coordinate Lipschitz constants).
    yy : float
        ``‖y_eff‖²``: 2n·P(0).
    """

    n: int
    factor: float
    x_offset: np.ndarray
    y_offset: float
    column_sq_norms: np.ndarray
    yy: float

    def column_std(self) -> np.ndarray:
        """σ_j of ``standardize=True`` (as :meth:`shrinkage.design.Design.column_std`)."""
        return np.sqrt(self.column_sq_norms / self.n)

    def intercept(self, w) -> float:
        """``ȳ − x̄ᵀw`` (0 without an intercept)."""
        return float(self.y_offset - self.x_offset @ w)


def _dense(X):
    return X.toarray() if sp.issparse(X) else X


def moments_block(block) -> DataMoments:
    """The :class:`DataMoments` of one block."""
    s = block.weights()
    return DataMoments(block.n_rows, ColumnMoments.of(block.X, s),
                       ColumnMoments.of(block.y[:, None], s))  # fmt: skip


def correlation_block(block, w, offset, y_offset):
    """``(Xᵀ(s∘r), Σ s r, Σ s r², Σ s (y − ȳ) r)`` for ``r = y − Xw − offset``."""
    s = block.weights()
    r = block.y - block.X @ w - offset
    sr = s * r
    xsr = np.asarray(block.X.T @ sr).ravel()
    return xsr, float(sr.sum()), float(sr @ r), float(sr @ (block.y - y_offset))


def gradient_block(block, w, intercept):
    """``(Xᵀ(s∘r), Σ s r, Xᵀs, Σ s)`` for ``r = y − Xw − b``: the squared loss's gradient
    at (w, b) with the columns centred (:func:`squared_gradient`)."""
    s = block.weights()
    sr = s * (block.y - np.asarray(block.X @ w).ravel() - intercept)
    return (np.asarray(block.X.T @ sr).ravel(), float(sr.sum()),
            np.asarray(block.X.T @ s).ravel(), float(s.sum()))  # fmt: skip


def squared_gradient(data, w, intercept, fit_intercept) -> np.ndarray:
    """One pass: the gradient in w of ``1/(2W) Σ s (y − xᵀw − b)²`` at (w, b), the intercept
    profiled out when it is fitted: ``−(Xᵀ(s∘r) − x̄ Σ s r)/W`` (``x̄`` the weighted column
    means; the term vanishes at the optimal intercept), else ``−Xᵀ(s∘r)/W``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 1.0, 4.0])
    >>> squared_gradient(ArrayBlocks(X, y, n_partitions=2), np.zeros(1), 2.0, True).tolist()
    [-1.0]
    """
    w = np.asarray(w, dtype=np.float64)
    function = partial(gradient_block, w=w, intercept=float(intercept))
    xsr, sr, xs, weight = data.reduce(function, label="gradient")
    if fit_intercept:
        xsr = xsr - (xs / weight) * sr
    return -xsr / weight


def _weighted_cross(A, B, s, a_offset, b_offset):
    """``Σ s (a − a_off)(b − b_off)ᵀ`` over the rows of A and B (dense: centred first;
    sparse: expanded, ``Aᵀ S B − a_off (sᵀB)ᵀ − (sᵀA) b_offᵀ + Σs a_off b_offᵀ``)."""
    if not sp.issparse(A):
        A, B = A - a_offset, B - b_offset
        return (A * s[:, None]).T @ B
    sum_a = np.asarray(A.T @ s).ravel()
    sum_b = np.asarray(B.T @ s).ravel()
    cross = _dense(A.T @ sp.diags(s) @ B)
    cross -= np.outer(a_offset, sum_b) + np.outer(sum_a - s.sum() * a_offset, b_offset)
    return cross


def gram_part_block(block, features, columns, feature_offset, column_offset, y_offset):
    """``(Σ s (x_F − x̄_F)(x_C − x̄_C)ᵀ, Σ s (x_F − x̄_F)(y − ȳ))`` of one block."""
    s, X = block.weights(), block.X
    A, B = X[:, features], X[:, columns]
    target = (block.y - y_offset)[:, None]
    cross = _weighted_cross(A, B, s, feature_offset, column_offset)
    xty = _weighted_cross(A, target, s, feature_offset, np.zeros(1))[:, 0]
    return cross, xty


def matvec_block(block, v, shift):
    """``(Xᵀ(s∘t), Σ s t)`` for ``t = Xv − shift`` (shift = x̄ᵀv)."""
    s = block.weights()
    st = s * (block.X @ v - shift)
    return np.asarray(block.X.T @ st).ravel(), float(st.sum())


def column_moments(data) -> DataMoments:
    """One pass: the :class:`DataMoments` of ``data``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 4.0]])
    >>> moments = column_moments(ArrayBlocks(X, np.arange(3.0), n_partitions=2))
    >>> moments.columns.mean.tolist(), moments.columns.centred_squares.tolist(), moments.n_rows
    ([3.0, 2.0], [8.0, 8.0], 3)
    """
    moments = data.reduce(moments_block, label="column moments")
    if moments is None or moments.weight <= 0:
        raise ValueError("the data have no rows of positive sample weight.")
    return moments


def correlations(data, w, centring: Centring):
    """One pass: ``(X_effᵀr, ‖r‖², y_effᵀr)`` at ``w``, r = y_eff − X_eff w (the
    statistics of :func:`shrinkage.solvers.working_set.duality_gap`).

    ``r_i`` is ``y_i − x_iᵀw − b`` with the intercept ``b = ȳ − x̄ᵀw``
    (:meth:`Centring.intercept`, 0 without one), computed on the original rows; the
    centring of the columns is applied on the driver: ``X_effᵀr = (n/W)(Xᵀ(s∘r) − x̄ Σ s r)``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([1.0, 1.0, 4.0])
    >>> data = ArrayBlocks(X, y, n_partitions=2)
    >>> centring = column_moments(data).centring(True)
    >>> corr, rr, y_dot_r = correlations(data, np.zeros(1), centring)
    >>> corr.tolist(), rr, y_dot_r
    ([3.0], 6.0, 6.0)
    """
    w = np.asarray(w, dtype=np.float64)
    function = partial(correlation_block, w=w, offset=centring.intercept(w),
                       y_offset=centring.y_offset)  # fmt: skip
    xsr, sr, srr, sry = data.reduce(function, label="correlations")
    corr = centring.factor * (xsr - centring.x_offset * sr)
    return corr, centring.factor * srr, centring.factor * sry


def gram_block(data, features, centring: Centring, columns=None):
    """One pass: ``(X_eff[:, F]ᵀ X_eff[:, C], X_eff[:, F]ᵀ y_eff)``, dense float64, for
    the column sets F (``features``) and C (``columns``, F when None).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 4.0]])
    >>> data = ArrayBlocks(X, np.arange(3.0), n_partitions=2)
    >>> gram, xty = gram_block(data, np.array([0, 1]), column_moments(data).centring(True))
    >>> gram.tolist(), xty.tolist()
    ([[8.0, 8.0], [8.0, 8.0]], [4.0, 4.0])
    """
    features = np.asarray(features, dtype=np.int64)
    columns = features if columns is None else np.asarray(columns, dtype=np.int64)
    offset = centring.x_offset  # only the rows' slices travel with the function
    function = partial(gram_part_block, features=features, columns=columns,
                       feature_offset=offset[features], column_offset=offset[columns],
                       y_offset=centring.y_offset)  # fmt: skip
    cross, xty = data.reduce(function, label="gram block")
    return centring.factor * cross, centring.factor * xty


def matvec(data, v, centring: Centring):
    """One pass: ``X_effᵀ X_eff v`` (p-vector), the product conjugate gradient needs.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X = np.array([[1.0, 0.0], [3.0, 2.0], [5.0, 4.0]])
    >>> data = ArrayBlocks(X, np.arange(3.0), n_partitions=2)
    >>> matvec(data, np.array([1.0, 0.0]), column_moments(data).centring(True)).tolist()
    [8.0, 8.0]
    """
    v = np.asarray(v, dtype=np.float64)
    function = partial(matvec_block, v=v, shift=float(centring.x_offset @ v))
    xst, st = data.reduce(function, label="matvec")
    return centring.factor * (xst - centring.x_offset * st)
