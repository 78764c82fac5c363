r"""The multinomial group lasso with user-given groups of features, certified.

Minimises, for groups g of features (:mod:`shrinkage.groups`) and K classes,

    1/n Σ_i s_i [log Σ_k e^{Z_ik} − Y_iᵀZ_i] + α Σ_g ω_g (ρ‖W_g‖_F + ½(1 − ρ)‖W_g‖_F²),

``Z = XW + 1bᵀ + O``, W_g the |g| × K block of a group's coefficients over every class
(``ω_g = √p_g`` by default): a group of features enters every class's model or none,
adelie's multinomial group elastic net. With groups of one feature it is glmnet's
``type.multinomial = "grouped"`` (:mod:`shrinkage.solvers.multinomial`, whose proximal
Newton solves that case faster).

Block coordinate descent with majorized block steps
(:mod:`shrinkage._kernels.multinomial_groups`: the local curvature where the majorizer
holds, Böhning's global bound where it does not; no step raises the objective),
full sweeps alternating with sweeps of the non-zero blocks, the intercepts by damped
Newton steps on their K-vector, and Anderson extrapolation of each run of sweeps (kept
when it lowers the objective); certified by the gap of
:mod:`shrinkage.certificates.multinomial_groups` every few sweeps.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from .._kernels.multinomial_groups import group_round
from .._validation import check_max_iter, check_positive_alpha, check_tol
from ..certificates import certified
from ..certificates.multinomial_groups import certify_multinomial_groups, expand_groups
from ..groups import check_groups, dense_for_groups
from ..losses.multinomial import MultinomialLoss, log_sum_exp
from ._result import SolverResult
from .extrapolation import anderson_combination
from .group_lasso import check_group_weights
from .multinomial import prepare_multinomial

__all__ = ["block_lipschitz", "multinomial_groups_alpha_max", "solve_multinomial_groups",
           "solve_multinomial_groups_prepared"]  # fmt: skip

LOSS = MultinomialLoss()
#: sweeps of the non-zero blocks between two full sweeps (and certificates)
ACTIVE_SWEEPS = 4


def block_lipschitz(data, groups):
    """``½ λ_max(X_gᵀ S X_g)/n`` of each group: the majorizer of the block steps."""
    X, n = data.X, data.X.shape[0]
    values = np.empty(groups.n_groups)
    for g in range(groups.n_groups):
        columns = X[:, groups.members[groups.start[g] : groups.start[g + 1]]]
        gram = columns.T @ (data.s[:, None] * columns) / n
        values[g] = 0.5 * float(np.linalg.eigvalsh(gram)[-1])
    return values


def multinomial_groups_alpha_max(data, groups, omega, l1_ratio=1.0) -> float:
    """The smallest α with W = 0: ``max_g ‖X_gᵀ s(Y − π)/n‖_F/(ρ ω_g)`` at the null model
    π (for ρ = 0 that of ρ = 10⁻³, the grid's convention)."""
    n = data.Y.shape[0]
    Z = data.predictor(np.zeros((data.X.shape[1], data.Y.shape[1])), data.null_intercept)
    corr = np.asarray(data.X.T @ ((data.s / n)[:, None] * (data.Y - LOSS.mean(Z))))
    norms = expand_groups(groups, data.Y.shape[1]).norms(corr.ravel())
    return float(np.max(norms / (max(l1_ratio, 1e-3) * omega)))


def solve_multinomial_groups_prepared(data, groups, a, b, *, tol, max_iter, coef_init=None,
                                      intercept_init=None) -> SolverResult:  # fmt: skip
    """Solve at the group weights ``a_g = αρω_g``, ``b_g = α(1 − ρ)ω_g`` on a prepared
    problem (:func:`~shrinkage.solvers.multinomial.prepare_multinomial` of dense X, or of
    sparse X, then copied dense at each call: :func:`shrinkage.groups.dense_for_groups`).

    ``max_iter`` counts sweeps over the blocks. Returns a
    :class:`~shrinkage.solvers.SolverResult` with ``coef`` (p, K) on the solver's scale
    (the columns of ``data.X``) and centred intercepts (K,).

    Examples
    --------
    >>> from shrinkage.groups import check_groups
    >>> from shrinkage.solvers.multinomial import prepare_multinomial
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 6))
    >>> y = np.argmax(X[:, :2] @ [[2.0, -1.0, 0.0], [0.0, 2.0, -2.0]]
    ...               + rng.standard_normal((300, 3)), axis=1)
    >>> data = prepare_multinomial(X, y)
    >>> groups = check_groups([0, 0, 1, 1, 2, 2], 6)
    >>> omega = np.sqrt(groups.sizes)
    >>> fit = solve_multinomial_groups_prepared(data, groups, 0.05 * omega, 0 * omega,
    ...                                         tol=1e-8, max_iter=10_000)
    >>> np.flatnonzero(np.abs(fit.coef).sum(axis=1)).tolist(), bool(fit.converged)
    ([0, 1], True)
    """
    if sp.issparse(data.X):
        data = replace(data, X=np.asfortranarray(dense_for_groups(data.X)))
    X, Y, s = np.asfortranarray(data.X, dtype=np.float64), data.Y, data.s
    n, p, K = X.shape[0], X.shape[1], Y.shape[1]
    W = np.zeros((p, K)) if coef_init is None else np.array(coef_init, dtype=np.float64)
    intercept = np.array(data.null_intercept, dtype=np.float64)
    if data.fit_intercept and intercept_init is not None:
        intercept = np.array(intercept_init, dtype=np.float64)
    lipschitz = block_lipschitz(data, groups)
    weights = s / n
    history, sweeps = [], 0
    iterates = np.empty((ACTIVE_SWEEPS + 2, (p + 1) * K))
    while True:
        Z, P, lse = _predictions(data, W, intercept)  # from scratch: no drift
        cert = certify_multinomial_groups(X, Y, s, Z, W, groups, a, b,
                                          fit_intercept=data.fit_intercept,
                                          primal_at_zero=data.primal_at_zero,
                                          offset=data.offset)  # fmt: skip
        history.append(cert.relative_gap)
        if certified(cert.relative_gap, tol) or sweeps >= max_iter:
            break
        run = iterates[: min(ACTIVE_SWEEPS + 2, max_iter - sweeps + 1)]
        done = group_round(X, weights, Y, Z, P, lse, W, intercept, data.fit_intercept,
                           groups.members, groups.start, lipschitz, a, b, run)  # fmt: skip
        sweeps += done
        if done == run.shape[0] - 1 == ACTIVE_SWEEPS + 1:
            _extrapolate(data, groups, run, W, intercept, Z, a, b)
    intercept = intercept - intercept.mean() if data.fit_intercept else np.zeros(K)
    return SolverResult(W, intercept, cert, sweeps, certified(cert.relative_gap, tol), tol,
                        "group_bcd", np.asarray(history))  # fmt: skip


def _predictions(data, W, intercept):
    """``(Z, P, lse)``: the predictors, probabilities and rows' log-sum-exp, C-ordered for
    the kernel."""
    Z = np.ascontiguousarray(data.predictor(W, intercept))
    return Z, np.ascontiguousarray(LOSS.mean(Z)), log_sum_exp(Z)


def _extrapolate(data, groups, iterates, W, intercept, Z, a, b):
    """The Anderson point of the round's sweeps (:mod:`.extrapolation`), kept (W and the
    intercepts in place) when it lowers the objective at the last sweep's Z."""
    candidate = anderson_combination(list(iterates))
    if candidate is None or not np.all(np.isfinite(candidate)):
        return
    p, K = W.shape
    W_new, b_new = candidate[: p * K].reshape(p, K), candidate[p * K :]
    if not data.fit_intercept:
        b_new = intercept
    expanded = expand_groups(groups, K)

    def objective(Z_at, W_at):
        norms = expanded.norms(W_at.ravel())
        return LOSS.value(data.Y, Z_at, data.s) + float(a @ norms + 0.5 * b @ norms**2)

    if objective(data.predictor(W_new, b_new), W_new) < objective(Z, W):
        W[:] = W_new
        intercept[:] = b_new


def solve_multinomial_groups(X, y, alpha, groups, *, l1_ratio=1.0, group_weights=None,
                             fit_intercept=True, sample_weight=None, standardize=False,
                             tol=1e-4, max_iter=100_000, coef_init=None, intercept_init=None,
                             offset=None) -> SolverResult:  # fmt: skip
    """The multinomial group lasso / group elastic net at one α, certified (module
    docstring).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Dense.
    y : array-like of shape (n_samples,)
        Labels of K ≥ 2 classes (``coef[:, k]`` is the k-th of the sorted classes).
    alpha : float
        α > 0.
    groups : array-like of shape (n_features,) or list of index lists
        One label per feature, or the features of each group (:mod:`shrinkage.groups`).
    l1_ratio : float in [0, 1]
        ρ; 1 is the group lasso.
    group_weights : array-like of shape (n_groups,), optional
        ω_g (default ``√p_g``).
    fit_intercept, sample_weight, standardize, tol
        As in :func:`~shrinkage.solvers.multinomial.solve_multinomial`; with
        ``standardize`` the norms are of ``σ ∘ W_g``.
    max_iter : int
        Sweeps over the blocks.
    coef_init : array-like of shape (n_features, n_classes), optional
        Warm start, on the data's scale.
    intercept_init : array-like of shape (n_classes,), optional
    offset : array-like of shape (n_samples, n_classes), optional

    Returns
    -------
    SolverResult
        ``coef`` (p, K) on the data's scale, centred ``intercept`` (K,).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 6))
    >>> y = np.argmax(X[:, :2] @ [[2.0, -1.0, 0.0], [0.0, 2.0, -2.0]]
    ...               + rng.standard_normal((300, 3)), axis=1)
    >>> fit = solve_multinomial_groups(X, y, 0.05, [0, 0, 1, 1, 2, 2], tol=1e-8)
    >>> np.flatnonzero(np.abs(fit.coef).sum(axis=1)).tolist(), bool(fit.converged)
    ([0, 1], True)
    """
    alpha = check_positive_alpha(alpha, "group-lasso")
    tol, max_iter = check_tol(tol, np.float64), check_max_iter(max_iter)
    if not 0.0 <= float(l1_ratio) <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio!r}.")
    data = prepare_multinomial(dense_for_groups(X), y, sample_weight, standardize,
                               fit_intercept, offset)  # fmt: skip
    scale = data.scale
    if scale is not None:
        data = replace(data, X=np.asfortranarray(data.X / scale))
    partition = check_groups(groups, data.X.shape[1])
    omega = check_group_weights(partition, group_weights)
    if coef_init is not None:
        coef_init = np.array(coef_init, dtype=np.float64)
        if coef_init.shape != (data.X.shape[1], data.Y.shape[1]):
            raise ValueError(f"coef_init has shape {coef_init.shape}, expected "
                             f"{(data.X.shape[1], data.Y.shape[1])}.")  # fmt: skip
        if scale is not None:
            coef_init = coef_init * scale[:, None]
    result = solve_multinomial_groups_prepared(
        data, partition, alpha * l1_ratio * omega, alpha * (1.0 - l1_ratio) * omega, tol=tol,
        max_iter=max_iter, coef_init=coef_init, intercept_init=intercept_init,
    )  # fmt: skip
    coef = result.coef if scale is None else result.coef / scale[:, None]
    return replace(result, coef=coef)
