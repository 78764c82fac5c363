"""The effective design: its operations, weights, standardisation and intercept."""

import inspect
from itertools import product

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage.design import Design, DesignOperations, make_design
from shrinkage.losses import normalise_sample_weight
from shrinkage.solvers.logistic_data import prepare_logistic


def _data(seed, n=30, p=8, density=0.4):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.3, 4.0, p) + rng.uniform(-2, 2, p)
    X[rng.random((n, p)) > density] = 0.0
    y = rng.standard_normal(n) + 1.0
    weights = rng.uniform(0.2, 3.0, n)
    return X, y, weights, rng


# every layout: dense or sparse, weighted or not, with or without intercept
LAYOUTS = pytest.mark.parametrize(
    "sparse, weighted, fit_intercept", list(product([False, True], repeat=3))
)


def _layout(seed, sparse, weighted, fit_intercept):
    """Data of :func:`_data` and its design in one layout (weights None unless weighted)."""
    X, y, weights, rng = _data(seed)
    weights = weights if weighted else None
    design = make_design(sp.csc_matrix(X) if sparse else X, y, weights, fit_intercept)
    return X, y, weights, design, rng


def _explicit(X, y, weights, fit_intercept):
    """X_eff and y_eff written out: rows scaled by √s, weighted means removed."""
    n = X.shape[0]
    s = normalise_sample_weight(weights, n)
    x_mean = s @ X / n if fit_intercept else np.zeros(X.shape[1])
    y_mean = s @ y / n if fit_intercept else 0.0
    u = np.sqrt(s)
    return u[:, None] * (X - x_mean), u * (y - y_mean), x_mean, y_mean


@pytest.mark.parametrize("sparse", [False, True])
def test_the_in_memory_design_implements_the_operations(sparse):
    X, y, weights, _ = _data(0)
    design = make_design(sp.csc_matrix(X) if sparse else X, y, weights, True)
    assert isinstance(design, DesignOperations)
    assert not isinstance(np.zeros((3, 2)), DesignOperations)


def test_every_operation_states_what_it_computes_and_its_cost():
    for name, member in inspect.getmembers(DesignOperations):
        if name.startswith("_"):
            continue
        doc = inspect.getdoc(member.fget if isinstance(member, property) else member)
        assert doc, name
        if not isinstance(member, property):
            assert "flops" in doc and "memory" in doc, name
            assert callable(getattr(Design, name))


@LAYOUTS
def test_products_are_those_of_the_centred_weighted_matrix(sparse, weighted, fit_intercept):
    X, y, weights, design, rng = _layout(1, sparse, weighted, fit_intercept)
    X_eff, y_eff, x_mean, y_mean = _explicit(X, y, weights, fit_intercept)
    w, v = rng.standard_normal(8), rng.standard_normal(30)
    np.testing.assert_allclose(design.y, y_eff, atol=1e-12)
    np.testing.assert_allclose(design.matvec(w), X_eff @ w, atol=1e-12)
    np.testing.assert_allclose(design.rmatvec(v), X_eff.T @ v, atol=1e-12)
    out = np.empty(8)
    assert design.rmatvec(v, out=out) is out
    np.testing.assert_allclose(out, X_eff.T @ v, atol=1e-12)
    np.testing.assert_allclose(design.column_sq_norms(), np.sum(X_eff**2, axis=0), rtol=1e-12)
    features = np.array([5, 0, 3])
    np.testing.assert_allclose(
        design.gram(features), X_eff[:, features].T @ X_eff[:, features], atol=1e-12
    )
    # the intercept on the original scale: ȳ − x̄ᵀw
    assert design.intercept(w) == pytest.approx(y_mean - x_mean @ w)


def test_sparse_column_norms_without_a_temporary_match_dense():
    rng = np.random.default_rng(0)
    X = sp.random(30, 12, density=0.3, format="csc", random_state=1)
    y = rng.standard_normal(30)
    weights = rng.uniform(0.5, 2.0, 30)
    for fit_intercept in (False, True):
        sparse = make_design(X, y, weights, fit_intercept).column_sq_norms()
        dense = make_design(X.toarray(), y, weights, fit_intercept).column_sq_norms()
        np.testing.assert_allclose(sparse, dense, rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), fit_intercept=st.booleans(), weighted=st.booleans())
