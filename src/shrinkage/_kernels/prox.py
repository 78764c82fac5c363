"""Scalar proximal updates shared by every kernel."""

from numba import types
from numba.extending import overload

from .jit import kernel

# |z| within this relative distance of the threshold is treated as below it, so that
# α = α_max (computed with another summation order) gives exact zeros despite rounding.
# shrinkage.penalties uses the same constant in its NumPy prox.
THRESHOLD_SLACK = 1e-12

# Let LLVM reorder the sums of the dot products so they vectorise (as BLAS does); no
# other fast-math licence (no "nnan"/"ninf": inputs are checked finite before they come).
FASTMATH = {"reassoc", "contract"}
# Sparse columns are short (tens of entries) and read r through their row indices: a
# vectorised sum becomes gathers, which cost more than they save on such short columns
# (measured in benchmarks/README.md). Sequential sums there.
SPARSE_FASTMATH = {"contract"}
# The sparse loops index with unsigned integers (``uint64(indptr[j])``,
# ``vector[uint64(indices[k])]``): numba then skips its negative-index wraparound test
# on every read, which is a large share of a short column's dot (benchmarks/README.md).


def weight_at(weights, j):
    """``weights[j]`` for per-feature weights given as an array, or ``weights`` itself
    when it is one number for every feature (:mod:`shrinkage._uniform`): the kernels
    are compiled for each, and the loops of the second read a constant."""
    return weights if isinstance(weights, float) else weights[j]


@overload(weight_at, inline="always")
def _weight_at(weights, j):
    if isinstance(weights, types.Float):
        return lambda weights, j: weights
    return lambda weights, j: weights[j]


def feature_at(features, k):
    """``features[k]``, or ``k`` itself when ``features`` is None (all features, in
    order): one kernel for a problem and its restriction to a working set."""
    return k if features is None else features[k]


@overload(feature_at, inline="always")
def _feature_at(features, k):
    if isinstance(features, types.NoneType | types.Omitted):
        return lambda features, k: k
    return lambda features, k: features[k]


@kernel(inline="always")
def enet_coordinate_update(z, lipschitz, l1_weight, l2_weight, positive):
    """Exact minimiser in w of ``½L w² − z w + a|w| + ½ b w²`` (``w ≥ 0`` if positive).

    That is ``S(z, a) / (L + b)``: the soft-threshold puts w at *exactly* 0 when
    ``|z| ≤ a``. A column of zeros with no L2 weight has no curvature: w stays 0.
    """
    denominator = lipschitz + l2_weight
    if denominator <= 0.0:
        return 0.0 * z
    # |z| within rounding of the threshold counts as below it, so that α = α_max (computed
    # with another summation order) gives exact zeros; the effect on w is ~1e-12·a/L.
    threshold = l1_weight * (1.0 + THRESHOLD_SLACK)
    if positive:
        if z <= threshold:
            return 0.0 * z
        return (z - l1_weight) / denominator
    if z > threshold:
        return (z - l1_weight) / denominator
    if z < -threshold:
        return (z + l1_weight) / denominator
    return 0.0 * z
