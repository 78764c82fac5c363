"""The compiled path's line search and the derivatives it leaves at the accepted step.

:func:`~shrinkage._kernels.logistic_step.armijo_step` reads σ(z) from the gradient and
keeps its last trial's ``expm1(t·u)``, from which
:func:`~shrinkage._kernels.logistic_step.moved_derivatives` forms the gradient and
curvature at ``z + t·u`` without an exponential. Checked here against
:func:`~shrinkage._kernels.logistic_loss.loss_derivatives` at the new point and against
the loss change in extended precision, on rows far on both sides of the decision
boundary and on moves past the exact formula's range (|t·u| > 1).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numba import njit

from _strategies import derivatives, logistic_samples
from shrinkage._kernels.logistic_loss import (
    curvature_from_gradient,
    loss_derivatives,
    loss_gradient,
)
from shrinkage._kernels.logistic_step import _trial_change, armijo_step, moved_derivatives

EPS = np.finfo(float).eps


def _row_change_extended(z, v, y):
    """``ℓ(z + v) − ℓ(z)`` of one row in extended precision (80-bit on x86)."""
    z, v, y = np.longdouble(z), np.longdouble(v), np.longdouble(y)
    if abs(v) <= 1:
        prob = 1 / (1 + np.exp(-z))
        change = np.log1p(prob * np.expm1(v))
    else:
        change = np.logaddexp(np.longdouble(0), z + v) - np.logaddexp(np.longdouble(0), z)
    return change - y * v


@st.composite
def _rows(draw):
    rng, z, y, s = draw(logistic_samples(st.integers(1, 40), [1.0, 10.0, 40.0]))
    u = draw(st.sampled_from([1e-9, 1e-3, 0.3, 3.0])) * rng.standard_normal(z.shape[0])
    if draw(st.booleans()):  # rows outside the step's columns of sparse X do not move
        u *= rng.random(z.shape[0]) < 0.6
    t = draw(st.sampled_from([1.0, 0.5, 0.125]))
    return z, u, y, s, t


@given(_rows())
@settings(max_examples=150, deadline=None)
def test_the_derivatives_after_a_step_are_those_at_the_new_point(rows):
    z, u, y, s, t = rows
    n = z.shape[0]
    loss, g, h = derivatives(z, y, s)
    growth = np.full(n, np.nan)
    change, error = _trial_change(z, u, t, y, s, g, growth)
    moved, g_moved, h_moved = z.copy(), g.copy(), h.copy()
    moved_derivatives(moved, u, t, y, s, g_moved, h_moved, growth)
    assert np.array_equal(moved, z + t * u)
    new_loss = loss_derivatives(moved, y, s, np.empty(n), np.empty(n))
    # against extended precision: to a few ulps, and to ε·s/n absolutely (σ and 1 − σ
    # are read from a gradient whose σ − y is exact to ε absolutely, as the sigmoid's)
    prob = 1 / (1 + np.exp(-moved.astype(np.longdouble)))
    g_exact = (s * (prob - y) / n).astype(float)
    h_exact = np.maximum((s * prob * (1 - prob) / n).astype(float), 1e-12 / n)
    assert np.all(np.abs(g_moved - g_exact) <= 1e-13 * np.abs(g_exact) + 8 * EPS * s / n)
    assert np.all(np.abs(h_moved - h_exact) <= 1e-13 * h_exact + 8 * EPS * s / n)
    assert np.all(h_moved >= 1e-12 / n)
    # the change against extended precision, within its bound and the sum's rounding
    terms = np.array([s[i] * _row_change_extended(z[i], t * u[i], y[i]) for i in range(n)])
    exact = float(terms.sum() / n)
    assert abs(change - exact) <= error + n * EPS * float(np.abs(terms).sum()) / n + 1e-300
    assert error >= 0.0
    # the loss carried forward agrees with the one summed afresh (whose terms
    # softplus(z) − yz round to ε of |z| + 1 each)
    fresh_rounding = 4 * n * EPS * float(s @ (np.abs(z) + np.abs(moved) + 1.0)) / n
    assert abs(loss + change - new_loss) <= error + fresh_rounding


def test_the_line_search_halves_until_sufficient_descent():
    """On a step twice too long for the 1-D loss, the accepted t is the halving the
    Armijo condition first admits, and its change is the loss's change at that t."""
    z = np.array([0.0, 0.5, -1.0])
    y = np.array([1.0, 0.0, 1.0])
    s = np.ones(3)
    g, h = np.empty(3), np.empty(3)
    loss = loss_derivatives(z, y, s, g, h)
    u = -100.0 * g / h  # far beyond the Newton step: backtracking must shorten it
    w = np.zeros(1)
    step = np.zeros(1)
    zero = np.zeros(1)
    growth = np.empty(3)
    t, change, _ = armijo_step(z, u, y, s, w, step, zero, zero, g, 0.01, growth)
    assert 0.0 < t < 1.0
    # every longer halving failed the condition, this one meets it
    slope = float(g @ u)
    assert change <= 0.01 * t * slope
    fresh = loss_derivatives(z + t * u, y, s, np.empty(3), np.empty(3)) - loss
    assert abs(change - fresh) <= 1e-14
    longer = 2.0 * t
    fresh = loss_derivatives(z + longer * u, y, s, np.empty(3), np.empty(3)) - loss
    assert fresh > 0.01 * longer * slope


def test_no_descent_returns_a_zero_step():
    z = np.array([0.3, -0.2])
    y = np.array([1.0, 0.0])
    s = np.ones(2)
    g, h = np.empty(2), np.empty(2)
    loss_derivatives(z, y, s, g, h)
    u = g.copy()  # an ascent direction
    zero = np.zeros(1)
    t, change, error = armijo_step(z, u, y, s, zero, zero, zero, zero, g, 0.01, np.empty(2))
    assert (t, change, error) == (0.0, 0.0, 0.0)


@njit
def _gradient_then_curvature(z, y, s, g, h):
    loss = loss_gradient(z, y, s, g)
    curvature_from_gradient(g, y, s, h)
    return loss


@given(logistic_samples(st.integers(1, 40), [1.0, 10.0, 40.0]))
@settings(max_examples=150, deadline=None)
def test_the_secant_start_reads_its_curvature_from_its_gradient(samples):
    """The secant start's loss and gradient are those of ``loss_derivatives`` exactly,
    and its curvature, read from the gradient, is the same to ε·s/n absolutely (rows of
    weight 0 at the floor)."""
    _, z, y, s = samples
    n = z.shape[0]
    loss, g, h = derivatives(z, y, s)
    g_read, h_read = np.full(n, np.nan), np.full(n, np.nan)
    assert _gradient_then_curvature(z, y, s, g_read, h_read) == loss
    assert np.array_equal(g_read, g)
    assert np.all(np.abs(h_read - h) <= 1e-13 * h + 8 * EPS * s / n)
    assert np.all(h_read >= 1e-12 / n)
    assert np.all(h_read[s == 0] == 1e-12 / n)
