"""Solvers agree with each other, with references, across storage formats and dtypes."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model

import shrinkage.solvers.ridge as ridge_module
from _reference import make_regression, make_sparse_regression, objective
from shrinkage import solve
from shrinkage.design import make_design
from shrinkage.penalties import L1, L2, ElasticNetPenalty
from shrinkage.solvers import (
    coordinate_descent,
    proximal_gradient,
    ridge_closed_form,
    subgradient_descent,
)

ITERATIVE = ["cd", "fista", "ista"]
FORMATS = {"dense": np.asarray, "csc": sp.csc_matrix, "csr": sp.csr_matrix}


def _assert_certified(result, tol, kkt=1e-3):
    assert result.converged
    assert result.relative_gap <= tol
    assert result.certificate.max_kkt_residual <= kkt


@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
@pytest.mark.parametrize("solver", ITERATIVE)
def test_iterative_solvers_match_sklearn(solver, l1_ratio):
    X, y = make_regression(n=50, p=20, seed=0)
    alpha = 0.08
    ref = linear_model.ElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14, max_iter=100_000)
    ref.fit(X, y)
    res = solve(
        X, y, alpha, ElasticNetPenalty(l1_ratio), solver=solver, tol=1e-10, max_iter=100_000
    )
    _assert_certified(res, 1e-10, kkt=1e-5)
    np.testing.assert_allclose(res.coef, ref.coef_, atol=1e-5)
    assert res.intercept == pytest.approx(ref.intercept_, abs=1e-5)
    ours = objective(X, y, res.coef, res.intercept, alpha, l1_ratio)
    theirs = objective(X, y, ref.coef_, ref.intercept_, alpha, l1_ratio)
    assert ours <= theirs + 1e-10 * res.certificate.primal_at_zero
    # the support is the same: the lasso's zeros are exact in every solver
    np.testing.assert_array_equal(res.coef == 0, ref.coef_ == 0)


def test_the_solvers_agree_with_each_other_on_p_greater_than_n():
    X, y = make_regression(n=25, p=60, seed=1)
    results = {
        s: solve(X, y, 0.05, ElasticNetPenalty(0.8), solver=s, tol=1e-11, max_iter=200_000)
        for s in ITERATIVE
    }
    for s, res in results.items():
        _assert_certified(res, 1e-11, kkt=1e-5)
        np.testing.assert_allclose(res.coef, results["cd"].coef, atol=1e-5, err_msg=s)
    assert results["cd"].n_zeros > 0


# --- ridge: every branch of the closed form ------------------------------------------


def _ridge_reference(X, y, b, sample_weight=None, fit_intercept=True):
    """Normal equations of the weighted, centred problem (b ≥ 0, lstsq for singular)."""
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    xm = s @ X / n if fit_intercept else np.zeros(X.shape[1])
    ym = s @ y / n if fit_intercept else 0.0
    Xc, yc = (X - xm) * np.sqrt(s)[:, None], (y - ym) * np.sqrt(s)
    A = np.vstack([Xc / np.sqrt(n), np.diag(np.sqrt(b))])
    w = np.linalg.lstsq(A, np.concatenate([yc / np.sqrt(n), np.zeros(len(b))]), rcond=None)[0]
    return w, ym - xm @ w


@pytest.mark.parametrize(
    ("shape", "sparse", "unpenalised", "method"),
    [
        ((50, 10), False, [], "ridge_cholesky"),
        ((20, 60), False, [], "ridge_kernel_cholesky"),
        ((20, 60), False, [0, 1, 2], "ridge_svd"),
        ((50, 10), True, [], "ridge_cholesky"),
        ((20, 60), True, [], "ridge_cholesky"),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_branches_match_the_reference(shape, sparse, unpenalised, method, weighted):
    X, y = make_regression(*shape, seed=2)
    n, p = shape
    sw = np.random.default_rng(2).uniform(0.3, 2, n) if weighted else None
    factor = np.ones(p)
    factor[unpenalised] = 0.0
    res = solve(sp.csc_matrix(X) if sparse else X, y, 0.3, L2(factor), sample_weight=sw,
                tol=1e-12)  # fmt: skip
    assert res.solver == method
    w, b = _ridge_reference(X, y, 0.3 * factor, sw)
    np.testing.assert_allclose(res.coef, w, atol=1e-10)
    assert res.intercept == pytest.approx(b, abs=1e-10)
    _assert_certified(res, 1e-12, kkt=1e-10)


def test_ridge_matches_sklearn_with_alpha_times_n():
    X, y = make_regression(n=40, p=12, seed=3)
    sw = np.random.default_rng(3).uniform(0.3, 2, 40)
    sw *= 40 / sw.sum()  # sklearn's Ridge does not normalise the weights
    ref = linear_model.Ridge(alpha=40 * 0.2, solver="svd").fit(X, y, sample_weight=sw)
    res = solve(X, y, 0.2, L2(), sample_weight=sw)
    np.testing.assert_allclose(res.coef, ref.coef_, atol=1e-12)
    assert res.intercept == pytest.approx(ref.intercept_, abs=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_ridge_singular_system_falls_back_to_svd(sparse):
    X, y = make_regression(n=30, p=8, seed=4)
    X[:, 1] = X[:, 0]  # two identical unpenalised columns: the normal matrix is singular
    factor = np.ones(8)
    factor[[0, 1]] = 0.0
    res = solve(sp.csc_matrix(X) if sparse else X, y, 0.3, L2(factor), tol=1e-12)
    assert res.solver == "ridge_svd"
    # the minimum-norm solution splits the shared coefficient equally
    assert res.coef[0] == pytest.approx(res.coef[1], rel=1e-10)
    w, _ = _ridge_reference(X, y, 0.3 * factor)
    np.testing.assert_allclose(res.coef, w, atol=1e-10)
    _assert_certified(res, 1e-12, kkt=1e-10)


def test_ridge_sparse_conjugate_gradient_branch(monkeypatch):
    monkeypatch.setattr(ridge_module, "_DENSE_GRAM_LIMIT", 5)
    X, y = make_sparse_regression(n=40, p=12, seed=5)
    sw = np.random.default_rng(5).uniform(0.3, 2, 40)
    res = solve(sp.csc_matrix(X), y, 0.2, L2(), sample_weight=sw, tol=1e-12)
    assert res.solver == "ridge_cg"
    w, b = _ridge_reference(X, y, np.full(12, 0.2), sw)
    np.testing.assert_allclose(res.coef, w, atol=1e-9)
    assert res.intercept == pytest.approx(b, abs=1e-9)
    _assert_certified(res, 1e-12, kkt=1e-9)


@pytest.mark.parametrize("solver", ITERATIVE)
def test_iterative_solvers_solve_ridge_too(solver):
    X, y = make_regression(n=40, p=10, seed=6)
    exact = solve(X, y, 0.5, L2(), solver="closed_form")
    res = solve(X, y, 0.5, L2(), solver=solver, tol=1e-12, max_iter=100_000)
    np.testing.assert_allclose(res.coef, exact.coef, atol=1e-6)
    assert np.all(res.coef != 0)


def test_closed_form_refuses_l1_and_positivity():
    X, y = make_regression(n=20, p=4, seed=7)
    with pytest.raises(ValueError, match="solves ridge only"):
        solve(X, y, 0.1, L1(), solver="closed_form")
    design = make_design(X, y, None, True)
    with pytest.raises(ValueError, match="cannot impose positive=True"):
        ridge_closed_form(design, np.ones(4), positive=True)


# --- dense = sparse ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csc", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("solver", [*ITERATIVE, "closed_form", "subgradient"])
def test_dense_equals_sparse(solver, fit_intercept, weighted, fmt):
    X, y = make_sparse_regression(n=40, p=15, seed=8)
    sw = np.random.default_rng(8).uniform(0.2, 3, 40) if weighted else None
    pen = L2() if solver == "closed_form" else ElasticNetPenalty(0.7)
    kwargs = dict(solver=solver, fit_intercept=fit_intercept, sample_weight=sw, tol=1e-10)
    kwargs["max_iter"] = 200 if solver == "subgradient" else 100_000
    dense = solve(X, y, 0.05, pen, **kwargs)
    sparse = solve(FORMATS[fmt](X), y, 0.05, pen, **kwargs)
    np.testing.assert_allclose(sparse.coef, dense.coef, atol=1e-8)
    assert sparse.intercept == pytest.approx(dense.intercept, abs=1e-8)
    if solver != "subgradient":
        _assert_certified(sparse, 1e-10, kkt=1e-4)


# --- float32 -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["dense", "csc"])
@pytest.mark.parametrize(("solver", "penalty"), [("cd", L1()), ("fista", ElasticNetPenalty(0.5)),
                                                 ("closed_form", L2())])  # fmt: skip
def test_float32_keeps_dtype_and_converges(solver, penalty, fmt):
    X, y = make_regression(n=50, p=12, seed=9)
    sw = np.random.default_rng(9).uniform(0.5, 2, 50)
    X32 = FORMATS[fmt](X.astype(np.float32))
    res32 = solve(X32, y.astype(np.float32), 0.05, penalty, solver=solver, tol=1e-4,
                  sample_weight=sw)  # fmt: skip
    res64 = solve(X, y, 0.05, penalty, solver=solver, tol=1e-10, sample_weight=sw,
                  max_iter=100_000)  # fmt: skip
    assert res32.coef.dtype == np.float32
    assert isinstance(res32.intercept, float)
    _assert_certified(res32, 1e-4, kkt=1e-2)
    np.testing.assert_allclose(res32.coef, res64.coef, atol=5e-3 * np.abs(res64.coef).max())
    assert res32.intercept == pytest.approx(res64.intercept, abs=1e-2)


# --- exact zeros: subgradient vs coordinate descent -----------------------------------


def test_subgradient_gives_no_exact_zeros_where_cd_does():
    X, y = make_regression(n=60, p=20, n_informative=3, seed=10)
    design = make_design(X, y, None, True)
    a, b = L1().weights(0.2, 20)
    cd = coordinate_descent(design, a, b, tol=1e-10)
    sub = subgradient_descent(design, a, b, max_iter=2000, schedule="decaying")
    assert cd.n_zeros >= 10
    assert sub.n_zeros == 0
    assert subgradient_descent(design, a, b, max_iter=500, step=0.02).n_zeros == 0
    # yet it is close in value: its coefficients oscillate around 0 instead of landing
    assert sub.certificate.primal < cd.certificate.primal + 1e-2
    assert sub.certificate.relative_gap > 1e-3  # and it cannot certify itself
    # the decaying schedule and the path recording
    path = subgradient_descent(design, a, b, max_iter=50, schedule="decaying", record_path=True)
    assert path.history.shape == (51, 20)
    np.testing.assert_array_equal(path.history[0], 0.0)
    np.testing.assert_array_equal(path.history[-1], path.coef)
    with pytest.raises(ValueError, match="schedule must be"):
        subgradient_descent(design, a, b, schedule="cosine")


def test_proximal_gradient_also_lands_on_exact_zeros():
    X, y = make_regression(n=60, p=20, n_informative=3, seed=10)
    design = make_design(X, y, None, True)
    a, b = L1().weights(0.2, 20)
    cd = coordinate_descent(design, a, b, tol=1e-10)
    for accelerated in (True, False):
        pg = proximal_gradient(design, a, b, tol=1e-10, accelerated=accelerated)
        np.testing.assert_array_equal(pg.coef == 0, cd.coef == 0)
        assert pg.solver == ("fista" if accelerated else "ista")


# --- certificate, iterations, warm starts ---------------------------------------------


@pytest.mark.parametrize("solver", ITERATIVE)
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("tol", [1e-4, 1e-8])
def test_every_fit_is_certified(solver, positive, tol):
    X, y = make_regression(n=40, p=30, seed=11, scales=True)
    factor = np.ones(30)
    factor[:2] = 0.0
    res = solve(X, y, 0.1, ElasticNetPenalty(0.9, factor, positive), solver=solver, tol=tol,
                max_iter=100_000)  # fmt: skip
    _assert_certified(res, tol, kkt=np.sqrt(tol) * 10)
    assert res.history.size >= 1 and res.history[-1] == res.relative_gap
    if positive:
        assert np.all(res.coef >= 0)


def test_ista_needs_more_iterations_than_fista():
    X, y = make_regression(n=40, p=30, seed=12)
    fista = solve(X, y, 0.02, L1(), solver="fista", tol=1e-8, max_iter=100_000)
    ista = solve(X, y, 0.02, L1(), solver="ista", tol=1e-8, max_iter=100_000)
    assert fista.n_iter < ista.n_iter


@pytest.mark.parametrize("solver", ITERATIVE)
def test_max_iter_is_respected_and_reported(solver):
    X, y = make_regression(n=40, p=30, seed=13)
    res = solve(X, y, 1e-3, L1(), solver=solver, tol=1e-12, max_iter=3)
    assert res.n_iter == 3
    assert not res.converged
    assert res.relative_gap > 1e-12


def test_cd_stops_where_float32_rounding_stalls_the_gap():
    """Asked for a gap float32 cannot reach, coordinate descent stops once its moves are
    negligible and the gap no longer falls (uncertified, the gap reported), instead of
    running every one of max_iter epochs; float64 reaches the same target."""
    X, y = make_regression(n=40, p=6, seed=21)
    res32 = solve(X.astype(np.float32), y.astype(np.float32), 0.01, L1(), solver="cd",
                  tol=1e-13, max_iter=100_000)  # fmt: skip
    assert not res32.converged and res32.relative_gap > 1e-13
    assert res32.n_iter < 1000
    assert res32.relative_gap < 1e-5  # the precision float32 allows, reached before
    res64 = solve(X, y, 0.01, L1(), solver="cd", tol=1e-13, max_iter=100_000)
    assert res64.converged


def test_warm_start_from_the_solution_stops_at_once():
    X, y = make_regression(n=50, p=20, seed=14)
    cold = solve(X, y, 0.05, L1(), tol=1e-10)
    warm = solve(X, y, 0.05, L1(), tol=1e-10, coef_init=cold.coef)
    assert warm.n_iter <= 1 and warm.converged  # working sets: 0 epochs at the optimum
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-8)
    with pytest.raises(ValueError, match=r"coef_init has shape \(3,\), expected \(20,\)"):
        solve(X, y, 0.05, L1(), coef_init=np.zeros(3))


def test_unknown_solver_is_refused():
    X, y = make_regression(n=20, p=4, seed=15)
    with pytest.raises(ValueError, match="solver must be one of"):
        solve(X, y, 0.1, L1(), solver="newton")


def test_auto_picks_closed_form_for_ridge_working_sets_otherwise():
    X, y = make_regression(n=20, p=4, seed=16)
    assert solve(X, y, 0.1, L2()).solver.startswith("ridge")
    assert solve(X, y, 0.1, L2(positive=True)).solver == "working_set_cd"
    assert solve(X, y, 0.1, L1()).solver == "working_set_cd"
    assert solve(X, y, 0.1).solver == "working_set_cd"  # default penalty is L1
    # an unpenalised feature needs the projection only plain CD's certificate does
    factors = np.array([0.0, 1.0, 1.0, 1.0])
    assert solve(X, y, 0.1, L1(penalty_factor=factors)).solver == "coordinate_descent"


def test_constant_target_gives_zero_coefficients_and_finite_certificate():
    X, _ = make_regression(n=20, p=4, seed=17)
    res = solve(X, np.full(20, 3.0), 0.1, L1())
    np.testing.assert_array_equal(res.coef, 0.0)
    assert res.intercept == pytest.approx(3.0)
    assert res.converged and res.dual_gap == pytest.approx(0.0, abs=1e-14)
