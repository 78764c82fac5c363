r"""The group lasso and group elastic net (squared loss), certified.

Minimises, for groups g of features (:mod:`shrinkage.groups`),

    1/(2n) Σ_i s_i (y_i − x_iᵀw − b)² + α Σ_g ω_g (ρ‖w_g‖₂ + ½(1 − ρ)‖w_g‖₂²),

with ``ω_g = √p_g`` by default (Yuan & Lin 2006: a group of p_g features is not
penalised less per feature than a single one) — adelie's group elastic net and skglm's
``GroupLasso`` (ρ = 1) in this package's 1/(2n) scaling. ``standardize=True`` penalises
``σ_j w_j`` inside the norms (the columns scaled to unit standard deviation, the
coefficients returned on the data's scale).

Block coordinate descent, each group minimised exactly
(:func:`shrinkage._kernels.group_cd.group_epoch_dense`), on working sets of groups (the
non-zero ones and the largest KKT violators) between certificates of
:mod:`shrinkage.certificates.groups`: groups the gap-safe test proves zero leave the
candidates, and Anderson extrapolation of the last epochs is tried every few epochs
(:mod:`.extrapolation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._kernels.group_cd import group_correlations, group_epoch_dense, subtract_groups
from .._validation import check_max_iter, check_positive_alpha, check_tol
from .._validation.data import check_matrix, check_sample_weight, check_target
from ..certificates import certified
from ..certificates.group_norm import gap_safe_blocks, group_norm_certificate
from ..certificates.groups import certify_groups
from ..design import make_design
from ..groups import Groups, check_groups, dense_for_groups
from ._result import SolverResult
from .extrapolation import anderson_combination

__all__ = ["GroupData", "check_group_weights", "group_alpha_max", "group_residual",
           "prepare_groups", "solve_group_lasso", "solve_groups_prepared"]  # fmt: skip

# epochs between two certificates of a working set (one costs about half an epoch);
# Anderson uses these epochs
CHECK_EVERY = 5
# the first working set (groups), doubled at each outer iteration and at least twice the
# non-zero groups; a sub-problem is solved to this fraction of the full gap
FIRST_WORKING_SET = 10
INNER_FRACTION = 0.3


@dataclass(frozen=True)
class GroupData:
    """A validated group-lasso problem on its effective design.

    Attributes
    ----------
    X : ndarray (Fortran, float64)
        Centred, row-scaled and (``standardize``) column-scaled design.
    y : ndarray
        The effective target.
    design : Design
        The design before column scaling (means, for the intercept).
    scale : ndarray or None
        σ_j (``standardize=True``).
    groups : Groups
    eigvals, eigvecs, eig_start : ndarray
        Each group's ``X_gᵀX_g/n = V diag(d) Vᵀ`` (:func:`_eigen`), for the exact
        block solves of :mod:`shrinkage._kernels.group_cd`.
    """

    X: np.ndarray
    y: np.ndarray
    design: object
    scale: np.ndarray | None
    groups: Groups
    eigvals: np.ndarray
    eigvecs: np.ndarray
    eig_start: np.ndarray

    @property
    def block_norms(self) -> np.ndarray:
        """``‖X_g‖₂`` of each group (for the gap-safe test)."""
        top = np.maximum.reduceat(self.eigvals, self.groups.start[:-1])
        return np.sqrt(top * self.X.shape[0])

    def coefficients(self, w):
        """``(coef, intercept)`` on the data's scale from the solver's w."""
        coef = w if self.scale is None else w / self.scale
        return coef, self.design.intercept(coef)


def prepare_groups(X, y, groups, sample_weight=None, fit_intercept=True, standardize=False):
    """Validate and lay out a group-lasso problem once (:class:`GroupData`); a sparse X
    as its dense copy (:func:`shrinkage.groups.dense_for_groups`).

    Examples
    --------
    >>> data = prepare_groups(np.eye(4), np.arange(4.0), [0, 0, 1, 1])
    >>> data.groups.sizes.tolist(), data.block_norms.round(3).tolist()
    ([2, 2], [1.0, 1.0])
    """
    X = check_matrix(dense_for_groups(X))
    y = check_target(y, X.shape[0])
    weights = check_sample_weight(sample_weight, X.shape[0])
    partition = check_groups(groups, X.shape[1])
    design = make_design(X, y, weights, fit_intercept, dtype=np.float64)
    Xd = np.asfortranarray(design.X, dtype=np.float64)
    scale = None
    if standardize:
        scale = design.column_std()
        if np.any(scale == 0):
            raise ValueError(
                f"standardize=True: columns {np.flatnonzero(scale == 0)[:10].tolist()} are "
                "constant (standard deviation 0); drop them or use standardize=False."
            )
        Xd = Xd / scale
    eigvals, eigvecs, eig_start = _eigen(Xd, partition)
    return GroupData(Xd, np.asarray(design.y, dtype=np.float64), design, scale, partition,
                     eigvals, eigvecs, eig_start)  # fmt: skip


def _eigen(X, groups):
    """Each group's ``X_gᵀX_g/n = V diag(d) Vᵀ``: the eigenvalues (flat, group by group)
    and the eigenvectors (flat, row-major p_g × p_g each) with the offsets of each."""
    n = X.shape[0]
    values, vectors = [], []
    for first, stop in zip(groups.start[:-1], groups.start[1:], strict=True):
        columns = X[:, groups.members[first:stop]]
        d, V = np.linalg.eigh(columns.T @ columns / n)
        values.append(np.maximum(d, 0.0))
        vectors.append(V.ravel())
    offsets = np.concatenate([[0], np.cumsum(groups.sizes**2)]).astype(np.int64)
    return np.concatenate(values), np.concatenate(vectors), offsets


def check_group_weights(groups, weights=None):
    """ω_g: ``√p_g`` by default, or the given one per group (finite, > 0)."""
    if weights is None:
        return np.sqrt(groups.sizes.astype(np.float64))
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (groups.n_groups,):
        raise ValueError(
            f"group_weights has shape {weights.shape}; expected one per group "
            f"({groups.n_groups},)."
        )
    if not np.all(np.isfinite(weights) & (weights > 0)):
        raise ValueError("group_weights must be finite and > 0.")
    return weights


def group_alpha_max(data, omega, l1_ratio=1.0) -> float:
    """The smallest α with w = 0 optimal: ``max_g ‖X_gᵀy‖/(n ρ ω_g)`` (for ρ = 0 that
    of ρ = 10⁻³, the grid's convention)."""
    n = data.X.shape[0]
    correlation = (data.X.T @ data.y)[data.groups.members] / n
    norms = np.sqrt(np.add.reduceat(correlation**2, data.groups.start[:-1]))
    return float(np.max(norms / (max(l1_ratio, 1e-3) * omega)))


def solve_groups_prepared(data, a, b, *, tol, max_epochs, coef_init=None,
                          working_sets=True):  # fmt: skip
    """Solve on prepared data with the per-group weights ``(a, b)`` from ``coef_init``
    (solver scale); returns a :class:`~shrinkage.solvers.SolverResult` on that scale
    (``intercept`` 0, ``n_screened`` the groups proven zero).

    ``working_sets=False`` sweeps every group the gap-safe test keeps, a full
    certificate on the recomputed residual every :data:`CHECK_EVERY` epochs: for a
    caller whose problem is already a working set (the Newton models of
    :mod:`.group_glm`), solved in a few such rounds.

    Working sets of groups, as :func:`shrinkage.solvers.multitask.
    solve_multitask_prepared` has of rows: each outer iteration certifies w on every
    group, drops the groups the gap-safe test proves zero and solves the sub-problem of
    the non-zero groups and the largest KKT violators (at least
    :data:`FIRST_WORKING_SET`, doubling) to :data:`INNER_FRACTION` of the full gap. A
    certificate that passes on the residual the epochs keep is taken again on
    ``y − Xw`` recomputed from the non-zero groups.
    """
    X, y, groups = data.X, data.y, data.groups
    n, p = X.shape
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    r, exact = group_residual(data, w), True
    block_norms = data.block_norms
    epochs, screened, ws_size = 0, 0, FIRST_WORKING_SET
    while True:
        certificate, dual_norms = certify_groups(X, y, w, groups, a, b, r)
        if not exact and (certified(certificate.relative_gap, tol) or epochs >= max_epochs):
            r, exact = group_residual(data, w), True  # certify the exact residual
            certificate, dual_norms = certify_groups(X, y, w, groups, a, b, r)
        nonzero = groups.norms(w) > 0
        safe = gap_safe_blocks(dual_norms, block_norms, certificate.dual_gap, n, a) & ~nonzero
        screened = int(np.count_nonzero(safe))
        if (epochs > 0 and certified(certificate.relative_gap, tol)) or epochs >= max_epochs:
            break
        score = np.where(nonzero, np.inf, certificate.kkt_residual)
        score[safe] = -np.inf
        size = min(groups.n_groups - screened,
                   max(ws_size, 2 * int(np.count_nonzero(nonzero))))  # fmt: skip
        target = INNER_FRACTION * certificate.dual_gap
        if not working_sets:  # every group kept, one round of epochs per certificate
            size, target = groups.n_groups - screened, np.inf
        chosen = np.sort(np.argpartition(-score, size - 1)[:size]).astype(np.int64)
        ws_size = min(groups.n_groups, 2 * size)
        epochs = _solve_working_set(data, w, r, a, b, chosen, epochs, max_epochs, target)
        exact = False
        if not working_sets:  # rounds too short to certify twice: the exact residual
            r, exact = group_residual(data, w), True
    converged = certified(certificate.relative_gap, tol)
    return SolverResult(w, 0.0, certificate, epochs, converged, tol, "group_bcd",
                        n_screened=screened)  # fmt: skip


def group_residual(data, w):
    """``y − Xw`` from the non-zero groups alone."""
    groups = data.groups
    r = np.array(data.y, dtype=np.float64)
    nonzero = np.flatnonzero(groups.norms(w) > 0).astype(np.int64)
    subtract_groups(data.X, r, groups.members, groups.start, nonzero, w)
    return r


def _solve_working_set(data, w, r, a, b, chosen, epochs, max_epochs, target):
    """Epochs on the groups ``chosen`` (the others fixed), Anderson extrapolation every
    :data:`CHECK_EVERY` epochs, until the sub-problem's gap is below ``target`` (one
    round when it is infinite); w and r in place; returns the epoch count."""
    X, groups = data.X, data.groups
    columns = groups.members[np.concatenate(
        [np.arange(groups.start[g], groups.start[g + 1]) for g in chosen] + [np.empty(0, int)]
    )]  # fmt: skip
    change = 0.0
    while epochs < max_epochs:
        iterates = [w[columns]]
        for _ in range(min(CHECK_EVERY, max_epochs - epochs)):
            change = group_epoch_dense(X, w, r, groups.members, groups.start, data.eigvals,
                                       data.eigvecs, data.eig_start, a, b, chosen)  # fmt: skip
            epochs += 1
            iterates.append(w[columns])
            if change == 0.0:
                break
        if len(iterates) == CHECK_EVERY + 1:
            _extrapolate(iterates, data, columns, chosen, w, r, a, b)
        if change == 0.0 or target == np.inf:
            break
        if _restricted_gap(data, w, r, a, b, chosen) <= target:
            break
    return epochs


def _restricted_gap(data, w, r, a, b, chosen):
    """The duality gap of the sub-problem on the groups ``chosen``: its target is
    ``r + X_W w_W``, so ``⟨r, y_W⟩ = ‖r‖² + Σ_g ⟨X_gᵀr, w_g⟩``."""
    X, groups = data.X, data.groups
    n = X.shape[0]
    correlation_norms = np.empty(chosen.shape[0])
    inner = group_correlations(X, r, w, groups.members, groups.start, chosen,
                               correlation_norms)  # fmt: skip
    rr = float(r @ r)
    r_dot_y = rr + n * inner
    certificate, _ = group_norm_certificate(
        rr, r_dot_y, max(r_dot_y, rr), n, correlation_norms, groups.norms(w)[chosen],
        a[chosen], b[chosen], np.zeros(chosen.shape[0]),
    )  # fmt: skip
    return certificate.dual_gap


def _extrapolate(iterates, data, columns, chosen, w, r, a, b):
    """The Anderson point of the last epochs, kept (w and r in place) if it lowers the
    objective."""
    candidate = anderson_combination(iterates)
    if candidate is None:
        return
    groups = data.groups
    step = np.zeros_like(w)
    step[columns] = candidate - iterates[-1]
    residual = r.copy()
    subtract_groups(data.X, residual, groups.members, groups.start, chosen, step)
    n = data.X.shape[0]

    def objective(v, residual):
        norms = groups.norms(v)
        return float(residual @ residual) / (2 * n) + float(a @ norms + 0.5 * b @ norms**2)

    trial = w.copy()
    trial[columns] = candidate
    if objective(trial, residual) < objective(w, r):
        w[:] = trial
        r[:] = residual


def solve_group_lasso(
    X, y, alpha, groups, *, l1_ratio=1.0, group_weights=None, fit_intercept=True,
    sample_weight=None, standardize=False, tol=1e-4, max_iter=20_000, coef_init=None,
) -> SolverResult:  # fmt: skip
    """The group elastic net (module docstring) at one α, certified.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Dense.
    y : array-like of shape (n_samples,)
    alpha : float
    groups : array-like of shape (n_features,) or list of index lists
        One label per feature, or the features of each group (:mod:`shrinkage.groups`).
    l1_ratio : float in [0, 1]
        ρ; 1 is the group lasso.
    group_weights : array-like of shape (n_groups,), optional
        ω_g (default ``√p_g``), in the order of the sorted labels or of the lists.
    fit_intercept, sample_weight, standardize, tol
        As in :func:`shrinkage.solve`.
    max_iter : int
        Epochs over the groups.
    coef_init : array-like of shape (n_features,), optional

    Returns
    -------
    SolverResult
        ``coef`` on the data's scale, the intercept, the certificate with each group's
        KKT residual, and ``n_screened``: groups proven zero by the gap-safe test.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 6))
    >>> y = X[:, :2] @ [1.0, -1.0] + 0.1 * rng.standard_normal(100)
    >>> fit = solve_group_lasso(X, y, 0.1, [0, 0, 1, 1, 2, 2], tol=1e-8)
    >>> np.flatnonzero(fit.coef).tolist(), bool(fit.converged)
    ([0, 1], True)
    """
    alpha = check_positive_alpha(alpha, "group-lasso")
    tol = check_tol(tol, np.float64)
    max_iter = check_max_iter(max_iter)
    if not 0.0 <= float(l1_ratio) <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    data = prepare_groups(X, y, groups, sample_weight, fit_intercept, standardize)
    omega = check_group_weights(data.groups, group_weights)
    a, b = alpha * l1_ratio * omega, alpha * (1.0 - l1_ratio) * omega
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).ravel()
        if coef_init.shape != (data.X.shape[1],):
            raise ValueError(f"coef_init has shape {coef_init.shape}, expected "
                             f"({data.X.shape[1]},).")  # fmt: skip
        if data.scale is not None:
            coef_init = coef_init * data.scale
    result = solve_groups_prepared(data, a, b, tol=tol, max_epochs=max_iter,
                                   coef_init=coef_init)  # fmt: skip
    coef, intercept = data.coefficients(result.coef)
    return SolverResult(coef, intercept if fit_intercept else 0.0, result.certificate,
                        result.n_iter, result.converged, tol, "group_bcd",
                        n_screened=result.n_screened)  # fmt: skip
