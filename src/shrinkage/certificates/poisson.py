"""The certificate of the Poisson loss (log link), with its offset.

For counts y ≥ 0, weights s (summing to n) and the linear predictor ``z = Xw + b + o``::

    P(w, b) = 1/n Σ s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i] + Σ_j (a_j|w_j| + ½ b_j w_j²)

and for θ with ``1ᵀθ = 0`` (intercept fitted) and ``X_Fᵀθ = 0``::

    D(θ) = 1/n Σ s_i [y_i log y_i − y_i − q_i log q_i + q_i] − Σ_j g_j*(X_jᵀθ),
    q_i = y_i − nθ_i/s_i ≥ 0,

the construction of :mod:`shrinkage.certificates.glm` for
:class:`~shrinkage.losses.PoissonLoss`. With only the intercept free, step 1 is exact in
one move: the intercept's optimum scales μ by ``Σ s y / Σ s μ``.
"""

from __future__ import annotations

from ..losses import PoissonLoss
from .base import Certificate
from .glm import certify_glm

__all__ = ["certify_poisson"]

LOSS = PoissonLoss()


def certify_poisson(
    X, y, coef, intercept=0.0, l1_weight=None, l2_weight=None, *, positive=False,
    fit_intercept=True, sample_weight=None, offset=None,
) -> Certificate:  # fmt: skip
    """Duality gap and KKT residual of ``(coef, intercept)`` for penalised Poisson loss.

    :func:`~shrinkage.certificates.glm.certify_glm` with the Poisson loss; the arguments
    are the same (``offset``: the log exposure).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [0.0], [2.0], [1.0]])
    >>> y = np.array([2.0, 0.0, 5.0, 1.0])
    >>> cert = certify_poisson(X, y, [0.0], 0.0, [1.0], [0.0])  # b = 0 is not the optimum
    >>> bool(cert.dual_gap > 0.1)
    True
    """
    return certify_glm(
        X, y, coef, intercept, l1_weight, l2_weight, loss=LOSS, positive=positive,
        fit_intercept=fit_intercept, sample_weight=sample_weight, offset=offset,
    )  # fmt: skip
