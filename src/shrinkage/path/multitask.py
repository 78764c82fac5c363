"""The multi-task path: W (p × T) at every α of a grid, warm-started and certified.

:func:`multitask_path` is :func:`shrinkage.path` with ``loss="multitask"``: the problem
is prepared once (:func:`~shrinkage.solvers.multitask.prepare_multitask`), the grid is
the one rule of :mod:`.grid` with α_max from the row norms of ``XᵀY``, and each point is
solved from the previous one by :func:`~shrinkage.solvers.multitask.
solve_multitask_prepared` (working sets on the residual), or on a tall table of few
features (:func:`gram_mode`) by block coordinate descent on ``XᵀX/n`` and ``XᵀY/n``
(:mod:`shrinkage._kernels.multitask_gram`, ``strategy="block_cd_gram"``). The result
is a :class:`MultiTaskPathResult`: a :class:`~shrinkage.path.result.PathResult` whose
``coefs`` are (n_alphas, p, T) and ``intercepts`` (n_alphas, T); a feature is active
when its row is non-zero.

An offset O (n × T, or (n,) for every task: ``path(..., offset=O)``) makes the path that
of ``Y − O``, exactly, as for the squared loss; the intercepts are those of the model
with the offset.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields

import numpy as np

from .._kernels.multitask_gram import gram_objective, gram_solve
from .._validation import check_tol
from ..penalties import Penalty
from ..solvers.multitask import (
    _weights,
    multitask_alpha_max,
    multitask_residual,
    prepare_multitask,
    solve_multitask,
    solve_multitask_prepared,
)
from .grid import alpha_grid, grid_l1_ratio
from .prediction import secant_coefficients
from .result import PathResult

__all__ = ["MultiTaskPathResult", "gram_mode", "multitask_path", "row_group_result"]

# the most features a Gram-mode path takes (its p × p matrix: 0.3 MB at 200)
_GRAM_MAX_FEATURES = 200


@dataclass(frozen=True)
class MultiTaskPathResult(PathResult):
    """A multi-task path: as :class:`~shrinkage.path.result.PathResult`, with
    ``coefs`` of shape (n_alphas, n_features, n_tasks), ``intercepts`` (n_alphas,
    n_tasks), and ``n_active`` / ``entry_alpha`` counting a feature when its row (all
    tasks) is non-zero."""

    def intercept_at(self, alpha):
        """The intercepts (one per task) at α, interpolated as :meth:`coef_at`."""
        k, t = self._bracket(alpha)
        if t == 0.0:
            return np.array(self.intercepts[k])
        return (1.0 - t) * self.intercepts[k] + t * self.intercepts[k + 1]

    def predict(self, X, alpha=None):
        """``X W + b``: (n, n_alphas, T) at every grid α, or (n, T) at one ``alpha``
        (without any offset of the fit)."""
        X = self._checked(X)
        if alpha is None:
            out = np.empty((X.shape[0], *self.intercepts.shape))
            for t in range(out.shape[2]):
                out[:, :, t] = np.asarray(X @ self.coefs[:, :, t].T) + self.intercepts[:, t]
            return out
        return np.asarray(X @ self.coef_at(alpha)) + self.intercept_at(alpha)

    def to_frame(self):
        """The coefficients as a long pandas DataFrame: one row per (α, task), columns
        ``intercept`` and the features."""
        import pandas as pd

        n_alphas, p, n_tasks = self.coefs.shape
        rows = self.coefs.transpose(0, 2, 1).reshape(n_alphas * n_tasks, p)
        frame = pd.DataFrame(rows, columns=list(self.feature_names))
        frame.insert(0, "intercept", self.intercepts.reshape(-1))
        frame.index = pd.MultiIndex.from_product(
            [self.alphas, range(n_tasks)], names=["alpha", "task"]
        )
        return frame

    def refit_at(self, alpha, X, y, *, sample_weight=None, offset=None):
        """Solve exactly at ``alpha`` from the nearest grid point (the path's data,
        offset and options); returns a :class:`~shrinkage.solvers.SolverResult`
        (``coef`` p × T)."""
        from .._validation import check_alpha

        alpha = check_alpha(alpha)
        nearest = int(np.argmin(np.abs(np.log(self.alphas / max(alpha, 1e-300)))))
        return solve_multitask(
            X, y, alpha, self.penalty, fit_intercept=self.fit_intercept,
            sample_weight=sample_weight, standardize=self.standardize, tol=self.tol,
            coef_init=self.coefs[nearest], offset=offset,
        )  # fmt: skip

    def plot(self, ax=None, *, standardized=None, label="all"):
        """The row norms ``‖W_j‖₂`` against α (:func:`shrinkage.plots.paths.plot_path`
        of the path of norms); returns the axes."""
        from ..plots.paths import plot_path

        values = {field.name: getattr(self, field.name) for field in fields(PathResult)}
        values.update(coefs=np.linalg.norm(self.coefs, axis=2), intercepts=self.intercepts[:, 0])
        norms = PathResult(**values)
        return plot_path(norms, ax, standardized=standardized, label=label)


def multitask_path(X, Y, request) -> MultiTaskPathResult:
    """The path of a :class:`~shrinkage.path.points.PathRequest` with a matrix of
    targets Y (n × T), before any warning."""
    start = time.perf_counter()
    penalty = request.penalty
    tol = check_tol(request.tol, np.float64)
    if request.coef_format != "dense":
        raise ValueError("a multi-task path returns dense coefs (n_alphas, p, T).")
    data = prepare_multitask(X, Y, request.sample_weight, request.fit_intercept,
                             request.standardize, request.offset)  # fmt: skip
    n, p = data.X.shape
    grid_penalty = Penalty(grid_l1_ratio(penalty.l1_ratio), penalty.penalty_factor)
    alphas = alpha_grid(
        lambda: multitask_alpha_max(data, grid_penalty), request.n_alphas,
        request.alpha_min_ratio, alphas=request.alphas, shape=(n, p),
        l1_ratio=penalty.l1_ratio,
    )  # fmt: skip
    gram = gram_mode(data)
    solve = _gram_points if gram else _residual_points
    statistics = solve(data, penalty, alphas, tol, request)
    coefs, intercepts = statistics[:2]
    return row_group_result(
        MultiTaskPathResult, request, alphas, coefs, intercepts, statistics[2:], start,
        "multitask", "block_cd_gram" if gram else "block_cd", tol, data.scale,
    )  # fmt: skip


def gram_mode(data) -> bool:
    """Whether a path works on ``XᵀX/n`` and ``XᵀY/n``
    (:mod:`shrinkage._kernels.multitask_gram`): a tall table (n ≥ p) of at most
    ``_GRAM_MAX_FEATURES`` features, where an epoch over the p × p matrix costs less
    than one pass over X."""
    n, p = data.X.shape
    return p <= _GRAM_MAX_FEATURES and n >= p


def _residual_points(data, penalty, alphas, tol, request):
    """Every α by :func:`~shrinkage.solvers.multitask.solve_multitask_prepared` (working
    sets on the residual): ``(coefs, intercepts, gaps, relative_gaps, n_iter,
    n_screened, seconds)``."""
    p, n_tasks = data.X.shape[1], data.Y.shape[1]
    coefs = np.zeros((alphas.size, p, n_tasks))
    intercepts = np.zeros((alphas.size, n_tasks))
    gaps, relative, n_iter, screened, seconds = (np.zeros(alphas.size) for _ in range(5))
    W = previous = None
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        a, b = _weights(data, float(alpha), penalty)
        start_k = W if request.warm_start else None
        if request.warm_start and previous is not None:
            start_k = _predicted_start(data, a, b, alphas, k, W, previous)
        result = solve_multitask_prepared(data, a, b, tol=tol, max_epochs=request.max_iter,
                                          coef_init=start_k)  # fmt: skip
        previous = W
        W = result.coef
        coefs[k], intercepts[k] = W, result.intercept
        gaps[k], relative[k] = result.dual_gap, result.relative_gap
        n_iter[k], screened[k] = result.n_iter, result.n_screened
        seconds[k] = time.perf_counter() - tick
    return coefs, intercepts, gaps, relative, n_iter, screened, seconds


def _gram_points(data, penalty, alphas, tol, request):
    """Every α by block coordinate descent on the Gram statistics
    (:func:`shrinkage._kernels.multitask_gram.gram_solve`, each point certified by the
    gap of its own residual), started as :func:`_residual_points` starts them; the same
    tuple (nothing screened)."""
    X, Y = data.X, np.ascontiguousarray(data.Y)
    n, p = X.shape
    Q = np.ascontiguousarray(X.T @ X) / n
    C = np.ascontiguousarray(X.T @ Y) / n
    yy = float(np.vdot(Y, Y)) / n
    coefs = np.zeros((alphas.size, p, Y.shape[1]))
    intercepts = np.zeros((alphas.size, Y.shape[1]))
    values = np.zeros((alphas.size, 3))
    seconds = np.zeros(alphas.size)
    W, before, stats = np.zeros((p, Y.shape[1])), None, np.zeros(3)
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        a, b = _weights(data, float(alpha), penalty)
        if not request.warm_start:
            W = np.zeros_like(W)
        last = W.copy()  # the solution at the α before (W is solved in place)
        if request.warm_start and before is not None:  # the secant where it is lower
            guess = secant_coefficients(W, before, alphas, k)
            if gram_objective(Q, C, yy, guess, a, b) < gram_objective(Q, C, yy, W, a, b):
                W = guess
        before = last if k >= 1 else None
        gram_solve(X, Y, Q, C, yy, W, a, b, float(tol), int(request.max_iter), stats)
        coefs[k], intercepts[k], values[k] = W, data.intercept(W), stats
        seconds[k] = time.perf_counter() - tick
    gaps, relative, n_iter = values.T
    return coefs, intercepts, gaps, relative, n_iter, np.zeros(alphas.size), seconds


def _predicted_start(data, a, b, alphas, k, W, previous):
    """The start of α_k: the secant through the last two solutions
    (:mod:`shrinkage._kernels.prediction`, entry by entry) where its objective at α_k is
    lower than the warm start's, else the warm start."""
    guess = secant_coefficients(W, previous, alphas, k)
    n = data.X.shape[0]

    def objective(V):
        R = multitask_residual(data.X, data.Y, V)
        norms = np.linalg.norm(V, axis=1)
        return float(np.vdot(R, R)) / (2 * n) + float(a @ norms + 0.5 * b @ norms**2)

    return guess if objective(guess) < objective(W) else W


