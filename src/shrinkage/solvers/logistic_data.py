"""A generalised linear problem validated and laid out once: :func:`prepare_glm`.

The logistic and Poisson losses share it (:func:`prepare_logistic` is the logistic
case). Every α of a path, every fold of a cross-validation, reuses the result: validation, the
weights' normalisation, the dense or sparse layout and the column scales of
``standardize=True`` are computed once per problem, not once per solve (a 10-fold CV
with 100 α solves 1000 times). The weights and the scales are those of every other loss:
:func:`shrinkage.losses.normalise_sample_weight` and the effective design's
:meth:`~shrinkage.design.Design.column_std`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .._kernels.weighted_gram import row_offsets
from .._validation import check_offset, check_sample_weight, check_varying_columns
from ..design import make_design
from ..losses import LogisticLoss, Loss
from .api import validate_xy
from .logistic_point import transposed_product

__all__ = ["GLMData", "prepare_glm", "prepare_logistic"]

LOSS = LogisticLoss()


@dataclass(eq=False)
class GLMData:
    """One validated problem of a generalised linear loss, prepared once for every α.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
        The caller's matrix or a canonical copy, never written to.
    y : ndarray
        The targets as float64 (labels 0/1, counts).
    s : ndarray
        Sample weights normalised to sum to n.
    scale : ndarray or None
        Column scales σ_j of ``standardize=True`` (None: 1).
    fit_intercept : bool
    primal_at_zero : float
        P(0), the scale of the relative gap.
    loss : Loss
        The loss of the linear predictor (:mod:`shrinkage.losses`).
    offset : ndarray or None
        The fixed part o of the linear predictor ``z = Xw + b + o`` (None: 0).
    """

    X: np.ndarray | sp.csc_matrix
    y: np.ndarray
    s: np.ndarray
    scale: np.ndarray | None
    fit_intercept: bool
    primal_at_zero: float
    loss: Loss = LOSS
    offset: np.ndarray | None = None

    def predictor(self, w, intercept):
        """``z = Xw + b + o`` in float64."""
        z = np.asarray(self.X @ w, dtype=np.float64).ravel() + intercept
        return z if self.offset is None else z + self.offset

    @cached_property
    def dual_column_norms(self):
        """``‖X_j − x̄_j‖`` (plain mean) with an intercept, ``‖X_j‖`` without: what the
        gap-safe test multiplies its radius by
        (:func:`~shrinkage.certificates.logistic.gap_safe_zeros`). Centring by
        subtraction of ``n·x̄²`` cancels, so the bound of that rounding
        (``(n + 2)·ε·‖X_j‖²``) is added back: the norms are never underestimated."""
        n = self.X.shape[0]
        squares, sums = self._column_moments
        if not self.fit_intercept:
            return np.sqrt(squares)
        centred = np.maximum(squares - sums * sums / n, 0.0)
        return np.sqrt(centred + (n + 2) * np.finfo(float).eps * squares)

    @cached_property
    def column_means(self):
        """The plain mean ``x̄_j`` of each column."""
        return self._column_moments[1] / self.X.shape[0]

    @cached_property
    def _column_moments(self):
        """``(Σ_i x_ij², Σ_i x_ij)`` per column, in float64."""
        X = self.X
        if sp.issparse(X):  # CSC: sums over each column's stored entries
            return _column_sums(X, np.square), _column_sums(X, None)
        squares = np.einsum("ij,ij->j", X, X, dtype=np.float64)
        return squares, np.asarray(X.sum(axis=0), dtype=np.float64)

    @cached_property
    def saturated(self):
        """The loss of the saturated model (μ = y), a constant of the loss and of its
        dual that the compiled loops add once: 0 for the log-loss with labels 0/1."""
        return self.loss.saturated_value(self.y, self.s)

    @cached_property
    def weighted_gram(self):
        """``(G, c, m, ȳ, v)`` of the squared loss on dense X: the weighted Gram matrix
        of the centred columns ``G = X̃ᵀSX̃/n``, their correlations with the centred target
        ``c = X̃ᵀS(y − ȳ)/n``, the weighted column means m, the weighted mean ȳ (m and ȳ
        are 0 without intercept; an offset is taken off y) and the centred target's
        ``v = (y − ȳ)ᵀS(y − ȳ)/n``. Made on first use (by the box-constrained solver on
        tall data, :mod:`shrinkage.solvers.box`), then kept for every α."""
        X, s, n = np.asarray(self.X, dtype=np.float64), self.s, self.X.shape[0]
        y = self.y if self.offset is None else self.y - self.offset
        total = float(s.sum())
        means = X.T @ s / total if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = float(s @ y) / total if self.fit_intercept else 0.0
        weighted = X if np.all(s == 1.0) else s[:, None] * X
        gram = (X.T @ weighted - total * np.outer(means, means)) / n
        centred = y - y_mean
        correlation = weighted.T @ centred / n
        variance = float(s @ (centred * centred)) / n
        return np.ascontiguousarray(gram), correlation, means, y_mean, variance

    @cached_property
    def observed_correlation(self):
        """``Xᵀ(s ∘ y)/n``: with it, the Poisson certificate's ``Xᵀθ`` costs no pass over X
        (:func:`shrinkage._kernels.poisson_loss.intercept_dual_point`)."""
        return transposed_product(self.X, self.s * self.y / self.X.shape[0])

    @cached_property
    def row_starts(self):
        """The row offsets of sparse X (its CSR ``indptr``, int64): with them a working
        set's Gram matrix is formed by row blocks from the columns
        (:func:`shrinkage._kernels.weighted_gram.weighted_gram_rows`), with no CSR copy
        of X (made on first use, then kept for every α)."""
        return row_offsets(self.X.indices, self.X.shape[0])


def prepare_logistic(X, y, sample_weight=None, standardize=False, fit_intercept=True,
                     offset=None):  # fmt: skip
    """:func:`prepare_glm` for the log-loss: labels 0/1, both classes present."""
    return prepare_glm(LOSS, X, y, sample_weight, standardize, fit_intercept, offset)


def prepare_glm(loss, X, y, sample_weight=None, standardize=False, fit_intercept=True,
                offset=None):  # fmt: skip
    """Validate and lay out a problem of ``loss`` once (:class:`GLMData`).

    X becomes CSC (canonical) or Fortran-ordered dense, y float64 (checked by
    :meth:`~shrinkage.losses.Loss.check_target`), the weights sum to n, the offset is
    a finite float64 vector of length n (a copy); with ``standardize`` the weighted
    column standard deviations (1/n) of the effective design
    (:func:`~shrinkage.design.make_design`, centred when the intercept is fitted; made
    for them and dropped) are the penalty's scales.
    """
    X, y = validate_xy(X, y)
    y = np.asarray(y, dtype=np.float64)
    n = X.shape[0]
    weights = check_sample_weight(sample_weight, n)
    s = loss.normalise_weights(weights, n)
    loss.check_target(y, s, weights)
    offset = check_offset(offset, n)
    if sp.issparse(X):
        X = X.tocsc()
        if not X.has_canonical_format:
            # the row-wise Gram kernel reads each (row, column) entry once; a copy, so
            # that the caller's matrix is never written to
            X = X.copy()
            X.sum_duplicates()
    else:
        X = np.asfortranarray(X)
    scale = None
    if standardize:
        scale = make_design(X, y, weights, fit_intercept).column_std()
        check_varying_columns(scale)
    primal_at_zero = loss.primal_at_zero(y, s, fit_intercept, offset)
    return GLMData(X, y, s, scale, bool(fit_intercept), primal_at_zero, loss, offset)


def _column_sums(X, transform, block=1 << 16):
    """Per column of CSC ``X``, the sum of ``transform(entries)`` (the entries when None),
    in float64, without forming a product matrix: the stored entries are converted and
    transformed by runs of whole columns of about ``block`` entries (one column at
    least), so that no copy of X's values is made.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> X = sp.csc_matrix(np.array([[1.0, 0.0, 2.0], [3.0, 0.0, -1.0]]))
    >>> _column_sums(X, np.square, block=1), _column_sums(X, None)
    (array([10.,  0.,  5.]), array([4., 0., 1.]))
    """
    sums = np.zeros(X.shape[1])
    indptr = X.indptr
    filled = np.flatnonzero(np.diff(indptr))
    starts, ends = indptr[filled], indptr[filled + 1]
    first = 0
    while first < filled.size:
        # the columns whose entries end within `block` of the run's first entry
        last = max(int(np.searchsorted(ends, starts[first] + block, side="right")), first + 1)
        values = X.data[starts[first] : ends[last - 1]].astype(np.float64, copy=False)
        if transform is not None:
            values = transform(values)
        sums[filled[first:last]] = np.add.reduceat(values, starts[first:last] - starts[first])
        first = last
    return sums
