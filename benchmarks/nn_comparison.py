"""The sparse-network comparison over several seeds: method × accuracy, zeros, saturation, time.

Trains the same tanh MLP (30 → 32 → 16 → 1) on scikit-learn's breast-cancer data (or the
ESL spam data with ``--data spam``) with (a) no penalty, (b) L1 in the loss (subgradient),
(c) the proximal L1 step, (d) AdamW weight decay, (e) the proximal elastic net, and prints
a Markdown table (mean ± sd over seeds). The table in docs/nn.md was made with

    python benchmarks/nn_comparison.py --seeds 0 1 2

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
    args = parser.parse_args(argv)

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


if __name__ == "__main__":
    raise SystemExit(main())
