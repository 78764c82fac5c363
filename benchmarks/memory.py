"""Memory of ``shrinkage.path`` on the benchmark problems, both ways of counting it.

    python benchmarks/memory.py                          # every available problem
    python benchmarks/memory.py --problems news20_bow@1e-2 rcv1_small@1e-2

Same problems, grid and tolerance (1e-6) as ``run.py``. One warm-up fit, then one fit
under tracemalloc, whose peak sees every NumPy/SciPy array (including memory the
allocator reuses). Printed, as fractions of the size of X:

* *workspace*: the peak less the (n_alphas × p) dense output, which is the measure of
  ``run.py``'s memory check (target: ≤ 0.2);
* *whole path, dense*: the peak with the dense output counted;
* *whole path, sparse*: the peak of ``path(..., coef_format="sparse")``, with its CSR
  output counted; no dense block is made at any step.
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--problems", nargs="+", default=sorted(REGISTRY))
    args = parser.parse_args(argv)
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
