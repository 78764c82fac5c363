"""The group lasso and group elastic net (``groups=``, ``GroupLasso``, ``GroupLassoCV``):
against the lab's teaching solver, cvxpy and scikit-learn's lasso, its certificate
against the true suboptimality, its screening, path, CV and errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso as SkLasso

import shrinkage
from shrinkage import GroupLasso, GroupLassoCV
from shrinkage.groups import check_groups
from shrinkage.lab.group_lasso import group_lasso as teaching_group_lasso
from shrinkage.penalties import L1, ElasticNetPenalty
from shrinkage.solvers.group_lasso import prepare_groups, solve_group_lasso


def _problem(seed=0, n=80, sizes=(3, 2, 4, 1, 3, 2), active=2, rho=0.5):
    rng = np.random.default_rng(seed)
    p = sum(sizes)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p))
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    X *= rng.uniform(0.5, 3.0, p)
    labels = np.repeat(np.arange(len(sizes)), sizes)
    w = np.zeros(p)
    for g in rng.choice(len(sizes), active, replace=False):
        w[labels == g] = rng.standard_normal(np.sum(labels == g))
    y = X @ w + 0.5 * rng.standard_normal(n) + 2.0
    return X, y, labels


def _objective(X, y, w, b, alpha, labels, l1_ratio=1.0, s=None, omega=None, scale=None):
    n = X.shape[0]
    s = np.ones(n) if s is None else s * n / s.sum()
    sigma = np.ones(X.shape[1]) if scale is None else scale
    r = y - X @ w - b
    total = float(s @ (r * r)) / (2 * n)
    for k, g in enumerate(np.unique(labels)):
        norm = np.linalg.norm((sigma * w)[labels == g])
        weight = np.sqrt(np.sum(labels == g)) if omega is None else omega[k]
        total += alpha * weight * (l1_ratio * norm + 0.5 * (1 - l1_ratio) * norm**2)
    return total


def test_fits_agree_with_the_teaching_solver():
    X, y, labels = _problem(1)
    fit = solve_group_lasso(X, y, 0.1, labels, tol=1e-13, max_iter=100_000)
    reference = teaching_group_lasso(X, y, labels, 0.1)
    np.testing.assert_allclose(fit.coef, reference.coef, atol=1e-7)
    assert fit.intercept == pytest.approx(reference.intercept, abs=1e-7)
    assert np.array_equal(fit.coef == 0, reference.coef == 0)  # the same zero groups


def test_singleton_groups_are_the_lasso():
    X, y, _ = _problem(2)
    p = X.shape[1]
    fit = GroupLasso(alpha=0.05, groups=None, tol=1e-12, max_iter=100_000).fit(X, y)
    reference = SkLasso(alpha=0.05, tol=1e-14, max_iter=1_000_000).fit(X, y)
    np.testing.assert_allclose(fit.coef_, reference.coef_, atol=1e-6)
    assert fit.coef_.shape == (p,)


def test_weighted_standardized_elastic_net_agrees_with_cvxpy():
    cp = pytest.importorskip("cvxpy")
    X, y, labels = _problem(3, n=50)
    rng = np.random.default_rng(3)
    s = rng.uniform(0.2, 3.0, 50)
    omega = rng.uniform(0.5, 2.0, 6)
    alpha, rho = 0.1, 0.6
    fit = solve_group_lasso(X, y, alpha, labels, l1_ratio=rho, group_weights=omega,
                            sample_weight=s, standardize=True, tol=1e-13,
                            max_iter=200_000)  # fmt: skip
    scale = prepare_groups(X, y, labels, s, standardize=True).scale
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    weights = s * 50 / s.sum()
    terms = [cp.sum(cp.multiply(weights, cp.square(y - X @ w - b))) / 100]
    for k, g in enumerate(np.unique(labels)):
        norm = cp.norm(cp.multiply(scale[labels == g], w[labels == g]), 2)
        terms.append(alpha * omega[k] * (rho * norm + 0.5 * (1 - rho) * cp.square(norm)))
    tight = dict(tol_gap_abs=1e-9, tol_gap_rel=1e-9, tol_feas=1e-9)
    cp.Problem(cp.Minimize(sum(terms))).solve(solver=cp.CLARABEL, **tight)
    args = (alpha, labels, rho, s, omega, scale)
    assert _objective(X, y, fit.coef, fit.intercept, *args) <= (
        _objective(X, y, w.value, b.value, *args) + 1e-8
    )
    np.testing.assert_allclose(fit.coef, w.value, atol=1e-4)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000), fraction=st.floats(0.02, 1.1),
    l1_ratio=st.sampled_from([1.0, 0.5]), weighted=st.booleans(), standardize=st.booleans(),
    fit_intercept=st.booleans(),
)  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, fraction, l1_ratio, weighted,
                                                        standardize, fit_intercept):  # fmt: skip
    X, y, labels = _problem(seed, n=40)
    s = np.random.default_rng(seed).uniform(0.1, 3.0, 40) if weighted else None
    data = prepare_groups(X, y, labels, s, fit_intercept, standardize)
    correlation = data.X.T @ data.y / 40
    groups = data.groups
    norms = np.sqrt(np.add.reduceat(correlation[groups.members] ** 2, groups.start[:-1]))
    alpha = fraction * np.max(norms / np.sqrt(groups.sizes)) / l1_ratio
    options = dict(l1_ratio=l1_ratio, sample_weight=s, standardize=standardize,
                   fit_intercept=fit_intercept)  # fmt: skip
    loose = solve_group_lasso(X, y, alpha, labels, tol=1e-3, max_iter=2, **options)
    best = solve_group_lasso(X, y, alpha, labels, tol=1e-14, max_iter=200_000, **options)
    args = (alpha, labels, l1_ratio, s, None, data.scale)
    gap = _objective(X, y, loose.coef, loose.intercept, *args) - _objective(
        X, y, best.coef, best.intercept, *args
    )
    assert gap <= loose.dual_gap + 1e-12
    assert loose.certificate.primal == pytest.approx(
        _objective(X, y, loose.coef, loose.intercept, *args), rel=1e-10, abs=1e-13
    )


def test_screened_groups_are_zero_at_the_optimum():
    X, y, labels = _problem(4, n=120, sizes=(4,) * 15, active=3)
    exact = solve_group_lasso(X, y, 0.15, labels, tol=1e-14, max_iter=100_000)
    groups = check_groups(labels, X.shape[1])
    zero_groups = int(np.sum(groups.norms(exact.coef) == 0))
    assert 0 < exact.n_screened <= zero_groups


def test_a_path_moves_groups_whole_and_matches_single_fits():
    X, y, labels = _problem(5, n=100)
    result = shrinkage.path(X, y, ElasticNetPenalty(0.9), groups=labels, n_alphas=15,
                            tol=1e-12)  # fmt: skip
    assert result.n_active[0] == 0 and result.n_active[-1] > 0
    assert np.all(result.relative_gaps <= 1e-12) and result.strategy == "group_bcd"
    for g in np.unique(labels):  # a group's features enter at the same α
        assert len(set(result.entry_alpha[labels == g])) == 1
        block = result.coefs[:, labels == g]
        assert np.all(np.all(block == 0, axis=1) | np.all(block != 0, axis=1))
    for k in (4, 14):
        single = solve_group_lasso(X, y, result.alphas[k], labels, l1_ratio=0.9, tol=1e-13,
                                   max_iter=100_000)  # fmt: skip
        np.testing.assert_allclose(result.coefs[k], single.coef, atol=1e-5)
        assert result.intercepts[k] == pytest.approx(single.intercept, abs=1e-5)


def test_cross_validation_picks_the_one_standard_error_alpha():
    X, y, labels = _problem(6, n=150)
    model = GroupLassoCV(groups=labels, n_alphas=20, cv=5).fit(X, y)
    mean, se = model.cv_mean_, model.cv_std_error_
    best = int(np.argmin(mean))
    assert model.alpha_min_ == model.alphas_[best]
    assert model.alpha_ == model.alphas_[np.flatnonzero(mean <= mean[best] + se[best])[0]]
    assert model.mse_path_.shape == (20, 5)
    refit = GroupLasso(alpha=model.alpha_, groups=labels, tol=model.tol).fit(X, y)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-6)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ([0, 0, 1], "one label per feature"),
        ([[0, 1], [1, 2, 3, 4]], "overlap"),
        ([[0, 1], [2, 3]], "do not cover"),
        ([[0, 1], [], [2, 3, 4]], "empty group"),
        ([[0, 1], [2, 3, 9]], "outside"),
    ],
)  # fmt: skip
def test_groups_that_are_not_a_partition_get_a_clear_error(groups, message):
    X, y = np.random.default_rng(7).standard_normal((20, 5)), np.arange(20.0)
    with pytest.raises(ValueError, match=message):
        GroupLasso(alpha=0.1, groups=groups).fit(X, y)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda X, y, g: solve_group_lasso(X, y, 0.1, g, group_weights=[1.0, 2.0]),
         "one per group"),
        (lambda X, y, g: solve_group_lasso(X, y, 0.1, g, group_weights=[0.0] * 6), "> 0"),
        (lambda X, y, g: shrinkage.path(X, (y > 2).astype(int), loss="multitask", groups=g),
         "already penalises"),
        (lambda X, y, g: shrinkage.path(X, y, group_weights=[1.0] * 6), "needs groups"),
        (lambda X, y, g: shrinkage.path(X, y, L1(positive=True), groups=g), "positive"),
    ],
)  # fmt: skip
def test_bad_group_options_get_a_clear_error(call, message):
    X, y, labels = _problem(8, n=30)
    with pytest.raises((ValueError, TypeError), match=message):
        call(X, y, labels)


def test_sparse_X_is_fitted_as_its_dense_copy():
    """GroupLasso, GroupLassoCV and the squared path on CSR / CSC X: the dense fits (to
    rounding: the dense copy's memory order may change the order of the sums)."""
    X, y, labels = _problem(10, n=60)
    X[np.abs(X) < 0.5] = 0.0
    dense_fit = GroupLasso(alpha=0.05, groups=labels).fit(X, y)
    dense_cv = GroupLassoCV(groups=labels, n_alphas=8, cv=3).fit(X, y)
    dense_path = shrinkage.path(X, y, groups=labels, n_alphas=6, tol=1e-10)
    for layout in (sp.csr_matrix, sp.csc_matrix):
        fit = GroupLasso(alpha=0.05, groups=labels).fit(layout(X), y)
        np.testing.assert_allclose(fit.coef_, dense_fit.coef_, atol=1e-7)
        cv = GroupLassoCV(groups=labels, n_alphas=8, cv=3).fit(layout(X), y)
        assert cv.alpha_ == pytest.approx(dense_cv.alpha_, rel=1e-12)
        np.testing.assert_allclose(cv.coef_, dense_cv.coef_, atol=1e-7)
        sparse_path = shrinkage.path(layout(X), y, groups=labels, n_alphas=6, tol=1e-10)
        np.testing.assert_allclose(sparse_path.coefs, dense_path.coefs, atol=1e-7)
    assert np.count_nonzero(dense_fit.coef_) > 0


def test_inputs_are_not_modified():
    X, y, labels = _problem(9, n=30)
    s = np.linspace(0.5, 2.0, 30)
    copies = X.copy(), y.copy(), s.copy(), labels.copy()
    GroupLasso(alpha=0.1, groups=labels, standardize=True).fit(X, y, sample_weight=s)
    shrinkage.path(X, y, groups=labels, n_alphas=5, sample_weight=s)
    for before, after in zip(copies, (X, y, s, labels), strict=True):
        np.testing.assert_array_equal(before, after)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
def test_one_group_is_solved_exactly_in_one_epoch(l1_ratio):
    # with a single group the block solve (the secular equation) is the whole problem
    X, y, _ = _problem(10, n=60, sizes=(5,), active=1, rho=0.9)
    fit = solve_group_lasso(X, y, 0.2, np.zeros(5), l1_ratio=l1_ratio, tol=1e-12,
                            max_iter=1)  # fmt: skip
    assert fit.n_iter == 1 and fit.converged and np.all(fit.coef != 0)
    reference = solve_group_lasso(X, y, 0.2, np.zeros(5), l1_ratio=l1_ratio, tol=1e-14,
                                  max_iter=1000)  # fmt: skip
    np.testing.assert_allclose(fit.coef, reference.coef, atol=1e-10)


def test_a_group_ridge_is_the_closed_form():
    # l1_ratio = 0: no L1 part, each block solved by (H + b I)⁻¹c without the secular root
    X, y, labels = _problem(11, n=70)
    fit = solve_group_lasso(X, y, 0.3, labels, l1_ratio=0.0, tol=1e-13, max_iter=10_000)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    b = 0.3 * np.sqrt(np.bincount(labels)[labels])  # α(1 − ρ)ω_g on each feature
    closed = np.linalg.solve(Xc.T @ Xc / 70 + np.diag(b), Xc.T @ yc / 70)
    np.testing.assert_allclose(fit.coef, closed, atol=1e-8)


def test_alpha_zero_is_refused():
    # nothing penalised: the certificate's dual point would not be feasible
    X, y, labels = _problem(12, n=30)
    with pytest.raises(ValueError, match="alpha > 0"):
        solve_group_lasso(X, y, 0.0, labels)
    with pytest.raises(ValueError, match="alpha > 0"):
        GroupLasso(alpha=0.0, groups=labels).fit(X, y)
