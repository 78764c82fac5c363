import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab.group_lasso import (
    figures,
    group_lasso,
    group_lasso_path,
    group_soft_threshold,
    grouped_simulation,
    matrix_group_soft_threshold,
)


def _objective(X, y, groups, alpha, coef, intercept):
    residual = y - X @ coef - intercept
    penalty = sum(
        np.sqrt(np.sum(groups == g)) * np.linalg.norm(coef[groups == g]) for g in np.unique(groups)
    )
    return residual @ residual / (2 * len(y)) + alpha * penalty


@pytest.mark.parametrize("alpha", [0.02, 0.1, 0.5, 1.5])
def test_certificate_gap_below_1e8_and_kkt(alpha):
    X, y, groups = grouped_simulation(seed=1)
    fit = group_lasso(X, y, groups, alpha)
    assert 0 <= fit.dual_gap <= 1e-8
    assert fit.dual_norm <= alpha * (1 + 1e-6)
    residual = (y - y.mean()) - (X - X.mean(0)) @ fit.coef
    for g in np.unique(groups):
        block = groups == g
        correlation = np.linalg.norm(X[:, block].T @ residual) / (len(y) * np.sqrt(block.sum()))
        if np.any(fit.coef[block]):  # non-zero groups sit exactly on the threshold
            assert correlation == pytest.approx(alpha, rel=1e-5)
        else:
            assert correlation <= alpha * (1 + 1e-6)


@pytest.mark.parametrize("alpha", [0.05, 0.3])
def test_agrees_with_cvxpy_to_1e6(alpha):
    cp = pytest.importorskip("cvxpy")
    X, y, groups = grouped_simulation(n_samples=60, seed=2)
    fit = group_lasso(X, y, groups, alpha)
    n = len(y)
    w, b = cp.Variable(X.shape[1]), cp.Variable()
    penalty = sum(np.sqrt(np.sum(groups == g)) * cp.norm(w[np.flatnonzero(groups == g)], 2)
                  for g in np.unique(groups))  # fmt: skip
    problem = cp.Problem(cp.Minimize(cp.sum_squares(y - X @ w - b) / (2 * n) + alpha * penalty))
    # SCS at eps 1e-10 reaches about 1e-11 here; Clarabel's interior point stops near 1e-5
    problem.solve(solver=cp.SCS, eps=1e-10, max_iters=200_000)
    assert problem.status == cp.OPTIMAL
    np.testing.assert_allclose(fit.coef, w.value, atol=1e-6)
    assert fit.intercept == pytest.approx(float(b.value), abs=1e-6)
    ours = _objective(X, y, groups, alpha, fit.coef, fit.intercept)
    assert ours <= problem.value + 1e-9


def test_singleton_groups_give_the_lasso():
    X, y, _ = grouped_simulation(seed=3)
    fit = group_lasso(X, y, np.arange(X.shape[1]), 0.1)
    reference = solve(X, y, 0.1, tol=1e-14)
    np.testing.assert_allclose(fit.coef, reference.coef, atol=1e-8)


def test_groups_enter_together_along_the_path():
    X, y, groups = grouped_simulation(seed=0)
    path = group_lasso_path(X, y, groups, n_alphas=40)
    assert np.all(path.coefs[0] == 0)
    assert np.max(path.dual_gaps) <= 1e-8
    nonzero = path.coefs != 0
    for g in np.unique(groups):
        block = nonzero[:, groups == g]
        assert np.all(block.all(axis=1) | ~block.any(axis=1))  # all or none, at every α
    assert path.groups_enter_together
    # true groups first, in the order of their signal: 1.0, 0.5, 0.25
    np.testing.assert_allclose(path.entry_alphas[:3], [1.8189, 1.2763, 0.3919], atol=1e-4)
    assert np.all(np.diff(path.entry_alphas[:3]) < 0)
    assert np.all(path.entry_alphas[3:] < path.entry_alphas[2])


def test_alpha_max_is_where_the_first_group_enters():
    X, y, groups = grouped_simulation(seed=0)
    path = group_lasso_path(X, y, groups, n_alphas=5)
    assert np.all(group_lasso(X, y, groups, path.alphas[0] * (1 + 1e-9)).coef == 0)
    assert np.any(group_lasso(X, y, groups, path.alphas[0] * (1 - 1e-3)).coef != 0)


def test_group_soft_threshold_formula():
    v = np.array([3.0, 4.0])  # ‖v‖ = 5
    np.testing.assert_allclose(group_soft_threshold(v, 1.0), 0.8 * v, rtol=1e-15)
    assert np.all(group_soft_threshold(v, 5.0) == 0)
    np.testing.assert_array_equal(
        matrix_group_soft_threshold(np.array([[3.0, 0.0], [4.0, 0.5]]), 2.5, "column"),
        [[1.5, 0.0], [2.0, 0.0]],
    )


@pytest.mark.parametrize("structure", ["row", "column"])
def test_same_formula_as_the_network_group_prox(structure):
    torch = pytest.importorskip("torch")
    from shrinkage.nn import ProximalOptimizer
    from shrinkage.penalties import L1

    rng = np.random.default_rng(4)
    weight = rng.standard_normal((6, 4))
    weight[2] *= 0.1  # a small row and a small column, to be zeroed
    weight[:, 1] *= 0.1
    step, alpha = 0.5, 0.8
    layer = torch.nn.Linear(4, 6, bias=False).double()
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(weight))
    layer.weight.grad = torch.zeros_like(layer.weight)  # a zero gradient: only the prox acts
    sgd = torch.optim.SGD(layer.parameters(), lr=step)
    ProximalOptimizer(sgd, L1(), alpha, structure=structure).step()
    # the network's row / column prox is the group soft threshold at η·α, no √p_g factor
    expected = matrix_group_soft_threshold(weight, step * alpha, structure)
    np.testing.assert_allclose(layer.weight.detach().numpy(), expected, rtol=0, atol=1e-14)
    assert np.any(np.all(expected == 0, axis=1 if structure == "row" else 0))


def test_figures_writes_one_png(tmp_path):
    ((path, finding),) = figures(tmp_path, 50)
    assert path.name == "group_lasso_path.png" and path.stat().st_size > 0
    assert "1.819" in finding
