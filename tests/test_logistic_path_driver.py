"""The compiled logistic path (shrinkage._kernels.logistic_path) against the Python loop.

The compiled path runs the proximal-Newton loop of :mod:`shrinkage.solvers.logistic` in
one call for the problems :func:`shrinkage.path.logistic_compiled.covers` accepts. It must
prove what the Python loop proves: every point's gap recomputed from the returned
coefficients alone, the same solutions within the certificates' bounds, the same
gap-safe count, and an honest gap where it stops early.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

import shrinkage
from shrinkage.certificates import certify_logistic
from shrinkage.certificates.logistic import gap_safe_zeros
from shrinkage.path import logistic as logistic_module
from shrinkage.path.logistic import prepare_logistic, prepared_alpha_max, solve_path
from shrinkage.path.logistic_compiled import compiled_path, covers
from shrinkage.path.rows import DenseRows
from shrinkage.penalties import L1, L2, ElasticNetPenalty, Penalty
from shrinkage.solvers.logistic import COMPILED_SETTINGS
from shrinkage.solvers.logistic_point import certify_at, loss_at, with_dual

SLACK = COMPILED_SETTINGS[11]


def problem(n=150, p=12, seed=0, sparse=False, density=0.5):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    X[:, 1] = X[:, 0] + 0.2 * rng.standard_normal(n)  # two correlated columns
    coef = np.zeros(p)
    coef[: min(p, 3)] = [1.5, -1.0, 0.8][: min(p, 3)]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ coef - 0.3)))).astype(float)
    if sparse:
        X[rng.random((n, p)) > density] = 0.0
        X = sp.csc_matrix(X)
    return X, y


def python_loop(data, penalty, alphas, tol, max_iter=1000, screen=True):
    """The Python loop of solve_path, with the compiled path switched off."""
    original = logistic_module.covers
    logistic_module.covers = lambda data, penalty: False
    try:
        rows = DenseRows(np.zeros((alphas.shape[0], data.X.shape[1])))
        points = solve_path(data, penalty, alphas, tol=tol, max_iter=max_iter, rows=rows,
                            screen=screen)  # fmt: skip
    finally:
        logistic_module.covers = original
    return rows.coefs, points


def compiled(data, penalty, alphas, tol, max_iter=1000, screen=True,
             options=COMPILED_SETTINGS):  # fmt: skip
    assert covers(data, penalty)
    rows = DenseRows(np.zeros((alphas.shape[0], data.X.shape[1])))
    points = compiled_path(data, penalty, alphas, tol=tol, max_iter=max_iter, rows=rows,
                           screen=screen, settings=options)  # fmt: skip
    return rows.coefs, points


def changed(**values):
    """COMPILED_SETTINGS with some entries changed: fidelity (10), slack (11), starts (12),
    the gap under which a working set is kept (16), violators-only working sets (17)."""
    options = list(COMPILED_SETTINGS)
    positions = {"fidelity": 10, "slack": 11, "starts": 12, "keep": 16, "violators": 17}
    for name, value in values.items():
        options[positions[name]] = value
    return tuple(options)


def grid(data, penalty, n_alphas=12):
    grid_penalty = penalty if penalty.l1_ratio > 0 else Penalty(1e-3, penalty.penalty_factor)
    return prepared_alpha_max(data, grid_penalty) * np.geomspace(1.0, 1e-2, n_alphas)


CASES = [
    (dict(), L1(), dict()),
    (dict(sparse=True), L1(), dict()),
    (dict(), ElasticNetPenalty(0.5), dict(fit_intercept=False)),
    (dict(sparse=True), ElasticNetPenalty(0.1), dict(standardize=True)),
    (dict(), L1(positive=True), dict()),
    (dict(), L2(), dict(weights=True)),
    (dict(sparse=True), Penalty(0.7, np.linspace(0.5, 2.0, 12)), dict(weights=True)),
]


@pytest.mark.parametrize(("shape", "penalty", "options"), CASES)
def test_compiled_points_are_certified_and_match_the_python_loop(shape, penalty, options):
    X, y = problem(**shape)
    weights = None
    if options.get("weights"):
        weights = np.random.default_rng(3).uniform(0.0, 2.0, y.shape[0])
    fit_intercept = options.get("fit_intercept", True)
    data = prepare_logistic(X, y, weights, options.get("standardize", False), fit_intercept)
    alphas = grid(data, penalty)
    tol = 1e-9
    coefs, points = compiled(data, penalty, alphas, tol)
    reference, reference_points = python_loop(data, penalty, alphas, tol)
    for k, alpha in enumerate(alphas):
        a, b = penalty.weights(alpha, X.shape[1], data.scale)
        # recomputed from the returned coefficients alone, by the public certificate
        cert = certify_logistic(X, y, coefs[k], points["intercept"][k], a, b,
                                positive=penalty.positive, fit_intercept=fit_intercept,
                                sample_weight=weights)  # fmt: skip
        assert cert.relative_gap <= tol
        # the reported gap bounds the exact construction's, and is at most twice the slack
        # looser (the intercept's dual point stops early: intercept_dual_point)
        assert cert.relative_gap <= points["relative_gap"][k] + 1e-12
        assert points["relative_gap"][k] <= cert.relative_gap + 2 * SLACK * tol + 1e-12
        assert points["n_iter"][k] >= 0 and points["seconds"][k] >= 0.0
    # two certified solutions of a strongly convex-in-z problem: the same model
    scale = max(1.0, float(np.max(np.abs(reference))))
    assert np.max(np.abs(coefs - reference)) <= 1e-3 * scale
    assert np.array_equal(coefs == 0, reference == 0) or penalty.l1_ratio == 0
    np.testing.assert_allclose(points["intercept"], reference_points["intercept"], atol=1e-3)


@pytest.mark.parametrize("sparse", [False, True])
def test_screened_counts_are_the_gap_safe_test_at_each_point(sparse):
    X, y = problem(n=200, p=14, seed=4, sparse=sparse, density=0.7)
    penalty = L1()
    data = prepare_logistic(X, y)
    alphas = grid(data, penalty, 10)
    coefs, points = compiled(data, penalty, alphas, 1e-4)
    assert points["n_screened"].sum() > 0
    tight, _ = compiled(data, penalty, alphas, 1e-12, screen=False)
    for k, alpha in enumerate(alphas):
        a, b = penalty.weights(alpha, X.shape[1])
        z = np.asarray(X @ coefs[k]).ravel() + points["intercept"][k]
        point = with_dual(loss_at(data, z), data, True)
        gap = certify_at(point, data, coefs[k], a, b, False).dual_gap
        zero = gap_safe_zeros(point.correlation, coefs[k], a, b, False, gap,
                              data.dual_column_norms, data.s)  # fmt: skip
        # the same test at the same point (its gap within a thousandth of tol)
        assert abs(int(points["n_screened"][k]) - int(zero.sum())) <= 1
        # and what is screened is zero at a far tighter solution
        assert np.all(tight[k][zero] == 0.0)
    _, unscreened = compiled(data, penalty, alphas, 1e-4, screen=False)
    assert unscreened["n_screened"].sum() == 0


def test_early_stop_reports_the_true_gap_and_warns():
    X, y = problem(n=300, p=20, seed=7)
    data = prepare_logistic(X, y)
    penalty = ElasticNetPenalty(0.5)
    alphas = grid(data, penalty, 8)
    coefs, points = compiled(data, penalty, alphas, 1e-14, max_iter=1)
    assert np.all(points["n_iter"] <= 1)
    for k, alpha in enumerate(alphas):
        a, b = penalty.weights(alpha, X.shape[1])
        cert = certify_logistic(X, y, coefs[k], points["intercept"][k], a, b)
        assert points["dual_gap"][k] == pytest.approx(cert.dual_gap, rel=1e-6, abs=1e-12)
    with pytest.warns(ConvergenceWarning, match="relative duality gap"):
        shrinkage.path(X, y, penalty, loss="logistic", alphas=alphas, tol=1e-14, max_iter=1)


def test_what_the_compiled_path_covers():
    X, y = problem(n=50, p=12)
    assert covers(prepare_logistic(X, y), L1())
    assert covers(prepare_logistic(X[:, :11].astype(np.float32), y), L1())  # as float64
    free = Penalty(1.0, np.r_[0.0, np.ones(11)])
    assert not covers(prepare_logistic(X, y), free)  # an unpenalised feature
    wide = np.hstack([X, X, X, X, X])  # 60 > 50 samples
    assert covers(prepare_logistic(wide, y), L1())  # column mode
    assert covers(prepare_logistic(sp.csc_matrix(X), y), L1())  # nnz 600 ≥ 144
    sparse_wide = sp.random(50, 40, density=0.05, format="csc", random_state=0)
    assert covers(prepare_logistic(sparse_wide, y), L1())


def test_float32_data_beyond_the_copy_limit_is_left_to_the_python_loop(monkeypatch):
    from shrinkage.path import logistic_compiled

    X, y = problem(n=50, p=12)
    data = prepare_logistic(X.astype(np.float32), y)
    alphas = prepared_alpha_max(data, L1()) * np.array([1.0, 0.5, 0.2])
    rows = DenseRows(np.zeros((3, 12)))
    options = dict(tol=1e-6, max_iter=100, rows=rows)
    assert compiled_path(data, L1(), alphas, **options) is not None
    monkeypatch.setattr(logistic_compiled, "_COPY_LIMIT", 50 * 12 * 8 - 1)
    assert compiled_path(data, L1(), alphas, **options) is None
    points = solve_path(data, L1(), alphas, **options)  # the Python loop: rounded values
    assert np.all(points["relative_gap"] <= 1e-6)
    np.testing.assert_array_equal(rows.coefs, rows.coefs.astype(np.float32))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.05]),
    fit_intercept=st.booleans(),
    sparse=st.booleans(),
    positive=st.booleans(),
)
def test_every_compiled_point_certifies_on_random_problems(seed, l1_ratio, fit_intercept,
                                                           sparse, positive):  # fmt: skip
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(20, 120)), int(rng.integers(1, 15))
    X, y = problem(n=n, p=max(p, 2), seed=seed, sparse=sparse, density=0.8)
    if len(np.unique(y)) < 2:
        y[0] = 1.0 - y[0]
    penalty = ElasticNetPenalty(l1_ratio, positive=positive)
    data = prepare_logistic(X, y, None, False, fit_intercept)
    if not covers(data, penalty):
        return
    alphas = grid(data, penalty, 6)
    # α_max = 0 (w ≥ 0 and no feature correlates positively): the public path falls back
    # to a grid of its own; α = 0 is no path point
    assume(alphas[0] > 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coefs, points = compiled(data, penalty, alphas, 1e-8, max_iter=200)
    for k, alpha in enumerate(alphas):
        a, b = penalty.weights(alpha, X.shape[1])
        cert = certify_logistic(X, y, coefs[k], points["intercept"][k], a, b,
                                positive=positive, fit_intercept=fit_intercept)  # fmt: skip
        assert cert.relative_gap <= 1e-8
        assert np.all(np.isfinite(coefs[k]))
        if positive:
            assert np.all(coefs[k] >= 0.0)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_kept_curvature_and_early_intercept_dual_still_certify(sparse, fit_intercept):
    """A Gram step keeps the last one's curvature while it predicted well: kept after every
    full step (fidelity 1e9) or never (0), every point is certified, to the gap computed
    by certify_logistic, and the path is the same. The intercept's dual point solved to
    the end (slack 0) reports the exact construction's gap. Every start certified before
    its first step (starts 0) gives the same path, and so do working sets kept whatever
    the gap (keep 1e9) or never, and working sets filled with features that meet their
    condition."""
    X, y = problem(n=400, p=30, seed=5, sparse=sparse, density=0.3)
    penalty = ElasticNetPenalty(0.5)
    data = prepare_logistic(X, y, None, False, fit_intercept)
    alphas = grid(data, penalty, 15)
    tol = 1e-10
    paths = {}
    for label, options in [
        ("default", COMPILED_SETTINGS),
        ("never", changed(fidelity=0.0)),
        ("always", changed(fidelity=1e9)),
        ("certified starts", changed(starts=0.0)),
        ("exact", changed(slack=0.0)),
        ("kept sets", changed(keep=1e9, fidelity=1e9)),
        ("new sets", changed(keep=0.0)),
        ("filled sets", changed(violators=0.0)),
    ]:
        coefs, points = compiled(data, penalty, alphas, tol, options=options)
        for k, alpha in enumerate(alphas):
            a, b = penalty.weights(alpha, X.shape[1])
            cert = certify_logistic(X, y, coefs[k], points["intercept"][k], a, b,
                                    fit_intercept=fit_intercept)  # fmt: skip
            assert cert.relative_gap <= tol
            if label == "exact" or not fit_intercept:
                assert points["relative_gap"][k] == pytest.approx(
                    cert.relative_gap, rel=1e-6, abs=1e-12
                )
        paths[label] = coefs
    for label in ("never", "always", "exact", "certified starts", "kept sets", "new sets",
                  "filled sets"):  # fmt: skip
        np.testing.assert_allclose(paths[label], paths["default"], atol=1e-4)


def _weighted_gram_both_ways(X, hess, features):
    """The Gram matrix and sums of ``X[:, features]`` by row blocks and by columns,
    checked against each other and against the dense product."""
    from shrinkage._kernels.weighted_gram import (
        row_offsets,
        weighted_gram_csc,
        weighted_gram_rows,
    )

    X = sp.csc_matrix(X)
    X.sort_indices()
    k = features.shape[0]
    starts = row_offsets(X.indices, X.shape[0])
    np.testing.assert_array_equal(starts, X.tocsr().indptr)
    gram, sums = np.full((k, k), np.nan), np.full(k, np.nan)
    weighted_gram_rows(X.data, X.indices, X.indptr, starts, hess, features, gram, sums)
    columns = X[:, features].toarray()
    expected = columns.T @ (hess[:, None] * columns)
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    np.testing.assert_allclose(gram, expected, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(sums, columns.T @ hess, rtol=1e-12, atol=1e-12 * scale)
    by_columns, column_sums = np.full((k, k), np.nan), np.full(k, np.nan)
    weighted_gram_csc(X.data, X.indices, X.indptr, hess, features, by_columns, column_sums,
                      np.zeros(X.shape[0]))  # fmt: skip
    np.testing.assert_allclose(by_columns, gram, rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(column_sums, sums, rtol=1e-12, atol=1e-12 * scale)


@pytest.mark.parametrize("size", [0, 1, 7, 40])
def test_weighted_gram_of_a_working_set_by_rows_and_by_columns(size):
    rng = np.random.default_rng(size)
    X = sp.random(300, 40, density=0.3, format="csc", random_state=size)
    # an empty column and an empty row
    X = sp.diags((np.arange(300) != 5) * 1.0) @ X @ sp.diags((np.arange(40) != 3) * 1.0)
    X.eliminate_zeros()
    hess = rng.uniform(0.0, 1.0, 300)
    features = np.sort(rng.choice(40, size, replace=False)).astype(np.int64)
    _weighted_gram_both_ways(X, hess, features)


def test_weighted_gram_over_many_row_blocks_and_a_row_longer_than_a_block():
    """More entries than one block (2¹⁵) holds, so that rows are laid out block by block
    with each column's cursor carried over (and the row offsets are counted over several
    runs of entries); then one dense row longer than a block."""
    rng = np.random.default_rng(3)
    X = sp.random(4_000, 80, density=0.6, format="csc", random_state=3)
    assert X.nnz > 2**16 * 2
    features = np.sort(rng.choice(80, 50, replace=False)).astype(np.int64)
    _weighted_gram_both_ways(X, rng.uniform(0.0, 1.0, 4_000), features)
    wide = sp.vstack([sp.random(3, 70_000, density=0.01, random_state=4),
                      sp.csr_matrix(np.ones((1, 70_000))),
                      sp.random(3, 70_000, density=0.01, random_state=5)])  # fmt: skip
    features = np.sort(rng.choice(70_000, 30, replace=False)).astype(np.int64)
    _weighted_gram_both_ways(wide, rng.uniform(0.0, 1.0, 7), features)


def test_the_gram_matrix_by_columns_for_small_working_sets_only():
    """The cost rule: a few features of many rows by columns, most features by rows."""
    from shrinkage._kernels.weighted_gram import gram_by_columns

    # a9a (48,842 rows): 10 features holding 39,239 entries took 0.17 ms by columns and
    # 0.59 by rows; 40 holding 154,368 took 2.1 and 1.5 ms
    assert gram_by_columns(10, 39_239, 48_842)
    assert not gram_by_columns(40, 154_368, 48_842)
    # w8a (49,749 rows): 10 features holding 21,506 entries, 0.10 against 0.41 ms; 40
    # holding 76,654, 1.7 against 0.9 ms
    assert gram_by_columns(10, 21_506, 49_749)
    assert not gram_by_columns(40, 76_654, 49_749)
    # a tall 0/1 design (100,000 rows): 100 features holding 37,326 entries, 1.7 against
    # 0.9 ms
    assert not gram_by_columns(100, 37_326, 100_000)


def test_every_layout_reaches_the_one_compilation():
    """Read-only arrays, 64-bit sparse indices and one-column data would each compile the
    loop anew (30-40 s): they are copied into the canonical form, or left to the Python
    loop, with the same certified points; dense and sparse X share the compilation."""
    from shrinkage._kernels.logistic_path import logistic_path as kernel

    X, y = problem(n=80, p=6, seed=11)
    frozen = np.asfortranarray(X)
    frozen.setflags(write=False)
    frozen_y = y.copy()
    frozen_y.setflags(write=False)
    wide_indices = sp.csc_matrix(X)
    wide_indices.indices = wide_indices.indices.astype(np.int64)
    wide_indices.indptr = wide_indices.indptr.astype(np.int64)
    reference = shrinkage.path(X, y, L1(), loss="logistic", n_alphas=6, tol=1e-10)
    for data in (frozen, wide_indices, sp.csc_matrix(X)):
        result = shrinkage.path(data, frozen_y, L1(), loss="logistic", n_alphas=6, tol=1e-10)
        np.testing.assert_allclose(result.dense_coefs(), reference.dense_coefs(), atol=1e-6)
    column = shrinkage.path(X[:, :1], y, L1(), loss="logistic", n_alphas=4, tol=1e-10)
    assert np.all(column.relative_gaps <= 1e-10)
    assert len(kernel.signatures) == 1, kernel.signatures  # dense and sparse alike
