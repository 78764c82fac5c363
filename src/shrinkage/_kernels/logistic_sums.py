"""The row sums of one block of distributed logistic regression, one loop each.

:mod:`shrinkage.distributed.logistic_operations` states what a pass returns (raw sums over
the rows, combined over blocks); these loops compute the per-row parts with one
exponential per row, where the NumPy expressions took a dozen passes over the rows, and a
line search's losses at every step size in one loop, where NumPy evaluated both branches
of each row's formula for every step. The products ``Xᵀv`` stay with BLAS.
"""

import numpy as np

from .jit import kernel
from .logistic_loss import _sigmoid
from .logistic_step import row_loss_change


@kernel()
def state_sums(z, y, s, residual, curvature):
    """At the predictor z, into ``residual = s(σ − y)`` and ``curvature = sσ(1 − σ)``;
    returns the sums ``(Σ s ℓ, Σ s H(σ), Σ residual, Σ curvature, Σ curvature·z,
    Σ residual·z, Σ s e^{−ỹz})`` with ``ℓ(z) = softplus(z) − y z``,
    ``H(q) = q log q + (1 − q) log(1 − q)``, ``ỹ = 2y − 1`` (the exponent capped at 700).
    """
    loss = entropy = residual_sum = curvature_sum = curvature_z = residual_z = odds = 0.0
    for i in range(z.shape[0]):
        zi = z[i]
        e = np.exp(-abs(zi))
        log1pe = np.log1p(e)
        prob = 1.0 / (1.0 + e) if zi >= 0.0 else e / (1.0 + e)
        log_prob = -(max(-zi, 0.0) + log1pe)  # log σ(z)
        log_complement = -(max(zi, 0.0) + log1pe)  # log σ(−z)
        loss -= s[i] * (y[i] * log_prob + (1.0 - y[i]) * log_complement)
        entropy += s[i] * (prob * log_prob + (1.0 - prob) * log_complement)
        residual[i] = s[i] * (prob - y[i])
        curvature[i] = s[i] * prob * (1.0 - prob)
        residual_sum += residual[i]
        curvature_sum += curvature[i]
        curvature_z += curvature[i] * zi
        residual_z += residual[i] * zi
        odds += s[i] * np.exp(min((1.0 - 2.0 * y[i]) * zi, 700.0))
    return loss, entropy, residual_sum, curvature_sum, curvature_z, residual_z, odds


@kernel()
def loss_changes(z, u, steps, y, s, out):
    """Into ``out[k]``: ``Σ s [ℓ(z + t_k u) − ℓ(z)]`` for each step size ``t_k`` of
    ``steps``, term by term (:func:`~shrinkage._kernels.logistic_step.row_loss_change`)."""
    out[:] = 0.0
    for i in range(z.shape[0]):
        if s[i] != 0.0:
            prob = _sigmoid(z[i])
            for k in range(steps.shape[0]):
                out[k] += s[i] * row_loss_change(z[i], prob, steps[k] * u[i], y[i])
