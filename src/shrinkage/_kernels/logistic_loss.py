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

from .jit import inner, kernel
from .penalty_side import penalty_side, shrink_factor
from .small_arguments import VECTOR, exp_minus, log1p_small


@inner(inline="always")
def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


@inner(inline="always")
def _softplus(z):
    """``log(1 + e^z)`` as NumPy's ``logaddexp(0, z)``: no overflow for large |z|."""
    return max(z, 0.0) + np.log1p(np.exp(-abs(z)))


@kernel(fastmath=VECTOR, error_model="numpy")
def loss_derivatives(z, y, s, gradient, curvature):
    """Mean weighted log-loss at z; ``gradient = s(σ(z) − y)/n`` and the solvers'
    curvature ``max(sσ(1 − σ)/n, 1e-12/n)`` (floored: the Newton model needs h > 0).

    One exponential per sample: ``e = exp(−|z|)`` gives both ``σ(z)`` and
    ``softplus(z) = max(z, 0) + log1p(e)``; both functions are the vectorised ones of
    :mod:`~shrinkage._kernels.small_arguments` (100,000 rows: 1.9 → 0.4 ms).
    """
    return _loss_terms(z, y, s, gradient, curvature, True)


@inner(fastmath=VECTOR, error_model="numpy")
def loss_gradient(z, y, s, gradient):
    """:func:`loss_derivatives` without the curvature (:func:`curvature_from_gradient`
    gives it later, where it is needed)."""
    return _loss_terms(z, y, s, gradient, gradient, False)


@inner(inline="always", fastmath=VECTOR, error_model="numpy")
def _loss_terms(z, y, s, gradient, curvature, with_curvature):
    """:func:`loss_derivatives`, the curvature written only ``with_curvature`` (a
    constant where it is inlined)."""
    n = z.shape[0]
    total = 0.0
    for i in range(n):
        e = exp_minus(abs(z[i]))
        prob = 1.0 / (1.0 + e) if z[i] >= 0.0 else e / (1.0 + e)
        total += s[i] * (max(z[i], 0.0) + log1p_small(e) - y[i] * z[i])
        gradient[i] = s[i] * (prob - y[i]) / n
        if with_curvature:
            curvature[i] = max(s[i] * prob * (1.0 - prob) / n, 1e-12 / n)
    return total / n


@inner(fastmath=VECTOR, error_model="numpy")
def curvature_from_gradient(gradient, y, s, curvature):
    """:func:`loss_derivatives`' curvature from its gradient, without an exponential:
    σ and 1 − σ read by :func:`_probabilities` (rows of weight 0 get the floor)."""
    n = gradient.shape[0]
    floor = 1e-12 / n
    for i in range(n):
        weighted = s[i] > 0.0
        factor = n / s[i] if weighted else 0.0
        prob, complement = _probabilities(gradient[i], y[i], factor)
        curvature[i] = max(s[i] * prob * complement / n, floor) if weighted else floor


@inner(fastmath=VECTOR, error_model="numpy")
def _shifted_loss(z, shift, y, s):
    """The mean log-loss at ``z + shift`` (:func:`loss_derivatives`' softplus)."""
    total = 0.0
    for i in range(z.shape[0]):
        shifted = z[i] + shift
        softplus = max(shifted, 0.0) + log1p_small(exp_minus(abs(shifted)))
        total += s[i] * (softplus - y[i] * shifted)
    return total / z.shape[0]


@inner(fastmath=VECTOR, error_model="numpy")
def _shifted_derivatives(z, shift, y, s, theta, d):
    """At ``z + shift``: ``θ = s(y − σ)/n`` and ``d = sσ(1 − σ)/n``; returns ``(Σθ, Σd)``."""
    n = z.shape[0]
    total, curvature = 0.0, 0.0
    for i in range(n):
        shifted = z[i] + shift
        e = exp_minus(abs(shifted))
        prob = 1.0 / (1.0 + e) if shifted >= 0.0 else e / (1.0 + e)
        theta[i] = s[i] * (y[i] - prob) / n
        d[i] = s[i] * prob * (1.0 - prob) / n
        total += theta[i]
        curvature += d[i]
    return total, curvature


@inner(fastmath=VECTOR)
def _sums(theta, d):
    """``(Σθ, Σd)``."""
    total, curvature = 0.0, 0.0
    for i in range(theta.shape[0]):
        total += theta[i]
        curvature += d[i]
    return total, curvature


