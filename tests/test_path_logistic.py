"""The lean logistic path (shrinkage.path.logistic) and its compiled certificate.

Speed-ups must not change what is proved: the compiled certificate equals the NumPy one,
every point of a path is certified to ``tol`` (also when re-certified from the returned
coefficients alone), and the path agrees with independent ``solve_logistic`` fits within
the two certificates' bounds.
"""

import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage.certificates import certify_from_prediction, certify_logistic
from shrinkage.path.logistic import prepare_logistic, prepared_alpha_max, solve_path
from shrinkage.path.rows import DenseRows
from shrinkage.penalties import L1, L2, ElasticNetPenalty, Penalty
from shrinkage.selection import SparseLogisticRegressionCV, deviance
from shrinkage.selection.cv_jobs import fold_errors
from shrinkage.solvers.logistic import solve_logistic, solve_prepared
from shrinkage.solvers.logistic_point import certify_at, loss_at, with_dual

# the shared data folder sits beside the repository, as in tests/test_datasets.py
SAHEART = Path(__file__).resolve().parents[2] / "shared" / "data" / "saheart_esl.csv"


def make_problem(n=120, p=12, seed=0, sparse=False, weights=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    X[:, 1] = X[:, 0] + 0.3 * rng.standard_normal(n)  # two correlated columns
    coef = np.zeros(p)
    coef[:4] = [1.5, -1.0, 0.8, 0.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ coef - 0.4)))).astype(float)
    if sparse:
        X[rng.random((n, p)) < 0.6] = 0.0
        X = sp.csc_matrix(X)
    sample_weight = None
    if weights:
        sample_weight = rng.uniform(0.0, 2.0, n)
        sample_weight[:5] = 0.0
    return X, y, sample_weight


CASES = [
    (dict(), L1(), dict()),
    (dict(sparse=True), L1(), dict()),
    (dict(weights=True), ElasticNetPenalty(0.5), dict(standardize=True)),
    (dict(), L1(positive=True), dict(fit_intercept=False)),
    (dict(sparse=True, weights=True), L2(), dict(standardize=True)),
    (dict(), Penalty(1.0, np.r_[0.0, np.ones(11)]), dict()),  # a free feature
]


def _grid(data, penalty, n_alphas=15, ratio=1e-2):
    grid_penalty = penalty if penalty.l1_ratio > 0 else Penalty(1e-3, penalty.penalty_factor)
    alpha_max = prepared_alpha_max(data, grid_penalty)
    return np.geomspace(alpha_max, ratio * alpha_max, n_alphas)


