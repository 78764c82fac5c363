"""The secant start of a path's next α, for coefficient arrays of any shape.

:mod:`shrinkage._kernels.prediction` holds the rule (the line through the last two
solutions along log α, signs kept); these are its two uses by the path loops: the
coefficients, whose zeros stay zero, and the intercepts, which follow the line freely.
Each path keeps the guess only where its objective at the new α is the lower one.
"""

from __future__ import annotations

import numpy as np

from .._kernels.prediction import secant_ratio, secant_start

__all__ = ["secant_coefficients", "secant_intercept"]


def secant_coefficients(current, previous, alphas, k):
    """The coefficients predicted at ``alphas[k]`` from those at the two α before.

    Examples
    --------
    >>> alphas = np.array([1.0, 0.5, 0.25])
    >>> secant_coefficients(np.array([2.0, 0.0, 0.1]), np.array([1.0, 0.0, 0.3]), alphas, 2)
    array([3., 0., 0.])
    """
    guess = np.empty(current.size)
    secant_start(np.ravel(current), np.ravel(previous), secant_ratio(alphas, k), guess)
    return guess.reshape(np.shape(current))


def secant_intercept(current, previous, alphas, k):
    """The intercept(s) predicted at ``alphas[k]``: the line, unconstrained."""
    return current + secant_ratio(alphas, k) * (current - previous)
