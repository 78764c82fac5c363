"""A whole logistic path in one compiled call: the proximal-Newton loop, run by numba.

The loop of :func:`shrinkage.solvers.logistic.prox_newton`, step for step, with the two
directions of :mod:`shrinkage.solvers.logistic_newton` (compiled in
:mod:`shrinkage._kernels.logistic_directions`) chosen per working set by the same rule:
the certificate at the top of each outer iteration, a working set of the non-zeros and
the largest KKT residuals (doubling), Lee, Sun & Saunders' backtracking on the true
objective, and the next α warm-started at the last predictor, whose dual side is reused.
Seven economies are its own:

- A Gram step may keep the last one's curvature (the weighted Gram matrix, which on tall
  sparse data costs more than the rest of the step) while that model predicted the last
  full step's decrease well: a proximal quasi-Newton step, still a descent direction,
  and a fresh matrix after any shortened step. An outer iteration whose gap is within a
  few targets keeps the last working set (where no feature outside it violates the
  target) rather than doubling it, so that the curvature still covers it.
- The loss and its derivatives at an accepted step come from the line search's last
  trial (:func:`~shrinkage._kernels.logistic_step.moved_derivatives`): σ read from the
  gradient and the trial's ``expm1(t·u)`` give the new σ without an exponential, and
  the loss is the last one plus the trial's change (summed afresh once their rounding
  could reach a thousandth of the target gap). Of the five transcendental functions per
  sample a step spent on these, two are left.
- With an intercept, the pass that forms ``Xᵀg`` also forms ``Xᵀh``, from which the
  certificate reads ``Xᵀθ`` when the intercept's dual point is its first iterate.
- Certificates take the loss's side of the dual value from Fenchel–Young at the
  predictor and a Taylor bound on each sample's divergence from it
  (:func:`~shrinkage._kernels.logistic_loss.dual_value_near`): no logarithm per sample
  once the dual point is near ``−∇F``, and a gap that is a bound all the same (each
  divergence overestimated by about 10⁻⁴ of itself at most). A certificate whose
  penalty's side alone (its Fenchel–Young gap, O(p)) exceeds the target stops there: a
  start the secant moved fails on that side, and its entropies are not needed.
- Certificates read only the columns that can matter
  (:mod:`~shrinkage._kernels.dual_bounds`): a Cauchy–Schwarz bound from the last
  certificate settles the features at zero well inside their dual constraint, and the gap
  is the same as with every column read (on data of many stored entries per row).
- Where the last α's start proved far from its solution (its objective above the
  solution's by more than the target gap), the next start is stepped from before its
  first certificate, which would fail: the working set comes from the KKT residuals
  alone, unless the last certificate settled columns by their bounds, when certifying
  the start costs less than those residuals.
- The Newton model's forcing term adapts along the path: where an α's single step
  overshot its target gap tenfold (the elastic net, whose steps are nearly exact), the
  next α's model is solved half as finely, up to a ceiling, and an α that needed a
  second step sets it back.

What changes above all is who runs the loop: on small problems the Python version spent
most of each α calling kernels (a 20-α path on a 569 × 30 table: about 5,000 Python
calls, 0.35 ms per α); here one call runs every α.

The caller (:mod:`shrinkage.path.logistic_compiled`) sends here float64 problems with no
unpenalised feature, whose dual point is the intercept's own
(:func:`~shrinkage._kernels.logistic_loss.intercept_dual_point`).
``tests/test_logistic_path_driver.py`` checks it against the Python loop.

Dense data come as X with empty CSC arrays, sparse data as the CSC arrays and row
offsets with a placeholder X (:func:`~shrinkage._kernels.columns.is_dense`), and each
layout's code sits under ``if is_dense(indptr)`` or its negation: both layouts are one
array type, so numba compiles the loop once for both. Compilation is the price of the
loop: numba re-optimises every callee at each level of calls, and this is the deepest
call tree of the library (``benchmarks/README.md`` gives the cold-start seconds).
NumPy's sort, partition, BLAS and LAPACK bindings are avoided in both modules for that
reason: each cost seconds of compilation and nothing measurable at run time on the
working sets they served.
"""

