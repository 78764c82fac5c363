"""The per-sample and per-feature loops of the logistic duality-gap certificate.

:mod:`shrinkage.certificates.logistic` states the certificate and builds it in NumPy for
any free block (intercept and unpenalised features), from the formulas of
:class:`shrinkage.losses.LogisticLoss`. These kernels compute the same
quantities when the free block is the intercept alone, or empty, which is every point of
a path with no zero penalty factor; the two products ``Xᵀv`` stay with BLAS (or the
sparse product). One pass each replaces 30-40 NumPy calls, which on small problems were
the cost of a point: saheart (462 × 9), 10-fold CV with 100 α spent 1.2 of its 1.7 s in
the NumPy certificate, 2.9 certificates per point at 0.4 ms each.

``tests/test_path_logistic.py`` checks every quantity against the NumPy version, and
``tests/test_losses.py`` the loss and its derivatives against the loss object.
"""

import numpy as np
from numba import njit

from .penalty_side import _penalty_change, penalty_side, shrink_factor


@njit(cache=True, nogil=True, inline="always")
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@njit(cache=True, nogil=True, inline="always")
def _softplus(z):
    """``log(1 + e^z)`` as NumPy's ``logaddexp(0, z)``: no overflow for large |z|."""
    return max(z, 0.0) + np.log1p(np.exp(-abs(z)))


@njit(cache=True, nogil=True)
def loss_derivatives(z, y, s, gradient, curvature):
    """Mean weighted log-loss at z; ``gradient = s(σ(z) − y)/n`` and the solvers'
    curvature ``max(sσ(1 − σ)/n, 1e-12/n)`` (floored: the Newton model needs h > 0).

    One exponential per sample: ``e = exp(−|z|)`` gives both ``σ(z)`` and
    ``softplus(z) = max(z, 0) + log1p(e)``.
    """
    n = z.shape[0]
    total = 0.0
    for i in range(n):
        e = np.exp(-abs(z[i]))
        prob = 1.0 / (1.0 + e) if z[i] >= 0.0 else e / (1.0 + e)
        total += s[i] * (max(z[i], 0.0) + np.log1p(e) - y[i] * z[i])
        gradient[i] = s[i] * (prob - y[i]) / n
        curvature[i] = max(s[i] * prob * (1.0 - prob) / n, 1e-12 / n)
    return total / n


@njit(cache=True, nogil=True)
def _shifted_loss(z, shift, y, s):
    total = 0.0
    for i in range(z.shape[0]):
        total += s[i] * (_softplus(z[i] + shift) - y[i] * (z[i] + shift))
    return total / z.shape[0]


@njit(cache=True, nogil=True)
def _corrected_inside(theta, d, correction, y, s):
    """Whether ``θ − d·correction`` keeps every mean ``q = y − nθ/s`` in [0, 1] (the
    samples of weight 0 excepted)."""
    n = theta.shape[0]
    for i in range(n):
        if s[i] > 0.0:
            q = y[i] - n * (theta[i] - d[i] * correction) / s[i]
            if q < 0.0 or q > 1.0:
                return False
    return True


