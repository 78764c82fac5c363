"""L1-logistic regularization paths against scikit-learn, celer and skglm, same gap.

Problem (no intercept, because celer and skglm fit none and liblinear would penalise
it)::

    min_w 1/n Σ_i [log(1 + exp(x_iᵀw)) − y_i x_iᵀw] + α ‖w‖₁

on 100 α from α_max down to 1e-2 α_max (log grid), warm-started, one thread (BLAS and
OpenMP pinned to 1). Every solver is judged by *our* certificate
(:func:`shrinkage.certificates.certify_logistic`) on the coefficients it returns,
never by its own stopping rule: for each solver we find the loosest of its own tolerances
at which every path point has relative duality gap ≤ 1e-6, then time that path (median of
3 runs after a warm-up). JIT compile time is reported separately (a first fit on a tiny
problem in this process, which also loads the numba cache).

Run ``python benchmarks/logistic_paths.py [--quick] [--cap SECONDS]``. ``--quick`` uses 20
α and skips news20's slow peers by a small cap.
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
import scipy.sparse as sp  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from shrinkage.certificates import certify_logistic  # noqa: E402
from shrinkage.solvers.logistic import logistic_alpha_max, solve_logistic  # noqa: E402

DATA = Path(
    os.environ.get("SHRINKAGE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TARGET_GAP = 1e-6
TOLERANCES = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10]


class CapExceeded(Exception):
    pass


def load(name):
    z = np.load(DATA / f"{name}.npz")
    if "X_data" in z:
        X = sp.csr_matrix((z["X_data"], z["X_indices"], z["X_indptr"]), shape=tuple(z["X_shape"]))
        X = X.astype(np.float64).tocsc()
        y = z["y_binary"] if "y_binary" in z else z["y"]
    else:
        X = z["X"]
        X = np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0))  # leukemia: standardised
        y = z["y"]
    return X, np.asarray(y, dtype=np.float64)


# -- one adapter per library: fit the whole warm-started path, return coefficients ------
def path_shrinkage(X, y, alphas, tol, deadline):
    coefs, w = [], None
    for alpha in alphas:
        w = solve_logistic(X, y, alpha, fit_intercept=False, tol=tol, max_iter=1000,
                           coef_init=w).coef  # fmt: skip
        coefs.append(w.copy())
        _check(deadline)
    return coefs


def path_sklearn(solver):
    def run(X, y, alphas, tol, deadline):
        from sklearn.linear_model import LogisticRegression

        n = X.shape[0]
        model = LogisticRegression(l1_ratio=1.0, solver=solver, fit_intercept=False, tol=tol,
                                   max_iter=100_000, warm_start=solver == "saga")  # fmt: skip
        return _refit_along(model, X, y, [{"C": 1.0 / (n * alpha)} for alpha in alphas], deadline)

    return run


def path_celer(X, y, alphas, tol, deadline):
    from celer import LogisticRegression

    n = X.shape[0]
    model = LogisticRegression(C=1.0 / (n * alphas[0]), tol=tol, fit_intercept=False,
                               warm_start=True, max_iter=1000)  # fmt: skip
    return _refit_along(model, X, y, [{"C": 1.0 / (n * alpha)} for alpha in alphas], deadline)


def path_skglm(X, y, alphas, tol, deadline):
    from skglm import SparseLogisticRegression

    model = SparseLogisticRegression(alpha=alphas[0], tol=tol, fit_intercept=False,
                                     warm_start=True, max_iter=1000)  # fmt: skip
    return _refit_along(model, X, y, [{"alpha": alpha} for alpha in alphas], deadline)


SOLVERS = {
    "shrinkage": path_shrinkage,
    "sklearn-saga": path_sklearn("saga"),
    "sklearn-liblinear": path_sklearn("liblinear"),
    "celer": path_celer,
    "skglm": path_skglm,
}


def _refit_along(model, X, y, settings, deadline):
    """Fit a scikit-learn style ``model`` once per parameter setting, in order (warm-started
    where the model keeps its coefficients); the coefficients of each fit."""
    coefs = []
    for params in settings:
        model.set_params(**params)
        model.fit(X, y)
        coefs.append(model.coef_.ravel().copy())
        _check(deadline)
    return coefs


def _check(deadline):
    if time.perf_counter() > deadline:
        raise CapExceeded


def worst_gap(X, y, alphas, coefs):
    p = X.shape[1]
    return max(
        certify_logistic(
            X, y, c, 0.0, np.full(p, a), np.zeros(p), fit_intercept=False
        ).relative_gap
        for a, c in zip(alphas, coefs, strict=True)
    )


def benchmark(name, solver, X, y, alphas, cap):
    """Loosest tolerance reaching the target gap, then the median of 3 timed runs."""
    run = SOLVERS[solver]
    for tol in TOLERANCES:
        start = time.perf_counter()
        try:
            coefs = run(X, y, alphas, tol, start + cap)  # also the warm-up run
        except CapExceeded:
            return dict(status=f"> {cap:g}s", tol=tol)
        except Exception as exc:  # a peer failing is a result to report, not a crash
            return dict(status=f"error: {type(exc).__name__}: {exc}"[:80], tol=tol)
        gap = worst_gap(X, y, alphas, coefs)
        if gap <= TARGET_GAP:
            times = []
            for _ in range(3):
                start = time.perf_counter()
                run(X, y, alphas, tol, np.inf)
                times.append(time.perf_counter() - start)
            return dict(status="ok", tol=tol, seconds=float(np.median(times)), gap=gap)
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
    parser.add_argument("--quick", action="store_true", help="20 alphas, small caps")
    parser.add_argument("--cap", type=float, default=None, help="seconds per path run")
    parser.add_argument("--datasets", nargs="*", default=None)
    parser.add_argument("--solvers", nargs="*", default=list(SOLVERS))
    args = parser.parse_args()
    n_alphas = 20 if args.quick else 100
    cap = args.cap if args.cap is not None else (30.0 if args.quick else 300.0)
    datasets = args.datasets or ["leukemia", "rcv1_small", "a9a", "news20_bow"]
    warnings.filterwarnings("ignore")  # convergence chatter of the peers at loose tol
    with threadpool_limits(limits=1):
        print(f"JIT compile / cache load of shrinkage kernels: {jit_time():.2f} s")
        print(f"{n_alphas} alphas from alpha_max to 1e-2 alpha_max, no intercept, 1 thread, "
              f"target relative gap {TARGET_GAP:g} (our certificate), cap {cap:g} s")  # fmt: skip
        rows = []
        for name in datasets:
            X, y = load(name)
            alpha_max = logistic_alpha_max(X, y, fit_intercept=False)
            alphas = alpha_max * np.logspace(0, -2, n_alphas)
            for solver in args.solvers:
                result = benchmark(name, solver, X, y, alphas, cap)
                rows.append((name, solver, result))
                print(f"  {name:12s} {solver:18s} {result}", flush=True)
        print_table(rows)


def print_table(rows):
    print(f"\n{'dataset':12s} {'solver':18s} {'tol':>8s} {'median s':>10s} {'vs best peer':>13s}")
    for name in dict.fromkeys(r[0] for r in rows):
        results = [(s, r) for n, s, r in rows if n == name]
        peers = [r["seconds"] for s, r in results if s != "shrinkage" and r["status"] == "ok"]
        best = min(peers) if peers else np.nan
        for solver, r in results:
            if r["status"] == "ok":
                seconds, ratio = f"{r['seconds']:.3f}", f"{r['seconds'] / best:.2f}x"
            else:
                seconds, ratio = r["status"], ""
            print(f"{name:12s} {solver:18s} {r['tol']:8.0e} {seconds:>10s} {ratio:>13s}")


if __name__ == "__main__":
    main()
