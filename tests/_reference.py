"""Reference problems and objectives shared by the certified test suite.

Everything here is plain NumPy, written from the objective in the package docstring::

    1/(2n) Σ s_i (y_i − x_iᵀw − b)² + α Σ_j f_j (ρ|w_j| + ½(1 − ρ) w_j²),  Σ s_i = n

so a test can compare any fit against it without trusting the package's own maths.
"""

from __future__ import annotations

import numpy as np


def make_regression(n=40, p=12, n_informative=4, seed=0, noise=0.5, scales=False):
    """A small seeded regression problem; ``scales`` gives the columns unequal spreads."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if scales:
        X *= rng.uniform(0.3, 5.0, p)
    w = np.zeros(p)
    k = min(n_informative, p)
    w[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(0.5, 2.0, k)
    y = X @ w + noise * rng.standard_normal(n) + 1.5
    return X, y


def make_sparse_regression(n=40, p=12, density=0.3, seed=0):
    """Sparse-ish X (many exact zeros) as a dense array, and y."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * (rng.uniform(size=(n, p)) < density)
    y = X[:, :3] @ np.array([2.0, -1.0, 1.5]) + 0.3 * rng.standard_normal(n) + 0.5
    return X, y


def normalised_weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    s = np.asarray(sample_weight, dtype=float)
    return s * (n / s.sum())


def objective(X, y, coef, intercept, alpha, l1_ratio=1.0, sample_weight=None, penalty_factor=None):
    """The package objective, computed from scratch."""
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=float)
    n, p = X.shape
    s = normalised_weights(sample_weight, n)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=float)
    r = np.asarray(y, dtype=float) - X @ coef - intercept
    penalty = np.sum(f * (l1_ratio * np.abs(coef) + 0.5 * (1 - l1_ratio) * coef**2))
    return float(s @ (r * r) / (2 * n) + alpha * penalty)


def correlation_at_zero(X, y, sample_weight=None, fit_intercept=True, unpenalised=()):
    """``X_jᵀ r / n`` with r the weighted residual of the intercept and unpenalised fit.

    α_max of a penalty is ``max_j |correlation_j| / (ρ f_j)`` over penalised features.
    """
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    s = normalised_weights(sample_weight, n)
    base = [np.ones(n)] if fit_intercept else []
    base += [X[:, j] for j in unpenalised]
    r = np.asarray(y, dtype=float)
    if base:
        B = np.column_stack(base) * np.sqrt(s)[:, None]
        coef, *_ = np.linalg.lstsq(B, r * np.sqrt(s), rcond=None)
        r = r - np.column_stack(base) @ coef
    return X.T @ (s * r) / n


def cvxpy_fit(
    X, y, alpha, l1_ratio=1.0, *, penalty_factor=None, positive=False,
    fit_intercept=True, sample_weight=None,
):  # fmt: skip
    """Solve the objective with cvxpy + CLARABEL at tight tolerances."""
    import cvxpy as cp

    X = np.asarray(X, dtype=float)
    n, p = X.shape
    s = normalised_weights(sample_weight, n)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=float)
    w = cp.Variable(p)
    b = cp.Variable()
    r = y - X @ w - (b if fit_intercept else 0.0)
    cost = cp.sum(cp.multiply(s, cp.square(r))) / (2 * n) + alpha * (
        l1_ratio * cp.sum(cp.multiply(f, cp.abs(w)))
        + 0.5 * (1 - l1_ratio) * cp.sum(cp.multiply(f, cp.square(w)))
    )
    problem = cp.Problem(cp.Minimize(cost), [w >= 0] if positive else [])
    problem.solve(
        solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12,
        max_iter=500,
    )  # fmt: skip
    return np.asarray(w.value), float(b.value) if fit_intercept else 0.0


def certified_distance(X, gaps):
    """A bound on ``‖w_a − w_b‖`` for two fits of one squared-loss problem with an
    intercept, from their duality gaps alone: the loss is μ-strongly convex in w with μ
    the least eigenvalue of the centred ``XᵀX/n``, so ``‖w − w*‖ ≤ √(2·gap/μ)`` for each
    (Nesterov 2004, Thm 2.1.8) and the triangle inequality adds them. Two solvers that
    both meet a tolerance agree to this, not to rounding."""
    Xc = X - X.mean(axis=0)
    mu = np.linalg.eigvalsh(Xc.T @ Xc / X.shape[0])[0]
    return sum(np.sqrt(2.0 * max(gap, 0.0) / mu) for gap in gaps)
