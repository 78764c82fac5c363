"""One point of a multinomial lasso path on dense data in one compiled call.

The loop of :func:`shrinkage.solvers.multinomial.solve_multinomial_prepared`, step for
step, run by numba: the certificate at the top of each outer iteration
(:mod:`.multinomial_loss`), a working set of the non-zero rows and the largest KKT
residuals (doubling), the proximal-Newton model minimised by runs of coordinate descent
over the rows (:func:`~shrinkage._kernels.multinomial.multinomial_cd_dense`), each run
followed by a Newton step on the face of the signs, and backtracking on the true
objective. On small tables the Python loop spent nearly all of its time between the
kernels (iris, 20 α at rel. gap 1e-6: about 6,000 NumPy calls); here one call solves
an α, and :mod:`shrinkage.path.multinomial_compiled` makes a handful per α.

The face step's system is formed by plain loops (n·m² operations for m face entries),
so the caller sends here small problems only. NumPy's sorts, BLAS products and slice
assignments of arrays are avoided: numba links every callee into its caller and
optimises the whole again, so each costs seconds of compilation at every level of
calls. ``tests/test_multinomial_path_driver.py`` checks the loop against the Python one.
"""

import numpy as np

from .columns import add_product
from .face import move_in_face, solve_positive_semidefinite
from .jit import inner, kernel
from .multinomial import multinomial_cd_dense
from .multinomial_loss import (
    certificate,
    loss_change,
    loss_point,
    loss_value,
    transposed,
)
from .multinomial_penalty import penalty_change, penalty_value, row_kkt

# the solver's rules, from Python (``settings``, in this order): the first working set,
# the working set's target over the largest KKT residual, the model's over the working
# set's, the Armijo fraction, the resolution of a decrease relative to the objective,
# the model's epochs, the epochs of a run between face steps, a face's largest size
_FIRST, _SET_TOL, _MODEL_TOL, _ARMIJO, _RESOLUTION, _EPOCHS, _RUN, _FACE_MAX = range(8)


@kernel()
def _predictor(X, W, intercept, offset, Z):
    """``Z = XW + 1bᵀ + O`` (O: ``offset``, or none where it is empty)."""
    n = X.shape[0]
    K = W.shape[1]
    for i in range(n):
        for k in range(K):
            Z[i, k] = intercept[k] + (offset[i, k] if offset.shape[0] > 0 else 0.0)
    add_product(X, W, 1.0, Z)


@inner()
def _intercept_violation(G, fit_intercept):
    """``max_k |Σ_i G_ik|`` with an intercept, else 0."""
    if not fit_intercept:
        return 0.0
    worst = 0.0
    for k in range(G.shape[1]):
        total = 0.0
        for i in range(G.shape[0]):
            total += G[i, k]
        worst = max(worst, abs(total))
    return worst


@kernel()
def _working_set(W, kkt, size):
    """The ``size`` rows of largest score, in increasing order: the non-zero rows first,
    then the largest KKT residuals (ties to the lower index). By repeated maxima, O(p ×
    size) on the small problems this loop serves (NumPy's sorts cost numba seconds of
    compilation)."""
    p = W.shape[0]
    score = np.empty(p)
    for j in range(p):
        score[j] = kkt[j]
        for k in range(W.shape[1]):
            if W[j, k] != 0.0:
                score[j] = np.inf
                break
    chosen = np.zeros(p, dtype=np.bool_)
    for _ in range(size):
        best = -1
        for j in range(p):
            if not chosen[j] and (best < 0 or score[j] > score[best]):
                best = j
        chosen[best] = True
    features = np.empty(size, dtype=np.int64)
    m = 0
    for j in range(p):
        if chosen[j]:
            features[m] = j
            m += 1
    return features


@kernel()
def _copy(out, values):
    """``out[:] = values`` for (p, K) arrays, as a loop (numba's slice assignment formats
    a shape error message that costs seconds of compilation)."""
    for j in range(out.shape[0]):
        for k in range(out.shape[1]):
            out[j, k] = values[j, k]


