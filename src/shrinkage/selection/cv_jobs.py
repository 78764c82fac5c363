"""The work of one cross-validation job: a warm-started path on the training rows, then
the error of every α on the held-out rows; and where the jobs run (:func:`run_jobs`).

Kept free of estimator state so that joblib can ship it to any backend (loky, threading,
Dask, Ray) unchanged: the arguments are arrays, a penalty and a few plain values.
"""

from __future__ import annotations

import copy
import time

import numpy as np
from joblib import Parallel
from joblib.parallel import ThreadingBackend, get_active_backend

from .._validation import check_tol, working_dtype
from ..path import path
from ..path.logistic import prepare_logistic, solve_path
from ..path.rows import DenseRows
from ._common import deviance, multinomial_deviance, poisson_deviance, weighted_mean

__all__ = [
    "LOGISTIC_PARALLEL_MIN_SECONDS",
    "PARALLEL_MIN_SECONDS",
    "fold_errors",
    "parallel_min_seconds",
    "run_jobs",
    "scorer_errors",
]

# Below this, the first job's time says the rest run faster one after the other in this
# thread than side by side on threads: a path is many short compiled calls, and every
# one hands the GIL to the other thread and waits for it back. Second fits, two cores,
# n_jobs=2 on threads against n_jobs=1: LassoCV(cv=5) on diabetes (14 ms a job) 0.134 s
# against 0.072 s, on 300 × 3000 dense (56 ms a job) 0.285 s against 0.226 s; 4-fold
# logistic CV on rcv1_small with 20 α (140 ms a job) 0.49 s against 0.58 s, LassoCV(cv=4)
# on a 5000 × 20000 sparse X (1.5 s a job) 4.2 s against 6.3 s; SparseLogisticRegressionCV
# (cv=5, whose folds are one compiled call each) on a9a 4.1 s against 6.2 s
# (benchmarks/cv_threads.py).
PARALLEL_MIN_SECONDS = 0.1
# The same for logistic jobs: a fold's path is one compiled call that runs without the
# GIL (shrinkage._kernels.logistic_path), so threads pay from much shorter jobs. Second
# fits of SparseLogisticRegressionCV(cv=5), medians of 7: leukemia (20 ms a job) 0.074 s
# on threads against 0.110 s here; breast_cancer_wdbc (3 ms a job) 0.020-0.032 s against
# 0.020 s. (A problem the compiled loop does not cover runs the Python loop: many calls,
# as the squared paths' jobs above.)
LOGISTIC_PARALLEL_MIN_SECONDS = 0.01


def parallel_min_seconds(loss):
    """The first job's seconds from which :func:`run_jobs` sends the others to threads,
    for the jobs of ``loss`` (a loss name)."""
    return LOGISTIC_PARALLEL_MIN_SECONDS if loss == "logistic" else PARALLEL_MIN_SECONDS


def run_jobs(jobs, n_jobs, min_seconds=None):
    """Run joblib ``delayed`` jobs; return their results in order.

    A surrounding ``joblib.parallel_backend`` other than threads (loky, Dask, Ray,
    sequential) gets every job, as ``Parallel`` hands it out. Otherwise the jobs run on
    threads (the kernels release the GIL, and a process pool's start-up costs seconds:
    ``LassoCV(cv=5, n_jobs=2)`` on diabetes took 2.5-5 s in a fresh process on loky,
    0.4 s with ``n_jobs=1``), and only when they pay for it: the first job runs here, and
    when it took less than ``min_seconds`` (default ``PARALLEL_MIN_SECONDS``;
    :func:`parallel_min_seconds` gives it per loss) the others follow it here too. The
    results are the same either way; only the schedule changes.
    """
    if min_seconds is None:
        min_seconds = PARALLEL_MIN_SECONDS
    backend, _ = get_active_backend(prefer="threads")
    if len(jobs) < 2 or not isinstance(backend, ThreadingBackend):
        return Parallel(n_jobs=n_jobs, prefer="threads")(jobs)
    function, args, kwargs = jobs[0]
    start = time.perf_counter()
    first = function(*args, **kwargs)
    if time.perf_counter() - start < min_seconds:
        return [first] + [function(*args, **kwargs) for function, args, kwargs in jobs[1:]]
    return [first, *Parallel(n_jobs=n_jobs, prefer="threads")(jobs[1:])]


