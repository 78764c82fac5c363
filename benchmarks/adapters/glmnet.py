"""glmnet (Fortran, via the ``python-glmnet`` wheel), gaussian family, ``alpha=1``.

glmnet's gaussian objective is ``1/(2n) Σ (y_i − x_iᵀw)² + λ‖w‖₁``: its λ is our α. It
uses covariance updates (Gram) when n ≥ p and naive updates otherwise; ``tol`` is its
``thresh`` (change in objective relative to the null deviance). glmnet may stop the path
early (deviance ratio ≥ 0.999, or its change < 1e-5): the missing points are NaN and fail
certification.
"""

import glmnet as _glmnet_pkg
import numpy as np
from glmnet import ElasticNet

VERSION = getattr(_glmnet_pkg, "__version__", "python-glmnet")


def fit_path(X, y, alphas, tol):
    model = ElasticNet(
        alpha=1.0,
        lambda_path=np.asarray(alphas),
        standardize=False,
        fit_intercept=False,
        tol=tol,
        n_splits=0,
        max_iter=1_000_000,
    )
    model.fit(X, y)
    coefs = np.asarray(model.coef_path_).T
    if coefs.shape[0] < len(alphas):
        coefs = np.vstack([coefs, np.full((len(alphas) - coefs.shape[0], X.shape[1]), np.nan)])
    return coefs
