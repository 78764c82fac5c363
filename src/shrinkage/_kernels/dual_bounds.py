"""Lazy correlations for the logistic certificate: read ``x_jᵀθ`` only where it matters.

The duality gap at a point needs ``c_j = x_jᵀθ`` for every feature, θ the dual point.
Between two certificates (the next Newton step, the next α) θ moves little, and for
any earlier dual point θ₀, writing ``δ = θ − θ₀`` and ``x̄_j`` for the column's mean,

    |x_jᵀθ| ≤ |x_jᵀθ₀| + ‖x_j − x̄_j‖·‖δ‖ + |x̄_j|·|1ᵀδ|

(Cauchy–Schwarz on the centred column; with an intercept both points sum to 0 and the
last term vanishes up to rounding). Where that bound is below the feature's L1 weight
``a_j`` and ``w_j = 0``, the feature is inside its dual constraint, adds nothing to the
conjugate, does not set the dual point's shrink, and meets its optimality condition in
the dual's terms: the gap computed with the bound in place of ``c_j`` is the gap itself.
Only the other columns are read. A bound at or above ``a_j`` would only make the gap
larger (the conjugate and the shrink grow with ``|c_j|``), so the certificate stays a
bound whatever the bounds hold; the columns the test cannot settle are read exactly.

The squared path's version of this rule is :mod:`shrinkage.solvers.correlation_bounds`
(the same inequality on the residual); the logistic loop
(:mod:`shrinkage._kernels.logistic_path`) keeps its arrays: the bounds (signed exact
correlations where read), the θ they refer to, which columns were read at the current
point, and the column norms and means.
"""

import numpy as np

from .columns import (
    is_dense,
    masked_column_dot_pairs_dense,
    masked_column_dot_pairs_sparse,
    masked_column_dots_dense,
    masked_column_dots_sparse,
)
from .jit import inner, kernel
from .small_arguments import VECTOR


@kernel()
def drifted(corr, exact, reference, theta, norms, means):
    """Every ``corr_j`` (exact at ``reference``, or a bound there) becomes its bound at
    θ, and no column is marked read."""
    drift, total = 0.0, 0.0
    for i in range(theta.shape[0]):
        delta = theta[i] - reference[i]
        drift += delta * delta
        total += delta
    drift = np.sqrt(drift)
    total = abs(total)
    for j in range(corr.shape[0]):
        corr[j] = abs(corr[j]) + norms[j] * drift + abs(means[j]) * total
        exact[j] = False


@kernel()
def unsettled(corr, exact, w, l1_weight, mask):
    """Mark in ``mask`` the columns still to read: not read at this point, and either
    non-zero or with a bound that reaches their L1 weight. Returns how many."""
    count = 0
    for j in range(corr.shape[0]):
        mask[j] = not exact[j] and (w[j] != 0.0 or corr[j] >= l1_weight[j])
        count += mask[j]
    return count


@kernel(fastmath=VECTOR, error_model="numpy")
def mark_read(exact, mask, gradient, gradient_current):
    """The columns read now (``mask``) are exact from here on; where the gradient is
    not current, the columns left unread get a gradient of 0 (a KKT residual of 0: a
    settled feature meets its condition). Returns how many are left unread."""
    unread = 0
    for j in range(exact.shape[0]):
        read = exact[j] | mask[j]
        exact[j] = read
        unread += not read
    if not gradient_current and unread > 0:
        for j in range(exact.shape[0]):
            gradient[j] = gradient[j] if exact[j] else 0.0
    return unread


@inner()
def read_columns(X, data, indices, indptr, gradient_vector, theta, mask, gradient, corr,
                 with_gradient):  # fmt: skip
    """``corr_j = x_jᵀθ`` where ``mask_j``, and ``gradient_j = x_jᵀgradient_vector`` in
    the same pass when ``with_gradient``; dense X or CSC arrays
    (:func:`~shrinkage._kernels.columns.is_dense`)."""
    if with_gradient:
        if is_dense(indptr):
            masked_column_dot_pairs_dense(X, gradient_vector, theta, mask, gradient, corr)
        if not is_dense(indptr):
            masked_column_dot_pairs_sparse(data, indices, indptr, gradient_vector, theta,
                                           mask, gradient, corr)  # fmt: skip
    else:
        if is_dense(indptr):
            masked_column_dots_dense(X, theta, mask, corr)
        if not is_dense(indptr):
            masked_column_dots_sparse(data, indices, indptr, theta, mask, 0.0, 0.0, corr)
