"""What the PyTorch tests share: ``torch`` itself (a test module importing this one is
skipped without it) and one CPU thread per test."""

import contextlib

import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install shrinkage[torch]")


def layer_norm_mlp(*widths):
    """A float64 tanh MLP through ``widths`` with a LayerNorm after its first layer, the
    same weights on every call (seed 0), leaving the global torch RNG as it was. It mixes
    matrices with one-dimensional tensors (biases, LayerNorm gain and shift)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        layers = [torch.nn.Linear(widths[0], widths[1]), torch.nn.LayerNorm(widths[1])]
        for n_in, n_out in zip(widths[1:-1], widths[2:], strict=True):
            layers += [torch.nn.Tanh(), torch.nn.Linear(n_in, n_out)]
        return torch.nn.Sequential(*layers).double()


@contextlib.contextmanager
def single_thread():
    """Torch on one CPU thread inside the block: tiny tensors only lose to the contention
    of threads on a shared 2-core machine."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


@pytest.fixture(autouse=True)
def one_thread():
    """Every test of a module that imports this fixture runs on one thread."""
    with single_thread():
        yield
