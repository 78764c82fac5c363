"""The exact lasso path by homotopy: LARS with the lasso modification.

For squared loss and an L1 penalty the solution of

    1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ_j σ_j |w_j|

is piecewise linear in α (σ_j = 1, or the column standard deviations with
``standardize=True``). Between two *knots* the active set A and the signs s_A are fixed
and, on the effective design Z = X_eff·diag(1/σ) (centred and weighted, see
:mod:`shrinkage.design`) with v = σ∘w,

    v_A(α) = G⁻¹ Z_Aᵀy − α·δ,   δ = n G⁻¹ s_A,   G = Z_AᵀZ_A,

so every correlation c_j(α) = z_jᵀ r(α)/n is affine in α too. The next knot is the
largest α below the current one where an inactive |c_j| reaches α (the feature enters)
or an active coefficient reaches 0 (it leaves: the lasso modification of LARS, Efron,
Hastie, Johnstone & Tibshirani 2004, §3.1). At every knot α = max_j |c_j|, which is also
scikit-learn's ``lars_path`` scaling (``max|Xᵀr| / n_samples``).

Numerics: every few knots the segment is recomputed from scratch from (A, s_A) (least
squares on Z_A, correlations from the residual), so rounding errors do not build up
along the path; in between, the affine formulas are continued, whose error grows with
the distance travelled in α, not with the number of knots. G is held as a Cholesky
factor R (RᵀR = G), grown by one column (by an explicit projection, done twice, when
the update cancels: its residual norm tells whether the column lies in the span of the
active ones) and shrunk by Givens rotations; each solve is refined once. Ties with
collinear columns (equal correlations for a whole segment) are never added: the
solution stays exact, though not unique.
"""

from __future__ import annotations

import warnings

import numpy as np

from .._kernels.columns import column_dots_dense, column_dots_sparse
from .._kernels.homotopy import next_entry
from .._validation import check_alpha
from ..solvers.api import prepare_problem
from .active_factor import ActiveFactor
from .homotopy_result import HomotopyEvent, HomotopyResult
from .rows import DenseRows

__all__ = ["HomotopyEvent", "HomotopyResult", "lasso_homotopy"]  # the result re-exported

# a feature that just left may not re-enter at (numerically) the same α
_REENTRY_TOL = 1e-9
# the least-squares part and the correlations are recomputed from the residual every this
# many knots, and carried along the (affine) segments in between
_REFRESH_EVERY = 8


def lasso_homotopy(
    X,
    y,
    *,
    fit_intercept: bool = True,
    sample_weight=None,
    standardize: bool = False,
    positive: bool = False,
    alpha_min: float = 0.0,
    max_knots: int | None = None,
    feature_names=None,
) -> HomotopyResult:
    """The exact lasso path, knot by knot (homotopy / LARS-lasso).

    Solves ``1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ_j σ_j |w_j|`` for *every* α from
    α_max (where w = 0) down to ``alpha_min``: σ_j = 1, or the column standard
    deviations with ``standardize=True`` (as :func:`shrinkage.solve`). At each knot
    ``α = max_j |x_jᵀr| / (n σ_j)``, the same scaling as scikit-learn's ``lars_path``.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Used through the effective (centred, weighted) design; the active columns are
        held dense, so n × min(n, p) floats must fit in memory.
    y : array-like of shape (n_samples,)
    fit_intercept, sample_weight, standardize
        As in :func:`shrinkage.solve`.
    positive : bool
        Constrain every coefficient to be ≥ 0.
    alpha_min : float
        Where the path stops. With p ≥ n the active set saturates at the rank of the
        effective design (n, or n − 1 with an intercept); no feature can enter after
        that and the path goes on to ``alpha_min`` with leave events only.
    max_knots : int, optional
        Stop after this many knots (with a warning). Default: ``8·min(n, p) + 64``.
    feature_names : sequence of str, optional

    Returns
    -------
    HomotopyResult

    See Also
    --------
    shrinkage.path : warm-started solutions on an α grid (any elastic net).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1.0, 0.1, 1.1, 2.0])
    >>> result = lasso_homotopy(X, y)
    >>> result.alphas.round(4), [(e.feature, e.kind) for e in result.events]
    (array([0.475 , 0.0125, 0.    ]), [(0, 'enter'), (1, 'enter'), (-1, 'end')])
    >>> result.coef_at(0.1).round(3)
    array([0.75, 0.  ])
    """
    alpha_min = check_alpha(alpha_min, "alpha_min")
    if not isinstance(positive, bool | np.bool_):
        raise TypeError(f"positive must be a bool, got {type(positive).__name__}.")
    if max_knots is not None and (
        isinstance(max_knots, bool) or not isinstance(max_knots, int | np.integer)
        or max_knots < 1
    ):  # fmt: skip
        raise ValueError(f"max_knots must be a positive integer or None, got {max_knots!r}.")
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    # the exact knots are a teaching tool too: the data as given, never rescaled
    problem = prepare_problem(
        X, y, fit_intercept, sample_weight, standardize, feature_names, rescale=False
    )
    if problem.X.dtype != np.float64:  # exact knots need float64 throughout
        problem = prepare_problem(
            problem.X.astype(np.float64), y, fit_intercept, sample_weight, standardize,
            rescale=False,
        )  # fmt: skip
    checked, design, scale = problem.X, problem.design, problem.scale
    n, p = checked.shape
    names = np.asarray(
        [f"x{j}" for j in range(p)] if feature_names is None else feature_names, dtype=object
    )
    if names.shape != (p,):
        raise ValueError(f"feature_names has {names.size} names for {p} features.")
    sigma = np.ones(p) if scale is None else np.asarray(scale, dtype=np.float64)
    if max_knots is None:
        max_knots = 8 * min(n, p) + 64

    path = Homotopy(design, sigma, positive, alpha_min, max_knots, fit_intercept)
    path.run()
    coefs = np.array(path.coefs) / sigma
    intercepts = np.array([design.intercept(w) if fit_intercept else 0.0 for w in coefs])
    return HomotopyResult(
        alphas=np.array(path.alphas),
        coefs=coefs,
        intercepts=intercepts,
        events=tuple(path.events),
        active_sets=tuple(path.active_sets),
        collinear=tuple(path.collinear),
        stop_reason=path.stop_reason,
        feature_names=names,
    )


