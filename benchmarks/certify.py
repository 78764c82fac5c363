"""Relative duality gaps of a lasso path, computed from the returned coefficients only.

Lasso without intercept, ``P(w) = ‖y − Xw‖²/(2n) + α‖w‖₁``. With the residual
``r = y − Xw``, the dual point is ``θ = r / (n · max(1, ‖Xᵀr‖∞ / (nα)))`` (rescaled to be
feasible, ``‖Xᵀθ‖∞ ≤ α``) and ``D(θ) = θᵀy − (n/2)‖θ‖²``. The relative gap is
``(P − D) / P(0)`` with ``P(0) = ‖y‖²/(2n)``. No solver-reported gap is trusted.

``python benchmarks/certify.py`` checks this formula against
``shrinkage.certificates.certify`` on a random problem.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def relative_gaps(X, y, alphas, coefs) -> np.ndarray:
    """Relative duality gap of every path point; ``coefs`` is (n_alphas, p)."""
    coefs = np.asarray(coefs.toarray() if sp.issparse(coefs) else coefs, dtype=np.float64)
    alphas = np.asarray(alphas, dtype=np.float64)
    n = X.shape[0]
    if not np.all(np.isfinite(coefs)):
        return np.full(alphas.size, np.inf)
    # one product each way for the whole path: (n, k) residuals, (p, k) correlations
    residuals = y[:, None] - np.asarray(X @ coefs.T)
    correlations = np.asarray(X.T @ residuals)
    primal = (residuals**2).sum(axis=0) / (2 * n) + alphas * np.abs(coefs).sum(axis=1)
    scaling = np.maximum(1.0, np.abs(correlations).max(axis=0) / (n * alphas))
    theta = residuals / (n * scaling)
    dual = theta.T @ y - n / 2 * (theta**2).sum(axis=0)
    primal_at_zero = y @ y / (2 * n)
    return np.maximum(primal - dual, 0.0) / primal_at_zero


def _check_against_library(seed=0):
    """Our formula and ``shrinkage.certificates.certify`` agree (dense and sparse)."""
    from shrinkage.certificates import certify
    from shrinkage.design import make_design

    rng = np.random.default_rng(seed)
    n, p = 60, 40
    for X in (rng.standard_normal((n, p)), sp.random(n, p, 0.2, "csc", random_state=seed)):
        y = rng.standard_normal(n)
        alpha_max = np.max(np.abs(X.T @ y)) / n
        alphas = alpha_max * np.array([0.5, 0.1])
        coefs = rng.standard_normal((2, p)) * (rng.random((2, p)) < 0.2)
        ours = relative_gaps(X, y, alphas, coefs)
        design = make_design(X, y, fit_intercept=False)
        theirs = [
            certify(design, coefs[k], np.full(p, alphas[k]), np.zeros(p), False).relative_gap
            for k in range(2)
        ]
        np.testing.assert_allclose(ours, theirs, rtol=1e-10)
        print("sparse" if sp.issparse(X) else "dense", ours, theirs)


if __name__ == "__main__":
    _check_against_library()
    print("certify.py agrees with shrinkage.certificates.certify")
