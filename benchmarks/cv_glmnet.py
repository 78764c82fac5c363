"""Cross-validation against R's ``cv.glmnet``: same data, same folds, same α grid.

For each dataset both libraries run K-fold cross-validation (K = 10, ``cv.glmnet``'s
default) over the same 100 α and the same folds, with standardised columns:

* shrinkage: ``LassoCV`` (gaussian) or ``SparseLogisticRegressionCV`` (binomial),
  ``alphas=`` the grid, ``cv=`` the folds, ``standardize=True``, default ``tol`` (relative
  duality gap 1e-4 certified at every α of every fold), ``n_jobs=1``; the time of
  ``fit`` (validation, the fold paths, the errors, the refit).
* R: ``cv.glmnet(x, y, family=..., lambda=grid, foldid=folds)`` with glmnet's defaults
  (``standardize=TRUE``, ``thresh=1e-7``, a convergence test on the change of the
  objective, not a certificate), timed inside R by ``system.time`` around the call only,
  so R's start-up and the reading of the data are not counted.

Both objectives are the same in these units: ``1/(2n)‖y − Xw − b‖² + α‖w‖₁`` and the
mean log-loss ``+ α‖w‖₁`` (glmnet's λ is our α), so the grid and the folds are computed
once in Python (the grid from the full data, as both libraries do; the folds shuffled
with seed 0) and handed to R. The selected α (min and 1-SE rule) of both are printed as
a check that the two ran the same problem.

Protocol: one core (``taskset``-style affinity for this process and for every
``Rscript``; BLAS/OpenMP threads 1), a warm-up fit first (numba's cache loaded and any
compilation done: compile time apart), then ``--rounds`` interleaved rounds, each one
timed fit in Python followed by one R process that makes a warm-up call and one timed
call. Medians over the rounds. The raw numbers go to
``benchmarks/results/cv_glmnet_<date>.json``.

Run ``python benchmarks/cv_glmnet.py [--rounds 5] [--datasets saheart diabetes ...]``;
needs ``Rscript`` with the glmnet package (``apt-get install r-cran-glmnet``).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from shrinkage.defaults import cv_splitter  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402
from shrinkage.selection import (  # noqa: E402
    LassoCV,
    SparseLogisticRegressionCV,
    shared_alpha_grid,  # noqa: E402
)

DATA = Path(
    os.environ.get("SHRINKAGE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
RESULTS = Path(__file__).resolve().parent / "results"
N_FOLDS = 10
N_ALPHAS = 100

R_SCRIPT = r"""
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
data <- as.matrix(read.csv(args[1], header = FALSE))
x <- data[, -ncol(data), drop = FALSE]
y <- data[, ncol(data)]
lambda <- scan(args[2], quiet = TRUE)
foldid <- scan(args[3], quiet = TRUE)
family <- args[4]
repeats <- as.integer(args[5])
run <- function() cv.glmnet(x, y, family = family, lambda = lambda, foldid = foldid)
fit <- run()  # warm-up
times <- numeric(repeats)
for (r in seq_len(repeats)) {
  times[r] <- system.time(fit <- run())[["elapsed"]]
}
cat(sprintf(paste0('{"seconds": [%s], "lambda_min": %.17g, "lambda_1se": %.17g, ',
                   '"n_lambda": %d, "cvm": [%s]}\n'),
            paste(sprintf("%.6f", times), collapse = ", "), fit$lambda.min, fit$lambda.1se,
            length(fit$lambda), paste(sprintf("%.17g", fit$cvm), collapse = ", ")))
"""


def _saheart():
    frame = pd.read_csv(DATA / "saheart_esl.csv")
    if frame["famhist"].dtype == object:  # "Present"/"Absent" in the ESL original
        frame["famhist"] = (frame["famhist"] == "Present").astype(float)
    y = frame.pop("chd").to_numpy(np.float64)
    return frame.to_numpy(np.float64), y


def _prostate():
    frame = pd.read_csv(DATA / "prostate_esl.csv").drop(columns="train")
    y = frame.pop("lpsa").to_numpy(np.float64)
    return frame.to_numpy(np.float64), y


def _wdbc():
    frame = pd.read_csv(DATA / "breast_cancer_wdbc.csv")
    y = frame.pop("target").to_numpy(np.float64)
    return frame.to_numpy(np.float64), y


def _diabetes():
    from sklearn.datasets import load_diabetes

    return load_diabetes(return_X_y=True)


def _synthetic(family, n=1000, p=100, seed=0):
    """Gaussian columns, 10 true non-zeros; y linear plus unit noise, or Bernoulli."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    coef = np.zeros(p)
    coef[:10] = rng.standard_normal(10)
    signal = X @ coef
    if family == "gaussian":
        return X, signal + rng.standard_normal(n)
    return X, (rng.random(n) < 1.0 / (1.0 + np.exp(-signal))).astype(np.float64)


DATASETS = {
    "diabetes": (_diabetes, "gaussian"),
    "saheart": (_saheart, "binomial"),
    "prostate": (_prostate, "gaussian"),
    "breast_cancer_wdbc": (_wdbc, "binomial"),
    "synthetic_1000x100_gaussian": (lambda: _synthetic("gaussian"), "gaussian"),
    "synthetic_1000x100_binomial": (lambda: _synthetic("binomial"), "binomial"),
}


def _model(family, grid, folds):
    options = dict(alphas=grid, cv=folds, standardize=True, n_jobs=1)
    if family == "gaussian":
        return LassoCV(**options)
    return SparseLogisticRegressionCV(**options)


