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

Two *states* hold what an epoch needs (:mod:`shrinkage.solvers.states`, re-exported
here): :class:`ResidualState` keeps r = y − Xw, :class:`GramState` keeps
``q = Xᵀy − Gw`` (n ≫ p). Both expose the sufficient statistics (‖r‖², yᵀr, Xᵀr) from
which the gap is computed the same way.
"""

from __future__ import annotations

import numpy as np

from .._kernels.anderson import combined_step, difference_gram, restricted_penalty
from .._kernels.gap import check_summary, enet_duality_gap, kkt_and_screening
from .._kernels.working_sets import set_candidates, union_sorted
from .._uniform import as_weights, for_kernel
from ..certificates import Certificate
from ._result import SolverResult
from .states import GramState, ResidualState, coordinate_lipschitz
from .warm_start import Weights, starting_point

__all__ = ["GramState", "ResidualState", "coordinate_lipschitz", "working_set_cd"]


def duality_gap(corr, rr, y_dot_r, w, a, b, positive, n, features=None):
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
    kernel :func:`shrinkage._kernels.gap.enet_duality_gap`. With ``features`` (the
    problem restricted to them), ``corr`` is aligned with ``features`` while ``w``,
    ``a``, ``b`` stay full-length.
    """
    return enet_duality_gap(
        np.asarray(corr, dtype=np.float64), float(rr), float(y_dot_r),
        np.asarray(w, dtype=np.float64), for_kernel(as_weights(a, np.float64)),
        for_kernel(as_weights(b, np.float64)), bool(positive), int(n), features,
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
    state, l1_weight, l2_weight, positive=False, *, tol=1e-4, max_outer=50,
    max_epochs=20_000, coef_init=None, ws_start=10, inner_fraction=0.3, anderson=5,
    check_every=5, bounded_checks=True, per_feature_kkt=True,
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
    max_outer : int
        Maximum outer iterations (working-set updates).
    max_epochs : int
        Budget of epochs in total (the unit of ``max_iter`` everywhere for the squared
        loss).
    coef_init : ndarray or WarmStart, optional
        The start; an array is copied. A :class:`~shrinkage.solvers.warm_start.WarmStart`
        (a path's hand-over) is solved in place when its array has the state's dtype,
        skips the state's reset when it says the state is current, and solves on its
        working set (a screening guess) before the first full check.
    ws_start : int
        Smallest working set.
    inner_fraction : float
        Inner problems are solved to ``inner_fraction ×`` the current full gap.
    anderson : int
        Number of iterates in the extrapolation (0 disables it).
    check_every : int
        Inner gap computed every this many epochs.
    bounded_checks : bool
        Let the full checks skip the columns a bound settles
        (:mod:`~shrinkage.solvers.correlation_bounds`); the certificate is the same.
    per_feature_kkt : bool
        False: the certificate keeps only the largest KKT residual
        (``kkt_residual`` is None), so no p-vector is made for it (a path's points).

    Returns
    -------
    SolverResult
        ``intercept`` is 0; its certificate is computed from the state's statistics.
    """
    n = state.n
    p = state.lipschitz.shape[0]
    weights = Weights.resolve(l1_weight, l2_weight, state.dtype)  # the data's dtype
    if not weights.every_feature_penalised():
        raise ValueError("working_set_cd needs every feature penalised; use coordinate_descent.")
    a, a64, b64 = weights.l1, weights.l1_64, weights.l2_64
    w, start = starting_point(coef_init, state.dtype, p)
    if not start.state_is_current:
        state.reset(w)
    primal_at_zero = max(state.yy / (2 * n), np.finfo(float).tiny)
    history, epochs, stats = [], 0, None
    if start.working_set is not None:
        # screened start (e.g. the strong rule along a path): solve on it first, without
        # a full pass; the full KKT / gap check below catches any feature it missed
        ws = union_sorted(np.asarray(start.working_set, dtype=np.int64), np.flatnonzero(w))
        ws = union_sorted(ws, weights.pure_l2())  # + pure-L2 features
        epochs += _inner_solve(state, w, ws, weights, positive, 0.0, max_epochs, anderson,
                               check_every, primal_at_zero * tol)  # fmt: skip
        del start  # the guess goes now
    for outer in range(1, max_outer + 1):
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
        checked = check_arguments(corr, w, a64, b64, positive, n, scale, gap,
                                   state.norm_lipschitz)  # fmt: skip
        ws = choose_working_set(checked, ws_start, full=outer > 20)
        epochs += _inner_solve(
            state, w, ws, weights, positive, inner_fraction * gap, max_epochs - epochs,
            anderson, check_every, primal_at_zero * tol,
        )  # fmt: skip
        stats = None
    w64 = np.asarray(w, dtype=np.float64)
    if stats is None:  # the loop ran out after an inner solve: check once more
        stats = state.statistics(w, l1_weight=a if bounded_checks else None)
        last = duality_gap(*stats, w64, a64, b64, positive, n)
    corr = stats[0]
    gap, primal, dual, scale = last
    checked = check_arguments(corr, w64, a64, b64, positive, n, scale, gap, state.norm_lipschitz)
    if per_feature_kkt:
        kkt, proven = np.empty(p), np.empty(p, dtype=np.bool_)
        screened = kkt_and_screening(*checked, kkt, proven)
        largest = None
    else:
        kkt = None
        largest, screened = check_summary(*checked)
    cert = Certificate(primal, dual, gap, primal_at_zero, gap / primal_at_zero, kkt, largest)
    converged = cert.relative_gap <= tol
    return SolverResult(w, 0.0, cert, epochs, converged, tol, "working_set_cd",
                        np.asarray(history), int(screened))  # fmt: skip


def check_arguments(corr, w, a, b, positive, n, scale, gap, lipschitz):
    """The arguments of the per-feature check kernels
    (:func:`~shrinkage._kernels.gap.feature_check`) at a full check, typed for them:
    ``(corr, w, a, b, positive, n, scale, radius, lipschitz)``, radius ``√(2·gap/n)``."""
    return (
        np.asarray(corr, dtype=np.float64), np.asarray(w, dtype=np.float64),
        for_kernel(a), for_kernel(b), bool(positive), int(n), float(scale),
        float(np.sqrt(2.0 * max(gap, 0.0) / n)), lipschitz,
    )  # fmt: skip


def choose_working_set(checked, ws_start, full=False):
    """Sorted features of the next working set, from the full check's
    :func:`check_arguments`.

    The set holds the support and the pure-L2 features, then the largest KKT
    violators (those the gap-safe test does not prove zero) up to ``max(ws_start,
    2·|support|)`` features (skglm's rule); if there are fewer, it is filled with
    features at zero in index order, those proven zero last. Only the chosen indices
    and the violators' residuals are allocated (:mod:`shrinkage._kernels.working_sets`).
    ``full``: every feature (the safety net after many outer iterations).
    """
    p = checked[1].shape[0]
    always, violators, violations, size, unproven, proven = set_candidates(*checked, ws_start)
    if full or size >= p:
        return np.arange(p, dtype=np.int64)
    room = size - always.size
    if violators.size > room:
        keep = np.argpartition(-violations, room - 1)[:room] if room > 0 else slice(0)
        violators = np.sort(violators[keep])
    chosen = union_sorted(always, violators)
    for spare in (unproven, proven):  # the fill-up, in index order, proven zeros last
        if chosen.size < size:
            chosen = union_sorted(chosen, spare[: size - chosen.size])
    return chosen


def _inner_solve(state, w, ws, weights, positive, target, budget, anderson, check_every,
                 floor):  # fmt: skip
    """CD epochs on the working set until its gap ≤ max(target, floor/2); returns epochs.
    ``weights``: the solve's :class:`~shrinkage.solvers.warm_start.Weights`."""
    target = max(target, 0.5 * floor)
    a, b = weights.kernel_l1, weights.kernel_l2
    # an epoch lowers the objective by at least ½ Σ L_j Δw_j² (exact minimisation along
    # each coordinate); when even |ws|·max L·max Δ² is below the target, check the gap
    # at once instead of waiting for the next regular check; once such an early check
    # fails (the dual side lags), wait for the regular ones
    settle = 2.0 * target / (ws.size * float(np.max(state.lipschitz[ws], initial=0.0)) + 1e-300)
    if anderson:  # the differences of the last anderson + 1 iterates, from the epochs;
        # a cycle starts with an epoch it does not record (the first iterate)
        diffs, filled = np.empty((anderson, ws.size), dtype=np.float32), -1
    for epoch in range(1, budget + 1):
        if anderson and filled >= 0:
            change = state.epoch(w, a, b, positive, ws, diffs[filled])
        else:
            change = state.epoch(w, a, b, positive, ws)
        if anderson:
            filled += 1
            if filled == anderson:
                try_extrapolation(state, w, ws, (a, b), positive, diffs)
                filled = -1
        early = change * change <= settle
        if epoch % check_every == 0 or epoch == budget or early:
            if _restricted_gap(state, w, ws, weights, positive) <= target:
                return epoch
            if early:
                settle = -1.0
    return budget


def _restricted_gap(state, w, ws, weights, positive):
    """The duality gap of the problem restricted to the working set (its one
    temporary, the set's correlations, is freed on return)."""
    corr, rr, y_dot_r = state.statistics(w, ws)
    return enet_duality_gap(corr, float(rr), float(y_dot_r), np.asarray(w, dtype=np.float64),
                            for_kernel(weights.l1_64), for_kernel(weights.l2_64),
                            bool(positive), int(state.n), ws)[0]  # fmt: skip


def try_extrapolation(state, w, ws, weights, positive, diffs):
    """Anderson step from the differences d_i = x_{i+1} − x_i of the last iterates
    (x_K the current ``w[ws]``); kept only if the objective decreases.

    The combination Σ_i c_i x_{i+1} with Σ c_i = 1 and c ∝ (DDᵀ)⁻¹1 is written
    ``x_K − Σ_l C_l d_l`` with ``C_l = Σ_{i<l} c_i``: no copy of the iterates. The
    loops are :mod:`shrinkage._kernels.anderson`'s; the step overwrites ``diffs[0]``,
    and a rejected one is undone by shifting back by it."""
    gram = difference_gram(diffs)
    try:
        z = np.linalg.solve(gram + 1e-12 * np.trace(gram) * np.eye(len(gram)),
                            np.ones(len(gram)))  # fmt: skip
    except np.linalg.LinAlgError:
        return
    if not np.all(np.isfinite(z)) or z.sum() == 0:
        return
    coefficients = z / z.sum()
    cumulative = np.concatenate(([0.0], np.cumsum(coefficients)[:-1]))
    step = combined_step(diffs, cumulative, w, ws, bool(positive))
    before = _objective(state, w, ws, weights)
    state.shift(w, ws, step)
    if _objective(state, w, ws, weights) >= before:
        np.negative(step, out=step)
        state.shift(w, ws, step)


def _objective(state, w, ws, weights):
    """The objective restricted to the working set (the others do not move)."""
    _, rr, _ = state.statistics(w, ws[:1])
    return rr / (2 * state.n) + restricted_penalty(w, ws, *weights)
