"""shrinkage.nn.proximal and .scaling: the proximal step for torch optimizers."""

import copy

import numpy as np
import pytest

from _nn import one_thread, torch  # noqa: F401 (one_thread: an autouse fixture)
from shrinkage.nn import ProximalOptimizer, alpha_to_nielsen, nielsen_to_alpha, penalized_groups
from shrinkage.penalties import L1, L2, ElasticNetPenalty, prox_weighted_enet


def _param(shape, seed=0, dtype=torch.float64):
    gen = torch.Generator().manual_seed(seed)
    return torch.nn.Parameter(torch.randn(*shape, generator=gen, dtype=dtype))


def _sgd_step_with_zero_grad(optimizer):
    """One step whose gradient part is a no-op, so only the prox acts."""
    for group in optimizer.param_groups:
        for p in group["params"]:
            p.grad = torch.zeros_like(p)
    optimizer.step()


@pytest.mark.parametrize(
    "penalty",
    [L1(), ElasticNetPenalty(0.3), L2(), L1(positive=True), ElasticNetPenalty(0.6, positive=True)],
)
def test_prox_matches_numpy_reference(penalty):
    param = _param((7, 5))
    before = param.detach().numpy().copy()
    opt = ProximalOptimizer(torch.optim.SGD([param], lr=0.3), penalty, alpha=1.1)
    _sgd_step_with_zero_grad(opt)
    a, b = penalty.weights(1.1, 1)
    expected = prox_weighted_enet(before, 0.3, a[0], b[0], penalty.positive)
    np.testing.assert_allclose(param.detach().numpy(), expected, rtol=1e-14, atol=1e-15)
    if penalty.l1_ratio > 0:
        assert np.array_equal(param.detach().numpy() == 0, expected == 0)
        assert (param == 0).sum() > 0


def test_prox_after_a_real_gradient_step():
    param = _param((4, 6), seed=1)
    target = _param((4, 6), seed=2).detach()
    opt = ProximalOptimizer(torch.optim.SGD([param], lr=0.2), L1(), alpha=0.5)
    opt.zero_grad()
    ((param - target) ** 2).sum().mul(0.5).backward()
    v = (param - 0.2 * (param - target)).detach().numpy()  # the gradient step
    opt.step()
    np.testing.assert_allclose(param.detach().numpy(), prox_weighted_enet(v, 0.2, 0.5, 0.0))


@pytest.mark.parametrize("structure, axis", [("row", 1), ("column", 0)])
def test_group_prox_shrinks_whole_rows_or_columns(structure, axis):
    param = _param((6, 4), seed=3)
    with torch.no_grad():
        param[2] *= 0.05  # a weak row and (for column) a weak column
        param[:, 1] *= 0.05
    v = param.detach().numpy().copy()
    step, alpha, l1_ratio = 0.5, 0.8, 0.7
    opt = ProximalOptimizer(
        torch.optim.SGD([param], lr=step),
        ElasticNetPenalty(l1_ratio),
        alpha=alpha,
        structure=structure,
    )
    _sgd_step_with_zero_grad(opt)
    norms = np.linalg.norm(v, axis=axis, keepdims=True)
    scale = np.maximum(1 - step * alpha * l1_ratio / norms, 0.0)
    expected = v * scale / (1 + step * alpha * (1 - l1_ratio))
    result = param.detach().numpy()
    np.testing.assert_allclose(result, expected, rtol=1e-13, atol=1e-15)
    zero_groups = np.all(result == 0, axis=axis)
    assert zero_groups.any() and not zero_groups.all()
    # the penalty of a group structure is the sum of group norms
    value = alpha * (l1_ratio * norms.sum() + 0.5 * (1 - l1_ratio) * (v * v).sum())
    with torch.no_grad():
        param.copy_(torch.as_tensor(v))
    assert opt.penalty_value() == pytest.approx(value, rel=1e-12)