import numpy as np

from .clock import perf_counter
from .columns import copy_into, is_dense, subtract_columns_dense, subtract_columns_sparse
from .dual_bounds import drifted, mark_read, read_columns, unsettled
from .jit import inner, kernel
from .logistic_directions import (
    column_direction,
    gram_direction,
    some_columns,
    stored_entries,
    transposed,
    transposed_pair,
)
from .logistic_loss import (
    GAP_ROUNDING,
    clip_dual_point,
    curvature_from_gradient,
    gap_near,
    intercept_dual_point,
    loss_derivatives,
    loss_gradient,
)
from .logistic_step import armijo_step, moved_derivatives
from .penalty_side import _penalty_change, kkt_residuals, penalty_value, working_set_kkt
from .prediction import secant_ratio, secant_start

# A working set W of k features is solved in Gram mode when its columns hold at least
# this many stored entries per entry of the k × k matrix (dense: n ≥ 10k). Forming the
# matrix costs nnz(X_W)·k, a column epoch nnz(X_W): with k near n (wide dense data) the
# matrix costs hundreds of epochs, which a Newton step does not use. 100-α paths of an
# AR(1) 500 × 2000 design with an intercept at rel. gap 1e-4: 0.51 → 0.12 s (L1) and
# 0.31 → 0.13 s (elastic net 0.5) against the rule n ≥ k; 1000 × 200, 2000 × 300 and
# 300 × 1000 designs 10-35 % faster; wdbc, leukemia, rcv1_small, a9a within noise.
_GRAM_ENTRIES_PER_PAIR = 10
# Formed row by row, the matrix costs about as many column epochs as X_W stores entries
# per row: where that is at most this many (and the entries outnumber the matrix's), it
# is also formed. w8a (49,749 × 300, 12 entries per row), 20-α paths at rel. gap 1e-4:
# L1 with an intercept 0.79 → 0.50 s, elastic net without 0.195 → 0.168 s (working sets
# of 100-300 features, 2-6 entries per matrix entry); a9a and rcv1_small unchanged.
_GRAM_ROW_ENTRIES = 20
# Certificates read X lazily (:mod:`~shrinkage._kernels.dual_bounds`) where it stores at
# least this many entries per row. On tall data a certificate's per-sample work (its dual
# point and entropy: about three transcendental functions per sample) outweighs the
# pass, few columns settle, and the gradient they leave partial costs the next Newton
# step a pass over its working set: w8a (12 per row), elastic net, 100 α, 1e-4, 0.68 s
# reading all of X against 0.72 s lazily; leukemia, rcv1_small (74 per row) and AR(1)
# 500 × 2000 gain 1.02–1.39× (benchmarks/README.md).
_LAZY_ENTRIES = 32
# An α solved by one Newton step to this fraction of its target gap or less had its
# model solved more finely than it needed: the next α's forcing term is doubled
# (:data:`~shrinkage.solvers.logistic.COMPILED_SETTINGS`).
_OVERSHOOT = 0.1
# The loss after a Newton step is the last one plus the line search's change, while their
# rounding errors add up to at most this fraction of the target gap (it is then summed
# afresh): the step's σ, gradient and curvature come from that trial's expm1(t·u) and
# the last σ (:func:`~shrinkage._kernels.logistic_step.moved_derivatives`), where a
# fresh loss and derivatives cost an exponential and a logarithm per sample.
_DRIFT = 1e-3


