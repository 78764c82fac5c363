"""The L1 / elastic-net logistic path of each library, on one problem, warm-started.

Every adapter solves ``1/n Σ [log(1 + e^{z_i}) − y_i z_i] + α(ρ‖w‖₁ + (1 − ρ)/2 ‖w‖²)``
(``z = Xw + b``; b only with an intercept) on the grid of the problem and returns the
coefficients and intercepts of every point; ``logistic_paths.py`` certifies them with our
duality gap. Conversions, from each library's documentation and source:

- glmnet (``family="binomial"``): the mean log-likelihood plus
  ``λ[(1 − a)/2 ‖β‖² + a‖β‖₁]``, so λ = α and its ``alpha`` is ρ; ``standardize=False``.
  ``thresh`` (R) / ``tol`` (python-glmnet) is its own stopping rule, ``maxit`` raised.
- adelie (``glm.binomial``, singleton groups): weights 1/n by default, ``lmda`` = α,
  ``alpha`` = ρ, ``early_exit=False`` so that the whole grid is solved.
- scikit-learn ``LogisticRegression``: ``C Σ ℓ_i + ρ‖w‖₁ + (1 − ρ)/2 ‖w‖²`` (the
  ``l1_ratio`` form), so ``C = 1/(nα)``. liblinear penalises the intercept: run without one
  only. saga is warm-started.
- celer ``LogisticRegression``: ``C Σ ℓ_i + ‖w‖₁`` (L1 only, no intercept).
- skglm ``SparseLogisticRegression`` (L1, mean loss, α as ours) and, for the elastic
  net, ``GeneralizedLinearEstimator(Logistic(), L1_plus_L2(α, ρ))``; no intercept.

An adapter raises :class:`NotApplicable` for a problem its library cannot state, and may
return its own measured seconds (R's ``system.time`` around ``glmnet`` only, so that R's
start-up and the file transfer are not counted).
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse as sp


class NotApplicable(Exception):
    """The library cannot state this problem (the reason is the message)."""


class CapExceeded(Exception):
    """The run passed its deadline."""


@dataclass(frozen=True)
class Problem:
    name: str
    X: object
    y: np.ndarray
    alphas: np.ndarray
    fit_intercept: bool
    l1_ratio: float


@dataclass(frozen=True)
class Fit:
    coefs: np.ndarray  # (n_alphas, p)
    intercepts: np.ndarray  # (n_alphas,)
    seconds: float | None = None  # measured by the library itself, when it must be


def _check(deadline):
    if time.perf_counter() > deadline:
        raise CapExceeded


def _no_intercept(problem, library):
    if problem.fit_intercept:
        raise NotApplicable(f"{library} fits no intercept")


def _l1_only(problem, library):
    if problem.l1_ratio != 1.0:
        raise NotApplicable(f"{library} has no elastic net")


def shrinkage_path(problem, tol, deadline):
    from shrinkage import path
    from shrinkage.penalties import ElasticNetPenalty

    result = path(problem.X, problem.y, ElasticNetPenalty(l1_ratio=problem.l1_ratio),
                  loss="logistic", alphas=problem.alphas, fit_intercept=problem.fit_intercept,
                  tol=tol, max_iter=1000, warn=False)  # fmt: skip
    return Fit(result.dense_coefs(), np.asarray(result.intercepts, dtype=np.float64))


def _refit_along(model, problem, settings, deadline):
    """A scikit-learn style model fitted once per setting, in order (warm starts where the
    model keeps them)."""
    coefs, intercepts = [], []
    for params in settings:
        model.set_params(**params)
        model.fit(problem.X, problem.y)
        coefs.append(np.ravel(model.coef_).copy())
        intercepts.append(float(np.ravel(getattr(model, "intercept_", 0.0))[0]))
        _check(deadline)
    return Fit(np.array(coefs), np.array(intercepts))


def sklearn_path(solver):
    def run(problem, tol, deadline):
        from sklearn.linear_model import LogisticRegression

        if solver == "liblinear":
            _no_intercept(problem, "liblinear (it penalises the intercept)")
            _l1_only(problem, "liblinear")
        n = problem.X.shape[0]
        model = LogisticRegression(l1_ratio=problem.l1_ratio, solver=solver, tol=tol,
                                   fit_intercept=problem.fit_intercept, max_iter=100_000,
                                   warm_start=solver == "saga")  # fmt: skip
        settings = [{"C": 1.0 / (n * alpha)} for alpha in problem.alphas]
        return _refit_along(model, problem, settings, deadline)

    return run


def celer_path(problem, tol, deadline):
    from celer import LogisticRegression

    _no_intercept(problem, "celer")
    _l1_only(problem, "celer")
    n = problem.X.shape[0]
    model = LogisticRegression(C=1.0 / (n * problem.alphas[0]), tol=tol, fit_intercept=False,
                               warm_start=True, max_iter=1000)  # fmt: skip
    return _refit_along(model, problem, [{"C": 1.0 / (n * a)} for a in problem.alphas],
                        deadline)  # fmt: skip


def skglm_path(problem, tol, deadline):
    _no_intercept(problem, "skglm's logistic estimators")
    if problem.l1_ratio == 1.0:
        from skglm import SparseLogisticRegression

        model = SparseLogisticRegression(alpha=problem.alphas[0], tol=tol, fit_intercept=False,
                                         warm_start=True, max_iter=1000)  # fmt: skip
        return _refit_along(model, problem, [{"alpha": a} for a in problem.alphas], deadline)
    from skglm import GeneralizedLinearEstimator
    from skglm.datafits import Logistic
    from skglm.penalties import L1_plus_L2
    from skglm.solvers import AndersonCD

    model = GeneralizedLinearEstimator(Logistic(), L1_plus_L2(problem.alphas[0], problem.l1_ratio),
                                       AndersonCD(tol=tol, fit_intercept=False,
                                                  warm_start=True))  # fmt: skip
    y_signed = 2.0 * problem.y - 1.0  # skglm's Logistic datafit takes labels ±1
    coefs = []
    for alpha in problem.alphas:  # the same estimator: its solver starts from coef_
        model.penalty = L1_plus_L2(alpha, problem.l1_ratio)
        coefs.append(np.ravel(model.fit(problem.X, y_signed).coef_).copy())
        _check(deadline)
    return Fit(np.array(coefs), np.zeros(len(coefs)))


def glmnet_python_path(problem, tol, deadline):
    from glmnet import LogitNet

    model = LogitNet(alpha=problem.l1_ratio, lambda_path=problem.alphas, standardize=False,
                     fit_intercept=problem.fit_intercept, tol=tol, n_splits=0,
                     max_iter=1_000_000)  # fmt: skip
    model.fit(problem.X, problem.y)
    coefs = np.asarray(model.coef_path_)[0].T  # (n_lambda, p)
    intercepts = np.ravel(np.asarray(model.intercept_path_)[0])
    return _padded(coefs, intercepts, problem)


def _padded(coefs, intercepts, problem):
    """NaN rows for points a library skipped (glmnet and adelie may stop early): they fail
    certification."""
    missing = len(problem.alphas) - coefs.shape[0]
    if missing > 0:
        coefs = np.vstack([coefs, np.full((missing, coefs.shape[1]), np.nan)])
        intercepts = np.concatenate([intercepts, np.full(missing, np.nan)])
    return Fit(coefs, intercepts)


def adelie_path(problem, tol, deadline):
    import adelie as ad

    X = problem.X
    if sp.issparse(X):
        matrix = ad.matrix.sparse(sp.csc_matrix(X), method="naive", n_threads=1)
    else:
        matrix = ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1)
    state = ad.grpnet(matrix, ad.glm.binomial(np.asarray(problem.y, dtype=np.float64)),
                      alpha=problem.l1_ratio, lmda_path=np.asarray(problem.alphas),
                      intercept=problem.fit_intercept, tol=tol, irls_tol=tol,
                      early_exit=False, progress_bar=False, n_threads=1)  # fmt: skip
    return _padded(state.betas.toarray(), np.asarray(state.intercepts, dtype=np.float64),
                   problem)  # fmt: skip


R_SCRIPT = r"""
suppressMessages(library(glmnet)); suppressMessages(library(Matrix))
args <- commandArgs(trailingOnly = TRUE)
x <- readMM(args[1]); if (args[6] == "dense") x <- as.matrix(x) else x <- as(x, "CsparseMatrix")
y <- scan(args[2], quiet = TRUE); lambda <- scan(args[3], quiet = TRUE)
fit_once <- function() glmnet(x, y, family = "binomial", lambda = lambda,
  alpha = as.numeric(args[4]), standardize = FALSE, intercept = args[5] == "1",
  thresh = as.numeric(args[7]), maxit = 1e7)
