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
took on the gradient (:func:`shrinkage.nn.prox.effective_step`: momentum for SGD, the
per-coordinate preconditioner for Adam), so that the fixed points of the iteration are the
minimisers of ``mean loss + α · penalty`` whatever the optimizer; ``effective_step=False``
uses ``η = lr`` (the common heuristic; for Adam it thresholds by ``lr·α``, much weaker
than Adam's own per-coordinate step).

The learning rate is read from the parameter group at every step, so LR schedulers change
the threshold. Penalty settings live *in the optimizer's parameter groups* (keys
``penalty_alpha``, ``penalty_l1_ratio``, ``penalty_structure``, ``penalty_positive``), so
groups can carry their own α (0 leaves biases and norms unpenalised) and the optimizer's own
``state_dict`` saves and restores them.
"""

from __future__ import annotations

import weakref

import torch
from torch import nn

from .._validation import check_alpha
from ..penalties import L1, Penalty
from .prox import as_float, effective_step, group_norms, prox_

__all__ = ["ProximalOptimizer", "penalized_groups", "STRUCTURES"]

#: Allowed values of ``structure``: soft-threshold each weight, or shrink whole rows
#: (``dim 0``: one output unit / conv filter) or columns (``dim 1``: one input) by their norm.
STRUCTURES = ("elementwise", "row", "column")

_DEFAULT_KEYS = ("penalty_alpha", "penalty_l1_ratio", "penalty_structure", "penalty_positive")

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
        ``L1()``, ``ElasticNetPenalty(l1_ratio)``, ``L2()`` from :mod:`shrinkage.penalties` (with
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
    0 and use ``ElasticNetPenalty`` for an L2 part in the α-scaling.

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
                "penalty must be a shrinkage.penalties.Penalty (L1(), L2(), ElasticNetPenalty()), "
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
            "penalty_alpha": check_alpha(alpha),
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
                    norms = group_norms(param, group["penalty_structure"])
                    total += alpha * (
                        l1_ratio * as_float(norms.sum())
                        + 0.5 * (1 - l1_ratio) * as_float((param * param).sum())
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
                step = (
                    effective_step(self.optimizer, group, param)
                    if self.effective_step
                    else as_float(group["lr"])
                )
                if step is None:  # Adam has not stepped it yet
                    continue
                prox_(param, step, l1_weight, l2_weight, group["penalty_structure"],
                      group["penalty_positive"])  # fmt: skip

    # -- internals ---------------------------------------------------------------------
    def _post_step_hook(self, optimizer, args, kwargs) -> None:
        self.apply_prox()

    def _fill_group(self, group: dict) -> None:
        if group.get("maximize", False):
            raise ValueError("a proximal penalty step needs maximize=False in every group.")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        group["penalty_alpha"] = check_alpha(group["penalty_alpha"])
        ratio = group["penalty_l1_ratio"]
        if not 0.0 <= ratio <= 1.0:
            raise ValueError(f"penalty_l1_ratio must be in [0, 1], got {ratio!r}.")
        _check_structure(group["penalty_structure"])
