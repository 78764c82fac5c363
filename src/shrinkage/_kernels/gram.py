"""Coordinate-descent epoch in covariance ("Gram") mode, for n ≫ p.

With ``G = XᵀX`` and ``q = Xᵀr = Xᵀy − Gw`` precomputed, a coordinate update costs O(p)
instead of O(n): ``z = q_j/n + L_j w_j`` and, after a move δ, ``q ← q − δ G[:, j]``.
(Friedman, Hastie & Tibshirani 2010, §2.2 "covariance updates".)
"""

from .jit import kernel
from .prox import FASTMATH, enet_coordinate_update, weight_at


@kernel(fastmath=FASTMATH)
def cd_epoch_gram(gram, w, correlation, lipschitz, l1_weight, l2_weight, positive, features, n,
                  deltas):  # fmt: skip
    """One epoch over ``features``; updates ``w`` and ``correlation`` (q) in place.

    ``gram`` must be Fortran-ordered or symmetric C (column j is read contiguously as
    row j of the symmetric matrix). Returns ``max_j |Δw_j|``; ``deltas`` (if not empty)
    receives each coordinate's change, as in :mod:`.coordinate_descent`.
    """
    p = gram.shape[0]
    inv_n = 1.0 / n
    max_change = 0.0
    record = deltas.shape[0] > 0
    for position in range(features.shape[0]):
        j = features[position]
        old = w[j]
        z = correlation[j] * inv_n + lipschitz[j] * old
        a, b = weight_at(l1_weight, j), weight_at(l2_weight, j)
        new = enet_coordinate_update(z, lipschitz[j], a, b, positive)
        delta = new - old
        if record:
            deltas[position] = delta
        if delta != 0.0:
            w[j] = new
            for k in range(p):
                correlation[k] -= delta * gram[j, k]
            if abs(delta) > max_change:
                max_change = abs(delta)
    return max_change


@kernel()
def fill_lower_from_upper(matrix):
    """Copy the upper triangle of a square Fortran-ordered matrix onto its lower one, in
    place (BLAS ``syrk`` writes one triangle), reading and writing down columns."""
    p = matrix.shape[0]
    for j in range(p):
        for i in range(j + 1, p):
            matrix[i, j] = matrix[j, i]
