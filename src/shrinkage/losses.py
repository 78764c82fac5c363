"""Data-fit terms: the empirical loss, averaged over samples.

Only the squared error lives here for now::

    loss(w, b) = 1/(2n) Σ_i s_i (y_i − x_iᵀw − b)²,      Σ_i s_i = n.

The reference implementation below is the specification for the kernels and for the
duality gap in :mod:`shrinkage.certificates`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SquaredLoss"]


def _normalised_weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    s = np.asarray(sample_weight, dtype=float)
    return s * (n / s.sum())


@dataclass(frozen=True)
class SquaredLoss:
    """Squared error ``1/(2n) Σ s_i (y_i − ŷ_i)²`` with weights normalised to sum n.

    Its Fenchel conjugate in the prediction, used for the dual, is
    ``F*(θ) = θᵀy + (n/2)‖θ‖²`` for ``F(z) = 1/(2n)‖y − z‖²``.

    Examples
    --------
    >>> loss = SquaredLoss()
    >>> float(loss.value(np.array([1.0, 3.0]), np.array([0.0, 1.0])))
    1.25
    """

    def value(self, y, prediction, sample_weight=None) -> float:
        """``1/(2n) Σ s_i (y_i − prediction_i)²``."""
        y = np.asarray(y, dtype=float)
        r = y - np.asarray(prediction, dtype=float)
        s = _normalised_weights(sample_weight, y.shape[0])
        return float(s @ (r * r) / (2 * y.shape[0]))

    def gradient(self, X, y, w, intercept=0.0, sample_weight=None):
        """Gradient in w: ``−Xᵀ(s ∘ r)/n`` with ``r = y − Xw − b``."""
        y = np.asarray(y, dtype=float)
        r = y - X @ w - intercept
        s = _normalised_weights(sample_weight, y.shape[0])
        return -np.asarray(X.T @ (s * r)).ravel() / y.shape[0]

    def dual_value(self, y, theta) -> float:
        """``−F*(−θ) = θᵀy − (n/2)‖θ‖²`` (the loss part of the dual objective)."""
        n = y.shape[0]
        return float(theta @ y - 0.5 * n * theta @ theta)
