"""scikit-learn ``lasso_path``: same scaling as ours, ``1/(2n)‖y − Xw‖² + α‖w‖₁``.

``precompute="auto"`` (the default) uses the Gram matrix when n > p. ``tol`` stops each
α when the duality gap is below ``tol · ‖y‖²/n``.
"""

import numpy as np
import sklearn
from sklearn.linear_model import lasso_path

VERSION = sklearn.__version__


def fit_path(X, y, alphas, tol):
    _, coefs, _ = lasso_path(X, y, alphas=alphas, tol=tol, max_iter=100_000)
    return np.asarray(coefs).T