@njit(cache=True, nogil=True)
def intercept_dual_point(z, y, s, gradient, curvature, theta, slack):
    """The dual point of step 1 of :mod:`shrinkage.certificates.logistic` when the free
    block is the intercept alone, into θ: Newton on a shift c of z (the column
    ``B = 1/√n``) with the same backtracking and stopping rules, ``θ = s(y − σ(z + c))/n``
    and the exact correction ``θ − d·(Σθ/Σd)`` (``d = sσ(1 − σ)/n``) that makes
    ``1ᵀθ = 0``.

    The first iterate (c = 0) is read from ``gradient`` and ``curvature`` of
    :func:`loss_derivatives` at z, and the last θ is the one whose Newton step met the
    stopping rule, that step being left to the correction: two passes with an
    exponential fewer than the NumPy construction (θ differs from it by the square of
    a step below 1e-13, and is a feasible dual point all the same).

    ``slack`` > 0 also stops the Newton steps once ``(Σθ)²/Σd`` (twice the predicted
    gain of the next step in the dual value) is at most ``slack`` and the corrected θ
    keeps every mean ``y − nθ/s`` in [0, 1]: the correction alone then gives a feasible
    θ whose gap is at most about ``slack`` larger (a correction that left [0, 1] would
    be clipped, and the clipped θ would no longer sum to 0). A path asks for
    a small fraction of its target gap, and skips a pass with an exponential per sample
    at most points; 0 is the exact construction.

    Returns ``(first, correction)``: ``first`` when θ is the first iterate, ``θ = −gradient
    − correction·curvature``, whose correlations ``Xᵀθ`` the caller may then form from
    ``Xᵀgradient`` and ``Xᵀcurvature`` without a pass over X.
    """
    n = z.shape[0]
    root = np.sqrt(n)
    low, high = np.inf, -np.inf
    for i in range(n):
        low, high = min(low, z[i]), max(high, z[i])
    d = curvature.copy()
    for i in range(n):
        theta[i] = -gradient[i]
    shift = 0.0
    stalled = False
    first = True
    for iteration in range(50):
        if iteration > 0:
            first = False
            for i in range(n):
                prob = _sigmoid(z[i] + shift)
                theta[i] = s[i] * (y[i] - prob) / n
                d[i] = s[i] * prob * (1.0 - prob) / n
        if stalled:  # the backtracking left a step below the rule: θ is at the new c
            break
        grad = 0.0
        hess = 0.0
        for i in range(n):
            grad -= theta[i]
            hess += d[i]
        close = slack > 0.0 and hess > 0.0 and grad * grad / hess <= slack
        if close and _corrected_inside(theta, d, -grad / hess, y, s):
            break  # (Σθ)²/Σd, before the scaling below
        grad /= root  # Bᵀ(s(σ − y))/n and BᵀDB with B = 1/√n
        hess /= n
        move = grad / hess / root if hess > 0.0 else 0.0
        largest = max(abs(low + shift), abs(high + shift))  # max_i |z_i + c|
        if abs(move) <= 1e-13 * (1.0 + largest):
            break
        t = 1.0
        if abs(move) > 0.5:  # far from the optimum: backtrack (as the NumPy version)
            base = _shifted_loss(z, shift, y, s)
            while t > 1e-10 and _shifted_loss(z, shift - t * move, y, s) > base + 1e-15 * abs(
                base
            ):
                t *= 0.5
        shift -= t * move
        stalled = abs(t * move) <= 1e-13 * (1.0 + max(abs(low + shift), abs(high + shift)))
    total = 0.0
    hess = 0.0
    for i in range(n):
        total += theta[i]
        hess += d[i]
    correction = 0.0
    if hess > 0.0:
        correction = total / hess
        for i in range(n):
            theta[i] -= d[i] * correction
    return first, correction


@njit(cache=True, nogil=True)
def clip_dual_point(y, s, theta, change):
    """Step 2: ``q = y − nθ/s`` clipped to [0, 1] (θ = 0 where s = 0). Where that moves
    θ, ``change`` receives the move (else 0) and True is returned: the caller then adds
    ``Xᵀchange`` to its correlations. θ is updated in place."""
    n = theta.shape[0]
    moved = False
    for i in range(n):
        change[i] = 0.0
        if s[i] > 0.0:
            q = y[i] - n * theta[i] / s[i]
            if q < 0.0 or q > 1.0:
                clipped = s[i] * (y[i] - min(max(q, 0.0), 1.0)) / n
                change[i] = clipped - theta[i]
                theta[i] = clipped
                moved = True
        elif theta[i] != 0.0:
            change[i] = -theta[i]
            theta[i] = 0.0
            moved = True
    return moved


@njit(cache=True, nogil=True)
def dual_value(y, s, theta, shrink):
    """The loss's side of the bound at θ/shrink: ``−1/n Σ s H(q)`` (H the binary
    entropy) at the mean ``q = y − (y − clip(y − nθ/s, 0, 1))/shrink``."""
    n = theta.shape[0]
    entropy = 0.0
    for i in range(n):
        if s[i] > 0.0:
            q = min(max(y[i] - n * theta[i] / s[i], 0.0), 1.0)
            q = y[i] - (y[i] - q) / shrink
            term = 0.0
            if q > 0.0:
                term += q * np.log(q)
            if q < 1.0:
                term += (1.0 - q) * np.log(1.0 - q)
            entropy += s[i] * term
    return -entropy / n


@njit(cache=True, nogil=True, inline="always")
def _probabilities(gradient, y, factor):
    """``(σ(z), 1 − σ(z))`` of a row of weight s > 0, read from its gradient
    ``s(σ − y)/n`` (:func:`loss_derivatives`) and ``factor = n/s`` without an
    exponential: each is accurate to about ε absolutely, and relatively where it is the
    label's complement (σ for y = 0, 1 − σ for y = 1), as the sigmoid's own."""
    scaled = factor * gradient  # σ − y
    prob = min(max(y + scaled, 0.0), 1.0)
    complement = min(max((1.0 - y) - scaled, 0.0), 1.0)
    return prob, complement


