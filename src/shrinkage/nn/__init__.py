"""Sparse neural networks with PyTorch: proximal L1 / elastic-net steps, metrics, comparison.

Needs the optional extra ``pip install shrinkage[torch]``. ``import shrinkage`` never
imports torch; ``import shrinkage.nn`` works without it (only the conversions in
:mod:`shrinkage.nn.scaling` are then available) and names that need torch raise an
``ImportError`` that says how to install it.

* :class:`ProximalOptimizer` — wraps a ``torch.optim`` optimizer (SGD, Adam, AdamW,
  RMSprop with their exact step; others with ``effective_step=False``): after every step it
  applies the prox of ``α · penalty`` (exact zeros) to the weights, per parameter group.
* :func:`penalized_groups` — weights penalised, biases and norms not, as groups.
* :func:`sparsity`, :func:`saturation`, :func:`weight_histogram`,
  :func:`plot_weight_histogram` — what the penalty did.
* :func:`compare_regularization`, :func:`plot_comparison` — the subgradient vs proximal vs
  weight-decay comparison on a real data set.
* :func:`nielsen_to_alpha`, :func:`alpha_to_nielsen` — ``α = λ/n``.

Objective everywhere: ``mean loss + α Σ_j (ρ|w_j| + ½(1 − ρ) w_j²)``.
"""

from importlib import import_module
from importlib.util import find_spec

from .scaling import alpha_to_nielsen, nielsen_to_alpha

# name → submodule; imported eagerly when torch is there, else a clear ImportError on use
_TORCH_NAMES = {
    "ProximalOptimizer": "proximal",
    "penalized_groups": "groups",
    "STRUCTURES": "groups",
    "LayerCounts": "metrics",
    "sparsity": "metrics",
    "saturation": "metrics",
    "weight_histogram": "metrics",
    "plot_weight_histogram": "metrics",
    "METHODS": "training",
    "ComparisonResult": "experiment",
    "compare_regularization": "experiment",
    "make_mlp": "training",
    "train_mlp": "training",
    "plot_comparison": "experiment",
}

__all__ = ["nielsen_to_alpha", "alpha_to_nielsen", *_TORCH_NAMES]

try:
    TORCH_AVAILABLE = find_spec("torch") is not None
except (ImportError, ValueError):  # a broken or blocked torch counts as missing
    TORCH_AVAILABLE = False

if TORCH_AVAILABLE:
    for _name, _module in _TORCH_NAMES.items():
        globals()[_name] = getattr(import_module(f".{_module}", __name__), _name)
    del _name, _module
else:

    def __getattr__(name):
        if name in _TORCH_NAMES:
            raise ImportError(
                f"shrinkage.nn.{name} needs PyTorch, which is not installed: "
                "pip install 'shrinkage[torch]'"
            )
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
