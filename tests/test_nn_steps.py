"""shrinkage.nn.steps: the prox's step size is the move the optimizer really made — SGD's
momentum transient, RMSprop's preconditioner (checked by the KKT conditions of L1 softmax
regression against a FISTA reference) — and unknown optimizers are refused."""

import numpy as np
import pytest

from _nn import one_thread, torch  # noqa: F401 (one_thread: an autouse fixture)
from shrinkage.nn import ProximalOptimizer
from shrinkage.nn.steps import momentum_factor
from shrinkage.penalties import L1


def _moves_of_momentum_sgd(n_steps, lr, **options):
    """Per-step move of plain SGD under a constant unit gradient, in units of lr."""
    param = torch.nn.Parameter(torch.zeros(3, dtype=torch.float64))
    sgd = torch.optim.SGD([param], lr=lr, **options)
    moves = []
    for _ in range(n_steps):
        before = param.detach().clone()
        param.grad = torch.ones_like(param)
        sgd.step()
        moves.append(((before - param) / lr)[0].item())
    return moves


def _thresholds_of_proximal_sgd(n_steps, lr, alpha, **options):
    """Per-step threshold of the wrapped SGD (zero gradients: only the prox moves), / (lr α)."""
    param = torch.nn.Parameter(torch.full((2, 2), 100.0, dtype=torch.float64))
    opt = ProximalOptimizer(torch.optim.SGD([param], lr=lr, **options), L1(), alpha=alpha)
    thresholds = []
    for _ in range(n_steps):
        before = param.detach().clone()
        param.grad = torch.zeros_like(param)
        opt.step()
        thresholds.append(((before - param) / (lr * alpha))[0, 0].item())
    return thresholds


@pytest.mark.parametrize(
    "options, expected",  # moves at steps 1, 2 and 10
    [
        ({"momentum": 0.9}, [1.0, 1.9, (1 - 0.9**10) / 0.1]),
        ({"momentum": 0.9, "dampening": 0.5}, [1.0, 1.4, 0.9**9 + 0.5 * (1 - 0.9**9) / 0.1]),
        ({"momentum": 0.8, "nesterov": True}, [1.8, 2.44, 1 + 0.8 * (1 - 0.8**10) / 0.2]),
        ({}, [1.0, 1.0, 1.0]),
    ],
)
def test_momentum_threshold_is_the_actual_move_from_the_first_step(options, expected):
    moves = _moves_of_momentum_sgd(10, lr=0.1, **options)
    thresholds = _thresholds_of_proximal_sgd(10, lr=0.1, alpha=0.01, **options)
    np.testing.assert_allclose(thresholds, moves, rtol=1e-9)
    np.testing.assert_allclose([moves[0], moves[1], moves[9]], expected, rtol=1e-12)
    momentum = options.get("momentum", 0.0)
    if momentum:  # the steady state lr/(1 − μ) would have been up to 10× the first move
        assert momentum_factor(10_000, momentum, options.get("dampening", 0.0), False) == (
            pytest.approx((1 - options.get("dampening", 0.0)) / (1 - momentum))
        )


def test_momentum_step_count_travels_with_the_state_dict():
    param = torch.nn.Parameter(torch.full((2, 2), 100.0, dtype=torch.float64))
    opt = ProximalOptimizer(torch.optim.SGD([param], lr=0.1, momentum=0.9), L1(), alpha=0.01)
    for _ in range(3):
        param.grad = torch.zeros_like(param)
        opt.step()
    saved = opt.state_dict()
    assert saved["optimizer"]["state"][0]["penalty_momentum_steps"] == 3
    copy = torch.nn.Parameter(param.detach().clone())
    restored = ProximalOptimizer(torch.optim.SGD([copy], lr=0.1, momentum=0.9), L1(), alpha=0.01)
    restored.load_state_dict(saved)
    for p in (param, copy):
        p.grad = torch.zeros_like(p)
    opt.step()
    restored.step()
    assert torch.equal(param, copy)
    # step 4 thresholds by lr·α·(1 − 0.9⁴)/0.1
    assert (100.0 - copy[0, 0].item()) == pytest.approx(
        0.001 * (1 + 1.9 + 2.71 + (1 - 0.9**4) / 0.1), rel=1e-10
    )


