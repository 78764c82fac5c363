"""skglm ``Lasso.path`` (AndersonCD working sets): same scaling as ours.

skglm's Lasso is ``1/(2n)‖y − Xw‖² + α‖w‖₁``; ``tol`` bounds the KKT violation.
"""

import warnings

import numpy as np
import skglm as _skglm
from skglm import Lasso

VERSION = _skglm.__version__


def fit_path(X, y, alphas, tol):
    model = Lasso(fit_intercept=False, tol=tol, max_iter=1000, max_epochs=100_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = model.path(X, y, np.asarray(alphas))
    return np.asarray(out[1]).T
