"""``expm1`` and ``log1p`` of small arguments as polynomials.

:mod:`~shrinkage._kernels.small_arguments` replaces the C library's functions in the
vectorised row loops of the line search; they must be as accurate as the library's on
their ranges: compared here with extended precision, relatively (the arguments go down
to 1e-300, where an absolute error would hide a wrong leading term; ``log1p_small``
halves a subnormal x, which may round it to 0).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage._kernels.small_arguments import SMALL, expm1_small, log1p_small

EPS = np.finfo(float).eps
LOW, HIGH = float(np.expm1(-SMALL)), float(np.expm1(SMALL))


def _relative_error(value, exact):
    exact = np.longdouble(exact)
    return float(abs(np.longdouble(value) - exact) / abs(exact)) if exact != 0 else abs(value)


@given(st.floats(-SMALL, SMALL))
@settings(max_examples=500, deadline=None)
def test_expm1_small_is_accurate_to_an_ulp_or_two(v):
    exact = np.expm1(np.longdouble(v))
    assert _relative_error(expm1_small(v), exact) <= 2 * EPS


@given(st.floats(LOW, HIGH).filter(lambda x: x == 0.0 or abs(x) >= 1e-300))
@settings(max_examples=500, deadline=None)
def test_log1p_small_is_accurate_to_a_few_ulps(x):
    exact = np.log1p(np.longdouble(x))
    assert _relative_error(log1p_small(x), exact) <= 3 * EPS


def test_the_ends_of_the_ranges_and_zero():
    for v in (-SMALL, SMALL, 1e-300, -5e-324, 0.5):
        assert _relative_error(expm1_small(v), np.expm1(np.longdouble(v))) <= 2 * EPS
    for x in (LOW, HIGH, 1e-300, -0.3, 0.9):
        assert _relative_error(log1p_small(x), np.log1p(np.longdouble(x))) <= 3 * EPS
    assert expm1_small(0.0) == 0.0 and log1p_small(0.0) == 0.0
