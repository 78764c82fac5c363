"""The states a working-set solver runs on (``shrinkage.solvers.states``): the residual
and the Gram form keep the same sufficient statistics, recomputed here from scratch."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.design import make_design
from shrinkage.solvers.states import (
    GramState,
    ResidualState,
    coordinate_lipschitz,
    float32_majorant,
)


def _design(sparse, fit_intercept=True, seed=0, n=70, p=9):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p) + 1.0
    if sparse:
        X[rng.random((n, p)) < 0.6] = 0.0
        X = sp.csc_matrix(X)
    y = rng.standard_normal(n) + 2.0
    weights = rng.uniform(0.5, 2.0, n)
    return make_design(X, y, weights, fit_intercept), rng.standard_normal(p)


def _effective(design):
    """X_eff and y_eff as dense arrays: the columns the states work with."""
    X = design.X.toarray() if sp.issparse(design.X) else np.asarray(design.X)
    return X - np.outer(design.u, design.x_offset), np.asarray(design.y, dtype=np.float64)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("kind", [ResidualState, GramState.from_design])
def test_statistics_equal_the_direct_computation(sparse, kind):
    design, w = _design(sparse)
    X, y = _effective(design)
    state = kind(design)
    state.reset(w)
    corr, rr, y_dot_r = state.statistics(w)
    r = y - X @ w
    np.testing.assert_allclose(corr, X.T @ r, rtol=1e-10, atol=1e-10)
    assert rr == pytest.approx(r @ r, rel=1e-10)
    assert y_dot_r == pytest.approx(y @ r, rel=1e-10)
    some = np.array([1, 4, 7])
    np.testing.assert_allclose(state.statistics(w, some)[0], (X.T @ r)[some], rtol=1e-10,
                               atol=1e-10)  # fmt: skip


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("kind", [ResidualState, GramState.from_design])
def test_shift_and_epoch_keep_the_state_current(sparse, kind):
    design, w = _design(sparse, seed=1)
    X, y = _effective(design)
    state = kind(design)
    state.reset(w)
    features = np.array([0, 2, 5])
    state.shift(w, features, np.array([0.3, -0.1, 0.2]))
    state.epoch(w, 0.05, 0.01, False, np.arange(w.size))
    corr, rr, _ = state.statistics(w)
    r = y - X @ w
    np.testing.assert_allclose(corr, X.T @ r, rtol=1e-9, atol=1e-9)
    assert rr == pytest.approx(r @ r, rel=1e-9)


def test_an_epoch_lowers_the_objective():
    design, w = _design(False, seed=2)
    X, y = _effective(design)
    n = X.shape[0]

    def objective(v):
        return 0.5 * np.sum((y - X @ v) ** 2) / n + 0.05 * np.abs(v).sum()

    for kind in (ResidualState, GramState.from_design):
        v = w.copy()
        state = kind(design)
        state.reset(v)
        before = objective(v)
        state.epoch(v, 0.05, 0.0, False, np.arange(v.size))
        assert objective(v) < before


def test_lipschitz_constants_are_float32_majorants():
    design, _ = _design(False, seed=3)
    X, _ = _effective(design)
    exact = np.sum(X * X, axis=0) / X.shape[0]
    compact = coordinate_lipschitz(design)
    assert compact.dtype == np.float32 and np.all(compact.astype(np.float64) >= exact)
    np.testing.assert_allclose(compact, exact, rtol=1e-7)
    np.testing.assert_allclose(coordinate_lipschitz(design, compact=False), exact, rtol=1e-12)
    huge = np.array([1e300])
    assert float32_majorant(huge) is huge  # beyond float32: kept as it is


def test_gram_state_reads_its_correlations_exactly():
    design, w = _design(False, seed=4)
    state = GramState.from_design(design)
    state.reset(w)
    corr, read = state.last_correlations()
    assert np.all(read) and corr is state.correlation
