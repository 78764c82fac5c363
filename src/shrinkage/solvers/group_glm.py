r"""The group lasso and group elastic net of the logistic and Poisson losses, certified.

Minimises, for groups g of features (:mod:`shrinkage.groups`),

    F(Xw + b + o) + α Σ_g ω_g (ρ‖w_g‖₂ + ½(1 − ρ)‖w_g‖₂²),

F the mean log-loss or half the mean Poisson deviance (:mod:`shrinkage.losses`),
``ω_g = √p_g`` by default: adelie's group elastic net of the binomial and Poisson
families, and skglm's ``GroupLasso`` with a logistic or Poisson datafit, in this package's
1/n scaling. ``standardize=True`` penalises ``σ_j w_j`` inside the norms.

Proximal Newton: at each step the loss is replaced by its quadratic model at z, which is
the weighted least-squares problem of the working response
``u = Xw + b + (y − μ(z))/μ'(z)`` with weights ``s μ'(z)``; that group elastic net is
solved by the exact block coordinate descent of :mod:`shrinkage.solvers.group_lasso`
(certified to a tenth of the current gap), and the step is kept by a backtracking line
search on the true objective. Every point carries the gap of
:mod:`shrinkage.certificates.glm_groups`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_max_iter, check_positive_alpha, check_tol
from ..certificates import certified
from ..certificates.glm_groups import certify_group_glm
from ..groups import Groups, check_groups, dense_for_groups
from ..losses import LogisticLoss, Loss, PoissonLoss
from ._result import SolverResult
from .group_lasso import check_group_weights, prepare_groups, solve_groups_prepared
from .line_search import armijo_step
from .logistic_data import prepare_glm

__all__ = ["GroupGLMData", "group_glm_alpha_max", "prepare_group_glm", "safe_groups",
           "solve_group_glm", "solve_group_glm_prepared"]  # fmt: skip

#: the losses of this module, by name
LOSSES = {"logistic": LogisticLoss(), "poisson": PoissonLoss()}

#: the share of the current gap the quadratic model's own gap may keep
INNER_SHARE = 0.1
#: epochs of block coordinate descent one model may take
INNER_EPOCHS = 10_000


@dataclass(frozen=True)
class GroupGLMData:
    """A validated group-penalised GLM problem, prepared once for every α.

    Attributes
    ----------
    X : ndarray (Fortran, float64)
        The design, columns divided by ``scale`` when standardised.
    y, s : ndarray
        Targets and weights (summing to n).
    loss : Loss
    groups : Groups
    scale : ndarray or None
        σ_j of ``standardize=True``.
    fit_intercept : bool
    primal_at_zero : float
    offset : ndarray or None
    block_norms : ndarray of shape (n_groups,)
        ``‖X_g‖_F`` of each group, a bound on its spectral norm (the gap-safe test).
    """

    X: np.ndarray
    y: np.ndarray
    s: np.ndarray
    loss: Loss
    groups: Groups
    scale: np.ndarray | None
    fit_intercept: bool
    primal_at_zero: float
    offset: np.ndarray | None = None
    block_norms: np.ndarray | None = None

    def predictor(self, w, intercept):
        """``z = Xw + b + o``."""
        z = self.X @ w + intercept
        return z if self.offset is None else z + self.offset

    def coefficients(self, w):
        """The coefficients on the data's scale."""
        return w if self.scale is None else w / self.scale


def prepare_group_glm(loss, X, y, groups, sample_weight=None, standardize=False,
                      fit_intercept=True, offset=None) -> GroupGLMData:  # fmt: skip
    """Validate a problem (:func:`~shrinkage.solvers.logistic_data.prepare_glm`: targets,
    weights, offset, scales) and its groups; a sparse X as its dense copy
    (:func:`shrinkage.groups.dense_for_groups`).

    Examples
    --------
    >>> from shrinkage.losses import PoissonLoss
    >>> data = prepare_group_glm(PoissonLoss(), np.eye(4), [1.0, 0.0, 2.0, 1.0], [0, 0, 1, 1])
    >>> data.groups.sizes.tolist(), data.X.flags.f_contiguous
    ([2, 2], True)
    """
    base = prepare_glm(loss, dense_for_groups(X), y, sample_weight, standardize, fit_intercept,
                       offset)  # fmt: skip
    partition = check_groups(groups, base.X.shape[1])
    X = np.asfortranarray(base.X, dtype=np.float64)
    if base.scale is not None:
        X = X / base.scale
    squares = np.einsum("ij,ij->j", X, X)[partition.members]
    block_norms = np.sqrt(np.add.reduceat(squares, partition.start[:-1]))
    return GroupGLMData(X, base.y, base.s, loss, partition, base.scale, base.fit_intercept,
                        base.primal_at_zero, base.offset, block_norms)  # fmt: skip


