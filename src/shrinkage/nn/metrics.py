"""What regularisation did to a network: exact zeros, weight histograms, saturation.

* :func:`sparsity` counts weights that are *exactly* zero (``w == 0``), per parameter tensor
  and overall. The proximal step produces them; an L1 term in the loss does not.
* :func:`weight_histogram` / :func:`plot_weight_histogram` show the distribution of the
  weights (a spike at 0 for proximal L1, a narrow bell for weight decay).
* :func:`saturation` measures Nielsen's observation (*Neural Networks and Deep Learning*,
  ch. 3) that regularisation keeps units from saturating: the share of ``tanh`` /
  ``sigmoid`` pre-activations ``z`` with ``|z|`` beyond a threshold, collected with
  forward hooks. The default thresholds, 2 for tanh and 4 for the sigmoid, are where the
  derivative has fallen to 7% of its maximum (``tanh'(2) = σ'(4)/σ'(0) ≈ 0.071``;
  ``tanh(x) = 2σ(2x) − 1``), so both count the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

__all__ = [
    "LayerCounts",
    "sparsity",
    "saturation",
    "weight_histogram",
    "plot_weight_histogram",
    "SATURATION_THRESHOLDS",
]

#: Default ``|z|`` beyond which a unit counts as saturated (derivative ≤ 7% of its maximum).
SATURATION_THRESHOLDS = {nn.Tanh: 2.0, nn.Sigmoid: 4.0}


@dataclass(frozen=True)
class LayerCounts:
    """Counts per named tensor: ``hits[k]`` of ``totals[k]`` entries of ``names[k]``.

    Used for exact zeros (:func:`sparsity`) and saturated pre-activations
    (:func:`saturation`).
    """

    names: tuple[str, ...]
    hits: tuple[int, ...]
    totals: tuple[int, ...]

    @property
    def fractions(self) -> dict[str, float]:
        """Fraction per name."""
        triples = zip(self.names, self.hits, self.totals, strict=True)
        return {name: hit / total if total else 0.0 for name, hit, total in triples}

    @property
    def overall(self) -> float:
        """Fraction over all names together (weighted by size)."""
        total = sum(self.totals)
        return sum(self.hits) / total if total else 0.0


def _named_weights(module: nn.Module, include_biases: bool):
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}.")
    return [
        (name, param)
        for name, param in module.named_parameters()
        if include_biases or param.dim() >= 2
    ]


def sparsity(module: nn.Module, *, include_biases: bool = False) -> LayerCounts:
    """Exact zeros per parameter tensor and overall.

    Parameters
    ----------
    module : torch.nn.Module
    include_biases : bool, default False
        Also count one-dimensional tensors (biases, normalisation scales); by default only
        weights (two or more dimensions), the tensors a penalty usually acts on.

    Returns
    -------
    LayerCounts
        ``hits`` are the numbers of entries equal to 0; ``fractions`` per tensor and
        ``overall``.

    Examples
    --------
    >>> import torch
    >>> layer = torch.nn.Linear(4, 2)
    >>> with torch.no_grad():
    ...     _ = layer.weight.copy_(torch.tensor([[0.0, 1.0, 0.0, 2.0], [0.0, 0.0, 0.0, 3.0]]))
    >>> report = sparsity(layer)
    >>> report.fractions, report.overall
    ({'weight': 0.625}, 0.625)
    """
    named = _named_weights(module, include_biases)
    return LayerCounts(
        names=tuple(name for name, _ in named),
        hits=tuple(int((param == 0).sum()) for _, param in named),
        totals=tuple(param.numel() for _, param in named),
    )


def weight_histogram(
    module: nn.Module,
    bins: int = 41,
    *,
    value_range: tuple[float, float] | None = None,
    include_biases: bool = False,
):
    """Histogram of all weights of ``module``: ``(counts, edges, n_zeros)``.

    ``n_zeros`` (the exact zeros) is returned separately because a bin around 0 cannot tell
    an exact zero from a small weight.

    Examples
    --------
    >>> import torch
    >>> layer = torch.nn.Linear(3, 1)
    >>> with torch.no_grad():
    ...     _ = layer.weight.copy_(torch.tensor([[0.0, 0.5, -0.5]]))
    >>> counts, edges, n_zeros = weight_histogram(layer, bins=2, value_range=(-1, 1))
    >>> counts.tolist(), edges.tolist(), n_zeros
    ([1, 2], [-1.0, 0.0, 1.0], 1)
    """
    named = _named_weights(module, include_biases)
    if not named:
        raise ValueError("module has no weights to histogram.")
    values = torch.cat([p.detach().reshape(-1).to("cpu", torch.float64) for _, p in named])
    values = values.numpy()
    counts, edges = np.histogram(values, bins=bins, range=value_range)
    return counts, edges, int(np.count_nonzero(values == 0))


def plot_weight_histogram(
    modules: nn.Module | Mapping[str, nn.Module],
    bins: int = 81,
    *,
    value_range: tuple[float, float] | None = None,
    ax=None,
):
    """Step histograms of the weights of one or several models on one (log-count) axis.

    ``modules`` is a model or a mapping ``label → model``; each legend entry gives the share
    of exact zeros. Returns the matplotlib axes.
    """
    import matplotlib.pyplot as plt

    if isinstance(modules, nn.Module):
        modules = {"weights": modules}
    if ax is None:
        _, ax = plt.subplots()
    if value_range is None:  # one common range so the shapes compare
        extremes = [np.abs(weight_histogram(m, 1)[1]).max() for m in modules.values()]
        limit = float(max(extremes)) or 1.0
        value_range = (-limit, limit)
    for label, module in modules.items():
        counts, edges, n_zeros = weight_histogram(module, bins, value_range=value_range)
        share = n_zeros / counts.sum()
        ax.stairs(counts, edges, label=f"{label} ({share:.0%} exactly 0)")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("weight")
    ax.set_ylabel("count")
    ax.legend(fontsize="small")
    return ax


def saturation(
    module: nn.Module,
    inputs: torch.Tensor,
    *,
    threshold: float | None = None,
) -> LayerCounts:
    """Share of tanh / sigmoid pre-activations beyond a threshold, on ``inputs``.

    Forward hooks on every ``nn.Tanh`` and ``nn.Sigmoid`` submodule record their input
    ``z`` during one forward pass (under ``torch.no_grad``); a unit-sample pair counts as
    saturated when ``|z| > threshold``. Activations called as functions
    (``torch.tanh`` inside ``forward``) are not seen. The module's train/eval mode is left
    as it is: call ``model.eval()`` first if it has dropout.

    Parameters
    ----------
    module : torch.nn.Module
    inputs : torch.Tensor
        A batch to run through the module (on the module's device).
    threshold : float, optional
        One threshold for all activations; default 2 for tanh, 4 for sigmoid (derivative
        at 7% of its maximum).

    Returns
    -------
    LayerCounts
        Per activation module (by name): saturated pre-activations of all recorded.

    Examples
    --------
    >>> import torch
    >>> net = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.Tanh())
    >>> with torch.no_grad():
    ...     _ = net[0].weight.fill_(1.0), net[0].bias.fill_(0.0)
    >>> saturation(net, torch.tensor([[-3.0], [0.5], [1.0], [2.5]])).overall
    0.5
    """
    if threshold is not None and (not np.isfinite(threshold) or threshold <= 0):
        raise ValueError(f"threshold must be a positive number, got {threshold!r}.")
    counts: dict[str, list[int]] = {}
    handles = []

    def make_hook(name: str, limit: float):
        def hook(_module, args, _output):
            z = args[0]
            hit, total = counts.setdefault(name, [0, 0])
            counts[name] = [hit + int((z.abs() > limit).sum()), total + z.numel()]

        return hook

    for name, sub in module.named_modules():
        for kind, default in SATURATION_THRESHOLDS.items():
            if isinstance(sub, kind):
                limit = default if threshold is None else float(threshold)
                handles.append(sub.register_forward_hook(make_hook(name, limit)))
    if not handles:
        raise ValueError("module has no nn.Tanh or nn.Sigmoid submodule to measure.")
    try:
        with torch.no_grad():
            module(inputs)
    finally:
        for handle in handles:
            handle.remove()
    names = tuple(counts)
    return LayerCounts(
        names=names,
        hits=tuple(counts[n][0] for n in names),
        totals=tuple(counts[n][1] for n in names),
    )
