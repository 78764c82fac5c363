"""scikit-learn ``Lasso(warm_start=True)`` refitted along the grid (what users often do).

Same scaling as ours; no Gram precomputation (the ``Lasso`` default).
"""

import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso

VERSION = sklearn.__version__


def fit_path(X, y, alphas, tol):
    model = Lasso(alpha=alphas[0], fit_intercept=False, tol=tol, max_iter=100_000, warm_start=True)
    coefs = np.zeros((len(alphas), X.shape[1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k, alpha in enumerate(alphas):
            model.set_params(alpha=alpha)
            model.fit(X, y)
            coefs[k] = model.coef_
    return coefs
