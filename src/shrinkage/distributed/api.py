"""Distributed data in, the library's results out: the strategy chosen from the shape, then
the algorithm.

=================  ==========================================  =====================
strategy           what it does                                passes
=================  ==========================================  =====================
``"statistics"``   squared loss, p small enough for p × p      1 for a path and a
                   statistics per fold on the driver: the      K-fold CV together
                   path (and CV) from one-pass sufficient
                   statistics (:mod:`.tall`)
``"working_set"``  squared loss, any p: distributed working    2 per outer iteration
                   sets (:mod:`.wide`), ridge by conjugate     (1 per CG iteration)
                   gradients (:mod:`.ridge_cg`)
``"newton"``       logistic loss: distributed proximal         about 2–5 per α
                   Newton (:mod:`.logistic`)
=================  ==========================================  =====================

``"auto"`` takes ``"statistics"`` for the squared loss when the per-block statistics,
``max(K, 1)·8p²`` bytes, are at most :data:`AUTO_STATISTICS_BYTES` (256 MiB: p up to
about 5,800 without folds, 1,800 with 10), so that a worker of 1 GiB holds them beside its
block; else ``"working_set"``. The logistic loss always takes ``"newton"``.
"""

from __future__ import annotations

from contextlib import nullcontext
from functools import partial

import numpy as np

from ..certificates import Certificate
from ..defaults import CV_FOLDS, N_ALPHAS, RANDOM_STATE, SELECTION, TOL
from ..penalties import L1, Penalty
from ..solvers import SolverResult
from .cv import CVResult, blocked_cv, held_out_losses
from .engines import as_partitioned
from .operations import squared_gradient
from .statistics import sufficient_statistics
from .tall import tall_cv, tall_path, tall_ridge

__all__ = ["AUTO_STATISTICS_BYTES", "LOSSES", "STRATEGIES", "DistributedProblem",
           "choose_strategy"]  # fmt: skip

#: The largest per-block statistics (bytes) for which ``"auto"`` takes ``"statistics"``.
AUTO_STATISTICS_BYTES = 256 * 1024**2

LOSSES = ("squared", "logistic")
STRATEGIES = ("auto", "statistics", "working_set", "newton")


