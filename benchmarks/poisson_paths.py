"""Poisson lasso paths against R's glmnet, adelie, skglm and glum, every point certified
by one gap.

Problem, with an intercept (half the mean Poisson deviance, log link)::

    min_w 1/n Σ_i [e^{z_i} − y_i z_i + y_i log y_i − y_i] + α ‖w‖₁,   z = Xw + b

on α from α_max down to 1e-2·α_max (log grid), warm-started, one thread; the protocol of
:mod:`certified_protocol` (each solver at the loosest of its tolerances that passes our
certificate, :func:`shrinkage.certificates.certify_poisson`, at every point). glmnet's
λ, glum's ``alpha`` and skglm's ``alpha`` are α (the same scaling); adelie's λ too.
glmnet is timed inside R around the call (``system.time``), after a warm-up fit;
adelie's IRLS tolerance is set to its ``tol`` (its default, 1e-7, caps its precision).

Data: the RAND Health Insurance Experiment (doctor visits ``mdvis`` of 20,190
person-years on 9 covariates; shipped with statsmodels, Deb & Trivedi 2002, *J. Health
Econ.* 21), and synthetic correlated counts.

    python benchmarks/poisson_paths.py --quick        # 20 α
    python benchmarks/poisson_paths.py                # 100 α
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from certified_protocol import command_line, measure, print_table  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.certificates import certify_poisson  # noqa: E402


def randhie():
    """RAND HIE doctor visits (statsmodels' copy); the covariates standardised."""
    from statsmodels.datasets import randhie as data

    frame = data.load_pandas()
    X = np.asarray(frame.exog, dtype=np.float64)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return np.asfortranarray(X), np.asarray(frame.endog, dtype=np.float64).ravel()


def synthetic(n, p, active=20, rho=0.5, seed=0):
    """AR(1)-correlated standard normal columns, ``active`` coefficients of ±0.15."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[rng.choice(p, active, replace=False)] = rng.choice([-0.15, 0.15], active)
    return X, rng.poisson(np.exp(X @ w + 0.5)).astype(np.float64)


PROBLEMS = {
    "RAND HIE 20190 × 9": randhie,
    "synthetic 2000 × 500": lambda: synthetic(2000, 500),
    "synthetic 500 × 2000": lambda: synthetic(500, 2000, seed=1),
}
QUICK = {"RAND HIE 20190 × 9": randhie, "synthetic 1000 × 200": lambda: synthetic(1000, 200)}


def ours(X, y, alphas, tol):
    result = shrinkage.path(X, y, loss="poisson", alphas=alphas, tol=tol, warn=False)
    return np.column_stack([result.intercepts, result.coefs]), None


def adelie_path(X, y, alphas, tol):
    import adelie as ad

    state = ad.grpnet(
        ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1),
        ad.glm.poisson(np.asarray(y, dtype=np.float64)), alpha=1.0,
        lmda_path=np.asarray(alphas, dtype=np.float64), intercept=True, tol=tol, irls_tol=tol,
        early_exit=False, progress_bar=False, n_threads=1,
    )  # fmt: skip
    betas = state.betas.toarray()
    out = np.column_stack([state.intercepts, betas])
    if out.shape[0] < len(alphas):
        out = np.vstack([out, np.full((len(alphas) - out.shape[0], out.shape[1]), np.nan)])
    return out, None


def skglm_path(X, y, alphas, tol):
    from skglm import GeneralizedLinearEstimator
    from skglm.datafits import Poisson
    from skglm.penalties import L1
    from skglm.solvers import ProxNewton

    out = []
    model = GeneralizedLinearEstimator(
        Poisson(), L1(alphas[0]), ProxNewton(tol=tol, fit_intercept=True, warm_start=True)
    )
    for alpha in alphas:
        model.penalty = L1(alpha)
        model.fit(X, y)
        out.append(np.r_[model.intercept_, model.coef_])
    return np.array(out), None


def glum_path(X, y, alphas, tol):
    from glum import GeneralizedLinearRegressor

    model = GeneralizedLinearRegressor(
        family="poisson", l1_ratio=1.0, alpha_search=True, alphas=alphas, gradient_tol=tol,
        fit_intercept=True, max_iter=10_000, scale_predictors=False,
    )  # fmt: skip
    model.fit(X, y)
    return np.column_stack([model.intercept_path_, model.coef_path_]), None


R_PATH = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); y <- read.csv("{y}", header = FALSE)[, 1]
lambda <- read.csv("{lam}", header = FALSE)[, 1]
run <- function() glmnet(X, y, family = "poisson", lambda = lambda, standardize = FALSE,
                         thresh = {tol}, maxit = 1e7)
fit <- run()
elapsed <- system.time(fit <- run())[["elapsed"]]
write.table(t(as.matrix(coef(fit))), "{out}", sep = ",", row.names = FALSE, col.names = FALSE)
cat(elapsed, file = "{time}")
"""


def glmnet_r_path(files, alphas, tol):
    """R's glmnet on the files written once per problem; ``(coefs, seconds in R)``."""
    out, clock = files / "coefs.csv", files / "seconds.txt"
    script = R_PATH.format(X=files / "X.csv", y=files / "y.csv", lam=files / "lambda.csv",
                           tol=tol, out=out, time=clock)  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip().splitlines()[-1])
    coefs = np.loadtxt(out, delimiter=",", ndmin=2)
    return coefs, float(clock.read_text())


SOLVERS = {"shrinkage": ours, "glmnet (R)": glmnet_r_path, "adelie": adelie_path,
           "skglm": skglm_path, "glum": glum_path}  # fmt: skip


def worst_gap(X, y, alphas, coefs):
    worst = 0.0
    p = X.shape[1]
    if coefs.shape != (len(alphas), p + 1):
        return np.inf
    for alpha, row in zip(alphas, coefs, strict=True):
        if not np.all(np.isfinite(row)):
            return np.inf
        cert = certify_poisson(X, y, row[1:], row[0], np.full(p, alpha), np.zeros(p))
        worst = max(worst, cert.relative_gap)
    return worst


def main():
    args, n_alphas, cap, chosen = command_line(__doc__, SOLVERS, PROBLEMS, QUICK)
    warnings.filterwarnings("ignore")
    rows = []
    with threadpool_limits(limits=1), tempfile.TemporaryDirectory() as folder:
        for name, make in chosen.items():
            X, y = make()
            alphas = shrinkage.poisson_alpha_max(X, y) * np.logspace(0, -2, n_alphas)
            ours(X[:20, :4], y[:20], alphas[:2], 1e-4)  # compile apart
            files = Path(folder)
            np.savetxt(files / "X.csv", X, delimiter=",")
            np.savetxt(files / "y.csv", y)
            np.savetxt(files / "lambda.csv", alphas)
            runs = {
                s: partial(
                    SOLVERS[s],
                    files if s == "glmnet (R)" else X,
                    *(() if s == "glmnet (R)" else (y,)),
                    alphas,
                )
                for s in args.solvers
            }
            start = time.perf_counter()
            measure(name, args, cap, runs, partial(worst_gap, X, y, alphas), rows)
            print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"\n{n_alphas} α to 1e-2·α_max, with an intercept, one thread\n")
    print_table(rows)


if __name__ == "__main__":
    main()
