"""The multinomial lasso path with each point solved in one compiled call, for the small
dense problems it covers.

:func:`compiled_path` runs the loop of :func:`shrinkage.path.multinomial.multinomial_path`
with each α solved by :func:`shrinkage._kernels.multinomial_path.solve_point`, the
proximal-Newton loop of :mod:`shrinkage.solvers.multinomial` run by numba, for the
ungrouped penalty on dense data whose face systems are small
(``n·(pK)² ≤ _MAX_FACE_WORK``). The points are certified by the same duality gap at the
same tolerance; only the Python calls between the kernels are gone (a 20-α path of iris
at rel. gap 1e-6: 40 → 4 ms). Larger problems keep the Python loop, whose face steps
form their systems with BLAS. The first call compiles the loop (about 15 s on one core,
once: numba caches it).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp

from .._kernels.multinomial_path import objective, solve_point
from ..solvers import multinomial as solver
from ..solvers import multinomial_model as model
from .prediction import secant_coefficients, secant_intercept

__all__ = ["compiled_path", "covers"]

# n·(pK)² (the work of forming the largest face system, m = pK entries) up to which the
# compiled loop runs: it forms face systems by plain loops, the Python loop with BLAS.
# 20-α paths at rel. gap 1e-4 and 1e-6, compiled over Python: iris 150 × 4 × 3 classes
# and a 442 × 10 × 3 table 3.5-10×; 200 × 50 × 3, 150 × 100 × 3, 500 × 30 × 4 and
# 2000 × 10 × 5 (n·(pK)² = 4.5e6-1.4e7) 1.2-1.6×; 1000 × 50 × 5 (6e7) 0.55×, digits
# (1797 × 64 × 10, 7e8) 0.7×
_MAX_FACE_WORK = 2e7


def covers(data, grouped) -> bool:
    """Whether :func:`compiled_path` solves this prepared problem: the ungrouped penalty,
    dense X with more than one row and column, ``n·(pK)² ≤ _MAX_FACE_WORK``."""
    X = data.X
    if grouped or sp.issparse(X) or 1 in X.shape:
        return False
    n, p = X.shape
    return n * float(p * data.Y.shape[1]) ** 2 <= _MAX_FACE_WORK


def _settings():
    """The solver's rules, in the order the compiled loop reads them."""
    return np.array([
        solver._FIRST_WORKING_SET, solver._WORKING_SET_TOL, solver._MODEL_TOL,
        solver._ARMIJO, solver._RESOLUTION, model._MODEL_EPOCHS, model._EPOCHS_PER_RUN,
        model._FACE_MAX_ENTRIES,
    ], dtype=np.float64)  # fmt: skip


def compiled_path(data, penalty, alphas, *, tol, max_iter, warm_start):
    """Every α of ``alphas`` on the prepared problem ``data``
    (:class:`~shrinkage.solvers.multinomial.MultinomialData`): ``(coefs, intercepts,
    gaps, relative_gaps, n_iter, seconds)``, coefs (n_alphas, p, K). The caller checks
    :func:`covers` and the penalty (:func:`~shrinkage.solvers.multinomial.
    multinomial_weights`) first. Each α starts from the last solution or, from the first
    α that needed more than one Newton step on, from the secant through the last two
    where its objective is lower, as the Python loop does."""
    X, problem, centred, fit_intercept, scale, null = _arrays(data)
    n, p = X.shape
    K = null.shape[0]
    alphas = np.array(alphas, dtype=np.float64)
    l1_unit, l2_unit = (np.asarray(u, dtype=np.float64)
                        for u in penalty.weights(1.0, p, data.scale))  # fmt: skip
    coefs = np.zeros((alphas.shape[0], p, K))
    intercepts = np.zeros((alphas.shape[0], K))
    values = np.zeros((alphas.shape[0], 4))
    squares = X * X
    W, intercept = np.zeros((p, K)), null.copy()
    previous = (np.zeros((p, K)), np.zeros(K))
    Z, work, stats = np.empty((n, K)), np.empty((4, max(n, p), K)), np.zeros(3)
    settings = _settings()
    for k in range(alphas.shape[0]):
        tick = time.perf_counter()
        a, b = alphas[k] * l1_unit, alphas[k] * l2_unit
        if not warm_start:
            W[...], intercept[...] = 0.0, null
        predict = warm_start and k >= 2 and bool(np.any(values[:k, 2] > 1))
        _start(X, problem + (a, b, Z), fit_intercept, alphas, k, W, intercept, previous,
               predict)  # fmt: skip
        certify = k == 0 or values[k - 1, 2] == 0  # the last α's start needed no step
        solve_point(
            X, squares, *problem[1:], problem[0], centred, fit_intercept, scale, a, b,
            float(tol), int(max_iter), W, intercept, bool(certify), settings, Z, work, stats,
        )  # fmt: skip
        coefs[k], intercepts[k] = W, intercept
        values[k, :3] = stats
        values[k, 3] = time.perf_counter() - tick
    return coefs, intercepts, values[:, 0], values[:, 1], values[:, 2], values[:, 3]


def _arrays(data):
    """The problem as the kernels take it: ``(X, (offset, Y, s), centred offset,
    fit_intercept, P(0), null intercepts)``, X a writable Fortran float64 array and the
    offsets (0, K) arrays where there is none."""
    X = np.asfortranarray(data.X, dtype=np.float64)
    if not X.flags.writeable:
        X = X.copy(order="F")
    K = data.Y.shape[1]
    offset = centred = np.zeros((0, K))
    if data.offset is not None:
        offset = np.ascontiguousarray(data.offset, dtype=np.float64)
        centred = offset - offset.mean(axis=1, keepdims=True)
    Y = np.ascontiguousarray(data.Y, dtype=np.float64)
    s = np.array(data.s, dtype=np.float64)
    scale = float(data.primal_at_zero if data.primal_at_zero > 0 else 1.0)
    null = np.array(data.null_intercept, dtype=np.float64)
    return X, (offset, Y, s), centred, bool(data.fit_intercept), scale, null


def _start(X, problem, fit_intercept, alphas, k, W, intercept, previous, predict):
    """α_k's start in (W, intercept): the secant through ``previous`` (the solution
    before the last) and the last solution where ``predict`` and its objective is lower;
    ``previous`` becomes the last solution."""
    previous_W, previous_b = previous
    better = False
    if predict:
        guess = secant_coefficients(W, previous_W, alphas, k)
        guess_b = intercept.copy()
        if fit_intercept:
            guess_b = secant_intercept(intercept, previous_b, alphas, k)
        better = objective(X, guess, guess_b, *problem) < objective(X, W, intercept, *problem)
    previous_W[...], previous_b[...] = W, intercept
    if better:
        W[...], intercept[...] = guess, guess_b