def group_glm_alpha_max(data, omega, l1_ratio=1.0) -> float:
    """The smallest α with w = 0 optimal: ``max_g ‖X_gᵀθ₀‖/(ρ ω_g)``, θ₀ the dual point of
    the null model (for ρ = 0 that of ρ = 10⁻³, the grid's convention)."""
    y, s = data.y, data.s
    intercept = data.loss.null_prediction(y, s, data.fit_intercept, data.offset)
    z = data.predictor(np.zeros(data.X.shape[1]), intercept)
    theta = data.loss.dual_point(data.loss.residual(y, z), s)
    correlation = (data.X.T @ theta)[data.groups.members]
    norms = np.sqrt(np.add.reduceat(correlation**2, data.groups.start[:-1]))
    return float(np.max(norms / (max(l1_ratio, 1e-3) * omega)))


def solve_group_glm_prepared(data, a, b, *, tol, max_iter, coef_init=None,
                             intercept_init=None) -> SolverResult:  # fmt: skip
    """Solve at the group weights ``a_g = αρω_g``, ``b_g = α(1 − ρ)ω_g`` from a warm start
    (solver scale: the columns of ``data.X``).

    Returns
    -------
    SolverResult
        On the solver's scale (:meth:`GroupGLMData.coefficients` gives the data's);
        ``n_iter`` the proximal-Newton steps.

    Examples
    --------
    >>> from shrinkage.losses import LogisticLoss
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 6))
    >>> y = (X[:, :2] @ [2.0, -2.0] + rng.standard_normal(200) > 0).astype(float)
    >>> data = prepare_group_glm(LogisticLoss(), X, y, [0, 0, 1, 1, 2, 2])
    >>> omega = np.sqrt(data.groups.sizes)
    >>> fit = solve_group_glm_prepared(data, 0.05 * omega, 0.0 * omega, tol=1e-8,
    ...                                max_iter=100)
    >>> np.flatnonzero(fit.coef).tolist(), bool(fit.converged)
    ([0, 1], True)
    """
    X, y, s, loss, groups = data.X, data.y, data.s, data.loss, data.groups
    n, p = X.shape
    w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
    intercept = loss.null_prediction(y, s, data.fit_intercept, data.offset)
    if data.fit_intercept and intercept_init is not None:
        intercept = float(intercept_init)
    history, steps, sharper = [], 0, 1.0
    while True:
        z = data.predictor(w, intercept)
        cert, dual_norms = certify_group_glm(
            X, y, s, z, w, groups, a, b, fit_intercept=data.fit_intercept, loss=loss,
            primal_at_zero=data.primal_at_zero, offset=data.offset,
        )  # fmt: skip
        history.append(cert.relative_gap)
        if certified(cert.relative_gap, tol) or steps >= max_iter or sharper < 1e-12:
            break
        steps += 1
        candidate, moved = _model_step(data, z, w, a, b, cert.kkt_residual,
                                       sharper * INNER_SHARE * cert.dual_gap)  # fmt: skip
        t = _line_search(data, z, w, intercept, candidate, moved, a, b)
        if t is None:
            sharper *= 1e-3  # the model was not solved far enough to descend: sharper
            continue
        w = w + t * (candidate - w)
        intercept = intercept + t * (moved - intercept)
    screened = safe_groups(data, dual_norms, cert.dual_gap, a)
    return SolverResult(w, intercept if data.fit_intercept else 0.0, cert, steps,
                        certified(cert.relative_gap, tol), tol, "group_newton",
                        np.asarray(history), int(np.count_nonzero(screened)))  # fmt: skip


def safe_groups(data, dual_norms, gap, l1_weight):
    """The groups the gap-safe sphere proves zero at the optimum: ``‖X_gᵀθ‖ + r‖X_g‖ <
    a_g`` with r the loss's :meth:`~shrinkage.losses.Loss.dual_radius` of the gap (none
    for the Poisson loss, whose dual is not strongly concave: r = ∞). The sphere
    contains every dual optimum, so the test holds at any α's certified point."""
    radius = data.loss.dual_radius(gap, data.s)
    if not np.isfinite(radius):
        return np.zeros(dual_norms.shape[0], dtype=bool)
    return dual_norms + radius * data.block_norms < l1_weight


def _model_step(data, z, w, a, b, kkt, target_gap):
    """The minimiser (w', b') of the quadratic model at z plus the penalty, its gap at
    most ``target_gap`` (in the true objective's units), on the working set of groups:
    the non-zero ones and those whose KKT residual is positive (the others stay at 0;
    the next certificate brings back any that should not)."""
    n = data.X.shape[0]
    groups = data.groups
    _, gradient, curvature = data.loss.derivatives(data.y, z, data.s)
    h = n * curvature
    offset = 0.0 if data.offset is None else data.offset
    working = z - offset - n * gradient / h
    chosen = np.flatnonzero((groups.norms(w) > 0) | (kkt > 0))
    columns = np.concatenate([groups.members[groups.start[g]:groups.start[g + 1]]
                              for g in chosen])  # fmt: skip
    sizes = np.diff(groups.start)[chosen]
    subgroups = Groups(np.arange(columns.size, dtype=np.int64),
                       np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
                       groups.labels[chosen])  # fmt: skip
    model = prepare_groups(data.X[:, columns], working, subgroups, h, data.fit_intercept)
    # the model is Σh/n times the weighted least squares of prepare_groups (weights
    # normalised to sum to n): its penalty and its gap scale by n/Σh
    ratio = n / float(h.sum())
    scale = float(model.y @ model.y) / (2 * n)
    tol = max(target_gap * ratio / scale, 1e-15) if scale > 0 else 1e-15
    result = solve_groups_prepared(model, a[chosen] * ratio, b[chosen] * ratio,
                                   tol=min(tol, 0.1), max_epochs=INNER_EPOCHS,
                                   coef_init=w[columns], working_sets=False)  # fmt: skip
    candidate = w.copy()
    candidate[columns] = result.coef
    moved = model.design.intercept(result.coef) if data.fit_intercept else 0.0
    return candidate, moved


