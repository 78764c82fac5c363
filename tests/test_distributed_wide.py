"""Distributed working sets and ridge by conjugate gradient on row blocks.

Mirrors ``shrinkage.distributed.operations``, ``.wide`` and ``.ridge_cg``: every pass
against the in-memory design, every path against ``shrinkage.path`` with objectives and
gaps recomputed by ``tests/_independent_gap.py``, ridge against the normal equations.
"""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from _independent_gap import column_scales, dense, squared_gap
from shrinkage import path
from shrinkage.design import make_design
from shrinkage.distributed import ArrayBlocks
from shrinkage.distributed.operations import (
    column_moments,
    correlations,
    gram_block,
    matvec,
)
from shrinkage.distributed.ridge_cg import ridge_cg
from shrinkage.distributed.wide import GramColumns, wide_path
from shrinkage.penalties import L1, ElasticNetPenalty, Penalty


def make_data(n, p, sparse, weighted, seed=0):
    """Columns off-centre (mean 3), five true features, positive weights."""
    rng = np.random.default_rng(seed)
    if sparse:
        X = sp.random(n, p, density=0.3, random_state=rng, format="csr") * 4.0
        X.data += 1.0
    else:
        X = rng.standard_normal((n, p)) + 3.0
    coef = np.zeros(p)
    coef[:5] = [3.0, -2.0, 1.5, 1.0, -1.0]
    y = X @ coef + rng.standard_normal(n) + 2.0
    weights = rng.uniform(0.2, 3.0, n) if weighted else None
    return X, y, weights