# A sample's mean q is near σ(z) where |q − σ| ≤ this × min(σ, 1 − σ): its entropy is
# then bounded by the expansion at σ (:func:`dual_value_near`), to within about the
# square of this fraction of the divergence; a certificate whose shrink alone moves q
# further computes every entropy.
_NEAR = 1e-2


@njit(cache=True, nogil=True, inline="always")
def _divergence(q, z):
    """The Bernoulli divergence ``KL(q ‖ σ(z))``, with log σ and log(1 − σ) from z."""
    lifted = np.log1p(np.exp(-abs(z)))
    log_prob = -(max(-z, 0.0) + lifted)
    log_complement = -(max(z, 0.0) + lifted)
    divergence = 0.0
    if q > 0.0:
        divergence += q * (np.log(q) - log_prob)
    if q < 1.0:
        divergence += (1.0 - q) * (np.log1p(-q) - log_complement)
    return divergence


# (1 − _NEAR)⁻³: the fourth derivative's bound at q from its value at σ
_FOURTH = 1.0 / (1.0 - _NEAR) ** 3


@njit(cache=True, nogil=True, inline="always")
def _divergence_bound(prob, complement, delta):
    """An upper bound on ``KL(q ‖ σ)``, ``δ = q − σ``, ``|δ| ≤ _NEAR·min(σ, 1 − σ)``,
    by Taylor's formula at σ to the third order with the fourth's remainder: the
    divergence's derivatives at σ are 0, 0, ``1/σ + 1/(1 − σ)``, ``1/(1 − σ)² − 1/σ²``,
    and its fourth, ``2/ξ³ + 2/(1 − ξ)³``, is convex in ξ, so largest at σ or q, where
    it is at most ``(1 − _NEAR)⁻³`` times its value at σ. Exceeds the divergence by
    ``O(δ⁴/σ³)``. One division and no power: the certificate's loop over the samples."""
    inverse = 1.0 / (prob * complement)
    square = delta * delta
    cubes = prob * prob * prob + complement * complement * complement
    fourth = _FOURTH * cubes * inverse * inverse * inverse
    second = 0.5 * square * inverse
    third = square * delta * (prob - complement) * inverse * inverse / 6.0
    return second + third + square * square * fourth / 12.0


@njit(cache=True, nogil=True)
def dual_value_near(y, s, theta, shrink, z, gradient_z, loss):
    """:func:`dual_value`, bounded from below without a logarithm per sample where the
    means q are near σ(z), z the predictor whose loss and gradient (of
    :func:`loss_derivatives`) are ``loss`` and ``gradient_z``.

    With ``δ = q − σ``, ``H(q) = H(σ) + zδ + KL(q ‖ σ)`` (H'(σ) = logit σ = z), and
    Fenchel–Young gives ``Σ s H(σ)/n = gᵀz − F(z)`` exactly. Where q is near σ
    (``_NEAR``) the divergence is bounded by :func:`_divergence_bound`, elsewhere
    computed. The value returned is therefore at most :func:`dual_value`'s (up to
    rounding of the order of ``ε·Σ s|z|/n``): a gap built on it is a bound, larger by
    about ``_NEAR²`` of the divergences' share at most. Where the shrink alone moves
    every q further, :func:`dual_value` is returned.
    """
    if 1.0 - 1.0 / shrink > _NEAR:
        return dual_value(y, s, theta, shrink)
    n = theta.shape[0]
    inverse = 1.0 / shrink
    linear, excess = 0.0, 0.0
    for i in range(n):
        linear += gradient_z[i] * z[i]
        if s[i] > 0.0:
            factor = n / s[i]
            q = min(max(y[i] - factor * theta[i], 0.0), 1.0)
            q = y[i] - (y[i] - q) * inverse
            prob, complement = _probabilities(gradient_z[i], y[i], factor)
            delta = q - prob
            if delta == 0.0:
                divergence = 0.0
            elif abs(delta) <= _NEAR * min(prob, complement):
                divergence = _divergence_bound(prob, complement, delta)
            else:
                divergence = _divergence(q, z[i])
            excess += s[i] * (z[i] * delta + divergence)
    return -(linear - loss + excess / n)


