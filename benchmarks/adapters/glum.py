"""glum ``GeneralizedLinearRegressor(family="normal", alpha_search=True)``.

glum minimises ``1/(2 Σ s_i) Σ s_i (y_i − x_iᵀw)² + α·l1_ratio‖w‖₁ + …`` with unit
sample weights, i.e. ``1/(2n)‖y − Xw‖² + α‖w‖₁`` for ``l1_ratio=1``: its α is ours.
``gradient_tol`` is its tolerance (sum of minimum-norm subgradients for IRLS-CD).
"""

import warnings

import glum as _glum
import numpy as np
from glum import GeneralizedLinearRegressor

VERSION = _glum.__version__


# glum's IRLS-CD keeps a dense p × p Hessian: on the 20 000 × 50 000 sparse problem it was
# OOM-killed at 23 GB resident. Refuse up front rather than take a shared machine down.
MAX_HESSIAN_BYTES = 4 * 2**30


def fit_path(X, y, alphas, tol):
    p = X.shape[1]
    if 8 * p * p > MAX_HESSIAN_BYTES:
        raise MemoryError(
            f"glum would form a dense {p}×{p} Hessian ({8 * p * p / 2**30:.0f} GiB); skipped"
        )
    model = GeneralizedLinearRegressor(
        family="normal",
        l1_ratio=1.0,
        alpha=np.asarray(alphas),
        alpha_search=True,
        fit_intercept=False,
        gradient_tol=tol,
        solver="irls-cd",
        max_iter=10_000,
        scale_predictors=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    return np.asarray(model.coef_path_)
