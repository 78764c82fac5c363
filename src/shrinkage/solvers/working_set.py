"""Working-set coordinate descent with Anderson acceleration, in residual or Gram mode.

Most features of a lasso solution are zero, so full epochs waste work. Here each outer
iteration (i) computes the full duality gap and stops if it is ``≤ tol · P(0)``,
(ii) ranks features by their KKT violation (the subdifferential distance) and keeps the
current support plus the worst violators — a *working set* of size ``max(ws_start,
2·|support|)`` (skglm's rule: the violators that matter join the support, so the set
grows) — and (iii) solves the
problem restricted to it by coordinate descent until its own gap is below a fraction of
the full gap. Every few epochs an Anderson extrapolation of the last iterates is tried
and kept if it lowers the objective. References: Massias, Gramfort & Salmon (2018),
"Celer", ICML; Bertrand et al. (2022), "Beyond L1", NeurIPS (skglm); Anderson (1965).

Two *states* hold what an epoch needs. :class:`ResidualState` keeps r = y − Xw (dense
Fortran or sparse CSC, via :mod:`shrinkage.design`); :class:`GramState` keeps
``q = Xᵀy − Gw`` with ``G = XᵀX`` formed once, so an update costs O(p) — the right choice
when n ≫ p. Both expose the sufficient statistics (‖r‖², yᵀr, Xᵀr) from which the gap
is computed the same way.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg.blas

from .._kernels import cd_epoch_dense, cd_epoch_sparse
from .._kernels.columns import (
    add_to_entries,
    column_dots_dense,
    column_dots_sparse,
    masked_column_dots_dense,
    masked_column_dots_sparse,
    subtract_columns_dense,
    subtract_columns_sparse,
)
from .._kernels.gap import enet_duality_gap, kkt_and_screening
from .._kernels.gram import cd_epoch_gram, fill_lower_from_upper
from .._kernels.working_sets import first_with_score
from .._uniform import as_weights, for_kernel, take, zero_features
from ..certificates import Certificate
from ._result import SolverResult
from .correlation_bounds import CorrelationBounds

__all__ = ["GramState", "ResidualState", "working_set_cd"]


class ResidualState:
    """r = y − X_eff w kept up to date by the residual-mode kernels."""

    def __init__(self, design):
        self.design = design
        self.n = design.n_samples
        self.last_correlation = None
        self.last_n_screened = 0
        sq_norms = design.column_sq_norms()
        self.lipschitz = (sq_norms / self.n).astype(design.y.dtype)
        self.column_norms = np.sqrt(np.asarray(sq_norms, dtype=np.float64))
        # implicit centring of sparse columns: r = r̃ + (x̄ᵀw)·u (see reset)
        self._offset = design.is_sparse and design.has_offset
        self.bounds = CorrelationBounds(self.column_norms)
        self.y = np.asarray(design.y, dtype=np.float64)
        self.yy = float(self.y @ self.y)

    def reset(self, w):
        d = self.design
        self.residual = np.array(d.y - d.X @ w.astype(d.y.dtype), dtype=d.y.dtype)
        if d.is_sparse:  # r̃ and t = uᵀr̃, see shrinkage._kernels.coordinate_descent
            self.u_dot_residual = np.array([d.u @ self.residual], dtype=d.y.dtype)

    def epoch(self, w, a, b, positive, features):
        d, a, b = self.design, for_kernel(a), for_kernel(b)
        if d.is_sparse:
            X = d.X
            return cd_epoch_sparse(
                X.data, X.indices, X.indptr, self.n, for_kernel(d.x_offset), w, self.residual,
                self.u_dot_residual, self.lipschitz, a, b, positive, features,
            )  # fmt: skip
        return cd_epoch_dense(d.X, w, self.residual, self.lipschitz, a, b, positive, features)

    def shift(self, w, features, delta):
        """Apply ``w[features] += delta`` and update the residual in O(n·|features|)."""
        d = self.design
        add_to_entries(w, features, delta.astype(w.dtype, copy=False))
        delta = delta.astype(self.residual.dtype, copy=False)
        if d.is_sparse:
            X = d.X
            subtract_columns_sparse(X.data, X.indices, X.indptr, self.residual, features, delta)
            if self._offset:
                self.u_dot_residual[0] -= self.n * float(d.x_offset[features] @ delta)
        else:
            subtract_columns_dense(d.X, self.residual, features, delta)

    def true_residual(self, w):
        d = self.design
        r = np.asarray(self.residual, dtype=np.float64)
        if self._offset:
            r = r + float(d.x_offset @ w) * d.u
        return r

    def statistics(self, w, features=None, l1_weight=None):
        """``(X_effᵀr restricted to features, ‖r‖², yᵀr)``.

        For all features with ``l1_weight`` given, columns whose correlation is proven
        below ``n·a_j`` (features at zero) are not read and carry a bound on ``|x_jᵀr|``
        instead (:mod:`~shrinkage.solvers.correlation_bounds`).
        """
        r = self.true_residual(w)
        if features is None:
            corr = self.bounds.correlations(
                r, w, l1_weight, self.design.rmatvec, self._masked_dots
            )
        else:
            corr = self._column_dots(r, features)
        return corr, float(r @ r), float(self.y @ r)

    def last_correlations(self):
        """``(corr, read)``: the last full check's correlations, exact where ``read``
        and bounds where a bound settled the column
        (:mod:`~shrinkage.solvers.correlation_bounds`); views, not copies."""
        return self.bounds.last, self.bounds.exact

    def _masked_dots(self, r, mask, out):
        """``out[j] = x_jᵀr`` (effective columns) where ``mask[j]``, in one pass."""
        d = self.design
        if d.is_sparse:
            X, t = d.X, float(d.u @ r) if self._offset else 0.0
            masked_column_dots_sparse(X.data, X.indices, X.indptr, r, mask,
                                      for_kernel(d.x_offset), t, out)  # fmt: skip
        else:
            masked_column_dots_dense(d.X, r.astype(d.X.dtype), mask, out)

    def _column_dots(self, r, features):
        d, corr = self.design, np.empty(features.shape[0])
        if d.is_sparse:
            X = d.X
            column_dots_sparse(X.data, X.indices, X.indptr, r, features, corr)
            corr -= d.x_offset[features] * (d.u @ r)
        else:
            column_dots_dense(d.X, r.astype(d.X.dtype), features, corr)
        return corr


class GramState:
    """q = X_effᵀy − G w with ``G = X_effᵀX_eff`` (p × p) formed once.

    Parameters
    ----------
    gram : ndarray of shape (p, p), C-ordered, float64
    xty : ndarray of shape (p,)
    yy : float
        ``‖y_eff‖²``.
    n : int
    """

    def __init__(self, gram, xty, yy, n):
        self.gram = np.ascontiguousarray(gram, dtype=np.float64)
        self.xty = np.asarray(xty, dtype=np.float64)
        self.yy = float(yy)
        self.n = n
        self.last_correlation = None
        self.last_n_screened = 0
        self.lipschitz = np.diag(self.gram) / n
        self.column_norms = np.sqrt(np.maximum(np.diag(self.gram), 0.0))
        self._all_read = np.ones(self.xty.size, dtype=np.bool_)

    @classmethod
    def from_design(cls, design, xty=None):
        """The state of ``design``; ``xty = X_effᵀy`` if the caller already has it."""
        X = design.X
        if design.is_sparse:
            gram = np.asarray((X.T @ X).toarray(), dtype=np.float64)
            gram -= design.n_samples * np.outer(design.x_offset, design.x_offset)
        else:
            gram = _symmetric_gram(np.asarray(X, dtype=np.float64, order="F"))
        y = np.asarray(design.y, dtype=np.float64)
        if xty is None:
            xty = design.rmatvec(y)
        return cls(gram, np.asarray(xty, dtype=np.float64), y @ y, design.n_samples)

    def reset(self, w):
        self.correlation = self.xty - self.gram @ w

    def shift(self, w, features, delta):
        """Apply ``w[features] += delta`` and update q in O(p·|features|)."""
        w[features] += delta
        self.correlation -= self.gram[features].T @ delta

    def epoch(self, w, a, b, positive, features):
        a, b = for_kernel(a), for_kernel(b)
        return cd_epoch_gram(
            self.gram, w, self.correlation, self.lipschitz, a, b, positive, features, self.n
        )

    def last_correlations(self):
        """``(corr, read)``: the last full check's correlations, all exact here."""
        return self.last_correlation, self._all_read

    def statistics(self, w, features=None, l1_weight=None):
        # ‖r‖² = ‖y‖² − 2wᵀXᵀy + wᵀGw and Gw = Xᵀy − q, so ‖r‖² = ‖y‖² − wᵀXᵀy − wᵀq
        y_dot_r = self.yy - float(w @ self.xty)
        rr = max(y_dot_r - float(w @ self.correlation), 0.0)
        corr = self.correlation if features is None else self.correlation[features]
        return np.array(corr, dtype=np.float64), rr, y_dot_r