fit <- fit_once()  # warm-up
seconds <- system.time(fit <- fit_once())[["elapsed"]]
writeMM(as(fit$beta, "CsparseMatrix"), file.path(args[8], "beta.mtx"))
write(sprintf("%.17g", fit$a0), file.path(args[8], "a0.txt"), ncolumns = 1)
cat(sprintf("%.6f", seconds), "\n")
"""


def glmnet_r_path(problem, tol, deadline):
    """R's glmnet through ``Rscript``: the data as Matrix Market files, the fit timed in R
    (the second of two calls)."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        scipy.io.mmwrite(folder / "x.mtx", sp.coo_matrix(problem.X))
        np.savetxt(folder / "y.txt", problem.y, fmt="%.17g")
        np.savetxt(folder / "lambda.txt", problem.alphas, fmt="%.17g")
        (folder / "fit.R").write_text(R_SCRIPT)
        layout = "sparse" if sp.issparse(problem.X) else "dense"
        command = ["Rscript", str(folder / "fit.R"), str(folder / "x.mtx"),
                   str(folder / "y.txt"), str(folder / "lambda.txt"), repr(problem.l1_ratio),
                   "1" if problem.fit_intercept else "0", layout, repr(tol),
                   str(folder)]  # fmt: skip
        remaining = max(deadline - time.perf_counter(), 1.0) if np.isfinite(deadline) else None
        try:
            out = subprocess.run(command, capture_output=True, text=True, check=True,
                                 timeout=remaining).stdout  # fmt: skip
        except subprocess.TimeoutExpired as exc:
            raise CapExceeded from exc
        beta = scipy.io.mmread(folder / "beta.mtx").toarray().T  # (n_lambda, p)
        intercepts = np.atleast_1d(np.loadtxt(folder / "a0.txt"))
    fit = _padded(beta, intercepts, problem)
    return Fit(fit.coefs, fit.intercepts, float(out.split()[-1]))


SOLVERS = {
    "shrinkage": shrinkage_path,
    "glmnet-R": glmnet_r_path,
    "glmnet-python": glmnet_python_path,
    "adelie": adelie_path,
    "skglm": skglm_path,
    "celer": celer_path,
    "sklearn-liblinear": sklearn_path("liblinear"),
    "sklearn-saga": sklearn_path("saga"),
}
