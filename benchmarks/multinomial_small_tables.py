"""Multinomial lasso paths on small tables against glmnet's Fortran, runs interleaved.

On iris and wine a 20-α path takes milliseconds, within this VM's noise of glmnet's;
``multinomial_paths.py`` times each solver's runs together, so here the two alternate,
21 times each after a warm-up, and the medians are compared (the protocol's rule for rows
closer than 1.5×). glmnet runs at the loosest ``thresh`` that ``multinomial_paths.py``
found to pass our certificate at every α (its search, one run); both gaps are printed,
recomputed from the coefficients by :func:`shrinkage.certificates.multinomial.
certify_multinomial`.

    taskset -c 1 python benchmarks/multinomial_small_tables.py
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
from multinomial_paths import glmnet_fortran_path, small, worst_gap  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402
from shrinkage.solvers.multinomial import multinomial_alpha_max, prepare_multinomial  # noqa: E402

# (table, target, glmnet's thresh that passes the target: multinomial_paths.py --quick)
CELLS = [("iris", 1e-4, 1e-8), ("iris", 1e-6, 1e-12), ("wine", 1e-4, 1e-9),
         ("wine", 1e-6, 1e-12)]  # fmt: skip
REPEATS = 21


def main():
    warnings.filterwarnings("ignore")
    for name, target, thresh in CELLS:
        X, y = small(name)
        data = prepare_multinomial(X, y)
        alphas = multinomial_alpha_max(data, L1()) * np.logspace(0, -2, 20)

        def ours(alphas=alphas, X=X, y=y, target=target):
            return shrinkage.path(X, y, loss="multinomial", alphas=alphas, tol=target,
                                  warn=False)  # fmt: skip

        def peer(alphas=alphas, X=X, y=y, thresh=thresh):
            return glmnet_fortran_path(X, y, alphas, thresh)[0]

        ours(), peer()  # compile and load apart
        times = {"shrinkage": [], "glmnet": []}
        for _ in range(REPEATS):
            for label, run in (("shrinkage", ours), ("glmnet", peer)):
                tick = time.perf_counter()
                result = run()
                times[label].append(time.perf_counter() - tick)
                if label == "shrinkage":
                    result = (result.coefs, result.intercepts)
                gap = worst_gap(X, data.Y, alphas, result)
                times[label + " gap"] = gap
        ours_ms, peer_ms = (1e3 * np.median(times[k]) for k in ("shrinkage", "glmnet"))
        verdict = (f"{peer_ms / ours_ms:.2f}×" if times["glmnet gap"] <= target
                   else "glmnet misses the target")  # fmt: skip
        print(f"{name} {target:g}: shrinkage {ours_ms:.2f} ms (gap {times['shrinkage gap']:.1e})"
              f"  glmnet (Fortran, thresh {thresh:g}) {peer_ms:.2f} ms (gap "
              f"{times['glmnet gap']:.1e})  glmnet / shrinkage {verdict}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
