"""Proximal L1 / elastic-net / group steps for any ``torch.optim`` optimizer.

Adding ``α Σ|w|`` to a network's loss and back-propagating gives the *subgradient*
``α sign(w)``: a weight near zero jumps from side to side and never lands on exactly zero.
The proximal (forward–backward) step fixes this: take the optimizer's ordinary step on the
smooth loss, then apply the penalty's proximal operator with the same step size,

    w ← prox_{η·α·penalty}(w − η ∇loss)

which for the weighted elastic net ``penalty(w) = Σ_j (ρ|w_j| + ½(1 − ρ) w_j²)`` is the
soft-threshold ``S(v, ηαρ) / (1 + ηα(1 − ρ))`` of :func:`shrinkage.penalties.prox_weighted_enet`
and returns *exact* zeros. α is in the library's scaling (penalty added to the *mean* loss;
see :mod:`shrinkage.nn.scaling` for Nielsen's ``λ/n``).

The step size η (``effective_step=True``, the default) is the step the optimizer really
took on the gradient, so that the fixed points of the iteration are the minimisers of
``mean loss + α · penalty`` whatever the optimizer:

* SGD: ``η = lr``; with momentum μ and dampening τ the buffer settles at
  ``(1 − τ)/(1 − μ)`` times the gradient, so ``η = lr (1 − τ)/(1 − μ)``.
* Adam / AdamW: Adam's step is preconditioned by ``D = √v̂ + ε`` (per coordinate), and the
  matching prox is the one in the metric D: threshold ``lr · αρ / D_j`` (ProxGen; Yun, Lozano
  and Yang, NeurIPS 2021). A weight then stays at zero exactly when its (averaged) gradient
  is at most αρ — the lasso's KKT condition. For row/column groups the metric is replaced
  by its mean over the group (a heuristic: the exact group prox in a diagonal metric has no
  closed form).
* any other optimizer, or ``effective_step=False``: ``η = lr`` (the common heuristic; for
  Adam it thresholds by ``lr·α``, which is much weaker than Adam's own per-coordinate step).

The learning rate is read from the parameter group at every step, so LR schedulers change
the threshold. Penalty settings live *in the optimizer's parameter groups* (keys
``penalty_alpha``, ``penalty_l1_ratio``, ``penalty_structure``, ``penalty_positive``), so
groups can carry their own α (0 leaves biases and norms unpenalised) and the optimizer's own
``state_dict`` saves and restores them.
"""

from __future__ import annotations

import math
import weakref

import torch
from torch import nn

from ..penalties import L1, Penalty, _check_alpha

__all__ = ["ProximalOptimizer", "penalized_groups", "STRUCTURES"]

#: Allowed values of ``structure``: soft-threshold each weight, or shrink whole rows
#: (``dim 0``: one output unit / conv filter) or columns (``dim 1``: one input) by their norm.
STRUCTURES = ("elementwise", "row", "column")

_DEFAULT_KEYS = ("penalty_alpha", "penalty_l1_ratio", "penalty_structure", "penalty_positive")

# Optimizers whose step is preconditioned by Adam's √v̂ + ε (same second-moment state).
_ADAM_FAMILY = (torch.optim.Adam, torch.optim.AdamW)

# Optimizers that already have a proximal step attached: a second one would double the prox.
_ATTACHED: weakref.WeakSet = weakref.WeakSet()