class Homotopy:
    """The knot-to-knot loop, on the standardised effective design Z = X_eff/σ."""

    def __init__(
        self, design, sigma, positive, alpha_min, max_knots, fit_intercept, grid=None,
        rows=None,
    ):  # fmt: skip
        self.design, self.sigma, self.positive = design, sigma, positive
        self.alpha_min, self.max_knots = alpha_min, max_knots
        self.n, self.p = design.X.shape
        self.y = np.asarray(design.y, dtype=np.float64)
        # the effective design has rank ≤ (rows with weight > 0) − (1 with an intercept)
        self.rank_bound = min(self.p, int(np.sum(design.u > 0)) - int(fit_intercept))
        self.alphas, self.coefs, self.events, self.active_sets = [], [], [], []
        self.collinear, self.stop_reason = [], "alpha_min"
        self._features = np.arange(self.p)
        # with a grid (decreasing α), v(α) is evaluated there on the way and the knots'
        # coefficients are not kept: memory O(grid × p) instead of O(knots × p)
        self.keep_knots = grid is None
        self.grid = np.empty(0) if grid is None else np.asarray(grid, dtype=np.float64)
        # v on the grid, into ``rows`` (shrinkage.path.rows; dense by default)
        self.grid_rows = DenseRows(np.zeros((self.grid.size, self.p))) if rows is None else rows
        self.grid_knots = np.zeros(self.grid.size, dtype=np.int64)  # knots passed so far
        self.grid_filled = 0
        self._last = ([], np.zeros(0))  # (active, v_A) at the last knot reached
        self._n_sigma = self.n * self.sigma

    @property
    def last_coef(self):
        """v at the last knot reached."""
        return self._dense(*self._last)

    def _dense(self, active, values):
        v = np.zeros(self.p)
        v[list(active)] = values
        return v

    def correlation(self, r, out=None):
        """``Zᵀr / n`` (into ``out`` if given) with the single-threaded column kernel
        (see ActiveFactor)."""
        d = self.design
        out = np.empty(self.p) if out is None else out
        if d.is_sparse:
            X = d.X
            column_dots_sparse(X.data, X.indices, X.indptr, r, self._features, out)
            out -= d.x_offset * (d.u @ r)
        else:
            column_dots_dense(d.X, r, self._features, out)
        out /= self._n_sigma
        return out

    def column(self, j):
        d = self.design
        z = d.X[:, [j]]
        z = np.asarray(z.toarray() if hasattr(z, "toarray") else z, dtype=np.float64).ravel()
        return (z - d.x_offset[j] * d.u) / self.sigma[j]

    def _factor(self):
        """The active factor; on dense data it reads the active columns from X."""
        d, capacity = self.design, max(1, min(self.n, self.p))
        dense = not d.is_sparse and not np.any(d.x_offset)
        if dense and d.X.dtype == np.float64 and d.X.flags.f_contiguous:
            return ActiveFactor(self.n, capacity, source=(d.X, 1.0 / self.sigma))
        return ActiveFactor(self.n, capacity)

    def record(self, alpha, feature, kind, active, values):
        self.alphas.append(float(alpha))
        self.events.append(HomotopyEvent(float(alpha), int(feature), kind))
        self._last = (list(active), np.array(values, dtype=np.float64))
        if self.keep_knots:
            self.coefs.append(self._dense(active, values))
            self.active_sets.append(tuple(sorted(active)))

    def fill_grid(self, alpha_low, active, ls, delta):
        """Grid points in the segment [alpha_low, current α]: v_A = ls − α'·δ."""
        k, m = self.grid_filled, self.grid.size
        while k < m and self.grid[k] >= alpha_low:
            self.grid_rows.put(k, active, ls - self.grid[k] * delta)
            self.grid_knots[k] = len(self.alphas)
            k += 1
        self.grid_filled = k

    def run(self):
        # three p-vectors for the whole run: c at the knot, a = Zᵀu/n, c_ls
        c = self.correlation(self.y)
        j0 = int(np.argmax(c if self.positive else np.abs(c)))
        alpha = float(max(c[j0] if self.positive else abs(c[j0]), 0.0))
        negligible = 1e-14 * np.linalg.norm(self.y) / self.n
        if alpha <= max(self.alpha_min, negligible):  # w = 0 for every α ≥ alpha_min
            self.stop_reason = "zero_correlation" if alpha <= negligible else "alpha_min"
            self.record(self.alpha_min, -1, "end", (), ())
            self.grid_filled = self.grid.size
            return
        self.grid_filled = int(np.sum(self.grid >= alpha))  # w = 0 there
        factor = self._factor()
        factor.try_add(self.column(j0), j0)
        active, signs = [j0], [float(np.sign(c[j0]))]
        values = np.zeros(1)  # v_A at the current knot, in the order of `active`
        self.record(alpha, j0, "enter", active, values)
        # active, or collinear with the current active set (the latter listed in skipped)
        blocked, skipped = np.zeros(self.p, dtype=np.bool_), []
        blocked[j0] = True
        a, c_ls = np.empty(self.p), np.empty(self.p)
        just_left = -1
        while True:
            # the segment: v_A(α') = ls − α'·δ and c(α') = c_ls + α'·a for α' ≤ α
            delta, u = factor.direction(self.n * np.array(signs))
            self.correlation(u, out=a)
            if len(self.alphas) % _REFRESH_EVERY == 0:  # from scratch, from the residual
                ls, fitted = factor.least_squares(self.y)
                self.correlation(self.y - fitted, out=c_ls)
            else:  # continuous at the knot: drift ≤ (α_max − α)·ε·|δ|, not per knot
                ls = values + alpha * delta
                np.multiply(a, -alpha, out=c_ls)
                c_ls += c  # c − α·a
            leave_alpha, leave_k = _next_leave(ls, delta, np.array(signs), alpha)
            while True:  # the next entry, refusing columns collinear with the active ones
                enter_alpha, enter_j, enter_sign = (-np.inf, -1, 0.0)
                if len(active) < self.rank_bound:  # else every column is in their span
                    enter_alpha, enter_j, enter_sign = next_entry(
                        c_ls, a, alpha, blocked, self.positive, just_left, _REENTRY_TOL
                    )  # the largest α' ≤ α where an inactive |c_j(α')| = α'
                if enter_alpha <= max(leave_alpha, self.alpha_min):
                    break
                if factor.try_add(self.column(enter_j), enter_j):
                    break
                blocked[enter_j] = True
                skipped.append(enter_j)
                self.collinear.append(HomotopyEvent(enter_alpha, enter_j, "collinear"))

            alpha_next = max(enter_alpha, leave_alpha, self.alpha_min)
            if alpha_next == self.alpha_min and len(self.alphas) % _REFRESH_EVERY:
                ls = factor.least_squares(self.y)[0]  # the last knot, from scratch too
            self.fill_grid(alpha_next, active, ls, delta)
            values = ls - alpha_next * delta
            if alpha_next == self.alpha_min:
                self.record(alpha_next, -1, "end", active, values)
                return
            if len(self.alphas) >= self.max_knots:
                self.stop_reason = "max_knots"
                self._last = (list(active), values)
                if not self.keep_knots:  # shrinkage.path goes on by coordinate descent
                    return
                warnings.warn(
                    f"lasso_homotopy stopped after max_knots={self.max_knots} knots at "
                    f"alpha={alpha:.3e}; the path below it is not computed.",
                    RuntimeWarning,
                    stacklevel=3,
                )
                return
            alpha = alpha_next
            np.multiply(a, alpha, out=c)
            c += c_ls  # c_ls + α·a
            if enter_alpha > leave_alpha:
                just_left = -1
                active.append(enter_j)
                signs.append(enter_sign)
                values = np.append(values, 0.0)
                blocked[enter_j] = True
                self.record(alpha, enter_j, "enter", active, values)
            else:
                just_left = active.pop(leave_k)
                values = np.delete(values, leave_k)
                signs.pop(leave_k)
                factor.remove(leave_k)
                blocked[just_left] = False
                blocked[skipped] = False  # a smaller span: collinear columns may enter again
                skipped.clear()
                self.record(alpha, just_left, "leave", active, values)


def _next_leave(ls, delta, signs, alpha):
    """Largest α' ≤ α where an active coefficient moving towards zero reaches it."""
    toward_zero = signs * delta < 0
    if not np.any(toward_zero):
        return -np.inf, -1
    crossing = np.full(ls.size, -np.inf)
    crossing[toward_zero] = np.minimum(ls[toward_zero] / delta[toward_zero], alpha)
    k = int(np.argmax(crossing))
    return float(crossing[k]), k
