"""celer ``celer_path(..., "lasso")``: same scaling as ours (``1/(2n)``, α on ‖w‖₁).

Working sets + dual extrapolation; ``tol`` is on the duality gap scaled by ``‖y‖²/n``.
"""

import warnings

import celer as _celer
import numpy as np

VERSION = _celer.__version__


def fit_path(X, y, alphas, tol):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, coefs, _ = _celer.celer_path(X, y, "lasso", alphas=alphas, tol=tol, prune=True)
    return np.asarray(coefs).T
