"""A whole elastic-net solve in covariance ("Gram") mode, certificate included.

With ``G = XᵀX``, ``Xᵀy`` and ``‖y‖²`` formed once, everything a solve needs is O(p):
the correlations ``q = Xᵀy − Gw``, ``yᵀr = ‖y‖² − wᵀXᵀy`` and ``‖r‖² = yᵀr − wᵀq``. On
small problems (p of tens to hundreds) a point of a path then costs microseconds, and
calling back into Python between epochs would cost more than the epochs: this loop keeps
the working-set scheme of :func:`shrinkage.solvers.working_set.working_set_cd` (full gap
check; working set = support, pure-L2 features and every KKT violator; inner epochs
until the set's own gap is below a fraction of the full one) in one compiled call.
"""

import numpy as np

from .clock import perf_counter
from .columns import copy_into, dot
from .face import face_step_gram
from .gap import check_at, check_summary, enet_duality_gap
from .gram import cd_epoch_gram
from .jit import inner, kernel
from .prox import weight_at

# full checks without progress before q is recomputed from scratch, and then before the
# solve stops: the gap is then at the precision of the Gram form's statistics
_STALLED_CHECKS = 5


@kernel()
def _statistics(w, xty, q, yy):
    """``(yᵀr, ‖r‖²)`` from the Gram state (``‖r‖² = ‖y‖² − wᵀXᵀy − wᵀq``)."""
    y_dot_r = yy - dot(w, xty)
    return y_dot_r, max(y_dot_r - dot(w, q), 0.0)


@inner()
def _support_size(w, features):
    count = 0
    for j in features:
        count += w[j] != 0.0
    return count


@kernel()
def _working_set(q, w, a, b, positive, n, scale, gap, lipschitz, out):
    """Support, pure-L2 features and KKT violators not proven zero, into ``out``;
    returns how many (all features when none qualifies)."""
    radius = np.sqrt(2.0 * max(gap, 0.0) / n)
    size = 0
    for j in range(w.shape[0]):
        kkt, proven = check_at(q, w, a, b, positive, n, scale, radius, lipschitz, j)
        if w[j] != 0.0 or weight_at(a, j) == 0.0 or (kkt > 0.0 and not proven):
            out[size] = j
            size += 1
    if size == 0:
        for j in range(w.shape[0]):
            out[j] = j
        size = w.shape[0]
    return size


