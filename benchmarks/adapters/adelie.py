"""adelie ``grpnet`` with singleton groups and ``alpha=1`` (the lasso).

adelie's Gaussian loss is ``Σ w_i (−y_i η_i + η_i²/2)`` with weights ``1/n`` by default:
``1/(2n)‖y − η‖²`` up to a constant, so its ``lmda`` is our α (singleton groups have
penalty factor √1 = 1). ``early_exit=False`` so the whole grid is solved (by default
adelie stops once 90 % of the deviance is explained).
"""

import adelie as _ad
import numpy as np
import scipy.sparse as sp

VERSION = _ad.__version__


def fit_path(X, y, alphas, tol):
    if sp.issparse(X):
        matrix = _ad.matrix.sparse(sp.csc_matrix(X), method="naive", n_threads=1)
    else:
        matrix = _ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1)
    state = _ad.grpnet(
        matrix,
        _ad.glm.gaussian(np.asarray(y, dtype=np.float64)),
        alpha=1.0,
        lmda_path=np.asarray(alphas, dtype=np.float64),
        intercept=False,
        tol=tol,
        early_exit=False,
        progress_bar=False,
        n_threads=1,
    )
    betas = state.betas.toarray()
    if betas.shape[0] < len(alphas):  # stopped early: missing points fail certification
        betas = np.vstack([betas, np.full((len(alphas) - betas.shape[0], X.shape[1]), np.nan)])
    return betas
