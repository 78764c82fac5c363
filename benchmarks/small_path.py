"""A 100-α lasso path on a small table against glmnet's Fortran (python-glmnet).

    python benchmarks/small_path.py            # diabetes, 442 × 10, pinned to core 1

The per-α cost of a path where the arithmetic is tiny: diabetes (scikit-learn's copy),
columns standardised and y centred, no intercept, 100 α from α_max to 1e-3·α_max. For
each target relative gap (1e-4, 1e-6) glmnet runs at the loosest of its tolerances that
certifies every point by our gap (``certify.relative_gaps``); both are timed in 9
interleaved rounds after a warm-up, one thread, medians.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import load_diabetes  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from adapters.glmnet import fit_path as glmnet_path  # noqa: E402
from certify import relative_gaps  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402

GLMNET_TOLERANCES = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12]


def main():
    cpu = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    os.sched_setaffinity(0, {cpu})
    X, y = load_diabetes(return_X_y=True)
    X = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))
    y = y - y.mean()
    alphas = np.max(np.abs(X.T @ y)) / X.shape[0] * np.logspace(0, -3, 100)

    def ours(tol):
        return shrinkage.path(X, y, L1(), alphas=alphas, fit_intercept=False, tol=tol,
                              warn=False).dense_coefs()  # fmt: skip

    def theirs(tol):
        return glmnet_path(X, y, alphas, tol)

    for target in (1e-4, 1e-6):
        certified = (t for t in GLMNET_TOLERANCES
                     if np.nanmax(relative_gaps(X, y, alphas, theirs(t))) <= target)  # fmt: skip
        tol = next(certified, None)
        runs = {"shrinkage": [], "glmnet": []}
        for _ in range(9):
            for name, fit, setting in (("shrinkage", ours, target), ("glmnet", theirs, tol)):
                if setting is None:
                    continue
                tick = time.perf_counter()
                fit(setting)
                runs[name].append(time.perf_counter() - tick)
        gap = float(np.max(relative_gaps(X, y, alphas, ours(target))))
        mine = np.median(runs["shrinkage"]) * 1e3
        if tol is None:
            print(f"target {target:g}: shrinkage {mine:.2f} ms (worst gap {gap:.1e}); glmnet "
                  f"reaches it at no tolerance down to 1e-12")  # fmt: skip
            continue
        peer = np.median(runs["glmnet"]) * 1e3
        print(f"target {target:g}: shrinkage {mine:.2f} ms (worst gap {gap:.1e}), glmnet "
              f"{peer:.2f} ms at tol {tol:g}: ours / glmnet {mine / peer:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