@pytest.mark.parametrize("problem, penalty, options", CASES)
def test_compiled_certificate_equals_numpy_certificate(problem, penalty, options):
    X, y, sample_weight = make_problem(**problem)
    data = prepare_logistic(X, y, sample_weight, options.get("standardize", False),
                            options.get("fit_intercept", True))  # fmt: skip
    rng = np.random.default_rng(1)
    for alpha_fraction in (2.0, 0.3, 0.01):
        alpha = alpha_fraction * _grid(data, penalty)[0]
        a, b = penalty.weights(alpha, X.shape[1], data.scale)
        w = rng.standard_normal(X.shape[1]) * 0.3
        if penalty.positive:
            w = np.abs(w)
        z = np.asarray(data.X @ w).ravel() + (0.2 if data.fit_intercept else 0.0)
        simple = not np.any((a == 0) & (b == 0))
        point = with_dual(loss_at(data, z), data, simple)
        compiled = certify_at(point, data, w, a, b, penalty.positive)
        reference, gradient = certify_from_prediction(
            data.X, data.y, data.s, z, w, a, b, penalty.positive, data.fit_intercept
        )
        np.testing.assert_allclose(point.gradient, gradient, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(compiled.primal, reference.primal, rtol=1e-13)
        np.testing.assert_allclose(compiled.dual, reference.dual, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(compiled.kkt_residual, reference.kkt_residual, atol=1e-14)
        assert compiled.dual <= compiled.primal  # weak duality holds for the compiled point


@pytest.mark.parametrize("problem, penalty, options", CASES)
def test_every_point_certified_and_agrees_with_solve_logistic(problem, penalty, options):
    X, y, sample_weight = make_problem(**problem)
    standardize = options.get("standardize", False)
    fit_intercept = options.get("fit_intercept", True)
    tol = 1e-6
    data = prepare_logistic(X, y, sample_weight, standardize, fit_intercept)
    alphas = _grid(data, penalty)
    coefs = np.zeros((alphas.size, X.shape[1]))
    points = solve_path(data, penalty, alphas, tol=tol, max_iter=100, rows=DenseRows(coefs))
    assert np.all(points["relative_gap"] <= tol)
    for k, alpha in enumerate(alphas):
        a, b = penalty.weights(alpha, X.shape[1], data.scale)
        # re-certified from the returned coefficients alone
        ours = certify_logistic(
            X, y, coefs[k], points["intercept"][k], a, b, positive=penalty.positive,
            fit_intercept=fit_intercept, sample_weight=sample_weight,
        )  # fmt: skip
        assert ours.relative_gap <= tol * (1 + 1e-6)
        alone = solve_logistic(
            X, y, alpha, penalty, sample_weight=sample_weight, standardize=standardize,
            fit_intercept=fit_intercept, tol=tol,
        )  # fmt: skip
        assert alone.relative_gap <= tol
        # both objectives lie within their gaps above the optimum
        bound = ours.dual_gap + alone.dual_gap + 1e-12 * ours.primal_at_zero
        assert abs(ours.primal - alone.certificate.primal) <= bound


def test_handing_the_loss_to_the_next_alpha_changes_nothing_proved():
    """The path reuses each point's loss at the next α; solving each α from the previous
    coefficients without it must reach the same objectives within the certificates."""
    X, y, _ = make_problem(n=200, p=20, seed=3)
    data = prepare_logistic(X, y, None, True, True)
    alphas = _grid(data, L1(), n_alphas=25, ratio=1e-3)
    coefs = np.zeros((alphas.size, X.shape[1]))
    points = solve_path(data, L1(), alphas, tol=1e-8, max_iter=100, rows=DenseRows(coefs))
    w = intercept = None
    for k, alpha in enumerate(alphas):
        result, _ = solve_prepared(
            data, alpha, L1(), tol=1e-8, max_iter=100, coef_init=w, intercept_init=intercept
        )
        w, intercept = result.coef, result.intercept
        a, b = L1().weights(alpha, X.shape[1], data.scale)
        ours = certify_logistic(X, y, coefs[k], points["intercept"][k], a, b)
        bound = ours.dual_gap + result.dual_gap + 1e-12 * ours.primal_at_zero  # + rounding
        assert abs(ours.primal - result.certificate.primal) <= bound


@pytest.mark.parametrize("layout", ["dense", "sparse"])
def test_float32_points_are_certified_as_returned(layout):
    """float32 data is solved in float64 (its values are exact there): the path is that
    of the same numbers given as float64, each point certified as returned."""
    X, y, _ = make_problem(n=150, p=10, seed=4)
    X32 = X.astype(np.float32)
    if layout == "sparse":
        X32[np.abs(X32) < 0.5] = 0.0
        X32 = sp.csc_matrix(X32)
    data = prepare_logistic(X32, y)
    alphas = _grid(data, L1())
    coefs = np.zeros((alphas.size, X.shape[1]))
    points = solve_path(data, L1(), alphas, tol=1e-5, max_iter=100, rows=DenseRows(coefs))
    assert np.all(points["relative_gap"] <= 1e-5)
    coefs64 = np.zeros_like(coefs)
    solve_path(prepare_logistic(X32.astype(np.float64), y), L1(), alphas, tol=1e-5,
               max_iter=100, rows=DenseRows(coefs64))  # fmt: skip
    np.testing.assert_array_equal(coefs, coefs64)
    assert np.count_nonzero(coefs[-1]) >= 3
    for k, alpha in enumerate(alphas):
        a, b = L1().weights(alpha, X.shape[1])
        certificate = certify_logistic(X32, y, coefs[k], points["intercept"][k], a, b)
        assert certificate.relative_gap <= 1e-5 * (1 + 1e-6)


def test_cv_fold_job_agrees_with_path():
    """The CV job's lean path gives the held-out deviances of ``shrinkage.path``."""
    from shrinkage import path

    X, y, sample_weight = make_problem(n=150, p=8, seed=5, weights=True)
    train, test = np.arange(100), np.arange(100, 150)
    options = dict(fit_intercept=True, standardize=True, tol=1e-8, max_iter=100)
    alphas = _grid(prepare_logistic(X, y, sample_weight, True, True), L1(), n_alphas=12)
    errors, n_active, gaps = fold_errors(
        X, y, sample_weight, train, test, L1(), alphas, loss="logistic", scorer=None,
        template=None, path_options=options,
    )  # fmt: skip
    reference = path(X[train], y[train], L1(), loss="logistic", alphas=alphas,
                     sample_weight=sample_weight[train], **options)  # fmt: skip
    assert np.all(gaps <= 1e-8)
    np.testing.assert_array_equal(n_active, reference.n_active)
    decision = X[test] @ reference.coefs.T + reference.intercepts
    np.testing.assert_allclose(errors, deviance(y[test], decision, sample_weight[test]),
                               rtol=1e-6)  # fmt: skip


@pytest.mark.skipif(not SAHEART.exists(), reason="shared data folder absent")
def test_logistic_cv_on_saheart_is_certified_at_every_fold_point():
    """10 folds × 100 α of the ESL example, each point within tol (else a warning)."""
    import pandas as pd

    frame = pd.read_csv(SAHEART)
    if frame["famhist"].dtype == object:
        frame["famhist"] = (frame["famhist"] == "Present").astype(float)
    y = frame.pop("chd").to_numpy(float)
    X = frame.to_numpy(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a fold point above tol would warn
        model = SparseLogisticRegressionCV(cv=10, standardize=True).fit(X, y)
    assert model.cv_mean_.shape == (1, 100) and model.certificate_.relative_gap <= model.tol


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 40), p=st.integers(1, 30), density=st.floats(0.0, 1.0),
    block=st.sampled_from([1, 3, 17, 1 << 16]), single=st.booleans(), seed=st.integers(0, 99),
)  # fmt: skip
def test_sparse_column_moments_by_runs_of_columns(n, p, density, block, single, seed):
    """The column moments of sparse X, summed by runs of about ``block`` entries (no copy
    of X's values), are those of the dense matrix, float32 values summed in float64."""
    from shrinkage.solvers.logistic_data import _column_sums

    dtype = np.float32 if single else np.float64
    X = sp.random(n, p, density=density, format="csc", random_state=seed, dtype=dtype)
    dense = X.toarray().astype(np.float64)
    np.testing.assert_allclose(_column_sums(X, np.square, block), (dense**2).sum(axis=0),
                               rtol=1e-12, atol=0.0)  # fmt: skip
    np.testing.assert_allclose(_column_sums(X, None, block), dense.sum(axis=0), rtol=1e-12,
                               atol=1e-12)  # fmt: skip
