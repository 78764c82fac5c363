"""What the PyTorch tests share: ``torch`` itself (a test module importing this one is
skipped without it) and one CPU thread per test."""

import contextlib

import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed: pip install shrinkage[torch]")


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
