"""The coordinate-descent kernels of one proximal-Newton step, against NumPy.

:func:`~shrinkage._kernels.logistic.newton_cd_dense` and ``newton_cd_sparse`` minimise
the quadratic model ``gᵀu + ½ Σ_i h_i u_i² + Σ_j a_j|w_j| + ½ b_j w_j²`` (u = X_W Δw + Δb)
by epochs over the working set W alternating with epochs over its non-zeros. Whatever
epoch they stop after, what they return must describe the point they return: u and q
(= g + h ∘ u) of the returned w and intercept step, and the model's KKT violation there,
recomputed here from scratch.
"""

import numpy as np
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shrinkage._kernels.logistic import newton_cd_dense, newton_cd_sparse


def _kkt(w, grad, a, b, positive):
    """Distance of −grad to the subdifferential of the penalty at w (per coordinate)."""
    g = grad + b * w
    out = np.where(w > 0, np.abs(g + a), np.where(w < 0, np.abs(g - a), 0.0))
    at_zero = np.maximum(-g - a, 0.0) if positive else np.maximum(np.abs(g) - a, 0.0)
    return np.where(w == 0, at_zero, out)


def _model(g, h, u, w, a, b):
    return g @ u + 0.5 * h @ (u * u) + a @ np.abs(w) + 0.5 * b @ (w * w)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 100_000),
    sparse=st.booleans(),
    fit_intercept=st.booleans(),
    positive=st.booleans(),
    max_epochs=st.sampled_from([1, 2, 3, 7, 200]),
    tol=st.sampled_from([1e-2, 1e-6, 1e-10]),
)
def test_the_returned_violation_is_that_of_the_returned_point(
    seed, sparse, fit_intercept, positive, max_epochs, tol
):  # fmt: skip
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(5, 60)), int(rng.integers(2, 40))
    X = rng.standard_normal((n, p)) + rng.standard_normal(p)  # shared column means
    X[:, 1] = X[:, 0] + 0.05 * rng.standard_normal(n)  # two correlated columns
    if sparse:
        X[rng.random((n, p)) < 0.6] = 0.0
    h = rng.uniform(0.01, 0.25, n) / n
    g = rng.standard_normal(n) / n
    scale = float(np.max(np.abs(X.T @ g)))
    a = rng.uniform(0.0, 1.0, p) * scale * rng.choice([0.05, 0.5], p)
    b = rng.choice([0.0, 0.1], p) * scale
    w0 = np.where(rng.random(p) < 0.5, 0.0, rng.standard_normal(p))
    if positive:
        w0 = np.abs(w0)
    features = np.sort(rng.choice(p, int(rng.integers(1, p + 1)), replace=False))
    w, u, q, step_b = w0.copy(), np.zeros(n), g.copy(), np.zeros(1)
    model = (w, u, q, h, a, b, positive, features.astype(np.int64), fit_intercept,
             max_epochs, tol, step_b)  # fmt: skip
    if sparse:
        Xc = sp.csc_matrix(X)
        violation = newton_cd_sparse(Xc.data, Xc.indices.astype(np.int32),
                                     Xc.indptr.astype(np.int32), *model)  # fmt: skip
    else:
        violation = newton_cd_dense(np.asfortranarray(X), *model)

    outside = np.setdiff1d(np.arange(p), features)
    np.testing.assert_array_equal(w[outside], w0[outside])  # W alone moves
    if positive:
        assert np.all(w >= 0)
    assert fit_intercept or step_b[0] == 0.0
    expected_u = X @ (w - w0) + step_b[0]
    np.testing.assert_allclose(u, expected_u, rtol=1e-9, atol=1e-9 * (1 + np.abs(u).max()))
    np.testing.assert_allclose(q, g + h * expected_u, rtol=1e-9, atol=1e-12)
    grad = X.T @ (g + h * expected_u)
    worst = float(np.max(_kkt(w[features], grad[features], a[features], b[features],
                              positive)))  # fmt: skip
    if fit_intercept:
        worst = max(worst, abs(float(np.sum(g + h * expected_u))))
    np.testing.assert_allclose(violation, worst, rtol=1e-6, atol=1e-12 + 1e-9 * scale)
    # descent: the model at the returned point is not above the start's
    assert _model(g, h, expected_u, w, a, b) <= _model(g, h, 0 * u, w0, a, b) + 1e-12 * scale