def _softmax_problem():
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(200, 20, generator=gen, dtype=torch.float64)
    coef = torch.zeros(20, 3, dtype=torch.float64)
    coef[:4] = 2 * torch.randn(4, 3, generator=gen, dtype=torch.float64)
    y = torch.multinomial(torch.softmax(X @ coef, 1), 1, generator=gen).ravel()
    return X, y


def _kkt_violation(X, y, weight, bias, alpha):
    """Largest violation of the optimality conditions of mean CE + α Σ|W| (bias free)."""
    weight = weight.detach().clone().requires_grad_()
    bias = bias.detach().clone().requires_grad_()
    torch.nn.functional.cross_entropy(X @ weight.T + bias, y).backward()
    grad = weight.grad
    on_zero = (grad.abs() - alpha).clamp(min=0)
    off_zero = (grad + alpha * weight.sign()).abs()
    return max(torch.where(weight == 0, on_zero, off_zero).max().item(), bias.grad.abs().max())


def _fista(X, y, alpha, n_iter=3000):
    """The reference: FISTA with step 1/L, L = ½ σ_max([X 1])² / n bounding the Hessian."""
    n, n_classes = X.shape[0], int(y.max()) + 1
    lipschitz = 0.5 * torch.linalg.matrix_norm(torch.cat([X, X.new_ones(n, 1)], 1), 2) ** 2 / n
    weight, bias = X.new_zeros(n_classes, X.shape[1]), X.new_zeros(n_classes)
    w_y, b_y, t = weight.clone(), bias.clone(), 1.0
    for _ in range(n_iter):
        w_y.requires_grad_(), b_y.requires_grad_()
        torch.nn.functional.cross_entropy(X @ w_y.T + b_y, y).backward()
        with torch.no_grad():
            v = w_y - w_y.grad / lipschitz
            w_new = v.sign() * (v.abs() - alpha / lipschitz).clamp(min=0)
            b_new = b_y - b_y.grad / lipschitz
            t_new = (1 + (1 + 4 * t * t) ** 0.5) / 2
            w_y = w_new + (t - 1) / t_new * (w_new - weight)
            b_y = b_new + (t - 1) / t_new * (b_new - bias)
        weight, bias, t = w_new, b_new, t_new
    return weight, bias


@pytest.fixture(scope="module")
def softmax_reference():
    X, y = _softmax_problem()
    return X, y, *_fista(X, y, alpha=0.02)


@pytest.mark.parametrize(
    "options, gamma",
    [
        ({}, 1.0),
        ({"momentum": 0.5}, 1.0),
        # centred RMSprop divides by the gradient's spread, which vanishes at a fixed point:
        # a decaying lr keeps it stable
        ({"centered": True}, 0.998),
        ({"centered": True, "momentum": 0.9}, 0.998),
    ],
)
def test_rmsprop_prox_meets_the_optimality_conditions(softmax_reference, options, gamma):
    X, y, weight_ref, bias_ref = softmax_reference
    alpha = 0.02
    assert _kkt_violation(X, y, weight_ref, bias_ref, alpha) < 1e-12
    assert int((weight_ref == 0).sum()) == 37

    model = torch.nn.Linear(20, 3).double()
    torch.nn.init.zeros_(model.weight), torch.nn.init.zeros_(model.bias)
    rmsprop = torch.optim.RMSprop(model.parameters(), lr=1e-2, eps=1e-3, **options)
    opt = ProximalOptimizer(rmsprop, L1(), alpha=alpha)
    schedule = torch.optim.lr_scheduler.ExponentialLR(rmsprop, gamma)
    for _ in range(2000):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        opt.step()
        schedule.step()
    assert _kkt_violation(X, y, model.weight, model.bias, alpha) <= 1e-5
    assert torch.equal(model.weight == 0, weight_ref == 0)
    np.testing.assert_allclose(model.weight.detach(), weight_ref, atol=1e-3)