@kernel()
def gram_solve(gram, xty, yy, n, lipschitz, check_lipschitz, w, q, a, b, positive, target,
               max_epochs, inner_fraction, face_share):  # fmt: skip
    """Solve ``1/(2n)‖y − Xw‖² + Σ a_j|w_j| + ½ b_j w_j²`` from ``w`` (in place, with
    ``q = Xᵀy − Gw`` kept current) until the duality gap is ``≤ target``.

    ``a``, ``b``: arrays or one number each. ``check_lipschitz``: the coordinate
    constants used by the screening test (float32 majorants are safe there). Every
    solve runs at least one epoch: a start (zero, or the previous point of a path) can
    already meet a loose target, and returning it unchanged would make exact zeros
    misrepresent an L2 penalty, or a path stand still between close α.

    After each epoch of the working set (every few epochs when the support is large), a
    Newton step on the face of the current signs (:func:`.face.face_step_gram`) while
    its Cholesky costs at most ``1/face_share`` of the epochs between two steps; none
    when ``face_share`` is 0.

    When the full gap stops falling (:data:`_STALLED_CHECKS` checks in a row), q is
    recomputed from ``Xᵀy − Gw`` once; if it stalls again the solve stops short of the
    target, where rounding in ``‖r‖² = yᵀr − wᵀq`` bounds what this form can certify.

    Returns ``(epochs, gap, primal, dual, largest KKT residual, number screened)``; the
    screened count is of features proven zero at the optimum by the gap-safe test.
    Every feature must be penalised (``a_j > 0`` or ``b_j > 0``): epochs is −1 if not.
    """
    p = w.shape[0]
    for j in range(p):
        if weight_at(a, j) == 0.0 and weight_at(b, j) == 0.0:
            return -1, np.nan, np.nan, np.nan, np.nan, 0  # an unpenalised feature
    features = np.empty(p, dtype=np.int64)
    restricted = np.empty(p)
    no_deltas = np.empty(0, dtype=np.float32)  # the epochs record no changes
    epochs, best, stalled, refreshed = 0, np.inf, 0, False
    while True:
        y_dot_r, rr = _statistics(w, xty, q, yy)
        gap, primal, dual, scale = enet_duality_gap(q, rr, y_dot_r, w, a, b, positive, n)
        if (epochs > 0 and gap <= target) or epochs >= max_epochs:
            break
        if gap < 0.99 * best:
            best, stalled = gap, 0
        else:  # no progress: rounding in q or in the gap's statistics
            stalled += 1
            if stalled >= _STALLED_CHECKS:
                if refreshed:
                    break  # at the precision the Gram form can certify
                for j in range(q.shape[0]):  # drop the rounding the updates accumulated
                    q[j] = xty[j] - dot(gram[j], w)
                best, stalled, refreshed = np.inf, 0, True
                continue
        size = _working_set(q, w, a, b, positive, n, scale, gap, check_lipschitz, features)
        chosen = features[:size]
        inner_target = max(inner_fraction * gap, 0.5 * target)
        # a face of m costs about m³/3 to factor, an epoch size·p: one face step every
        # `every` epochs costs at most 1/face_share of the epochs between them
        every = 0
        if face_share > 0:
            every = 1 + _support_size(w, chosen) ** 3 // (3 * face_share * size * p)
        while epochs < max_epochs:
            cd_epoch_gram(gram, w, q, lipschitz, a, b, positive, chosen, n, no_deltas)
            epochs += 1
            if every > 0 and epochs % every == 0:
                face_step_gram(gram, q, w, a, b, positive, n, chosen)
            for k in range(size):
                restricted[k] = q[chosen[k]]
            y_dot_r, rr = _statistics(w, xty, q, yy)
            inner = enet_duality_gap(restricted[:size], rr, y_dot_r, w, a, b, positive, n,
                                     chosen)[0]  # fmt: skip
            if inner <= inner_target:
                break
    radius = np.sqrt(2.0 * max(gap, 0.0) / n)
    largest, screened = check_summary(q, w, a, b, positive, n, scale, radius, check_lipschitz)
    return epochs, gap, primal, dual, largest, screened


@kernel()  # releases the GIL; the clock (clock.perf_counter) takes it back
def gram_path(gram, xty, yy, n, lipschitz, check_lipschitz, w, q, alphas, unit_a, unit_b,
              positive, target, max_epochs, inner_fraction, face_share, coefs,
              points):  # fmt: skip
    """:func:`gram_solve` at every α of a grid, each warm-started from the last, in one
    call: on small problems the Python between the points cost more than the points.

    ``unit_a``, ``unit_b``: the weights at α = 1 (arrays, or one number each); those at
    α are α times them. ``w`` and ``q = Xᵀy − Gw`` are the first start, and are left at
    the last point. Row k of ``coefs`` receives the solution at ``alphas[k]``, row k of
    ``points`` its epochs, gap, primal, dual, largest KKT residual, screened count and
    seconds. Every feature must be penalised (the first epochs are then −1).
    """
    tick = perf_counter()
    for k in range(alphas.shape[0]):
        a, b = alphas[k] * unit_a, alphas[k] * unit_b
        epochs, gap, primal, dual, largest, screened = gram_solve(
            gram, xty, yy, n, lipschitz, check_lipschitz, w, q, a, b, positive, target,
            max_epochs, inner_fraction, face_share,
        )  # fmt: skip
        copy_into(coefs[k], w)
        tock = perf_counter()
        points[k, 0], points[k, 1], points[k, 2], points[k, 3] = epochs, gap, primal, dual
        points[k, 4], points[k, 5], points[k, 6] = largest, screened, tock - tick
        tick = tock
        if epochs < 0:
            return
