"""Compile time from a fresh numba cache, and the same script again with the cache warm.

    python benchmarks/cold_start.py            # pinned to core 0

A child process with an empty ``NUMBA_CACHE_DIR`` imports shrinkage and fits: every
squared-loss path (dense and sparse, with and without an intercept) and ``solve``, then
the first logistic path of each layout (dense, then sparse), the first multinomial path
of a small dense table and the first multi-task path in Gram mode. The same child runs
again on the filled cache. Printed: seconds for each part, cold and warm.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

CHILD = r"""
import time
t0 = time.perf_counter()
import numpy as np, scipy.sparse as sp
import shrinkage
from shrinkage.penalties import L1, ElasticNetPenalty
rng = np.random.default_rng(0)
X = rng.standard_normal((60, 8)); y = X[:, 0] + rng.standard_normal(60)
for M in (X, sp.csc_matrix(X)):
    for fi in (True, False):
        shrinkage.path(M, y, L1(), fit_intercept=fi, n_alphas=5, warn=False)
        shrinkage.solve(M, y, alpha=0.1)
t1 = time.perf_counter()
yb = (y > 0).astype(float)
for M in (X, sp.csc_matrix(X)):
    shrinkage.path(M, yb, ElasticNetPenalty(0.5), loss="logistic", n_alphas=5, warn=False)
    print(f"{time.perf_counter() - t1:.1f}", end=" ")
    t1 = time.perf_counter()
shrinkage.path(X, np.arange(60) % 3, loss="multinomial", n_alphas=5, warn=False)
print(f"{time.perf_counter() - t1:.1f}", end=" ")
t1 = time.perf_counter()
shrinkage.path(X, X[:, :2] + rng.standard_normal((60, 2)), loss="multitask", n_alphas=5,
               warn=False)
print(f"{time.perf_counter() - t1:.1f}", end=" ")
t1 = time.perf_counter()
print(f"{t1 - t0:.1f}")
"""


def main():
    cpu = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "OMP_NUM_THREADS": "1",
               "OPENBLAS_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1"}  # fmt: skip
        print(
            "cache | squared paths + solve | first logistic path, dense | sparse "
            "| first multinomial path (small dense) | first multi-task path (Gram) | total"
        )
        for label in ("cold", "warm"):
            out = subprocess.run(
                ["taskset", "-c", str(cpu), sys.executable, "-c", CHILD], env=env,
                capture_output=True, text=True, check=True,
            ).stdout.split()  # fmt: skip
            *parts, total = (float(v) for v in out)
            cells = " | ".join(f"{part:.1f} s" for part in [total - sum(parts), *parts])
            print(f"{label} | {cells} | {total:.1f} s")


if __name__ == "__main__":
    main()