@kernel()
def _face_step(X, features, W, U, V, step_b, G, H, P, s, a, b, fit_intercept, largest):
    """One Newton step on the face of the signs (the non-zero coefficients of the rows
    ``features`` and the intercepts), cut at the first sign change, taken where the
    model drops (:func:`shrinkage.solvers.multinomial_model._face_step`)."""
    n, K = G.shape
    count = 0
    for m in range(features.shape[0]):
        for k in range(K):
            if W[features[m], k] != 0.0:
                count += 1
    size = count + (K if fit_intercept else 0)
    if size == 0 or size > largest:
        return
    columns = np.empty(size, dtype=np.int64)  # -1: an intercept
    classes = np.empty(size, dtype=np.int64)
    current = np.zeros(size)
    l1 = np.zeros(size)
    l2 = np.zeros(size)
    e = 0
    for m in range(features.shape[0]):
        j = features[m]
        for k in range(K):
            if W[j, k] != 0.0:
                columns[e], classes[e], current[e] = j, k, W[j, k]
                l1[e], l2[e] = a[j], b[j]
                e += 1
    for k in range(K if fit_intercept else 0):
        columns[e], classes[e] = -1, k
        e += 1
    # the face's columns (ones for the intercepts) as rows, and each scaled by the
    # weighted probabilities of its class: the Hessian is Σ_i x_e (s/n)P_c(δ_cd − P_d) x_f
    face_x = np.empty((size, n))
    scaled = np.empty((size, n))
    other = np.empty((size, n))  # x_f P_d
    gradient = np.zeros(size)
    for e in range(size):
        c = classes[e]
        total = 0.0
        for i in range(n):
            x = 1.0 if columns[e] < 0 else X[i, columns[e]]
            face_x[e, i] = x
            scaled[e, i] = x * H[i, c]
            other[e, i] = x * P[i, c]
            total += x * (G[i, c] + H[i, c] * (U[i, c] - V[i]))
        gradient[e] = total
    hessian = np.zeros((size, size))
    for e in range(size):
        for f in range(e + 1):
            total = 0.0
            if classes[e] == classes[f]:
                for i in range(n):
                    total += scaled[e, i] * face_x[f, i]
            for i in range(n):
                total -= scaled[e, i] * other[f, i]
            hessian[e, f] = total
            hessian[f, e] = total
    for e in range(size):
        hessian[e, e] += l2[e]
        gradient[e] += l2[e] * current[e] + l1[e] * np.sign(current[e])
    direction = -solve_positive_semidefinite(hessian, gradient)
    step, _ = move_in_face(current, direction, l1, False)
    change = 0.0
    for e in range(size):
        bend = 0.0
        for f in range(size):
            bend += hessian[e, f] * step[f]
        change += step[e] * (gradient[e] + 0.5 * bend)
    if not change < 0.0:
        return  # rounding guard: the model must drop
    for i in range(n):
        along = 0.0
        for e in range(size):
            x = 1.0 if columns[e] < 0 else X[i, columns[e]]
            change = x * step[e]
            U[i, classes[e]] += change
            along += P[i, classes[e]] * change
        V[i] += along
    for e in range(size):
        if columns[e] < 0:
            step_b[classes[e]] += step[e]
        else:
            W[columns[e], classes[e]] += step[e]


