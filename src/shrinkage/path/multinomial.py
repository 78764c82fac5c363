"""The multinomial path: W (p × K) at every α of a grid, warm-started and certified.

:func:`multinomial_path` is :func:`shrinkage.path` with ``loss="multinomial"``: the
problem is prepared once (:func:`~shrinkage.solvers.multinomial.prepare_multinomial`),
the grid is the one rule of :mod:`.grid` with α_max from the null model's correlations
(their largest entry per feature, or the row norm when ``grouped``), and each point is
solved from the previous one by :func:`~shrinkage.solvers.multinomial.
solve_multinomial_prepared`, or on small dense tables by the same loop compiled
(:mod:`.multinomial_compiled`). The result is a :class:`MultinomialPathResult`, whose
``coefs`` are (n_alphas, p, K) and ``intercepts`` (n_alphas, K), one column per class
of ``classes``.

An offset O (n × K, ``path(..., offset=O)``) is a fixed part of the linear predictors
``XW + 1bᵀ + O``: the null model, α_max, every solve and certificate include it, and the
intercepts are those of the model with the offset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .._validation import check_tol
from ..penalties import Penalty
from ..solvers.multinomial import (
    multinomial_alpha_max,
    multinomial_weights,
    prepare_multinomial,
    solve_multinomial,
    solve_multinomial_prepared,
)
from ..solvers.multinomial_model import LOSS, penalty_value
from . import multinomial_compiled
from .grid import alpha_grid, grid_l1_ratio
from .multitask import MultiTaskPathResult, row_group_result
from .prediction import secant_coefficients, secant_intercept

__all__ = ["MultinomialPathResult", "multinomial_path", "multinomial_result"]


@dataclass(frozen=True)
class MultinomialPathResult(MultiTaskPathResult):
    """A multinomial path: as :class:`~shrinkage.path.multitask.MultiTaskPathResult`,
    one column of ``coefs`` and ``intercepts`` per class (``classes``, sorted);
    ``predict`` gives the linear predictors (log-odds up to a common shift per row) and
    :meth:`predict_proba` the class probabilities, both without any offset of the fit
    (add it to ``predict`` and take the softmax for the model with the offset)."""

    classes: np.ndarray | None = None
    grouped: bool = False

    def predict_proba(self, X, alpha=None):
        """Class probabilities: (n, n_alphas, K) at every grid α, or (n, K) at one α."""
        from scipy.special import softmax

        return softmax(self.predict(X, alpha), axis=-1)

    def refit_at(self, alpha, X, y, *, sample_weight=None, offset=None):
        """Solve exactly at ``alpha`` from the nearest grid point (the path's data,
        offset and options); returns a :class:`~shrinkage.solvers.SolverResult`
        (``coef`` p × K)."""
        from .._validation import check_alpha

        alpha = check_alpha(alpha)
        nearest = int(np.argmin(np.abs(np.log(self.alphas / max(alpha, 1e-300)))))
        options = dict(fit_intercept=self.fit_intercept, sample_weight=sample_weight,
                       standardize=self.standardize, tol=self.tol,
                       coef_init=self.coefs[nearest], intercept_init=self.intercepts[nearest],
                       offset=offset)  # fmt: skip
        if self.groups is not None:  # user groups: blocks of features × classes
            from ..solvers.multinomial_groups import solve_multinomial_groups

            return solve_multinomial_groups(
                X, y, alpha, self.groups, l1_ratio=self.penalty.l1_ratio,
                group_weights=self.group_weights, **options,
            )  # fmt: skip
        return solve_multinomial(X, y, alpha, self.penalty, grouped=self.grouped, **options)


def multinomial_path(X, y, request, grouped=False) -> MultinomialPathResult:
    """The path of a :class:`~shrinkage.path.points.PathRequest` for labels y of K ≥ 2
    classes, before any warning."""
    start = time.perf_counter()
    penalty = request.penalty
    tol = check_tol(request.tol, np.float64)
    if request.coef_format != "dense":
        raise ValueError("a multinomial path returns dense coefs (n_alphas, p, K).")
    data = prepare_multinomial(X, y, request.sample_weight, request.standardize,
                               request.fit_intercept, request.offset)  # fmt: skip
    n, p = data.X.shape
    grid_penalty = Penalty(grid_l1_ratio(penalty.l1_ratio), penalty.penalty_factor)
    alphas = alpha_grid(
        lambda: multinomial_alpha_max(data, grid_penalty, grouped), request.n_alphas,
        request.alpha_min_ratio, alphas=request.alphas, shape=(n, p),
        l1_ratio=penalty.l1_ratio,
    )  # fmt: skip
    if multinomial_compiled.covers(data, grouped):
        multinomial_weights(data, 1.0, penalty)  # the penalty's checks
        statistics = multinomial_compiled.compiled_path(
            data, penalty, alphas, tol=tol, max_iter=request.max_iter,
            warm_start=request.warm_start,
        )  # fmt: skip
    else:
        statistics = _python_path(data, penalty, alphas, grouped, tol, request)
    return multinomial_result(request, alphas, statistics, start, "proximal_newton", tol,
                              data, grouped)  # fmt: skip


def multinomial_result(request, alphas, statistics, start, strategy, tol, data, grouped):
    """The :class:`MultinomialPathResult` of a path's ``statistics``: ``(coefs,
    intercepts, gaps, relative_gaps, n_iter, seconds)``."""
    coefs, intercepts, gaps, relative, n_iter, seconds = statistics
    result = row_group_result(
        MultinomialPathResult, request, alphas, coefs, intercepts,
        (gaps, relative, n_iter, np.zeros(alphas.size), seconds), start, "multinomial",
        strategy, tol, data.scale,
    )  # fmt: skip
    object.__setattr__(result, "classes", data.classes)
    object.__setattr__(result, "grouped", bool(grouped))
    return result


def _python_path(data, penalty, alphas, grouped, tol, request):
    """Every α in turn by :func:`~shrinkage.solvers.multinomial.
    solve_multinomial_prepared`: ``(coefs, intercepts, gaps, relative_gaps, n_iter,
    seconds)``."""
    p, n_classes = data.X.shape[1], data.Y.shape[1]
    coefs = np.zeros((alphas.size, p, n_classes))
    intercepts = np.zeros((alphas.size, n_classes))
    gaps, relative, n_iter, seconds = (np.zeros(alphas.size) for _ in range(4))
    W = b0 = previous = None
    predicting = False  # from the first α that needs a second Newton step on
    result = None
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        a, b = multinomial_weights(data, float(alpha), penalty)
        initial = (W, b0) if request.warm_start else (None, None)
        if request.warm_start and predicting and previous is not None:
            initial = _predicted_start(data, a, b, grouped, alphas, k, initial, previous)
        # a start is certified first unless the last α's needed steps (then this one
        # likely does too, and its certificate would be spent)
        certify = result is None or result.n_iter == 0
        result = solve_multinomial_prepared(
            data, a, b, grouped, tol=tol, max_iter=request.max_iter, coef_init=initial[0],
            intercept_init=initial[1], certify_start=certify,
        )  # fmt: skip
        previous = None if W is None else (W, b0)
        predicting = predicting or result.n_iter > 1
        W, b0 = result.coef, result.intercept
        coefs[k], intercepts[k] = W, b0
        gaps[k], relative[k], n_iter[k] = result.dual_gap, result.relative_gap, result.n_iter
        seconds[k] = time.perf_counter() - tick
    return coefs, intercepts, gaps, relative, n_iter, seconds


def _predicted_start(data, a, b, grouped, alphas, k, start, previous):
    """The start of α_k: the secant through the last two solutions
    (:mod:`shrinkage._kernels.prediction`, entry by entry) where its objective at α_k is
    lower than the warm start's, else the warm start; ``(W, intercepts)``."""
    W, intercept = start
    guess = secant_coefficients(W, previous[0], alphas, k)
    guess_intercept = intercept
    if data.fit_intercept:
        guess_intercept = secant_intercept(intercept, previous[1], alphas, k)

    def objective(V, v0):
        value = LOSS.value(data.Y, data.predictor(V, v0), data.s)
        return value + penalty_value(V, a, b, grouped)

    if objective(guess, guess_intercept) < objective(W, intercept):
        return guess, guess_intercept
    return start
