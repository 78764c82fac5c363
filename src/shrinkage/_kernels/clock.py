"""The wall clock inside a compiled loop, for the seconds of each point of a path."""

import time

from numba import objmode

from .jit import kernel


@kernel(nogil=False)  # object mode: holds the GIL
def perf_counter():
    """``time.perf_counter()`` from compiled code, in object mode.

    A function of its own: at each entry of an object-mode block, numba unpickles the
    block's dispatcher from bytes the size of the enclosing function's code. Inside the
    logistic loop that was 250 KB at each α (the whole workspace of a small problem).
    A kernel that calls it may release the GIL: the block takes it back for the reading.

    Examples
    --------
    >>> import time
    >>> before = time.perf_counter()
    >>> before <= perf_counter() <= time.perf_counter()
    True
    """
    with objmode(now="f8"):
        now = time.perf_counter()
    return now
