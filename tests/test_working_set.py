"""Working-set coordinate descent (``shrinkage.solvers.working_set``): its certificate,
its hand-over from a path (``WarmStart``), its weights (``Weights``) and its budgets."""

import numpy as np
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage._kernels.working_sets import strong_set
from shrinkage._uniform import uniform
from shrinkage.design import make_design
from shrinkage.solvers.states import GramState, ResidualState
from shrinkage.solvers.warm_start import WarmStart, Weights
from shrinkage.solvers.working_set import duality_gap, gap_safe_zeros, working_set_cd


def _problem(n=80, p=40, seed=0, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    w = np.zeros(p)
    w[:5] = rng.standard_normal(5) * 2
    y = X @ w + 0.5 * rng.standard_normal(n)
    return (sp.csc_matrix(X) if sparse else X), y


def _alpha(design, fraction):
    return fraction * np.max(np.abs(design.rmatvec(design.y))) / design.n_samples


def test_strong_rule_guess_is_corrected_by_the_kkt_check():
    n, correlation = 10, 10 * np.array([0.9, 0.5, -0.45, 0.1, 0.7])
    read, unit = np.array([True, True, True, True, False]), np.ones(5)
    level = 2 * 0.45 - 0.5  # α_prev = 0.5, α = 0.45: keep |c|/n ≥ 0.4 among the read
    np.testing.assert_array_equal(strong_set(correlation, read, unit, level, n, False), [0, 1, 2])
    np.testing.assert_array_equal(strong_set(correlation, read, unit, level, n, True), [0, 1])
    # an adversarial (empty) guess still gives the certified solution
    X, y = _problem(n=50, p=30, seed=9)
    design = make_design(X, y, None, True)
    alpha = 0.05 * np.max(np.abs(design.rmatvec(design.y))) / 50
    start = WarmStart(np.zeros(30), working_set=np.array([], dtype=int))
    result = working_set_cd(ResidualState(design), np.full(30, alpha), np.zeros(30),
                            tol=1e-12, coef_init=start)  # fmt: skip
    assert result.relative_gap <= 1e-12
    reference = shrinkage.solve(X, y, alpha, solver="cd", tol=1e-13)
    np.testing.assert_allclose(result.coef, reference.coef, atol=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_solutions_match_coordinate_descent_and_are_certified(sparse, l1_ratio):
    X, y = _problem(sparse=sparse, seed=1)
    design = make_design(X, y, None, True)
    alpha, p = _alpha(design, 0.1), X.shape[1]
    a, b = np.full(p, alpha * l1_ratio), np.full(p, alpha * (1 - l1_ratio))
    result = working_set_cd(ResidualState(design), a, b, tol=1e-12)
    assert result.converged and result.relative_gap <= 1e-12
    assert result.certificate.kkt_residual.shape == (p,)
    reference = shrinkage.solve(X, y, alpha, shrinkage.penalties.ElasticNetPenalty(l1_ratio),
                                solver="cd", tol=1e-13)  # fmt: skip
    np.testing.assert_allclose(result.coef, reference.coef, atol=1e-6)
    # the reported count of proven zeros: each of them is zero in the exact solution
    assert 0 < result.n_screened <= np.sum(reference.coef == 0)


def test_a_warm_start_hands_its_array_over_and_a_plain_array_is_copied():
    X, y = _problem(seed=2)
    design = make_design(X, y, None, True)
    a, b = np.full(40, _alpha(design, 0.2)), np.zeros(40)
    plain = np.zeros(40)
    copied = working_set_cd(ResidualState(design), a, b, coef_init=plain)
    assert copied.coef is not plain and np.all(plain == 0)
    handed = np.zeros(40)
    result = working_set_cd(ResidualState(design), a, b, coef_init=WarmStart(handed))
    assert result.coef is handed and np.any(handed != 0)
    # a float32 start for float64 data cannot be solved in place: it is copied
    small = np.zeros(40, dtype=np.float32)
    other = working_set_cd(ResidualState(design), a, b, coef_init=WarmStart(small))
    assert other.coef is not small and np.all(small == 0)


def test_a_current_state_is_not_reset():
    X, y = _problem(seed=3)
    design = make_design(X, y, None, True)
    state = ResidualState(design)
    a, b = np.full(40, _alpha(design, 0.2)), np.zeros(40)
    first = working_set_cd(state, a, b, tol=1e-10)
    residual = state.residual
    again = working_set_cd(state, 0.9 * a, b, tol=1e-10,
                           coef_init=WarmStart(first.coef, state_is_current=True))  # fmt: skip
    assert state.residual is residual  # updated in place, never rebuilt
    assert again.relative_gap <= 1e-10


def test_an_exhausted_budget_is_reported():
    X, y = _problem(seed=4, n=60, p=80)
    design = make_design(X, y, None, True)
    a, b = np.full(80, _alpha(design, 0.01)), np.zeros(80)
    result = working_set_cd(ResidualState(design), a, b, tol=1e-14, max_epochs=4)
    assert result.n_iter <= 4 + 5 and not result.converged  # one inner check may finish
    assert np.isfinite(result.relative_gap) and result.relative_gap > 1e-14
    outer = working_set_cd(ResidualState(design), a, b, tol=1e-14, max_outer=1)
    assert not outer.converged


def test_an_unpenalised_feature_is_refused():
    X, y = _problem(seed=5)
    design = make_design(X, y, None, True)
    a = np.full(40, 0.1)
    a[3] = 0.0
    with pytest.raises(ValueError, match="every feature penalised"):
        working_set_cd(ResidualState(design), a, np.zeros(40))


def test_weights_resolve_once_in_every_form():
    weights = Weights.resolve(uniform(0.25, 6), np.arange(6.0), np.float32)
    assert weights.kernel_l1 == 0.25 and isinstance(weights.kernel_l1, float)
    assert weights.l2.dtype == np.float32 and weights.l2_64.dtype == np.float64
    assert weights.kernel_l2 is weights.l2  # per-feature weights stay an array
    assert weights.pure_l2().size == 0 and weights.every_feature_penalised()
    none = Weights.resolve(np.zeros(3), np.array([0.0, 1.0, 1.0]))
    assert not none.every_feature_penalised()


def test_gap_from_statistics_equals_the_gram_states_and_screening_is_safe():
    X, y = _problem(seed=6, n=120, p=20)
    design = make_design(X, y, None, True)
    alpha = _alpha(design, 0.3)
    a, b = np.full(20, alpha), np.zeros(20)
    w = working_set_cd(ResidualState(design), a, b, tol=1e-6).coef
    gaps = []
    for state in (ResidualState(design), GramState.from_design(design)):
        state.reset(w)
        corr, rr, y_dot_r = state.statistics(w)
        gaps.append(duality_gap(corr, rr, y_dot_r, w, a, b, False, 120))
    assert gaps[0][0] == pytest.approx(gaps[1][0], rel=1e-6, abs=1e-12)
    state = ResidualState(design)
    state.reset(w)
    corr, rr, y_dot_r = state.statistics(w)
    gap, _, _, scale = duality_gap(corr, rr, y_dot_r, w, a, b, False, 120)
    norms = np.sqrt(design.column_sq_norms())
    proven = gap_safe_zeros(corr, scale, gap, norms, a, False, 120)
    exact = shrinkage.solve(X, y, alpha, solver="cd", tol=1e-14).coef
    assert np.all(exact[proven] == 0)