def test_a_coordinate_descent_epoch_is_the_same_dense_and_sparse(seed, fit_intercept, weighted):
    X, y, weights, rng = _data(seed)
    weights = weights if weighted else None
    dense = make_design(X, y, weights, fit_intercept)
    sparse = make_design(sp.csc_matrix(X), y, weights, fit_intercept)
    lipschitz = dense.column_sq_norms() / 30
    lipschitz[lipschitz == 0] = 1.0  # an all-zero column: any step
    a, b = np.full(8, 0.05), np.full(8, 0.01)
    features = rng.permutation(8)[:5].astype(np.int64)

    w_dense, residual = np.zeros(8), dense.y.copy()
    dense.cd_epoch(w_dense, residual, lipschitz, a, b, False, features)
    w_sparse, uncentred = np.zeros(8), sparse.y.copy()  # r̃ = y − Xw with w = 0
    t = np.array([sparse.u @ uncentred])
    sparse.cd_epoch(w_sparse, uncentred, lipschitz, a, b, False, features,
                    u_dot_residual=t)  # fmt: skip
    np.testing.assert_allclose(w_sparse, w_dense, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(residual, dense.y - dense.matvec(w_dense), atol=1e-10)
    true_residual = uncentred + (sparse.x_offset @ w_sparse) * sparse.u
    np.testing.assert_allclose(true_residual, residual, atol=1e-10)
    assert np.all(w_dense[np.setdiff1d(np.arange(8), features)] == 0)


def test_a_sparse_epoch_with_an_intercept_needs_the_centring_scalar():
    X, y, weights, _ = _data(2)
    design = make_design(sp.csc_matrix(X), y, None, True)
    with pytest.raises(ValueError, match="u_dot_residual"):
        design.cd_epoch(np.zeros(8), design.y.copy(), np.ones(8), np.zeros(8),
                        np.zeros(8), False, np.arange(8))  # fmt: skip


@LAYOUTS
def test_column_std_is_the_weighted_standard_deviation(sparse, weighted, fit_intercept):
    X, _, weights, design, _ = _layout(3, sparse, weighted, fit_intercept)
    s = normalise_sample_weight(weights, 30)
    centre = s @ X / 30 if fit_intercept else 0.0
    expected = np.sqrt(s @ (X - centre) ** 2 / 30)
    np.testing.assert_allclose(design.column_std(), expected, rtol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_the_logistic_loss_standardises_through_the_design(sparse):
    X, _, weights, rng = _data(4)
    labels = (rng.random(30) < 0.5).astype(float)
    labels[:2] = [0.0, 1.0]
    Xin = sp.csc_matrix(X) if sparse else X
    for fit_intercept in (True, False):
        data = prepare_logistic(Xin, labels, weights, True, fit_intercept)
        design = make_design(Xin, labels, weights, fit_intercept)
        np.testing.assert_allclose(data.scale, design.column_std(), rtol=1e-14)
        np.testing.assert_array_equal(data.s, normalise_sample_weight(weights, 30))
        np.testing.assert_allclose(design.u**2, data.s, rtol=1e-15)


def test_weights_are_normalised_once_whatever_their_scale():
    X, y, weights, _ = _data(5)
    design = make_design(X, y, weights, True)
    for factor in (2.0**-900, 2.0**40, 2.0**900):  # powers of two: exact, same design
        other = make_design(X, y, weights * factor, True)
        np.testing.assert_array_equal(other.X, design.X)
        np.testing.assert_array_equal(other.u, design.u)
    assert np.sum(design.u**2) == pytest.approx(30)
    huge = np.full(30, 1e300)  # the sum overflows float64 unless scaled first
    np.testing.assert_allclose(make_design(X, y, huge, True).u, np.ones(30), rtol=1e-15)
