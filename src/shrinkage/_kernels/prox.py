"""Scalar proximal updates shared by every kernel."""

from numba import njit


@njit(cache=True, inline="always")
def enet_coordinate_update(z, lipschitz, l1_weight, l2_weight, positive):
    """Exact minimiser in w of ``½L w² − z w + a|w| + ½ b w²`` (``w ≥ 0`` if positive).

    That is ``S(z, a) / (L + b)``: the soft-threshold puts w at *exactly* 0 when
    ``|z| ≤ a``. A column of zeros with no L2 weight has no curvature: w stays 0.
    """
    denominator = lipschitz + l2_weight
    if denominator <= 0.0:
        return 0.0 * z
    if positive:
        excess = z - l1_weight
        if excess <= 0.0:
            return 0.0 * z
        return excess / denominator
    if z > l1_weight:
        return (z - l1_weight) / denominator
    if z < -l1_weight:
        return (z + l1_weight) / denominator
    return 0.0 * z