def penalized_groups(module: nn.Module) -> list[dict]:
    """Split a module's parameters into a penalised and an unpenalised parameter group.

    Weights (tensors with two or more dimensions: linear, convolution, embedding) are
    penalised; biases and normalisation scales (one-dimensional tensors) get
    ``penalty_alpha = 0``. Pass the result to the optimizer's constructor.

    Examples
    --------
    >>> import torch
    >>> groups = penalized_groups(torch.nn.Linear(3, 2))
    >>> [len(g["params"]) for g in groups], groups[1]["penalty_alpha"]
    ([1, 1], 0.0)
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}.")
    weights, others = [], []
    for param in module.parameters():
        if param.requires_grad:
            (weights if param.dim() >= 2 else others).append(param)
    groups = [{"params": weights}]
    if others:
        groups.append({"params": others, "penalty_alpha": 0.0})
    return groups


def _check_structure(structure) -> str:
    if structure not in STRUCTURES:
        raise ValueError(f"structure must be one of {STRUCTURES}, got {structure!r}.")
    return structure


def _as_float(value) -> float:
    return float(value.item()) if isinstance(value, torch.Tensor) else float(value)


class ProximalOptimizer:
    """Wrap a ``torch.optim.Optimizer`` so that every step ends with the penalty's prox.

    Each ``optimizer.step()`` is followed (through a step post-hook, so calling the wrapped
    optimizer directly, or through ``GradScaler.step``, works too) by

        w ← prox_{η α penalty}(w),     penalty(w) = Σ_j (ρ|w_j| + ½(1 − ρ) w_j²)

    for every parameter that the optimizer updated, with η the step size (see the module
    docstring). The objective is ``mean loss + α · penalty``.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        Any optimizer; SGD (with or without momentum), Adam and AdamW get the exact
        effective step.
    penalty : Penalty, default L1()
        ``L1()``, ``ElasticNet(l1_ratio)``, ``L2()`` from :mod:`shrinkage.penalties` (with
        ``positive=True`` for non-negative weights). Per-feature ``penalty_factor`` is not
        used here: give parameter groups their own ``penalty_alpha`` instead.
    alpha : float, default 1e-4
        α ≥ 0, the default for parameter groups that do not set ``penalty_alpha``.
    structure : {"elementwise", "row", "column"}, default "elementwise"
        "row" replaces ``Σ|w_j|`` by ``Σ_r ‖W_r‖₂`` over rows (``dim 0``: an output unit or a
        convolution filter), "column" over ``dim 1`` (an input); whole groups become zero.
        One-dimensional tensors are always treated elementwise.
    effective_step : bool, default True
        Use the step the optimizer really took (momentum factor, Adam's preconditioner);
        False uses the group's ``lr`` alone.

    Attributes
    ----------
    optimizer : torch.optim.Optimizer
        The wrapped optimizer (give this one to LR schedulers).

    See Also
    --------
    penalized_groups : weights penalised, biases and norms not.
    shrinkage.penalties.prox_weighted_enet : the NumPy reference of the prox.
    shrinkage.nn.scaling.nielsen_to_alpha : Nielsen's λ/n to α.

    Notes
    -----
    AdamW's decoupled ``weight_decay`` still applies on top of the proximal step; set it to
    0 and use ``ElasticNet`` for an L2 part in the α-scaling.

    Examples
    --------
    A lasso fitted by proximal SGD with momentum lands on the coordinate-descent solution:

    >>> import torch
    >>> from shrinkage import Lasso
    >>> from shrinkage.penalties import L1
    >>> gen = torch.Generator().manual_seed(0)
    >>> X = torch.randn(100, 10, generator=gen)
    >>> y = 2 * X[:, :1] - 3 * X[:, 1:2] + 0.5 * torch.randn(100, 1, generator=gen)
    >>> model = torch.nn.Linear(10, 1)
    >>> sgd = torch.optim.SGD(penalized_groups(model), lr=0.02, momentum=0.9)
    >>> opt = ProximalOptimizer(sgd, L1(), alpha=0.3)
    >>> for _ in range(1000):
    ...     opt.zero_grad()
    ...     (0.5 * torch.nn.functional.mse_loss(model(X), y)).backward()  # 1/(2n)‖r‖²
    ...     opt.step()
    >>> [round(w, 2) for w in model.weight[0].tolist()]
    [1.62, -2.67, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    >>> lasso = Lasso(alpha=0.3).fit(X.double().numpy(), y.double().numpy().ravel())
    >>> [round(w, 2) for w in lasso.coef_.tolist()]
    [1.62, -2.67, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """

    def __init__(
        self,
        optimizer: torch.optim.Optimizer,
        penalty: Penalty | None = None,
        alpha: float = 1e-4,
        *,
        structure: str = "elementwise",
        effective_step: bool = True,
    ) -> None:
        if not isinstance(optimizer, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer must be a torch.optim.Optimizer, got {type(optimizer).__name__}."
            )
        if penalty is None:
            penalty = L1()
        if not isinstance(penalty, Penalty):
            raise TypeError(
                "penalty must be a shrinkage.penalties.Penalty (L1(), L2(), ElasticNet()), "
                f"got {type(penalty).__name__}."
            )
        if penalty.penalty_factor is not None:
            raise ValueError(
                "penalty_factor is not used by ProximalOptimizer: give parameter groups their "
                "own 'penalty_alpha' instead (0 leaves a group unpenalised)."
            )
        if optimizer in _ATTACHED:
            raise ValueError("this optimizer already has a proximal step attached.")
        self.optimizer = optimizer
        self.defaults = {
            "penalty_alpha": _check_alpha(alpha),
            "penalty_l1_ratio": float(penalty.l1_ratio),
            "penalty_structure": _check_structure(structure),
            "penalty_positive": bool(penalty.positive),
        }
        self.effective_step = bool(effective_step)
        for group in optimizer.param_groups:
            self._fill_group(group)
        self._handle = optimizer.register_step_post_hook(self._post_step_hook)
        _ATTACHED.add(optimizer)

    # -- the optimizer interface -------------------------------------------------------
    @property
    def param_groups(self) -> list[dict]:
        return self.optimizer.param_groups

    @property
    def state(self):
        return self.optimizer.state

    def step(self, closure=None):
        """One optimizer step followed by the prox (the hook applies it)."""
        return self.optimizer.step(closure)

    def zero_grad(self, set_to_none: bool = True) -> None:
        self.optimizer.zero_grad(set_to_none=set_to_none)

    def state_dict(self) -> dict:
        """The optimizer's state dict (its groups hold the penalty keys) and our settings."""
        return {
            "optimizer": self.optimizer.state_dict(),
            "proximal": {**self.defaults, "effective_step": self.effective_step},
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"optimizer", "proximal"}:
            raise ValueError(
                "state_dict must be the dict returned by ProximalOptimizer.state_dict() "
                "with keys 'optimizer' and 'proximal'."
            )
        settings = dict(state_dict["proximal"])
        self.effective_step = bool(settings.pop("effective_step"))
        self.defaults = {key: settings[key] for key in _DEFAULT_KEYS}
        self.optimizer.load_state_dict(state_dict["optimizer"])
        for group in self.optimizer.param_groups:
            self._fill_group(group)

    def remove(self) -> None:
        """Detach the proximal step from the optimizer (it becomes a plain optimizer)."""
        self._handle.remove()
        _ATTACHED.discard(self.optimizer)

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in self.defaults.items())
        return f"ProximalOptimizer({type(self.optimizer).__name__}, {settings})"

    # -- the penalty -------------------------------------------------------------------
    def penalty_value(self) -> float:
        """``Σ_groups α · penalty(w)`` at the current weights (add to the mean loss)."""
        total = 0.0
        with torch.no_grad():
            for group in self.optimizer.param_groups:
                self._fill_group(group)
                alpha, l1_ratio = group["penalty_alpha"], group["penalty_l1_ratio"]
                if alpha == 0:
                    continue
                for param in group["params"]:
                    norms = _group_norms(param, group["penalty_structure"])
                    total += alpha * (
                        l1_ratio * _as_float(norms.sum())
                        + 0.5 * (1 - l1_ratio) * _as_float((param * param).sum())
                    )
        return total

    @torch.no_grad()
    def apply_prox(self) -> None:
        """Apply the prox to every parameter that has a gradient (the hook calls this)."""
        for group in self.optimizer.param_groups:
            self._fill_group(group)
            alpha = group["penalty_alpha"]
            if alpha == 0:
                continue
            l1_weight = alpha * group["penalty_l1_ratio"]
            l2_weight = alpha * (1.0 - group["penalty_l1_ratio"])
            for param in group["params"]:
                if param.grad is None:  # the optimizer did not update it
                    continue
                step = self._step_size(group, param)
                if step is None:
                    continue
                _prox_(
                    param,
                    step,
                    l1_weight,
                    l2_weight,
                    group["penalty_structure"],
                    group["penalty_positive"],
                )

    # -- internals ---------------------------------------------------------------------
    def _post_step_hook(self, optimizer, args, kwargs) -> None:
        self.apply_prox()

    def _fill_group(self, group: dict) -> None:
        if group.get("maximize", False):
            raise ValueError("a proximal penalty step needs maximize=False in every group.")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        group["penalty_alpha"] = _check_alpha(group["penalty_alpha"])
        ratio = group["penalty_l1_ratio"]
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(f"penalty_l1_ratio must be in [0, 1], got {ratio!r}.")
        _check_structure(group["penalty_structure"])

    def _step_size(self, group: dict, param: torch.Tensor):
        """η for this parameter: a float, a tensor shaped like it (Adam), or None (skip)."""
        lr = _as_float(group["lr"])
        if not self.effective_step:
            return lr
        if isinstance(self.optimizer, _ADAM_FAMILY):
            state = self.optimizer.state.get(param, {})
            if "exp_avg_sq" not in state:
                return None
            step = _as_float(state["step"])
            beta2 = _as_float(group["betas"][1])
            second = state["max_exp_avg_sq"] if group.get("amsgrad") else state["exp_avg_sq"]
            # the same denominator as Adam's update: √(v / (1 − β₂ᵗ)) + ε
            denominator = second.sqrt() / math.sqrt(1.0 - beta2**step) + group["eps"]
            return lr / denominator
        if isinstance(self.optimizer, torch.optim.SGD):
            momentum = _as_float(group.get("momentum", 0.0))
            if momentum > 0:
                return lr * (1.0 - _as_float(group.get("dampening", 0.0))) / (1.0 - momentum)
        return lr


def _reduce_dims(param: torch.Tensor, structure: str) -> tuple[int, ...] | None:
    if structure == "elementwise" or param.dim() < 2:
        return None
    keep = 0 if structure == "row" else 1
    return tuple(d for d in range(param.dim()) if d != keep)


def _group_norms(param: torch.Tensor, structure: str) -> torch.Tensor:
    dims = _reduce_dims(param, structure)
    if dims is None:
        return param.abs()
    return torch.linalg.vector_norm(param, dim=dims)


def _prox_(param, step, l1_weight, l2_weight, structure, positive) -> None:
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
