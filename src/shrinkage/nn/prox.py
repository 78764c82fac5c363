"""The proximal maps of the weighted elastic net (and its row / column group version) on
tensors, in place, and the step size an optimizer really took.

:class:`~shrinkage.nn.ProximalOptimizer` applies them after every optimizer step; see
:mod:`shrinkage.nn.proximal` for the maths and the choice of the step.
"""

from __future__ import annotations

import math

import torch

__all__ = ["as_float", "effective_step", "group_norms", "prox_"]

# Optimizers whose step is preconditioned by Adam's √v̂ + ε (same second-moment state).
ADAM_FAMILY = (torch.optim.Adam, torch.optim.AdamW)


def as_float(value) -> float:
    """A Python float from a number or a one-element tensor."""
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def effective_step(optimizer, group: dict, param: torch.Tensor):
    """η of ``param`` in ``group`` for the step ``optimizer`` took: a float, a tensor shaped
    like ``param`` (Adam's per-coordinate step), or None when Adam has not stepped it yet.

    * SGD: ``η = lr``; with momentum μ and dampening τ the buffer settles at
      ``(1 − τ)/(1 − μ)`` times the gradient, so ``η = lr (1 − τ)/(1 − μ)``.
    * Adam / AdamW: Adam's step is preconditioned by ``D = √v̂ + ε`` (per coordinate), and
      the matching prox is the one in the metric D: threshold ``lr · αρ / D_j`` (ProxGen;
      Yun, Lozano and Yang, NeurIPS 2021). A weight then stays at zero exactly when its
      (averaged) gradient is at most αρ — the lasso's KKT condition. For row/column groups
      :func:`prox_` replaces the metric by its mean over the group (a heuristic: the exact
      group prox in a diagonal metric has no closed form).
    * any other optimizer: ``η = lr``.
    """
    lr = as_float(group["lr"])
    if isinstance(optimizer, ADAM_FAMILY):
        state = optimizer.state.get(param, {})
        if "exp_avg_sq" not in state:
            return None
        step = as_float(state["step"])
        beta2 = as_float(group["betas"][1])
        second = state["max_exp_avg_sq"] if group.get("amsgrad") else state["exp_avg_sq"]
        # the same denominator as Adam's update: √(v / (1 − β₂ᵗ)) + ε
        denominator = second.sqrt() / math.sqrt(1.0 - beta2**step) + group["eps"]
        return lr / denominator
    if isinstance(optimizer, torch.optim.SGD):
        momentum = as_float(group.get("momentum", 0.0))
        if momentum > 0:
            return lr * (1.0 - as_float(group.get("dampening", 0.0))) / (1.0 - momentum)
    return lr


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


def prox_(param, step, l1_weight, l2_weight, structure, positive) -> None:
    """In place: ``param ← prox_{step·(a·‖·‖ + ½ b ‖·‖²)}(param)`` (+ ``param ≥ 0``)."""
    dims = _reduce_dims(param, structure)
    if dims is None:
        threshold = step * l1_weight
        if positive:
            param.sub_(threshold).clamp_(min=0.0)
        else:
            # v − clamp(v, −t, t) is S(v, t) and is exactly 0 where |v| ≤ t
            param.sub_(param.clamp(-threshold, threshold))
    else:
        if isinstance(step, torch.Tensor):  # Adam metric: its mean over the group
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
