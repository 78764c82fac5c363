"""The sparse-network comparison over several seeds: method × accuracy, zeros, saturation, time.

Trains the same tanh MLP (30 → 32 → 16 → 1) on scikit-learn's breast-cancer data (or the
ESL spam data with ``--data spam``) with (a) no penalty, (b) L1 in the loss (subgradient),
(c) the proximal L1 step, (d) AdamW weight decay, (e) the proximal elastic net, and prints
a Markdown table (mean ± sd over seeds). The table in docs/nn.md was made with

    python benchmarks/nn_comparison.py --seeds 0 1 2

``--overhead`` instead measures what the proximal step costs per training step: a
64 → 128 → 10 tanh network, batches of 64, the bare optimizer against the same optimizer
wrapped in ProximalOptimizer (L1), for SGD with momentum and Adam; one pinned CPU and one
thread, bare and wrapped interleaved round by round. The overhead is the median over rounds
of each round's paired ratio (with its interquartile range), which a slow drift of the
shared machine moves less than a ratio of medians:

    python benchmarks/nn_comparison.py --overhead

Needs PyTorch (``pip install shrinkage[torch]``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np


def _spam():
    # the shared data folder sits beside the checkout; it is optional
    root = Path(os.environ.get("SHRINKAGE_DATA", Path(__file__).parents[2] / "shared" / "data"))
    path = root / "spam_esl.npz"
    if not path.exists():
        sys.exit(f"spam data not found at {path}; set SHRINKAGE_DATA to the data folder.")
    data = np.load(path)
    # word frequencies are heavy-tailed: log1p as in ESL's spam example
    return np.log1p(data["X"]), data["y"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--data", choices=("breast_cancer", "spam"), default="breast_cancer")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--alpha", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.5)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--figure", help="write a bar chart of the exact zeros to this file")
    parser.add_argument("--overhead", action="store_true", help="time the prox per step")
    parser.add_argument("--rounds", type=int, default=41, help="--overhead: timed rounds")
    parser.add_argument(
        "--penalize-biases", action="store_true", help="--overhead: prox on the biases too"
    )
    args = parser.parse_args(argv)
    if args.overhead:
        return _overhead(args.rounds, args.penalize_biases)

    import torch

    from shrinkage.nn import compare_regularization

    X, y = _spam() if args.data == "spam" else (None, None)
    start = time.perf_counter()
    result = compare_regularization(
        X,
        y,
        seeds=tuple(args.seeds),
        n_epochs=args.epochs,
        alpha=args.alpha,
        weight_decay=args.weight_decay,
        device=args.device,
    )
    settings = ", ".join(f"{k}={v}" for k, v in result.settings.items())
    print(f"data={args.data}, {settings}, device={args.device}")
    print(f"torch {torch.__version__}, Python {platform.python_version()}, one CPU thread\n")
    print(result.to_markdown())
    print(f"\ntotal {time.perf_counter() - start:.1f} s")
    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3, figsize=(13, 4), layout="constrained")
        for ax, metric in zip(axes, ("test_accuracy", "zero_fraction", "saturation"), strict=True):
            result.plot(metric, ax=ax)
        fig.savefig(args.figure, dpi=120)
    return 0


def _training_setup(optimizer_name, proximal, penalize_biases=False):
    import torch

    from shrinkage.nn import ProximalOptimizer
    from shrinkage.penalties import L1

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = torch.nn.Sequential(
            torch.nn.Linear(64, 128), torch.nn.Tanh(), torch.nn.Linear(128, 10)
        )
    if optimizer_name == "SGD, momentum 0.9":
        optimizer = torch.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    if proximal:
        options = {"penalize_biases": True} if penalize_biases else {}
        optimizer = ProximalOptimizer(optimizer, L1(), alpha=1e-4, **options)
    return model, optimizer


def _seconds_per_step(model, optimizer, X, y, n_steps):
    import torch

    start = time.perf_counter()
    for _ in range(n_steps):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    return (time.perf_counter() - start) / n_steps


def _overhead(n_rounds, penalize_biases, steps_per_round=50) -> int:
    import torch

    if hasattr(os, "sched_setaffinity"):  # one core: no migration between cores
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(0)
    X, y = torch.randn(64, 64, generator=gen), torch.randint(0, 10, (64,), generator=gen)
    print(f"torch {torch.__version__}, Python {platform.python_version()}, one pinned CPU,")
    print(f"{n_rounds} rounds of {steps_per_round} steps each, medians", end="")
    print(", biases penalised too\n" if penalize_biases else "\n")
    print(
        "| optimizer | bare step (µs) | with prox (µs) | overhead (IQR) "
        "| apply_prox alone, warm (µs) |"
    )
    print("|---|---|---|---|---|")
    for name in ("SGD, momentum 0.9", "Adam"):
        bare = _training_setup(name, False)
        proximal = _training_setup(name, True, penalize_biases)
        for setup in (bare, proximal):  # warm-up: allocations, optimizer state
            _seconds_per_step(*setup, X, y, 100)
        times = {"bare": [], "prox": [], "apply": []}
        for round_ in range(n_rounds):
            order = (("bare", bare), ("prox", proximal))
            for key, setup in order if round_ % 2 == 0 else order[::-1]:
                times[key].append(_seconds_per_step(*setup, X, y, steps_per_round))
            start = time.perf_counter()
            for _ in range(steps_per_round):
                proximal[1].apply_prox()
            times["apply"].append((time.perf_counter() - start) / steps_per_round)
        med = {key: 1e6 * float(np.median(value)) for key, value in times.items()}
        ratios = 100 * (np.divide(times["prox"], times["bare"]) - 1)
        low, mid, high = np.percentile(ratios, [25, 50, 75])
        print(
            f"| {name} | {med['bare']:.0f} | {med['prox']:.0f} | "
            f"{mid:+.1f}% ({low:+.1f}% to {high:+.1f}%) | {med['apply']:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
