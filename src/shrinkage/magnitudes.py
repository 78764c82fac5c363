"""Exact power-of-two rescaling of data whose squares would overflow or underflow.

The squared-loss objective is homogeneous in the data. With column scales ``c_j`` and a
target scale ``s``, ``X̃ = X·C⁻¹`` and ``ỹ = y/s``, the substitution ``w_j = s·w̃_j/c_j``
gives::

    1/(2n)‖y − Xw‖² + Σ_j (a_j |w_j| + ½ b_j w_j²)
        = s² · [ 1/(2n)‖ỹ − X̃w̃‖² + Σ_j (ã_j |w̃_j| + ½ b̃_j w̃_j²) ],
    ã_j = a_j / (s·c_j),      b̃_j = b_j / c_j².

Since ``a_j = α ρ f_j σ_j`` and ``b_j = α (1 − ρ) f_j σ_j²`` (σ_j = 1 without
standardisation, :mod:`shrinkage.penalties`), the rescaled problem is the same penalty
with the column scale ``σ̃_j = σ_j / c_j`` and its L1 weights divided by ``s``. Its
duality gap is the original one divided by ``s²``, so the *relative* gap, which the
solvers certify, is unchanged, and the per-feature KKT residual is the original one
divided by ``s·c_j``.

Every scale is a power of two, so ``X̃`` and ``ỹ`` are the given numbers with other
exponents: no rounding, and nothing changes for data already in range. Data are in
range when every |value| lies in ``[2^-e, 2^e]`` with ``e = maxexp/8`` in float64 (the
certificates take fourth powers: ``(Xᵀr)²`` in the conjugate of the L2 part) and
``e = maxexp/4`` in float32 (the kernels sum squares over the rows in float32). Only
data out of range are copied and rescaled.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1e200, 1.0], [-3e200, 2.0]]); y = np.array([1.0, 2.0])
>>> m = Magnitudes.of(X, y)
>>> m.column.tolist(), m.target
([665, 0], 0)
>>> m.to_original(m.to_internal(np.array([5e-201, 3.0]))).tolist()
[5e-201, 3.0]
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from ._uniform import is_uniform, uniform

__all__ = ["Magnitudes", "column_max_abs"]


def _range_exponent(dtype) -> int:
    info = np.finfo(dtype)
    return info.maxexp // (8 if info.bits == 64 else 4)


def _exponent_of(largest, exponent):
    """``k`` with ``2^k`` near ``largest`` where ``largest`` is positive and out of
    ``[2^-e, 2^e]``, 0 elsewhere: dividing by ``2^k`` brings the largest value near 1."""
    largest = np.asarray(largest, dtype=np.float64)
    out = (largest > 0) & ((largest > 2.0**exponent) | (largest < 2.0**-exponent))
    power = np.zeros(largest.shape, dtype=np.int64)
    power[out] = np.frexp(largest[out])[1] - 1
    return power


def column_max_abs(X):
    """``max_i |X_ij|`` for every column, from max and min reductions: no temporary
    of the size of X (``np.abs(X)`` would be one)."""
    if not sp.issparse(X):
        return np.maximum(X.max(axis=0, initial=0.0), -X.min(axis=0, initial=0.0))
    largest = np.zeros(X.shape[1])
    stored = np.diff(X.indptr) > 0
    starts = X.indptr[:-1][stored]
    if starts.size:
        top, bottom = np.maximum.reduceat(X.data, starts), np.minimum.reduceat(X.data, starts)
        largest[stored] = np.maximum(top, -bottom)
    return largest


@dataclass(frozen=True)
class Magnitudes:
    """The scales of one problem as powers of two: ``c_j = 2^column[j]`` (``column`` None
    when every c_j is 1) and ``s = 2^target``. :meth:`of` measures them; the identity
    scaling changes nothing and costs nothing."""

    column: np.ndarray | None = None
    target: int = 0

    @classmethod
    def of(cls, X, y) -> Magnitudes:
        """The power-of-two scales that bring X's columns and y into range."""
        exponent = _range_exponent(X.dtype)
        column = _exponent_of(column_max_abs(X), exponent)
        target = int(_exponent_of(np.max(np.abs(y), initial=0.0), exponent))
        return cls(column if np.any(column) else None, target)

    @property
    def is_identity(self) -> bool:
        return self.column is None and self.target == 0

    @property
    def target_scale(self) -> float:
        return float(np.ldexp(1.0, self.target))

    def rescale(self, X, y):
        """``(X̃, ỹ)``: new arrays (never the caller's) where a scale differs from 1;
        ``ldexp`` changes exponents only, so no value is rounded."""
        if self.column is not None:
            if sp.issparse(X):
                X = sp.csc_matrix(X, copy=True)
                X.data = np.ldexp(X.data, -self.column[X.indices]).astype(X.dtype)
            else:
                X = np.asfortranarray(np.ldexp(X, -self.column).astype(X.dtype))
        if self.target:
            y = np.ldexp(np.asarray(y), -self.target).astype(np.asarray(y).dtype)
        return X, y

    def penalty_scale(self, scale):
        """The column scale of the rescaled problem, ``σ̃ = σ/c``: ``scale`` itself when
        given (σ̃ measured on the rescaled design), else ``1/c`` (σ = 1)."""
        if scale is not None or self.column is None:
            return scale
        return np.ldexp(1.0, -self.column)

    def to_original_scale(self, scale):
        """A column scale of the rescaled problem (σ̃) in the caller's units: ``c·σ̃``."""
        if self.column is None:
            return np.asarray(scale, dtype=np.float64)
        return np.ldexp(np.asarray(scale, dtype=np.float64), self.column)

    def l1_weights(self, weights):
        """``a / s``; a uniform view stays one."""
        if not self.target:
            return weights
        if is_uniform(weights):
            return uniform(np.ldexp(weights[0], -self.target), weights.shape[0])
        return np.ldexp(weights, -self.target)

    def _exponents(self, n_features):
        """``log2(s/c_j)`` for every feature: ``w = 2^k · w̃``."""
        column = np.zeros(n_features, dtype=np.int64) if self.column is None else self.column
        return self.target - column

    def to_original(self, w):
        """Rescaled coefficients back to the caller's units: ``w = s·w̃/c``."""
        if self.is_identity:
            return w
        w = np.asarray(w)
        return np.ldexp(w, self._exponents(w.shape[-1])).astype(w.dtype)

    def to_internal(self, w):
        """The caller's coefficients in the rescaled problem: ``w̃ = c·w/s``."""
        if self.is_identity:
            return w
        w = np.asarray(w, dtype=np.float64)
        return np.ldexp(w, -self._exponents(w.shape[-1]))

    def coefs_to_original(self, coefs):
        """A path's coefficient block (dense rows, in place, or CSR)."""
        if self.is_identity:
            return coefs
        exponents = self._exponents(coefs.shape[1])
        if sp.issparse(coefs):
            coefs.data = np.ldexp(coefs.data, exponents[coefs.indices]).astype(coefs.dtype)
            return coefs
        coefs[...] = np.ldexp(coefs, exponents)
        return coefs

    def objective_to_original(self, value):
        """An objective value or a gap: ``s²`` times the rescaled one (inf where that
        overflows float64: then only the relative gap is a number)."""
        if not self.target:
            return value
        with np.errstate(over="ignore"):
            return float(np.ldexp(value, 2 * self.target))

    def certificate_to_original(self, certificate):
        """The certificate in the caller's units; the relative gap is unchanged."""
        if self.is_identity:
            return certificate
        up = self.objective_to_original
        kkt, largest = certificate.kkt_residual, certificate.largest_kkt
        column = 0 if self.column is None else self.column
        with np.errstate(over="ignore"):
            if kkt is not None:  # ∂P/∂w_j = s·c_j · ∂P̃/∂w̃_j
                kkt = np.ldexp(kkt, self.target + column)
            if largest is not None:  # a bound: the largest c_j times the largest residual
                largest = float(np.ldexp(largest, self.target + int(np.max(column))))
        return replace(
            certificate, primal=up(certificate.primal), dual=up(certificate.dual),
            dual_gap=up(certificate.dual_gap), primal_at_zero=up(certificate.primal_at_zero),
            kkt_residual=kkt, largest_kkt=largest,
        )  # fmt: skip