@njit(cache=True, nogil=True)
def gap_near(y, s, theta, corr, gradient, w, intercept, l1_weight, l2_weight, positive,
             kkt, z, gradient_z, loss, enough):  # fmt: skip
    """The duality gap of :func:`dual_and_penalty` with the loss's side of
    :func:`dual_value_near` (at the predictor z of loss ``loss`` and gradient
    ``gradient_z``), and the largest KKT residual (the residuals into ``kkt``); where
    the penalty's side alone exceeds ``enough``, that lower bound of the gap instead.

    At the shrunk point θ' the gap is the sum of two Fenchel–Young gaps, each ≥ 0: the
    loss's ``F(z) + F*(−θ') + zᵀθ'`` and the penalty's ``P(w) + P*(Xᵀθ') − zᵀθ'``, with
    ``zᵀθ' = wᵀXᵀθ' + b·1ᵀθ'`` (b the intercept). The penalty's is O(p) once ``Xᵀθ`` is
    known, the loss's an entropy per sample: a certificate that the penalty's side
    already fails (a path's start, whose coefficients the secant moved) needs no more.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage._kernels.logistic_loss import gap_near, loss_derivatives
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]); y = np.array([1.0, 0.0, 1.0])
    >>> s, w = np.ones(3), np.array([0.5, 0.0]); z = X @ w
    >>> g, h = np.empty(3), np.empty(3); loss = loss_derivatives(z, y, s, g, h)
    >>> a, b, kkt = np.full(2, 0.1), np.zeros(2), np.empty(2)
    >>> full = gap_near(y, s, -g, X.T @ -g, X.T @ g, w, 0.0, a, b, False, kkt, z, g,
    ...                 loss, np.inf)
    >>> lower = gap_near(y, s, -g, X.T @ -g, X.T @ g, w, 0.0, a, b, False, kkt, z, g,
    ...                  loss, 0.0)
    >>> bool(0.0 < lower[0] <= full[0]), lower[1] == full[1]
    (True, True)
    """
    shrink = shrink_factor(corr, l1_weight, l2_weight, positive)
    penalty, conjugate, largest = penalty_side(corr, shrink, w, gradient, l1_weight,
                                               l2_weight, positive, kkt)  # fmt: skip
    coupling = 0.0  # zᵀθ, before the shrink
    if intercept != 0.0:
        for i in range(theta.shape[0]):
            coupling += theta[i]
        coupling *= intercept
    for j in range(w.shape[0]):
        if w[j] != 0.0:
            coupling += w[j] * corr[j]
    lower = penalty + conjugate - coupling / shrink
    if lower > enough:
        return lower, largest
    dual = dual_value_near(y, s, theta, shrink, z, gradient_z, loss)
    return loss + penalty - (dual - conjugate), largest


@njit(cache=True, nogil=True)
def dual_and_penalty(y, s, theta, corr, gradient, w, l1_weight, l2_weight, positive, kkt):
    """Step 3 and the bound: the shrink of θ for the pure-L1 features, the dual value
    ``−1/n Σ s H(q) − Σ_j g_j*(X_jᵀθ)`` at the shrunk point (:func:`dual_value`), the
    penalty at w and the per-feature KKT residual (into ``kkt``). ``corr = Xᵀθ`` and
    ``gradient = ∇loss(w)``.

    Returns ``(penalty, dual, largest_kkt)``; the penalty is inf where w violates
    ``w ≥ 0``, the dual −inf where θ is outside the conjugate's domain.
    """
    shrink = shrink_factor(corr, l1_weight, l2_weight, positive)
    penalty, conjugate, largest = penalty_side(corr, shrink, w, gradient, l1_weight,
                                               l2_weight, positive, kkt)  # fmt: skip
    return penalty, dual_value(y, s, theta, shrink) - conjugate, largest


@njit(cache=True, nogil=True, inline="always")
def _softplus_change(z, prob, v, growth):
    """``softplus(z + v) − softplus(z)`` given ``prob = σ(z)`` and, where |v| ≤ 1,
    ``growth = expm1(v)``: ``log1p(σ(z)·expm1(v))`` exactly, accurate when the change is
    far below ``ε·softplus(z)``; for |v| > 1 the plain difference is as accurate and
    cannot overflow."""
    if abs(v) <= 1.0:
        return np.log1p(prob * growth)
    return _softplus(z + v) - _softplus(z)


@njit(cache=True, nogil=True, inline="always")
def row_loss_change(z, prob, v, y):
    """``ℓ(z + v) − ℓ(z)`` for one row's log-loss ``ℓ(z) = softplus(z) − y z``, given
    ``prob = σ(z)`` (:func:`_softplus_change`)."""
    growth = np.expm1(v) if abs(v) <= 1.0 else 0.0
    return _softplus_change(z, prob, v, growth) - y * v


@njit(cache=True, nogil=True)
def _loss_change(z, u, t, y, s):
    """``F(z + t·u) − F(z)`` summed term by term (:func:`row_loss_change`), over n."""
    total = 0.0
    for i in range(z.shape[0]):
        total += s[i] * row_loss_change(z[i], _sigmoid(z[i]), t * u[i], y[i])
    return total / z.shape[0]


