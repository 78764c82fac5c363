"""Cyclic coordinate-descent epochs for ``1/(2n)‖r‖² + Σ a_j|w_j| + ½ b_j w_j²``.

One epoch visits the coordinates listed in ``features`` once, each an exact minimisation
(:func:`enet_coordinate_update`), and keeps the residual ``r = y − Xw`` up to date.
``lipschitz[j] = ‖X_j‖²/n`` (for the effective, centred column). The weights and the
offsets may be one number for all features (:func:`~.prox.weight_at`). ``deltas``, if
not empty, receives each coordinate's change (``deltas[k]`` for ``features[k]``): the
differences of successive iterates that Anderson extrapolation combines
(:mod:`shrinkage._kernels.anderson`), without a copy of the iterate.

The sparse kernel works on CSC arrays and centres implicitly: it keeps ``r̃ = y − Xw``
with the *uncentred* sparse columns and the scalar ``t = uᵀr̃``; the centred correlation
is then ``X_jᵀr̃ − x̄_j t`` (see :mod:`shrinkage.design`), so each update costs O(nnz_j).
"""

from numba import uint64

from .jit import kernel
from .prox import FASTMATH, SPARSE_FASTMATH, enet_coordinate_update, weight_at


@kernel(fastmath=FASTMATH)
def cd_epoch_dense(X, w, residual, lipschitz, l1_weight, l2_weight, positive, features,
                   deltas):  # fmt: skip
    """One epoch on a dense Fortran-ordered X. Returns ``max_j |Δw_j|``."""
    n_samples = X.shape[0]
    inv_n = 1.0 / n_samples
    max_change = 0.0
    record = deltas.shape[0] > 0
    for position in range(features.shape[0]):
        j = features[position]
        old = w[j]
        correlation = 0.0
        for i in range(n_samples):
            correlation += X[i, j] * residual[i]
        z = correlation * inv_n + lipschitz[j] * old
        a, b = weight_at(l1_weight, j), weight_at(l2_weight, j)
        new = enet_coordinate_update(z, lipschitz[j], a, b, positive)
        delta = new - old
        if record:
            deltas[position] = delta
        if delta != 0.0:
            w[j] = new
            for i in range(n_samples):
                residual[i] -= delta * X[i, j]
            if abs(delta) > max_change:
                max_change = abs(delta)
    return max_change


@kernel(fastmath=SPARSE_FASTMATH)
def cd_epoch_sparse(
    data,
    indices,
    indptr,
    n_samples,
    x_offset,
    w,
    residual,
    u_dot_residual,
    lipschitz,
    l1_weight,
    l2_weight,
    positive,
    features,
    deltas,
):
    """One epoch on CSC arrays with implicit centring. Returns ``max_j |Δw_j|``.

    ``u_dot_residual`` is a length-1 array holding t = uᵀr̃, updated in place.
    """
    inv_n = 1.0 / n_samples
    max_change = 0.0
    t = u_dot_residual[0]
    record = deltas.shape[0] > 0
    for position in range(features.shape[0]):
        j = features[position]
        old = w[j]
        correlation = 0.0
        for k in range(uint64(indptr[j]), uint64(indptr[j + 1])):
            correlation += data[k] * residual[uint64(indices[k])]
        offset = weight_at(x_offset, j)
        correlation -= offset * t
        z = correlation * inv_n + lipschitz[j] * old
        a, b = weight_at(l1_weight, j), weight_at(l2_weight, j)
        new = enet_coordinate_update(z, lipschitz[j], a, b, positive)
        delta = new - old
        if record:
            deltas[position] = delta
        if delta != 0.0:
            w[j] = new
            for k in range(uint64(indptr[j]), uint64(indptr[j + 1])):
                residual[uint64(indices[k])] -= delta * data[k]
            t -= delta * n_samples * offset
            if abs(delta) > max_change:
                max_change = abs(delta)
    u_dot_residual[0] = t
    return max_change
