"""The compiled penalty's side of a certificate against the penalties' NumPy formulas.

:func:`~shrinkage._kernels.penalty_side.penalty_side`, :func:`shrink_factor` and
:func:`kkt_residuals` are written as selects and reassociated sums so that they vectorise,
and take their largest residual afterwards in four lanes
(:func:`~shrinkage._kernels.reductions.largest_nonnegative`): every case of the branches
they replaced (zero and non-zero weights, pure-L1, ridge and free features, features
beyond their weight, positivity) and every length (the four lanes' remainder) must give
the values of :mod:`shrinkage.penalties`.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage._kernels.dual_bounds import mark_read
from shrinkage._kernels.penalty_side import kkt_residuals, penalty_side, shrink_factor
from shrinkage._kernels.reductions import largest_nonnegative
from shrinkage.penalties import conjugate_weighted_enet, subdiff_distance


@st.composite
def _sides(draw):
    p = draw(st.integers(0, 41))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = rng.integers(0, 4, p)  # 0 pure L1, 1 elastic net, 2 ridge, 3 free
    a = np.where(kind <= 1, rng.uniform(0.1, 1.0, p), 0.0)
    b = np.where((kind == 1) | (kind == 2), rng.uniform(0.1, 1.0, p), 0.0)
    w = rng.standard_normal(p) * (rng.random(p) < 0.4)
    corr = rng.standard_normal(p) * draw(st.sampled_from([0.05, 0.5, 2.0]))
    gradient = rng.standard_normal(p) * 0.5
    return corr, gradient, w, a, b, draw(st.booleans())


@given(_sides())
@settings(max_examples=300, deadline=None)
def test_the_penalty_side_matches_the_penalties_formulas(side):
    corr, gradient, w, a, b, positive = side
    pure = (b == 0.0) & (a > 0.0)
    c = np.maximum(corr, 0.0) if positive else np.abs(corr)
    expected_shrink = max(1.0, float(np.max(c[pure] / a[pure], initial=0.0)))
    shrink = shrink_factor(corr, a, b, positive)
    assert shrink == expected_shrink

    kkt = np.full(corr.shape, np.nan)
    penalty, conjugate, largest = penalty_side(corr, shrink, w, gradient, a, b, positive, kkt)
    residuals = subdiff_distance(w, gradient, a, b, positive)
    np.testing.assert_allclose(kkt, residuals, rtol=1e-14, atol=1e-15)
    assert largest == max(0.0, float(np.max(kkt, initial=0.0)))
    if positive and np.any(w < 0.0):
        assert penalty == np.inf
    else:
        expected = float(np.sum(a * np.abs(w) + 0.5 * b * w * w))
        assert abs(penalty - expected) <= 1e-13 * max(1.0, expected)
    weighted = (a != 0.0) | (b != 0.0)  # free features are skipped
    expected = conjugate_weighted_enet(corr[weighted] / shrink, a[weighted], b[weighted],
                                       positive)  # fmt: skip
    if np.isinf(expected):
        assert conjugate == np.inf
    else:
        assert abs(conjugate - expected) <= 1e-13 * max(1.0, expected)

    again = np.full(corr.shape, np.nan)
    assert kkt_residuals(gradient, w, a, b, positive, again) == largest
    np.testing.assert_array_equal(again, kkt)


@given(st.integers(0, 23), st.integers(0, 2**32 - 1))
def test_the_largest_entry_in_four_lanes(p, seed):
    x = np.random.default_rng(seed).exponential(size=p)
    assert largest_nonnegative(x) == max(0.0, float(np.max(x, initial=0.0)))
    assert largest_nonnegative(-x - 1.0) == 0.0


@given(st.integers(0, 30), st.integers(0, 2**32 - 1), st.booleans())
def test_marking_the_columns_read(p, seed, gradient_current):
    rng = np.random.default_rng(seed)
    exact, mask = rng.random(p) < 0.5, rng.random(p) < 0.3
    gradient = rng.standard_normal(p)
    read = exact | mask
    expected = gradient if gradient_current else np.where(read, gradient, 0.0)
    before = gradient.copy()
    unread = mark_read(exact, mask, gradient, gradient_current)
    assert unread == int(np.sum(~read))
    np.testing.assert_array_equal(exact, read)
    np.testing.assert_array_equal(gradient, expected)
    if gradient_current:
        np.testing.assert_array_equal(gradient, before)
