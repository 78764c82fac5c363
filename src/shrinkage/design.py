"""The design matrix as the solvers see it: weighted, centred, never densified.

A fit with sample weights ``s`` (normalised to sum to n) and an intercept minimises
``1/(2n) Σ s_i (y_i − x_iᵀw − b)²``. Eliminating b (b = ȳ − x̄ᵀw with weighted means)
and scaling each row by ``u_i = √s_i`` leaves a problem without intercept on the
*effective* columns::

    X_eff[:, j] = u ∘ x_j − x̄_j u,        y_eff = u ∘ y − ȳ u.

:class:`Design` holds ``X = diag(u)·X_given`` (a copy only when weights are given; dense X
is also centred in that copy, because explicit centring is more accurate), the means x̄ and
the vector u, and applies X_eff and X_effᵀ without forming X_eff. For sparse CSC input
the centring stays implicit: ``X_effᵀ r = Xᵀr − x̄ (uᵀr)``.

:class:`DesignOperations` lists what a solver asks of the data, with the cost of each
operation; :class:`Design` is its in-memory implementation (dense or sparse CSC), and a
backend that keeps the rows elsewhere implements the same operations. The column scales
of ``standardize=True`` are :meth:`Design.column_std`, for every loss.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol, runtime_checkable

import numpy as np
import scipy.linalg.blas
import scipy.sparse as sp

from ._kernels import cd_epoch_dense, cd_epoch_sparse
from ._kernels.anderson import NO_DELTAS
from ._kernels.columns import all_column_dots_sparse, column_sq_norms_sparse
from ._kernels.gram import fill_lower_from_upper
from ._uniform import as_weights, for_kernel, uniform
from .losses import normalise_sample_weight

__all__ = ["Design", "DesignOperations", "make_design"]


@runtime_checkable
class DesignOperations(Protocol):
    """How a solver reaches the effective design ``X_eff`` (n × p).

    Costs are for the in-memory :class:`Design`, with nnz the stored entries (np when
    dense); implicit centring adds O(n + p) to a product. A distributed design computes
    each operation as a reduction over row blocks: the same flops over its workers.
    """

    @property
    def n_samples(self) -> int:
        """n, the number of rows."""

    @property
    def n_features(self) -> int:
        """p, the number of columns."""

    def matvec(self, w):
        """``X_eff w`` (n-vector): 2·nnz flops, memory n."""

    def rmatvec(self, v, out=None):
        """``X_effᵀ v`` (p-vector, into ``out`` if given): 2·nnz flops, memory p."""

    def column_sq_norms(self):
        """``‖X_eff[:, j]‖²`` for every j (the coordinate Lipschitz constants times n):
        2·nnz flops, memory p."""

    def gram(self, features=None):
        """``X_eff[:, F]ᵀ X_eff[:, F]`` for the column set F, all columns when None
        (dense float64 |F| × |F|): n|F|² flops dense, about Σ_i nnz_i(F)² sparse;
        memory |F|² (plus n|F| for a dense copy of a column subset)."""

    def cd_epoch(self, w, residual, lipschitz, l1_weight, l2_weight, positive, features,
                 deltas=NO_DELTAS, u_dot_residual=None):  # fmt: skip
        """One cyclic coordinate-descent epoch of the squared-loss elastic net over the
        columns F (``features``), w and the residual updated in place; returns
        ``max_j |Δw_j|``. 4·nnz(X_F) flops, no memory beyond its inputs."""


@dataclass(frozen=True, eq=False)
class Design:
    """Effective design ``X_eff = X − u x̄ᵀ`` and target, see the module docstring.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
        Row-scaled data (centred already for dense input with an intercept).
    y : ndarray
        ``y_eff``, the centred and row-scaled target.
    x_offset : ndarray
        Offsets still to subtract implicitly (x̄ for sparse input, zeros otherwise:
        a read-only stride-0 view, :mod:`shrinkage._uniform`).
    u : ndarray
        Row scaling ``√s`` (without weights, ones as a read-only view).
    x_mean, y_mean : ndarray, float
        Weighted means of the original data (zeros without intercept, a read-only
        view as for ``x_offset``), for the intercept.
    """

    X: np.ndarray | sp.csc_matrix
    y: np.ndarray
    x_offset: np.ndarray
    u: np.ndarray
    x_mean: np.ndarray
    y_mean: float

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def n_features(self) -> int:
        return self.X.shape[1]

    @property
    def is_sparse(self) -> bool:
        return sp.issparse(self.X)

    def matvec(self, w):
        """``X_eff @ w``."""
        return self.X @ w - (self.x_offset @ w) * self.u

    @cached_property
    def has_offset(self) -> bool:
        """Whether some implicit centring offset is non-zero (sparse X with an
        intercept), tested once rather than on every product."""
        return bool(np.any(self.x_offset != 0))

    def rmatvec(self, v, out=None):
        """``X_effᵀ @ v``, written into ``out`` (float64, shape (p,)) if given."""
        v = np.asarray(v)
        if out is None:
            out = np.asarray(self.X.T @ v)
        elif self.is_sparse:  # straight into out: SciPy's product makes a new p-vector
            X = self.X
            all_column_dots_sparse(X.data, X.indices, X.indptr, v, out)
        elif self.X.dtype == out.dtype == v.dtype:
            np.dot(self.X.T, v, out=out)  # BLAS straight into out
        else:
            out[:] = self.X.T @ v
        if self.has_offset:  # implicit centring (sparse X)
            out -= self.x_offset * (self.u @ v)
        return out

    def column_sq_norms(self):
        """``‖X_eff[:, j]‖²`` for every j."""
        n = self.n_samples
        if self.is_sparse:
            sq = np.empty(self.X.shape[1])
            column_sq_norms_sparse(self.X.data, self.X.indptr, sq)
            # ‖X_j − x̄_j u‖² = ‖X_j‖² − 2 x̄_j uᵀX_j + x̄_j² uᵀu, with uᵀX_j = n x̄_j
            # when x̄ is the weighted mean, and uᵀu = n.
            if self.has_offset:
                sq -= n * np.square(self.x_offset)
                np.maximum(sq, 0.0, out=sq)
            return sq
        return np.einsum("ij,ij->j", self.X, self.X)

    def column_std(self):
        """Weighted standard deviation of each original column (1/n convention): the
        scales σ_j of ``standardize=True``."""
        return np.sqrt(self.column_sq_norms() / self.n_samples)

    def gram(self, features=None):
        """``X_eff[:, F]ᵀ X_eff[:, F]`` as dense float64 (:class:`DesignOperations`); all
        columns when ``features`` is None (then without a copy of dense X: one BLAS
        ``dsyrk``, half the flops of a general product).

        Sparse columns are centred implicitly: ``(X_j − x̄_j u)ᵀ(X_k − x̄_k u) =
        X_jᵀX_k − n x̄_j x̄_k``, since ``uᵀX_j = n x̄_j`` for the weighted mean.
        """
        columns = self.X if features is None else self.X[:, features]
        if not self.is_sparse:
            return _symmetric_gram(np.asarray(columns, dtype=np.float64, order="F"))
        columns = columns.astype(np.float64)  # float32 products lose the small columns
        gram = np.asarray((columns.T @ columns).toarray(), dtype=np.float64)
        offset = self.x_offset if features is None else self.x_offset[features]
        offset = np.asarray(offset, dtype=np.float64)
        return gram - self.n_samples * np.outer(offset, offset)

    def cd_epoch(self, w, residual, lipschitz, l1_weight, l2_weight, positive, features,
                 deltas=NO_DELTAS, u_dot_residual=None):  # fmt: skip
        """One coordinate-descent epoch over ``features`` (:class:`DesignOperations`).

        ``residual`` is ``y − X_eff w`` for dense X. Sparse X keeps ``r̃ = y − Xw`` with
        the uncentred columns and ``u_dot_residual = [uᵀr̃]`` (required when
        :attr:`has_offset`), so that the true residual is ``r̃ + (x̄ᵀw) u``
        (:mod:`shrinkage._kernels.coordinate_descent`). ``lipschitz[j] = ‖X_eff[:, j]‖²/n``;
        each change goes into ``deltas`` when it is not empty.
        """
        a, b = for_kernel(l1_weight), for_kernel(l2_weight)
        step = (lipschitz, a, b, positive, features, deltas)
        if not self.is_sparse:
            return cd_epoch_dense(self.X, w, residual, *step)
        if u_dot_residual is None:
            if self.has_offset:
                raise ValueError("a sparse design with an intercept needs u_dot_residual.")
            u_dot_residual = np.zeros(1, dtype=residual.dtype)
        X = self.X
        return cd_epoch_sparse(X.data, X.indices, X.indptr, self.n_samples,
                               for_kernel(self.x_offset), w, residual, u_dot_residual,
                               *step)  # fmt: skip

    def intercept(self, w) -> float:
        """Intercept ``ȳ − x̄ᵀw`` on the original scale."""
        return float(self.y_mean - self.x_mean @ w)


def make_design(X, y, sample_weight=None, fit_intercept=True, dtype=np.float64) -> Design:
    """Build the :class:`Design` of a (validated) problem.

    ``sample_weight`` must already be validated: finite, ``>= 0``, positive sum. It is
    rescaled to sum to n here (:func:`shrinkage.losses.normalise_sample_weight`). Dense
    X is copied (Fortran order) only when that is needed (weights, centring, a
    different dtype or memory order).
    """
    n = X.shape[0]
    y = np.asarray(y, dtype=dtype)
    if sample_weight is None:
        s = None
        u = uniform(1.0, n, dtype)  # no row scaling: a read-only view of ones
    else:
        s = normalise_sample_weight(sample_weight, n)
        u = np.sqrt(s).astype(dtype)

    if fit_intercept:
        weights = np.ones(n) if s is None else s
        x_mean = np.asarray(X.T @ weights, dtype=np.float64).ravel() / n
        y_mean = float(weights @ y) / n
    else:  # one zero for every column, as a read-only view: no p-vector
        x_mean = uniform(0.0, X.shape[1])
        y_mean = 0.0

    if s is None and not fit_intercept:  # y itself, read-only: the caller's y is never
        y_eff = np.ascontiguousarray(y).view()  # written, and no n-vector is copied
        y_eff.flags.writeable = False
    else:
        y_eff = (y - y_mean) * u if s is not None else (y - y_mean)
        y_eff = np.ascontiguousarray(y_eff, dtype=dtype)

    if sp.issparse(X):
        Xs = sp.csc_matrix(X, dtype=dtype)
        if s is not None:
            Xs = sp.csc_matrix(sp.diags(u) @ Xs)
        if not Xs.has_sorted_indices:
            # sorted_indices() copies: sort_indices() would reorder the caller's matrix,
            # whose arrays Xs may share
            Xs = Xs.sorted_indices()
        return Design(Xs, y_eff, as_weights(x_mean, dtype), u, x_mean, y_mean)

    if fit_intercept:
        Xd = np.array(X, dtype=dtype, order="F", copy=True)  # the one dense copy
        Xd -= x_mean.astype(dtype)
        if s is not None:
            Xd *= u[:, None]
    elif s is not None:
        Xd = np.asfortranarray(X * u[:, None], dtype=dtype)
    else:
        Xd = np.asfortranarray(X, dtype=dtype)  # no copy when already Fortran + dtype
    # centred already: no offset (without an intercept x_mean is that zero vector)
    offset = uniform(0.0, X.shape[1], dtype)
    return Design(Xd, y_eff, offset, u, x_mean, y_mean)


def _symmetric_gram(X):
    """``XᵀX`` of a Fortran-ordered float64 X by BLAS ``dsyrk`` (one triangle, then
    mirrored): symmetric, C-ordered."""
    gram = scipy.linalg.blas.dsyrk(1.0, X, trans=1, lower=0)  # Fortran, upper triangle
    fill_lower_from_upper(gram)
    return gram.T  # symmetric: the C-ordered view of the same memory, no copy
