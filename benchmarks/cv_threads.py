"""Cross-validation folds on threads: ``n_jobs=1`` against ``n_jobs=2`` on two cores.

    python benchmarks/cv_threads.py                      # a9a, rcv1_small, leukemia
    python benchmarks/cv_threads.py --datasets a9a --rounds 5

``SparseLogisticRegressionCV(cv=5)`` with its defaults on the binary data sets of
``logistic_paths.py``. Each measurement is a new Python process (numba's cache warm,
BLAS on one thread) that fits once, then times three more fits and prints their median;
the two settings alternate, round by round, on both cores. The jobs after the first run
on two threads where the first took at least
:data:`shrinkage.selection.cv_jobs.LOGISTIC_PARALLEL_MIN_SECONDS` (then the fold paths
run side by side, each compiled loop without the GIL), else one after the other in the
caller's thread: at most ``(k + 1)/(1 + ⌈(k − 1)/2⌉ + 1)`` faster for k folds and the
refit (1.5× at five folds). Prints the median seconds of each setting and their ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

import numpy as np

CHILD = r"""
import sys, time
import numpy as np
sys.path.insert(0, sys.argv[3])
from logistic_paths import load
from shrinkage.selection import SparseLogisticRegressionCV
X, y = load(sys.argv[1])
n_jobs = int(sys.argv[2])
def fit():
    start = time.perf_counter()
    SparseLogisticRegressionCV(cv=5, n_jobs=n_jobs).fit(X, y)
    return time.perf_counter() - start
fit()
print(np.median([fit() for _ in range(3)]))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=["a9a", "rcv1_small", "leukemia"])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    here = os.path.dirname(os.path.abspath(__file__))
    print("| data set | n_jobs=1 | n_jobs=2 | ratio |\n|---|---|---|---|")
    for name in args.datasets:
        times = {1: [], 2: []}
        for _ in range(args.rounds):
            for n_jobs in times:
                run = subprocess.run(
                    [sys.executable, "-c", CHILD, name, str(n_jobs), here], env=env,
                    capture_output=True, text=True,
                )  # fmt: skip
                if "FileNotFoundError" in run.stderr:
                    break
                if run.returncode != 0:
                    raise RuntimeError(run.stderr)
                times[n_jobs].append(float(run.stdout.split()[-1]))
        if not times[2]:
            print(f"| {name} | (not available) | | |")
            continue
        one, two = np.median(times[1]), np.median(times[2])
        print(f"| {name} | {one:.3f} s | {two:.3f} s | {one / two:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
