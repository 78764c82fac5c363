"""Anderson extrapolation of a short run of iterates, for the block solvers.

From iterates ``x_0, …, x_K`` of a fixed-point map (epochs of coordinate descent), the
combination ``Σ c_k x_{k+1}`` whose weights minimise ``‖Σ c_k (x_{k+1} − x_k)‖`` under
``Σ c_k = 1`` (Anderson 1965; for coordinate descent, Bertrand & Massias 2021,
AISTATS). It is only a proposal: the caller keeps it if it lowers the objective.
The working-set solver of the squared loss has its own compiled form
(:mod:`shrinkage._kernels.anderson`), which keeps the differences in float32.
"""

from __future__ import annotations

import numpy as np

__all__ = ["anderson_combination", "anderson_weights"]


def anderson_weights(iterates):
    """The weights c (summing to 1) of ``Σ c_k x_{k+1}``, or None when the differences
    are degenerate; apply them to anything linear in the iterates."""
    flat = np.array([np.ravel(x) for x in iterates])
    differences = np.diff(flat, axis=0)
    gram = differences @ differences.T
    try:
        z = np.linalg.solve(gram, np.ones(gram.shape[0]))
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(z)) or z.sum() == 0:
        return None
    return z / z.sum()


def anderson_combination(iterates):
    """The extrapolated point of ``iterates`` (arrays of one shape), or None when the
    differences are degenerate.

    Examples
    --------
    >>> x = [np.array([1.0, 1.0])]
    >>> for _ in range(3):  # x ← (x₁/2, x₂/4): fixed point 0
    ...     x.append(np.array([0.5, 0.25]) * x[-1])
    >>> float(np.abs(x[-1]).max()), bool(np.abs(anderson_combination(x)).max() < 1e-12)
    (0.125, True)
    """
    weights = anderson_weights(iterates)
    if weights is None:
        return None
    flat = np.array([np.ravel(x) for x in iterates[1:]])
    return (weights @ flat).reshape(np.shape(iterates[0]))
