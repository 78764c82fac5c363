"""Memory of ``shrinkage.path`` on the benchmark problems, both ways of counting it.

    python benchmarks/memory.py                          # every available problem
    python benchmarks/memory.py --problems news20_bow@1e-2 rcv1_small@1e-2
    python benchmarks/memory.py --logistic               # L1 logistic paths, 20 α

Same problems, grid and tolerance (1e-6) as ``run.py``. One warm-up fit, then one fit
under tracemalloc, whose peak sees every NumPy/SciPy array (including memory the
allocator reuses). Printed, as fractions of the size of X:

* *workspace*: the peak less the (n_alphas × p) dense output, which is the measure of
  ``run.py``'s memory check (target: ≤ 0.2);
* *whole path, dense*: the peak with the dense output counted;
* *whole path, sparse*: the peak of ``path(..., coef_format="sparse")``, with its CSR
  output counted; no dense block is made at any step.

``--logistic`` prints the workspace of L1 logistic paths with an intercept (20 α to
1e-2·α_max, rel. gap 1e-6) on the data sets of ``logistic_paths.py``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np  # noqa: E402
from problems import REGISTRY, available, load  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402


def traced_peak(problem, coef_format):
    """(peak bytes, result) of one fit after a warm-up."""

    def fit():
        return shrinkage.path(
            problem.X, problem.y, L1(), alphas=problem.alphas, fit_intercept=False,
            tol=1e-6, max_iter=100_000, coef_format=coef_format,
        )  # fmt: skip

    fit()
    tracemalloc.start()
    try:
        result = fit()
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def logistic_workspaces(names):
    """The workspace over X of a 20-α L1 logistic path with an intercept, per data set."""
    from logistic_paths import load as load_logistic
    from logistic_paths import problem_of

    print("| data set | X MiB | workspace / X |\n|---|---|---|")
    for name in names:
        try:
            X, y = load_logistic(name)
        except FileNotFoundError:
            continue
        problem = problem_of(name, X, y, True, 1.0, 20)
        size = X.nbytes if isinstance(X, np.ndarray) else X.data.nbytes + X.indices.nbytes
        size += 0 if isinstance(X, np.ndarray) else X.indptr.nbytes

        def fit(problem=problem):
            return shrinkage.path(problem.X, problem.y, L1(), loss="logistic",
                                  alphas=problem.alphas, tol=1e-6, standardize=False)  # fmt: skip

        fit()
        tracemalloc.start()
        try:
            result = fit()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        print(f"| {name} | {size / 2**20:.1f} | {(peak - result.coefs.nbytes) / size:.2f} |",
              flush=True)  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", nargs="+", default=sorted(REGISTRY))
    parser.add_argument("--logistic", action="store_true",
                        help="L1 logistic paths of logistic_paths.py's data")  # fmt: skip
    args = parser.parse_args(argv)
    if args.logistic:
        from logistic_paths import DATASETS

        logistic_workspaces(DATASETS)
        return
    print("| problem | X MiB | workspace / X | whole path, dense / X | whole path, sparse / X "
          "| non-zeros |\n|---|---|---|---|---|---|")  # fmt: skip
    for name in args.problems:
        if not available(name):
            continue
        problem = load(name)
        size = problem.nbytes
        dense_peak, dense = traced_peak(problem, "dense")
        sparse_peak, sparse = traced_peak(problem, "sparse")
        workspace = (dense_peak - dense.coefs.nbytes) / size
        print(
            f"| {name} | {size / 2**20:.1f} | {workspace:.3f} | {dense_peak / size:.2f} | "
            f"{sparse_peak / size:.2f} | {sparse.coefs.nnz} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
