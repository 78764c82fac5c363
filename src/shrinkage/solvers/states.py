"""The two *states* a working-set solver runs on, and their per-feature constants.

An epoch of coordinate descent needs the correlations of the coordinates it moves;
a full check needs the sufficient statistics (X_effᵀr, ‖r‖², yᵀr) from which
:func:`~shrinkage.solvers.working_set.duality_gap` computes the gap.
:class:`ResidualState` keeps r = y − X_eff w (dense Fortran or sparse CSC, via
:mod:`shrinkage.design`); :class:`GramState` keeps ``q = X_effᵀy − Gw`` with
``G = X_effᵀX_eff`` formed once, so an update costs O(p): the right choice when n ≫ p.
"""

from __future__ import annotations

import numpy as np

from .._kernels.anderson import NO_DELTAS
from .._kernels.columns import (
    add_to_entries,
    column_dots_dense,
    column_dots_sparse,
    masked_column_dots_dense,
    masked_column_dots_sparse,
    subtract_columns_dense,
    subtract_columns_sparse,
)
from .._kernels.gram import cd_epoch_gram
from .._uniform import for_kernel
from .correlation_bounds import CorrelationBounds

__all__ = ["GramState", "ResidualState", "coordinate_lipschitz", "float32_majorant"]


def coordinate_lipschitz(design, compact=True):
    """``L_j = ‖x_j‖²/n`` of the effective columns; ``compact``: rounded *up* to float32
    (:func:`float32_majorant`).

    The one per-feature constant a working-set path keeps: the coordinate steps use
    L_j, and the bounds and gap-safe tests take ``‖x_j‖ = √(n·L_j)`` from it
    (:func:`~shrinkage._kernels.gap.column_norm`). Rounded up, L_j is a majorant: each
    coordinate step still lowers the objective and has the same fixed points, but is
    shorter than the exact minimisation by up to 6e-8 relative (a one-feature problem
    is no longer solved exactly in one step); the norms are over-estimated, so the
    screening stays safe. Half the memory of float64, which paths use: on rcv1_small
    X weighs only 16 float64 p-vectors.
    """
    lipschitz = design.column_sq_norms()
    lipschitz /= design.n_samples
    if not compact:
        return lipschitz.astype(design.y.dtype, copy=False)
    return float32_majorant(lipschitz)


def float32_majorant(values):
    """``values`` (≥ 0) rounded up to float32: the nearest float32 not below each; kept
    as they are if one overflows float32."""
    with np.errstate(over="ignore"):  # an overflow is tested just below
        rounded = np.asarray(values).astype(np.float32)
    if not np.all(np.isfinite(rounded)):
        return values
    below = rounded < values
    np.nextafter(rounded, np.float32(np.inf), out=rounded, where=below)
    return rounded


class ResidualState:
    """r = y − X_eff w kept up to date by the residual-mode kernels.

    ``compact``: the Lipschitz constants as float32 majorants (a path; see
    :func:`coordinate_lipschitz`), else exact in the data's dtype for the coordinate
    steps (``solve``). Either way the checks take the column norms from float32
    majorants, :attr:`norm_lipschitz` (the same array when compact): the check kernels
    are compiled once.
    """

    def __init__(self, design, compact=False):
        self.design = design
        self.n = design.n_samples
        self.dtype = design.y.dtype  # of w and r
        self.lipschitz = coordinate_lipschitz(design, compact)
        self.norm_lipschitz = self.lipschitz if compact else float32_majorant(self.lipschitz)
        # implicit centring of sparse columns: r = r̃ + (x̄ᵀw)·u (see reset)
        self._offset = design.is_sparse and design.has_offset
        self.bounds = CorrelationBounds(self.norm_lipschitz)
        self.y = np.asarray(design.y, dtype=np.float64)
        self.yy = float(self.y @ self.y)
        self.u_dot_residual = None  # uᵀr̃ for sparse X (see reset)

    def reset(self, w):
        d = self.design
        self.residual = np.array(d.y - d.X @ w.astype(d.y.dtype), dtype=d.y.dtype)
        if d.is_sparse:  # r̃ and t = uᵀr̃, see shrinkage._kernels.coordinate_descent
            self.u_dot_residual = np.array([d.u @ self.residual], dtype=d.y.dtype)

    def epoch(self, w, a, b, positive, features, deltas=NO_DELTAS):
        """One CD epoch over ``features``; each change into ``deltas`` if not empty.
        ``a``, ``b`` in the kernels' form (:attr:`~.warm_start.Weights.kernel_l1`)."""
        return self.design.cd_epoch(
            w, self.residual, self.lipschitz, a, b, positive, features, deltas,
            self.u_dot_residual,
        )  # fmt: skip

    def shift(self, w, features, delta):
        """Apply ``w[features] += delta`` and update the residual in O(n·|features|)."""
        d = self.design
        add_to_entries(w, features, delta)
        if d.is_sparse:
            X = d.X
            subtract_columns_sparse(X.data, X.indices, X.indptr, self.residual, features, delta)
            if self._offset:
                self.u_dot_residual[0] -= self.n * float(d.x_offset[features] @ delta)
        else:
            subtract_columns_dense(d.X, self.residual, features, delta)

    def true_residual(self, w):
        d = self.design
        r = np.asarray(self.residual, dtype=np.float64)
        if self._offset:
            r = r + float(d.x_offset @ w) * d.u
        return r

    def statistics(self, w, features=None, l1_weight=None):
        """``(X_effᵀr restricted to features, ‖r‖², yᵀr)``.

        For all features with ``l1_weight`` given, columns whose correlation is proven
        below ``n·a_j`` (features at zero) are not read and carry a bound on ``|x_jᵀr|``
        instead (:mod:`~shrinkage.solvers.correlation_bounds`).
        """
        r = self.true_residual(w)
        if features is None:
            corr = self.bounds.correlations(
                r, w, l1_weight, self.design.rmatvec, self._masked_dots
            )
        else:
            corr = self._column_dots(r, features)
        return corr, float(r @ r), float(self.y @ r)

    def last_correlations(self):
        """``(corr, read)``: the last full check's correlations, exact where ``read``
        and bounds where a bound settled the column
        (:mod:`~shrinkage.solvers.correlation_bounds`); views, not copies."""
        return self.bounds.last, self.bounds.exact

    def _masked_dots(self, r, mask, out):
        """``out[j] = x_jᵀr`` (effective columns) where ``mask[j]``, in one pass."""
        d = self.design
        if d.is_sparse:
            X, t = d.X, float(d.u @ r) if self._offset else 0.0
            masked_column_dots_sparse(X.data, X.indices, X.indptr, r, mask,
                                      for_kernel(d.x_offset), t, out)  # fmt: skip
        else:
            masked_column_dots_dense(d.X, r.astype(d.X.dtype), mask, out)

    def _column_dots(self, r, features):
        d, corr = self.design, np.empty(features.shape[0])
        if d.is_sparse:
            X = d.X
            column_dots_sparse(X.data, X.indices, X.indptr, r, features, corr)
            corr -= d.x_offset[features] * (d.u @ r)
        else:
            column_dots_dense(d.X, r.astype(d.X.dtype), features, corr)
        return corr


