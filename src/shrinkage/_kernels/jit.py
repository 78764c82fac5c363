"""How every kernel is compiled: one set of numba options, two kinds of kernel.

Every kernel is cached on disk (``cache=True``) and releases the GIL (``nogil=True``;
pass ``nogil=False`` for one that enters object mode). None gets a C-callable wrapper
(``no_cfunc_wrapper=True``): no kernel is passed as a first-class function.

* :func:`kernel` compiles a function that Python calls, with its CPython wrapper.
* :func:`inner` compiles a function that only other kernels call: no CPython wrapper
  either, which saves its construction at the first compilation.

The first compilation is numba's typing and lowering, then LLVM's optimisation and code
generation of each function *with every kernel it calls linked in*: a call tree of depth
``d`` optimises a leaf ``d`` times, and the wrappers are built once per kernel. Inlining
the large middle layers of the logistic loop at numba's IR level (``inline="always"``)
would save that repetition (about 5 s of its 40) but makes the path about 7 % slower
(leukemia, 100 α), so only small helpers are inlined.

Examples
--------
>>> from shrinkage._kernels.logistic_path import _kth_largest
>>> from shrinkage._kernels.prox import enet_coordinate_update
>>> options = enet_coordinate_update.targetoptions
>>> options["nogil"], options["no_cfunc_wrapper"]
(True, True)
>>> "no_cpython_wrapper" in options
False
>>> _kth_largest.targetoptions["no_cpython_wrapper"]
True
"""

from __future__ import annotations

from numba import njit

_ALWAYS = {"cache": True, "nogil": True, "no_cfunc_wrapper": True}


def kernel(**options):
    """Decorator compiling a kernel that Python calls; ``options`` as :func:`numba.njit`'s.

    Parameters
    ----------
    **options
        Numba options added to (or replacing) ``cache=True, nogil=True,
        no_cfunc_wrapper=True``, e.g. ``fastmath``, ``error_model``, ``inline``.

    Returns
    -------
    callable
        The decorator.
    """
    return njit(**{**_ALWAYS, **options})


def inner(**options):
    """Decorator compiling a kernel that only other kernels call (no CPython wrapper).

    Parameters
    ----------
    **options
        As :func:`kernel`'s.

    Returns
    -------
    callable
        The decorator.
    """
    return njit(**{**_ALWAYS, "no_cpython_wrapper": True, **options})