@kernel()
def _model_step(X, squares, features, W, G, H, P, s, a, b, fit_intercept, tol, W_new, U,
                step_b, settings):  # fmt: skip
    """The model's minimiser on the working set ``features`` into ``W_new``, ``U`` and
    ``step_b``, to a KKT violation of ``tol``."""
    n, K = G.shape
    m = features.shape[0]
    curvature = np.zeros((m, K))
    block = np.zeros((m, K, K))
    for r in range(m):
        j = features[r]
        for i in range(n):
            x2 = squares[i, j]
            if x2 != 0.0:
                for k in range(K):
                    h = x2 * H[i, k]
                    curvature[r, k] += h
                    for c in range(K):
                        block[r, k, c] -= h * P[i, c]
        for k in range(K):
            block[r, k, k] += curvature[r, k]
    _copy(W_new, W)
    for i in range(n):
        for k in range(K):
            U[i, k] = 0.0
    V = np.zeros(n)
    for k in range(K):
        step_b[k] = 0.0
    run = int(settings[_RUN])
    for _ in range(int(settings[_EPOCHS]) // run):
        violation = multinomial_cd_dense(X, features, W_new, U, V, G, H, P, curvature, block,
                                         a, b, False, fit_intercept, run, tol,
                                         step_b)  # fmt: skip
        if violation <= tol:
            break
        _face_step(X, features, W_new, U, V, step_b, G, H, P, s, a, b, fit_intercept,
                   int(settings[_FACE_MAX]))  # fmt: skip


@kernel()
def solve_point(X, squares, Y, s, offset, centred_offset, fit_intercept, scale, a, b, tol,
                max_iter, W, intercept, certify_start, settings, Z, work, stats):  # fmt: skip
    """Proximal Newton with working sets at one α from (W, intercept), both in place;
    ``stats`` gets the gap, the relative gap and the number of steps.

    X is dense (n × p), ``squares`` its entries squared, Y one-hot (n × K), s the weights
    (sum n), ``offset`` O (n × K) or an empty (0, K) array and ``centred_offset`` O less
    its row means (or empty); ``scale`` is P(0), the null model's loss; a and b the
    penalty weights. With ``certify_start`` the start is certified before any step. Z
    (n × K) and ``work`` (4, max(n, p), K) are workspace."""
    n, K = Y.shape
    p = X.shape[1]
    P = np.empty((n, K))
    G = np.empty((n, K))
    H = np.empty((n, K))
    gradient = np.empty((p, K))
    kkt = np.empty(p)
    every = np.arange(p)
    W_new = np.empty((p, K))
    U = np.empty((n, K))
    step_b = np.empty(K)
    _predictor(X, W, intercept, offset, Z)
    loss = loss_point(Z, Y, s, P, G, H)
    ws_size, n_steps = int(settings[_FIRST]), 0
    unresolved = np.inf
    certified = False
    primal = dual = np.inf
    relative = np.inf
    while True:
        if certify_start or n_steps > 0:
            primal, dual, largest = certificate(X, Y, s, Z, W, a, b, fit_intercept,
                                                centred_offset, loss, G, gradient, kkt,
                                                work)  # fmt: skip
            certified = True
            relative = (primal - dual) / scale
            if relative <= tol or n_steps >= max_iter:
                break
        else:  # the first step of an uncertified start: its KKT residuals only
            transposed(X, G, every, gradient)
            largest = row_kkt(W, gradient, a, b, False, every, kkt)
        target = settings[_SET_TOL] * max(largest, _intercept_violation(G, fit_intercept))
        nonzero = 0
        for j in range(p):
            for k in range(K):
                if W[j, k] != 0.0:
                    nonzero += 1
                    break
        size = min(p, max(ws_size, 2 * nonzero))
        features = _working_set(W, kkt, size)
        ws_size = min(p, 2 * size)
        progress = False
        while n_steps < max_iter:
            _model_step(X, squares, features, W, G, H, P, s, a, b, fit_intercept,
                        settings[_MODEL_TOL] * target, W_new, U, step_b, settings)  # fmt: skip
            n_steps += 1
            decrease = penalty_change(W, W_new, 1.0, a, b)
            for i in range(n):
                for k in range(K):
                    decrease += G[i, k] * U[i, k]
            t = 1.0
            while decrease < 0.0 and t > 1e-10:
                change = loss_change(Z, P, U, t, Y, s) + penalty_change(W, W_new, t, a, b)
                if change <= settings[_ARMIJO] * t * decrease:
                    break
                t *= 0.5
            if not (decrease < 0.0 and t > 1e-10):
                if not certified:
                    break  # an uncertified start: certify it first
                resolution = settings[_RESOLUTION] * max(abs(primal), 1e-300)
                if abs(decrease) > resolution or not relative < 0.5 * unresolved:
                    break  # no descent left at machine precision
                unresolved, t = relative, 1.0
            progress = True
            for j in range(p):
                for k in range(K):
                    W[j, k] += t * (W_new[j, k] - W[j, k])
            for k in range(K):
                intercept[k] += t * step_b[k]
            for i in range(n):
                for k in range(K):
                    Z[i, k] += t * U[i, k]
            loss = loss_point(Z, Y, s, P, G, H)
            worst = _intercept_violation(G, fit_intercept)
            transposed(X, G, features, gradient)
            worst = max(worst, row_kkt(W, gradient, a, b, False, features, kkt))
            if worst <= target:
                break
        if not progress and size == p:
            if not certified:  # no step from an uncertified start: certify it now
                certify_start = True
                continue
            break
    intercept -= np.mean(intercept)  # softmax ignores a common shift
    stats[0], stats[1], stats[2] = primal - dual, relative, n_steps


@kernel()
def objective(X, W, intercept, offset, Y, s, a, b, Z):
    """The loss plus the penalty at (W, intercept); Z (n × K) is workspace."""
    _predictor(X, W, intercept, offset, Z)
    return loss_value(Z, Y, s) + penalty_value(W, a, b)
