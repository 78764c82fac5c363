"""Sparse logistic regression: solver, certificate, alpha_max and estimator."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from shrinkage.certificates import certify_logistic
from shrinkage.estimators.logistic import SparseLogisticRegression
from shrinkage.losses import LogisticLoss
from shrinkage.penalties import L1, L2, ElasticNetPenalty, Penalty
from shrinkage.solvers.logistic import logistic_alpha_max, solve_logistic


def make_problem(n=60, p=15, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:4] = [2.0, -1.0, 1.5, 0.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(float)
    return X, y, rng


def test_l1_matches_liblinear():
    X, y, _ = make_problem()
    n, alpha = X.shape[0], 0.03
    res = solve_logistic(X, y, alpha, tol=1e-12)
    ref = LogisticRegression(
        C=1 / (n * alpha), l1_ratio=1.0, solver="liblinear", intercept_scaling=1e4,
        tol=1e-12, max_iter=100_000,
    ).fit(X, y)  # fmt: skip
    np.testing.assert_allclose(res.coef, ref.coef_.ravel(), atol=1e-4)
    np.testing.assert_allclose(
        res.intercept, ref.intercept_[0], atol=1e-4
    )  # liblinear: b penalised
    np.testing.assert_array_equal(res.coef == 0, np.abs(ref.coef_.ravel()) < 1e-8)


def test_l2_with_weights_matches_lbfgs():
    X, y, rng = make_problem(seed=1)
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    alpha = 0.05
    res = solve_logistic(X, y, alpha, L2(), sample_weight=weights, tol=1e-13)
    ref = LogisticRegression(C=1 / (weights.sum() * alpha), l1_ratio=0.0, tol=1e-12,
                             max_iter=10_000).fit(X, y, sample_weight=weights)  # fmt: skip
    np.testing.assert_allclose(res.coef, ref.coef_.ravel(), atol=1e-6)
    np.testing.assert_allclose(res.intercept, ref.intercept_[0], atol=1e-6)


@pytest.mark.parametrize(
    "l1_ratio, factors, weighted, positive, fit_intercept",
    [(0.5, True, True, False, True), (0.3, False, True, True, False),
     (1.0, True, False, True, True), (0.0, True, False, False, True)],
)  # fmt: skip
def test_matches_cvxpy(l1_ratio, factors, weighted, positive, fit_intercept):
    cp = pytest.importorskip("cvxpy")
    X, y, rng = make_problem(n=50, p=10, seed=2)
    n, p = X.shape
    weights = rng.uniform(0.2, 3.0, n) if weighted else None
    factor = rng.uniform(0.0, 2.0, p) if factors else None
    if factors:
        factor[0] = 0.0  # one unpenalised feature
    penalty = Penalty(l1_ratio, factor, positive)
    alpha = 0.04
    res = solve_logistic(X, y, alpha, penalty, sample_weight=weights, tol=1e-12,
                         fit_intercept=fit_intercept)  # fmt: skip
    s = np.ones(n) if weights is None else weights * n / weights.sum()
    a, b = penalty.weights(alpha, p)
    w, c = cp.Variable(p, nonneg=positive), cp.Variable()
    z = X @ w + (c if fit_intercept else 0)
    objective = (cp.sum(cp.multiply(s, cp.logistic(z) - cp.multiply(y, z))) / n
                 + a @ cp.abs(w) + 0.5 * cp.sum(cp.multiply(b, cp.square(w))))  # fmt: skip
    cp.Problem(cp.Minimize(objective)).solve(solver="CLARABEL", tol_gap_abs=1e-12,
                                             tol_gap_rel=1e-12, tol_feas=1e-12)  # fmt: skip
    assert res.relative_gap <= 1e-12
    assert res.certificate.primal <= objective.value + 1e-12
    np.testing.assert_allclose(res.coef, w.value, atol=1e-5)
    if fit_intercept:
        np.testing.assert_allclose(res.intercept, c.value, atol=1e-5)


def test_certificate_is_a_true_gap():
    """The reported gap is primal − dual, and the dual matches LogisticLoss.dual_value."""
    X, y, _ = make_problem(seed=3)
    res = solve_logistic(X, y, 0.02, fit_intercept=False, tol=1e-4)
    cert = res.certificate
    assert cert.dual_gap == pytest.approx(cert.primal - cert.dual)
    assert 0 <= cert.relative_gap <= 1e-4
    # a far-from-optimal point gets a large, still valid gap
    bad = certify_logistic(X, y, res.coef + 0.5, 0.0, np.full(15, 0.02), np.zeros(15),
                           fit_intercept=False)  # fmt: skip
    assert bad.relative_gap > 1e-2
    loss = LogisticLoss()
    assert loss.value(y, X @ res.coef) + 0.02 * np.abs(res.coef).sum() == pytest.approx(
        cert.primal
    )
    prob = 1 / (1 + np.exp(-(X @ res.coef)))
    entropy = prob * np.log(prob) + (1 - prob) * np.log(1 - prob)
    assert loss.dual_value(y, (y - prob) / len(y)) == pytest.approx(-entropy.mean())
    assert loss.dual_value(y, -y / len(y)) == -np.inf  # outside the box q ∈ [0, 1]
    assert cert.dual <= cert.primal


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
def test_gap_below_tol_after_every_fit(tol):
    X, y, rng = make_problem(n=80, p=40, seed=4)
    weights = rng.uniform(0.5, 1.5, 80)
    for alpha in [0.1, 0.03, 0.01, 0.003]:
        for penalty in [L1(), ElasticNetPenalty(0.5)]:
            res = solve_logistic(X, y, alpha, penalty, sample_weight=weights, tol=tol)
            assert res.converged and res.relative_gap <= tol
            independent = certify_logistic(
                X, y, res.coef, res.intercept, *penalty.weights(alpha, 40), sample_weight=weights
            )
            assert independent.relative_gap == pytest.approx(res.relative_gap, abs=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
def test_alpha_max_gives_exact_zeros(fit_intercept, standardize):
    X, y, rng = make_problem(seed=5)
    X = X * rng.uniform(0.5, 3.0, X.shape[1])
    factor = np.ones(15)
    factor[2] = 0.0
    for penalty in [L1(), ElasticNetPenalty(0.5), L1(factor)]:
        options = dict(fit_intercept=fit_intercept, standardize=standardize)
        alpha_max = logistic_alpha_max(X, y, penalty, **options)
        res = solve_logistic(X, y, alpha_max, penalty, tol=1e-10, **options)
        penalised = penalty.factors(15) > 0
        assert np.all(res.coef[penalised] == 0)
        below = solve_logistic(X, y, 0.95 * alpha_max, penalty, tol=1e-10, **options)
        assert np.sum(below.coef[penalised] != 0) >= 1


def test_alpha_max_formula():
    X, y, _ = make_problem(seed=6)
    prior = y.mean()
    expected = np.max(np.abs(X.T @ (y - prior))) / len(y)
    assert logistic_alpha_max(X, y) == pytest.approx(expected)
    assert logistic_alpha_max(X, y, L2()) == np.inf


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_dense_equals_sparse(dtype):
    X, y, rng = make_problem(n=70, p=30, seed=7)
    X[rng.random(X.shape) < 0.6] = 0.0
    X = X.astype(dtype)
    weights = rng.uniform(0.5, 1.5, 70)
    # Dense X takes the Gram form of the Newton model here, sparse X its columns: the
    # iterates differ, so the fits agree to the accuracy their certificates give.
    for kwargs in [dict(), dict(standardize=True), dict(fit_intercept=False)]:
        dense = solve_logistic(X, y, 0.01, ElasticNetPenalty(0.7), sample_weight=weights,
                               tol=1e-13, **kwargs)  # fmt: skip
        sparse = solve_logistic(sp.csc_matrix(X), y, 0.01, ElasticNetPenalty(0.7),
                                sample_weight=weights, tol=1e-13, **kwargs)  # fmt: skip
        assert dense.coef.dtype == sparse.coef.dtype == dtype
        atol = 1e-6 if dtype == np.float64 else 1e-5
        np.testing.assert_allclose(dense.coef, sparse.coef, atol=atol)
        assert max(dense.relative_gap, sparse.relative_gap) <= 1e-13 or dtype == np.float32


def test_warm_start_and_standardize_scale():
    X, y, rng = make_problem(seed=8)
    cold = solve_logistic(X, y, 0.01, tol=1e-10)
    warm = solve_logistic(X, y, 0.01, tol=1e-10, coef_init=cold.coef,
                          intercept_init=cold.intercept)  # fmt: skip
    assert warm.n_iter <= 1
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-8)
    # standardize=True on X equals fitting standardised X and rescaling
    scale = rng.uniform(0.5, 4.0, 15)
    Xs = X * scale
    fit = solve_logistic(Xs, y, 0.02, standardize=True, tol=1e-12)
    std = Xs.std(axis=0)
    ref = solve_logistic((Xs - Xs.mean(0)) / std, y, 0.02, tol=1e-12)
    np.testing.assert_allclose(fit.coef * std, ref.coef, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), l1_ratio=st.sampled_from([1.0, 0.5, 0.1]),
       ratio=st.floats(0.05, 0.9), fit_intercept=st.booleans())  # fmt: skip
def test_property_certified_and_optimal(seed, l1_ratio, ratio, fit_intercept):
    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(10, 40)), int(rng.integers(2, 25))
    X = rng.standard_normal((n, p))
    y = (rng.random(n) < 0.5).astype(float)
    y[:2] = [0.0, 1.0]
    penalty = ElasticNetPenalty(l1_ratio)
    alpha = ratio * logistic_alpha_max(X, y, L1(), fit_intercept=fit_intercept)
    res = solve_logistic(X, y, alpha, penalty, tol=1e-8, fit_intercept=fit_intercept,
                         max_iter=500)  # fmt: skip
    assert res.relative_gap <= 1e-8
    assert res.certificate.max_kkt_residual <= 1e-3
    # no coordinate perturbation lowers the objective (beyond the certified gap)
    base = res.certificate.primal
    a, b = penalty.weights(alpha, p)
    for j in range(p):
        for step in (1e-3, -1e-3):
            w = res.coef.copy()
            w[j] += step
            other = certify_logistic(X, y, w, res.intercept, a, b, fit_intercept=fit_intercept)
            assert other.primal >= base - res.dual_gap - 1e-12


def test_estimator_labels_and_probabilities():
    X, y, _ = make_problem(seed=9)
    labels = np.where(y == 1, "spam", "ham")
    model = SparseLogisticRegression(alpha=0.02, tol=1e-10).fit(X, labels)
    assert list(model.classes_) == ["ham", "spam"]
    assert model.coef_.shape == (1, 15) and model.intercept_.shape == (1,)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    expected = np.where(model.decision_function(X) > 0, "spam", "ham")
    np.testing.assert_array_equal(model.predict(X), expected)
    np.testing.assert_allclose(np.log(proba), model.predict_log_proba(X), atol=1e-12)
    assert model.certificate_.relative_gap <= 1e-10 and model.dual_gap_ >= 0
    # the documented conversion: C = 1/(n alpha)
    ref = LogisticRegression(
        C=1 / (60 * 0.02),
        l1_ratio=1.0,
        solver="liblinear",
        intercept_scaling=1e4,
        tol=1e-12,
        max_iter=100_000,
    )
    ref.fit(X, labels)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-4)
    assert model.score(X, labels) == ref.score(X, labels)


def test_estimator_warm_start_uses_previous_fit():
    X, y, _ = make_problem(seed=10)
    model = SparseLogisticRegression(alpha=0.02, tol=1e-10, warm_start=True).fit(X, y)
    first = model.coef_.copy()
    model.fit(X, y)
    assert model.n_iter_ <= 1
    np.testing.assert_allclose(model.coef_, first, atol=1e-8)


@pytest.mark.parametrize(
    "y, match",
    [(np.r_[np.zeros(10), np.ones(10), 2 * np.ones(10)], "Only binary classification"),
     (np.ones(30), "only one class"),
     (np.r_[np.zeros(15), np.ones(14), np.nan], "NaN"),
     (np.linspace(0, 1, 30), "Unknown label type")],
)  # fmt: skip
def test_estimator_bad_targets(y, match):
    X = np.random.default_rng(0).standard_normal((30, 3))
    with pytest.raises(ValueError, match=match):
        SparseLogisticRegression().fit(X, y)


def test_solver_bad_inputs():
    X, y, _ = make_problem()
    with pytest.raises(ValueError, match="coded 0/1"):
        solve_logistic(X, 2 * y, 0.1)
    with pytest.raises(ValueError, match="one class"):
        solve_logistic(X, np.ones(60), 0.1)
    with pytest.raises(ValueError, match="one class"):
        solve_logistic(X, y, 0.1, sample_weight=y)  # weights remove class 0
    with pytest.raises(ValueError, match="alpha"):
        solve_logistic(X, y, -1.0)
    with pytest.raises(ValueError, match="penalty_factor"):
        solve_logistic(X, y, 0.1, L1(np.ones(3)))
    with pytest.raises(ValueError, match="coef_init"):
        solve_logistic(X, y, 0.1, coef_init=np.zeros(3))


@pytest.mark.parametrize("factor", [1e300, 1e-300, 1e307])
def test_sample_weights_are_scale_free_at_float64_extremes(factor):
    """Weights are normalised by their largest first: no overflow of the sum (1e307 × n),
    no underflow of the rest, and the same fit as the unscaled weights."""
    X, y, rng = make_problem(seed=11)
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    ref = solve_logistic(X, y, 0.02, ElasticNetPenalty(0.5), sample_weight=weights, tol=1e-12)
    with np.errstate(over="ignore"):  # the input check sums the raw weights
        res = solve_logistic(X, y, 0.02, ElasticNetPenalty(0.5), sample_weight=factor * weights,
                             tol=1e-12)  # fmt: skip
    np.testing.assert_allclose(res.coef, ref.coef, atol=1e-10)
    assert res.intercept == pytest.approx(ref.intercept, abs=1e-10)


def test_dominant_weight_is_not_called_one_class():
    X, y, _ = make_problem(seed=12)
    weights = np.ones(X.shape[0])
    weights[np.flatnonzero(y == 1)[0]] = 1e300  # class 0 keeps ~1e-298 of the weight
    message = r"too uneven.*class 0.* [1-9]\.\de-299 of the total"
    with pytest.raises(ValueError, match=message) as info:
        solve_logistic(X, y, 0.1, sample_weight=weights)
    assert "one class is present" not in str(info.value)
    weights[y == 0] = 1e-30  # now class 0 underflows to 0 next to 1e300
    with pytest.raises(ValueError, match=r"too uneven.*class 0.* [1-9]\.\de-329 of the total"):
        SparseLogisticRegression().fit(X, y, sample_weight=weights)
    weights[y == 0] = 0.0  # truly one class
    with pytest.raises(ValueError, match="one class is present.*y = 0 has weight 0"):
        solve_logistic(X, y, 0.1, sample_weight=weights)
    weights = np.where(y == 0, 1e-12, 1.0)  # uneven but representable: fits
    assert solve_logistic(X, y, 0.01, sample_weight=weights, tol=1e-8).converged


def with_duplicate_entries(X, rng):
    """The same matrix as CSC arrays where a third of the entries are split in two
    (value v as v/4 and 3v/4) and every column's row indices are shuffled."""
    canonical = sp.csc_matrix(X)
    data, indices, indptr = [], [], [0]
    for j in range(X.shape[1]):
        rows = canonical.indices[canonical.indptr[j] : canonical.indptr[j + 1]]
        values = canonical.data[canonical.indptr[j] : canonical.indptr[j + 1]]
        split = rng.random(rows.shape[0]) < 1 / 3
        column_rows = np.concatenate([rows, rows[split]])
        column_values = np.concatenate([np.where(split, 0.25, 1.0) * values, 0.75 * values[split]])
        order = rng.permutation(column_rows.shape[0])
        indices.append(column_rows[order])
        data.append(column_values[order])
        indptr.append(indptr[-1] + column_rows.shape[0])
    return sp.csc_matrix(
        (np.concatenate(data), np.concatenate(indices).astype(np.int32), np.array(indptr)),
        shape=X.shape,
    )


