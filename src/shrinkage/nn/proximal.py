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
took on the gradient (:mod:`shrinkage.nn.steps`: SGD with its momentum transient, Adam's and
RMSprop's per-coordinate preconditioner), so that the fixed points of the iteration are the
minimisers of ``mean loss + α · penalty``; an optimizer whose step is not known is refused
rather than thresholded by a wrong η. ``effective_step=False`` uses ``η = lr`` for any
optimizer (the common heuristic; for Adam it thresholds by ``lr·α``, much weaker than
Adam's own per-coordinate step).

One-dimensional tensors (biases, normalisation gains and shifts) are not penalised unless
``penalize_biases=True``; penalty settings live in the optimizer's parameter groups
(:mod:`shrinkage.nn.groups`, :func:`~shrinkage.nn.penalized_groups`). The learning rate is
read from the group at every step, so LR schedulers change the threshold.
"""

from __future__ import annotations

import weakref

import torch

from .._validation import check_alpha
from ..penalties import L1, Penalty
from .groups import DEFAULT_KEYS, check_structure, fill_group
from .prox import FlatViews, as_float, group_norms, prox_elementwise_, prox_grouped_
from .steps import Steps, group_steps, step_kind

__all__ = ["ProximalOptimizer"]

# Optimizers that already have a proximal step attached: a second one would double the prox.
_ATTACHED: weakref.WeakSet = weakref.WeakSet()


class ProximalOptimizer:
    """Wrap a ``torch.optim.Optimizer`` so that every step ends with the penalty's prox.

    Each ``optimizer.step()`` is followed (through a step post-hook, so calling the wrapped
    optimizer directly, or through ``GradScaler.step``, works too) by

        w ← prox_{η α penalty}(w),     penalty(w) = Σ_j (ρ|w_j| + ½(1 − ρ) w_j²)

    for every parameter that the optimizer updated, with η the step size (see the module
    docstring). The objective is ``mean loss + α · penalty``. One-dimensional tensors
    (biases, normalisation gains and shifts) are not penalised unless ``penalize_biases``.

    Parameters
    ----------
    optimizer : torch.optim.Optimizer
        SGD (with or without momentum, Nesterov), Adam, AdamW and RMSprop (centered or not,
        with or without momentum) get their exact effective step; any other optimizer
        raises a ``TypeError`` unless ``effective_step=False``.
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
        Use the step the optimizer really took (:mod:`shrinkage.nn.steps`: SGD momentum from
        its first step on, Adam's and RMSprop's preconditioner); False: ``lr``, any optimizer.
    penalize_biases : bool, default False
        Also penalise one-dimensional tensors: biases and the gains and shifts of
        ``LayerNorm`` / ``BatchNorm``. By default they are left alone (the weight-decay
        convention). :func:`penalized_groups` and per-group ``penalty_alpha`` choose
        parameter by parameter.

    Attributes
    ----------
    optimizer : torch.optim.Optimizer
        The wrapped optimizer (give this one to LR schedulers).

    See Also
    --------
    shrinkage.nn.penalized_groups : weights penalised, biases and norms not.
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
    >>> from shrinkage.nn import penalized_groups
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
    >>> [round(w, 2) + 0.0 for w in model.weight[0].tolist()]  # + 0.0: -0.0 prints as 0.0
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
        penalize_biases: bool = False,
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
            "penalty_structure": check_structure(structure),
            "penalty_positive": bool(penalty.positive),
        }
        self._set_options(effective_step, penalize_biases)
        self._views = FlatViews()
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
            "proximal": {**self.defaults, **self._options()},
        }

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        if not isinstance(state_dict, dict) or set(state_dict) != {"optimizer", "proximal"}:
            raise ValueError(
                "state_dict must be the dict returned by ProximalOptimizer.state_dict() "
                "with keys 'optimizer' and 'proximal'."
            )
        settings = dict(state_dict["proximal"])
        self._set_options(settings.pop("effective_step"), settings.pop("penalize_biases"))
        self.defaults = {key: settings[key] for key in DEFAULT_KEYS}
        self.optimizer.load_state_dict(state_dict["optimizer"])
        for group in self.optimizer.param_groups:
            self._fill_group(group)

    def remove(self) -> None:
        """Detach the proximal step from the optimizer (it becomes a plain optimizer)."""
        self._handle.remove()
        _ATTACHED.discard(self.optimizer)

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in {**self.defaults, **self._options()}.items())
        return f"ProximalOptimizer({type(self.optimizer).__name__}, {settings})"

    @torch.no_grad()
    def penalty_value(self) -> float:
        """``Σ_groups α · penalty(w)`` at the current weights (add to the mean loss)."""
        total = 0.0
        for group in self.optimizer.param_groups:
            self._fill_group(group)
            alpha, l1_ratio = group["penalty_alpha"], group["penalty_l1_ratio"]
            if alpha == 0:
                continue
            for param in self._penalized(group["params"]):
                norms = group_norms(param, group["penalty_structure"])
                total += alpha * (
                    l1_ratio * as_float(norms.sum())
                    + 0.5 * (1 - l1_ratio) * as_float((param * param).sum())
                )
        return total

    def apply_prox(self) -> None:
        """Apply the prox to every penalised parameter that has a gradient (the hook calls
        this): a few fused ``torch._foreach`` operations per parameter group."""
        # a bare switch of the grad mode: torch.no_grad() costs more than the prox of a layer
        enabled = torch.is_grad_enabled()
        torch._C._set_grad_enabled(False)
        try:
            self._apply_prox()
        finally:
            torch._C._set_grad_enabled(enabled)

    def _apply_prox(self) -> None:
        for group in self.optimizer.param_groups:
            if "penalty_structure" not in group:  # a group added after construction
                self._fill_group(group)
            alpha = group["penalty_alpha"]
            if alpha == 0:
                continue
            every = self.penalize_biases
            params = [p for p in group["params"] if p.grad is not None and (every or p.dim() > 1)]
            structure = group["penalty_structure"]
            if structure != "elementwise":
                matrices = [p for p in params if p.dim() >= 2]
                params = [p for p in params if p.dim() < 2]
                self._prox_matrices(group, matrices, alpha)
            if params:
                self._prox_elementwise(group, params, alpha)

    # -- internals ---------------------------------------------------------------------
    def _penalized(self, params: list) -> list:
        return list(params) if self.penalize_biases else [p for p in params if p.dim() >= 2]

    def _steps(self, group: dict, params: list) -> Steps | None:
        """The step sizes η of ``params``, or None when the optimizer has no state for them."""
        if self._kind == "lr":
            return Steps([as_float(group["lr"])] * len(params))
        return group_steps(self.optimizer, self._kind, group, params)

    def _prox_elementwise(self, group: dict, params: list, alpha: float) -> None:
        steps = self._steps(group, params)
        if steps is not None:
            l1_weight = alpha * group["penalty_l1_ratio"]
            prox_elementwise_(params, steps, l1_weight, alpha - l1_weight,
                              group["penalty_positive"], self._views)  # fmt: skip

    def _prox_matrices(self, group: dict, matrices: list, alpha: float) -> None:
        steps = self._steps(group, matrices) if matrices else None
        if steps is None:
            return
        l1_weight = alpha * group["penalty_l1_ratio"]
        for param, step in zip(matrices, steps.sizes(), strict=True):
            prox_grouped_(param, step, l1_weight, alpha - l1_weight,
                          group["penalty_structure"], group["penalty_positive"])  # fmt: skip

    def _post_step_hook(self, optimizer, args, kwargs) -> None:
        self.apply_prox()

    def _options(self) -> dict:
        return {"effective_step": self.effective_step, "penalize_biases": self.penalize_biases}

    def _set_options(self, effective: bool, penalize_biases: bool) -> None:
        # the optimizer's kind, or a TypeError when its step is not known
        self._kind = step_kind(self.optimizer) if effective else "lr"
        self.effective_step, self.penalize_biases = bool(effective), bool(penalize_biases)

    def _fill_group(self, group: dict) -> None:
        fill_group(group, self.defaults)
