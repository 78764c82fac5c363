"""shrinkage.nn.groups and the default choice of penalised tensors: weights yes, biases and
normalisation gains and shifts (one-dimensional tensors) only on request."""

import pytest

from _nn import layer_norm_mlp, one_thread, torch  # noqa: F401 (one_thread: an autouse fixture)
from shrinkage.nn import ProximalOptimizer, penalized_groups
from shrinkage.penalties import L1


def _mlp_with_layer_norm():
    return layer_norm_mlp(6, 8, 8, 2)


def _one_step(penalize_biases=None):
    """One SGD step on all parameters, with (a large) L1 prox unless penalize_biases is None."""
    model = _mlp_with_layer_norm()
    sgd = torch.optim.SGD(model.parameters(), lr=0.5)
    if penalize_biases is not None:
        sgd = ProximalOptimizer(sgd, L1(), alpha=0.5, penalize_biases=penalize_biases)
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(16, 6, generator=gen, dtype=torch.float64)
    sgd.zero_grad()
    model(X).pow(2).mean().backward()
    sgd.step()
    return dict(model.named_parameters())


def test_biases_and_layer_norm_gains_are_not_penalised_by_default():
    plain, proximal = _one_step(), _one_step(penalize_biases=False)
    vectors = [name for name, p in plain.items() if p.dim() == 1]
    assert vectors == ["0.bias", "1.weight", "1.bias", "3.bias", "5.bias"]
    for name in vectors:  # exactly the optimizer's own step
        assert torch.equal(proximal[name], plain[name])
    assert sum(int((proximal[name] == 0).sum()) for name in vectors) == 0
    # the matrices are thresholded by lr·α = 0.25
    zeros = {name: int((p == 0).sum()) for name, p in proximal.items() if p.dim() == 2}
    assert zeros == {"0.weight": 30, "3.weight": 47, "5.weight": 13}


def test_penalize_biases_opts_in_to_all_tensors():
    plain, proximal = _one_step(), _one_step(penalize_biases=True)
    gains = proximal["1.weight"]
    assert torch.equal(gains, plain["1.weight"] - 0.25)  # LayerNorm gains shrink by lr·α
    zeros = {name: int((p == 0).sum()) for name, p in proximal.items() if p.dim() == 1}
    assert zeros == {"0.bias": 5, "1.weight": 0, "1.bias": 8, "3.bias": 7, "5.bias": 2}


def test_penalized_groups_leaves_biases_unpenalised_even_when_opted_in():
    model = _mlp_with_layer_norm()
    groups = penalized_groups(model)
    assert [p.dim() for p in groups[0]["params"]] == [2, 2, 2]
    assert len(groups[1]["params"]) == 5 and groups[1]["penalty_alpha"] == 0.0
    before = [p.detach().clone() for p in groups[1]["params"]]
    opt = ProximalOptimizer(torch.optim.SGD(groups, lr=0.5), L1(), alpha=0.5, penalize_biases=True)
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    opt.step()
    assert all(torch.equal(a, b) for a, b in zip(before, groups[1]["params"], strict=True))
    assert int((model[0].weight == 0).sum()) == 29
    assert opt.state_dict()["proximal"]["penalize_biases"] is True


def test_penalty_value_counts_only_penalised_tensors():
    weight = torch.nn.Parameter(torch.tensor([[1.0, -2.0]], dtype=torch.float64))
    bias = torch.nn.Parameter(torch.tensor([3.0], dtype=torch.float64))
    for opt_in, expected in ((False, 0.5 * 3.0), (True, 0.5 * 6.0)):
        sgd = torch.optim.SGD([weight, bias], lr=0.1)
        opt = ProximalOptimizer(sgd, L1(), alpha=0.5, penalize_biases=opt_in)
        assert opt.penalty_value() == pytest.approx(expected)
        opt.remove()
