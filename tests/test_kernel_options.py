"""Every kernel is compiled with the options of :mod:`shrinkage._kernels.jit`.

Cached, no C-callable wrapper, and no CPython wrapper only on kernels that no Python
module of the package imports (calling one of those from Python would raise).
"""

import ast
import importlib
import importlib.util
import pkgutil
from pathlib import Path

import pytest
from numba.core.caching import FunctionCache
from numba.core.registry import CPUDispatcher

import shrinkage
import shrinkage._kernels as kernels_package

PACKAGE = Path(shrinkage.__file__).parent


def _kernels():
    found = {}
    for info in pkgutil.iter_modules(kernels_package.__path__):
        module = importlib.import_module(f"shrinkage._kernels.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__:
                found[(module.__name__, name)] = value
    return found


KERNELS = _kernels()


def _imported_from_python():
    """(module, name) of every kernel a module outside ``_kernels`` imports."""
    imported = set()
    for path in PACKAGE.rglob("*.py"):
        if "_kernels" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and "_kernels" in node.module:
                package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
                module = importlib.util.resolve_name("." * node.level + node.module, package)
                imported.update((module, alias.name) for alias in node.names)
    return imported


def test_the_kernels_are_found():
    assert len(KERNELS) > 150
    assert ("shrinkage._kernels.logistic_path", "logistic_path") in KERNELS


@pytest.mark.parametrize("key", sorted(KERNELS), ids=lambda key: f"{key[0][18:]}.{key[1]}")
def test_kernel_is_cached_without_c_wrapper(key):
    kernel = KERNELS[key]
    assert isinstance(kernel._cache, FunctionCache)
    assert kernel.targetoptions["no_cfunc_wrapper"] is True


def test_kernels_python_imports_have_their_python_wrapper():
    imported = _imported_from_python()
    assert len(imported) > 50
    wrapped = {key: KERNELS[key].targetoptions.get("no_cpython_wrapper") is None
               for key in imported if key in KERNELS}  # fmt: skip
    assert [key for key, has_wrapper in wrapped.items() if not has_wrapper] == []


@pytest.mark.parametrize("key", sorted(KERNELS), ids=lambda key: f"{key[0][18:]}.{key[1]}")
def test_every_kernel_but_the_clock_releases_the_gil(key):
    holds = key == ("shrinkage._kernels.clock", "perf_counter")
    assert KERNELS[key].targetoptions["nogil"] is not holds


def test_python_runs_beside_a_compiled_logistic_path(monkeypatch):
    """While the whole-path kernel solves one α in one thread, another runs Python: the
    kernel released the GIL. Its clock takes the GIL back before and after the α, where
    a kernel holding it could hand it over for a switch interval: the other thread's
    readings are counted from a few intervals after the kernel's start to as many
    before its end (holding the GIL, the kernel leaves none there)."""
    import sys
    import threading
    import time

    import numpy as np

    from shrinkage.path import logistic_compiled

    kernel = logistic_compiled.logistic_path
    running, done = threading.Event(), threading.Event()
    span = []

    def watched(*args):
        running.set()
        span.append(time.perf_counter())
        try:
            return kernel(*args)
        finally:
            span.append(time.perf_counter())
            done.set()

    monkeypatch.setattr(logistic_compiled, "logistic_path", watched)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((4000, 300))
    y = (X[:, :10].sum(axis=1) + rng.standard_normal(4000) > 0).astype(float)
    kwargs = {"loss": "logistic", "alphas": [1e-4], "tol": 1e-12, "warn": False}
    shrinkage.path(X, y, **kwargs)  # compiled; the α takes about a dozen Newton steps
    running.clear()
    done.clear()
    span.clear()
    worker = threading.Thread(target=shrinkage.path, args=(X, y), kwargs=kwargs)
    worker.start()
    running.wait()
    readings = []
    while not done.is_set():
        readings.append(time.perf_counter())
    worker.join()
    margin = 4 * sys.getswitchinterval()
    start, end = span[0] + margin, span[1] - margin
    assert end - start > 0.05
    assert sum(start < reading < end for reading in readings) > 0