@inner(fastmath=VECTOR, error_model="numpy")
def _corrected_inside(theta, d, correction, y, s):
    """Whether ``θ − d·correction`` keeps every mean ``q = y − nθ/s`` in [0, 1] (the
    samples of weight 0 excepted): a count over every row (no early exit: it
    vectorises)."""
    n = theta.shape[0]
    outside = 0
    for i in range(n):
        q = y[i] - n * (theta[i] - d[i] * correction) / s[i]
        outside += 1 if (s[i] > 0.0) & ((q < 0.0) | (q > 1.0)) else 0
    return outside == 0


@kernel()
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
    total, hess = _sums(theta, d)
    for iteration in range(50):
        if iteration > 0:
            first = False
            total, hess = _shifted_derivatives(z, shift, y, s, theta, d)
        if stalled:  # the backtracking left a step below the rule: θ is at the new c
            break
        grad = -total
        close = slack > 0.0 and hess > 0.0 and grad * grad / hess <= slack
        if close and _corrected_inside(theta, d, -grad / hess, y, s):
            break  # (Σθ)²/Σd, before the scaling below
        # Bᵀ(s(σ − y))/n and BᵀDB with B = 1/√n (total and hess stay Σθ and Σd)
        step_grad, step_hess = grad / root, hess / n
        move = step_grad / step_hess / root if step_hess > 0.0 else 0.0
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
    correction = 0.0
    if hess > 0.0:
        correction = total / hess
        for i in range(n):
            theta[i] -= d[i] * correction
    return first, correction


@kernel(fastmath=VECTOR, error_model="numpy")
def clip_dual_point(y, s, theta, change):
    """Step 2: ``q = y − nθ/s`` clipped to [0, 1] (θ = 0 where s = 0). Where that moves
    θ, ``change`` receives the move (else 0) and True is returned: the caller then adds
    ``Xᵀchange`` to its correlations. θ is updated in place. Selects, no branch: it
    vectorises."""
    n = theta.shape[0]
    moved = 0
    for i in range(n):
        weighted = s[i] > 0.0
        q = y[i] - n * theta[i] / s[i]  # not read where s = 0
        outside = (q < 0.0) | (q > 1.0)
        clipped = s[i] * (y[i] - min(max(q, 0.0), 1.0)) / n
        new = (clipped if outside else theta[i]) if weighted else 0.0
        change[i] = new - theta[i] if new != theta[i] else 0.0
        moved += 1 if new != theta[i] else 0
        theta[i] = new
    return moved > 0


@kernel()
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


@kernel(inline="always")
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


@inner(inline="always")
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


@kernel(inline="always")
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


@kernel()
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
    linear, excess, far = _near_excess(y, s, theta, shrink, z, gradient_z)
    if far > 0:
        excess += _far_divergences(y, s, theta, shrink, z, gradient_z)
    return -(linear - loss + excess / theta.shape[0])


@inner(inline="always")
def _mean_and_sigmoid(y, s, theta, n, inverse, gradient_z):
    """A row's ``(q, σ, 1 − σ)`` for :func:`dual_value_near` from its label, weight, θ
    and gradient (0-weight rows: y, y, 1 − y); scalars, so that the loops vectorise."""
    factor = n / s if s > 0.0 else 0.0
    q = min(max(y - factor * theta, 0.0), 1.0)
    q = y - (y - q) * inverse
    prob, complement = _probabilities(gradient_z, y, factor)
    return q, prob, complement


@inner(fastmath=VECTOR, error_model="numpy")
def _near_excess(y, s, theta, shrink, z, gradient_z):
    """``(gᵀz, Σ s (zδ + bound), far)`` with each near row's divergence bounded
    (:func:`_divergence_bound`) and a far row's left out and counted in ``far``: selects,
    no branch, vectorised (:mod:`~shrinkage._kernels.small_arguments`)."""
    n, inverse = theta.shape[0], 1.0 / shrink
    linear, excess, far = 0.0, 0.0, 0
    for i in range(n):
        linear += gradient_z[i] * z[i]
        q, prob, complement = _mean_and_sigmoid(y[i], s[i], theta[i], n, inverse,
                                                gradient_z[i])  # fmt: skip
        delta = q - prob
        near = abs(delta) <= _NEAR * min(prob, complement)
        bound = _divergence_bound(prob, complement, delta)
        # δ = 0 exactly where σ(1 − σ) rounds to 0 and the row is near: no bound (& not
        # `and`: no branch)
        divergence = bound if near & (delta != 0.0) else 0.0
        weighted = s[i] > 0.0
        excess += s[i] * (z[i] * delta + divergence) if weighted else 0.0
        far += 1 if weighted & (not near) else 0
    return linear, excess, far


