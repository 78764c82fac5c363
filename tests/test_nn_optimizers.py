"""shrinkage.nn.ProximalOptimizer around SGD with momentum, Adam and AdamW: each lands on
the coordinate-descent lasso, with its exact zeros."""

import numpy as np
import pytest

from _nn import one_thread, torch  # noqa: F401 (one_thread: an autouse fixture)
from shrinkage import Lasso
from shrinkage.nn import ProximalOptimizer, penalized_groups
from shrinkage.penalties import L1


def _regression_data():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(80, 8, generator=gen, dtype=torch.float64)
    y = 1.5 * X[:, :1] - 2.0 * X[:, 3:4] + 0.5 * torch.randn(80, 1, generator=gen).double()
    return X, y


def _fit(X, y, make_optimizer, n_steps, alpha, scheduler=None, **options):
    model = torch.nn.Linear(X.shape[1], 1).double()
    opt = ProximalOptimizer(make_optimizer(penalized_groups(model)), L1(), alpha, **options)
    sched = scheduler(opt.optimizer) if scheduler else None
    for _ in range(n_steps):
        opt.zero_grad()
        (0.5 * ((model(X) - y) ** 2).mean()).backward()
        opt.step()
        if sched is not None:
            sched.step()
    return model.weight.detach().numpy().ravel(), model.bias.item()


def _lasso(X, y, alpha):
    fit = Lasso(alpha=alpha, tol=1e-12).fit(X.numpy(), y.numpy().ravel())
    return fit.coef_, fit.intercept_


def test_momentum_sgd_converges_to_the_lasso_solution():
    X, y = _regression_data()
    coef, intercept = _lasso(X, y, 0.2)
    assert 0 < np.count_nonzero(coef) < 8

    def sgd(groups):
        return torch.optim.SGD(groups, lr=0.03, momentum=0.9)

    w, b = _fit(X, y, sgd, 800, alpha=0.2)
    np.testing.assert_allclose(w, coef, atol=1e-8)
    assert b == pytest.approx(intercept, abs=1e-8)
    assert np.array_equal(w == 0, coef == 0)
    # the raw lr as step under-thresholds by (1 − μ): the fixed point is the lasso at α(1 − μ)
    w_raw, _ = _fit(X, y, sgd, 800, alpha=0.2, effective_step=False)
    np.testing.assert_allclose(w_raw, _lasso(X, y, 0.2 * (1 - 0.9))[0], atol=1e-8)


@pytest.mark.parametrize("optimizer_class", [torch.optim.Adam, torch.optim.AdamW])
def test_adam_preconditioned_prox_reaches_the_lasso_zeros(optimizer_class):
    X, y = _regression_data()
    coef, _ = _lasso(X, y, 0.2)

    def adam(groups):
        return optimizer_class(groups, lr=0.05, weight_decay=0.0)

    def decay(optimizer):
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.995)

    w, _ = _fit(X, y, adam, 1000, alpha=0.2, scheduler=decay)
    np.testing.assert_allclose(w, coef, atol=2e-3)
    assert np.array_equal(w == 0, coef == 0)