def choose_strategy(loss, n_features, n_folds=0, strategy="auto") -> str:
    """The strategy of the table above.

    Examples
    --------
    >>> choose_strategy("squared", 100), choose_strategy("squared", 10**6)
    ('statistics', 'working_set')
    >>> choose_strategy("logistic", 100)
    'newton'
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}.")
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}.")
    if loss == "logistic":
        if strategy not in ("auto", "newton"):
            raise ValueError(f"the logistic loss is solved by 'newton', not {strategy!r}.")
        return "newton"
    if strategy == "newton":
        raise ValueError("strategy 'newton' is for the logistic loss.")
    if strategy != "auto":
        return strategy
    fits = max(int(n_folds), 1) * 8 * n_features**2 <= AUTO_STATISTICS_BYTES
    return "statistics" if fits else "working_set"


def _as_solver_result(path, k, name, primal, kkt) -> SolverResult:
    """Point ``k`` of a path, whose objective is ``primal`` and per-feature KKT residual
    ``kkt``, as a :class:`SolverResult`."""
    gap, relative = float(path.dual_gaps[k]), float(path.relative_gaps[k])
    scale = gap / relative if relative > 0 else max(primal, np.finfo(float).tiny)
    certificate = Certificate(primal, primal - gap, gap, scale, relative, kkt, None)
    return SolverResult(
        coef=path.dense_coefs()[k].copy(), intercept=float(path.intercepts[k]),
        certificate=certificate, n_iter=int(path.n_iter[k]),
        converged=bool(relative <= path.tol), tol=path.tol, solver=name,
        n_screened=int(path.n_screened[k]),
    )  # fmt: skip


def _kept(data):
    """The engine's :meth:`~shrinkage.distributed.blocks.Engine.kept` block, for the
    strategies of many passes (nothing for data that cannot keep its rows)."""
    return data.kept() if hasattr(data, "kept") else nullcontext()


def _penalty_value(penalty, alpha, coef, column_std) -> float:
    """``α·penalty(w)`` with the weights of the fit (standardised by ``column_std``)."""
    a, b = penalty.weights(alpha, coef.size, column_std)
    return float(a @ np.abs(coef) + 0.5 * (b @ coef**2))


class DistributedProblem:
    """One data set on an engine, with what its fits share: the one-pass statistics
    (computed on first use, with the folds of the first CV asked for, then reused).

    Parameters
    ----------
    data : PartitionedData, Dask or Spark data
        What :func:`~shrinkage.distributed.engines.as_partitioned` accepts (with ``y``,
        ``sample_weight``, ``target``, ``weight``, ``features`` as there).
    loss : {"squared", "logistic"}
    strategy : {"auto", "statistics", "working_set", "newton"}
    n_folds : int
        The folds the statistics keep (0: none); a CV with another K reads the data again.
    seed : int
        Rows go to folds by a seeded hash of their position.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 5)); y = X @ [1.5, 0, 0, -2.0, 0] + rng.normal(size=400)
    >>> data = ArrayBlocks(X, y, n_partitions=4)
    >>> problem = DistributedProblem(data, n_folds=5)
    >>> cv = problem.cv()
    >>> result = problem.path(n_alphas=20)
    >>> np.flatnonzero(cv.coef_).tolist(), data.passes
    ([0, 3], 1)
    """

    def __init__(self, data, y=None, sample_weight=None, *, loss="squared", strategy="auto",
                 n_folds=0, seed=RANDOM_STATE, target=None, weight=None,
                 features=None):  # fmt: skip
        partitioned = as_partitioned(data, y, sample_weight, target=target, weight=weight,
                                     features=features)  # fmt: skip
        if partitioned is None:
            raise TypeError(
                "DistributedProblem takes Dask or Spark data or a PartitionedData; fit "
                f"in-memory data ({type(data).__name__}) with the estimators or shrinkage.path."
            )
        self.data, self.loss, self.seed = partitioned, loss, seed
        self.n_folds = int(n_folds)
        self.strategy = choose_strategy(loss, partitioned.n_features, self.n_folds, strategy)
        self._statistics = None

    @property
    def feature_names(self) -> list[str]:
        return self.data.feature_names

    def statistics(self, n_folds=None):
        """The fold statistics (one pass, kept; another K reads the data again)."""
        n_folds = self.n_folds if n_folds is None else int(n_folds)
        if self._statistics is None or self._statistics.n_folds != max(n_folds, 1):
            self._statistics = sufficient_statistics(self.data, n_folds=n_folds, seed=self.seed)
        return self._statistics

    def path(self, penalty: Penalty | None = None, *, alphas=None, n_alphas=N_ALPHAS,
             alpha_min_ratio=None, fit_intercept=True, standardize=False, tol=TOL,
             max_iter=None, warn=True):  # fmt: skip
        """The path of ``loss + α·penalty`` (:class:`~shrinkage.path.PathResult`)."""
        penalty = _unboxed(L1() if penalty is None else penalty)
        options = dict(alphas=alphas, n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                       fit_intercept=fit_intercept, standardize=standardize, tol=tol,
                       feature_names=self.feature_names, warn=warn)  # fmt: skip
        if max_iter is not None:
            options["max_iter"] = max_iter
        if self.strategy == "statistics":
            return tall_path(self.statistics().total(), penalty, **options)
        with _kept(self.data):
            if self.strategy == "working_set":
                from .wide import wide_path

                return wide_path(self.data, penalty, **options)
            from .logistic import logistic_path

            return logistic_path(self.data, penalty, **options)

    def fit(self, alpha, penalty: Penalty | None = None, *, fit_intercept=True,
            standardize=False, tol=TOL, max_iter=None) -> SolverResult:  # fmt: skip
        """One certified fit at ``alpha`` (:class:`~shrinkage.solvers.SolverResult`)."""
        penalty = _unboxed(L1() if penalty is None else penalty)
        options = dict(fit_intercept=fit_intercept, standardize=standardize, tol=tol)
        if self.loss == "logistic":
            from .logistic import logistic_fit

            extra = {} if max_iter is None else {"max_iter": max_iter}
            with _kept(self.data):
                return logistic_fit(self.data, alpha, penalty, **options, **extra)
        if penalty.l1_ratio == 0 and not penalty.positive:
            if self.strategy == "statistics":
                return tall_ridge(self.statistics().total(), alpha,
                                  penalty_factor=penalty.penalty_factor, **options)  # fmt: skip
            return self._ridge_cg(alpha, penalty, options, max_iter)
        path = self.path(penalty, alphas=[alpha], max_iter=max_iter, warn=False, **options)
        coef, intercept = path.dense_coefs()[0], float(path.intercepts[0])
        primal = self._loss_value(coef, intercept, fit_intercept) + _penalty_value(
            penalty, alpha, coef, path.column_std
        )  # fmt: skip
        gradient = self._gradient(coef, intercept, fit_intercept)
        kkt = penalty.subdiff_distance(coef, gradient, alpha, path.column_std)
        return _as_solver_result(path, 0, f"distributed {self.strategy}", primal, kkt)

    def _gradient(self, coef, intercept, fit_intercept) -> np.ndarray:
        """The squared loss's gradient at (w, b) (intercept profiled out when fitted):
        ``(S_xx w − S_xy)/W`` from the statistics when they are kept, else in one pass
        (:func:`~shrinkage.distributed.operations.squared_gradient`)."""
        if self._statistics is not None:
            stats = self._statistics.total()
            xx, xy, _ = stats.moments(fit_intercept)
            return (xx @ coef - xy) / stats.weight
        return squared_gradient(self.data, coef, intercept, fit_intercept)

    def _loss_value(self, coef, intercept, fit_intercept) -> float:
        """``1/(2W) Σ s (y − xᵀw − b)²``: from the statistics when they are kept, else in
        one pass."""
        if self._statistics is not None:
            stats = self._statistics.total()
            xx, xy, yy = stats.moments(fit_intercept)
            residual = yy - 2.0 * coef @ xy + coef @ xx @ coef
            return max(residual, 0.0) / (2.0 * stats.weight)
        total, weight = self.data.reduce(
            partial(held_out_losses, "squared", coef[None, :], np.array([intercept])),
            label="objective",
        )  # fmt: skip
        return float(total[0]) / (2.0 * weight)

    def cv(self, penalty: Penalty | None = None, *, n_folds=None, alphas=None,
           n_alphas=N_ALPHAS, alpha_min_ratio=None, fit_intercept=True, standardize=False,
           tol=TOL, max_iter=None, selection=SELECTION, warn=True) -> CVResult:  # fmt: skip
        """K-fold CV of the path and the fit at the chosen α (:class:`~.cv.CVResult`):
        from the one-pass fold statistics, or by passes over each fold
        (:func:`~shrinkage.distributed.cv.blocked_cv`)."""
        penalty = _unboxed(L1() if penalty is None else penalty)
        n_folds = (self.n_folds or CV_FOLDS) if n_folds is None else int(n_folds)
        options = dict(fit_intercept=fit_intercept, standardize=standardize, tol=tol)
        if max_iter is not None:
            options["max_iter"] = max_iter
        if self.strategy == "statistics":
            return tall_cv(self.statistics(n_folds), penalty, alphas=alphas,
                           n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                           selection=selection, feature_names=self.feature_names, warn=warn,
                           **options)  # fmt: skip
        grid = dict(n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio)

        def fit_path(part, grid_alphas):
            problem = DistributedProblem(part, loss=self.loss, strategy=self.strategy)
            return problem.path(penalty, alphas=grid_alphas, warn=False, **grid, **options)

        with _kept(self.data):
            return blocked_cv(self.data, fit_path, loss=self.loss, n_folds=n_folds,
                              seed=self.seed, alphas=alphas, selection=selection, warn=warn,
                              name=f"distributed CV ({self.strategy})")  # fmt: skip

    def _ridge_cg(self, alpha, penalty, options, max_iter):
        from .ridge_cg import ridge_cg

        extra = {} if max_iter is None else {"max_iter": max_iter}
        with _kept(self.data):
            fit = ridge_cg(self.data, alpha, penalty_factor=penalty.penalty_factor,
                           **options, **extra)  # fmt: skip
            primal = self._loss_value(fit.coef, fit.intercept, options["fit_intercept"])
            gradient = self._gradient(fit.coef, fit.intercept, options["fit_intercept"])
        primal += _penalty_value(penalty, alpha, fit.coef, fit.column_std)
        kkt = penalty.subdiff_distance(fit.coef, gradient, alpha, fit.column_std)
        scale = fit.dual_gap / fit.relative_gap if fit.relative_gap > 0 else primal
        certificate = Certificate(primal, primal - fit.dual_gap, fit.dual_gap, scale,
                                  fit.relative_gap, kkt, None)  # fmt: skip
        return SolverResult(fit.coef, fit.intercept, certificate, fit.n_iter, fit.converged,
                            options["tol"], "distributed conjugate gradient")  # fmt: skip


def _unboxed(penalty):
    """``penalty``, refused when it has box constraints (solved in memory only)."""
    if isinstance(penalty, Penalty) and penalty.boxed:
        raise ValueError("lower / upper bounds apply to data in memory, not to distributed "
                         "data.")  # fmt: skip
    return penalty