def _symmetric_gram(X):
    """``XᵀX`` by BLAS ``dsyrk`` (one triangle: half the flops of a general product)."""
    gram = scipy.linalg.blas.dsyrk(1.0, X, trans=1, lower=0)  # Fortran, upper triangle
    fill_lower_from_upper(gram)
    return gram.T  # symmetric: the C-ordered view of the same memory, no copy


def duality_gap(corr, rr, y_dot_r, w, a, b, positive, n):
    """``(gap, primal, dual, scale)`` from sufficient statistics.

    Same dual point as :func:`shrinkage.certificates.certify` — θ = scale · r/n, shrunk
    into the L1 constraints of the pure-L1 features — but without touching X. ``corr``,
    ``w``, ``a``, ``b`` may be restricted to a working set (the restricted problem's gap).
    Unpenalised features are not projected here: callers use
    :func:`~shrinkage.certificates.certify` for those.

    With ``c = corr/n``: primal ``‖r‖²/(2n) + Σ a_j|w_j| + ½ b_j w_j²``; scale =
    ``min(1, min_j a_j/|c_j|)`` over the features with ``b_j = 0``; dual
    ``scale·yᵀr/n − scale²‖r‖²/(2n) − Σ_j g_j*(scale·c_j)`` with the conjugate of
    :func:`~shrinkage.penalties.conjugate_weighted_enet`. Computed in one pass by the
    kernel :func:`shrinkage._kernels.gap.enet_duality_gap`.
    """
    return enet_duality_gap(
        np.asarray(corr, dtype=np.float64), float(rr), float(y_dot_r),
        np.asarray(w, dtype=np.float64), for_kernel(as_weights(a, np.float64)),
        for_kernel(as_weights(b, np.float64)), bool(positive), int(n),
    )  # fmt: skip


