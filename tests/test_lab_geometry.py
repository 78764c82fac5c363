import numpy as np
import pytest

from shrinkage.lab.geometry import (
    QuadraticProblem,
    axis_fraction,
    budget_path,
    constrained_l1,
    constrained_l2,
    make_problem,
    penalty_gradient_field,
)


def _cvxpy_solution(problem, budget, norm):
    cp = pytest.importorskip("cvxpy")
    w = cp.Variable(2)
    d = w - problem.ols
    objective = cp.Minimize(0.5 * cp.quad_form(d, cp.psd_wrap(problem.hessian)))
    cp.Problem(objective, [cp.norm(w, norm) <= budget]).solve(
        solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10
    )
    return np.asarray(w.value)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("ratio", [0.2, 0.6, 0.9])
def test_constrained_solutions_match_cvxpy(seed, ratio):
    rng = np.random.default_rng(seed)
    problem = make_problem(rng.uniform(-0.9, 0.9), rng.standard_normal(2))
    t1 = ratio * np.abs(problem.ols).sum()
    t2 = ratio * np.linalg.norm(problem.ols)
    for ours, reference in (
        (constrained_l1(problem, t1), _cvxpy_solution(problem, t1, 1)),
        (constrained_l2(problem, t2), _cvxpy_solution(problem, t2, 2)),
    ):
        np.testing.assert_allclose(ours, reference, atol=1e-6)
        # ours is the exact optimum: never worse than the interior-point answer
        assert problem.loss(ours) <= problem.loss(reference) + 1e-10


def test_constraint_is_active_and_tight():
    problem = make_problem(0.6, [2.0, 0.8])
    assert np.abs(constrained_l1(problem, 1.0)).sum() == pytest.approx(1.0, abs=1e-14)
    assert np.linalg.norm(constrained_l2(problem, 1.0)) == pytest.approx(1.0, abs=1e-12)
    # a budget larger than the least-squares norm returns least squares
    np.testing.assert_array_equal(constrained_l1(problem, 10.0), problem.ols)


def test_from_data_matches_least_squares():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 2))
    y = X @ np.array([1.0, -2.0]) + rng.standard_normal(40)
    problem = QuadraticProblem.from_data(X, y)
    np.testing.assert_allclose(problem.ols, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-12)
    w = np.array([0.3, 0.1])
    loss = np.sum((y - X @ w) ** 2) / 80 - np.sum((y - X @ problem.ols) ** 2) / 80
    assert float(problem.loss(w)) == pytest.approx(loss, rel=1e-10)


def test_l1_lands_on_axis_as_budget_shrinks_l2_does_not():
    problem = make_problem(0.6, [2.0, 0.8])
    budgets = np.linspace(2.8, 0.05, 30)
    l1, l2 = budget_path(problem, budgets)
    on_axis = np.any(l1 == 0.0, axis=1)
    # once on the axis it stays there for every smaller budget
    first = int(np.argmax(on_axis))
    assert on_axis[first:].all() and not on_axis[:first].any()
    assert np.all(l1[first:, 1] == 0.0) and np.all(l1[first:, 0] > 0)
    assert not np.any(l2 == 0.0)
    # the L2 optimum heads to the origin along a curve: direction changes with the budget
    angles = np.arctan2(l2[:, 1], l2[:, 0])
    assert np.ptp(angles[l2[:, 0] < 1.5]) > 0.1


def test_axis_fraction_l1_exceeds_l2_and_grows_as_budget_shrinks():
    result = axis_fraction([0.1, 0.5, 0.9], n_problems=150, seed=1)
    assert np.all(result.l2 == 0.0)
    assert np.all(result.l1 > result.l2)
    assert result.l1[0] > 0.8
    assert result.l1[0] > result.l1[1] > result.l1[2]


def test_gradient_field_directions():
    W1, W2, U, V = penalty_gradient_field("l1", n_points=5)
    off_axis = (W1 != 0) & (W2 != 0)
    np.testing.assert_array_equal(np.abs(U[off_axis]), 1.0)  # 45° arrows
    np.testing.assert_array_equal(np.abs(V[off_axis]), 1.0)
    W1, W2, U, V = penalty_gradient_field("l2", n_points=5)
    np.testing.assert_array_equal(U, -W1)


def test_bad_input():
    with pytest.raises(ValueError, match="correlation"):
        make_problem(1.0, [1.0, 1.0])
    with pytest.raises(ValueError, match="budget"):
        constrained_l1(make_problem(0.0, [1.0, 1.0]), -1.0)
    with pytest.raises(ValueError, match="penalty"):
        penalty_gradient_field("l0")
