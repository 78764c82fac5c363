"""Covariance-mode coordinate descent (``shrinkage.solvers.gram_cd``): certified against
an independent duality gap, its screening proven, its contract on starts and budgets."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _independent_gap import squared_gap
from shrinkage import path
from shrinkage.design import make_design
from shrinkage.penalties import L1, ElasticNetPenalty
from shrinkage.solvers.gram_cd import gram_cd
from shrinkage.solvers.states import GramState
from shrinkage.solvers.warm_start import WarmStart


def _problem(seed, n=80, p=12, rho=0.5, weighted=False):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p))
    X[:, 0] = Z[:, 0]
    for j in range(1, p):  # AR(1) columns: correlated features, the hard case for CD
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[rng.choice(p, 3, replace=False)] = rng.standard_normal(3) * 2
    y = X @ w + rng.standard_normal(n) + 1.5
    sample_weight = rng.uniform(0.2, 3.0, n) if weighted else None
    return X, y, sample_weight


def _solve(X, y, alpha, l1_ratio=1.0, positive=False, sample_weight=None, **options):
    design = make_design(X, y, sample_weight, fit_intercept=True)
    p = X.shape[1]
    a, b = np.full(p, alpha * l1_ratio), np.full(p, alpha * (1 - l1_ratio))
    result = gram_cd(GramState.from_design(design), a, b, positive, **options)
    return result, design.intercept(result.coef)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    fraction=st.floats(0.01, 1.2),
    l1_ratio=st.sampled_from([1.0, 0.7, 0.05]),
    positive=st.booleans(),
    weighted=st.booleans(),
    rho=st.sampled_from([0.0, 0.6, 0.95]),
)
def test_solutions_pass_an_independent_gap(seed, fraction, l1_ratio, positive, weighted, rho):
    X, y, s = _problem(seed, rho=rho, weighted=weighted)
    design = make_design(X, y, s, fit_intercept=True)
    alpha_max = np.max(np.abs(design.rmatvec(design.y))) / X.shape[0] / max(l1_ratio, 1e-3)
    alpha = fraction * alpha_max
    result, intercept = _solve(X, y, alpha, l1_ratio, positive, s, tol=1e-9)
    assert result.converged and result.relative_gap <= 1e-9
    gap = squared_gap(X, y, result.coef, intercept, alpha, l1_ratio, positive=positive,
                      sample_weight=s)  # fmt: skip
    assert (gap.primal - gap.dual) / gap.primal_at_zero <= 1e-8
    # the reported primal is the objective itself, recomputed from the residual
    assert result.certificate.primal == pytest.approx(gap.primal, rel=1e-9, abs=1e-12)
    if positive:
        assert np.all(result.coef >= 0)


def test_screened_features_are_zero_at_the_optimum():
    X, y, _ = _problem(3, n=200, p=40)
    alpha = 0.05
    loose, _ = _solve(X, y, alpha, tol=1e-3)
    exact, _ = _solve(X, y, alpha, tol=1e-14, max_epochs=100_000)
    assert 0 < loose.n_screened <= exact.n_screened <= np.sum(exact.coef == 0)
    # the tight solution screens every zero feature whose KKT condition is strict
    assert exact.n_screened >= np.sum(exact.coef == 0) - 2


def test_uniform_and_per_feature_weights_give_the_same_solution():
    X, y, _ = _problem(5)
    design = make_design(X, y, fit_intercept=True)
    p = X.shape[1]
    uniform = np.broadcast_to(np.array([0.1]), (p,))  # a stride-0 view: one number
    one = gram_cd(GramState.from_design(design), uniform, np.zeros(p), tol=1e-12)
    per_feature = gram_cd(GramState.from_design(design), np.full(p, 0.1), np.zeros(p),
                          tol=1e-12)  # fmt: skip
    np.testing.assert_array_equal(one.coef, per_feature.coef)


def test_a_warm_start_at_the_solution_still_runs_an_epoch_and_stays_certified():
    X, y, _ = _problem(7)
    design = make_design(X, y, fit_intercept=True)
    state = GramState.from_design(design)
    a, b = np.full(X.shape[1], 0.05), np.zeros(X.shape[1])
    first = gram_cd(state, a, b, tol=1e-10)
    again = gram_cd(state, a, b, tol=1e-10, coef_init=WarmStart(first.coef, True))
    assert again.n_iter >= 1 and again.relative_gap <= 1e-10
    np.testing.assert_allclose(again.coef, first.coef, atol=1e-8)


def test_coef_init_is_copied_unless_a_warm_start_hands_it_over():
    X, y, _ = _problem(8)
    design = make_design(X, y, fit_intercept=True)
    a, b = np.full(X.shape[1], 0.05), np.zeros(X.shape[1])
    start = np.zeros(X.shape[1])
    result = gram_cd(GramState.from_design(design), a, b, coef_init=start)
    assert np.all(start == 0) and result.coef is not start
    handed = gram_cd(GramState.from_design(design), a, b, coef_init=WarmStart(start))
    assert handed.coef is start and np.any(start != 0)


def test_an_exhausted_budget_is_reported_not_hidden():
    X, y, _ = _problem(9, rho=0.99)
    result, _ = _solve(X, y, 0.001, tol=1e-14, max_epochs=3)
    assert result.n_iter == 3 and not result.converged
    assert result.relative_gap > 1e-14 and np.isfinite(result.relative_gap)


def test_an_unpenalised_feature_is_refused():
    X, y, _ = _problem(1)
    design = make_design(X, y, fit_intercept=True)
    a = np.full(X.shape[1], 0.1)
    a[2] = 0.0
    with pytest.raises(ValueError, match="every feature penalised"):
        gram_cd(GramState.from_design(design), a, np.zeros(X.shape[1]))


@pytest.mark.parametrize("penalty", [L1(), ElasticNetPenalty(0.5)])
def test_gram_paths_agree_with_working_set_paths(penalty):
    X, y, _ = _problem(11, n=300, p=30, rho=0.9)
    gram = path(X, y, penalty=penalty, strategy="gram", tol=1e-10, n_alphas=30)
    other = path(X, y, penalty=penalty, strategy="working_set", tol=1e-10, n_alphas=30)
    assert gram.strategy == "gram" and np.all(gram.converged)
    assert np.all(gram.relative_gaps <= 1e-10) and np.all(gram.n_iter >= 1)
    for k, alpha in enumerate(gram.alphas):  # both within 1e-10·P(0) of the same optimum
        ours, theirs = (
            squared_gap(X, y, r.coefs[k], r.intercepts[k], alpha, penalty.l1_ratio)
            for r in (gram, other)
        )  # fmt: skip
        assert abs(ours.primal - theirs.primal) <= 2e-10 * ours.primal_at_zero
    assert np.all(gram.n_screened <= np.sum(gram.coefs == 0, axis=1))


def _objective(X, y, w, a, b):
    """``1/(2n)‖y − Xw‖² + Σ a|w| + ½ Σ b w²`` (no intercept)."""
    r = y - X @ w
    return r @ r / (2 * len(y)) + np.sum(a * np.abs(w)) + 0.5 * np.sum(b * w * w)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), l1_ratio=st.sampled_from([1.0, 0.5]),
       positive=st.booleans(), collinear=st.booleans())  # fmt: skip
def test_a_face_step_never_raises_the_objective_and_keeps_q_current(seed, l1_ratio, positive,
                                                                     collinear):  # fmt: skip
    from shrinkage._kernels.face import face_step_gram

    rng = np.random.default_rng(seed)
    n, p = 60, 8
    X = rng.standard_normal((n, p))
    if collinear:  # a singular face: the shifted Cholesky's fallback
        X[:, 1] = 2.0 * X[:, 0]
    y = X @ rng.standard_normal(p) + rng.standard_normal(n)
    gram = np.ascontiguousarray(X.T @ X)
    a, b = np.full(p, 0.1 * l1_ratio), np.full(p, 0.1 * (1 - l1_ratio))
    w = rng.standard_normal(p) * (rng.random(p) < 0.6)
    if positive:
        w = np.abs(w)
    q = X.T @ y - gram @ w
    before = _objective(X, y, w, a, b)
    signs = np.sign(w)
    decrease = face_step_gram(gram, q, w, a, b, positive, n, np.arange(p))
    after = _objective(X, y, w, a, b)
    assert decrease >= 0 and after <= before + 1e-12
    assert after == pytest.approx(before - decrease, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(q, X.T @ y - gram @ w, atol=1e-9)
    assert np.all(signs * np.sign(w) >= 0)  # no sign crosses zero: it stops at zero


def test_a_face_step_on_the_right_signs_lands_on_the_optimum():
    from shrinkage._kernels.face import face_step_gram

    X, y, _ = _problem(4, n=200, p=10, rho=0.9)
    y = y - y.mean()
    exact, _ = _solve(X - X.mean(axis=0), y, 0.05, tol=1e-15, max_epochs=100_000)
    Xc = X - X.mean(axis=0)
    gram = np.ascontiguousarray(Xc.T @ Xc)
    w = exact.coef + 0.3 * np.sign(exact.coef)  # the right signs, far from the optimum
    q = Xc.T @ y - gram @ w
    face_step_gram(gram, q, w, np.full(10, 0.05), np.zeros(10), False, 200, np.arange(10))
    np.testing.assert_allclose(w, exact.coef, atol=1e-10)


def test_a_compiled_gram_path_solves_each_point_as_gram_cd_does():
    from shrinkage.solvers.gram_cd import gram_cd_path

    X, y, _ = _problem(12, n=300, p=25, rho=0.9)
    design = make_design(X, y, fit_intercept=True)
    p = X.shape[1]
    alpha_max = np.max(np.abs(design.rmatvec(design.y))) / X.shape[0]
    alphas = alpha_max * np.logspace(0, -3, 40)
    unit = np.linspace(0.5, 1.5, p)
    coefs, points = gram_cd_path(GramState.from_design(design), alphas, unit, 0.1 * unit,
                                 tol=1e-10)  # fmt: skip
    assert coefs.shape == (40, p) and np.all(points.relative_gap <= 1e-10)
    assert np.all(points.n_iter >= 1) and np.all(points.seconds >= 0)
    for k in (0, 17, 39):
        one = gram_cd(GramState.from_design(design), alphas[k] * unit, alphas[k] * 0.1 * unit,
                      tol=1e-12)  # fmt: skip
        np.testing.assert_allclose(coefs[k], one.coef, atol=1e-6)
        # a = α·unit, b = α·0.1·unit are ρ = 1/1.1 and factors f = 1.1·unit
        gap = squared_gap(X, y, coefs[k], design.intercept(coefs[k]), alphas[k], 1 / 1.1,
                          penalty_factor=1.1 * unit)  # fmt: skip
        assert (gap.primal - gap.dual) / gap.primal_at_zero <= 1e-9


def test_face_steps_solve_a_correlated_path_in_a_few_epochs_per_point():
    # diabetes-like: ten strongly correlated columns, where plain CD needs ~40 epochs a
    # point at rel. gap 1e-6; a face step after each epoch finds the exact optimum once
    # the signs are right
    X, y, _ = _problem(13, n=442, p=10, rho=0.95)
    result = path(X, y, alphas=None, n_alphas=100, alpha_min_ratio=1e-3, tol=1e-6,
                  strategy="gram", fit_intercept=False)  # fmt: skip
    assert np.all(result.relative_gaps <= 1e-6)
    assert result.n_iter.sum() <= 3 * 100, result.n_iter.sum()
