"""What a path hands from one α to the next, and the penalty weights of one solve.

:class:`WarmStart` replaces the flags a solver would otherwise take only for the path's
sake: the start to solve *in place* (a row of the path's output), whether the solver's
state already holds its residual, and a screening rule's guess of the support.
:class:`Weights` resolves the per-feature penalty weights once per solve: in the data's
dtype, in float64 for the certificates, and in the form the kernels take (one number
when every feature has the same weight, :mod:`shrinkage._uniform`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._uniform import as_weights, for_kernel, take, zero_features

__all__ = ["WarmStart", "Weights"]


@dataclass(frozen=True)
class WarmStart:
    """A start handed over by a path.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The start. A contiguous writable array of the solver's dtype is solved in place
        and returned as the result's ``coef``; anything else is copied.
    state_is_current : bool
        The solver's state already holds the residual (or ``q = Xᵀy − Gw``) of
        ``coef``: its O(np) (or O(p²)) reset is skipped.
    working_set : ndarray of int, optional
        Features to solve on first, before any full check (the sequential strong rule
        along a path). A guess: the full KKT check corrects it.

    Examples
    --------
    >>> import numpy as np
    >>> start = WarmStart(np.zeros(3), state_is_current=True)
    >>> start.working_set is None
    True
    """

    coef: np.ndarray
    state_is_current: bool = False
    working_set: np.ndarray | None = None

    def coef_for(self, dtype, size):
        """``(w, in_place)``: the start itself when it can be solved in place, else a
        copy in ``dtype``."""
        w = self.coef
        in_place = (
            isinstance(w, np.ndarray) and w.dtype == dtype and w.shape == (size,)
            and w.flags.c_contiguous and w.flags.writeable
        )  # fmt: skip
        return (w, True) if in_place else (np.array(w, dtype=dtype), False)


def starting_point(coef_init, dtype, size):
    """``(w, warm)`` for a solver's ``coef_init`` (None, an array, or a
    :class:`WarmStart`): ``w`` to iterate on (a copy unless a warm start hands its array
    over) and the :class:`WarmStart` (a plain one for arrays and None)."""
    if isinstance(coef_init, WarmStart):
        w, in_place = coef_init.coef_for(dtype, size)
        current = coef_init.state_is_current and in_place
        return w, WarmStart(w, current, coef_init.working_set)
    w = np.zeros(size, dtype=dtype) if coef_init is None else np.array(coef_init, dtype=dtype)
    return w, WarmStart(w)


@dataclass(frozen=True)
class Weights:
    """The weights ``a_j`` (L1) and ``b_j`` (L2) of one solve, resolved once.

    Attributes
    ----------
    l1, l2 : ndarray of shape (n_features,)
        In the data's dtype; a uniform view (:func:`shrinkage._uniform.uniform`) stays
        one.
    l1_64, l2_64 : ndarray
        The same in float64 (certificates).
    kernel_l1, kernel_l2 : float or ndarray
        What the numba kernels take (:func:`shrinkage._uniform.for_kernel`).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._uniform import uniform
    >>> weights = Weights.resolve(uniform(0.5, 3), np.zeros(3), np.float32)
    >>> weights.kernel_l1, weights.l1.dtype, weights.l2_64.dtype
    (0.5, dtype('float32'), dtype('float64'))
    """

    l1: np.ndarray
    l2: np.ndarray
    l1_64: np.ndarray
    l2_64: np.ndarray
    kernel_l1: object
    kernel_l2: object

    @classmethod
    def resolve(cls, l1_weight, l2_weight, dtype=np.float64):
        """The weights for data of ``dtype``."""
        a, b = as_weights(l1_weight, dtype), as_weights(l2_weight, dtype)
        if np.dtype(dtype) == np.float64:  # the common case: one form serves both
            return cls(a, b, a, b, for_kernel(a), for_kernel(b))
        a64, b64 = as_weights(a, np.float64), as_weights(b, np.float64)
        return cls(a, b, a64, b64, for_kernel(a), for_kernel(b))

    def pure_l2(self):
        """Features with no L1 weight (never exactly zero)."""
        return zero_features(self.l1)

    def every_feature_penalised(self):
        """No feature with both weights 0."""
        return not np.any(take(self.l2, self.pure_l2()) == 0)