@inner()
def _far_divergences(y, s, theta, shrink, z, gradient_z):
    """``Σ s KL(q ‖ σ)`` over the rows :func:`_near_excess` left out, computed."""
    n, inverse = theta.shape[0], 1.0 / shrink
    total = 0.0
    for i in range(n):
        if s[i] > 0.0:
            q, prob, complement = _mean_and_sigmoid(y[i], s[i], theta[i], n, inverse,
                                                gradient_z[i])  # fmt: skip
            if abs(q - prob) > _NEAR * min(prob, complement):
                total += s[i] * _divergence(q, z[i])
    return total


_TINY = np.finfo(np.float64).tiny

# A certified logistic gap is exact to about this × the objective (sums of n terms, each
# to a few ulps): a gap-safe radius from less would prove zero a feature whose
# correlation reaches its weight to rounding, such as the one entering at α_max
GAP_ROUNDING = 64.0 * np.finfo(np.float64).eps


@kernel(fastmath=VECTOR, error_model="numpy")
def divergence_floor(y, s, theta, shrink, gradient_z):
    """A lower bound of the loss's Fenchel–Young gap ``Σ s KL(q ‖ σ)/n`` at the means q
    of θ/shrink (:func:`dual_value`), without a logarithm: ``KL(q ‖ σ) ≥ δ²/(2m)``,
    ``δ = q − σ``, m the largest ``t(1 − t)`` for t between σ and q (the divergence's
    second derivative in q is ``1/(q(1 − q))``). Where only the shrink moves q off σ
    (θ = −g) it is the divergence to second order, which the largest |δ| underestimate
    by a factor of at most ``m/(σ(1 − σ))``. σ as :func:`dual_value_near` reads it
    (``gradient_z``); m is at least the smallest normal number (where it rounds to 0,
    q and σ are the same end of [0, 1] and δ = 0)."""
    n = theta.shape[0]
    inverse = 1.0 / shrink
    total = 0.0
    for i in range(n):
        q, prob, complement = _mean_and_sigmoid(y[i], s[i], theta[i], n, inverse,
                                                gradient_z[i])  # fmt: skip
        delta = q - prob
        # selects, not branches (vectorised): which rows cross 1/2 follows no pattern
        # the processor could predict, and branches made this loop 3× slower on 0/1 data
        largest = max(prob * complement, q * (1.0 - q))
        largest = 0.25 if (q - 0.5) * (prob - 0.5) <= 0.0 else largest  # 1/2 between
        total += s[i] * delta * delta / max(largest, _TINY) if s[i] > 0.0 else 0.0
    return total / (2.0 * n)


@kernel()
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
    Where the shrink alone moves every mean by more than ``_NEAR`` (every entropy would
    be computed), the loss's side is bounded from below first, by
    :func:`divergence_floor`: a lasso's warm start at the next α of a path (shrink about
    the ratio of the two α) fails there, and then returns that bound.

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
    lower = penalty + conjugate - _coupling(theta, corr, w, intercept) / shrink
    if lower > enough:
        return lower, largest
    if 1.0 - 1.0 / shrink > _NEAR and enough < np.inf:
        # every entropy would be computed: the loss's side bounded first, without them
        lower += divergence_floor(y, s, theta, shrink, gradient_z)
        if lower > enough:
            return lower, largest
    dual = dual_value_near(y, s, theta, shrink, z, gradient_z, loss)
    return loss + penalty - (dual - conjugate), largest


@inner(fastmath=VECTOR, error_model="numpy")
def _coupling(theta, corr, w, intercept):
    """``zᵀθ = wᵀXᵀθ + b·1ᵀθ`` (b the intercept) from ``corr = Xᵀθ``: the terms of the
    non-zero weights only (a bound in place of a settled column's ``Xᵀθ`` meets a zero
    weight)."""
    total = 0.0
    if intercept != 0.0:
        for i in range(theta.shape[0]):
            total += theta[i]
        total *= intercept
    for j in range(w.shape[0]):
        total += w[j] * corr[j] if w[j] != 0.0 else 0.0
    return total


@kernel()
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