def gap_safe_zeros(corr, scale, gap, column_norms, a, positive, n):
    """Features *proven* zero at the optimum by the gap-safe sphere test.

    The dual objective is n-strongly concave, so ``‖θ* − θ‖ ≤ √(2·gap/n)`` and
    ``|x_jᵀθ*| ≤ |x_jᵀθ| + ‖x_j‖·√(2·gap/n)``; when that bound is below ``a_j``, the
    optimality condition forces ``w*_j = 0`` (for any L2 weight). Fercoq, Gramfort &
    Salmon (2015), "Mind the duality gap", ICML; Ndiaye et al. (2017), JMLR 18.
    """
    c = scale * corr / n
    c = np.maximum(c, 0.0) if positive else np.abs(c)
    return c + column_norms * np.sqrt(2.0 * max(gap, 0.0) / n) < a


def working_set_cd(
    state, l1_weight, l2_weight, positive=False, *, tol=1e-4, max_iter=50,
    max_epochs=20_000, coef_init=None, ws_start=10, inner_fraction=0.3, anderson=5,
    check_every=5, initial_working_set=None, state_is_current=False, bounded_checks=True,
    copy_init=True,
):  # fmt: skip
    """Solve the weighted elastic net on a state by working sets + Anderson acceleration.

    Parameters
    ----------
    state : ResidualState or GramState
    l1_weight, l2_weight : ndarray of shape (n_features,)
        No feature may have both weights 0 (unpenalised): use coordinate descent there.
        A uniform view (:mod:`shrinkage._uniform`) is kept as one.
    positive : bool
    tol : float
        Target relative duality gap ``gap / P(0)`` on the full problem.
    max_iter : int
        Maximum outer iterations (working-set updates).
    max_epochs : int
        Budget of inner epochs in total.
    coef_init : ndarray, optional
    ws_start : int
        Smallest working set.
    inner_fraction : float
        Inner problems are solved to ``inner_fraction ×`` the current full gap.
    anderson : int
        Number of iterates in the extrapolation (0 disables it).
    check_every : int
        Inner gap computed every this many epochs.
    initial_working_set : array of int, optional
        Features to solve on first, before any full pass (a screening rule's guess);
        the support and pure-L2 features are added. Correctness does not depend on it.
    state_is_current : bool
        The state already holds the residual (or q) of ``coef_init``: skip the reset.
    bounded_checks : bool
        Let the full checks skip the columns a bound settles
        (:mod:`~shrinkage.solvers.correlation_bounds`); the certificate is the same.
    copy_init : bool
        False: ``coef_init``, if a contiguous array of the state's dtype, is updated
        in place and returned as ``coef`` (a path solves in its output rows).

    Returns
    -------
    SolverResult
        ``intercept`` is 0; its certificate is computed from the state's statistics.
    """
    n = state.n
    p = state.lipschitz.shape[0]
    dtype = state.lipschitz.dtype
    a, b = as_weights(l1_weight, dtype), as_weights(l2_weight, dtype)
    pure_l2 = zero_features(a)  # never zero: always in the working set
    if np.any(take(b, pure_l2) == 0):
        raise ValueError("working_set_cd needs every feature penalised; use coordinate_descent.")
    if coef_init is None:
        w = np.zeros(p, dtype=dtype)
    elif not copy_init and _writable_as(coef_init, dtype, p):
        w = coef_init
    else:
        w = np.array(coef_init, dtype=dtype)
    if not state_is_current:
        state.reset(w)
    primal_at_zero = max(state.yy / (2 * n), np.finfo(float).tiny)
    history, epochs, stats = [], 0, None
    a64, b64 = as_weights(a, np.float64), as_weights(b, np.float64)
    column_norms = state.column_norms
    if initial_working_set is not None:
        # screened start (e.g. the strong rule along a path): solve on it first, without
        # a full pass; the full KKT / gap check below catches any feature it missed
        ws = np.union1d(np.asarray(initial_working_set, dtype=np.int64), np.flatnonzero(w))
        ws = np.union1d(ws, pure_l2).astype(np.int64)  # + pure-L2 features
        if ws.size:
            epochs += _inner_solve(state, w, ws, a, b, positive, 0.0, max_epochs, anderson,
                                   check_every, primal_at_zero * tol)  # fmt: skip
    kkt = screened = None  # buffers for every check, made at the first that needs them
    for outer in range(1, max_iter + 1):
        stats = state.statistics(w, l1_weight=a if bounded_checks else None)
        corr, rr, y_dot_r = stats
        last = duality_gap(corr, rr, y_dot_r, w, a64, b64, positive, n)
        gap, _, _, scale = last
        history.append(gap / primal_at_zero)
        # a cold (all-zero) start gets at least one inner solve: zero can already meet a
        # loose tol (ridge at large α), and exact zeros there would misrepresent L2
        warm = outer > 1 or epochs > 0 or bool(np.any(w != 0))
        if (warm and gap <= tol * primal_at_zero) or epochs >= max_epochs:
            break
        kkt, screened = _kkt_and_screening(corr, w, a64, b64, positive, n, scale, gap,
                                           column_norms, kkt, screened)  # fmt: skip
        scores = kkt
        scores[screened] = -np.inf  # proven zero: never worth a place in the set
        support = np.flatnonzero(w != 0)
        scores[support] = np.inf
        scores[pure_l2] = np.inf
        n_always = int(np.count_nonzero(scores == np.inf))
        ws_size = min(p, max(ws_start, 2 * support.size, n_always))
        if ws_size >= p or outer > 20:  # safety net: the full problem
            ws = np.arange(p, dtype=np.int64)
        else:
            ws = _largest(scores, ws_size)
        epochs += _inner_solve(
            state, w, ws, a, b, positive, inner_fraction * gap, max_epochs - epochs,
            anderson, check_every, primal_at_zero * tol,
        )  # fmt: skip
        stats = None
    w64 = np.asarray(w, dtype=np.float64)
    if stats is None:  # the loop ran out after an inner solve: check once more
        stats = state.statistics(w, l1_weight=a if bounded_checks else None)
        last = duality_gap(*stats, w64, a64, b64, positive, n)
    corr = stats[0]
    state.last_correlation = corr  # for the next point's strong rule (see shrinkage.path)
    gap, primal, dual, scale = last
    kkt, proven = _kkt_and_screening(corr, w, a64, b64, positive, n, scale, gap, column_norms,
                                     kkt, screened)  # fmt: skip
    state.last_n_screened = int(np.sum(proven))
    cert = Certificate(primal, dual, gap, primal_at_zero, gap / primal_at_zero, kkt)
    converged = cert.relative_gap <= tol
    return SolverResult(w, 0.0, cert, epochs, converged, tol, "working_set_cd",
                        np.asarray(history))  # fmt: skip


