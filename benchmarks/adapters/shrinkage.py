"""shrinkage.path: ``tol`` is the relative duality gap required at every α."""

import numpy as np

import shrinkage as _lib
from shrinkage.penalties import L1

VERSION = getattr(_lib, "__version__", "dev")


def fit_path(X, y, alphas, tol):
    result = _lib.path(X, y, L1(), alphas=alphas, fit_intercept=False, tol=tol, max_iter=100_000)
    return np.asarray(result.coefs)
