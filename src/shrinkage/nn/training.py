"""Training the comparison's network: one small MLP, the same initial weights and
mini-batches for every way of regularising it (:data:`METHODS`).

α is in the library's scaling: the penalty is added to the mean log-loss. Weights (not
biases) are penalised (:func:`~shrinkage.nn.penalized_groups`).
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from ..penalties import L1, ElasticNetPenalty
from .groups import penalized_groups
from .proximal import ProximalOptimizer

__all__ = ["METHODS", "load_breast_cancer_split", "make_mlp", "split_standardize", "train_mlp"]

#: Method name → label used in tables and figures.
METHODS = {
    "none": "(a) no penalty",
    "l1_subgradient": "(b) L1 in the loss (subgradient)",
    "l1_proximal": "(c) proximal L1",
    "weight_decay": "(d) weight decay (AdamW)",
    "elastic_net_proximal": "(e) proximal elastic net",
}


def make_mlp(n_features: int, hidden: tuple[int, ...] = (32, 16), activation: str = "tanh"):
    """``Linear → act → … → Linear(·, 1)``: a binary classifier returning logits.

    Examples
    --------
    >>> make_mlp(4, hidden=(3,))
    Sequential(
      (0): Linear(in_features=4, out_features=3, bias=True)
      (1): Tanh()
      (2): Linear(in_features=3, out_features=1, bias=True)
    )
    """
    activations = {"tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
    if activation not in activations:
        raise ValueError(f"activation must be one of {sorted(activations)}, got {activation!r}.")
    if not hidden or any(int(h) < 1 for h in hidden):
        raise ValueError(f"hidden must be a non-empty tuple of positive sizes, got {hidden!r}.")
    layers, width = [], int(n_features)
    for size in hidden:
        layers += [nn.Linear(width, int(size)), activations[activation]()]
        width = int(size)
    layers.append(nn.Linear(width, 1))
    return nn.Sequential(*layers)


def load_breast_cancer_split(seed: int = 0, test_size: float = 0.3):
    """scikit-learn's breast-cancer data (569 × 30), stratified split, standardised on train.

    Returns ``X_train, X_test, y_train, y_test`` as float32 NumPy arrays.
    """
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    return split_standardize(X, y, seed, test_size)


def split_standardize(X, y, seed, test_size):
    """A stratified train/test split of ``X, y``, standardised on train, as float32."""
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(
        np.asarray(X, dtype=np.float64),
        np.asarray(y),
        test_size=test_size,
        random_state=seed,
        stratify=y,
    )
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std[std == 0] = 1.0
    as32 = np.float32
    return (
        ((X_train - mean) / std).astype(as32),
        ((X_test - mean) / std).astype(as32),
        y_train.astype(as32),
        y_test.astype(as32),
    )


def train_mlp(
    method: str, X_train, y_train, *, seed: int = 0, hidden: tuple[int, ...] = (32, 16),
    activation: str = "tanh", alpha: float = 1e-3, l1_ratio: float = 0.5,
    weight_decay: float = 0.5, lr: float = 1e-2, n_epochs: int = 100, batch_size: int = 32,
    device: str | torch.device = "cpu", num_threads: int | None = 1,
):  # fmt: skip
    """Train the MLP with one method; returns ``(model, train_seconds)``.

    The initial weights and the mini-batch order depend on ``seed`` only (the global torch
    random state is left untouched), so every method starts from the same network.
    ``num_threads`` sets torch's CPU threads for the duration of the call (restored after):
    a network this small runs fastest, and is timed most reliably, on one thread; None
    leaves torch's setting.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}.")
    if n_epochs < 1 or batch_size < 1:
        raise ValueError("n_epochs and batch_size must be positive integers.")
    X = torch.as_tensor(np.asarray(X_train, dtype=np.float32), device=device)
    y = torch.as_tensor(np.asarray(y_train, dtype=np.float32), device=device).reshape(-1, 1)
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"X_train has {X.shape[0]} rows but y_train has {y.shape[0]}.")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = make_mlp(X.shape[1], hidden, activation)
    model = model.to(device)
    groups = penalized_groups(model)
    if method == "weight_decay":
        groups[0]["weight_decay"] = weight_decay
        optimizer = torch.optim.AdamW(groups, lr=lr, weight_decay=0.0)
    else:
        optimizer = torch.optim.Adam(groups, lr=lr)
    if method == "l1_proximal":
        optimizer = ProximalOptimizer(optimizer, L1(), alpha=alpha)
    elif method == "elastic_net_proximal":
        optimizer = ProximalOptimizer(optimizer, ElasticNetPenalty(l1_ratio), alpha=alpha)
    penalized = groups[0]["params"]

    previous_threads = torch.get_num_threads()
    if num_threads is not None:
        torch.set_num_threads(int(num_threads))
    try:
        start = time.perf_counter()
        _train_epochs(model, optimizer, method, X, y, penalized, alpha, n_epochs, batch_size, seed)
        if X.is_cuda:
            torch.cuda.synchronize(X.device)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(previous_threads)
    return model, seconds


def _train_epochs(model, optimizer, method, X, y, penalized, alpha, n_epochs, batch_size, seed):
    loss_function = nn.BCEWithLogitsLoss()
    generator = torch.Generator().manual_seed(seed)
    n_samples, device = X.shape[0], X.device
    for _ in range(n_epochs):
        order = torch.randperm(n_samples, generator=generator).to(device)
        for begin in range(0, n_samples, batch_size):
            batch = order[begin : begin + batch_size]
            optimizer.zero_grad()
            loss = loss_function(model(X[batch]), y[batch])
            if method == "l1_subgradient":
                loss = loss + alpha * sum(p.abs().sum() for p in penalized)
            loss.backward()
            optimizer.step()
