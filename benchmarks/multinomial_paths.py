"""Multinomial lasso paths against glmnet (R, and its Fortran through python-glmnet),
adelie and scikit-learn, every point certified by one gap.

Problem, with intercepts (K classes, softmax)::

    min_W 1/n Σ_i [log Σ_k e^{z_ik} − z_{i,y_i}] + α Σ_jk |W_jk|,   z_i = Wᵀx_i + b

(``--grouped``: ``α Σ_j ‖W_j‖₂``, glmnet's ``type.multinomial = "grouped"``) on α from
α_max down to 1e-2·α_max (log grid), warm-started, one thread; the protocol of
:mod:`certified_protocol` (each solver at the loosest of its tolerances that passes our
certificate, :func:`shrinkage.certificates.multinomial.certify_multinomial`, at every
point). glmnet's λ is α, scikit-learn's ``C`` is ``1/(nα)`` and adelie's λ is ``α/K``
(its multinomial loss is ours divided by K: at λ = α/K its path passes our certificate
to 3e-9 on digits, at λ = α it misses by 0.6); adelie's groups are whole features, so it
runs the grouped penalty only.
glmnet is timed inside R around the call (``system.time``), after a warm-up fit.

Data: scikit-learn's handwritten digits (1797 × 64, 10 classes, pixels / 16), news20
(the bag of words of 18,846 posts in 20 groups; `../shared/data/news20_bow.npz`, its first
2000 or 4000 posts) and two small standardised tables, iris and wine.

    python benchmarks/multinomial_paths.py --quick   # digits, news20 2000 rows, iris, wine: 20 α
    python benchmarks/multinomial_paths.py           # news20 4000 rows instead, 100 α
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import warnings  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from certified_protocol import command_line, measure, print_table  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.certificates.multinomial import certify_multinomial  # noqa: E402
from shrinkage.penalties import L1  # noqa: E402
from shrinkage.solvers.multinomial import multinomial_alpha_max, one_hot, prepare_multinomial  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GROUPED = "--grouped" in sys.argv
if GROUPED:
    sys.argv.remove("--grouped")


def digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    return np.asfortranarray(X / 16.0), y


def news20(rows=4000):
    z = np.load(DATA / "news20_bow.npz")
    X = sp.csr_matrix((z["X_data"], z["X_indices"], z["X_indptr"]), shape=tuple(z["X_shape"]))
    X, y = X[:rows], z["y"][:rows]
    keep = np.flatnonzero(np.diff(X.tocsc().indptr))  # columns seen in these rows
    return X[:, keep].tocsc(), y


def small(name):
    """scikit-learn's iris (150 × 4, 3 classes) or wine (178 × 13, 3 classes),
    standardised: tables where the time between Newton steps is most of a path's."""
    from sklearn import datasets

    X, y = getattr(datasets, f"load_{name}")(return_X_y=True)
    return np.asfortranarray((X - X.mean(axis=0)) / X.std(axis=0)), y


SMALL = {"iris 150 × 4, 3 classes": lambda: small("iris"),
         "wine 178 × 13, 3 classes": lambda: small("wine")}  # fmt: skip
PROBLEMS = {"digits 1797 × 64, 10 classes": digits,
            "news20 4000 rows, 20 classes": news20, **SMALL}  # fmt: skip
QUICK = {"digits 1797 × 64, 10 classes": digits,
         "news20 2000 rows, 20 classes": lambda: news20(2000), **SMALL}  # fmt: skip


def ours(X, y, alphas, tol):
    result = shrinkage.path(X, y, loss="multinomial", grouped=GROUPED, alphas=alphas, tol=tol,
                            warn=False)  # fmt: skip
    return (result.coefs, result.intercepts), None


def sklearn_path(X, y, alphas, tol):
    from sklearn.linear_model import LogisticRegression

    if GROUPED:
        raise RuntimeError("no grouped multinomial penalty")
    n = X.shape[0]
    model = LogisticRegression(l1_ratio=1.0, solver="saga", tol=tol, max_iter=100_000,
                               warm_start=True)  # fmt: skip
    coefs, intercepts = [], []
    for alpha in alphas:
        model.set_params(C=1.0 / (n * alpha))
        model.fit(X, y)
        coefs.append(model.coef_.T.copy())
        intercepts.append(model.intercept_.copy())
    return (np.array(coefs), np.array(intercepts)), None


def adelie_path(X, y, alphas, tol):
    import adelie as ad

    if not GROUPED:  # adelie's groups are whole features: the grouped penalty only
        raise RuntimeError("no ungrouped multinomial penalty")
    Y, _ = one_hot(y)
    matrix = (ad.matrix.sparse(X, method="naive", n_threads=1) if sp.issparse(X)
              else ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1))  # fmt: skip
    K = Y.shape[1]
    p = X.shape[1]
    state = ad.grpnet(
        matrix, ad.glm.multinomial(Y), groups=np.arange(p), penalty=np.ones(p), alpha=1.0,
        lmda_path=np.asarray(alphas, dtype=np.float64) / K, intercept=True, tol=tol, irls_tol=tol,
        early_exit=False, progress_bar=False, n_threads=1,
    )  # fmt: skip
    betas = state.betas.toarray().reshape(-1, p, K)
    intercepts = np.asarray(state.intercepts).reshape(-1, K)
    if betas.shape[0] < len(alphas):
        return (np.full((len(alphas), p, K), np.nan), np.zeros((len(alphas), K))), None
    return (betas, intercepts), None