@njit(cache=True, nogil=True)
def _trial_change(z, u, t, y, s, gradient, growth):
    """:func:`_loss_change` with σ(z) read from the gradient at z (:func:`_probabilities`);
    ``growth[i]`` receives ``expm1(t·u_i)`` where ``|t·u_i| ≤ 1`` (for
    :func:`moved_derivatives`). Returns the change and a bound on its rounding error."""
    n = z.shape[0]
    total, size = 0.0, 0.0
    for i in range(n):
        if u[i] == 0.0:  # a row outside the step's columns (sparse X): no change
            growth[i] = 0.0
        elif s[i] > 0.0:
            v = t * u[i]
            prob, _ = _probabilities(gradient[i], y[i], n / s[i])
            if abs(v) <= 1.0:
                growth[i] = np.expm1(v)
                change = np.log1p(prob * growth[i])
                size += s[i] * (abs(change) + 3.0 * abs(v))
            else:
                change = _softplus(z[i] + v) - _softplus(z[i])
                size += s[i] * (_softplus(z[i] + v) + _softplus(z[i]) + abs(v))
            total += s[i] * (change - y[i] * v)
    # each term to a few ulps of its parts (σ to ε absolutely: ε·|expm1 v| ≤ 2ε|v|); the
    # sum's own rounding is that of loss_derivatives' sum
    return total / n, 8.0 * 2.220446049250313e-16 * size / n


@njit(cache=True, nogil=True)
def moved_derivatives(z, u, t, y, s, gradient, curvature, growth):
    """``z += t·u`` and, in place, :func:`loss_derivatives`' gradient and curvature there
    from those at z and the line search's last trial (``growth[i] = expm1(t·u_i)`` where
    ``|t·u_i| ≤ 1``, from :func:`armijo_step`): ``σ(z + v) = σ(1 + m)/(1 + σm)`` and
    ``1 − σ(z + v) = (1 − σ)/(1 + σm)`` with ``m = expm1(v)``, no exponential; rows of
    larger moves afresh, rows that did not move (v = 0: outside the step's columns of
    sparse X) untouched. The loss there is the old one plus the trial's change."""
    n = z.shape[0]
    for i in range(n):
        v = t * u[i]
        if v == 0.0:
            continue  # the row did not move: its derivatives stand
        z[i] += v
        if s[i] > 0.0:
            if abs(v) <= 1.0:
                prob, complement = _probabilities(gradient[i], y[i], n / s[i])
                scale = 1.0 / (1.0 + prob * growth[i])
                prob *= (1.0 + growth[i]) * scale
                complement *= scale
            else:
                e = np.exp(-abs(z[i]))
                high, low = 1.0 / (1.0 + e), e / (1.0 + e)
                prob, complement = (high, low) if z[i] >= 0.0 else (low, high)
            gradient[i] = s[i] * ((1.0 - y[i]) * prob - y[i] * complement) / n
            curvature[i] = max(s[i] * prob * complement / n, 1e-12 / n)


@njit(cache=True, nogil=True)
def armijo_step(z, u, y, s, w, step, l1_weight, l2_weight, gradient_z, armijo, growth):
    """Backtracking on the true objective from ``(w, z)`` along ``(step, u)`` until Lee,
    Sun & Saunders' sufficient-descent condition ``ΔP ≤ armijo·t·Δ`` holds, where
    ``Δ = gradient_zᵀu + penalty(w + step) − penalty(w)`` (< 0 unless the step is 0);
    ``gradient_z`` is :func:`loss_derivatives`' at z, from which σ(z) is read.

    Returns ``(t, change, error)``: t, or 0 when there is no descent left at machine
    precision; the loss's change at t (summed term by term, :func:`row_loss_change`),
    with ``growth`` holding that trial's ``expm1(t·u_i)`` for :func:`moved_derivatives`,
    and a bound on the change's rounding error.
    """
    decrease = _penalty_change(w, step, 1.0, l1_weight, l2_weight)
    for i in range(z.shape[0]):
        decrease += gradient_z[i] * u[i]
    t = 1.0
    change, error = 0.0, 0.0
    while decrease < 0.0 and t > 1e-10:
        change, error = _trial_change(z, u, t, y, s, gradient_z, growth)
        if change + _penalty_change(w, step, t, l1_weight, l2_weight) <= armijo * t * decrease:
            break
        t *= 0.5
    if not (decrease < 0.0 and t > 1e-10):
        return 0.0, 0.0, 0.0
    return t, change, error