def test_per_group_alpha_and_unpenalised_groups_untouched():
    weights_a, weights_b, bias = _param((3, 4), 4), _param((5, 2), 5), _param((5,), 6)
    copies = [p.detach().numpy().copy() for p in (weights_a, weights_b, bias)]
    sgd = torch.optim.SGD(
        [
            {"params": [weights_a]},
            {"params": [weights_b], "penalty_alpha": 2.0},
            {"params": [bias], "penalty_alpha": 0.0},
        ],
        lr=0.25,
    )
    opt = ProximalOptimizer(sgd, L1(), alpha=0.5)
    assert [g["penalty_alpha"] for g in opt.param_groups] == [0.5, 2.0, 0.0]
    _sgd_step_with_zero_grad(opt)
    np.testing.assert_allclose(
        weights_a.detach().numpy(), prox_weighted_enet(copies[0], 0.25, 0.5, 0.0)
    )
    np.testing.assert_allclose(
        weights_b.detach().numpy(), prox_weighted_enet(copies[1], 0.25, 2.0, 0.0)
    )
    assert np.array_equal(bias.detach().numpy(), copies[2])


def test_adam_step_size_is_its_diagonal_preconditioner():
    param = _param((5, 3), seed=7)
    with torch.no_grad():
        param[0] *= 1e-3  # small weights that the prox sets to zero
    gen = torch.Generator().manual_seed(8)
    grads = [torch.randn(5, 3, generator=gen, dtype=torch.float64) for _ in range(3)]
    lr, alpha, beta2, eps = 0.01, 2.0, 0.999, 1e-8
    reference = param.detach().clone()
    plain = torch.optim.Adam([reference], lr=lr)
    opt = ProximalOptimizer(torch.optim.Adam([param], lr=lr), L1(), alpha=alpha)
    for t, grad in enumerate(grads, start=1):
        reference.grad, param.grad = grad.clone(), grad.clone()
        with torch.no_grad():
            reference.copy_(param)
        plain.step()  # the same Adam step without the prox: v
        opt.optimizer.step()
        v = reference.detach().numpy()
        second = plain.state[reference]["exp_avg_sq"].numpy()
        denominator = np.sqrt(second / (1 - beta2**t)) + eps
        expected = prox_weighted_enet(v, lr / denominator, alpha, 0.0)
        np.testing.assert_allclose(param.detach().numpy(), expected, rtol=1e-12, atol=1e-15)
    assert (param == 0).any()


def test_lr_scheduler_changes_the_threshold():
    param = torch.nn.Parameter(torch.tensor([1.0, -1.0, 0.5], dtype=torch.float64))
    sgd = torch.optim.SGD([param], lr=1.0)
    scheduler = torch.optim.lr_scheduler.StepLR(sgd, step_size=1, gamma=0.1)
    opt = ProximalOptimizer(sgd, L1(), alpha=0.2, penalize_biases=True)  # a 1-D tensor
    _sgd_step_with_zero_grad(opt)  # threshold 1.0 · 0.2
    assert param.tolist() == pytest.approx([0.8, -0.8, 0.3])
    scheduler.step()
    _sgd_step_with_zero_grad(opt)  # threshold 0.1 · 0.2
    assert param.tolist() == pytest.approx([0.78, -0.78, 0.28])


def test_state_dict_round_trip_continues_identically():
    def build(alpha):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            model = torch.nn.Sequential(
                torch.nn.Linear(6, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1)
            ).double()
        groups = penalized_groups(model)
        groups[0]["penalty_alpha"] = 0.05
        opt = ProximalOptimizer(torch.optim.Adam(groups, lr=0.02), ElasticNetPenalty(0.7), alpha)
        return model, opt

    gen = torch.Generator().manual_seed(1)
    X, y = torch.randn(40, 6, generator=gen).double(), torch.randn(40, 1, generator=gen).double()

    def train(model, opt, n_steps):
        for _ in range(n_steps):
            opt.zero_grad()
            ((model(X) - y) ** 2).mean().backward()
            opt.step()

    model, opt = build(alpha=0.01)
    train(model, opt, 10)
    saved_model = {k: v.clone() for k, v in model.state_dict().items()}
    saved_opt = copy.deepcopy(opt.state_dict())  # torch returns live tensors
    train(model, opt, 10)

    restored_model, restored_opt = build(alpha=0.9)  # different defaults, overwritten by load
    restored_model.load_state_dict(saved_model)
    restored_opt.load_state_dict(saved_opt)
    assert restored_opt.defaults == opt.defaults
    assert [g["penalty_alpha"] for g in restored_opt.param_groups] == [0.05, 0.0]
    train(restored_model, restored_opt, 10)
    for a, b in zip(model.parameters(), restored_model.parameters(), strict=True):
        assert torch.equal(a, b)
    assert (model[0].weight == 0).any()


