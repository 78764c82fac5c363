"""The proximal maps of the weighted elastic net (and its row / column group version) on
tensors, in place.

:class:`~shrinkage.nn.ProximalOptimizer` applies them after every optimizer step with the
step sizes of :mod:`shrinkage.nn.steps`; see :mod:`shrinkage.nn.proximal` for the maths.
The elementwise prox of a whole parameter group is a handful of ``torch._foreach`` calls
(one kernel launch each for all tensors of the group, the way torch's own optimizers work)
and one soft-threshold kernel per tensor; in an adaptive metric on the CPU, one compiled
loop per tensor. On a small network the number of operations, not the arithmetic, is the
cost.
"""

from __future__ import annotations

import torch

from .._kernels.metric_prox import prox_in_metric, prox_scalar_step
from .steps import Steps

__all__ = ["FlatViews", "as_float", "group_norms", "prox_elementwise_", "prox_grouped_"]


def as_float(value) -> float:
    """A Python float from a number or a one-element tensor."""
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def _reduce_dims(param: torch.Tensor, structure: str) -> tuple[int, ...] | None:
    if structure == "elementwise" or param.dim() < 2:
        return None
    keep = 0 if structure == "row" else 1
    return tuple(d for d in range(param.dim()) if d != keep)


def group_norms(param: torch.Tensor, structure: str) -> torch.Tensor:
    """``|w|`` elementwise, or the Euclidean norm of each row / column group."""
    dims = _reduce_dims(param, structure)
    if dims is None:
        return param.abs()
    return torch.linalg.vector_norm(param, dim=dims)


def _soft_threshold_(tensor: torch.Tensor, threshold: float) -> None:
    """In place: ``S(v, t) = sign(v)·max(|v| − t, 0)``, exactly 0 where ``|v| ≤ t``."""
    torch._C._nn.softshrink(tensor, threshold, out=tensor)


def prox_elementwise_(params: list, steps: Steps, l1_weight: float, l2_weight: float,
                      positive: bool, views: FlatViews | None = None) -> None:  # fmt: skip
    """In place, for all tensors of a group: ``w ← S(w, ηa) / (1 + ηb)`` (and ``w ≥ 0``).

    ``a = αρ`` and ``b = α(1 − ρ)`` are the L1 and L2 weights, ``η = f / D`` the step sizes
    (:class:`~shrinkage.nn.steps.Steps`). With a per-coordinate metric ``D`` the prox runs
    in the scaled variable ``u = w·D``, where the threshold is the scalar ``f·a``:

        S(w, f a / D) / (1 + f b / D) = S(w·D, f a) / (D + f b).

    Given ``views`` (:class:`FlatViews`), on the CPU that is one compiled loop per tensor
    that also forms ``D = √v + c`` (:mod:`shrinkage._kernels.metric_prox`);
    elsewhere, and while ``torch.compile`` traces, a few ``torch._foreach`` operations.
    """
    factors = steps.factors
    pairs = views.flat(params, steps.roots) if views is not None else None
    if pairs is not None:
        if steps.roots is None:
            for (w, _), factor in zip(pairs, factors, strict=True):
                prox_scalar_step(w, factor * l1_weight, factor * l2_weight, positive)
        else:
            for (w, v), factor, offset in zip(pairs, factors, steps.offsets, strict=True):
                prox_in_metric(w, v, offset, factor * l1_weight, factor * l2_weight, positive)
        return
    metrics = steps.metrics()
    if metrics is not None:
        torch._foreach_mul_(params, metrics)  # the parameters hold u = w·D until the division
    if positive:  # prox of t·u + indicator(u ≥ 0)
        if l1_weight > 0:
            torch._foreach_sub_(params, [f * l1_weight for f in factors])
        torch._foreach_clamp_min_(params, 0.0)
    elif l1_weight > 0:
        for param, factor in zip(params, factors, strict=True):
            _soft_threshold_(param, factor * l1_weight)
    if metrics is None:
        if l2_weight > 0:
            torch._foreach_div_(params, [1.0 + f * l2_weight for f in factors])
        return
    if l2_weight > 0:
        torch._foreach_add_(metrics, [f * l2_weight for f in factors])
    torch._foreach_div_(params, metrics)


_FUSED_DTYPES = (torch.float32, torch.float64)
_PLAIN = (torch.Tensor, torch.nn.Parameter)  # not a FakeTensor, DTensor, …


def _fusable(param: torch.Tensor, root: torch.Tensor | None) -> bool:
    """Whether the compiled CPU loop can take this pair: plain, contiguous CPU floats of one
    dtype and size (``root`` None: the parameter alone)."""
    if not (
        type(param) in _PLAIN
        and param.is_cpu
        and param.dtype in _FUSED_DTYPES
        and param.layout == torch.strided
        and param.is_contiguous()
    ):
        return False
    return root is None or (
        type(root) in _PLAIN
        and root.is_cpu
        and root.dtype == param.dtype
        and root.layout == torch.strided
        and root.is_contiguous()
        and root.shape == param.shape
    )


class FlatViews:
    """Flat NumPy views of parameters and their second moments, for the compiled prox.

    Making a view costs more than the prox of a small layer, so each is kept and reused
    while the pair is the same two tensors on the same storage (``param.data = …`` or a
    reloaded optimizer state makes a new view).
    """

    def __init__(self) -> None:
        self._entries: dict = {}

    def flat(self, params: list, roots: list | None = None) -> list | None:
        """``[(w, v), …]`` views of every pair (``v`` None without ``roots``), or None when
        one cannot take the loop (or ``torch.compile`` is tracing: the trace must see torch
        operations)."""
        if torch.compiler.is_compiling():
            return None
        pairs = []
        for param, root in zip(params, roots or [None] * len(params), strict=True):
            entry = self._entries.get(id(param))
            if (
                entry is None
                or entry[0] is not param
                or entry[1] is not root
                or entry[2] != param.data_ptr()
                or (root is not None and entry[3] != root.data_ptr())
            ):
                if not _fusable(param, root):
                    return None
                w = param.detach().view(-1).numpy()
                v = None if root is None else root.view(-1).numpy()
                entry = (param, root, param.data_ptr(), 0 if root is None else root.data_ptr(),
                         (w, v))  # fmt: skip
                self._entries[id(param)] = entry
            pairs.append(entry[4])
        return pairs


def prox_grouped_(param, step, l1_weight, l2_weight, structure, positive) -> None:
    """In place: ``param ← prox_{step·(a·Σ_g ‖w_g‖ + ½ b ‖w‖²)}(param)`` (+ ``param ≥ 0``)
    over the rows or columns of a tensor with two or more dimensions.

    A tensor ``step`` (a diagonal metric) is replaced by its mean over each group: the exact
    group prox in a diagonal metric has no closed form.
    """
    dims = _reduce_dims(param, structure)
    if isinstance(step, torch.Tensor):
        step = step.mean(dim=dims, keepdim=True)
    if positive:  # prox of ‖·‖ + indicator(≥ 0) is the group shrink of the projection
        param.clamp_(min=0.0)
    if l1_weight > 0:
        norms = torch.linalg.vector_norm(param, dim=dims, keepdim=True)
        # 1 − t/‖v‖ clipped at 0; a zero row gives −inf → 0, never NaN
        scale = (1.0 - step * l1_weight / norms).clamp_(min=0.0)
        param.mul_(scale)
    if l2_weight > 0:
        param.div_(1.0 + step * l2_weight)
