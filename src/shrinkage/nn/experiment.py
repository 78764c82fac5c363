"""The comparison: one small MLP, five ways to regularise it, measured.

The same tanh network (same initial weights, same mini-batches) is trained on a real data
set with

(a) ``none``: no penalty (Adam);
(b) ``l1_subgradient``: ``α Σ|w|`` added to the mean loss and back-propagated (Adam);
(c) ``l1_proximal``: Adam wrapped in :class:`~shrinkage.nn.ProximalOptimizer` with ``L1()``;
(d) ``weight_decay``: AdamW's decoupled weight decay;
(e) ``elastic_net_proximal``: the proximal wrapper with ``ElasticNetPenalty(l1_ratio)``;

and each run reports test accuracy, the share of weights that are *exactly* zero, the
saturation of the tanh units (:func:`~shrinkage.nn.metrics.saturation`), the mean absolute
weight and the training time. Weights (not biases) are penalised. α is in the library's
scaling: the penalty is added to the mean log-loss.

The network and its training are :mod:`shrinkage.nn.training`'s (re-exported here). The
expected outcome, asserted in the tests: (c) and (e) give many exact zeros at about the
accuracy of (a); (b) gives essentially none (the subgradient makes weights hover around
zero); (d) gives small but non-zero weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .metrics import saturation, sparsity
from .training import METHODS, load_breast_cancer_split, make_mlp, split_standardize, train_mlp

__all__ = [
    "METHODS",
    "ComparisonResult",
    "compare_regularization",
    "make_mlp",
    "load_breast_cancer_split",
    "train_mlp",
    "plot_comparison",
]

_METRICS = (
    "test_accuracy",
    "zero_fraction",
    "near_zero_fraction",
    "saturation",
    "mean_abs_weight",
    "train_seconds",
)

#: Weights with ``0 < |w| < NEAR_ZERO`` are "near zero": small, but still multiplied in.
NEAR_ZERO = 1e-3


def _evaluate(model, X_train, X_test, y_test, device) -> dict:
    X_test_t = torch.as_tensor(X_test, device=device)
    with torch.no_grad():
        predicted = (model(X_test_t).reshape(-1) > 0).cpu().numpy()
    weights = [p.detach() for p in model.parameters() if p.dim() >= 2]
    n_weights = sum(w.numel() for w in weights)
    return {
        "test_accuracy": float(np.mean(predicted == (np.asarray(y_test) > 0.5))),
        "zero_fraction": sparsity(model).overall,
        "near_zero_fraction": float(
            sum(((w != 0) & (w.abs() < NEAR_ZERO)).sum() for w in weights) / n_weights
        ),
        "saturation": saturation(model, torch.as_tensor(X_train, device=device)).overall,
        "mean_abs_weight": float(sum(w.abs().sum() for w in weights) / n_weights),
        "n_weights": n_weights,
    }


@dataclass(frozen=True)
class ComparisonResult:
    """One record per (method, seed) and the settings that produced them.

    Each record holds ``method``, ``label``, ``seed``, ``test_accuracy``, ``zero_fraction``
    (share of weights exactly 0), ``near_zero_fraction`` (share with ``0 < |w| < 1e-3``),
    ``saturation`` (share of tanh/sigmoid pre-activations
    beyond the 7%-derivative threshold, on the training inputs), ``mean_abs_weight``,
    ``n_weights`` and ``train_seconds``.
    """

    records: tuple[dict, ...]
    settings: dict = field(default_factory=dict)

    def summary(self) -> list[dict]:
        """Mean and standard deviation over seeds of every metric, one row per method."""
        rows = []
        for method in dict.fromkeys(r["method"] for r in self.records):
            mine = [r for r in self.records if r["method"] == method]
            row = {"method": method, "label": METHODS[method], "n_seeds": len(mine)}
            for metric in _METRICS:
                values = np.array([r[metric] for r in mine], dtype=float)
                row[metric] = float(values.mean())
                row[f"{metric}_std"] = float(values.std())
            rows.append(row)
        return rows

    def to_frame(self):
        """The records as a pandas DataFrame (pandas imported here)."""
        import pandas as pd

        return pd.DataFrame(list(self.records))

    def to_markdown(self) -> str:
        """The summary as a Markdown table: mean ± sd over seeds."""
        lines = [
            "| method | test accuracy | exact zeros | 0 < abs(w) < 1e-3 | saturation "
            "| mean abs(w) | time (s) |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in self.summary():
            lines.append(
                f"| {row['label']} "
                f"| {row['test_accuracy']:.3f} ± {row['test_accuracy_std']:.3f} "
                f"| {100 * row['zero_fraction']:.1f}% ± {100 * row['zero_fraction_std']:.1f} "
                f"| {100 * row['near_zero_fraction']:.1f}% "
                f"| {100 * row['saturation']:.1f}% ± {100 * row['saturation_std']:.1f} "
                f"| {row['mean_abs_weight']:.3f} "
                f"| {row['train_seconds']:.2f} ± {row['train_seconds_std']:.2f} |"
            )
        return "\n".join(lines)

    def plot(self, metric: str = "zero_fraction", ax=None):
        """Bar chart of one metric per method; see :func:`plot_comparison`."""
        return plot_comparison(self, metric, ax=ax)


def compare_regularization(
    X=None, y=None, *, methods: tuple[str, ...] = tuple(METHODS), seeds: tuple[int, ...] = (0,),
    hidden: tuple[int, ...] = (32, 16), activation: str = "tanh", alpha: float = 1e-3,
    l1_ratio: float = 0.5, weight_decay: float = 0.5, lr: float = 1e-2, n_epochs: int = 100,
    batch_size: int = 32, test_size: float = 0.3, device: str | torch.device = "cpu",
    num_threads: int | None = 1,
) -> ComparisonResult:  # fmt: skip
    """Train the same MLP with each method and seed; measure accuracy, zeros, saturation, time.

    Parameters
    ----------
    X, y : array-like, optional
        A binary classification data set (y in {0, 1}); default scikit-learn's breast-cancer
        data. Each seed draws its own stratified train/test split, standardised on train.
    methods : tuple of str
        Keys of :data:`METHODS`.
    seeds : tuple of int
        One run per seed and method: initial weights, batches and split depend on it.
    alpha : float
        α for (b), (c), (e): the penalty ``α Σ(ρ|w| + ½(1−ρ)w²)`` is added to the mean loss.
    l1_ratio : float
        ρ for the elastic net (e).
    weight_decay : float
        AdamW's decoupled decay for (d) (each step multiplies weights by ``1 − lr·wd``).
    hidden, activation, lr, n_epochs, batch_size, test_size, device, num_threads
        The network and its training (Adam, mini-batches); see :func:`train_mlp`.

    Returns
    -------
    ComparisonResult

    See Also
    --------
    plot_comparison, shrinkage.nn.ProximalOptimizer

    Examples
    --------
    >>> result = compare_regularization(
    ...     methods=("l1_subgradient", "l1_proximal"), hidden=(32,), alpha=2e-3, n_epochs=10
    ... )
    >>> [(r["method"], r["zero_fraction"] > 0.5) for r in result.records]
    [('l1_subgradient', False), ('l1_proximal', True)]
    """
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"methods must be a non-empty subset of {list(METHODS)}, got {methods}.")
    if (X is None) != (y is None):
        raise ValueError("give both X and y, or neither (breast-cancer data).")
    settings = {"hidden": tuple(hidden), "activation": activation, "alpha": alpha,
                "l1_ratio": l1_ratio, "weight_decay": weight_decay, "lr": lr,
                "n_epochs": n_epochs, "batch_size": batch_size}  # fmt: skip
    records = []
    for seed in seeds:
        if X is None:
            X_train, X_test, y_train, y_test = load_breast_cancer_split(seed, test_size)
        else:
            X_train, X_test, y_train, y_test = split_standardize(X, y, seed, test_size)
        for method in methods:
            model, seconds = train_mlp(method, X_train, y_train, seed=seed, device=device,
                                       num_threads=num_threads, **settings)  # fmt: skip
            record = {"method": method, "label": METHODS[method], "seed": int(seed)}
            record.update(_evaluate(model, X_train, X_test, y_test, device))
            record["train_seconds"] = seconds
            records.append(record)
    return ComparisonResult(tuple(records), {**settings, "seeds": tuple(seeds)})


def plot_comparison(result: ComparisonResult, metric: str = "zero_fraction", ax=None):
    """Bars of ``metric`` (mean over seeds, with the standard deviation) per method.

    ``metric`` is one of ``test_accuracy``, ``zero_fraction``, ``saturation``,
    ``mean_abs_weight``, ``train_seconds``. Returns the matplotlib axes.
    """
    import matplotlib.pyplot as plt

    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {_METRICS}, got {metric!r}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    rows = result.summary()
    positions = np.arange(len(rows))
    ax.bar(
        positions,
        [r[metric] for r in rows],
        yerr=[r[f"{metric}_std"] for r in rows],
        color="C0",
        capsize=3,
    )
    ax.set_xticks(positions, [r["label"] for r in rows], rotation=20, ha="right")
    ax.set_ylabel(metric.replace("_", " "))
    return ax