def _timed_fit(X, y, family, grid, folds):
    model = _model(family, grid, folds)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start, model


def _glmnet(files, family, cpu, repeats=1):
    command = ["Rscript", str(files["script"]), str(files["data"]), str(files["grid"]),
               str(files["folds"]), family, str(repeats)]  # fmt: skip
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _size_weighted_curve(model, folds):
    """The mean CV error with each fold weighted by its number of held-out rows
    (cv.glmnet's ``cvm``; ``cv_mean_`` is the plain mean over folds, as scikit-learn's)."""
    sizes = np.array([test.size for _, test in folds], dtype=np.float64)
    return sizes @ np.reshape(model.cv_fold_errors_, (len(folds), -1)) / sizes.sum()


def run_dataset(name, rounds, cpu, workdir):
    load, family = DATASETS[name]
    X, y = load()
    X = np.asfortranarray(X, dtype=np.float64)
    loss = "squared" if family == "gaussian" else "logistic"
    grid = shared_alpha_grid(X, y, L1(), loss=loss, n_alphas=N_ALPHAS, standardize=True)
    splitter = cv_splitter(N_FOLDS, classifier=family == "binomial")
    folds = list(splitter.split(X, y))
    foldid = np.empty(y.shape[0], dtype=int)
    for k, (_, test) in enumerate(folds):
        foldid[test] = k + 1
    files = {key: workdir / f"{name}.{key}" for key in ("data", "grid", "folds")}
    files["script"] = workdir / "cv_glmnet.R"
    np.savetxt(files["data"], np.column_stack([X, y]), delimiter=",", fmt="%.17g")
    np.savetxt(files["grid"], grid, fmt="%.17g")
    np.savetxt(files["folds"], foldid, fmt="%d")

    _, model = _timed_fit(X, y, family, grid, folds)  # warm-up: numba cache, compilation
    ours, theirs = [], []
    for _ in range(rounds):
        seconds, model = _timed_fit(X, y, family, grid, folds)
        ours.append(seconds)
        r = _glmnet(files, family, cpu)
        theirs.extend(r["seconds"])
    return {
        "dataset": name,
        "family": family,
        "shape": list(X.shape),
        "n_folds": N_FOLDS,
        "n_alphas": int(grid.size),
        "shrinkage_seconds": ours,
        "glmnet_seconds": theirs,
        "shrinkage_median": float(np.median(ours)),
        "glmnet_median": float(np.median(theirs)),
        "ratio": float(np.median(ours) / np.median(theirs)),
        "shrinkage_alpha_min": model.alpha_min_,
        "shrinkage_alpha_1se": model.alpha_1se_,
        "glmnet_lambda_min": r["lambda_min"],
        "glmnet_lambda_1se": r["lambda_1se"],
        "glmnet_n_lambda": r["n_lambda"],
        # the two CV curves, as a check of "same problem": cv.glmnet weights each fold's
        # error by its size, so ours are averaged the same way here
        "cv_curve_max_relative_difference": float(
            np.max(np.abs(_size_weighted_curve(model, folds) - r["cvm"]) / np.abs(r["cvm"]))
        ),
    }


def print_table(records):
    print(
        f"\n{'dataset':30s} {'n × p':>11s} {'family':>9s} {'shrinkage':>10s} "
        f"{'cv.glmnet':>10s} {'ratio':>6s}  α_min (ours / glmnet)   α_1se (ours / glmnet)"
        "   curves differ by"
    )
    for r in records:
        shape = "×".join(str(v) for v in r["shape"])
        print(
            f"{r['dataset']:30s} {shape:>11s} {r['family']:>9s} "
            f"{r['shrinkage_median']:9.3f}s {r['glmnet_median']:9.3f}s {r['ratio']:5.2f}×  "
            f"{r['shrinkage_alpha_min']:.4g} / {r['glmnet_lambda_min']:.4g}   "
            f"{r['shrinkage_alpha_1se']:.4g} / {r['glmnet_lambda_1se']:.4g}   "
            f"{r['cv_curve_max_relative_difference']:.1e}"
        )


def _machine():
    """The CPU model and the number of cores, as /proc/cpuinfo says (Linux)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        model = next(line.split(":", 1)[1].strip() for line in lines if "model name" in line)
    except (OSError, StopIteration):
        model = platform.machine()
    return f"{model}, {os.cpu_count()} cores"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--datasets", nargs="+", choices=list(DATASETS), default=list(DATASETS))
    parser.add_argument("--cpu", type=int, default=0, help="core to pin to (-1: no pinning)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    cpu = None if args.cpu < 0 else args.cpu
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "cv_glmnet.R").write_text(R_SCRIPT)
        for name in args.datasets:
            records.append(run_dataset(name, args.rounds, cpu, workdir))
            print_table(records[-1:])
    print_table(records)
    version = subprocess.run(
        ["Rscript", "-e", 'cat(as.character(packageVersion("glmnet")))'],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    today = datetime.date.today().isoformat()
    out = args.out or RESULTS / f"cv_glmnet_{today}.json"
    out.write_text(
        json.dumps(
            {
                "date": today,
                "machine": _machine(),
                "python": platform.python_version(),
                "numpy": np.__version__,
                "pinned_cpu": cpu,
                "rounds": args.rounds,
                "glmnet_version": version,
                "records": records,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"\nraw numbers: {out}")


if __name__ == "__main__":
    main()
