"""Data-fit terms: the empirical loss of the linear predictor, averaged over samples.

Every loss is a function of ``z = Xw + b`` with row weights s normalised to sum to n::

    squared:   F(z) = 1/(2n) Σ_i s_i (y_i − z_i)²
    logistic:  F(z) = 1/n Σ_i s_i [log(1 + e^{z_i}) − y_i z_i],     y ∈ {0, 1}
    Poisson:   F(z) = 1/n Σ_i s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i],   y ≥ 0

Each is an object (:class:`Loss`) with its value, gradient and curvature in z, the loss
part of the dual objective and the dual point the certificates start from, P(0) and
α_max, and the weights' normalisation (:func:`normalise_sample_weight`). These NumPy
methods are the statement of the formulas; the compiled kernels in
:mod:`shrinkage._kernels` compute the same quantities in fused loops, and the tests
check the two agree.
"""

from .base import Loss, normalise_sample_weight
from .logistic import LogisticLoss
from .poisson import NonIntegerCountWarning, PoissonLoss
from .squared import SquaredLoss

__all__ = [
    "LogisticLoss",
    "Loss",
    "NonIntegerCountWarning",
    "PoissonLoss",
    "SquaredLoss",
    "normalise_sample_weight",
]
