"""The compiled certificate's dual value without a logarithm per sample.

:func:`~shrinkage._kernels.logistic_loss.dual_value_near` bounds the binary entropies
of the dual point's means q by their expansion at σ(z) (Fenchel–Young for the sum at σ,
a Taylor bound on each divergence): the value must never exceed
:func:`~shrinkage._kernels.logistic_loss.dual_value` (the gap stays a bound) and must
stay within a hair of it, for the dual points a path meets: ``θ = −g − c·h`` (the
intercept's correction), clipped, then shrunk.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from _strategies import derivatives, logistic_samples
from shrinkage._kernels.logistic_loss import (
    _divergence_bound,
    clip_dual_point,
    dual_value,
    dual_value_near,
    loss_derivatives,
)

EPS = np.finfo(float).eps


@st.composite
def _dual_points(draw):
    _, z, y, s = draw(logistic_samples(st.integers(2, 60), [0.5, 3.0, 20.0]))
    correction = draw(st.sampled_from([0.0, 1e-6, 1e-3, 0.3]))
    shrink = draw(st.sampled_from([1.0, 1.0 + 1e-9, 1.0005, 1.008, 1.3]))
    return z, y, s, correction, shrink


@given(_dual_points())
@settings(max_examples=200, deadline=None)
def test_the_bound_is_below_the_dual_value_and_close_to_it(point):
    z, y, s, correction, shrink = point
    n = z.shape[0]
    loss, g, h = derivatives(z, y, s)
    theta = -g - correction * h
    clip_dual_point(y, s, theta, np.empty(n))
    exact = dual_value(y, s, theta, shrink)
    near = dual_value_near(y, s, theta, shrink, z, g, loss)
    # the rounding of either: ε per sample of |z| and of the loss's terms
    rounding = 16 * EPS * (float(s @ (np.abs(z) + 1.0)) / n + abs(loss))
    assert near <= exact + rounding
    assert near >= exact - rounding - 1e-6 * abs(exact)


def test_at_the_gradient_the_bound_is_fenchel_young():
    """θ = −g, unshrunk: every q is σ(z), and the value is F(z) − gᵀz exactly."""
    rng = np.random.default_rng(3)
    z, y, s = 2.0 * rng.standard_normal(50), rng.integers(0, 2, 50).astype(float), np.ones(50)
    g, h = np.empty(50), np.empty(50)
    loss = loss_derivatives(z, y, s, g, h)
    near = dual_value_near(y, s, -g, 1.0, z, g, loss)
    assert near == np.float64(-(g @ z - loss)) or abs(near + g @ z - loss) <= 1e-15
    assert abs(near - dual_value(y, s, -g, 1.0)) <= 1e-14


def _divergence_series(prob, delta, terms=16):
    """``KL(σ + δ ‖ σ) = Σ_{k≥2} δᵏ/(k(k − 1))·((−1)ᵏ/σᵏ⁻¹ + 1/(1 − σ)ᵏ⁻¹)`` in extended
    precision (|δ| ≤ 10⁻² min(σ, 1 − σ): sixteen terms exhaust it)."""
    p, d = np.longdouble(prob), np.longdouble(delta)
    total = np.longdouble(0)
    for k in range(terms, 1, -1):
        total += d**k / (k * (k - 1)) * ((-1) ** k / p ** (k - 1) + 1 / (1 - p) ** (k - 1))
    return float(total)


@given(
    st.floats(1e-6, 1.0 - 1e-6),
    st.floats(-1e-2, 1e-2).filter(lambda r: abs(r) >= 1e-10),
)
@settings(max_examples=300, deadline=None)
def test_the_divergence_bound_holds_and_is_tight(prob, relative):
    """``KL(q ‖ σ) ≤ bound ≤ KL·(1 + 10⁻³)`` for |q − σ| ≤ 10⁻² min(σ, 1 − σ)."""
    complement = 1.0 - prob
    q = prob + relative * min(prob, complement)
    delta = q - prob  # as the kernel forms it
    exact = _divergence_series(prob, delta)
    bound = _divergence_bound(prob, complement, delta)
    assert exact * (1 - 1e-12) <= bound <= exact * (1 + 1e-3)
