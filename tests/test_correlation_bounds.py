"""Lazy full checks: columns proven settled by a Cauchy–Schwarz bound are not read."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import shrinkage
from shrinkage.design import make_design
from shrinkage.solvers.correlation_bounds import CorrelationBounds
from shrinkage.solvers.working_set import ResidualState, duality_gap


def _counting(X):
    calls = {"all": 0, "some": 0, "columns": 0}

    def exact_all(r, out=None):
        calls["all"] += 1
        if out is None:
            return X.T @ r
        out[:] = X.T @ r
        return out

    def exact_some(r, mask, out):
        calls["some"] += 1
        calls["columns"] += int(mask.sum())
        out[mask] = X[:, mask].T @ r

    return calls, exact_all, exact_some


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), step=st.floats(1e-4, 0.5), level=st.floats(0.05, 1.0))
def test_bounds_hold_and_unsettled_columns_are_exact(seed, step, level):
    rng = np.random.default_rng(seed)
    n, p = 30, 200
    X = rng.standard_normal((n, p))
    bounds = CorrelationBounds(np.sum(X**2, axis=0) / X.shape[0])
    calls, exact_all, exact_some = _counting(X)
    r = rng.standard_normal(n)
    w = np.zeros(p)
    a = np.full(p, level * np.max(np.abs(X.T @ r)) / n)
    bounds.correlations(r, w, a, exact_all, exact_some)  # first call: all columns
    assert calls["all"] == 1
    for _ in range(4):  # the residual drifts; some coefficients become non-zero
        r = r + step * np.linalg.norm(r) * rng.standard_normal(n) / np.sqrt(n)
        w[rng.integers(p)] = 1.0
        corr = bounds.correlations(r, w, a, exact_all, exact_some)
        exact = X.T @ r
        assert np.all(np.abs(corr) >= np.abs(exact) - 1e-12)  # a bound everywhere
        read = bounds.exact
        np.testing.assert_allclose(corr[read], exact[read], rtol=1e-12, atol=1e-12)
        # every feature that matters is read: non-zero, or possibly above n·a_j
        assert np.all(read[w != 0])
        assert np.all(read[np.abs(exact) >= n * a])
        # the certificate does not change: same gap as with all columns exact
        same = duality_gap(corr, r @ r, r @ r, w, a, np.zeros(p), False, n)
        full = duality_gap(exact, r @ r, r @ r, w, a, np.zeros(p), False, n)
        assert same[0] == full[0] or np.isclose(same[0], full[0], rtol=1e-12)


def test_read_gives_the_read_columns_and_zero_for_the_settled():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 300))
    bounds = CorrelationBounds(np.sum(X**2, axis=0) / X.shape[0])
    calls, exact_all, exact_some = _counting(X)
    r = rng.standard_normal(40)
    a = np.full(300, 0.9 * np.max(np.abs(X.T @ r)) / 40)
    bounds.correlations(r, np.zeros(300), a, exact_all, exact_some)
    np.testing.assert_allclose(bounds.read(), X.T @ r)  # a full pass: all read
    r2 = r + 1e-3 * rng.standard_normal(40)
    bounds.correlations(r2, np.zeros(300), a, exact_all, exact_some)
    assert calls["all"] == 1 and 0 < calls["columns"] < 300  # a lazy check happened
    read = bounds.read()
    np.testing.assert_allclose(read[bounds.exact], (X.T @ r2)[bounds.exact], rtol=1e-12)
    assert np.all(read[~bounds.exact] == 0.0)
    # the settled ones are strictly inside their constraint
    assert np.all(np.abs(X.T @ r2)[~bounds.exact] < 40 * a[~bounds.exact])


def _full_passes(X, y, alphas):
    """Full products X_effᵀr made by working_set_cd along ``alphas``."""
    from shrinkage.solvers.working_set import working_set_cd

    state = ResidualState(make_design(X, y, None, True))
    calls, original = [0], state.design.rmatvec

    def counted(v, out=None):
        calls[0] += 1
        return original(v, out)

    object.__setattr__(state.design, "rmatvec", counted)  # a frozen dataclass
    coef, p = np.zeros(X.shape[1]), X.shape[1]
    for alpha in alphas:
        out = working_set_cd(state, np.full(p, alpha), np.zeros(p), tol=1e-8, coef_init=coef)
        assert out.relative_gap <= 1e-8
        coef = out.coef
    return calls[0], coef


def test_lazy_checks_read_few_columns_along_a_sparse_path(monkeypatch):
    import shrinkage.solvers.correlation_bounds as bounds_module

    rng = np.random.default_rng(2)
    X = sp.random(400, 3000, density=0.01, format="csc", random_state=3)
    w = np.zeros(3000)
    w[:10] = rng.standard_normal(10)
    y = X @ w + 0.01 * rng.standard_normal(400)
    result = shrinkage.path(X, y, n_alphas=30, tol=1e-8, strategy="working_set")
    exact = shrinkage.path(X, y, n_alphas=30, tol=1e-8, strategy="cd")
    np.testing.assert_allclose(result.coefs, exact.coefs, atol=1e-4)
    assert np.all(result.relative_gaps <= 1e-8)
    lazy, coef = _full_passes(X, y, result.alphas[1:])
    monkeypatch.setattr(bounds_module, "FULL_PASS_FRACTION", -1.0)  # always all columns
    eager, coef_eager = _full_passes(X, y, result.alphas[1:])
    assert lazy <= 0.6 * eager
    np.testing.assert_allclose(coef, coef_eager, atol=1e-4)
