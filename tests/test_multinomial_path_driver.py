"""The compiled multinomial path (shrinkage._kernels.multinomial_path) against the Python
loop, and its loss and certificate kernels against the loss and certificate modules.

The compiled loop runs the solver of :mod:`shrinkage.solvers.multinomial` for the small
dense problems :func:`shrinkage.path.multinomial_compiled.covers` accepts. It must prove
what the Python loop proves: every point's gap recomputed from the returned coefficients
alone, the same solutions, and an honest gap where it stops early.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from sklearn.exceptions import ConvergenceWarning

import shrinkage
from shrinkage._kernels import multinomial_loss as kernels
from shrinkage.certificates.multinomial import (
    certify_multinomial,
    certify_multinomial_prediction,
)
from shrinkage.losses.multinomial import MultinomialLoss, shift_newton_step
from shrinkage.path import multinomial_compiled
from shrinkage.penalties import ElasticNetPenalty, Penalty
from shrinkage.solvers.multinomial import one_hot, prepare_multinomial

LOSS = MultinomialLoss()
FACTORS = np.array([0.5, 1.0, 1.5, 2.0, 1.0, 0.7])


def problem(n=120, p=6, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    X[:, 1] = X[:, 0] + 0.3 * rng.standard_normal(n)  # two correlated columns
    W = np.zeros((p, K))
    W[0, 0], W[min(2, p - 1), 1], W[min(3, p - 1), K - 1] = 1.5, -1.2, 1.0
    y = np.argmax(X @ W + rng.gumbel(size=(n, K)), axis=1)
    y[:K] = np.arange(K)  # every class present
    return np.asfortranarray(X), y


def both(X, y, **options):
    """The path with the compiled loop, and with the Python loop."""
    options = dict(loss="multinomial", n_alphas=12, tol=1e-9, warn=False) | options
    compiled = shrinkage.path(X, y, **options)
    limit = multinomial_compiled._MAX_FACE_WORK
    multinomial_compiled._MAX_FACE_WORK = -1.0
    try:
        python = shrinkage.path(X, y, **options)
    finally:
        multinomial_compiled._MAX_FACE_WORK = limit
    return compiled, python


def recomputed_gaps(X, y, result, penalty, sample_weight=None, offset=None):
    """Each point's relative gap from its coefficients alone (an independent check; the
    two agree to rounding of P(0) ≈ 1, hence ``atol=1e-13`` where they are compared)."""
    Y, _ = one_hot(y)
    p = X.shape[1]
    gaps = []
    for alpha, W, b in zip(result.alphas, result.coefs, result.intercepts, strict=True):
        a, b2 = penalty.weights(alpha, p, result.column_std)
        cert = certify_multinomial(X, Y, W, b, a, b2, fit_intercept=result.fit_intercept,
                                   sample_weight=sample_weight, offset=offset)  # fmt: skip
        gaps.append(cert.relative_gap)
    return np.array(gaps)


def test_small_dense_ungrouped_problems_take_the_compiled_loop():
    X, y = problem()
    assert multinomial_compiled.covers(prepare_multinomial(X, y), grouped=False)
    assert not multinomial_compiled.covers(prepare_multinomial(X, y), grouped=True)
    assert not multinomial_compiled.covers(prepare_multinomial(sp.csc_matrix(X), y), False)
    big = np.random.default_rng(1).standard_normal((3000, 100))
    labels = np.arange(3000) % 5
    assert not multinomial_compiled.covers(prepare_multinomial(big, labels), False)


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"fit_intercept": False},
        {"penalty": ElasticNetPenalty(0.5)},
        {"penalty": Penalty(1.0, FACTORS), "standardize": True},
        {"sample_weight": np.arange(120) % 3 + 0.5},
    ],
    ids=["lasso", "no-intercept", "elastic-net", "factors-standardised", "weights"],
)
def test_compiled_path_matches_the_python_loop(options):
    X, y = problem(seed=3)
    compiled, python = both(X, y, **options)
    penalty = options.get("penalty", shrinkage.penalties.L1())
    np.testing.assert_allclose(compiled.coefs, python.coefs, atol=1e-7)
    np.testing.assert_allclose(compiled.intercepts, python.intercepts, atol=1e-7)
    gaps = recomputed_gaps(X, y, compiled, penalty, options.get("sample_weight"))
    assert np.all(gaps <= 1e-9 * (1 + 1e-6))
    np.testing.assert_allclose(compiled.relative_gaps, gaps, rtol=1e-6, atol=1e-13)
    assert compiled.n_active[0] == 0 and compiled.n_active[-1] >= 3
    assert np.all(np.isfinite(compiled.coefs))


def test_compiled_path_with_an_offset_certifies_the_model_with_it():
    X, y = problem(seed=4, K=4)
    offset = np.random.default_rng(5).normal(size=(X.shape[0], 4))
    compiled, python = both(X, y, offset=offset)
    np.testing.assert_allclose(compiled.coefs, python.coefs, atol=1e-7)
    gaps = recomputed_gaps(X, y, compiled, shrinkage.penalties.L1(), offset=offset)
    assert np.all(gaps <= 1e-9 * (1 + 1e-6))


def test_a_path_stopped_early_reports_its_true_gap():
    X, y = problem(seed=6)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = shrinkage.path(X, y, loss="multinomial", n_alphas=8, tol=1e-12, max_iter=1)
    gaps = recomputed_gaps(X, y, result, shrinkage.penalties.L1())
    np.testing.assert_allclose(result.relative_gaps, gaps, rtol=1e-6, atol=1e-13)
    assert np.max(gaps) > 1e-12
    assert any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert np.all(result.n_iter <= 1)


def test_cold_path_without_warm_starts_matches():
    X, y = problem(seed=7)
    compiled, python = both(X, y, warm_start=False)
    np.testing.assert_allclose(compiled.coefs, python.coefs, atol=1e-7)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), K=st.integers(2, 5), p=st.integers(2, 8),
       fit_intercept=st.booleans(), tol=st.sampled_from([1e-4, 1e-7]))  # fmt: skip
def test_every_compiled_point_is_certified(seed, K, p, fit_intercept, tol):
    X, y = problem(n=60, p=p, K=K, seed=seed)
    result = shrinkage.path(X, y, loss="multinomial", n_alphas=6, tol=tol,
                            fit_intercept=fit_intercept)  # fmt: skip
    gaps = recomputed_gaps(X, y, result, shrinkage.penalties.L1())
    assert np.all(gaps <= tol * (1 + 1e-6))


# --- the kernels against the loss and certificate modules ---------------------------


def kernel_inputs(seed=0, n=40, K=4, p=5):
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n, p)))
    Y, _ = one_hot(np.arange(n) % K)
    s = rng.uniform(0.2, 2.0, n)
    s *= n / s.sum()
    W = rng.standard_normal((p, K)) * (rng.random((p, K)) < 0.5)
    Z = X @ W + rng.standard_normal(K)
    return X, Y, s, W, Z, rng


def test_loss_kernels_match_the_loss():
    X, Y, s, W, Z, rng = kernel_inputs()
    P, G, H = (np.empty_like(Z) for _ in range(3))
    value = kernels.loss_point(Z, Y, s, P, G, H)
    assert value == pytest.approx(LOSS.value(Y, Z, s), rel=1e-14)
    np.testing.assert_allclose(P, softmax(Z, axis=1), rtol=1e-13)
    np.testing.assert_allclose(G, LOSS.gradient(Y, Z, s), atol=1e-16)
    assert kernels.loss_value(Z, Y, s) == pytest.approx(value, rel=1e-14)
    for scale in (1e-3, 0.5, 3.0):  # the small and the large-change branches
        U = scale * rng.standard_normal(Z.shape)
        assert kernels.loss_change(Z, P, U, 0.5, Y, s) == pytest.approx(
            LOSS.loss_change(Y, Z, 0.5 * U, s, P), rel=1e-12, abs=1e-17
        )
    rhs = rng.standard_normal(Y.shape[1])
    rhs -= rhs.mean()
    np.testing.assert_allclose(kernels.shift_step(P, s, rhs), shift_newton_step(P, s, rhs),
                               rtol=1e-10, atol=1e-13)  # fmt: skip


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("ridge", [0.0, 0.05])
def test_certificate_kernel_matches_the_certificate(fit_intercept, ridge):
    X, Y, s, W, Z, rng = kernel_inputs(seed=2)
    n, p = X.shape
    K = Y.shape[1]
    a, b = np.full(p, 0.08), np.full(p, ridge)
    offset = rng.standard_normal((n, K))
    Z = Z + offset
    scale = LOSS.primal_at_zero(Y, s, fit_intercept, offset)
    expected, gradient_expected, _ = certify_multinomial_prediction(
        X, Y, s, Z, W, a, b, False, fit_intercept, scale, offset
    )  # fmt: skip
    P, G, H = (np.empty_like(Z) for _ in range(3))
    loss = kernels.loss_point(Z, Y, s, P, G, H)
    gradient, kkt = np.empty((p, K)), np.empty(p)
    centred = offset - offset.mean(axis=1, keepdims=True)
    work = np.empty((4, max(n, p), K))
    primal, dual, largest = kernels.certificate(X, Y, s, Z, W, a, b, fit_intercept, centred,
                                                loss, G, gradient, kkt, work)  # fmt: skip
    assert primal == pytest.approx(expected.primal, rel=1e-13)
    assert dual == pytest.approx(expected.dual, rel=1e-10)
    np.testing.assert_allclose(gradient, gradient_expected, atol=1e-15)
    np.testing.assert_allclose(kkt, expected.kkt_residual, atol=1e-15)
    assert largest == pytest.approx(np.max(expected.kkt_residual))
