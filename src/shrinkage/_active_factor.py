"""The active-set factorisation of the homotopy path: Z_A, G = Z_AᵀZ_A and its Cholesky
factor R (RᵀR = G), grown by one column and shrunk by Givens rotations.

Kept apart from :mod:`shrinkage.homotopy` so that the path logic reads on its own.
"""

from __future__ import annotations

import numpy as np

from ._kernels.columns import column_dots_dense, subtract_columns_dense
from ._kernels.triangular import delete_column, solve_upper, solve_upper_transposed

# a column whose residual after projection on the active columns is below this fraction
# of its norm is collinear with them: it is not added (scikit-learn's lars_path uses 1e-7)
COLLINEAR_TOL = 1e-7


class _ActiveFactor:
    """Active columns Z_A (n × m), their Gram matrix G = Z_AᵀZ_A (buffers allocated once:
    m ≤ min(n, p)) and the upper-triangular R with RᵀR = G.

    Only level-2 operations on single vectors: on a busy machine, threaded BLAS calls
    on thin blocks (two right-hand sides, a QR of a Hessenberg block) were 10-100×
    slower than these; ``Z_Aᵀv`` uses the single-threaded column kernel."""

    def __init__(self, n, capacity):
        self._columns = np.empty((n, capacity), order="F")
        self._gram = np.zeros((capacity, capacity), order="F")  # finite beyond m
        self._R = np.zeros((capacity, capacity), order="F")  # R in the leading m × m
        self._all = np.arange(capacity)
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
        return self._columns[:, : self.m]

    def rdot(self, v):
        """``Z_Aᵀv``."""
        out = np.empty(self.m)
        column_dots_dense(self._columns, v, self._all[: self.m], out)
        return out

    def times(self, x):
        """``Z_A x``."""
        out = np.zeros(self._columns.shape[0])
        subtract_columns_dense(self._columns, out, self._all[: self.m], -x)
        return out

    def gram_times(self, x):
        """``G x`` (G is symmetric; entries beyond m meet the zero padding of x)."""
        padded, out = np.zeros(self._all.size), np.empty(self.m)
        padded[: self.m] = x
        column_dots_dense(self._gram, padded, self._all[: self.m], out)
        return out

    def solve(self, b):
        """``R⁻¹ b``."""
        return solve_upper(self._R, self._m, np.asarray(b, dtype=np.float64))

    def solve_transposed(self, b):
        """``R⁻ᵀ b``."""
        return solve_upper_transposed(self._R, self._m, np.asarray(b, dtype=np.float64))

    def gram_solve(self, b):
        return self.solve(self.solve_transposed(b))

    def try_add(self, z) -> bool:
        """Append z unless it is collinear with the active columns (returns False)."""
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
        if not squared_residual > COLLINEAR_TOL**2 * squared_norm or m == self._all.size:
            return False
        self._R[:m, m], self._R[m, m] = w, np.sqrt(squared_residual)
        self._m = m + 1
        self._columns[:, m] = z
        self._gram[:m, m] = self._gram[m, :m] = cross
        self._gram[m, m] = squared_norm
        return True

    def remove(self, k):
        """Delete active column k: R without it is upper Hessenberg from column k on, and
        Givens rotations of rows (i, i+1) make it triangular again (stable, O(m²))."""
        m = self.m
        delete_column(self._R, m, k)
        self._m = m - 1
        self._columns[:, k : m - 1] = self._columns[:, k + 1 : m]
        self._gram[k : m - 1, :m] = self._gram[k + 1 : m, :m]
        self._gram[:m, k : m - 1] = self._gram[:m, k + 1 : m]

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
