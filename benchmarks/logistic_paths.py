"""L1 and elastic-net logistic paths against glmnet (R and Fortran), adelie, skglm, celer and
scikit-learn, every point certified by the same duality gap.

Problem, with or without an intercept::

    min_w 1/n Σ_i [log(1 + exp(z_i)) − y_i z_i] + α (ρ‖w‖₁ + (1 − ρ)/2 ‖w‖²),  z = Xw (+ b)

on α from α_max down to 1e-2 α_max (log grid), warm-started, one thread (BLAS and OpenMP
pinned to 1). Every solver is judged by *our* certificate
(:func:`shrinkage.certificates.certify_logistic`) on the coefficients it returns, never by
its own stopping rule: for each target relative gap (1e-4, 1e-6) we find the loosest of its
own tolerances at which every path point meets the target, then time that path (median of
3 runs after the search's run, which is the warm-up; R's glmnet is timed inside R). A
library that cannot state a problem (an intercept, the elastic net) is marked n/a. JIT
compile time is reported apart. The adapters and their conversions are in
``logistic_peers.py``.

Run ``python benchmarks/logistic_paths.py [--quick] [--cap SECONDS] [--datasets ...]
[--solvers ...] [--intercept no yes] [--l1-ratios 1 0.5] [--targets 1e-4 1e-6]``.
``--quick`` uses 20 α and a cap of 30 s per run.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from certified_protocol import median_seconds  # noqa: E402
from logistic_designs import DESIGNS  # noqa: E402
from logistic_peers import SOLVERS, CapExceeded, NotApplicable, Problem  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from shrinkage.certificates import certify_logistic  # noqa: E402
from shrinkage.penalties import ElasticNetPenalty  # noqa: E402
from shrinkage.solvers.logistic import logistic_alpha_max, solve_logistic  # noqa: E402

DATA = Path(
    os.environ.get("SHRINKAGE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TOLERANCES = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-12]
DATASETS = ["leukemia", "rcv1_small", "a9a", "w8a", "news20_bow", "breast_cancer_wdbc"]
# data that no default of ours was tuned on (``logistic_designs.py``)
SYNTHETIC = list(DESIGNS)


def load(name):
    """X (CSC if sparse; dense columns standardised) and the 0/1 labels."""
    if name in DESIGNS:
        return DESIGNS[name]()
    if name == "breast_cancer_wdbc":
        frame = pd.read_csv(DATA / f"{name}.csv")
        y = frame.pop("target").to_numpy(np.float64)
        X = frame.to_numpy(np.float64)
        return np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0)), y
    z = np.load(DATA / f"{name}.npz")
    if "X_data" in z:
        X = sp.csr_matrix((z["X_data"], z["X_indices"], z["X_indptr"]), shape=tuple(z["X_shape"]))
        y = z["y_binary"] if "y_binary" in z else z["y"]
        return X.astype(np.float64).tocsc(), np.asarray(y, dtype=np.float64)
    X = z["X"]
    X = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))  # leukemia: standardised
    return X, np.asarray(z["y"], dtype=np.float64)


def problem_of(name, X, y, fit_intercept, l1_ratio, n_alphas):
    penalty = ElasticNetPenalty(l1_ratio=l1_ratio)
    alpha_max = logistic_alpha_max(X, y, penalty, fit_intercept=fit_intercept)
    alphas = alpha_max * np.logspace(0, -2, n_alphas)
    return Problem(name, X, y, alphas, fit_intercept, l1_ratio)


def worst_gap(problem, fit):
    """The largest relative duality gap over the path (inf for a missing or NaN point)."""
    p, worst = problem.X.shape[1], 0.0
    for alpha, coef, intercept in zip(problem.alphas, fit.coefs, fit.intercepts, strict=True):
        if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
            return np.inf
        cert = certify_logistic(problem.X, problem.y, coef,
                                intercept if problem.fit_intercept else 0.0,
                                np.full(p, alpha * problem.l1_ratio),
                                np.full(p, alpha * (1.0 - problem.l1_ratio)),
                                fit_intercept=problem.fit_intercept)  # fmt: skip
        worst = max(worst, cert.relative_gap)
    return worst


def benchmark(problem, solver, target, cap):
    """The loosest tolerance reaching ``target`` on every point, then the median of
    :func:`~certified_protocol.median_seconds`'s runs."""
    run = SOLVERS[solver]
    gap = np.inf
    for tol in TOLERANCES:
        start = time.perf_counter()
        try:
            fit = run(problem, tol, start + cap)  # also the warm-up run
        except CapExceeded:
            return dict(status=f"> {cap:g}s", tol=tol)
        except NotApplicable as exc:
            return dict(status="n/a", tol=np.nan, why=str(exc))
        except Exception as exc:  # a peer failing is a result to report, not a crash
            return dict(status=f"error: {type(exc).__name__}: {exc}"[:80], tol=tol)
        gap = worst_gap(problem, fit)
        if gap <= target:
            seconds = median_seconds(lambda tol=tol: run(problem, tol, np.inf).seconds)
            return dict(status="ok", tol=tol, seconds=seconds, gap=gap)
    return dict(status=f"gap {gap:.1e} at tol {TOLERANCES[-1]:g}", tol=TOLERANCES[-1])


