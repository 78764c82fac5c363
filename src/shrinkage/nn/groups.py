"""Which parameters a proximal step penalises, and how: the penalty keys of a parameter group.

Penalty settings live in the optimizer's parameter groups under ``penalty_alpha``,
``penalty_l1_ratio``, ``penalty_structure`` and ``penalty_positive``, so each group can
carry its own α (0 leaves a group unpenalised) and the optimizer's own ``state_dict``
saves them. :func:`penalized_groups` builds the usual split: weights penalised, biases and
normalisation gains and shifts not.
"""

from __future__ import annotations

from torch import nn

from .._validation import check_alpha

__all__ = ["STRUCTURES", "penalized_groups"]

#: Allowed values of ``structure``: soft-threshold each weight, or shrink whole rows
#: (``dim 0``: one output unit / conv filter) or columns (``dim 1``: one input) by their norm.
STRUCTURES = ("elementwise", "row", "column")

#: The penalty keys of a parameter group.
DEFAULT_KEYS = ("penalty_alpha", "penalty_l1_ratio", "penalty_structure", "penalty_positive")


def penalized_groups(module: nn.Module) -> list[dict]:
    """Split a module's parameters into a penalised and an unpenalised parameter group.

    Weights (tensors with two or more dimensions: linear, convolution, embedding) are
    penalised; biases and normalisation gains and shifts (one-dimensional tensors) get
    ``penalty_alpha = 0``. Pass the result to the optimizer's constructor; set a group's
    ``penalty_alpha`` (or build groups of your own) to choose otherwise.

    Parameters
    ----------
    module : torch.nn.Module
        The model; parameters with ``requires_grad=False`` are left out.

    Returns
    -------
    groups : list of dict
        ``[{"params": weights}, {"params": others, "penalty_alpha": 0.0}]`` (the second only
        when there are one-dimensional tensors).

    See Also
    --------
    shrinkage.nn.ProximalOptimizer : reads ``penalty_alpha`` from each group.

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


def check_structure(structure) -> str:
    """``structure`` if it is one of :data:`STRUCTURES`, else a ``ValueError``."""
    if structure not in STRUCTURES:
        raise ValueError(f"structure must be one of {STRUCTURES}, got {structure!r}.")
    return structure


def fill_group(group: dict, defaults: dict) -> None:
    """In place: give ``group`` the penalty keys it lacks from ``defaults``, then check all."""
    if group.get("maximize", False):
        raise ValueError("a proximal penalty step needs maximize=False in every group.")
    for key, value in defaults.items():
        group.setdefault(key, value)
    group["penalty_alpha"] = check_alpha(group["penalty_alpha"])
    ratio = group["penalty_l1_ratio"]
    if not 0.0 <= ratio <= 1.0:
        raise ValueError(f"penalty_l1_ratio must be in [0, 1], got {ratio!r}.")
    check_structure(group["penalty_structure"])
