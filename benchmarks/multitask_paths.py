"""Multi-task lasso paths against scikit-learn, skglm and R's glmnet (``mgaussian``),
every point certified by the same duality gap.

Problem, with an intercept per task::

    min_W 1/(2n) ‖Y − XW − 1bᵀ‖²_F + α Σ_j ‖W_j‖₂      (W: p × T)

on α from α_max down to 1e-2·α_max (log grid), warm-started, one thread. Every solver is
judged by *our* certificate (:func:`shrinkage.certificates.multitask.certify_multitask`)
on the coefficients it returns: for each target relative gap (1e-4, 1e-6) the loosest of
its own tolerances at which every point meets the target is found, then that path is
timed (median of at least 3 runs after the search's run, the warm-up,
repeated for half a second; R's glmnet is timed inside
R by ``system.time``). Compile time apart.

    python benchmarks/multitask_paths.py --quick        # 20 α, smaller problems
    python benchmarks/multitask_paths.py                # 100 α, 1000 × 5000 × 20
    python benchmarks/multitask_paths.py --quick --problems "linnerud 20×3×3"   # real data
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from certified_protocol import command_line, measure, print_table  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.certificates.multitask import certify_multitask  # noqa: E402
from shrinkage.solvers.multitask import prepare_multitask  # noqa: E402


def synthetic(n, p, n_tasks, n_rows=20, rho=0.5, seed=0):
    """AR(1)-correlated columns, ``n_rows`` non-zero rows, SNR about 3."""
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    W = np.zeros((p, n_tasks))
    W[rng.choice(p, n_rows, replace=False)] = rng.standard_normal((n_rows, n_tasks))
    signal = X @ W
    Y = signal + rng.standard_normal((n, n_tasks)) * signal.std() / np.sqrt(3.0)
    return X, Y


def linnerud():
    """scikit-learn's Linnerud data, the multi-output set a package ships: three exercises
    (chins, situps, jumps) of 20 men against three physiological measurements (weight,
    waist, pulse), both standardised."""
    from sklearn.datasets import load_linnerud

    X, Y = load_linnerud(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return np.asfortranarray(X), (Y - Y.mean(axis=0)) / Y.std(axis=0)


PROBLEMS = {
    "synthetic 1000×5000×20": lambda: synthetic(1000, 5000, 20),
    "synthetic 300×2000×10": lambda: synthetic(300, 2000, 10, seed=1),
    "linnerud 20×3×3": linnerud,
}
QUICK = {
    "synthetic 300×2000×10": lambda: synthetic(300, 2000, 10, seed=1),
    "synthetic 200×1000×5 ρ=0.9": lambda: synthetic(200, 1000, 5, rho=0.9, seed=2),
    "linnerud 20×3×3": linnerud,
}


def worst_gap(data, alphas, coefs):
    p = data.X.shape[1]
    worst = 0.0
    for alpha, W in zip(alphas, coefs, strict=True):
        if not np.all(np.isfinite(W)):
            return np.inf
        cert, _ = certify_multitask(data.X, data.Y, W, np.full(p, alpha), np.zeros(p))
        worst = max(worst, cert.relative_gap)
    return worst


def ours(X, Y, alphas, tol):
    result = shrinkage.path(X, Y, loss="multitask", alphas=alphas, tol=tol, warn=False)
    return result.coefs, None


def _refit_along(model, X, Y, alphas):
    """A warm-started model refitted at each α: the path of a library without one."""
    coefs = []
    for alpha in alphas:
        model.set_params(alpha=alpha)
        model.fit(X, Y)
        coefs.append(model.coef_.T.copy())
    return np.array(coefs), None


def sklearn_path(X, Y, alphas, tol):
    from sklearn.linear_model import MultiTaskLasso

    model = MultiTaskLasso(alpha=alphas[0], tol=tol, warm_start=True, max_iter=100_000)
    return _refit_along(model, X, Y, alphas)


def skglm_path(X, Y, alphas, tol):
    from skglm import MultiTaskLasso

    model = MultiTaskLasso(alpha=alphas[0], tol=tol, warm_start=True, max_iter=1000)
    return _refit_along(model, X, Y, alphas)


R_SCRIPT = """
suppressMessages(library(glmnet))
dims <- scan("{folder}/dims.txt", quiet = TRUE)
n <- dims[1]; p <- dims[2]; k <- dims[3]
X <- matrix(readBin("{folder}/X.bin", "double", n * p), n, p)
Y <- matrix(readBin("{folder}/Y.bin", "double", n * k), n, k)
lambda <- scan("{folder}/alphas.txt", quiet = TRUE)
fit <- glmnet(X, Y, family = "mgaussian", lambda = lambda, standardize = FALSE,
              thresh = {tol}, maxit = 1e7)
timed <- system.time(fit <- glmnet(X, Y, family = "mgaussian", lambda = lambda,
                                   standardize = FALSE, thresh = {tol}, maxit = 1e7))
seconds <- timed[["elapsed"]]
B <- do.call(cbind, lapply(coef(fit), function(m) as.numeric(as.matrix(m)[-1, ])))
writeBin(as.numeric(B), "{folder}/B.bin")
cat(seconds, file = "{folder}/seconds.txt")
"""


def glmnet_path(X, Y, alphas, tol):
    if shutil.which("Rscript") is None:
        raise RuntimeError("Rscript not found")
    with tempfile.TemporaryDirectory() as folder:
        np.savetxt(f"{folder}/dims.txt", [X.shape[0], X.shape[1], Y.shape[1]], fmt="%d")
        np.asfortranarray(X).T.ravel().tofile(f"{folder}/X.bin")  # column-major, as R
        np.asfortranarray(Y).T.ravel().tofile(f"{folder}/Y.bin")
        np.savetxt(f"{folder}/alphas.txt", alphas)
        run = subprocess.run(["Rscript", "-e", R_SCRIPT.format(folder=folder, tol=tol)],
                             capture_output=True, text=True)  # fmt: skip
        if run.returncode != 0:
            raise RuntimeError(run.stderr.strip().splitlines()[-1])
        B = np.fromfile(f"{folder}/B.bin")  # (p × (n_alphas·T)), column-major by task
        seconds = float(Path(f"{folder}/seconds.txt").read_text())
    p, n_tasks, k = X.shape[1], Y.shape[1], len(alphas)
    B = B.reshape(n_tasks * k, p).T  # column c = task (c // k), alpha (c % k)
    coefs = np.stack([B[:, [t * k + a for t in range(n_tasks)]] for a in range(k)])
    return coefs, seconds


SOLVERS = {"shrinkage": ours, "sklearn": sklearn_path, "skglm": skglm_path,
           "glmnet-R": glmnet_path}  # fmt: skip


def main():
    args, n_alphas, cap, chosen = command_line(__doc__, SOLVERS, PROBLEMS, QUICK)
    warnings.filterwarnings("ignore")
    rows = []
    with threadpool_limits(limits=1):
        for name, make in chosen.items():
            X, Y = make()
            data = prepare_multitask(X, Y)
            top = np.max(np.linalg.norm(data.X.T @ data.Y, axis=1)) / X.shape[0]
            alphas = top * np.logspace(0, -2, n_alphas)
            ours(X[:20, :5], Y[:20], alphas[:2], 1e-4)  # compile apart
            runs = {s: partial(SOLVERS[s], X, Y, alphas) for s in args.solvers}
            measure(name, args, cap, runs, partial(worst_gap, data, alphas), rows)
    print(f"\n{n_alphas} α to 1e-2·α_max, with intercepts, one thread\n")
    print_table(rows)


if __name__ == "__main__":
    main()
