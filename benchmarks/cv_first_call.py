"""The first cross-validation of a fresh process: ``LassoCV(cv=5).fit`` on diabetes.

What a user feels on the first call of a session: the numba cache is loaded, and with
``n_jobs=2`` joblib starts its workers. Each measurement is a new Python process that
imports shrinkage, loads the data, then times the first ``fit`` and a second one. Three
settings, interleaved round by round:

* ``n_jobs=1``;
* ``n_jobs=2``: shrinkage's default schedule (threads, or this thread for short jobs:
  :func:`shrinkage.selection.cv_jobs.run_jobs`);
* ``n_jobs=2, loky``: inside ``joblib.parallel_backend("loky")``, joblib's own default, a
  process pool (a surrounding backend decides).

Run ``python benchmarks/cv_first_call.py [--rounds 7] [--cpu 0]`` (``--cpu -1``: no
pinning). Prints the median seconds of each setting.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

CHILD = r"""
import json, sys, time
import joblib
from sklearn.datasets import load_diabetes
from shrinkage.selection import LassoCV
n_jobs, backend = int(sys.argv[1]), sys.argv[2]
X, y = load_diabetes(return_X_y=True)
def fit():
    start = time.perf_counter()
    if backend == "default":
        LassoCV(cv=5, n_jobs=n_jobs).fit(X, y)
    else:
        with joblib.parallel_backend(backend, n_jobs=n_jobs):
            LassoCV(cv=5, n_jobs=n_jobs).fit(X, y)
    return time.perf_counter() - start
first = fit()
print(json.dumps({"first": first, "second": fit()}))
"""

SETTINGS = {"n_jobs=1": (1, "default"), "n_jobs=2": (2, "default"), "n_jobs=2, loky": (2, "loky")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cpu", type=int, default=0, help="core to pin to (-1: no pinning)")
    args = parser.parse_args()
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    prefix = [] if args.cpu < 0 else ["taskset", "-c", str(args.cpu)]
    subprocess.run(
        [*prefix, sys.executable, "-c", CHILD, "1", "default"],
        env=env,
        check=True,
        capture_output=True,
    )  # fmt: skip  (warm the numba cache on disk)
    times = {name: {"first": [], "second": []} for name in SETTINGS}
    for _ in range(args.rounds):
        for name, (n_jobs, backend) in SETTINGS.items():
            out = subprocess.run(
                [*prefix, sys.executable, "-c", CHILD, str(n_jobs), backend], env=env,
                check=True, capture_output=True, text=True,
            ).stdout  # fmt: skip
            record = json.loads(out.strip().splitlines()[-1])
            for key in ("first", "second"):
                times[name][key].append(record[key])
    print(f"{'setting':16s} {'first fit':>10s} {'second fit':>11s}   (median of {args.rounds})")
    for name, record in times.items():
        print(
            f"{name:16s} {np.median(record['first']):9.3f}s {np.median(record['second']):10.3f}s"
        )
    print(json.dumps(times))


if __name__ == "__main__":
    main()
