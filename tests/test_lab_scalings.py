import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab import scalings
from shrinkage.penalties import L1, L2


@pytest.mark.parametrize("penalty", ["l1", "l2"])
@pytest.mark.parametrize("value", [0.0, 0.3, 7.5])
def test_round_trips(penalty, value):
    n = 37
    assert scalings.alpha_to_summed(scalings.summed_to_alpha(value, n, penalty), n, penalty) == (
        pytest.approx(value, rel=1e-15)
    )
    for scale in (1.0, 2.0, 2.0 * n):
        nielsen = scalings.alpha_to_nielsen(
            scalings.nielsen_to_alpha(value, n, loss_scale=scale), n, loss_scale=scale
        )
        assert nielsen == pytest.approx(value, rel=1e-15)
        decay = scalings.alpha_to_weight_decay(
            scalings.weight_decay_to_alpha(value, loss_scale=scale), loss_scale=scale
        )
        assert decay == pytest.approx(value, rel=1e-15)


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 4))
    return X, X @ np.array([1.0, 0.0, -0.5, 0.2]) + 0.5 * rng.standard_normal(40)


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_summed_convention_has_the_same_minimiser(penalty):
    X, y = _data()
    n, lam = X.shape[0], 6.0
    alpha = scalings.summed_to_alpha(lam, n, penalty)
    w = solve(X, y, alpha, L1() if penalty == "l1" else L2(), fit_intercept=False, tol=1e-14).coef

    def summed(v):
        term = np.abs(v).sum() if penalty == "l1" else (v**2).sum()
        return np.sum((y - X @ v) ** 2) + lam * term

    rng = np.random.default_rng(1)
    for _ in range(20):
        assert summed(w) <= summed(w + 1e-3 * rng.standard_normal(4)) + 1e-12


def test_nielsen_objectives_are_our_objective():
    X, y = _data()
    n, lam = X.shape[0], 3.0
    alpha = scalings.nielsen_to_alpha(lam, n)
    w = np.array([0.4, -0.1, 0.2, 0.0])
    c0 = np.sum((y - X @ w) ** 2) / (2 * n)
    assert c0 + lam / n * np.abs(w).sum() == pytest.approx(c0 + alpha * L1().value(w))
    assert c0 + lam / (2 * n) * (w**2).sum() == pytest.approx(c0 + alpha * L2().value(w))


def test_weight_decay_step_is_our_l2_gradient_step():
    X, y = _data()
    n, lr, decay = X.shape[0], 0.1, 0.05
    w = np.array([0.4, -0.1, 0.2, 0.3])
    grad_loss = -X.T @ (y - X @ w) / n
    sgd = (1 - scalings.decay_per_step(lr, decay)) * w - lr * grad_loss
    alpha = scalings.weight_decay_to_alpha(decay)
    ours = w - lr * (grad_loss + L2().gradient(w, alpha))
    np.testing.assert_allclose(sgd, ours, atol=1e-15)
    # with the plain mean squared error (twice our loss) the same decay is half the α
    assert scalings.weight_decay_to_alpha(decay, loss_scale=2.0) == decay / 2


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_lasso_alpha_is_half_the_mse_loss_alpha(penalty):
    # Lasso's solution satisfies the optimality conditions of mean((y − Xw − b)²) +
    # α_nn·penalty(w) with α_nn = 2α: the MSE gradient is −2Xᵀr/n, twice ours.
    X, y = _data()
    n, alpha = X.shape[0], 0.1
    fitted = solve(X, y, alpha, L1() if penalty == "l1" else L2(), tol=1e-14)
    alpha_nn = scalings.lasso_alpha_to_nn(alpha)
    assert alpha_nn == 0.2 and scalings.nn_alpha_to_lasso(alpha_nn) == alpha
    residual = y - X @ fitted.coef - fitted.intercept
    mse_gradient = -2.0 * X.T @ residual / n
    w = fitted.coef
    if penalty == "l2":  # gradient of mse + α_nn·½‖w‖² vanishes
        np.testing.assert_allclose(mse_gradient + alpha_nn * w, 0.0, atol=1e-10)
    else:  # KKT: −∇mse_j = α_nn·sign(w_j) on the support, |∇mse_j| ≤ α_nn off it
        active = w != 0
        assert active.sum() == 3
        np.testing.assert_allclose(
            -mse_gradient[active], alpha_nn * np.sign(w[active]), atol=1e-10
        )
        assert np.all(np.abs(mse_gradient[~active]) <= alpha_nn + 1e-10)


def test_bad_input():
    with pytest.raises(ValueError, match="n_samples"):
        scalings.summed_to_alpha(1.0, 0)
    with pytest.raises(ValueError, match="lam"):
        scalings.nielsen_to_alpha(-1.0, 10)
    with pytest.raises(ValueError, match="penalty"):
        scalings.summed_to_alpha(1.0, 10, "l3")
    with pytest.raises(ValueError, match="loss_scale"):
        scalings.weight_decay_to_alpha(1.0, loss_scale=0.0)
    with pytest.raises(ValueError, match="alpha_nn"):
        scalings.nn_alpha_to_lasso(-0.1)
