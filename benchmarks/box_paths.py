"""Lasso paths with box constraints against R's glmnet (``lower.limits`` /
``upper.limits``) and scikit-learn (``positive=True``), every point certified by one gap.

Problems, with an intercept::

    min_w F(Xw + b) + α ‖w‖₁   subject to  l_j ≤ w_j ≤ u_j

for the squared loss ``1/(2n)‖y − Xw − b‖²`` and the mean log-loss, on α from α_max
down to 1e-2·α_max (log grid), warm-started, one thread; the protocol of
:mod:`certified_protocol` (each solver at the loosest of its tolerances that passes our
certificate, :func:`shrinkage.certificates.box.certify_box`, at every point). glmnet's λ
is α (y scaled to unit standard deviation for the gaussian family, where glmnet's λ is
relative to it); scikit-learn's ``Lasso(positive=True)`` takes the box [0, ∞) only.
glmnet is timed inside R around the call (``system.time``), after a warm-up fit.

    python benchmarks/box_paths.py --quick        # 20 α
    python benchmarks/box_paths.py                # 100 α
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
from shrinkage.certificates.box import certify_box  # noqa: E402
from shrinkage.losses import LogisticLoss, SquaredLoss  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402

LOSSES = {"squared": SquaredLoss(), "logistic": LogisticLoss()}
FAMILIES = {"squared": "gaussian", "logistic": "binomial"}


def correlated(n, p, loss, rho=0.5, seed=0):
    """AR(1)-correlated standard normal columns, 20 coefficients of ±1 (±0.5 for the
    logistic loss); a gaussian y is scaled to unit standard deviation."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    w[rng.choice(p, 20, replace=False)] = rng.choice([-1.0, 1.0], 20)
    z = X @ w
    if loss == "logistic":
        return X, (rng.random(n) < 1 / (1 + np.exp(-0.5 * z))).astype(np.float64)
    y = z + rng.standard_normal(n)
    return X, (y - y.mean()) / y.std()


BOXES = {
    "[-0.1, 0.1]": lambda p: (np.full(p, -0.1), np.full(p, 0.1)),
    "[0, inf)": lambda p: (np.zeros(p), np.full(p, np.inf)),
}


def problems(sizes):
    """Each size × loss × box: name → builder of ``(X, y, loss, box)``."""

    def builder(n, p, loss, box, seed):
        return lambda: (*correlated(n, p, loss, seed=seed), loss, box)

    return {
        f"{loss} {n} × {p} {box}": builder(n, p, loss, box, seed)
        for seed, (n, p) in enumerate(sizes) for loss in LOSSES for box in BOXES
    }  # fmt: skip


PROBLEMS = problems([(5000, 200), (500, 2000)])
QUICK = problems([(1000, 100)])


def ours(X, y, loss, lower, upper, alphas, tol):
    result = shrinkage.path(X, y, L1(lower=lower, upper=upper), loss=loss, alphas=alphas,
                            tol=tol, warn=False)  # fmt: skip
    return np.column_stack([result.intercepts, result.coefs]), None


def sklearn_path(X, y, loss, lower, upper, alphas, tol):
    """scikit-learn's warm-started ``Lasso(positive=True)`` (its box [0, ∞) only)."""
    from sklearn.linear_model import Lasso

    if loss != "squared" or np.any(lower != 0) or np.any(np.isfinite(upper)):
        raise ValueError("scikit-learn has no such box")
    model = Lasso(alpha=alphas[0], positive=True, tol=tol, warm_start=True, max_iter=100_000)
    out = []
    for alpha in alphas:
        model.set_params(alpha=alpha)
        model.fit(X, y)
        out.append(np.r_[model.intercept_, model.coef_])
    return np.array(out), None


R_PATH = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); y <- read.csv("{y}", header = FALSE)[, 1]
lambda <- read.csv("{lam}", header = FALSE)[, 1]
lo <- read.csv("{lo}", header = FALSE)[, 1]; hi <- read.csv("{hi}", header = FALSE)[, 1]
run <- function() glmnet(X, y, family = "{family}", lambda = lambda, standardize = FALSE,
                         lower.limits = lo, upper.limits = hi, thresh = {tol}, maxit = 1e7)
fit <- run()
elapsed <- system.time(fit <- run())[["elapsed"]]
write.table(t(as.matrix(coef(fit))), "{out}", sep = ",", row.names = FALSE, col.names = FALSE)
cat(elapsed, file = "{time}")
"""


def glmnet_r_path(files, loss, alphas, tol):
    """R's glmnet on the files written once per problem; ``(coefs, seconds in R)``."""
    out, clock = files / "coefs.csv", files / "seconds.txt"
    script = R_PATH.format(X=files / "X.csv", y=files / "y.csv", lam=files / "lambda.csv",
                           lo=files / "lo.csv", hi=files / "hi.csv", family=FAMILIES[loss],
                           tol=tol, out=out, time=clock)  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip().splitlines()[-1])
    return np.loadtxt(out, delimiter=",", ndmin=2), float(clock.read_text())


SOLVERS = {"shrinkage": ours, "glmnet (R)": glmnet_r_path, "sklearn": sklearn_path}


def worst_gap(X, y, loss, lower, upper, alphas, coefs):
    worst = 0.0
    p = X.shape[1]
    if coefs.shape != (len(alphas), p + 1):
        return np.inf
    for alpha, row in zip(alphas, coefs, strict=True):
        if not np.all(np.isfinite(row)):
            return np.inf
        # glmnet returns limits to about 1e-9 of a bound: the box's rounding, not a gap
        w = np.clip(row[1:], lower, upper)
        cert = certify_box(X, y, w, row[0], np.full(p, alpha), np.zeros(p), lower=lower,
                           upper=upper, loss=LOSSES[loss])  # fmt: skip
        worst = max(worst, cert.relative_gap)
    return worst


def main():
    args, n_alphas, cap, chosen = command_line(__doc__, SOLVERS, PROBLEMS, QUICK)
    warnings.filterwarnings("ignore")
    rows = []
    with threadpool_limits(limits=1), tempfile.TemporaryDirectory() as folder:
        for name, make in chosen.items():
            X, y, loss, box = make()
            lower, upper = BOXES[box](X.shape[1])
            penalty = L1(lower=lower, upper=upper)
            alpha_max = shrinkage.path(X, y, penalty, loss=loss, n_alphas=1, warn=False).alphas[0]
            alphas = alpha_max * np.logspace(0, -2, n_alphas)
            ours(X[:40, :4], y[:40], loss, lower[:4], upper[:4], alphas[:2], 1e-4)  # compile
            files = Path(folder)
            np.savetxt(files / "X.csv", X, delimiter=",")
            np.savetxt(files / "y.csv", y)
            np.savetxt(files / "lambda.csv", alphas)
            np.savetxt(files / "lo.csv", np.maximum(lower, -1e30))
            np.savetxt(files / "hi.csv", np.minimum(upper, 1e30))
            runs = {}
            for s in args.solvers:
                if s == "glmnet (R)":
                    runs[s] = partial(glmnet_r_path, files, loss, alphas)
                else:
                    runs[s] = partial(SOLVERS[s], X, y, loss, lower, upper, alphas)
            start = time.perf_counter()
            measure(name, args, cap, runs, partial(worst_gap, X, y, loss, lower, upper, alphas),
                    rows)  # fmt: skip
            print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    print(f"\n{n_alphas} α to 1e-2·α_max, with an intercept, one thread\n")
    print_table(rows)


if __name__ == "__main__":
    main()