def _line_search(data, z, w, intercept, candidate, moved, a, b):
    """The first halving t of the step with Armijo's decrease of the true objective, or
    None (no descent the objective can resolve)."""
    y, s, loss, groups = data.y, data.s, data.loss, data.groups
    direction, shift = candidate - w, moved - intercept
    if not np.any(direction) and shift == 0.0:
        return None
    change = data.X @ direction + shift

    def penalty(v):
        norms = groups.norms(v)
        return float(a @ norms + 0.5 * b @ norms**2)

    base = penalty(w)
    slope = float(loss.gradient(y, z, s) @ change) + penalty(candidate) - base

    def objective_change(t):
        return loss.loss_change(y, z, t * change, s) + penalty(w + t * direction) - base

    return armijo_step(objective_change, slope,
                       1e-15 * (abs(data.primal_at_zero) + abs(base)))  # fmt: skip


def solve_group_glm(X, y, alpha, groups, *, loss="logistic", l1_ratio=1.0, group_weights=None,
                    fit_intercept=True, sample_weight=None, standardize=False, tol=1e-4,
                    max_iter=100, coef_init=None, intercept_init=None,
                    offset=None) -> SolverResult:  # fmt: skip
    """The group lasso / group elastic net of the logistic or Poisson loss at one α,
    certified (module docstring).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Dense.
    y : array-like of shape (n_samples,)
        Labels 0/1 (``loss="logistic"``) or counts (``"poisson"``).
    alpha : float
        α > 0.
    groups : array-like of shape (n_features,) or list of index lists
        One label per feature, or the features of each group (:mod:`shrinkage.groups`).
    loss : {"logistic", "poisson"}
    l1_ratio : float in [0, 1]
        ρ; 1 is the group lasso.
    group_weights : array-like of shape (n_groups,), optional
        ω_g (default ``√p_g``), in the order of the sorted labels or of the lists.
    fit_intercept, sample_weight, standardize, tol
        As in :func:`~shrinkage.solvers.logistic.solve_logistic`.
    max_iter : int
        Proximal-Newton steps.
    coef_init : array-like of shape (n_features,), optional
        Warm start, on the data's scale.
    intercept_init : float, optional
    offset : array-like of shape (n_samples,), optional
        The fixed part o of ``z = Xw + b + o`` (a log exposure for Poisson).

    Returns
    -------
    SolverResult
        ``coef`` on the data's scale, the intercept and the certificate with each group's
        KKT residual; ``n_iter`` the Newton steps.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((300, 6))
    >>> y = rng.poisson(np.exp(0.5 * X[:, 2] - 0.5 * X[:, 3])).astype(float)
    >>> fit = solve_group_glm(X, y, 0.2, [0, 0, 1, 1, 2, 2], loss="poisson", tol=1e-8)
    >>> np.flatnonzero(fit.coef).tolist(), bool(fit.converged)
    ([2, 3], True)
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}.")
    alpha = check_positive_alpha(alpha, "group-lasso")
    tol, max_iter = check_tol(tol, np.float64), check_max_iter(max_iter)
    if not 0.0 <= float(l1_ratio) <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    data = prepare_group_glm(LOSSES[loss], X, y, groups, sample_weight, standardize,
                             fit_intercept, offset)  # fmt: skip
    omega = check_group_weights(data.groups, group_weights)
    if coef_init is not None:
        coef_init = np.asarray(coef_init, dtype=np.float64).ravel()
        p = data.X.shape[1]
        if coef_init.shape != (p,) or not np.all(np.isfinite(coef_init)):
            raise ValueError(f"coef_init must be {p} finite numbers, got shape "
                             f"{coef_init.shape}.")  # fmt: skip
        if data.scale is not None:
            coef_init = coef_init * data.scale
    result = solve_group_glm_prepared(
        data, alpha * l1_ratio * omega, alpha * (1.0 - l1_ratio) * omega, tol=tol,
        max_iter=max_iter, coef_init=coef_init, intercept_init=intercept_init,
    )  # fmt: skip
    return SolverResult(data.coefficients(result.coef), result.intercept, result.certificate,
                        result.n_iter, result.converged, tol, result.solver,
                        result.history, result.n_screened)  # fmt: skip
