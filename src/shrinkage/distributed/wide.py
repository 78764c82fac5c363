"""The squared-loss path on row blocks when the p × p Gram matrix is too big to form.

Each α is solved from the previous solution by distributed working sets (the scheme of
:func:`shrinkage.solvers.working_set.working_set_cd`, Massias, Gramfort & Salmon (2018),
"Celer", ICML, with the passes over the data made explicit)::

    repeat
        one correlations pass → (X_effᵀr, ‖r‖², y_effᵀr) → duality gap, KKT, gap-safe test
        stop when gap ≤ tol · P(0)
        W ← support ∪ the largest KKT violators not proven zero (twice as large each time)
        one Gram pass for the columns of W not seen before → X_Wᵀ X_W, X_Wᵀ y
        solve the problem restricted to W on the driver (shrinkage.solvers.gram_cd)

The statistics of a pass depend on w only, not on α: the last check of one α is the
first check of the next, so a point that needs one sub-problem costs two passes (Gram
block and check), and one whose working set is already known costs one. The Gram columns
read so far are kept (:class:`GramColumns`), up to :data:`GRAM_CACHE_FEATURES` of them.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from .._kernels.gap import check_summary
from .._uniform import scaled, take, unit_weights
from .._validation import (
    check_finite_weights,
    check_flag,
    check_max_iter,
    check_tol,
    check_varying_columns,
)
from ..path.api import warn_unconverged
from ..path.grid import alpha_grid, grid_l1_ratio
from ..path.points import PathRequest, assemble, new_points, output_rows
from ..path.result import PathResult
from ..penalties import L1, Penalty
from ..solvers.gram_cd import gram_cd
from ..solvers.states import GramState, float32_majorant
from ..solvers.working_set import check_arguments, choose_working_set, duality_gap
from .operations import column_moments, correlations, gram_block

__all__ = ["GRAM_CACHE_FEATURES", "GramColumns", "wide_path"]

GRAM_CACHE_FEATURES = 4096  # Gram columns kept between sub-problems (128 MiB at most)
INNER_FRACTION = 0.1  # sub-problems are solved to this fraction of tol
FIRST_WORKING_SET = 10  # the smallest working set (skglm's ws_start)
MAX_EPOCHS = 100_000  # epochs of one sub-problem on the driver


class GramColumns:
    """The Gram matrix of the columns read so far, grown one pass at a time.

    Parameters
    ----------
    data : PartitionedData
    centring : Centring
    limit : int
        The most columns kept; past it the kept matrix is dropped and rebuilt from the
        requested set.
    """

    def __init__(self, data, centring, limit=GRAM_CACHE_FEATURES):
        self.data, self.centring, self.limit = data, centring, int(limit)
        self.features = np.zeros(0, dtype=np.int64)
        self.gram, self.xty = np.zeros((0, 0)), np.zeros(0)
        self.passes = 0

    def restricted(self, features):
        """``(X_Fᵀ X_F, X_Fᵀ y)`` of the effective columns F (sorted indices), reading
        only the columns not kept yet (one pass, or none)."""
        new = np.setdiff1d(features, self.features, assume_unique=True)
        if new.size:
            if self.features.size + new.size > self.limit:
                self.features, self.gram, self.xty = new[:0], np.zeros((0, 0)), np.zeros(0)
                new = np.asarray(features, dtype=np.int64)
            self._add(new)
        where = np.searchsorted(self.features, features)
        return self.gram[np.ix_(where, where)], self.xty[where]

    def _add(self, new):
        kept = self.features.size
        columns = np.concatenate([self.features, new])
        cross, xty = gram_block(self.data, new, self.centring, columns)  # |new| × all
        self.passes += 1
        gram = np.empty((columns.size, columns.size))
        gram[:kept, :kept] = self.gram
        gram[kept:, :] = cross
        gram[:kept, kept:] = cross[:, :kept].T
        corner = cross[:, kept:]
        gram[kept:, kept:] = 0.5 * (corner + corner.T)  # symmetric up to rounding
        order = np.argsort(columns)
        self.features = columns[order]
        self.gram = gram[np.ix_(order, order)]
        self.xty = np.concatenate([self.xty, xty])[order]


def wide_path(
    data,
    penalty: Penalty | None = None,
    *,
    alphas=None,
    n_alphas=100,
    alpha_min_ratio=None,
    fit_intercept=True,
    standardize=False,
    tol=1e-4,
    max_iter=50,
    feature_names=None,
    coef_format="dense",
    warn=True,
) -> PathResult:
    """The squared-loss path of row-block data by distributed working sets.

    Minimises ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ_j f_j(ρ|w_j| + ½(1−ρ)w_j²)`` on a
    decreasing α grid, as :func:`shrinkage.path`, without forming the p × p Gram matrix:
    the driver holds p-vectors and the Gram matrix of a working set only.

    Parameters
    ----------
    data : PartitionedData
        Row blocks (:class:`~shrinkage.distributed.ArrayBlocks`, Dask, Spark), dense or
        sparse.
    penalty : Penalty, default ``L1()``
        ρ > 0 (pure ridge: :func:`shrinkage.distributed.ridge_cg.ridge_cg`) and every
        penalty factor > 0 (the sub-problem solver needs every feature penalised).
    alphas, n_alphas, alpha_min_ratio
        The grid, by the rule of :func:`shrinkage.path.grid.alpha_grid`.
    fit_intercept, standardize : bool
        As :func:`shrinkage.path`; σ_j are folded into the penalty weights.
    tol : float
        Relative duality gap ``gap / P(0)`` certified at every α.
    max_iter : int
        Outer iterations (sub-problems) per α; each costs at most two passes.
    feature_names : sequence of str, optional
        Default: the data's.
    coef_format : {"dense", "sparse"}
        As :func:`shrinkage.path`; "sparse" keeps the non-zeros only (large p).
    warn : bool
        ``ConvergenceWarning`` when some point misses ``tol``.

    Returns
    -------
    PathResult
        ``n_iter``: outer iterations per α; ``n_screened``: features proven zero by the
        gap-safe test at the last check; ``timings["passes"]``: passes over the data per
        α (``timings["setup_passes"]``: the moments and α_max passes before them).

    See Also
    --------
    shrinkage.path : the same path on in-memory data.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((40, 200)); y = X[:, :3] @ [2.0, -1.0, 1.0]
    >>> result = wide_path(ArrayBlocks(X, y, n_partitions=4), n_alphas=20, tol=1e-8)
    >>> bool(result.converged.all()), sorted(np.flatnonzero(result.coefs[5]).tolist())
    (True, [0, 1, 2])
    """
    start = time.perf_counter()
    penalty = L1() if penalty is None else penalty
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be a Penalty (L1(), ...), got {penalty!r}.")
    if penalty.l1_ratio == 0:
        raise ValueError(
            "wide_path needs l1_ratio > 0: a ridge solution is dense, so no working set "
            "is smaller than p. Use shrinkage.distributed.ridge_cg.ridge_cg for ridge."
        )
    fit_intercept = check_flag(fit_intercept, "fit_intercept")
    standardize = check_flag(standardize, "standardize")
    check_flag(warn, "warn")
    tol, max_iter = check_tol(tol), check_max_iter(max_iter)
    p = data.n_features
    factors = penalty.factors(p)
    if np.any(factors == 0):
        raise ValueError(
            f"wide_path needs every feature penalised; penalty_factor is 0 for "
            f"{int(np.sum(factors == 0))} feature(s). Give them a small positive factor."
        )
    feature_names = data.feature_names if feature_names is None else feature_names
    centring = column_moments(data).centring(fit_intercept)  # pass 1
    n = centring.n
    scale = None
    if standardize:
        scale = centring.column_std()
        check_varying_columns(scale, feature_names)
    w = np.zeros(p)
    statistics = correlations(data, w, centring)  # pass 2: α_max
    grid_penalty = Penalty(grid_l1_ratio(penalty.l1_ratio), penalty.penalty_factor,
                           penalty.positive)  # fmt: skip
    alphas = alpha_grid(
        lambda: grid_penalty.alpha_max(statistics[0] / n, scale), n_alphas, alpha_min_ratio,
        alphas=alphas, shape=(n, p), l1_ratio=penalty.l1_ratio,
    )  # fmt: skip
    unit_a, unit_b = unit_weights(penalty, p, scale)
    check_finite_weights(unit_a * alphas[0], unit_b * alphas[0])
    request = PathRequest(penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, None,
                          standardize, tol, max_iter, feature_names, coef_format)  # fmt: skip
    rows = output_rows(coef_format, alphas.size, p, np.float64)
    points, passes = new_points(alphas.size), np.zeros(alphas.size, dtype=np.int64)
    solver = _PointSolver(data, centring, penalty.positive, tol, max_iter)
    for k, alpha in enumerate(alphas):
        tick, read = time.perf_counter(), solver.passes
        a, b = scaled(unit_a, float(alpha), None), scaled(unit_b, float(alpha), None)
        w, statistics, outer, gap, screened = solver.solve(w, statistics, a, b)
        rows.store(k, w)
        points[k] = (centring.intercept(w), gap, gap / solver.primal_at_zero, outer,
                     time.perf_counter() - tick, screened)  # fmt: skip
        passes[k] = solver.passes - read
    result = assemble(alphas, rows.finish(), points, request, "squared", start,
                      "distributed_working_set", tol)  # fmt: skip
    timings = {**result.timings, "passes": passes, "setup_passes": 2}
    result = replace(result, timings=timings, column_std=scale if standardize else None)
    if warn:
        warn_unconverged("wide_path", result.alphas, result.relative_gaps, tol)
    return result


class _PointSolver:
    """The outer loop of one α (see the module docstring); counts its passes."""

    def __init__(self, data, centring, positive, tol, max_iter):
        self.data, self.centring = data, centring
        self.positive, self.tol, self.max_iter = bool(positive), tol, max_iter
        self.n = centring.n
        self.primal_at_zero = max(centring.yy / (2 * self.n), np.finfo(float).tiny)
        self.lipschitz = float32_majorant(centring.column_sq_norms / self.n)
        self.columns = GramColumns(data, centring)
        self.checks = 0

    @property
    def passes(self) -> int:
        return self.checks + self.columns.passes

    def solve(self, w, statistics, a, b):
        """``(w, statistics at w, outer iterations, gap, number proven zero)``."""
        n, positive = self.n, self.positive
        size, outer = FIRST_WORKING_SET, 0
        while True:
            corr, rr, y_dot_r = statistics
            gap, _, _, dual_scale = duality_gap(corr, rr, y_dot_r, w, a, b, positive, n)
            checked = check_arguments(corr, w, a, b, positive, n, dual_scale, gap,
                                      self.lipschitz)  # fmt: skip
            if gap <= self.tol * self.primal_at_zero or outer == self.max_iter:
                return w, statistics, outer, gap, int(check_summary(*checked)[1])
            working_set = choose_working_set(checked, size)
            size = min(w.size, 2 * working_set.size)
            gram, xty = self.columns.restricted(working_set)
            state = GramState(gram, xty, self.centring.yy, n)
            inner = gram_cd(state, take(a, working_set), take(b, working_set), positive,
                            tol=INNER_FRACTION * self.tol, max_epochs=MAX_EPOCHS,
                            coef_init=w[working_set])  # fmt: skip
            w = np.zeros_like(w)
            w[working_set] = inner.coef
            statistics = correlations(self.data, w, self.centring)
            self.checks += 1
            outer += 1
