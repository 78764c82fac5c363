"""The active-set factorisation of the homotopy path: the Cholesky factor R of
G = Z_AᵀZ_A (RᵀR = G), grown by one column and shrunk by Givens rotations.

Kept apart from :mod:`shrinkage.path.homotopy` so that the path logic reads on its own.
"""

from __future__ import annotations

import numpy as np

from .._kernels.columns import column_dots_dense, subtract_columns_dense
from .._kernels.triangular import delete_column, solve_upper, solve_upper_transposed

# a column whose residual after projection on the active columns is below this fraction
# of its norm is collinear with them: it is not added (scikit-learn's lars_path uses 1e-7)
COLLINEAR_TOL = 1e-7
# the buffers start with room for this many active columns and double when full
_FIRST_SIZE = 64


class ActiveFactor:
    """Active columns Z_A (n × m) and the upper-triangular R with RᵀR = G = Z_AᵀZ_A.

    With ``source=(X, scale)`` (a dense Fortran X, ``z_j = scale_j · X[:, j]``) the active
    columns are read from X in place, by index; otherwise they are copied into a buffer.
    G itself is never stored (``Gx = Z_Aᵀ(Z_A x)``, two passes over the m active
    columns, cheap next to the Zᵀu of every knot), and the buffers grow by doubling up
    to ``capacity`` (m ≤ min(n, p)): the workspace follows the active set, not n².

    Only level-2 operations on single vectors: on a busy machine, threaded BLAS calls
    on thin blocks (two right-hand sides, a QR of a Hessenberg block) were 10-100×
    slower than these; ``Z_Aᵀv`` uses the single-threaded column kernel."""

    def __init__(self, n, capacity, source=None):
        self._n, self._capacity, self._source = n, capacity, source
        size = min(capacity, _FIRST_SIZE)
        self._index = np.zeros(size, dtype=np.int64)  # feature ids (source) or 0..m-1
        self._columns = None if source is not None else np.empty((n, size), order="F")
        self._R = np.zeros((size, size), order="F")  # R in the leading m × m
        self._m = 0

    @property
    def m(self) -> int:
        return self._m

    @property
    def R(self):
        """The current factor (a view of the buffer)."""
        return self._R[: self._m, : self._m]

    @property
    def columns(self):
        if self._source is None:
            return self._columns[:, : self.m]
        X, scale = self._source
        features = self._index[: self.m]
        return X[:, features] * scale[features]

    def _grow(self):
        size = min(2 * self._R.shape[0], self._capacity)
        R = np.zeros((size, size), order="F")
        R[: self.m, : self.m] = self.R
        self._R = R
        self._index = np.concatenate([self._index, np.zeros(size - self._index.size, np.int64)])
        if self._columns is not None:
            columns = np.empty((self._n, size), order="F")
            columns[:, : self.m] = self.columns
            self._columns = columns

    def rdot(self, v):
        """``Z_Aᵀv``."""
        out = np.empty(self.m)
        features = self._index[: self.m]
        if self._source is None:
            column_dots_dense(self._columns, v, features, out)
            return out
        X, scale = self._source
        column_dots_dense(X, v, features, out)
        out *= scale[features]
        return out

    def times(self, x):
        """``Z_A x``."""
        out = np.zeros(self._n)
        features = self._index[: self.m]
        if self._source is None:
            subtract_columns_dense(self._columns, out, features, -x)
        else:
            X, scale = self._source
            subtract_columns_dense(X, out, features, -x * scale[features])
        return out

    def gram_times(self, x):
        """``G x = Z_Aᵀ(Z_A x)``."""
        return self.rdot(self.times(x))

    def solve(self, b):
        """``R⁻¹ b``."""
        return solve_upper(self._R, self._m, np.asarray(b, dtype=np.float64))

    def solve_transposed(self, b):
        """``R⁻ᵀ b``."""
        return solve_upper_transposed(self._R, self._m, np.asarray(b, dtype=np.float64))

    def gram_solve(self, b):
        return self.solve(self.solve_transposed(b))

    def try_add(self, z, feature=None) -> bool:
        """Append z (feature ``feature`` of the source, if there is one) unless it is
        collinear with the active columns (returns False)."""
        m, squared_norm = self.m, float(z @ z)
        cross = self.rdot(z)
        w = self.solve_transposed(cross)
        squared_residual = squared_norm - w @ w
        if m and squared_residual < 0.25 * squared_norm:
            # cancellation: measure the residual of the projection itself, projecting
            # twice ("twice is enough", Kahan–Parlett)
            q = z - self.times(self.solve(w))
            step = self.solve_transposed(self.rdot(q))
            q -= self.times(self.solve(step))
            w, squared_residual = w + step, q @ q
        if not squared_residual > COLLINEAR_TOL**2 * squared_norm or m == self._capacity:
            return False
        if m == self._R.shape[0]:
            self._grow()
        self._R[:m, m], self._R[m, m] = w, np.sqrt(squared_residual)
        self._m = m + 1
        if self._source is None:
            self._columns[:, m] = z
            self._index[m] = m
        else:
            self._index[m] = feature
        return True

    def remove(self, k):
        """Delete active column k: R without it is upper Hessenberg from column k on, and
        Givens rotations of rows (i, i+1) make it triangular again (stable, O(m²))."""
        m = self.m
        delete_column(self._R, m, k)
        self._m = m - 1
        if self._source is None:
            self._columns[:, k : m - 1] = self._columns[:, k + 1 : m]
        else:
            self._index[k : m - 1] = self._index[k + 1 : m]

    def direction(self, rhs):
        """``δ = G⁻¹ rhs`` (refined once against G) and ``Z_A δ``."""
        delta = self.gram_solve(rhs)
        delta += self.gram_solve(rhs - self.gram_times(delta))
        return delta, self.times(delta)

    def least_squares(self, y):
        """``G⁻¹Z_Aᵀy`` refined once against Z_A (corrected semi-normal equations), and
        the fitted values."""
        coef = self.gram_solve(self.rdot(y))
        coef += self.gram_solve(self.rdot(y - self.times(coef)))
        return coef, self.times(coef)