def _writable_as(array, dtype, size):
    return (
        isinstance(array, np.ndarray) and array.dtype == dtype and array.shape == (size,)
        and array.flags.c_contiguous and array.flags.writeable
    )  # fmt: skip


def _largest(scores, size):
    """Sorted indices of ``size`` largest scores: the positive ones (violators, and the
    features that must be in the set) by partial sort, then features at score 0 in
    index order; never one proven zero (−inf) unless nothing else is left. Only the
    chosen indices are allocated, not a p-sized permutation."""
    candidates = np.flatnonzero(scores > 0)
    if candidates.size > size:
        keep = np.argpartition(-scores[candidates], size - 1)[:size]
        return np.sort(candidates[keep])
    for value in (0.0, -np.inf):
        if candidates.size < size:
            extra = first_with_score(scores, value, size - candidates.size)
            candidates = np.union1d(candidates, extra)
    return candidates.astype(np.int64, copy=False)


def _kkt_and_screening(corr, w, a, b, positive, n, scale, gap, column_norms, kkt=None,
                       screened=None):  # fmt: skip
    """``(kkt, screened)``: :func:`~shrinkage.penalties.subdiff_distance` at w and
    :func:`gap_safe_zeros` for the features at zero, in one pass (a numba kernel), into
    the buffers if given."""
    kkt = np.empty(w.shape[0]) if kkt is None else kkt
    screened = np.empty(w.shape[0], dtype=np.bool_) if screened is None else screened
    radius = float(np.sqrt(2.0 * max(gap, 0.0) / n))
    kkt_and_screening(np.asarray(corr, dtype=np.float64), np.asarray(w, dtype=np.float64),
                      for_kernel(a), for_kernel(b), bool(positive), int(n), float(scale),
                      radius, column_norms, kkt, screened)  # fmt: skip
    return kkt, screened