R_PATH = """
suppressMessages(library(glmnet)); suppressMessages(library(Matrix))
X <- {read}; y <- factor(read.csv("{y}", header = FALSE)[, 1])
lambda <- read.csv("{lam}", header = FALSE)[, 1]
run <- function() glmnet(X, y, family = "multinomial", lambda = lambda, standardize = FALSE,
                         type.multinomial = "{kind}", thresh = {tol}, maxit = 1e7)
fit <- run()
elapsed <- system.time(fit <- run())[["elapsed"]]
B <- do.call(rbind, lapply(coef(fit), function(m) as.matrix(m)))
write.table(B, "{out}", sep = ",", row.names = FALSE, col.names = FALSE)
cat(elapsed, file = "{time}")
"""


def glmnet_r_path(files, shape, alphas, tol):
    """R's glmnet; ``(coefs, seconds in R)``. Coefficients come class by class."""
    n, p = shape
    out, clock = files / "coefs.csv", files / "seconds.txt"
    read = (f'as(readMM("{files / "X.mtx"}"), "CsparseMatrix")' if (files / "X.mtx").exists()
            else f'as.matrix(read.csv("{files / "X.csv"}", header = FALSE))')  # fmt: skip
    script = R_PATH.format(
        read=read,
        y=files / "y.csv",
        lam=files / "lambda.csv",
        tol=tol,
        out=out,
        time=clock,
        kind="grouped" if GROUPED else "ungrouped",
    )
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})  # fmt: skip
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip().splitlines()[-1])
    B = np.loadtxt(out, delimiter=",", ndmin=2)  # (K·(p+1)) × n_alphas
    K = B.shape[0] // (p + 1)
    B = B.reshape(K, p + 1, -1)  # class, (intercept, features), alpha
    return (B[:, 1:, :].transpose(2, 1, 0), B[:, 0, :].T), float(clock.read_text())


def glmnet_fortran_path(X, y, alphas, tol):
    """glmnet's Fortran through python-glmnet's ``LogitNet`` (K > 2 classes: the
    multinomial family, ungrouped: it calls ``lognet`` with ``kopt = 0``)."""
    from glmnet import LogitNet

    if GROUPED:
        raise RuntimeError("python-glmnet has no grouped multinomial penalty")
    model = LogitNet(alpha=1.0, lambda_path=np.asarray(alphas), standardize=False, tol=tol,
                     n_splits=0, max_iter=1_000_000)  # fmt: skip
    model.fit(X, y)
    coefs = np.transpose(np.asarray(model.coef_path_), (2, 1, 0))  # (n_lambda, p, K)
    intercepts = np.asarray(model.intercept_path_).T
    if coefs.shape[0] < len(alphas):  # glmnet may stop a path early: those points fail
        return (np.full((len(alphas), *coefs.shape[1:]), np.nan),
                np.zeros((len(alphas), coefs.shape[2]))), None  # fmt: skip
    return (coefs, intercepts), None


SOLVERS = {"shrinkage": ours, "glmnet (R)": glmnet_r_path,
           "glmnet (Fortran)": glmnet_fortran_path, "adelie": adelie_path,
           "scikit-learn": sklearn_path}  # fmt: skip


def worst_gap(X, Y, alphas, result):
    coefs, intercepts = result
    worst = 0.0
    p = X.shape[1]
    for alpha, W, b in zip(alphas, coefs, intercepts, strict=True):
        if not np.all(np.isfinite(W)):
            return np.inf
        cert = certify_multinomial(X, Y, W, b, np.full(p, alpha), np.zeros(p),
                                   grouped=GROUPED)  # fmt: skip
        worst = max(worst, cert.relative_gap)
    return worst


def main():
    args, n_alphas, cap, chosen = command_line(__doc__, SOLVERS, PROBLEMS, QUICK)
    warnings.filterwarnings("ignore")
    rows = []
    with threadpool_limits(limits=1), tempfile.TemporaryDirectory() as folder:
        for name, make in chosen.items():
            X, y = make()
            data = prepare_multinomial(X, y)
            alphas = multinomial_alpha_max(data, L1(), GROUPED) * np.logspace(0, -2, n_alphas)
            few = np.concatenate([np.flatnonzero(y == c)[:3] for c in np.unique(y)])
            ours(X[few], y[few], alphas[:2], 1e-4)  # compile apart
            files = Path(folder)
            for stale in files.glob("X.*"):
                stale.unlink()
            if sp.issparse(X):
                from scipy.io import mmwrite

                mmwrite(str(files / "X.mtx"), sp.coo_matrix(X))
            else:
                np.savetxt(files / "X.csv", X, delimiter=",")
            np.savetxt(files / "y.csv", y, fmt="%d")
            np.savetxt(files / "lambda.csv", alphas)
            runs = {}
            for solver in args.solvers:
                if solver == "glmnet (R)":
                    runs[solver] = partial(glmnet_r_path, files, X.shape, alphas)
                else:
                    runs[solver] = partial(SOLVERS[solver], X, y, alphas)
            measure(name, args, cap, runs, partial(worst_gap, X, data.Y, alphas), rows)
    kind = "grouped" if GROUPED else "ungrouped"
    print(f"\n{n_alphas} α to 1e-2·α_max, {kind}, with intercepts, one thread\n")
    print_table(rows)


if __name__ == "__main__":
    main()
