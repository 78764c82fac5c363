"""The backtracking line search of the proximal-Newton solvers written in Python
(:mod:`.box`, :mod:`.group_glm`): Armijo's rule on the true objective, read to its
rounding."""

from __future__ import annotations

import numpy as np

__all__ = ["armijo_step"]

#: Armijo's constant and the halvings tried
ARMIJO, HALVINGS = 1e-4, 40


def armijo_step(change, slope, resolution):
    """The first ``t ∈ {1, ½, ¼, …}`` with ``P(x + t d) − P(x) ≤ ARMIJO · t · slope``.

    Parameters
    ----------
    change : callable
        ``t ↦ P(x + t d) − P(x)``, summed term by term where it can be (a change far
        below ``ε·P`` keeps its sign).
    slope : float
        The directional derivative's bound ``∇F·d + penalty(x + d) − penalty(x)`` (< 0
        for a descent direction of a proximal-Newton model).
    resolution : float
        The rounding of P. Below it Armijo's condition cannot be read: a slope above
        ``−resolution`` takes the whole step if that does not raise P beyond the
        rounding (the caller's certificate judges the point).

    Returns
    -------
    float or None
        None when no halving descends.

    Examples
    --------
    >>> armijo_step(lambda t: (t - 1.0) ** 2 - 1.0, -2.0, 1e-15)
    1.0
    >>> armijo_step(lambda t: (4 * t - 1.0) ** 2 - 1.0, -8.0, 1e-15)
    0.25
    """
    if slope > -resolution:
        return 1.0 if change(1.0) <= resolution else None
    t = 1.0
    for _ in range(HALVINGS):
        decrease = change(t)
        if np.isfinite(decrease) and decrease <= ARMIJO * t * slope:
            return t
        t *= 0.5
    return None