def fold_errors(
    X, y, sample_weight, train, test, penalty, alphas, *, loss, scorer, template,
    path_options,
):  # fmt: skip
    """CV errors of one fold along the α grid.

    ``path_options`` may hold an ``offset`` of every row: the training rows' go to the
    path, the held-out rows' to their predictions.

    Returns
    -------
    errors : ndarray of shape (n_alphas,)
        Lower is better: mean squared error, binomial or Poisson deviance, or minus the
        scorer.
    n_active : ndarray of shape (n_alphas,)
        Non-zero coefficients of the training-fold fit at each α.
    relative_gaps : ndarray of shape (n_alphas,)
        The training-fold path's certificates, for the caller's one convergence warning.
    """
    train_weight = None if sample_weight is None else sample_weight[train]
    test_weight = None if sample_weight is None else sample_weight[test]
    path_options = dict(path_options)
    offset = path_options.pop("offset", None)
    if offset is not None:
        path_options["offset"] = offset[train]
    if loss == "logistic":
        coefs, intercepts, relative_gaps = _logistic_fold_path(
            X[train], y[train], train_weight, penalty, alphas, **path_options
        )
    else:
        result = path(
            X[train], y[train], penalty, loss=loss, alphas=alphas, sample_weight=train_weight,
            warn=False, **path_options,
        )  # fmt: skip
        coefs, intercepts, relative_gaps = result.coefs, result.intercepts, result.relative_gaps
    X_test, y_test = X[test], y[test]
    if coefs.ndim == 3:  # multi-task or multinomial: (n_alphas, p, K); a feature is its row
        active = np.count_nonzero(np.any(coefs != 0, axis=2), axis=1)
        if loss == "multinomial" and scorer is None:
            codes = np.searchsorted(np.unique(y[train]), y_test)
            errors = np.array(
                [
                    multinomial_deviance(
                        codes, np.asarray(X_test @ coefs[k]) + intercepts[k], test_weight
                    )
                    for k in range(alphas.size)
                ]
            )
            return errors, active, relative_gaps  # fmt: skip
        errors = _multitask_errors(coefs, intercepts, X_test, y_test, test_weight, scorer,
                                   template, alphas)  # fmt: skip
        return errors, active, relative_gaps
    n_active = np.count_nonzero(coefs, axis=1)
    if scorer is not None:
        errors = scorer_errors(
            scorer, template, alphas, coefs, intercepts, X_test, y_test, test_weight
        )
        return errors, n_active, relative_gaps
    decision = np.asarray(X_test @ coefs.T) + intercepts
    if offset is not None:
        decision += offset[test][:, None]
    if loss == "logistic":
        errors = deviance(y_test, decision, test_weight)
    elif loss == "poisson":
        errors = poisson_deviance(y_test, decision, test_weight)
    else:
        errors = weighted_mean((y_test[:, None] - decision) ** 2, test_weight)
    return np.asarray(errors, dtype=np.float64), n_active, relative_gaps


def _multitask_errors(coefs, intercepts, X_test, Y_test, test_weight, scorer, template,
                      alphas):  # fmt: skip
    """Held-out errors of a multi-task path: the squared error averaged over the rows
    (weighted) and the tasks, or minus the scorer."""
    if scorer is not None:
        return scorer_errors(scorer, template, alphas, coefs, intercepts, X_test, Y_test,
                             test_weight)  # fmt: skip
    errors = np.empty(alphas.shape[0])
    for k in range(alphas.shape[0]):
        residual = Y_test - X_test @ coefs[k] - intercepts[k]
        errors[k] = float(np.mean(weighted_mean(residual**2, test_weight)))
    return errors


def _logistic_fold_path(X, y, sample_weight, penalty, alphas, *, fit_intercept, standardize,
                        tol, max_iter):  # fmt: skip
    """The training fold's logistic path, through :func:`shrinkage.path.logistic.solve_path`
    directly: the CV needs the coefficients and certificates only, not a ``PathResult``.
    ``(coefs, intercepts, relative_gaps)``; ``tol`` as :func:`shrinkage.path` takes it."""
    data = prepare_logistic(X, y, sample_weight, standardize, fit_intercept)
    coefs = np.zeros((alphas.shape[0], X.shape[1]))
    points = solve_path(
        data, penalty, alphas, tol=check_tol(tol, working_dtype(X)), max_iter=max_iter,
        rows=DenseRows(coefs), screen=False,
    )  # fmt: skip
    return coefs, points["intercept"].copy(), points["relative_gap"].copy()


def scorer_errors(scorer, template, alphas, coefs, intercepts, X_test, y_test, test_weight):
    """``−scorer(model_α, X_test, y_test)`` for each α (scorers are "greater is better").

    ``template`` is a fitted-looking estimator (``n_features_in_`` and, for classifiers,
    ``classes_`` set); a shallow copy per α receives ``coef_`` and ``intercept_``.
    """
    errors = np.empty(alphas.shape[0])
    extra = {} if test_weight is None else {"sample_weight": test_weight}
    for k, alpha in enumerate(alphas):
        model = copy.copy(template)
        model.alpha = float(alpha)
        if coefs.ndim == 3:  # multi-task models keep sklearn's (T, p) / (T,) shapes
            model.coef_ = coefs[k].T
            model.intercept_ = intercepts[k]
        elif hasattr(template, "classes_"):  # classifiers keep sklearn's (1, p) / (1,)
            model.coef_ = coefs[k][None, :]
            model.intercept_ = np.array([intercepts[k]])
        else:
            model.coef_ = coefs[k]
            model.intercept_ = float(intercepts[k])
        errors[k] = -float(scorer(model, X_test, y_test, **extra))
    return errors
