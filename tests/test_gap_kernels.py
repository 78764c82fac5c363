"""The one-pass certificate kernels equal their readable NumPy definitions."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage._kernels.gap import check_summary, enet_duality_gap, kkt_and_screening
from shrinkage.penalties import conjugate_weighted_enet, subdiff_distance
from shrinkage.solvers.working_set import gap_safe_zeros


def _numpy_gap(corr, rr, y_dot_r, w, a, b, positive, n):
    primal = rr / (2 * n) + a @ np.abs(w) + 0.5 * b @ (w * w)
    c = corr / n
    hard = (b == 0) & (a > 0)
    excess = np.maximum(c[hard], 0.0) if positive else np.abs(c[hard])
    ratio = float(np.max(excess / a[hard], initial=0.0))
    keep = (a > 0) | (b > 0)

    def dual_at(scale):
        value = scale * y_dot_r / n - 0.5 * scale**2 * rr / n
        return value - conjugate_weighted_enet(scale * c[keep], a[keep], b[keep], positive)

    scale = 1.0 / ratio if ratio > 1.0 else 1.0
    dual = dual_at(scale)
    # the second candidate: θ shrunk into every |c_j| ≤ a_j (zero conjugates)
    penalised = a > 0
    excess_all = np.maximum(c[penalised], 0.0) if positive else np.abs(c[penalised])
    ratio_all = float(np.max(excess_all / a[penalised], initial=0.0))
    if np.any(b[penalised] > 0) and ratio_all > max(ratio, 1.0):
        other = dual_at(1.0 / ratio_all)
        if other > dual:
            dual, scale = other, 1.0 / ratio_all
    return primal - dual, primal, dual, scale


def _numpy_gap_l1_scaling_only(corr, rr, y_dot_r, a, b, positive, n):
    """The dual value with θ shrunk for the pure-L1 features only: never better."""
    c = corr / n
    hard = (b == 0) & (a > 0)
    excess = np.maximum(c[hard], 0.0) if positive else np.abs(c[hard])
    ratio = float(np.max(excess / a[hard], initial=0.0))
    scale = 1.0 / ratio if ratio > 1.0 else 1.0
    keep = (a > 0) | (b > 0)
    dual = scale * y_dot_r / n - 0.5 * scale**2 * rr / n
    return dual - conjugate_weighted_enet(scale * c[keep], a[keep], b[keep], positive)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), positive=st.booleans(), mix=st.sampled_from([0, 1, 2]))
def test_kernels_match_numpy(seed, positive, mix):
    rng = np.random.default_rng(seed)
    p, n = 50, 20
    corr = rng.standard_normal(p) * n
    w = rng.standard_normal(p) * (rng.random(p) < 0.3)
    if positive:
        w = np.abs(w)
    a = rng.uniform(0.1, 2.0, p)
    b = [np.zeros(p), rng.uniform(0.0, 1.0, p), rng.uniform(0, 1, p) * (rng.random(p) < 0.5)][mix]
    if mix == 1:
        a[rng.random(p) < 0.2] = 0.0  # some pure-L2 features
    rr, y_dot_r = float(rng.uniform(1, 10)), float(rng.uniform(1, 10))
    got = enet_duality_gap(corr, rr, y_dot_r, w, a, b, positive, n)
    want = _numpy_gap(corr, rr, y_dot_r, w, a, b, positive, n)
    np.testing.assert_allclose(got, want, rtol=1e-12)
    worse = _numpy_gap_l1_scaling_only(corr, rr, y_dot_r, a, b, positive, n)
    assert got[2] >= worse - 1e-12 * abs(worse)
    kkt, screened = np.empty(p), np.empty(p, dtype=bool)
    gap = abs(want[0]) if np.isfinite(want[0]) else 1.0
    radius = np.sqrt(2 * gap / n)
    lipschitz = rng.uniform(0.5, 2.0, p) ** 2 / n  # ‖x_j‖²/n; the kernels take ‖x_j‖ from it
    norms = np.sqrt(n * lipschitz)
    count = kkt_and_screening(corr, w, a, b, positive, n, want[3], radius, lipschitz, kkt,
                              screened)  # fmt: skip
    want_kkt = subdiff_distance(w, -corr / n, a, b, positive)
    np.testing.assert_allclose(kkt, want_kkt, rtol=1e-12, atol=1e-14)
    expected = gap_safe_zeros(corr, want[3], gap, norms, a, positive, n) & (w == 0)
    np.testing.assert_array_equal(screened, expected)
    assert count == expected.sum()
    # the summary a path keeps: the same largest residual and count, no vectors
    largest, summary_count = check_summary(corr, w, a, b, positive, n, want[3], radius, lipschitz)
    assert largest == kkt.max() and summary_count == count


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), drift=st.floats(0.0, 2.0))
def test_drift_bounds_matches_numpy(seed, drift):
    from shrinkage._kernels.gap import drift_bounds

    rng = np.random.default_rng(seed)
    p, n = 40, 25
    # signed correlations where read, bounds (≥ 0) elsewhere
    bound, norms = rng.uniform(-30, 30, p), rng.uniform(0.1, 3, p)
    lipschitz = norms**2 / n
    a, w = rng.uniform(0.1, 1.5, p), rng.standard_normal(p) * (rng.random(p) < 0.2)
    expected_bound = np.abs(bound) + np.sqrt(n * lipschitz) * drift
    expected = (expected_bound >= n * a) | (w != 0)
    unsettled = np.empty(p, dtype=bool)
    count = drift_bounds(bound, lipschitz, drift, a, n, w, unsettled)
    np.testing.assert_allclose(bound, expected_bound, rtol=1e-15)
    np.testing.assert_array_equal(unsettled, expected)
    assert count == expected.sum()
