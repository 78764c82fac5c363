"""The per-sample loops of the Poisson loss and its duality-gap certificate.

The formulas are those of :class:`shrinkage.losses.PoissonLoss` (half the mean deviance,
``ℓ = e^z − y z + y log y − y``) and of :mod:`shrinkage.certificates.glm`; these kernels
compute them in one pass each when the free block is the intercept alone, or empty: the
loops of :mod:`shrinkage._kernels.logistic_loss`, for this loss. The intercept's part of
the dual point is exact in closed form here (the intercept's optimum scales μ by
``Σ s y / Σ s μ``), so no Newton steps are taken. ``tests/test_poisson.py`` checks every
quantity against the NumPy construction.
"""

import numpy as np

from .jit import inner, kernel
from .penalty_side import penalty_side, shrink_factor


@inner(inline="always")
def _saturated(y):
    """``y log y − y`` (0 at y = 0)."""
    return y * np.log(y) - y if y > 0.0 else 0.0


@kernel()
def loss_derivatives(z, y, s, gradient, curvature, saturated):
    """Half the mean weighted deviance at z, given ``saturated = 1/n Σ s (y log y − y)``;
    ``gradient = s(e^z − y)/n`` and the solvers' curvature ``max(s e^z/n, 1e-12/n)``."""
    n = z.shape[0]
    total = 0.0
    for i in range(n):
        mean = np.exp(z[i])
        total += s[i] * (mean - y[i] * z[i])
        gradient[i] = s[i] * (mean - y[i]) / n
        curvature[i] = max(s[i] * mean / n, 1e-12 / n)
    return total / n + saturated


@kernel()
def intercept_dual_point(z, y, s, gradient, curvature, theta, slack):
    """θ of the certificate with the intercept free, into ``theta``: the shift of z to
    the intercept's optimum scales the means by ``k = Σ s y / Σ s μ``, so
    ``θ = s(y − kμ)/n`` and ``1ᵀθ = 0`` exactly (to rounding). The means are read from
    ``gradient`` (``s μ/n = gradient + s y/n``); ``z``, ``curvature`` and ``slack`` are
    the logistic kernel's arguments, unused. Returns k: ``θ = (1 − k)·s y/n − k·gradient``,
    so ``Xᵀθ`` follows from ``Xᵀgradient`` and the constant ``Xᵀ(s y)/n``."""
    n = theta.shape[0]
    counts = 0.0
    means = 0.0
    for i in range(n):
        observed = s[i] * y[i] / n
        counts += observed
        means += gradient[i] + observed
    k = counts / means if means > 0.0 else 1.0
    for i in range(n):
        observed = s[i] * y[i] / n
        theta[i] = observed - k * (gradient[i] + observed)
    return k


@kernel()
def clip_dual_point(y, s, theta, change):
    """``q = y − nθ/s`` clipped to q ≥ 0 (θ = 0 where s = 0), as the logistic kernel:
    the moves into ``change``, True when θ moved."""
    n = theta.shape[0]
    moved = False
    for i in range(n):
        change[i] = 0.0
        if s[i] > 0.0:
            if y[i] - n * theta[i] / s[i] < 0.0:
                clipped = s[i] * y[i] / n
                change[i] = clipped - theta[i]
                theta[i] = clipped
                moved = True
        elif theta[i] != 0.0:
            change[i] = -theta[i]
            theta[i] = 0.0
            moved = True
    return moved


@kernel()
def dual_value(y, s, theta, shrink, offset, saturated):
    """The loss's side of the bound at θ/shrink: ``1/n Σ s [y log y − y − q log q + q]
    − θᵀo`` at the mean ``q = y − (y − max(y − nθ/s, 0))/shrink`` (``saturated``: the
    constant first term; ``offset`` o may be empty)."""
    n = theta.shape[0]
    total = 0.0
    shifted = 0.0
    for i in range(n):
        if s[i] > 0.0:
            q = max(y[i] - n * theta[i] / s[i], 0.0)
            q = y[i] - (y[i] - q) / shrink
            total -= s[i] * _saturated(q)
            if offset.shape[0] > 0:
                shifted += s[i] * (y[i] - q) * offset[i]
    return saturated + (total - shifted) / n


@kernel()
def dual_and_penalty(y, s, theta, corr, gradient, w, l1_weight, l2_weight, positive, kkt,
                     offset, saturated):  # fmt: skip
    """The shrink of θ, the dual value of :func:`dual_value` less ``Σ_j g_j*(X_jᵀθ)`` at
    the shrunk point, the penalty at w and the KKT residuals (into ``kkt``). Returns
    ``(penalty, dual, largest_kkt)``."""
    shrink = shrink_factor(corr, l1_weight, l2_weight, positive)
    penalty, conjugate, largest = penalty_side(corr, shrink, w, gradient, l1_weight,
                                               l2_weight, positive, kkt)  # fmt: skip
    return penalty, dual_value(y, s, theta, shrink, offset, saturated) - conjugate, largest
