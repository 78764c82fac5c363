"""Group-lasso paths of the logistic and Poisson losses against adelie and skglm, every
point certified by one gap.

Problem, with an intercept::

    min_w F(Xw + b) + α Σ_g √p_g ‖w_g‖₂

F the mean log-loss or half the mean Poisson deviance, on α from α_max down to
1e-2·α_max (log grid), warm-started, one thread; the protocol of
:mod:`certified_protocol` (each solver at the loosest of its tolerances that passes our
certificate, :func:`shrinkage.certificates.glm_groups.certify_group_glm`, at every
point). adelie's ``grpnet`` (binomial, Poisson; λ = α, its IRLS tolerance set to its
``tol``) and skglm's ``GroupProxNewton`` on ``LogisticGroup`` (logistic only) solve the
same problem. The design is that of ``group_paths.py`` (AR(1)-correlated columns in
groups of 10, 10 non-zero groups), the labels drawn from the model.

    python benchmarks/group_glm_paths.py --quick        # 20 α
    python benchmarks/group_glm_paths.py                # 100 α
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import warnings  # noqa: E402
from functools import partial  # noqa: E402

import numpy as np  # noqa: E402
from certified_protocol import command_line, measure, print_table  # noqa: E402
from group_paths import synthetic  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import shrinkage  # noqa: E402
from shrinkage.certificates.glm_groups import certify_group_glm  # noqa: E402
from shrinkage.groups import check_groups  # noqa: E402
from shrinkage.losses import LogisticLoss, PoissonLoss  # noqa: E402

LOSSES = {"logistic": LogisticLoss(), "poisson": PoissonLoss()}


def glm_problem(n, n_groups, size, loss, seed):
    """The design of ``group_paths.synthetic``; labels or counts from its signal."""
    X, y, labels = synthetic(n, n_groups, size, seed=seed)
    rng = np.random.default_rng(seed + 100)
    signal = (y - y.mean()) / y.std()
    if loss == "logistic":
        return X, (rng.random(n) < 1 / (1 + np.exp(-2 * signal))).astype(np.float64), labels
    return X, rng.poisson(np.exp(0.5 * signal)).astype(np.float64), labels


def problems(sizes):
    def builder(n, n_groups, loss, seed):
        return lambda: (*glm_problem(n, n_groups, 10, loss, seed), loss)

    return {f"{loss} {n} × {n_groups} groups of 10": builder(n, n_groups, loss, seed)
            for seed, (n, n_groups) in enumerate(sizes) for loss in LOSSES}  # fmt: skip


PROBLEMS = problems([(1000, 500)])
QUICK = problems([(500, 200)])


def ours(X, y, labels, loss, alphas, tol):
    result = shrinkage.path(X, y, loss=loss, groups=labels, alphas=alphas, tol=tol, warn=False)
    return np.column_stack([result.intercepts, result.coefs]), None


def adelie_path(X, y, labels, loss, alphas, tol):
    import adelie as ad

    starts = np.flatnonzero(np.diff(np.concatenate([[-1], labels])))
    family = ad.glm.binomial if loss == "logistic" else ad.glm.poisson
    state = ad.grpnet(
        ad.matrix.dense(np.asfortranarray(X), method="naive", n_threads=1),
        family(np.asarray(y, dtype=np.float64)), groups=starts, alpha=1.0,
        lmda_path=np.asarray(alphas, dtype=np.float64), intercept=True, tol=tol,
        irls_tol=tol, early_exit=False, progress_bar=False, n_threads=1,
    )  # fmt: skip
    out = np.column_stack([state.intercepts, state.betas.toarray()])
    if out.shape[0] < len(alphas):
        out = np.vstack([out, np.full((len(alphas) - out.shape[0], out.shape[1]), np.nan)])
    return out, None


def skglm_path(X, y, labels, loss, alphas, tol):
    """skglm's group proximal Newton on its ``LogisticGroup`` datafit (labels ±1)."""
    from skglm.datafits import LogisticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupProxNewton

    if loss != "logistic":
        raise ValueError("skglm has no group Poisson datafit")
    size = int(np.sum(labels == labels[0]))
    n_groups = labels.max() + 1
    grp_ptr = np.arange(0, size * (n_groups + 1), size, dtype=np.int32)
    grp_indices = np.arange(size * n_groups, dtype=np.int32)
    datafit = LogisticGroup(grp_ptr, grp_indices)
    solver = GroupProxNewton(tol=tol, fit_intercept=True, warm_start=True, max_iter=100)
    w = None
    out = []
    for alpha in alphas:
        penalty = WeightedGroupL2(alpha, np.full(n_groups, np.sqrt(size)), grp_ptr, grp_indices)
        w, _, _ = solver.solve(np.asfortranarray(X), 2 * y - 1, datafit, penalty, w_init=w)
        out.append(np.r_[w[-1], w[:-1]])
    return np.array(out), None


SOLVERS = {"shrinkage": ours, "adelie": adelie_path, "skglm": skglm_path}


def worst_gap(X, y, labels, loss, alphas, coefs):
    groups = check_groups(labels, X.shape[1])
    omega = np.sqrt(groups.sizes)
    s = np.ones(X.shape[0])
    scale = LOSSES[loss].primal_at_zero(y, s)
    worst = 0.0
    for alpha, row in zip(alphas, coefs, strict=True):
        if not np.all(np.isfinite(row)):
            return np.inf
        cert, _ = certify_group_glm(X, y, s, X @ row[1:] + row[0], row[1:], groups,
                                    alpha * omega, np.zeros_like(omega), fit_intercept=True,
                                    loss=LOSSES[loss], primal_at_zero=scale)  # fmt: skip
        worst = max(worst, cert.relative_gap)
    return worst


def main():
    args, n_alphas, cap, chosen = command_line(__doc__, SOLVERS, PROBLEMS, QUICK)
    warnings.filterwarnings("ignore")
    rows = []
    with threadpool_limits(limits=1):
        for name, make in chosen.items():
            X, y, labels, loss = make()
            alphas = shrinkage.path(X, y, loss=loss, groups=labels, n_alphas=1).alphas[0]
            alphas = alphas * np.logspace(0, -2, n_alphas)
            ours(X[:40, :20], y[:40], labels[:20], loss, alphas[:2], 1e-4)  # compile apart
            runs = {s: partial(SOLVERS[s], X, y, labels, loss, alphas) for s in args.solvers}
            measure(name, args, cap, runs, partial(worst_gap, X, y, labels, loss, alphas), rows)
    print(f"\n{n_alphas} α to 1e-2·α_max, with an intercept, one thread\n")
    print_table(rows)


if __name__ == "__main__":
    main()
