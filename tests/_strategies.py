"""Hypothesis strategies shared by the tests of the compiled logistic kernels."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from shrinkage._kernels.logistic_loss import loss_derivatives


@st.composite
def logistic_samples(draw, sizes, spreads):
    """``(rng, z, y, s)``: a seeded generator, predictors ``spread·N(0, 1)`` (the spread
    drawn from ``spreads``), labels 0/1 and weights summing to n with about one in ten 0,
    for n drawn from ``sizes``."""
    n = draw(sizes)
    rng = np.random.default_rng(draw(st.integers(0, 2**31 - 1)))
    z = draw(st.sampled_from(spreads)) * rng.standard_normal(n)
    y = rng.integers(0, 2, n).astype(float)
    s = rng.exponential(size=n) * (rng.random(n) < 0.9)
    return rng, z, y, s * (n / max(s.sum(), 1e-300))


def derivatives(z, y, s):
    """``(F(z), gradient, curvature)`` of :func:`loss_derivatives` at z."""
    g, h = np.empty(z.shape[0]), np.empty(z.shape[0])
    return loss_derivatives(z, y, s, g, h), g, h
