"""The homotopy's upper-triangular factor R (RᵀR = Z_AᵀZ_A), held in the leading m × m
block of a Fortran buffer allocated once: substitutions and the Givens update that
deletes a column, all reading R down its columns (:mod:`shrinkage.path.active_factor`)."""

import numpy as np

from .jit import kernel


@kernel()
def solve_upper(R, m, b):
    """``x`` with ``R[:m, :m] x = b`` (back substitution)."""
    x = b.copy()
    for j in range(m - 1, -1, -1):
        x[j] /= R[j, j]
        for i in range(j):
            x[i] -= R[i, j] * x[j]
    return x


@kernel()
def solve_upper_transposed(R, m, b):
    """``x`` with ``R[:m, :m]ᵀ x = b`` (forward substitution)."""
    x = b.copy()
    for j in range(m):
        total = x[j]
        for i in range(j):
            total -= R[i, j] * x[i]
        x[j] = total / R[j, j]
    return x


@kernel()
def delete_column(R, m, k):
    """Remove column k of ``R[:m, :m]`` in place: shift the later columns left, then
    Givens rotations of rows (i, i + 1) zero the subdiagonal the shift leaves (stable,
    O(m²)); the freed last row and column are zeroed."""
    for j in range(k, m - 1):
        for i in range(j + 2):
            R[i, j] = R[i, j + 1]
    for i in range(m):
        R[i, m - 1] = 0.0
    for i in range(k, m - 1):
        a, b = R[i, i], R[i + 1, i]
        radius = np.hypot(a, b)
        if radius == 0.0:
            continue
        cos, sin = a / radius, b / radius
        for j in range(i, m - 1):
            top, bottom = R[i, j], R[i + 1, j]
            R[i, j] = cos * top + sin * bottom
            R[i + 1, j] = cos * bottom - sin * top
    for j in range(m):
        R[m - 1, j] = 0.0