def jit_time():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 5))
    y = (rng.random(20) < 0.5).astype(float)
    start = time.perf_counter()
    for matrix in (X, sp.csc_matrix(X)):
        solve_logistic(matrix, y, 0.01, fit_intercept=False)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 alphas, cap 30 s")
    parser.add_argument("--cap", type=float, default=None, help="seconds per path run")
    parser.add_argument("--datasets", nargs="*", default=DATASETS, choices=DATASETS + SYNTHETIC)
    parser.add_argument("--solvers", nargs="*", default=list(SOLVERS), choices=list(SOLVERS))
    parser.add_argument("--intercept", nargs="*", default=["no", "yes"], choices=["no", "yes"])
    parser.add_argument("--l1-ratios", nargs="*", type=float, default=[1.0, 0.5])
    parser.add_argument("--targets", nargs="*", type=float, default=[1e-4, 1e-6])
    args = parser.parse_args()
    n_alphas = 20 if args.quick else 100
    cap = args.cap if args.cap is not None else (30.0 if args.quick else 300.0)
    warnings.filterwarnings("ignore")  # convergence chatter of the peers at loose tol
    rows = []
    with threadpool_limits(limits=1):
        print(f"JIT compile / cache load of shrinkage kernels: {jit_time():.2f} s")
        print(f"{n_alphas} alphas from alpha_max to 1e-2 alpha_max, 1 thread, our certificate, "
              f"cap {cap:g} s per run")  # fmt: skip
        for name in args.datasets:
            X, y = load(name)
            for intercept in args.intercept:
                for l1_ratio in args.l1_ratios:
                    problem = problem_of(name, X, y, intercept == "yes", l1_ratio, n_alphas)
                    for target in args.targets:
                        for solver in args.solvers:
                            result = benchmark(problem, solver, target, cap)
                            key = (name, intercept, l1_ratio, target)
                            rows.append((key, solver, result))
                            print(f"  {key} {solver:18s} {result}", flush=True)
    print_table(rows)


def print_table(rows):
    """One Markdown row per problem and target: each solver's seconds, and our ratio to
    the fastest peer that reached the target."""
    solvers = list(dict.fromkeys(solver for _, solver, _ in rows))
    print("\n| data | intercept | l1_ratio | target | " + " | ".join(solvers)
          + " | fastest peer / ours |")  # fmt: skip
    print("|---" * (len(solvers) + 5) + "|")
    for key in dict.fromkeys(key for key, _, _ in rows):
        results = {solver: r for k, solver, r in rows if k == key}
        peers = [r["seconds"] for s, r in results.items()
                 if s != "shrinkage" and r["status"] == "ok"]  # fmt: skip
        ours = results.get("shrinkage", {})
        ratio = (f"{min(peers) / ours['seconds']:.2f}×"
                 if peers and ours.get("status") == "ok" else "")  # fmt: skip
        cells = [f"{r['seconds']:.3g}" if r["status"] == "ok" else r["status"]
                 for r in (results.get(s, {"status": ""}) for s in solvers)]  # fmt: skip
        name, intercept, l1_ratio, target = key
        print(f"| {name} | {intercept} | {l1_ratio:g} | {target:g} | " + " | ".join(cells)
              + f" | {ratio} |")  # fmt: skip


if __name__ == "__main__":
    main()