def test_remove_detaches_and_a_second_wrapper_is_refused():
    param = _param((3, 3))
    sgd = torch.optim.SGD([param], lr=1.0)
    opt = ProximalOptimizer(sgd, L1(), alpha=10.0)
    with pytest.raises(ValueError, match="already has a proximal step"):
        ProximalOptimizer(sgd, L1(), alpha=1.0)
    opt.remove()
    before = param.detach().clone()
    _sgd_step_with_zero_grad(sgd)
    assert torch.equal(param, before)
    assert "SGD" in repr(ProximalOptimizer(sgd, L1(), alpha=1.0))


def test_bad_input_is_refused_clearly():
    param = _param((2, 2))
    with pytest.raises(TypeError, match="torch.optim.Optimizer"):
        ProximalOptimizer([param], L1())
    with pytest.raises(TypeError, match="Penalty"):
        ProximalOptimizer(torch.optim.SGD([param], lr=0.1), "l1")
    with pytest.raises(ValueError, match="penalty_factor"):
        ProximalOptimizer(torch.optim.SGD([param], lr=0.1), L1(penalty_factor=[1.0, 2.0]))
    with pytest.raises(ValueError, match="structure"):
        ProximalOptimizer(torch.optim.SGD([param], lr=0.1), L1(), structure="rows")
    with pytest.raises(ValueError, match="alpha"):
        ProximalOptimizer(torch.optim.SGD([param], lr=0.1), L1(), alpha=-1.0)
    with pytest.raises(ValueError, match="maximize"):
        ProximalOptimizer(torch.optim.SGD([param], lr=0.1, maximize=True), L1())
    with pytest.raises(ValueError, match="keys 'optimizer' and 'proximal'"):
        ProximalOptimizer(torch.optim.SGD([param], lr=0.1), L1()).load_state_dict({})
    with pytest.raises(TypeError, match="torch.nn.Module"):
        penalized_groups([param])


_BLOCK_TORCH = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError("No module named 'torch'")
sys.meta_path.insert(0, Block())
"""


def test_core_package_and_nn_import_without_torch():
    import subprocess
    import sys

    code = _BLOCK_TORCH + (
        "import shrinkage, shrinkage.nn\n"
        "assert 'torch' not in sys.modules and not shrinkage.nn.TORCH_AVAILABLE\n"
        "print(shrinkage.nn.nielsen_to_alpha(2.0, 4))\n"
        "from shrinkage.nn import ProximalOptimizer\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip() == "0.5"
    assert "needs PyTorch" in run.stderr and "pip install 'shrinkage[torch]'" in run.stderr


def test_nielsen_conversion():
    assert nielsen_to_alpha(5.0, 50_000) == pytest.approx(1e-4)
    assert alpha_to_nielsen(nielsen_to_alpha(0.3, 17), 17) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="n_samples"):
        nielsen_to_alpha(1.0, 0)
    with pytest.raises(ValueError, match="regularization"):
        nielsen_to_alpha(-1.0, 10)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device available")
@pytest.mark.parametrize("optimizer_class", [torch.optim.SGD, torch.optim.Adam])
def test_cuda_matches_cpu(optimizer_class):
    results = []
    for device in ("cpu", "cuda"):
        param = torch.nn.Parameter(_param((16, 8), seed=9).detach().to(device))
        opt = ProximalOptimizer(
            optimizer_class([param], lr=0.05),
            ElasticNetPenalty(0.8),
            alpha=0.5,
            structure="elementwise",
        )
        gen = torch.Generator().manual_seed(10)
        for _ in range(5):
            param.grad = torch.randn(16, 8, generator=gen, dtype=torch.float64).to(device)
            opt.step()
        results.append(param.detach().cpu())
    assert torch.allclose(results[0], results[1], rtol=1e-10, atol=1e-12)
    assert torch.equal(results[0] == 0, results[1] == 0) and (results[0] == 0).any()
