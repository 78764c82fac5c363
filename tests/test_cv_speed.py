"""Where the (ρ, fold) jobs of a cross-validation run: in this thread when they are
short, on threads when they are long, or on the surrounding joblib backend."""

import os
import threading

import joblib
import numpy as np
import pytest

from shrinkage.selection import LassoCV, SparseLogisticRegressionCV, cv_jobs


@pytest.fixture
def long_jobs(monkeypatch):
    """Every job counts as long enough for threads."""
    monkeypatch.setattr(cv_jobs, "PARALLEL_MIN_SECONDS", 0.0)
    monkeypatch.setattr(cv_jobs, "LOGISTIC_PARALLEL_MIN_SECONDS", 0.0)


def _problem(seed=0, n=90, p=8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X[:, 0] - 2 * X[:, 1] + rng.standard_normal(n)


def _where_scorer():
    """A scorer whose value says where it ran: minus the process id, and each call's
    thread recorded (a CV error is minus the score: it equals the pid)."""
    threads = []

    def scorer(model, X, y):
        threads.append(threading.get_ident())
        return -float(os.getpid())

    return scorer, threads


def test_short_jobs_run_in_this_thread():
    X, y = _problem()
    scorer, threads = _where_scorer()
    model = LassoCV(n_alphas=5, cv=4, n_jobs=2, scoring=scorer).fit(X, y)
    assert np.all(model.cv_fold_errors_ == os.getpid())
    assert set(threads) == {threading.get_ident()}


def test_long_jobs_run_on_threads_of_this_process(long_jobs):
    X, y = _problem()
    scorer, threads = _where_scorer()
    model = LassoCV(n_alphas=5, cv=4, n_jobs=2, scoring=scorer).fit(X, y)
    assert np.all(model.cv_fold_errors_ == os.getpid())  # no worker process was started
    assert set(threads) - {threading.get_ident()}  # the jobs after the first: on threads


def test_a_surrounding_backend_is_honoured(long_jobs):
    X, y = _problem()
    scorer, _ = _where_scorer()
    with joblib.parallel_backend("loky", n_jobs=2):
        model = LassoCV(n_alphas=5, cv=4, n_jobs=2, scoring=scorer).fit(X, y)
    assert np.all(model.cv_fold_errors_ != os.getpid())  # the jobs ran in loky's workers
    with joblib.parallel_backend("sequential"):
        scorer, threads = _where_scorer()
        LassoCV(n_alphas=5, cv=4, n_jobs=2, scoring=scorer).fit(X, y)
    assert set(threads) == {threading.get_ident()}


def test_threads_give_the_serial_results(long_jobs):
    X, y = _problem(seed=1)
    labels = (y > np.median(y)).astype(float)
    for Model, target in ((LassoCV, y), (SparseLogisticRegressionCV, labels)):
        serial = Model(n_alphas=10, cv=3, n_jobs=1).fit(X, target)
        threaded = Model(n_alphas=10, cv=3, n_jobs=2).fit(X, target)
        np.testing.assert_array_equal(serial.cv_fold_errors_, threaded.cv_fold_errors_)
        np.testing.assert_array_equal(serial.coef_, threaded.coef_)


def test_logistic_jobs_go_to_threads_from_shorter_first_jobs(monkeypatch):
    """A logistic fold's path is one compiled call without the GIL: its jobs have their
    own threshold. With the squared loss's out of reach and the logistic one at 0, the
    logistic jobs after the first run on threads and the squared ones here."""
    monkeypatch.setattr(cv_jobs, "PARALLEL_MIN_SECONDS", float("inf"))
    monkeypatch.setattr(cv_jobs, "LOGISTIC_PARALLEL_MIN_SECONDS", 0.0)
    assert cv_jobs.parallel_min_seconds("logistic") == 0.0
    assert cv_jobs.parallel_min_seconds("poisson") == float("inf")
    X, y = _problem(seed=2)
    labels = (y > np.median(y)).astype(float)
    for Model, target, on_threads in ((LassoCV, y, False),
                                      (SparseLogisticRegressionCV, labels, True)):  # fmt: skip
        scorer, threads = _where_scorer()
        Model(n_alphas=5, cv=4, n_jobs=2, scoring=scorer).fit(X, target)
        assert bool(set(threads) - {threading.get_ident()}) is on_threads


def test_the_thresholds_order():
    assert 0.0 < cv_jobs.LOGISTIC_PARALLEL_MIN_SECONDS < cv_jobs.PARALLEL_MIN_SECONDS
