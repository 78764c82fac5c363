"""shrinkage.nn.ProximalOptimizer around SGD with momentum, Adam and AdamW: each lands on
the coordinate-descent lasso, with its exact zeros."""

import numpy as np
import pytest

from _nn import layer_norm_mlp, one_thread, torch  # noqa: F401 (one_thread: an autouse fixture)
from shrinkage import Lasso
from shrinkage.nn import ProximalOptimizer, penalized_groups
from shrinkage.penalties import L1, prox_weighted_enet


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


def _mlp_with_vectors():
    """The structure that once broke under torch.compile: matrices and one-dimensional
    tensors (biases, LayerNorm gains) of different shapes in one parameter group."""
    return layer_norm_mlp(8, 16, 3)


def test_adam_prox_reads_each_parameters_own_state():
    model = _mlp_with_vectors()
    adam = torch.optim.Adam(model.parameters(), lr=0.05)
    opt = ProximalOptimizer(adam, L1(), alpha=0.02, penalize_biases=True)
    reference = _mlp_with_vectors()
    plain = torch.optim.Adam(reference.parameters(), lr=0.05)
    gen = torch.Generator().manual_seed(1)
    X, y = torch.randn(32, 8, generator=gen).double(), torch.randint(0, 3, (32,), generator=gen)
    for t in (1, 2, 3):
        with torch.no_grad():  # the same weights, so the same gradients and Adam states
            for a, b in zip(reference.parameters(), model.parameters(), strict=True):
                a.copy_(b)
        for net, optimizer in ((model, opt), (reference, plain)):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(net(X), y).backward()
        plain.step()
        opt.step()
        for a, b in zip(reference.parameters(), model.parameters(), strict=True):
            denominator = np.sqrt(plain.state[a]["exp_avg_sq"].numpy() / (1 - 0.999**t)) + 1e-8
            expected = prox_weighted_enet(a.detach().numpy(), 0.05 / denominator, 0.02, 0.0)
            np.testing.assert_allclose(b.detach().numpy(), expected, rtol=1e-12, atol=1e-15)
    assert [int((p == 0).sum()) for p in model.parameters()] == [81, 8, 8, 15, 26, 1]


def _compile_or_skip():
    try:
        torch.compile(lambda x: x + 1)(torch.ones(2))
    except Exception as error:  # no C++ compiler, unsupported Python, …
        pytest.skip(f"torch.compile is unusable here: {error!r:.200}")


@pytest.mark.slow
@pytest.mark.parametrize(
    "make, atol",
    [
        (lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9), 1e-14),
        # torch's own compiled Adam differs from eager Adam by ~4e-6 here after 10 steps
        (lambda ps: torch.optim.Adam(ps, lr=0.05), 1e-5),
    ],
)
def test_compiled_step_matches_eager(make, atol):
    _compile_or_skip()

    def train(compiled):
        torch._dynamo.reset()
        model = _mlp_with_vectors()
        opt = ProximalOptimizer(make(model.parameters()), L1(), alpha=2e-2, penalize_biases=True)
        step = torch.compile(opt.step) if compiled else opt.step
        gen = torch.Generator().manual_seed(1)
        X, y = (
            torch.randn(32, 8, generator=gen).double(),
            torch.randint(0, 3, (32,), generator=gen),
        )
        for _ in range(10):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(X), y).backward()
            step()
        return [p.detach() for p in model.parameters()]

    eager, compiled = train(False), train(True)
    for a, b in zip(eager, compiled, strict=True):
        assert torch.equal(a == 0, b == 0)
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=0, atol=atol)
    assert sum(int((p == 0).sum()) for p in eager) > 0