@pytest.mark.parametrize("standardize", [False, True])
def test_duplicate_sparse_entries_are_summed_and_input_untouched(standardize):
    """Duplicated (row, column) entries mean their sum, as in SciPy; the caller's arrays
    are never sorted or summed in place. n ≫ |W| here, so the row-wise Gram kernel runs."""
    X, y, rng = make_problem(n=200, p=20, seed=13)
    X[rng.random(X.shape) < 0.5] = 0.0
    duplicated = with_duplicate_entries(X, rng)
    assert not duplicated.has_canonical_format
    before = [duplicated.data.copy(), duplicated.indices.copy(), duplicated.indptr.copy()]
    canonical = duplicated.copy()
    canonical.sum_duplicates()
    np.testing.assert_allclose(canonical.toarray(), X, atol=1e-15)
    options = dict(standardize=standardize, tol=1e-10)
    res = solve_logistic(duplicated, y, 0.01, ElasticNetPenalty(0.5), **options)
    ref = solve_logistic(canonical, y, 0.01, ElasticNetPenalty(0.5), **options)
    assert res.relative_gap <= 1e-10
    np.testing.assert_allclose(res.coef, ref.coef, atol=1e-6)
    model = SparseLogisticRegression(alpha=0.01, l1_ratio=0.5, **options).fit(duplicated, y)
    assert model.certificate_.relative_gap <= 1e-10
    np.testing.assert_allclose(model.coef_.ravel(), ref.coef, atol=1e-6)
    for after, original in zip(
        [duplicated.data, duplicated.indices, duplicated.indptr], before, strict=True
    ):
        assert after.tobytes() == original.tobytes()