@pytest.mark.parametrize("optimizer_class", [torch.optim.NAdam, torch.optim.RAdam])
def test_optimizers_with_unknown_steps_are_refused(optimizer_class):
    param = torch.nn.Parameter(torch.ones(2, 2))
    with pytest.raises(TypeError, match=f"step size of {optimizer_class.__name__}"):
        ProximalOptimizer(optimizer_class([param], lr=0.1), L1(), alpha=0.1)
    # the lr heuristic stays available on request
    sgd_like = optimizer_class([param], lr=0.5)
    opt = ProximalOptimizer(sgd_like, L1(), alpha=0.1, effective_step=False)
    param.grad = torch.zeros_like(param)
    opt.step()  # NAdam / RAdam move nothing on a zero gradient: the prox by lr·α remains
    assert param.detach().ravel().tolist() == pytest.approx([0.95] * 4)


def test_a_subclass_with_its_own_step_is_refused():
    class ClippedSGD(torch.optim.SGD):
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    p.grad.clamp_(-1.0, 1.0)
            return super().step(closure)

    class LoggedSGD(torch.optim.SGD):  # the same step: accepted
        pass

    param = torch.nn.Parameter(torch.ones(2, 2))
    with pytest.raises(TypeError, match="step size of ClippedSGD"):
        ProximalOptimizer(ClippedSGD([param], lr=0.1), L1(), alpha=0.1)
    opt = ProximalOptimizer(LoggedSGD([param], lr=0.1, momentum=0.5), L1(), alpha=0.1)
    param.grad = torch.zeros_like(param)
    opt.step()
    assert param.detach().ravel().tolist() == pytest.approx([0.99] * 4)


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.4, 0.0])
@pytest.mark.parametrize("metric", [None, "foreach", "fused"])
def test_scaled_prox_is_the_elementwise_elastic_net_prox(metric, l1_ratio, positive):
    """``S(w·D, fa)/(D + fb)`` equals ``prox_{η(a|·| + ½b·²)}(w)`` with ``η = f/D`` and
    ``D = √v + c``, by torch operations and by the compiled loop."""
    from shrinkage.nn.prox import FlatViews, prox_elementwise_
    from shrinkage.nn.steps import Steps
    from shrinkage.penalties import prox_weighted_enet

    gen = torch.Generator().manual_seed(3)
    params = [torch.randn(7, 5, generator=gen, dtype=torch.float64), torch.randn(4, 3,
              generator=gen, dtype=torch.float64)]  # fmt: skip
    factors, offsets = [0.3, 0.7], [0.2, 0.05]
    roots = [torch.rand(p.shape, generator=gen, dtype=torch.float64) for p in params]
    metrics = [np.sqrt(v.numpy()) + c for v, c in zip(roots, offsets, strict=True)]
    etas = [f / m for f, m in zip(factors, metrics, strict=True)] if metric else factors
    alpha = 0.5
    a, b = alpha * l1_ratio, alpha * (1 - l1_ratio)
    expected = [
        prox_weighted_enet(p.numpy(), np.broadcast_to(np.asarray(eta), p.shape), a, b, positive)
        for p, eta in zip(params, etas, strict=True)
    ]
    steps = Steps(factors, roots, offsets) if metric else Steps(factors)
    kept = [v.clone() for v in roots]
    with torch.no_grad():
        prox_elementwise_(params, steps, a, b, positive,
                          FlatViews() if metric == "fused" else None)  # fmt: skip
    for got, want in zip(params, expected, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-13, atol=1e-15)
        assert np.array_equal(got.numpy() == 0, want == 0)  # the same exact zeros
    assert all(torch.equal(v, k) for v, k in zip(roots, kept, strict=True))  # read only
    zeros = sum(int((want == 0).sum()) for want in expected)
    if a > 0:  # some thresholded, some not
        assert 0 < zeros < sum(want.size for want in expected)


