"""Box constraints ``l_j ≤ w_j ≤ u_j`` on the coefficients: glmnet's ``lower.limits`` and
``upper.limits``.

The constraint is the indicator ι_[l_j, u_j] added to each feature's penalty, so that the
per-feature term becomes::

    h_j(w) = a_j|w| + ½ b_j w² + ι_[l_j, u_j](w),      l_j ≤ 0 ≤ u_j,

with the weights a, b of :mod:`shrinkage.penalties`. As in glmnet, every box contains 0
(``l_j ≤ 0 ≤ u_j``; ±inf for no bound): a path starts at w = 0, and ``positive=True``
is the box ``[0, ∞)``. This module holds the maths every solver and certificate of a
boxed problem uses (NumPy, vectorised over features):

- the exact coordinate minimiser is the unconstrained one clipped to the box (a convex
  function of one variable, minimised over an interval);
- the conjugate ``h_j*(v) = sup_{l ≤ w ≤ u} v w − a|w| − ½ b w²`` is attained at
  ``w = clip(S(v, a)/b, l, u)`` for b > 0; for b = 0 it is
  ``u·max(v − a, 0) + l·min(v + a, 0)``: finite everywhere when both bounds are
  finite, so a bounded lasso feature needs no shrinking of the dual point;
- w = 0 is optimal for feature j iff the correlation c_j = −∂_jF(0) satisfies
  ``c_j ≤ a_j`` where ``u_j > 0`` and ``−c_j ≤ a_j`` where ``l_j < 0``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "box_conjugate",
    "box_subdiff_distance",
    "check_bounds",
    "clip_to_box",
    "open_sides",
]


def check_bounds(lower, upper, n_features=None):
    """``(lower, upper)`` as read-only float64 arrays (or None where not given), checked.

    Each is None, one number for every feature, or one per feature; NaN is an error,
    ``lower > upper`` is an error naming the features, and, as in glmnet, each box must
    contain 0 (``lower ≤ 0 ≤ upper``).

    Examples
    --------
    >>> check_bounds(-1.0, [2.0, 0.0])
    (array(-1.), array([2., 0.]))
    >>> check_bounds([1.0, -1.0], 0.5)
    Traceback (most recent call last):
    ...
    ValueError: lower > upper at feature indices [0]: each coefficient needs lower ≤ upper.
    """
    low, high = _as_bound(lower, "lower", n_features), _as_bound(upper, "upper", n_features)
    if low is not None and high is not None:
        crossed = np.broadcast_to(low > high, np.broadcast_shapes(low.shape, high.shape))
        if np.any(crossed):
            bad = np.flatnonzero(np.atleast_1d(crossed))[:5].tolist()
            raise ValueError(f"lower > upper at feature indices {bad}: each coefficient "
                             "needs lower ≤ upper.")  # fmt: skip
    for name, outside, side in (
        ("lower", low is not None and low > 0, "≤ 0"),
        ("upper", high is not None and high < 0, "≥ 0"),
    ):
        if np.any(outside):
            bad = np.flatnonzero(np.atleast_1d(outside))[:5].tolist()
            raise ValueError(
                f"{name} must be {side} (at feature indices {bad}): every box must "
                "contain 0, as in glmnet, so that a path can start at w = 0. To keep a "
                "coefficient away from 0, leave it unpenalised (penalty_factor 0) instead."
            )
    return low, high


def _as_bound(value, name, n_features):
    """One bound as a read-only float64 array (0-d or 1-d), or None."""
    if value is None:
        return None
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {array.dtype}.")
    array = np.array(array, dtype=np.float64)
    if array.ndim > 1:
        raise ValueError(f"{name} must be a number or a 1-d array, got shape {array.shape}.")
    if np.any(np.isnan(array)):
        raise ValueError(f"{name} contains NaN (use -inf or inf for no bound).")
    if n_features is not None and array.ndim == 1 and array.shape[0] != n_features:
        raise ValueError(f"{name} has {array.shape[0]} entries but X has {n_features} "
                         "features.")  # fmt: skip
    array.setflags(write=False)
    return array


def clip_to_box(w, lower, upper):
    """``w`` clipped into ``[lower, upper]`` (the exact minimiser of a one-variable convex
    function over the interval, from the unconstrained one).

    Examples
    --------
    >>> clip_to_box(np.array([-2.0, 0.5, 3.0]), -1.0, np.array([1.0, 0.0, np.inf]))
    array([-1.,  0.,  3.])
    """
    return np.minimum(np.maximum(w, lower), upper)


def open_sides(lower, upper):
    """``(up, down)``: where w can rise above 0 (``u_j > 0``) and fall below it (``l_j < 0``)."""
    return np.asarray(upper) > 0, np.asarray(lower) < 0


def box_conjugate(v, l1_weight, l2_weight, lower, upper, slack=1e-10):
    """``Σ_j h_j*(v_j)`` for ``h_j = a_j|w| + ½ b_j w² + ι_[l_j, u_j]`` (module docstring).

    Returns ``inf`` outside the domain: where b_j = 0 and an infinite bound leaves v_j
    beyond a_j on its side (a relative ``slack`` of a_j is allowed for rounding).

    Examples
    --------
    The lasso box ``[−1, 2]`` with a = 1: ``2·(v − 1)`` above 1, ``−1·(v + 1)`` below −1.

    >>> box_conjugate(np.array([3.0]), np.array([1.0]), np.array([0.0]), -1.0, 2.0)
    4.0
    >>> box_conjugate(np.array([3.0]), np.array([1.0]), np.array([0.0]), -1.0, np.inf)
    inf
    """
    v, a, b = (np.asarray(x, dtype=np.float64) for x in (v, l1_weight, l2_weight))
    lower, upper = (np.broadcast_to(np.asarray(x, dtype=np.float64), v.shape)
                    for x in (lower, upper))  # fmt: skip
    a, b = np.broadcast_to(a, v.shape), np.broadcast_to(b, v.shape)
    smooth = b > 0
    total = 0.0
    if np.any(smooth):
        vs, as_, bs = v[smooth], a[smooth], b[smooth]
        shrunk = np.sign(vs) * np.maximum(np.abs(vs) - as_, 0.0)
        w = clip_to_box(shrunk / bs, lower[smooth], upper[smooth])
        total += float(np.sum(vs * w - as_ * np.abs(w) - 0.5 * bs * w * w))
    flat = ~smooth
    if np.any(flat):
        above = np.maximum(v[flat] - a[flat], 0.0)
        below = np.minimum(v[flat] + a[flat], 0.0)
        room = slack * a[flat]
        for excess, bound in ((above, upper[flat]), (-below, -lower[flat])):
            beyond = excess > room
            if np.any(beyond & np.isinf(bound)):
                return np.inf
            total += float(np.sum(np.where(beyond, bound, 0.0) * excess))
    return total


def box_subdiff_distance(w, grad, l1_weight, l2_weight, lower, upper):
    """KKT residual of ``0 ∈ grad + b w + a ∂|w| + N_[l, u](w)`` per coordinate (N the
    normal cone of the box; ``inf`` outside it).

    Examples
    --------
    At the upper bound 1, a gradient pushing further up (−grad > a) is optimal; one
    pushing down is not.

    >>> box_subdiff_distance(np.array([1.0, 1.0]), np.array([-3.0, 0.5]), 1.0, 0.0,
    ...                      -1.0, 1.0)
    array([0. , 1.5])
    """
    w, grad = np.asarray(w, dtype=np.float64), np.asarray(grad, dtype=np.float64)
    a, b = np.broadcast_to(l1_weight, w.shape), np.broadcast_to(l2_weight, w.shape)
    lower, upper = np.broadcast_to(lower, w.shape), np.broadcast_to(upper, w.shape)
    g = grad + b * w
    # interior (or zero with room on both sides): the box plays no part
    distance = np.where(w == 0, np.maximum(np.abs(g) - a, 0.0), np.abs(g + a * np.sign(w)))
    up, down = open_sides(lower, upper)
    # at 0 with one side closed: only the open side's threshold binds
    zero = w == 0
    distance = np.where(zero & up & ~down, np.maximum(-g - a, 0.0), distance)
    distance = np.where(zero & ~up & down, np.maximum(g - a, 0.0), distance)
    distance = np.where(zero & ~up & ~down, 0.0, distance)
    # at a non-zero bound: the normal cone absorbs the push beyond it
    distance = np.where((w > 0) & (w == upper), np.maximum(g + a, 0.0), distance)
    distance = np.where((w < 0) & (w == lower), np.maximum(a - g, 0.0), distance)
    return np.where((w < lower) | (w > upper), np.inf, distance)