def _inner_solve(state, w, ws, a, b, positive, target, budget, anderson, check_every, floor):
    """CD epochs on the working set until its gap ≤ max(target, floor/2); returns epochs."""
    target = max(target, 0.5 * floor)
    a_ws64, b_ws64 = take(a, ws), take(b, ws)
    # an epoch lowers the objective by at least ½ Σ L_j Δw_j² (exact minimisation along
    # each coordinate); when even |ws|·max L·max Δ² is below the target, check the gap
    # at once instead of waiting for the next regular check; once such an early check
    # fails (the dual side lags), wait for the regular ones
    settle = 2.0 * target / (ws.size * float(np.max(state.lipschitz[ws], initial=0.0)) + 1e-300)
    if anderson:  # the last iterate and the differences of the anderson + 1 before it
        latest, diffs, filled = np.empty(ws.size), np.empty((anderson, ws.size)), -1
    for epoch in range(1, budget + 1):
        change = state.epoch(w, a, b, positive, ws)
        if anderson:
            iterate = w[ws]
            if filled >= 0:
                np.subtract(iterate, latest, out=diffs[filled])
            latest[:] = iterate
            filled += 1
            if filled == anderson:
                _try_extrapolation(state, w, ws, a_ws64, b_ws64, positive, diffs, latest)
                filled = -1
        early = change * change <= settle
        if epoch % check_every == 0 or epoch == budget or early:
            corr, rr, y_dot_r = state.statistics(w, ws)
            w_ws = w[ws].astype(np.float64, copy=False)
            gap, *_ = duality_gap(corr, rr, y_dot_r, w_ws, a_ws64, b_ws64, positive, state.n)
            if gap <= target:
                return epoch
            if early:
                settle = -1.0
    return budget


def _try_extrapolation(state, w, ws, a_ws, b_ws, positive, diffs, latest):
    """Anderson step from the differences d_i = x_{i+1} − x_i of the last iterates
    (x_K = ``latest``, the current ``w[ws]``); kept only if the objective decreases.

    The combination Σ_i c_i x_{i+1} with Σ c_i = 1 and c ∝ (DDᵀ)⁻¹1 is written
    ``x_K − Σ_l C_l d_l`` with ``C_l = Σ_{i<l} c_i``: no copy of the iterates."""
    gram = diffs @ diffs.T
    try:
        z = np.linalg.solve(gram + 1e-12 * np.trace(gram) * np.eye(len(gram)),
                            np.ones(len(gram)))  # fmt: skip
    except np.linalg.LinAlgError:
        return
    if not np.all(np.isfinite(z)) or z.sum() == 0:
        return
    coefficients = z / z.sum()
    cumulative = np.concatenate(([0.0], np.cumsum(coefficients)[:-1]))
    step = -(cumulative @ diffs)  # extrapolated − current
    if positive:
        step = np.maximum(latest + step, 0.0) - latest
    before = _objective(state, w, ws, a_ws, b_ws)
    state.shift(w, ws, step)
    if _objective(state, w, ws, a_ws, b_ws) >= before:
        state.shift(w, ws, latest - w[ws].astype(np.float64, copy=False))


def _objective(state, w, ws, a_ws, b_ws):
    _, rr, _ = state.statistics(w, ws[:1])
    w_ws = w[ws].astype(np.float64, copy=False)
    return rr / (2 * state.n) + float(a_ws @ np.abs(w_ws)) + 0.5 * float(b_ws @ w_ws**2)
