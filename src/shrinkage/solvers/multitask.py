r"""The multi-task elastic net: one sparsity pattern shared by T regressions, certified.

Minimises, over W (p × T) and the intercepts b (T),

    1/(2n) Σ_i s_i ‖y_i − Wᵀx_i − b‖² + α Σ_j f_j σ_j (ρ‖W_j‖₂ + ½(1 − ρ) σ_j ‖W_j‖₂²),

the objective of scikit-learn's ``MultiTaskElasticNet`` and of glmnet's
``family="mgaussian"`` (σ_j = 1 unless ``standardize``; glmnet's λ is our α). The row
norm ``‖W_j‖₂`` couples the tasks: feature j is in every task's model or in none. An
offset O (n × T, a fixed part of the predictions ``XW + 1bᵀ + O``) is the fit of
``Y − O``, exactly.

Solved by block coordinate descent over the rows
(:func:`shrinkage._kernels.multitask.bcd_epoch_dense`) on working sets, with the duality
gap of :mod:`shrinkage.certificates.multitask` on every row between them: the rows the
gap-safe test proves zero leave the working sets (dynamic screening, Ndiaye et al.
2015), and the solve stops at ``gap ≤ tol · P(0)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._kernels.multitask import bcd_epoch_dense, row_correlations, subtract_rows
from .._validation import check_max_iter, check_positive_alpha, check_tol
from .._validation.data import check_matrix, check_matrix_offset, check_sample_weight
from ..certificates import certified
from ..certificates.group_norm import group_norm_certificate
from ..certificates.multitask import certify_multitask, gap_safe_rows
from ..losses import normalise_sample_weight
from ..penalties import L1, Penalty
from ._result import SolverResult
from .extrapolation import anderson_combination

__all__ = [
    "MultiTaskData", "multitask_alpha_max", "multitask_residual", "prepare_multitask",
    "solve_multitask", "solve_multitask_prepared",
]  # fmt: skip

# epochs between two certificates of a working set (one costs about one epoch: X_Wᵀ R)
CHECK_EVERY = 5
# the first working set's size, doubled at each outer iteration (and at least twice the
# non-zero rows); a sub-problem is solved to this fraction of the full gap
FIRST_WORKING_SET = 10
INNER_FRACTION = 0.3


@dataclass(frozen=True)
class MultiTaskData:
    """A validated multi-task problem on its effective design.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), Fortran-ordered float64
        Centred (with an intercept) and scaled by ``√s`` (with weights).
    Y : ndarray of shape (n_samples, n_tasks), C-ordered float64
        The targets, centred and scaled alike.
    x_mean, y_mean : ndarray
        Weighted means of the original columns and targets (zeros without intercept).
    scale : ndarray or None
        σ_j of each column (``standardize=True``), else None.
    column_norms : ndarray of shape (n_features,)
        ``‖X_j‖`` of the effective columns.
    fit_intercept : bool
    """

    X: np.ndarray
    Y: np.ndarray
    x_mean: np.ndarray
    y_mean: np.ndarray
    scale: np.ndarray | None
    column_norms: np.ndarray
    fit_intercept: bool

    @property
    def primal_at_zero(self) -> float:
        """P(0) = ‖Y‖²/(2n), the scale of the relative gap."""
        return float(np.vdot(self.Y, self.Y)) / (2 * self.X.shape[0])

    def intercept(self, W):
        """The intercepts ``ȳ − Wᵀx̄`` of each task (zeros without intercept)."""
        return self.y_mean - W.T @ self.x_mean


def check_targets(Y, n_samples):
    """Y as a finite float64 (n_samples × T) array, T ≥ 1: a 1-D y is one task."""
    Y = np.asarray(Y)
    if Y.ndim == 1:
        Y = Y[:, None]
    if Y.ndim != 2:
        raise ValueError(f"Y must be a 2-D array (n_samples, n_tasks), got shape {Y.shape}.")
    if Y.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} samples but Y has {Y.shape[0]}.")
    if Y.shape[1] < 1:
        raise ValueError("Y has no task (0 columns).")
    if Y.dtype.kind not in "biuf":
        try:
            Y = Y.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"Y must be numeric, got dtype {Y.dtype}: {exc}") from exc
    Y = np.asarray(Y, dtype=np.float64)
    if not np.all(np.isfinite(Y)):
        raise ValueError(f"Y contains {int(np.sum(~np.isfinite(Y)))} NaN or infinite value(s).")
    return Y


def prepare_multitask(X, Y, sample_weight=None, fit_intercept=True, standardize=False,
                      offset=None):  # fmt: skip
    """Validate and lay out a multi-task problem once (:class:`MultiTaskData`).

    X must be dense (a sparse X is refused with a clear error: the row updates of
    every task read each column n times T); it is copied once, centred and row-scaled.
    An offset O, (n, T) or (n,) for every task, is taken off the targets: the problem
    of ``Y − O``.

    Examples
    --------
    >>> data = prepare_multitask(np.eye(3), np.arange(6.0).reshape(3, 2))
    >>> data.X.shape, data.Y.shape, data.y_mean.tolist()
    ((3, 3), (3, 2), [2.0, 3.0])
    >>> prepare_multitask(np.eye(3), np.arange(6.0).reshape(3, 2), offset=[1.0, 1.0, 4.0]).y_mean
    array([0., 1.])
    """
    if sp.issparse(X):
        raise TypeError(
            "multi-task fits take dense X; convert a sparse matrix with X.toarray() "
            "(scikit-learn's MultiTaskLasso does not take sparse X either)."
        )
    X = check_matrix(X)
    n, p = X.shape
    Y = check_targets(Y, n)
    offset = check_matrix_offset(offset, n, Y.shape[1], "task", vector=True)
    if offset is not None:
        Y = Y - offset  # the squared loss of Y − O: exact
    weights = check_sample_weight(sample_weight, n)
    s = None if weights is None else normalise_sample_weight(weights, n)
    Xd = np.array(X, dtype=np.float64, order="F", copy=True)
    Yd = np.array(Y, dtype=np.float64, order="C", copy=True)
    if fit_intercept:
        w = np.ones(n) if s is None else s
        x_mean, y_mean = Xd.T @ w / n, Yd.T @ w / n
        Xd -= x_mean
        Yd -= y_mean
    else:
        x_mean, y_mean = np.zeros(p), np.zeros(Y.shape[1])
    if s is not None:
        root = np.sqrt(s)
        Xd *= root[:, None]
        Yd *= root[:, None]
    column_norms = np.sqrt(np.einsum("ij,ij->j", Xd, Xd))
    scale = None
    if standardize:
        scale = column_norms / np.sqrt(n)
        if np.any(scale == 0):
            constant = np.flatnonzero(scale == 0)[:10].tolist()
            raise ValueError(
                f"standardize=True: columns {constant} are constant (standard deviation 0); "
                "drop them or use standardize=False."
            )
    return MultiTaskData(Xd, Yd, x_mean, y_mean, scale, column_norms, fit_intercept)


def _weights(data, alpha, penalty):
    """``(a, b)`` of α for the data, with the checks every multi-task fit needs."""
    if penalty.positive or penalty.boxed:
        raise ValueError("multi-task fits have no positivity or box constraint "
                         "(positive=True, lower, upper).")  # fmt: skip
    p = data.X.shape[1]
    a, b = penalty.weights(alpha, p, data.scale)
    if np.any((a == 0) & (b == 0)):
        free = np.flatnonzero((a == 0) & (b == 0))[:10].tolist()
        raise ValueError(
            f"multi-task fits need every feature penalised; penalty_factor is 0 at {free}."
        )
    return a, b


def multitask_alpha_max(data, penalty) -> float:
    """The smallest α with W = 0 optimal: ``max_j ‖X_jᵀY‖/(n ρ f_j σ_j)``
    (:meth:`~shrinkage.penalties.Penalty.alpha_max` of the row norms; ``inf`` for ridge).

    Examples
    --------
    >>> data = prepare_multitask(np.eye(2), np.array([[1.0, 0.0], [0.0, 2.0]]),
    ...                          fit_intercept=False)
    >>> multitask_alpha_max(data, L1())
    1.0
    """
    norms = np.linalg.norm(data.X.T @ data.Y, axis=1) / data.X.shape[0]
    return penalty.alpha_max(norms, data.scale)


def solve_multitask_prepared(data, a, b, *, tol, max_epochs, coef_init=None):
    """Solve on prepared data with weights ``(a, b)``; W starts at ``coef_init`` (zero).

    Working sets (celer's scheme, Massias, Gramfort & Salmon 2018): each outer iteration
    certifies W on every row, drops the rows the gap-safe test proves zero, and solves the
    sub-problem of the non-zero rows and the largest KKT violators (at least
    :data:`FIRST_WORKING_SET`, doubling) until its own gap is below
    :data:`INNER_FRACTION` of the full one. ``max_epochs`` counts the epochs of the
    sub-problems. Between working sets the residual is the one the epochs keep up to
    date; a certificate that passes on it is taken again on ``Y − XW`` recomputed from
    the non-zero rows, so that the rounding of the running updates never certifies.
    The epochs read the working set's columns in place.
    """
    X, Y = data.X, data.Y
    n, p = X.shape
    W = np.zeros((p, Y.shape[1])) if coef_init is None else np.array(coef_init, order="C")
    lipschitz = data.column_norms**2 / n
    epochs, screened, ws_size = 0, 0, FIRST_WORKING_SET
    R, exact = multitask_residual(X, Y, W), True
    while True:
        nonzero = np.any(W != 0, axis=1)
        certificate, dual_norms = certify_multitask(X, Y, W, a, b, R)
        if not exact and (certified(certificate.relative_gap, tol) or epochs >= max_epochs):
            R, exact = multitask_residual(X, Y, W), True  # certify the exact residual
            certificate, dual_norms = certify_multitask(X, Y, W, a, b, R)
        safe = gap_safe_rows(dual_norms, data.column_norms, certificate.dual_gap, n, a)
        safe &= ~nonzero
        screened = int(np.count_nonzero(safe))
        if (epochs > 0 and certified(certificate.relative_gap, tol)) or epochs >= max_epochs:
            break
        score = np.where(nonzero | (a == 0), np.inf, certificate.kkt_residual)
        score[safe] = -np.inf
        candidates = p - screened
        size = min(candidates, max(ws_size, 2 * int(np.count_nonzero(nonzero))))
        features = np.sort(np.argpartition(-score, size - 1)[:size]).astype(np.int64)
        ws_size = min(p, 2 * size)
        epochs = _solve_working_set(X, W, R, lipschitz, a, b, features, epochs, max_epochs,
                                    INNER_FRACTION * certificate.dual_gap)  # fmt: skip
        exact = False
    converged = certified(certificate.relative_gap, tol)
    return SolverResult(W, data.intercept(W), certificate, epochs, converged, tol, "block_cd",
                        n_screened=screened)  # fmt: skip


def multitask_residual(X, Y, W):
    """``Y − XW`` (Fortran-ordered) from the non-zero rows of W alone."""
    R = np.array(Y, order="F")
    rows = np.flatnonzero(np.any(W != 0, axis=1)).astype(np.int64)
    subtract_rows(X, R, rows, W[rows])
    return R


def _solve_working_set(X, W, R, lipschitz, a, b, features, epochs, max_epochs, target):
    """Epochs on the rows ``features`` of W (the others fixed), with Anderson
    extrapolation every :data:`CHECK_EVERY` epochs, until the sub-problem's gap is below
    ``target``; W and R in place; returns the epoch count."""
    a_ws, b_ws = a[features], b[features]
    change = 0.0
    while epochs < max_epochs:
        iterates = [W[features]]
        for _ in range(min(CHECK_EVERY, max_epochs - epochs)):
            change = bcd_epoch_dense(X, W, R, lipschitz, a, b, features)
            epochs += 1
            iterates.append(W[features])
            if change == 0.0:
                break
        if len(iterates) == CHECK_EVERY + 1:
            _extrapolate(iterates, X, features, W, R, a_ws, b_ws)
        if change == 0.0 or _restricted_gap(X, R, W[features], features, a_ws, b_ws) <= target:
            break
    return epochs


def _restricted_gap(X, R, rows, features, a, b):
    """The duality gap of the sub-problem on the rows ``features`` (the others fixed):
    its targets are ``R + X_W W_W``, so ``⟨R, Y_W⟩ = ‖R‖² + n Σ_j ⟨X_jᵀR/n, W_j⟩`` comes
    from the correlations the gap needs anyway."""
    n = R.shape[0]
    correlations = np.empty(rows.shape)
    row_correlations(X, R, features, correlations)
    rr = float(np.vdot(R, R))
    r_dot_y = rr + n * float(np.vdot(correlations, rows))
    certificate, _ = group_norm_certificate(
        rr, r_dot_y, max(r_dot_y, rr), n, np.linalg.norm(correlations, axis=1),
        np.linalg.norm(rows, axis=1), a, b, np.zeros(rows.shape[0]),
    )  # fmt: skip
    return certificate.dual_gap


def _extrapolate(iterates, X, features, W, R, a, b):
    """The Anderson point of the last iterates (:func:`.extrapolation.
    anderson_combination`), taken (W's rows and R in place) only if it lowers the
    objective."""
    candidate = anderson_combination(iterates)
    if candidate is None:
        return
    rows = iterates[-1]
    residual = np.array(R, order="F")
    subtract_rows(X, residual, features, candidate - rows)
    n = R.shape[0]

    def objective(rows, residual):
        norms = np.linalg.norm(rows, axis=1)
        return float(np.vdot(residual, residual)) / (2 * n) + float(a @ norms + 0.5 * b @ norms**2)

    if objective(candidate, residual) < objective(rows, R):
        W[features] = candidate
        R[:] = residual


def solve_multitask(
    X, Y, alpha, penalty: Penalty | None = None, *, fit_intercept=True, sample_weight=None,
    standardize=False, tol=1e-4, max_iter=20_000, coef_init=None, offset=None,
) -> SolverResult:  # fmt: skip
    """Minimise the multi-task elastic net (module docstring) at one α and certify it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Dense.
    Y : array-like of shape (n_samples, n_tasks)
    alpha : float
    penalty : Penalty, default ``L1()``
        Its ρ (``l1_ratio``) and penalty factors (all > 0); no positivity.
    fit_intercept, sample_weight, standardize, tol
        As in :func:`shrinkage.solve`.
    max_iter : int
        Epochs (passes over the rows not screened).
    coef_init : array-like of shape (n_features, n_tasks), optional
    offset : array-like of shape (n_samples, n_tasks) or (n_samples,), optional
        A fixed part O of the predictions ``XW + 1bᵀ + O`` (glmnet's ``offset``; a
        vector is the same for every task): the fit of ``Y − O``, whose intercepts are
        those of the model with the offset.

    Returns
    -------
    SolverResult
        ``coef`` of shape (n_features, n_tasks), ``intercept`` (n_tasks,), the
        certificate with each row's KKT residual, ``n_iter`` epochs, and ``n_screened``
        the rows the gap-safe test proves zero at the returned point.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((100, 8))
    >>> W = np.zeros((8, 3)); W[:2] = rng.standard_normal((2, 3))
    >>> Y = X @ W + 0.1 * rng.standard_normal((100, 3))
    >>> fit = solve_multitask(X, Y, 0.1, tol=1e-8)
    >>> np.flatnonzero(np.linalg.norm(fit.coef, axis=1)).tolist(), bool(fit.converged)
    ([0, 1], True)
    """
    penalty = L1() if penalty is None else penalty
    alpha = check_positive_alpha(alpha, "multi-task")
    tol = check_tol(tol, np.float64)
    max_iter = check_max_iter(max_iter)
    data = prepare_multitask(X, Y, sample_weight, fit_intercept, standardize, offset)
    a, b = _weights(data, alpha, penalty)
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64)
        expected = (data.X.shape[1], data.Y.shape[1])
        if coef_init.shape != expected:
            raise ValueError(f"coef_init has shape {coef_init.shape}, expected {expected}.")
        if not np.all(np.isfinite(coef_init)):
            raise ValueError("coef_init contains NaN or infinity.")
    return solve_multitask_prepared(data, a, b, tol=tol, max_epochs=max_iter,
                                    coef_init=coef_init)  # fmt: skip