def test_free_columns_of_very_different_scales_keep_the_gap_valid():
    """Unpenalised columns of scales 1e-7 and 1e3: the dual point must still satisfy
    ``X_Fᵀθ = 0`` (the free coefficient here is ~1e7), or the "gap" goes negative and
    stops the solver early."""
    X = np.array([
        [3.45584192e-07, 8.21618144e02, 3.30437076e02, -1.30315723e03, 9.05355867e05],
        [4.46374572e-07, -5.36953235e02, 5.81118104e02, 3.64572396e02, 2.94132497e05],
        [2.84222413e-08, 5.46712987e02, -7.36454087e02, -1.62909948e02, -4.82119313e05],
        [5.98846213e-07, 3.97221075e01, -2.92456751e02, -7.81908462e02, -2.57192241e05],
        [8.14218052e-09, -2.75602905e02, 1.29406381e03, 1.00672432e03, -2.71116248e06],
    ])  # fmt: skip
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    penalty = Penalty(0.0, np.array([0.0, 2.0, 0.0, 2.0, 1.0]))
    options = dict(fit_intercept=False, max_iter=500)
    fit = solve_logistic(X, y, 1.78e8, penalty, tol=1e-4, **options)
    best = solve_logistic(X, y, 1.78e8, penalty, tol=1e-10, **options)
    for res in (fit, best):
        assert res.converged and res.dual_gap >= 0
    assert fit.certificate.primal - best.certificate.primal <= fit.dual_gap
    assert best.certificate.dual <= fit.certificate.primal