class GramState:
    """q = X_effᵀy − G w with ``G = X_effᵀX_eff`` (p × p) formed once.

    Parameters
    ----------
    gram : ndarray of shape (p, p), C-ordered, float64
    xty : ndarray of shape (p,)
    yy : float
        ``‖y_eff‖²``.
    n : int
    """

    def __init__(self, gram, xty, yy, n, design=None):
        self.design = design  # for an exact certificate where the Gram form's rounds off
        self.gram = np.ascontiguousarray(gram, dtype=np.float64)
        self.xty = np.asarray(xty, dtype=np.float64)
        self.yy = float(yy)
        self.n = n
        self.dtype = np.dtype(np.float64)
        self.lipschitz = np.maximum(np.diag(self.gram), 0.0) / n
        self.norm_lipschitz = float32_majorant(self.lipschitz)  # for the checks
        self._all_read = np.ones(self.xty.size, dtype=np.bool_)

    @classmethod
    def from_design(cls, design, xty=None):
        """The state of ``design`` (its Gram matrix, :meth:`~shrinkage.design.Design.gram`);
        ``xty = X_effᵀy`` if the caller already has it."""
        y = np.asarray(design.y, dtype=np.float64)
        if xty is None:
            xty = design.rmatvec(y)
        return cls(design.gram(), np.asarray(xty, dtype=np.float64), y @ y, design.n_samples,
                   design)  # fmt: skip

    def reset(self, w):
        self.correlation = self.xty - self.gram @ w

    def shift(self, w, features, delta):
        """Apply ``w[features] += delta`` and update q in O(p·|features|), reading the
        rows of G in place (``gram.T`` is the same symmetric matrix, Fortran-ordered)."""
        add_to_entries(w, features, delta)
        subtract_columns_dense(self.gram.T, self.correlation, features, delta)

    def epoch(self, w, a, b, positive, features, deltas=NO_DELTAS):
        """As :meth:`ResidualState.epoch`, in O(p) per moved coordinate."""
        return cd_epoch_gram(
            self.gram, w, self.correlation, self.lipschitz, a, b, positive, features, self.n,
            deltas,
        )  # fmt: skip

    def last_correlations(self):
        """``(corr, read)``: the correlations of the current w, all exact here."""
        return self.correlation, self._all_read

    def statistics(self, w, features=None, l1_weight=None):
        # ‖r‖² = ‖y‖² − 2wᵀXᵀy + wᵀGw and Gw = Xᵀy − q, so ‖r‖² = ‖y‖² − wᵀXᵀy − wᵀq
        y_dot_r = self.yy - float(w @ self.xty)
        rr = max(y_dot_r - float(w @ self.correlation), 0.0)
        corr = self.correlation if features is None else self.correlation[features]
        return np.array(corr, dtype=np.float64), rr, y_dot_r