@inner()
def _kth_largest(values, k):
    """The k-th largest of ``values`` (k ≥ 1) by quickselect, O(p) expected, reordering
    ``values`` (NumPy's ``partition`` costs numba five seconds of compilation)."""
    work = values
    low, high = 0, work.shape[0] - 1
    target = k - 1  # position in decreasing order
    while low < high:
        pivot = work[(low + high) // 2]
        i, j = low, high
        while i <= j:
            while work[i] > pivot:
                i += 1
            while work[j] < pivot:
                j -= 1
            if i <= j:
                work[i], work[j] = work[j], work[i]
                i += 1
                j -= 1
        if target <= j:
            high = j
        elif target >= i:
            low = i
        else:
            break
    return work[target]


@inner()
def _largest(score, size, violators_only):
    """The indices of the ``size`` largest scores, increasing, in O(p) (a selection,
    not a sort: on 47,000 features the sort took longer than the Newton steps). With
    ``violators_only``, only the positive ones where they are fewer
    (:func:`shrinkage.solvers.logistic.working_set` states the rule); the first
    ``size`` where none is, or where zeros fill the set."""
    p = score.shape[0]
    # most scores are 0 (the features that meet their KKT condition): the selection
    # runs on the positive ones only
    count = 0
    for j in range(p):
        if score[j] > 0.0:
            count += 1
    threshold = 0.0
    if violators_only and 0 < count < size:
        size = count
    if count > size:
        positive = np.empty(count)
        count = 0
        for j in range(p):
            if score[j] > 0.0:
                positive[count] = score[j]
                count += 1
        threshold = _kth_largest(positive, size)
    ties = size
    for j in range(p):
        if score[j] > threshold:
            ties -= 1
    chosen = np.empty(size, dtype=np.int64)
    count = 0
    for j in range(p):  # in increasing order; ties at the threshold first come first
        if score[j] > threshold or (score[j] == threshold and ties > 0):
            if score[j] == threshold:
                ties -= 1
            chosen[count] = j
            count += 1
    return chosen[:count]


@inner()
def _meets_outside(kkt, features, target):
    """Whether every KKT residual outside the sorted ``features`` is at most target (an
    empty set: False)."""
    if features.shape[0] == 0:
        return False
    inside = 0
    for j in range(kkt.shape[0]):
        if inside < features.shape[0] and features[inside] == j:
            inside += 1
        elif kkt[j] > target:
            return False
    return True


@inner()
def _gradient(X, data, indices, indptr, fit_intercept, state):
    """``Xᵀg`` at the state's predictor unless current; with an intercept, and the dual
    side to be computed, ``Xᵀh`` in the same pass."""
    z, g, hess, gradient, theta, corr, change, loss, current, hess_x = state
    if not current[1]:
        if fit_intercept and not current[0]:
            transposed_pair(X, data, indices, indptr, g, hess, gradient, hess_x)
            current[2] = True
        else:
            transposed(X, data, indices, indptr, g, gradient)
        current[1] = True


@inner()
def _dual_point(z, y, s, g, hess, theta, change, fit_intercept, slack):
    """θ at the state's predictor, in O(n): the intercept's dual point (``slack`` as
    :func:`~shrinkage._kernels.logistic_loss.intercept_dual_point`) or −g, then clipped.
    Returns ``(first, correction, clipped)``: θ is ``−g − correction·h`` where ``first``
    and not ``clipped``."""
    first, correction = True, 0.0
    if fit_intercept:
        first, correction = intercept_dual_point(z, y, s, g, hess, theta, slack)
    else:
        for i in range(theta.shape[0]):
            theta[i] = -g[i]
    clipped = clip_dual_point(y, s, theta, change)
    return first, correction, clipped


@inner()
def _certificate(X, data, indices, indptr, y, s, fit_intercept, state, bounds, w,
                 intercept, a, b, positive, kkt, slack, enough):  # fmt: skip
    """The duality gap at the state's predictor and the largest KKT residual.

    ``Xᵀθ`` is formed without a pass over X where ``Xᵀg`` and ``Xᵀh`` are current and θ
    is the intercept's first iterate; else, once the bounds of
    :mod:`~shrinkage._kernels.dual_bounds` hold, only the columns they do not settle are
    read (with their ``Xᵀg``); the settled ones keep their bound, and a KKT residual of
    0 (their ``Xᵀg`` is left 0, and the gradient marked not current). ``bounds`` holds
    the arrays of the bounds and two flags: that they hold, and that this certificate
    left a column unread. Returns ``(gap, largest KKT residual)``, the gap a lower bound
    of it where the penalty's side alone exceeds ``enough``
    (:func:`~shrinkage._kernels.logistic_loss.gap_near`).
    """
    z, g, hess, gradient, theta, corr, change, loss, current, hess_x = state
    norms, means, reference, exact, mask, holds = bounds
    p = w.shape[0]
    if not current[0]:
        first, correction, clipped = _dual_point(z, y, s, g, hess, theta, change,
                                                 fit_intercept, slack)  # fmt: skip
        if not (current[1] or fit_intercept or clipped or holds[0]):
            # θ = −g: one product gives Xᵀg and Xᵀθ (a pair costs 1.4× one on long
            # sparse columns)
            transposed(X, data, indices, indptr, g, gradient)
            current[1] = True
        if current[1] and first and (current[2] or not fit_intercept):
            # θ = −g − c·h: Xᵀθ without a pass over X
            for j in range(p):
                corr[j] = -gradient[j]
                if fit_intercept:
                    corr[j] -= correction * hess_x[j]
            if clipped:
                extra = np.empty(p)
                transposed(X, data, indices, indptr, change, extra)
                corr += extra
            exact[:] = True
        elif holds[0]:
            drifted(corr, exact, reference, theta, norms, means)
        else:
            if current[1]:
                transposed(X, data, indices, indptr, theta, corr)
            else:
                transposed_pair(X, data, indices, indptr, g, theta, gradient, corr)
                current[1] = True
            exact[:] = True
        holds[0] = norms.shape[0] > 0
        if holds[0]:
            copy_into(reference, theta)
        current[0] = True
    count = unsettled(corr, exact, w, a, mask)
    if count > 0:
        read_columns(X, data, indices, indptr, g, theta, mask, gradient, corr,
                     not current[1])  # fmt: skip
    lazy = mark_read(exact, mask, gradient, current[1]) > 0
    if not lazy:
        current[1] = True
    holds[1] = lazy
    return gap_near(y, s, theta, corr, gradient, w, intercept, a, b, positive, kkt, z, g,
                    loss[0], enough)  # fmt: skip


@inner()
def _prox_newton(X, data, indices, indptr, row_starts, y, s,
                 fit_intercept, scale, a, b, positive, tol, max_iter, w, intercept, state,
                 bounds, settings, model, reuse, certify_start, forcing, buffers):  # fmt: skip
    """One α: :func:`shrinkage.solvers.logistic.prox_newton`. Returns
    ``(intercept, gap, n_steps, model, reuse)``; ``w`` and ``state`` in place. Each
    Newton model is solved to ``forcing`` × the working set's target. ``model``
    is the curvature of the last Gram step and ``reuse`` whether the next may keep it
    (:func:`~shrinkage._kernels.logistic_directions.gram_direction`). Without
    ``certify_start`` the first working set is chosen from the KKT residuals alone and
    a step is taken before the first certificate. ``buffers`` (a p-vector and an
    n-vector, free between the secant starts of :func:`_predicted`) hold the KKT
    residuals (then the working set's scores and the directions' new w) and the
    direction's ``Xd``."""
    first_ws, ws_tol, _, armijo, face_steps, gram_epochs = settings[:6]
    epochs, cg_max_iter, gram_max = settings[6:9]
    fidelity = settings[10]
    z, g, hess, gradient, theta, corr, change, loss, current, hess_x = state
    n, p = z.shape[0], w.shape[0]
    # the dual point's clipping change is read only inside a certificate, which rewrites
    # it: until then it holds the column direction's model gradient, then the line
    # search's expm1(t·u) (growth)
    kkt, growth = buffers[0], change
    scratch = (buffers[1], change)  # the directions' Xd and model gradient
    ws_size = min(int(first_ws), p)
    n_steps = 0
    # the intercept's dual point may be that much from the exact one: a fraction of the
    # target gap (:data:`~shrinkage.solvers.logistic.COMPILED_SETTINGS`)
    slack = settings[11] * tol * scale
    total = n * p  # the stored entries of X
    if not is_dense(indptr):
        total = indptr[p]
    # a start that would be stepped is certified where the last certificate left columns
    # unread: cheaper than the full pass of the KKT residuals
    certified = certify_start or max_iter == 0 or (settings[15] > 0 and bounds[5][1])
    gap = np.inf
    while True:
        if certified:
            # a failing certificate's gap only chooses the next working set: it may
            # stop at a lower bound, unless it is the last of the α
            enough = tol * scale if n_steps < max_iter else np.inf
            gap, largest = _certificate(X, data, indices, indptr, y, s, fit_intercept,
                                        state, bounds, w, intercept, a, b, positive, kkt,
                                        slack, enough)  # fmt: skip
            if gap / scale <= tol or n_steps >= max_iter:
                return intercept, gap, n_steps, model, reuse
        else:
            _gradient(X, data, indices, indptr, fit_intercept, state)
            largest = kkt_residuals(gradient, w, a, b, positive, kkt)
        violation = largest
        if fit_intercept:
            violation = max(violation, abs(g.sum()))
        target = ws_tol * violation
        n_nonzero = 0
        for j in range(p):
            if w[j] != 0.0:
                n_nonzero += 1
        size = min(p, max(ws_size, 2 * n_nonzero))
        if (reuse and gap <= settings[16] * tol * scale
                and _meets_outside(kkt, model[0], target)):  # fmt: skip
            # the last step's model predicted its decrease, the gap is within a few times
            # the target, and every feature outside the last working set meets the
            # target: the same set again, on the same curvature
            features = model[0].copy()
            size = features.shape[0]
        else:
            # the KKT residuals are read no more before the next certificate rewrites
            # them: they become the working set's scores, the non-zero features first
            # (then the directions' w_new)
            for j in range(p):
                if w[j] != 0.0:
                    kkt[j] = np.inf
            features = _largest(kkt, size, settings[17] > 0.0)
        ws_size = min(p, 2 * size)
        k = features.shape[0]
        nnz = stored_entries(indptr, n, features)
        by_gram = k <= gram_max and (
            nnz >= _GRAM_ENTRIES_PER_PAIR * k * k
            or (nnz >= k * k and nnz <= _GRAM_ROW_ENTRIES * n)
        )
        # after a step, all of Xᵀg (which the certificate needs next) costs at most twice
        # the working set's part: then it is computed once and read for both
        whole = 2 * nnz >= total
        progress = False
        while n_steps < max_iter:
            stale = False
            decrease = 0.0
            if by_gram:
                w_new, u, step_b, model, decrease, stale = gram_direction(
                    X, data, indices, indptr, row_starts, features,
                    w, g, hess, a, b, positive, fit_intercept, forcing * target,
                    int(face_steps), int(gram_epochs), gradient, current[1], model,
                    reuse, scratch[0], kkt,
                )  # fmt: skip
            else:
                w_new, u, step_b = column_direction(
                    X, data, indices, indptr, features, w, g, hess, a, b,
                    positive, fit_intercept, forcing * target, int(face_steps),
                    int(epochs), int(cg_max_iter), scratch, kkt,
                )  # fmt: skip
            # the step moves W only: the line search and the update read W's entries
            w_ws, a_ws, b_ws = w[features], a[features], b[features]
            step_ws = w_new[features] - w_ws
            n_steps += 1
            t, change, error = armijo_step(z, u, y, s, w_ws, step_ws, a_ws, b_ws, g, armijo,
                                           growth)  # fmt: skip
            reuse = False
            if t == 0.0:
                if stale:
                    continue  # the fresh curvature may still descend
                break
            progress = True
            before = loss[0] - _penalty_change(w_ws, step_ws, t, a_ws, b_ws)
            for i in range(k):
                w[features[i]] = w_ws[i] + t * step_ws[i]
            intercept += t * step_b
            # the loss and its derivatives at the step from the line search's trial, while
            # the rounding it accumulates stays a small fraction of the target gap
            loss[1] += error
            if loss[1] <= _DRIFT * tol * scale:
                moved_derivatives(z, u, t, y, s, g, hess, growth)
                loss[0] += change
            else:
                z += t * u
                loss[0], loss[1] = loss_derivatives(z, y, s, g, hess), 0.0
            current[0] = current[1] = current[2] = False
            # the curvature is kept while the model predicts the full step's decrease
            actual = loss[0] - before
            reuse = t == 1.0 and decrease < 0.0 and abs(actual - decrease) <= fidelity * -decrease
            if whole:
                if fit_intercept:  # Xᵀh comes at no extra cost: the certificate's Xᵀθ
                    transposed_pair(X, data, indices, indptr, g, hess, gradient, hess_x)
                    current[2] = True
                else:
                    transposed(X, data, indices, indptr, g, gradient)
                current[1] = True
                ws_grad = gradient[features]
            else:
                ws_grad = some_columns(X, data, indices, indptr, g, features)
            ws_kkt = working_set_kkt(ws_grad, w, a, b, positive, features)
            if fit_intercept:
                ws_kkt = max(ws_kkt, abs(g.sum()))
            if ws_kkt <= target:
                break
        if not progress and size == p and certified:
            # stalled at machine precision: as certified
            return intercept, gap, n_steps, model, reuse
        certified = True


@inner()
def _predicted(X, data, indices, indptr, y, s, fit_intercept, ratio, w, previous,
               intercept, previous_intercept, a, b, state, buffers):  # fmt: skip
    """The start of the next α (:mod:`shrinkage._kernels.prediction`): the secant
    through the last two solutions, taken (w and the state in place) where its objective
    is below the warm start's. ``previous`` becomes the current w. Returns the
    intercept of the start."""
    z, g, hess, gradient, theta, corr, change, loss, current, hess_x = state
    guess, z_guess = buffers
    g_guess = change  # rewritten by the next certificate before it is read
    count = secant_start(w, previous, ratio, guess)
    guess_intercept = intercept
    if fit_intercept:
        guess_intercept = intercept + ratio * (intercept - previous_intercept)
    copy_into(previous, w)
    support = np.empty(count, dtype=np.int64)
    count = 0
    for j in range(w.shape[0]):
        if guess[j] != 0.0:
            support[count] = j
            count += 1
    z_guess[:] = guess_intercept
    minus = -guess[support]
    if is_dense(indptr):
        subtract_columns_dense(X, z_guess, support, minus)
    if not is_dense(indptr):
        subtract_columns_sparse(data, indices, indptr, z_guess, support, minus)
    guess_loss = loss_gradient(z_guess, y, s, g_guess)
    if guess_loss + penalty_value(guess, a, b) >= loss[0] + penalty_value(w, a, b):
        return intercept
    copy_into(w, guess)
    copy_into(z, z_guess)
    copy_into(g, g_guess)
    curvature_from_gradient(g, y, s, hess)
    loss[0], loss[1] = guess_loss, 0.0
    current[0] = current[1] = current[2] = False
    return guess_intercept


@inner()
def _screened(corr, w, a, b, positive, norms, radius):
    """:func:`shrinkage.certificates.logistic.gap_safe_zeros`, counted: the dual sphere's
    ``radius`` times the column ``norms``."""
    shrink = 1.0
    for j in range(w.shape[0]):
        if b[j] == 0.0 and a[j] > 0.0:
            magnitude = max(corr[j], 0.0) if positive else abs(corr[j])
            shrink = max(shrink, magnitude / a[j])
    count = 0
    for j in range(w.shape[0]):
        magnitude = max(corr[j], 0.0) if positive else abs(corr[j])
        if a[j] > 0.0 and w[j] == 0.0 and magnitude / shrink + norms[j] * radius < a[j]:
            count += 1
    return count


@kernel()  # releases the GIL; the clock (clock.perf_counter) takes it back
def logistic_path(X, data, indices, indptr, row_starts, y, s,
                  fit_intercept, scale, alphas, l1_unit, l2_unit, positive, tol, max_iter,
                  intercept, column_norms, column_means, screen, unit_radius, settings,
                  coefs, points):  # fmt: skip
    """Every α of a decreasing grid, warm-started, from w = 0 and ``intercept``.

    Parameters
    ----------
    X : ndarray (Fortran) of shape (n, p), or a placeholder for sparse data
    data, indices, indptr : CSC arrays of sparse X (empty for dense X: the layout is
        told by :func:`~shrinkage._kernels.columns.is_dense`)
    row_starts : ndarray of shape (n + 1,), int64
        The row offsets of sparse X (:func:`~shrinkage._kernels.weighted_gram.row_offsets`;
        empty for dense X): its Gram matrices are formed by row blocks from the columns.
    y, s : ndarray of shape (n,)
        Labels 0/1 and weights summing to n.
    fit_intercept : bool
    scale : float
        P(0) (1 where it is 0): the relative gap is ``gap / scale``.
    alphas : ndarray
        The grid.
    l1_unit, l2_unit : ndarray of shape (p,)
        The penalty's weights at α = 1 (:meth:`~shrinkage.penalties.Penalty.weights`).
    positive : bool
    tol : float
        Relative gap to certify at every α.
    max_iter : int
        Newton steps per α.
    intercept : float
        The intercept of the α_max solution (the prior's log-odds, or 0).
    column_norms, column_means : ndarray of shape (p,)
        ``‖x_j − x̄_j‖`` and ``x̄_j`` with an intercept, ``‖x_j‖`` and 0 without (never
        underestimated): the norms of the gap-safe test and, with the means, of the
        lazy correlations (:mod:`~shrinkage._kernels.dual_bounds`).
    screen : bool
        Count the features the gap-safe test proves zero.
    unit_radius : float
        The dual radius of a unit gap (:meth:`~shrinkage.losses.Loss.dual_radius`).
    settings : tuple of floats
        First working set, working-set and model forcing terms, Armijo constant, face
        steps and CD epochs per face step, 1 to start each α from the secant
        prediction (:mod:`shrinkage._kernels.prediction`) or 0 from the last solution,
        the fidelity under which a Gram step's curvature is kept for the next (0: never),
        the slack of the intercept's dual point as a fraction of the target gap, and 1 to
        step before certifying a start when the last α's start was shown to be more
        than the target gap from its solution, 0 to certify every start first, the
        largest forcing term of the Newton model (the model forcing term itself: fixed),
        1 for lazy correlations in the certificates (0: each reads all of X), and 1 to
        certify a start that would be stepped from where the last certificate left
        columns unread, and the gap (in target gaps) under which an outer iteration
        keeps the last working set and its curvature (0: never), and 1 for working
        sets of the features that violate their KKT condition only (0: filled up to
        their size with features that meet it) (:mod:`shrinkage.solvers.logistic`).
    coefs : ndarray of shape (n_alphas, p)
        Receives each α's coefficients.
    points : ndarray of shape (n_alphas, 6)
        Receives intercept, gap, relative gap, Newton steps, seconds and screened count.
    """
    n, p = y.shape[0], l1_unit.shape[0]
    w = np.zeros(p)
    z = np.full(n, intercept)
    g, hess = np.empty(n), np.empty(n)
    # the loss at z, and a bound on the rounding it carries from the line search's
    # changes since it was last summed afresh
    loss = np.array([loss_derivatives(z, y, s, g, hess), 0.0])
    # the flags: the dual side, the gradient Xᵀg, and Xᵀh, computed at the current z
    state = (z, g, hess, np.empty(p), np.empty(n), np.empty(p), np.empty(n), loss,
             np.array([False, False, False]), np.empty(p))  # fmt: skip
    predict = settings[9] > 0.0
    # from the first α that needs a second Newton step on: before, the warm start is as
    # good, and the prediction would only cost its pass over X and a full certificate
    predicting = False
    previous, previous_intercept = np.zeros(p), intercept
    buffers = (np.empty(p), np.empty(n))
    model = (np.empty(0, dtype=np.int64), np.empty((0, 0)), np.empty(0), 0.0)
    # False, as a run-time bool: a literal False would compile the callees twice
    reuse = settings[10] < 0.0
    stepped = False  # whether the last α's start was shown far from certified
    forcing = settings[2]
    # the lazy correlations' norms (none: every certificate reads all of X), means, θ
    # of reference, columns read at the current point, columns to read, and two flags
    entries = n * p if is_dense(indptr) else indptr[p]
    wide = entries >= _LAZY_ENTRIES * n
    bound_norms = column_norms if settings[14] > 0.0 and wide else np.empty(0)
    # θ of reference: only where the bounds are used
    reference = np.empty(n if bound_norms.shape[0] > 0 else 0)
    bounds = (bound_norms, column_means, reference, np.zeros(p, dtype=np.bool_),
              np.zeros(p, dtype=np.bool_), np.array([False, False]))  # fmt: skip
    no_l1, no_l2 = not np.any(l1_unit), not np.any(l2_unit)
    for k in range(alphas.shape[0]):
        tick = perf_counter()
        # a penalty without an L1 or an L2 part keeps no vector of its zero weights
        a = l1_unit if no_l1 else alphas[k] * l1_unit
        b = l2_unit if no_l2 else alphas[k] * l2_unit
        if predict and k >= 2 and predicting:
            solved = intercept
            intercept = _predicted(
                X, data, indices, indptr, y, s, fit_intercept, secant_ratio(alphas, k), w,
                previous, intercept, previous_intercept, a, b, state, buffers,
            )  # fmt: skip
            previous_intercept = solved
        elif predict:
            copy_into(previous, w)
            previous_intercept = intercept
        # the start is certified first unless the last α's start needed a step that
        # gained more than the target gap (settings[12] = 0: always certified first)
        certify_start = settings[12] == 0.0 or k == 0 or not stepped
        start = loss[0] + penalty_value(w, a, b)
        intercept, gap, n_steps, model, reuse = _prox_newton(
            X, data, indices, indptr, row_starts, y, s, fit_intercept,
            scale, a, b, positive, tol, max_iter, w, intercept, state, bounds, settings,
            model, reuse, certify_start, forcing, buffers,
        )  # fmt: skip
        # the forcing term: doubled (up to settings[13]) after a single step that
        # overshot the target tenfold, back to settings[2] after an α of several steps
        if n_steps == 1 and gap <= _OVERSHOOT * tol * scale:
            forcing = min(2.0 * forcing, settings[13])
        elif n_steps > 1:
            forcing = settings[2]
        copy_into(coefs[k], w)
        predicting = predicting or n_steps > 1
        # the start was that far from the solution (its gap bounds the rest)
        stepped = n_steps > 0 and start - loss[0] - penalty_value(w, a, b) + gap > tol * scale
        screened = 0
        if screen:
            floor = GAP_ROUNDING * (loss[0] + penalty_value(w, a, b))
            radius = unit_radius * np.sqrt(max(gap, floor))
            screened = _screened(state[5], w, a, b, positive, column_norms, radius)
        tock = perf_counter()
        points[k, 0], points[k, 1], points[k, 2] = intercept, gap, gap / scale
        points[k, 3], points[k, 4], points[k, 5] = n_steps, tock - tick, screened
