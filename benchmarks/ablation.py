"""What each speed-up of ``shrinkage.path`` contributes: switch one off at a time.

    python benchmarks/ablation.py                              # default problems
    python benchmarks/ablation.py --problems toeplitz sparse_synthetic@1e-2 --repeat 5
    python benchmarks/ablation.py --logistic --datasets a9a --repeat 5   # logistic paths

``--logistic`` runs ``ablation_logistic.py`` with the other arguments: the logistic
path's own switches (the compiled driver against the Python loop, Gram mode, working
sets, warm and predicted starts, kept curvature, lazy certificates, ...) and options.

Same problems, grid and one-thread rule as ``run.py``; ``tol=1e-6`` (our certificate, the
relative duality gap at every α, re-checked here from the coefficients by ``certify.py``).
Each configuration is timed as the median of ``--repeat`` runs after a warm-up, in one
process (compile time excluded). The configurations:

* ``auto`` — everything on, the strategy picked from the data;
* ``working_set`` — the iterative strategy forced where ``auto`` picks the exact homotopy
  (the switches below then act on that iterative strategy);
* ``no screening`` — no strong rule and no bound-settled columns in the full checks;
* ``no extrapolation`` — no Anderson acceleration (in Gram mode: no Newton steps on the
  face of the signs);
* ``no warm start`` — every α from zero.

Printed: median seconds, the ratio to ``auto``, total epochs (knots for the homotopy) and
the worst relative gap.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from certify import relative_gaps  # noqa: E402
from problems import available, load  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402

DEFAULT = ["leukemia", "riboflavin", "toeplitz", "tall_dense", "diabetes", "rcv1_small@1e-2",
           "sparse_synthetic@1e-2", "news20_bow@1e-2"]  # fmt: skip
CONFIGS = {
    "auto": {},
    "working_set": {"strategy": "working_set"},
    "no screening": {"screening": False},
    "no extrapolation": {"extrapolation": False},
    "no warm start": {"warm_start": False},
}


def measure(problem, options, repeat):
    def fit():
        return shrinkage.path(problem.X, problem.y, L1(), alphas=problem.alphas,
                              fit_intercept=False, tol=1e-6, **options)  # fmt: skip

    result = fit()  # warm-up (and compile)
    times = []
    for _ in range(repeat):
        tick = time.perf_counter()
        fit()
        times.append(time.perf_counter() - tick)
    gaps = relative_gaps(problem.X, problem.y, problem.alphas, result.coefs)
    return float(np.median(times)), int(result.n_iter.sum()), float(gaps.max()), result.strategy


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--logistic" in argv:
        from ablation_logistic import main as logistic_main

        argv.remove("--logistic")
        return logistic_main(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", nargs="+", default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=list(CONFIGS)[1:],
        help="configurations to leave out (e.g. the slow 'no warm start')",
    )  # fmt: skip
    args = parser.parse_args(argv)
    print("| problem | configuration | strategy | median s | × auto | epochs | max gap |")
    print("|---|---|---|---|---|---|---|")
    for name in args.problems:
        if not available(name):
            print(f"| {name} | data missing | | | | | |")
            continue
        problem = load(name)
        reference, base = None, {}
        for label, options in CONFIGS.items():
            if (label == "working_set" and not base) or label in args.skip:
                continue  # (auto already is an iterative strategy here)
            seconds, epochs, gap, strategy = measure(problem, {**base, **options}, args.repeat)
            if reference is None:  # auto: the switches below act on its iterative part
                reference = seconds
                base = {"strategy": "working_set"} if strategy == "homotopy" else {}
            print(f"| {name} | {label} | {strategy} | {seconds:.3g} | "
                  f"{seconds / reference:.2f} | {epochs} | {gap:.1e} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
