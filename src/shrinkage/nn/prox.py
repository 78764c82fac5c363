"""The proximal maps of the weighted elastic net (and its row / column group version) on
tensors, in place.

:class:`~shrinkage.nn.ProximalOptimizer` applies them after every optimizer step with the
step sizes of :mod:`shrinkage.nn.steps`; see :mod:`shrinkage.nn.proximal` for the maths.
The elementwise prox of a whole parameter group is a handful of ``torch._foreach`` calls
(one kernel launch each for all tensors of the group), the way torch's own optimizers work:
a Python loop over tensors would cost more than the arithmetic on a small network.
"""

from __future__ import annotations

import torch

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


def _shrink_(params: list, l2_steps: list) -> None:
    """``params /= 1 + l2_steps`` (floats or tensors; ``l2_steps`` is consumed)."""
    if isinstance(l2_steps[0], torch.Tensor):
        torch._foreach_add_(l2_steps, 1.0)
        torch._foreach_div_(params, l2_steps)
    else:
        torch._foreach_div_(params, [1.0 + s for s in l2_steps])


def prox_elementwise_(params: list, thresholds: list | None, l2_steps: list | None,
                      positive: bool) -> None:  # fmt: skip
    """In place, for all tensors at once: ``w ← S(w, t) / (1 + s)`` (and ``w ≥ 0``).

    ``thresholds`` are ``η·αρ`` and ``l2_steps`` are ``η·α(1 − ρ)``, one per tensor, each a
    float or a tensor shaped like its parameter (None: that part is absent). Both may be
    overwritten. ``S(v, t) = v − clamp(v, −t, t)``, exactly 0 where ``|v| ≤ t``.
    """
    if thresholds is None:
        if positive:
            torch._foreach_clamp_min_(params, 0.0)
    elif positive:  # prox of t·w + indicator(w ≥ 0)
        torch._foreach_sub_(params, thresholds)
        torch._foreach_clamp_min_(params, 0.0)
    elif isinstance(thresholds[0], torch.Tensor):
        inside = torch._foreach_minimum(params, thresholds)
        torch._foreach_neg_(thresholds)
        torch._foreach_maximum_(inside, thresholds)
        torch._foreach_sub_(params, inside)
    else:
        inside = torch._foreach_clamp_max(params, thresholds)
        torch._foreach_clamp_min_(inside, [-t for t in thresholds])
        torch._foreach_sub_(params, inside)
    if l2_steps is not None:
        _shrink_(params, l2_steps)


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