def row_group_result(kind, request, alphas, coefs, intercepts, statistics, start, loss,
                     strategy, tol, scale):  # fmt: skip
    """The result of a path whose coefficients are (n_alphas, p, K) (``kind``: this
    module's class or a subclass): a feature is active when its row is non-zero.
    ``statistics`` are the per-point gaps, relative gaps, iterations, screened features
    and seconds."""
    gaps, relative, n_iter, screened, seconds = statistics
    p = coefs.shape[1]
    active = np.any(coefs != 0, axis=2)  # (n_alphas, p)
    entry = np.zeros(p)
    ever = active.any(axis=0)
    entry[ever] = alphas[active.argmax(axis=0)[ever]]
    names = request.feature_names
    if names is not None:
        names = np.asarray(names, dtype=object)
        if names.shape != (p,):
            raise ValueError(f"feature_names has {names.size} names for {p} features.")
    return kind(
        alphas=alphas, coefs=coefs, intercepts=intercepts, dual_gaps=gaps,
        relative_gaps=relative, n_iter=np.asarray(n_iter).astype(int),
        n_active=active.sum(axis=1), n_screened=np.asarray(screened).astype(int),
        entry_alpha=entry,
        timings={"total": time.perf_counter() - start, "per_alpha": seconds}, _names=names,
        l1_ratio=float(request.penalty.l1_ratio), loss=loss, strategy=strategy, tol=tol,
        column_std=scale, penalty=request.penalty, fit_intercept=request.fit_intercept,
        standardize=request.standardize,
    )  # fmt: skip