# ---------------------------------------------------------------- operations, one pass


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("fit_intercept", [False, True])
def test_each_pass_equals_the_in_memory_design(sparse, fit_intercept):
    X, y, s = make_data(50, 30, sparse, weighted=True)
    data = ArrayBlocks(X, y, s, n_partitions=5)
    design = make_design(X, y, s, fit_intercept)
    moments = column_moments(data)
    centring = moments.centring(fit_intercept)
    assert data.passes == 1
    np.testing.assert_allclose(moments.columns.mean, np.average(dense(X), axis=0, weights=s))
    np.testing.assert_allclose(centring.column_sq_norms, design.column_sq_norms(), rtol=1e-10)
    np.testing.assert_allclose(centring.yy, design.y @ design.y, rtol=1e-12)
    w = np.zeros(30)
    w[[1, 4, 7]] = [0.5, -1.0, 2.0]
    corr, rr, y_dot_r = correlations(data, w, centring)
    r = design.y - design.matvec(w)
    np.testing.assert_allclose(corr, design.rmatvec(r), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose([rr, y_dot_r], [r @ r, design.y @ r], rtol=1e-12)
    features = np.array([2, 5, 11])
    gram, xty = gram_block(data, features, centring)
    np.testing.assert_allclose(gram, design.gram(features), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(xty, design.rmatvec(design.y)[features], rtol=1e-10)
    cross, _ = gram_block(data, features, centring, columns=np.arange(30))
    np.testing.assert_allclose(cross, design.gram()[features], rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(matvec(data, w, centring), design.rmatvec(design.matvec(w)),
                               rtol=1e-10, atol=1e-9)  # fmt: skip
    assert data.passes == 5  # one pass each


def test_moments_are_stable_far_from_zero():
    # mean 1e6, spread 1e-2: the uncentred Σx² − n x̄² would lose every digit
    rng = np.random.default_rng(3)
    X = 1e6 + 1e-2 * rng.standard_normal((400, 3))
    s = rng.uniform(0.5, 2.0, 400)
    moments = column_moments(ArrayBlocks(X, np.zeros(400), s, n_partitions=6))
    mean = np.average(X, axis=0, weights=s)
    np.testing.assert_allclose(moments.columns.centred_squares, s @ (X - mean) ** 2, rtol=1e-8)
    assert moments.weight == pytest.approx(s.sum()) and moments.n_rows == 400


def test_rows_of_weight_zero_change_no_moment():
    X, y, s = make_data(40, 6, sparse=False, weighted=True)
    s[:20] = 0.0  # the first partitions carry no weight
    moments = column_moments(ArrayBlocks(X, y, s, n_partitions=4))
    kept = column_moments(ArrayBlocks(X[20:], y[20:], s[20:], n_partitions=2))
    ours, theirs = moments.columns, kept.columns
    np.testing.assert_allclose(ours.mean, theirs.mean, rtol=1e-12)
    np.testing.assert_allclose(ours.centred_squares, theirs.centred_squares, rtol=1e-12)
    assert (moments.n_rows, kept.n_rows) == (40, 20)


def test_gram_columns_read_each_column_once():
    X, y, s = make_data(40, 25, sparse=False, weighted=False)
    data = ArrayBlocks(X, y, s, n_partitions=3)
    centring = column_moments(data).centring(True)
    full = make_design(X, y).gram()
    columns = GramColumns(data, centring, limit=6)
    for features, passes in (([1, 3], 1), ([3], 1), ([0, 1, 3], 2), ([0, 3], 2)):
        gram, _ = columns.restricted(np.array(features))
        np.testing.assert_allclose(gram, full[np.ix_(features, features)], rtol=1e-10)
        assert columns.passes == passes
    gram, _ = columns.restricted(np.array([5, 7, 9, 11]))  # past the limit: rebuilt
    np.testing.assert_allclose(gram, full[np.ix_([5, 7, 9, 11], [5, 7, 9, 11])], rtol=1e-10)
    assert columns.features.tolist() == [5, 7, 9, 11] and columns.passes == 3


class PicklingBlocks(ArrayBlocks):
    """ArrayBlocks whose reductions ship every function through pickle, as a cluster
    does (a lambda or a closure would fail here)."""

    def reduce(self, function, *, label="pass"):
        return super().reduce(pickle.loads(pickle.dumps(function)), label=label)


def test_block_functions_survive_pickling():
    X, y, s = make_data(40, 120, sparse=True, weighted=True, seed=6)
    shipped = PicklingBlocks(X, y, s, n_partitions=3)
    local = ArrayBlocks(X, y, s, n_partitions=3)
    paths = [wide_path(data, n_alphas=8, tol=1e-10) for data in (shipped, local)]
    np.testing.assert_array_equal(paths[0].coefs, paths[1].coefs)
    fits = [ridge_cg(data, 0.5, tol=1e-10) for data in (shipped, local)]
    np.testing.assert_array_equal(fits[0].coef, fits[1].coef)


# ---------------------------------------------------------------------- the wide path

CASES = [  # n, p, sparse, weighted, fit_intercept, standardize, l1_ratio
    (60, 400, False, False, True, False, 1.0),
    (60, 400, False, True, True, True, 0.5),
    (60, 400, False, True, False, False, 1.0),
    (60, 400, False, False, False, True, 0.5),
    (60, 400, True, False, True, False, 1.0),
    (60, 400, True, True, True, True, 0.5),
    (60, 400, True, True, False, True, 1.0),
    (60, 400, True, False, False, False, 0.5),
    (200, 40, False, True, True, True, 1.0),
    (200, 40, True, False, True, False, 0.5),
    (200, 40, False, False, False, False, 0.5),
    (200, 40, True, True, False, True, 1.0),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_wide_path_equals_the_in_memory_path(case):
    n, p, sparse, weighted, fit_intercept, standardize, l1_ratio = CASES[case]
    X, y, s = make_data(n, p, sparse, weighted, seed=case)
    penalty = Penalty(l1_ratio)
    options = dict(fit_intercept=fit_intercept, standardize=standardize)
    data = ArrayBlocks(X, y, s, n_partitions=3 + case % 4)
    result = wide_path(data, penalty, n_alphas=20, tol=1e-10, **options)
    reference = path(X, y, penalty, n_alphas=20, tol=1e-10, sample_weight=s, **options)
    np.testing.assert_allclose(result.alphas, reference.alphas, rtol=1e-10)  # one grid rule
    assert np.all(result.relative_gaps <= 1e-10) and result.converged.all()
    for k, alpha in enumerate(result.alphas):
        gap_options = dict(sample_weight=s, **options)
        ours = squared_gap(X, y, result.coefs[k], result.intercepts[k], alpha, l1_ratio,
                           **gap_options)  # fmt: skip
        theirs = squared_gap(X, y, reference.coefs[k], reference.intercepts[k], alpha, l1_ratio,
                             **gap_options)  # fmt: skip
        assert abs(ours.primal - theirs.primal) <= 1e-8 * ours.primal_at_zero
        assert ours.relative <= 1e-9  # the certificate holds when recomputed from scratch
    if standardize:
        np.testing.assert_allclose(result.column_std, column_scales(dense(X), _normalised(s, n),
                                   fit_intercept), rtol=1e-10)  # fmt: skip


def _normalised(s, n):
    return np.ones(n) if s is None else s * n / s.sum()


@pytest.mark.parametrize("sparse", [False, True])
def test_wide_path_needs_few_passes(sparse):
    X, y, s = make_data(60, 400, sparse, weighted=True, seed=7)
    data = ArrayBlocks(X, y, s, n_partitions=4)
    result = wide_path(data, ElasticNetPenalty(0.8), n_alphas=30, tol=1e-8)
    passes = result.timings["passes"]
    assert result.converged.all()
    assert data.passes == result.timings["setup_passes"] + passes.sum()
    assert passes[0] == 0 and result.n_iter[0] == 0  # at α_max, w = 0 is certified
    assert np.all(passes <= 2 * result.n_iter)  # a Gram block and a check at most
    assert passes.mean() <= 3.0  # measured 1.9 (dense and sparse)


def test_positive_lasso_in_sparse_rows():
    X, y, s = make_data(60, 400, sparse=True, weighted=True, seed=9)
    penalty = L1(positive=True)
    result = wide_path(ArrayBlocks(X, y, s, n_partitions=5), penalty, n_alphas=15, tol=1e-10,
                       coef_format="sparse")  # fmt: skip
    reference = path(X, y, penalty, alphas=result.alphas, tol=1e-10, sample_weight=s)
    coefs = result.coefs.toarray()
    assert np.all(coefs >= 0) and result.converged.all()
    for k, alpha in enumerate(result.alphas):
        ours = squared_gap(X, y, coefs[k], result.intercepts[k], alpha, positive=True,
                           sample_weight=s)  # fmt: skip
        theirs = squared_gap(X, y, reference.coefs[k], reference.intercepts[k], alpha,
                             positive=True, sample_weight=s)  # fmt: skip
        assert abs(ours.primal - theirs.primal) <= 1e-8 * ours.primal_at_zero


def test_gap_safe_screening_counts_proven_zeros():
    X, y, s = make_data(60, 400, sparse=False, weighted=False, seed=2)
    result = wide_path(ArrayBlocks(X, y, n_partitions=3), L1(), n_alphas=15, tol=1e-10)
    middle = result.n_screened[1:10]
    assert np.all(middle > 300)  # most of the 400 features are proven zero
    assert np.all(result.n_screened + result.n_active <= 400)


def test_wide_path_warns_when_the_budget_is_short():
    X, y, _ = make_data(60, 400, sparse=False, weighted=False, seed=4)
    with pytest.warns(ConvergenceWarning, match="wide_path"):
        result = wide_path(ArrayBlocks(X, y, n_partitions=3), L1(), n_alphas=10, tol=1e-14,
                           max_iter=1)  # fmt: skip
    assert np.all(result.n_iter <= 1) and not result.converged.all()


def test_wide_path_refuses_what_it_cannot_certify():
    X, y, _ = make_data(30, 50, sparse=False, weighted=False)
    data = ArrayBlocks(X, y, n_partitions=3)
    factors = np.ones(50)
    factors[0] = 0.0
    with pytest.raises(ValueError, match="every feature penalised"):
        wide_path(data, L1(penalty_factor=factors))
    with pytest.raises(ValueError, match="ridge_cg"):
        wide_path(data, Penalty(0.0))
    constant = X.copy()
    constant[:, 3] = 1.0
    with pytest.raises(ValueError, match="zero variance"):
        wide_path(ArrayBlocks(constant, y, n_partitions=3), standardize=True)


# ------------------------------------------------------------------------------ ridge


def closed_form(X, y, s, alpha, factors, fit_intercept, standardize):
    """The ridge solution from the normal equations, in NumPy."""
    Xd, n = dense(X), X.shape[0]
    s = _normalised(s, n)
    x_mean = s @ Xd / n if fit_intercept else np.zeros(X.shape[1])
    y_mean = s @ y / n if fit_intercept else 0.0
    Xc, yc = Xd - x_mean, y - y_mean
    scale = column_scales(Xd, s, fit_intercept) if standardize else np.ones(X.shape[1])
    l2 = alpha * factors * scale**2
    weighted = Xc * s[:, None]
    coef = np.linalg.solve(weighted.T @ Xc / n + np.diag(l2), weighted.T @ yc / n)
    return coef, y_mean - x_mean @ coef, l2


RIDGE_CASES = [  # n, p, sparse, weighted, fit_intercept, standardize
    (60, 400, False, False, True, False),
    (60, 400, False, True, True, True),
    (60, 400, True, True, False, False),
    (60, 400, True, False, True, True),
    (200, 40, False, True, False, True),
    (200, 40, True, True, True, False),
]


@pytest.mark.parametrize("case", range(len(RIDGE_CASES)))
def test_ridge_cg_equals_the_closed_form(case):
    n, p, sparse, weighted, fit_intercept, standardize = RIDGE_CASES[case]
    X, y, s = make_data(n, p, sparse, weighted, seed=10 + case)
    factors = np.random.default_rng(case).uniform(0.5, 2.0, p)
    options = dict(fit_intercept=fit_intercept, standardize=standardize)
    data = ArrayBlocks(X, y, s, n_partitions=3 + case % 4)
    fit = ridge_cg(data, 0.3, penalty_factor=factors, tol=1e-13, **options)
    coef, intercept, l2 = closed_form(X, y, s, 0.3, factors, **options)
    assert fit.converged and fit.relative_gap <= 1e-13
    ours = squared_gap(X, y, fit.coef, fit.intercept, 0.3, 0.0, penalty_factor=factors,
                       sample_weight=s, **options)  # fmt: skip
    exact = squared_gap(X, y, coef, intercept, 0.3, 0.0, penalty_factor=factors,
                        sample_weight=s, **options)  # fmt: skip
    assert abs(ours.primal - exact.primal) <= 1e-12 * exact.primal_at_zero
    # P is min(l2)-strongly convex: ‖w − w*‖² ≤ 2·gap / min_j b_j
    assert np.sum((fit.coef - coef) ** 2) <= 2 * max(fit.dual_gap, 1e-300) / l2.min()
    # moments, right-hand side, one product per iteration, at least one certificate
    assert fit.n_passes == data.passes and fit.n_iter + 3 <= fit.n_passes <= fit.n_iter + 5


def test_ridge_cg_passes_are_counted_and_few():
    X, y, s = make_data(60, 400, sparse=False, weighted=True, seed=5)
    data = ArrayBlocks(X, y, s, n_partitions=4)
    fit = ridge_cg(data, 1.0, tol=1e-8)
    assert fit.converged and fit.n_passes == data.passes
    assert fit.n_iter + 3 <= fit.n_passes <= fit.n_iter + 5
    assert fit.n_iter <= 30  # measured 19 at tol 1e-8 (Jacobi-preconditioned)


def test_ridge_cg_refuses_alpha_zero_and_unpenalised_features():
    X, y, _ = make_data(30, 50, sparse=False, weighted=False)
    data = ArrayBlocks(X, y, n_partitions=3)
    with pytest.raises(ValueError, match="alpha > 0"):
        ridge_cg(data, 0.0)
    with pytest.raises(ValueError, match="penalty factor > 0"):
        ridge_cg(data, 1.0, penalty_factor=np.r_[0.0, np.ones(49)])
