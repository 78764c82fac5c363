"""The elementwise elastic-net prox of an optimizer step, in a diagonal metric
``D = √v + c`` or with a scalar step, fused in one loop.

An adaptive optimizer (Adam, RMSprop) scales its step per coordinate by ``1/D``; the prox
that matches it (:mod:`shrinkage.nn.steps`) is, in the scaled variable ``u = w·D``,

    w ← S(u, t) / (D + b),       S(u, t) = u − clamp(u, −t, t),

or ``max(u − t, 0)/(D + b)`` with ``w ≥ 0``. As separate tensor operations that is a square
root, an addition, a product, the threshold and a division, each a pass over memory and a
dispatch; here it is one pass. ``u − clamp(u, −t, t)`` is exactly 0 for ``|u| ≤ t`` and, with
Python's ``min``/``max``, carries a NaN through (a diverging network stays visible).
"""

import numpy as np

from .jit import kernel


@kernel(error_model="numpy")
def prox_in_metric(w, v, offset, threshold, l2_weight, positive):
    """In place over the flat arrays ``w`` and ``v`` (same length and dtype):
    ``w ← S(w·D, threshold) / (D + l2_weight)`` with ``D = √v + offset``, or
    ``max(w·D − threshold, 0) / (D + l2_weight)`` when ``positive``."""
    cast = w.dtype.type
    c, t, b, zero = cast(offset), cast(threshold), cast(l2_weight), cast(0.0)
    if positive:
        for i in range(w.shape[0]):
            d = np.sqrt(v[i]) + c
            s = w[i] * d - t
            w[i] = (s - min(s, zero)) / (d + b)
    else:
        for i in range(w.shape[0]):
            d = np.sqrt(v[i]) + c
            u = w[i] * d
            w[i] = (u - min(max(u, -t), t)) / (d + b)


@kernel(error_model="numpy")
def prox_scalar_step(w, threshold, l2_weight, positive):
    """In place over the flat array ``w``: ``w ← S(w, threshold) / (1 + l2_weight)``, or
    ``max(w − threshold, 0) / (1 + l2_weight)`` when ``positive`` (the metric ``D = 1``)."""
    cast = w.dtype.type
    t, scale, zero = cast(threshold), cast(1.0 / (1.0 + l2_weight)), cast(0.0)
    if positive:
        for i in range(w.shape[0]):
            s = w[i] - t
            w[i] = (s - min(s, zero)) * scale
    else:
        for i in range(w.shape[0]):
            u = w[i]
            w[i] = (u - min(max(u, -t), t)) * scale
