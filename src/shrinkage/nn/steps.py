"""The step size η that an optimizer really took, per parameter: the η of the proximal step.

The fixed points of ``w ← prox_{η α penalty}(w − step(∇loss))`` are the minimisers of
``mean loss + α · penalty`` only when η is the multiplier the optimizer applied to the
gradient. For each supported optimizer that multiplier follows from torch's own update:

* SGD: ``η = lr``. With momentum μ and dampening τ the buffer after k steps of a constant
  gradient g is ``f_k g`` with ``f_1 = 1`` (torch starts the buffer at the gradient) and
  ``f_k = μ f_{k−1} + (1 − τ)``, i.e. ``f_k = μ^{k−1} + (1 − τ)(1 − μ^{k−1})/(1 − μ)``;
  Nesterov moves by ``g + μ·buffer``, i.e. ``1 + μ f_k``. So ``η = lr·f_k`` (or
  ``lr (1 + μ f_k)``), which grows to the steady state ``lr (1 − τ)/(1 − μ)``: using the
  steady state from the first step would threshold up to ``1/(1 − μ)`` times the move.
* Adam / AdamW: the step is preconditioned by ``D = √v̂ + ε`` per coordinate
  (``v̂ = v/(1 − β₂ᵗ)``, or the running maximum with ``amsgrad``) and the matching prox is the
  one in the metric D: ``η = lr / D`` (ProxGen; Yun, Lozano and Yang, NeurIPS 2021).
  Adam's first moment is bias-corrected, so there is no transient.
* RMSprop: ``D = √v + ε`` (``√(v − ḡ²) + ε`` when ``centered``); with momentum μ the buffer
  starts at zero and after k steps is ``(1 − μᵏ)/(1 − μ) · g/D``, so
  ``η = lr (1 − μᵏ)/((1 − μ) D)``.

Other optimizers (NAdam, RAdam, Adagrad, …) are refused by :func:`step_kind`: a threshold
that does not match the step moves the fixed point, silently.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import torch

__all__ = ["SUPPORTED", "Steps", "group_steps", "step_kind"]

#: Optimizers whose effective step is known exactly (subclasses included).
SUPPORTED = (torch.optim.SGD, torch.optim.Adam, torch.optim.RMSprop)

# Key of the per-parameter momentum step count in an SGD optimizer's state (saved with it).
MOMENTUM_STEPS = "penalty_momentum_steps"


def _scalar(value) -> float:
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


def step_kind(optimizer: torch.optim.Optimizer) -> str:
    """``"sgd"``, ``"adam"`` or ``"rmsprop"``; a ``TypeError`` for any other optimizer,
    including a subclass that replaces the ``step`` of its torch parent."""
    # AdamW derives from Adam and keeps its step
    for kind, known in (("adam", torch.optim.Adam), ("sgd", torch.optim.SGD),
                        ("rmsprop", torch.optim.RMSprop)):  # fmt: skip
        if isinstance(optimizer, known) and type(optimizer).step is known.step:
            return kind
    names = ", ".join(kind.__name__ for kind in SUPPORTED) + ", AdamW"
    raise TypeError(
        f"ProximalOptimizer does not know the step size of {type(optimizer).__name__}, which "
        f"the prox's threshold must match (known: {names}). Pass effective_step=False to "
        "threshold by the group's lr alone: a heuristic whose fixed points are not the "
        "minimisers of mean loss + alpha * penalty."
    )


def momentum_factor(k: int, momentum: float, dampening: float, nesterov: bool) -> float:
    """SGD's move per unit gradient after k momentum steps of a constant gradient."""
    settled = momentum ** (k - 1)
    factor = settled + (1.0 - dampening) * (1.0 - settled) / (1.0 - momentum)
    return 1.0 + momentum * factor if nesterov else factor


class Steps(NamedTuple):
    """The step sizes of one group's parameters: ``η_i = factors[i] / D_i``.

    ``roots`` is None for SGD (``η_i = factors[i]``, a float). For Adam and RMSprop the
    per-coordinate preconditioner is ``D_i = √roots[i] + offsets[i]``: ``roots`` are the
    optimizer's second moments themselves (read, never written) or fresh tensors. Keeping
    the factor and the metric apart lets the prox work in the scaled variable ``w·D``,
    where the threshold is one scalar per tensor, and fuse ``D`` into the same loop
    (:func:`shrinkage.nn.prox.prox_elementwise_`).
    """

    factors: list
    roots: list | None = None
    offsets: list | None = None

    def metrics(self) -> list | None:
        """Fresh tensors ``D_i = √roots[i] + offsets[i]``, or None for SGD."""
        if self.roots is None:
            return None
        metrics = torch._foreach_sqrt(self.roots)
        offsets = self.offsets
        if all(offset == offsets[0] for offset in offsets):  # one scalar: torch's fast path
            torch._foreach_add_(metrics, offsets[0])
        else:
            torch._foreach_add_(metrics, offsets)
        return metrics

    def sizes(self) -> list:
        """``η`` per parameter: a float, or a tensor shaped like the parameter."""
        if self.roots is None:
            return list(self.factors)
        etas = torch._foreach_reciprocal(self.metrics())
        torch._foreach_mul_(etas, self.factors)
        return etas


def group_steps(optimizer, kind: str, group: dict, params: list) -> Steps | None:
    """The step sizes :class:`Steps` of ``params`` (one group, each with a gradient) after a
    step, or None when the optimizer has no state for them yet.

    For SGD with momentum this also advances the step count kept in the optimizer's state
    under ``"penalty_momentum_steps"`` (so ``state_dict`` carries it).
    """
    lr = _scalar(group["lr"])
    state = optimizer.state
    if kind == "sgd":
        momentum = _scalar(group.get("momentum", 0.0))
        if momentum == 0:
            return Steps([lr] * len(params))
        dampening = _scalar(group.get("dampening", 0.0))
        nesterov = bool(group.get("nesterov", False))
        steps = []
        for param in params:
            param_state = state[param]
            k = param_state.get(MOMENTUM_STEPS, 0) + 1
            param_state[MOMENTUM_STEPS] = k
            steps.append(lr * momentum_factor(k, momentum, dampening, nesterov))
        return Steps(steps)
    states = [state[param] for param in params]
    eps = _scalar(group["eps"])
    if kind == "adam":
        key = "max_exp_avg_sq" if group.get("amsgrad") else "exp_avg_sq"
        if any(key not in s for s in states):
            return None
        beta2 = _scalar(group["betas"][1])
        # lr / (√v / c + ε) with c = √(1 − β₂ᵗ) is lr·c / (√v + ε·c)
        corrections = [math.sqrt(1.0 - beta2 ** _scalar(s["step"])) for s in states]
        roots = [s[key] for s in states]
        return Steps([lr * c for c in corrections], roots, [eps * c for c in corrections])
    # rmsprop: lr (1 − μᵏ)/(1 − μ) / (√v + ε), v centred by the gradient's mean
    if any("square_avg" not in s for s in states):
        return None
    roots = [s["square_avg"] for s in states]
    if group.get("centered"):
        averages = [s["grad_avg"] for s in states]
        roots = torch._foreach_addcmul(roots, averages, averages, value=-1)
    momentum = _scalar(group.get("momentum", 0.0))
    factors = [
        lr * (1.0 - momentum ** _scalar(s["step"])) / (1.0 - momentum) if momentum else lr
        for s in states
    ]
    return Steps(factors, roots, [eps] * len(states))