@pytest.mark.parametrize("positive", [False, True])
def test_compiled_metric_prox_matches_torch_in_float32_and_keeps_nan(positive):
    """The compiled loop and the torch operations agree in float32 (to rounding), give the
    same exact zeros, and a NaN weight stays NaN (a diverging network stays visible)."""
    from shrinkage.nn.prox import FlatViews, prox_elementwise_
    from shrinkage.nn.steps import Steps

    gen = torch.Generator().manual_seed(5)
    shapes = [(64, 32), (10, 3, 3), (17,)]
    params = [torch.randn(s, generator=gen) for s in shapes]
    params[0][3, 4] = float("nan")
    roots = [torch.rand(s, generator=gen) * 1e-3 for s in shapes]
    steps = Steps([1e-3, 2e-3, 5e-4], roots, [1e-8, 1e-8, 3e-8])
    fused = [p.clone() for p in params]
    with torch.no_grad():
        prox_elementwise_(params, steps, 5.0, 0.5, positive)
        prox_elementwise_(fused, steps, 5.0, 0.5, positive, FlatViews())
    for want, got in zip(params, fused, strict=True):
        torch.testing.assert_close(got, want, rtol=1e-6, atol=1e-7, equal_nan=True)  # float32 ε
        assert torch.equal(got == 0, want == 0)
        assert 0 < int((got == 0).sum()) < got.numel()
    assert torch.isnan(fused[0][3, 4])


def test_flat_views_follow_the_storage():
    """A parameter given new storage (``param.data = …``) or a reloaded optimizer state is
    read afresh, not through a stale view; tensors the loop cannot take fall back."""
    from shrinkage.nn.prox import FlatViews

    views = FlatViews()
    param = torch.nn.Parameter(torch.ones(3, 2))
    root = torch.ones(3, 2)
    first = views.flat([param], [root])
    assert first is not None and first[0][0].base is not None
    assert views.flat([param], [root])[0][0] is first[0][0]  # reused
    param.data = torch.full((3, 2), 2.0)
    ((w, _),) = views.flat([param], [root])
    assert w.tolist() == [2.0] * 6
    w[0] = 5.0  # a view of the parameter itself
    assert param[0, 0].item() == 5.0
    new_root = torch.full((3, 2), 4.0)
    assert views.flat([param], [new_root])[0][1].tolist() == [4.0] * 6
    assert views.flat([param], [torch.ones(2, 3)]) is None  # shapes differ
    assert views.flat([param], [torch.ones(3, 2, dtype=torch.float64)]) is None
    assert views.flat([torch.nn.Parameter(torch.ones(4, 4).t())], [torch.ones(4, 4)]) is None


def test_adam_prox_is_the_same_fused_or_not():
    """Ten Adam steps of a proximal network: the compiled loop and torch's operations give
    the same weights (float64, to rounding) and the same zeros."""
    from shrinkage.nn import ProximalOptimizer

    def train(fused):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(),
                                    torch.nn.Linear(8, 2)).double()  # fmt: skip
        opt = ProximalOptimizer(torch.optim.Adam(model.parameters(), lr=0.05), alpha=0.05)
        if not fused:
            opt._views.flat = lambda params, roots: None
        X, y = torch.randn(32, 6, dtype=torch.float64), torch.randn(32, 2, dtype=torch.float64)
        for _ in range(10):
            opt.zero_grad()
            torch.nn.functional.mse_loss(model(X), y).backward()
            opt.step()
        return [p.detach().clone() for p in model.parameters()]

    fused, plain = train(True), train(False)
    for a, b in zip(fused, plain, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-14)
        assert torch.equal(a == 0, b == 0)
    assert sum(int((p == 0).sum()) for p in fused) > 0
