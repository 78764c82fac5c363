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
from shrinkage._kernels.logistic_loss import (
    clip_dual_point,
    divergence_floor,
    dual_value,
    gap_near,
)
from shrinkage._kernels.penalty_side import shrink_factor
from shrinkage.penalties import ElasticNetPenalty
from shrinkage.solvers.logistic import solve_logistic

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


@given(_points(), st.sampled_from([1.0, 1.005, 1.05, 1.5, 4.0]))
@settings(max_examples=200, deadline=None)
def test_the_divergence_floor_bounds_the_loss_side_from_below(point, shrink):
    X, y, s, w, intercept, _, _, move, rng = point
    n = X.shape[0]
    z = X @ w + intercept
    loss, g, _ = derivatives(z, y, s)
    theta = -g + move * rng.standard_normal(n) * s / n
    clip_dual_point(y, s, theta, np.empty(n))
    loss_side = loss - dual_value(y, s, theta, shrink) + (z @ theta) / shrink
    floor = divergence_floor(y, s, theta, shrink, g)
    rounding = 64 * EPS * (float(s @ (np.abs(z) + 1.0)) / n + abs(loss))
    assert 0.0 <= floor <= loss_side + rounding
    if move == 0.0 and shrink > 1.0:
        # θ = −g moved by the shrink alone: the divergence to second order, within the
        # ratio of the curvatures at the two ends
        prob = 1.0 / (1.0 + np.exp(-z))
        q = y - (y - prob) / shrink
        top = np.maximum(prob * (1 - prob), q * (1 - q))
        top[(q - 0.5) * (prob - 0.5) <= 0] = 0.25
        bottom = np.minimum(prob * (1 - prob), q * (1 - q))
        assert floor >= np.min(bottom / top) * loss_side * (1 - 1e-9) - rounding


def test_a_warm_start_at_the_next_alpha_fails_on_the_divergence_floor():
    """The lasso's solution at α, certified at 0.95 α: θ = −g shrinks by about 1/0.95,
    the penalty's side stays below a target that the floor of the loss's side exceeds,
    and the floor is at most the full gap."""
    rng = np.random.default_rng(1)
    n, p = 2000, 4
    X = rng.standard_normal((n, p))
    y = (X @ np.array([2.0, -1.0, 0.0, 0.0]) + rng.logistic(size=n) > 0).astype(float)
    s = np.ones(n)
    fit = solve_logistic(X, y, 0.02, ElasticNetPenalty(l1_ratio=1.0), tol=1e-12,
                         fit_intercept=False)  # fmt: skip
    w = fit.coef
    z = X @ w
    loss, g, _ = derivatives(z, y, s)
    a, b, kkt = np.full(p, 0.95 * 0.02), np.zeros(p), np.empty(p)
    args = (y, s, -g, X.T @ -g, X.T @ g, w, 0.0, a, b, False, kkt, z, g, loss)
    full, _ = gap_near(*args, np.inf)
    penalty_side, _ = gap_near(*args, -np.inf)
    target = 0.5 * full
    assert penalty_side < target
    lower, _ = gap_near(*args, target)
    assert target < lower <= full * (1 + 1e-12)
    shrink = shrink_factor(X.T @ -g, a, b, False)
    assert shrink > 1.02
    floor = divergence_floor(y, s, -g, shrink, g)
    assert abs(lower - (penalty_side + floor)) <= 4 * EPS * lower


@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 0.3, 1.0]))
@settings(max_examples=100, deadline=None)
def test_the_clip_moves_only_the_means_outside_the_interval(seed, zero_weights):
    """``q = y − nθ/s`` clipped to [0, 1], θ = 0 where s = 0, the move in ``change``:
    against NumPy, row by row (the compiled loop selects instead of branching)."""
    rng = np.random.default_rng(seed)
    n = 50
    y = rng.integers(0, 2, n).astype(float)
    s = rng.uniform(0.2, 2.0, n) * (rng.random(n) >= zero_weights * 0.5)
    theta = rng.standard_normal(n) * 0.02
    before = theta.copy()
    change = np.full(n, np.nan)
    moved = clip_dual_point(y, s, theta, change)
    weighted = s > 0
    q = np.where(weighted, y - n * before / np.where(weighted, s, 1.0), 0.0)
    expected = np.where(weighted, s * (y - np.clip(q, 0.0, 1.0)) / n, 0.0)
    expected = np.where(weighted & (q >= 0) & (q <= 1), before, expected)
    np.testing.assert_allclose(theta, expected, rtol=1e-15, atol=1e-300)
    np.testing.assert_array_equal(change == 0.0, theta == before)
    np.testing.assert_allclose(change, theta - before, rtol=1e-15, atol=1e-300)
    assert moved == bool(np.any(theta != before))
