"""A certificate may stop at its penalty's side.

:func:`~shrinkage._kernels.logistic_loss.gap_near` splits the duality gap at the shrunk
dual point θ' into two Fenchel–Young gaps, the loss's (n entropies) and the penalty's
(O(p)), and returns the penalty's alone where it already exceeds the target. That value
must be a lower bound of the gap (the certificate fails either way), the KKT residuals
must be the same, and the rest of the gap must be the loss's Fenchel–Young gap, which is
never negative: for any θ (summing to 0 or not) and any intercept.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from _strategies import derivatives, logistic_samples
from shrinkage._kernels.logistic_loss import clip_dual_point, dual_value, gap_near
from shrinkage._kernels.penalty_side import shrink_factor

EPS = np.finfo(float).eps


@st.composite
def _points(draw):
    rng, _, y, s = draw(logistic_samples(st.integers(3, 40), [1.0]))
    n = y.shape[0]
    p = draw(st.integers(1, 12))
    X = rng.standard_normal((n, p))
    w = rng.standard_normal(p) * (rng.random(p) < 0.5)
    intercept = draw(st.sampled_from([0.0, 0.7, -2.5]))
    l1_ratio = draw(st.sampled_from([1.0, 0.5, 0.0]))
    scale = draw(st.sampled_from([1e-3, 0.05, 0.5]))
    # θ = −g, moved off the gradient (a correction that need not sum to 0), clipped
    move = draw(st.sampled_from([0.0, 1e-4, 0.05]))
    return X, y, s, w, intercept, l1_ratio, scale, move, rng


@given(_points())
@settings(max_examples=200, deadline=None)
def test_the_penalty_side_is_a_lower_bound_and_the_rest_the_loss_side(point):
    X, y, s, w, intercept, l1_ratio, scale, move, rng = point
    n, p = X.shape
    z = X @ w + intercept
    loss, g, h = derivatives(z, y, s)
    theta = -g + move * rng.standard_normal(n) * s / n
    clip_dual_point(y, s, theta, np.empty(n))
    corr = X.T @ theta
    a = np.full(p, scale * l1_ratio)
    b = np.full(p, scale * (1.0 - l1_ratio))
    gradient = X.T @ g
    kkt_full, kkt_lower = np.empty(p), np.empty(p)
    full, largest = gap_near(y, s, theta, corr, gradient, w, intercept, a, b, False,
                             kkt_full, z, g, loss, np.inf)  # fmt: skip
    lower, largest_lower = gap_near(y, s, theta, corr, gradient, w, intercept, a, b, False,
                                    kkt_lower, z, g, loss, -np.inf)  # fmt: skip
    assert largest_lower == largest
    np.testing.assert_array_equal(kkt_lower, kkt_full)
    if not np.isfinite(full):
        return  # θ outside the elastic net's conjugate domain (no L2 and no shrink)
    # the loss's Fenchel–Young gap at θ' = θ/shrink, from the exact entropies
    shrink = shrink_factor(corr, a, b, False)
    loss_side = loss + dual_value(y, s, theta, shrink) * -1.0 + (z @ theta) / shrink
    rounding = 64 * EPS * (float(s @ (np.abs(z) + 1.0)) / n + abs(loss) + abs(full))
    assert loss_side >= -rounding
    assert lower <= full + rounding
    # near the gradient the bounded entropies are the exact ones to 1e-6 of the dual
    assert abs((full - lower) - loss_side) <= 1e-6 * (abs(loss) + 1.0) + rounding


def test_a_start_moved_off_its_solution_fails_on_the_penalty_side():
    """A coefficient moved off a point whose θ = −g: the penalty's Fenchel–Young gap
    alone exceeds a target that the full gap also exceeds."""
    rng = np.random.default_rng(0)
    n, p = 200, 5
    X = rng.standard_normal((n, p))
    y = (X[:, 0] + rng.standard_normal(n) > 0).astype(float)
    s = np.ones(n)
    w = np.array([1.0, 0.0, 0.0, 0.0, 0.0])
    z = X @ w
    loss, g, h = derivatives(z, y, s)
    corr = X.T @ -g
    a = np.full(p, abs(corr[0]))  # w[0]'s subgradient condition holds at this α
    moved = w * 1.2  # as a secant start moves it
    z_moved = X @ moved
    loss_moved, g_moved, _ = derivatives(z_moved, y, s)
    kkt = np.empty(p)
    full, _ = gap_near(y, s, -g_moved, X.T @ -g_moved, X.T @ g_moved, moved, 0.0, a,
                       np.zeros(p), False, kkt, z_moved, g_moved, loss_moved, np.inf)  # fmt: skip
    target = 0.1 * full
    lower, _ = gap_near(y, s, -g_moved, X.T @ -g_moved, X.T @ g_moved, moved, 0.0, a,
                        np.zeros(p), False, kkt, z_moved, g_moved, loss_moved, target)  # fmt: skip
    assert target < lower <= full * (1 + 1e-12)
