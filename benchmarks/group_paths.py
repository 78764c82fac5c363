"""Group-lasso paths against skglm, adelie and group-lasso, every point certified by one gap.

Problem, with an intercept::

    min_w 1/(2n) ‖y − Xw − b‖² + α Σ_g √p_g ‖w_g‖₂

on α from α_max down to 1e-2·α_max (log grid), warm-started, one thread; the protocol of
:mod:`certified_protocol` (each solver at the loosest of its tolerances that passes our
certificate, :func:`shrinkage.certificates.groups.certify_groups`, at every point).

    python benchmarks/group_paths.py --quick        # 20 α
    python benchmarks/group_paths.py                # 100 α
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import warnings  # noqa: E402
from functools import partial  # noqa: E402

import numpy as np  # noqa: E402
from certified_protocol import command_line, measure, print_table  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.certificates.groups import certify_groups  # noqa: E402
from shrinkage.solvers.group_lasso import check_group_weights, prepare_groups  # noqa: E402


def synthetic(n, n_groups, size, active=10, rho=0.5, seed=0):
    """AR(1)-correlated columns in groups of ``size``, ``active`` non-zero groups."""
    rng = np.random.default_rng(seed)
    p = n_groups * size
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p), order="F")
    X[:, 0] = Z[:, 0]
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    w = np.zeros(p)
    for g in rng.choice(n_groups, active, replace=False):
        w[g * size:(g + 1) * size] = rng.standard_normal(size)  # fmt: skip
    signal = X @ w
    y = signal + rng.standard_normal(n) * signal.std() / np.sqrt(3.0)
    return X, y, np.repeat(np.arange(n_groups), size)


PROBLEMS = {"synthetic 1000 × 500 groups of 10": lambda: synthetic(1000, 500, 10)}
QUICK = {"synthetic 500 × 200 groups of 10": lambda: synthetic(500, 200, 10, seed=1)}


def ours(X, y, labels, alphas, tol):
    result = shrinkage.path(X, y, groups=labels, alphas=alphas, tol=tol, warn=False)
    return result.coefs, None


def skglm_path(X, y, labels, alphas, tol):
    from skglm import GroupLasso

    size = int(np.sum(labels == labels[0]))
    weights = np.full(labels.max() + 1, np.sqrt(size))
    model = GroupLasso(groups=size, alpha=alphas[0], weights=weights, tol=tol,
                       warm_start=True, fit_intercept=True)  # fmt: skip
    coefs = []
    for alpha in alphas:
        model.set_params(alpha=alpha)
        model.fit(X, y)
        coefs.append(model.coef_.copy())
    return np.array(coefs), None


def adelie_path(X, y, labels, alphas, tol):
    import adelie as ad

    starts = np.flatnonzero(np.diff(np.concatenate([[-1], labels])))
    state = ad.grpnet(
        ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1),
        ad.glm.gaussian(np.asarray(y, dtype=np.float64)), groups=starts, alpha=1.0,
        lmda_path=np.asarray(alphas, dtype=np.float64), intercept=True, tol=tol,
        early_exit=False, progress_bar=False, n_threads=1,
    )  # fmt: skip
    betas = state.betas.toarray()
    if betas.shape[0] < len(alphas):
        betas = np.vstack([betas, np.full((len(alphas) - betas.shape[0], X.shape[1]), np.nan)])
    return betas, None


def group_lasso_path(X, y, labels, alphas, tol):
    """The group-lasso package (FISTA): ``0.5·MSE + group_reg Σ √p_g‖w_g‖``, our scaling."""
    from group_lasso import GroupLasso

    model = GroupLasso(groups=labels, group_reg=alphas[0], l1_reg=0.0, n_iter=100_000,
                       tol=tol, scale_reg="group_size", fit_intercept=True, warm_start=True,
                       supress_warning=True)  # fmt: skip
    coefs = []
    for alpha in alphas:
        model.set_params(group_reg=alpha)
        model.fit(X, y)
        coefs.append(np.ravel(model.coef_).copy())
    return np.array(coefs), None


SOLVERS = {"shrinkage": ours, "skglm": skglm_path, "adelie": adelie_path,
           "group-lasso": group_lasso_path}  # fmt: skip


def worst_gap(data, omega, alphas, coefs):
    worst = 0.0
    for alpha, w in zip(alphas, coefs, strict=True):
        if not np.all(np.isfinite(w)):
            return np.inf
        cert, _ = certify_groups(data.X, data.y, w, data.groups, alpha * omega,
                                 np.zeros_like(omega))  # fmt: skip
        worst = max(worst, cert.relative_gap)
    return worst


def main():
    args, n_alphas, cap, chosen = command_line(__doc__, SOLVERS, PROBLEMS, QUICK)
    warnings.filterwarnings("ignore")
    rows = []
    with threadpool_limits(limits=1):
        for name, make in chosen.items():
            X, y, labels = make()
            data = prepare_groups(X, y, labels)
            omega = check_group_weights(data.groups)
            correlation = (data.X.T @ data.y)[data.groups.members] / X.shape[0]
            norms = np.sqrt(np.add.reduceat(correlation**2, data.groups.start[:-1]))
            alphas = np.max(norms / omega) * np.logspace(0, -2, n_alphas)
            ours(X[:20, :4], y[:20], labels[:4], alphas[:2], 1e-4)  # compile apart
            runs = {s: partial(SOLVERS[s], X, y, labels, alphas) for s in args.solvers}
            measure(name, args, cap, runs, partial(worst_gap, data, omega, alphas), rows)
    print(f"\n{n_alphas} α to 1e-2·α_max, with an intercept, one thread\n")
    print_table(rows)


if __name__ == "__main__":
    main()
