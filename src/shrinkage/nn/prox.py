"""The proximal maps of the weighted elastic net (and its row / column group version) on
tensors, in place.

:class:`~shrinkage.nn.ProximalOptimizer` applies them after every optimizer step with the
step sizes of :mod:`shrinkage.nn.steps`; see :mod:`shrinkage.nn.proximal` for the maths.
The elementwise prox of a whole parameter group is a handful of ``torch._foreach`` calls
(one kernel launch each for all tensors of the group, the way torch's own optimizers work)
and one soft-threshold kernel per tensor: on a small network the number of operations,
not the arithmetic, is the cost.
"""

from __future__ import annotations

import torch

from .steps import Steps

__all__ = ["as_float", "group_norms", "prox_elementwise_", "prox_grouped_"]


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
                      positive: bool) -> None:  # fmt: skip
    """In place, for all tensors of a group: ``w ← S(w, ηa) / (1 + ηb)`` (and ``w ≥ 0``).

    ``a = αρ`` and ``b = α(1 − ρ)`` are the L1 and L2 weights, ``η = f / D`` the step sizes
    (:class:`~shrinkage.nn.steps.Steps`; ``D`` may be overwritten). With a per-coordinate
    metric ``D`` the prox runs in the scaled variable ``u = w·D``, where the threshold is the
    scalar ``f·a``:

        S(w, f a / D) / (1 + f b / D) = S(w·D, f a) / (D + f b),

    five elementwise operations per tensor instead of nine for ``w − clamp(w, −t, t)`` with
    a tensor ``t``.
    """
    factors = steps.factors
    if steps.metrics is None:
        if positive:  # prox of t·w + indicator(w ≥ 0)
            if l1_weight > 0:
                torch._foreach_sub_(params, [f * l1_weight for f in factors])
            torch._foreach_clamp_min_(params, 0.0)
        elif l1_weight > 0:
            for param, factor in zip(params, factors, strict=True):
                _soft_threshold_(param, factor * l1_weight)
        if l2_weight > 0:
            torch._foreach_div_(params, [1.0 + f * l2_weight for f in factors])
        return
    metrics = steps.metrics
    torch._foreach_mul_(params, metrics)  # the parameters hold u = w·D until the division
    if positive:
        if l1_weight > 0:
            torch._foreach_sub_(params, [f * l1_weight for f in factors])
        torch._foreach_clamp_min_(params, 0.0)
    elif l1_weight > 0:
        for param, factor in zip(params, factors, strict=True):
            _soft_threshold_(param, factor * l1_weight)
    if l2_weight > 0:
        torch._foreach_add_(metrics, [f * l2_weight for f in factors])
    torch._foreach_div_(params, metrics)


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
