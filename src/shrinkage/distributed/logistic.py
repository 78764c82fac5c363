"""Penalised logistic regression on row blocks: distributed proximal Newton, certified.

Minimises ``1/W Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α·penalty(w)``, ``z = Xw + b``,
``W = Σ s_i``, labels y ∈ {0, 1}: the objective of :func:`shrinkage.path` with
``loss="logistic"``, on data kept as row blocks
(:class:`~shrinkage.distributed.blocks.PartitionedData`). The rows never leave their
blocks; each pass is one reduction of :mod:`~shrinkage.distributed.logistic_operations`.

Each proximal-Newton iteration (Lee, Sun & Saunders 2014, *SIAM J. Optim.* 24(3)):

1. the duality gap at (w, b) from the sums of one pass; stop at ``gap ≤ tol · P(0)``,
   the relative measure of the in-memory solver;
2. a working set: the support and the largest KKT violations (celer: Massias, Gramfort
   & Salmon 2018); the pass that gave the gradient also gave the weighted Gram matrix of
   the previous working set, and a new pass is made only when the set grows past it;
3. the quadratic model on the working set, the intercept eliminated (h-centred Gram),
   solved on the driver by coordinate descent on the |F| × |F| matrix
   (:func:`shrinkage._kernels.logistic.newton_cd_gram`, the in-memory Gram kernel);
4. one pass for the loss at t = 1, ½, ¼, … along the step (Armijo on the objective, as
   Lee et al.), which also computes the state at t = 1: a full step, the usual case
   near the optimum, costs one pass in all.

The certificate is that of :mod:`shrinkage.certificates.logistic`, read off the sums of
one pass (:func:`~shrinkage.distributed.logistic_operations.certify_state`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .._kernels.logistic import newton_cd_gram
from .._validation import check_alpha, check_flag, check_max_iter, check_tol
from ..certificates import Certificate, penalty_value
from ..losses import LogisticLoss
from ..path.api import warn_unconverged
from ..path.grid import alpha_grid, grid_l1_ratio
from ..path.points import PathRequest, assemble, new_points, output_rows
from ..penalties import L1, Penalty
from ..solvers import SolverResult
from .engines import as_partitioned
from .logistic_operations import (
    LogisticState,
    block_state,
    block_step,
    certify_state,
    prepare_problem,
)

__all__ = ["logistic_fit", "logistic_path"]

LOSS = LogisticLoss()
_FIRST_WORKING_SET = 10
_ARMIJO = 1e-4
_STEPS = 0.5 ** np.arange(30)  # the step sizes one line-search pass tries
# The model's KKT target, relative to the current violation. The model is solved on the
# driver (|F|² per epoch), a pass reads all rows: at 0.01 (near the in-memory forcing
# term) the tests' 10-α lasso paths took 5.6 passes per α at tol 1e-8, at 1e-6 5.1.
_MODEL_TOL = 1e-6
_MODEL_EPOCHS = 10_000


@dataclass(frozen=True, eq=False)
class _Iterate:
    """A point (w, b) with its state, which holds the Gram matrix of ``features``."""

    coef: np.ndarray
    intercept: float
    state: LogisticState
    features: np.ndarray


@dataclass(frozen=True, eq=False)
class _Outcome:
    """What :func:`_solve` returns: the last point, its certificate, and the cost."""

    iterate: _Iterate
    certificate: Certificate
    n_steps: int
    n_passes: int
    history: np.ndarray


def _working_set(w, kkt):
    """The support and the largest violations (as many as the support, at least 10)."""
    support = np.flatnonzero(w != 0)
    outside = np.flatnonzero((w == 0) & (kkt > 0))
    size = max(_FIRST_WORKING_SET, support.size)
    top = outside[np.argsort(-kkt[outside], kind="stable")[:size]]
    return np.union1d(support, top).astype(np.int64)


def _direction(state, problem, features, positions, w, a, b, positive, tol):
    """The model's minimiser on the working set: ``(step of w_F, step of b, Δ)``, Δ the
    predicted decrease of Lee et al.'s line search (negative for descent)."""
    total = problem.weight
    hessian = state.gram[np.ix_(positions, positions)] / total
    linear = state.gradient[features] / total
    hess_x = state.curvature_x[features] / total
    hess_sum, grad_b = state.curvature_sum / total, state.residual_sum / total
    model = linear.copy()
    if problem.fit_intercept:  # eliminate the intercept: the h-centred Gram
        hessian = hessian - np.outer(hess_x, hess_x) / hess_sum
        model -= hess_x * (grad_b / hess_sum)
    w_features = w[features].copy()
    a_f, b_f = a[features], b[features]
    newton_cd_gram(np.ascontiguousarray(hessian), model, w_features, a_f, b_f, positive,
                   _MODEL_EPOCHS, tol)  # fmt: skip
    step = w_features - w[features]
    step_b = -(grad_b + hess_x @ step) / hess_sum if problem.fit_intercept else 0.0
    decrease = (linear @ step + grad_b * step_b
                + penalty_value(w_features, a_f, b_f, positive)
                - penalty_value(w[features], a_f, b_f, positive))  # fmt: skip
    return step, step_b, decrease


def _solve(data, problem, a, b, positive, iterate, *, tol, max_iter) -> _Outcome:
    """Proximal Newton from ``iterate`` (module docstring) to ``gap ≤ tol · P(0)``."""
    w, intercept, state, features = (iterate.coef, iterate.intercept, iterate.state,
                                      iterate.features)  # fmt: skip
    steps = passes = 0
    history = []
    while True:
        cert = certify_state(state, problem, w, a, b, positive)
        history.append(cert.relative_gap)
        if cert.relative_gap <= tol or steps >= max_iter:
            break
        kkt = cert.kkt_residual
        working = _working_set(w, kkt)
        if not np.all(np.isin(working, features)):
            features = np.union1d(features, working).astype(np.int64)
            state = data.reduce(partial(block_state, coef=w, intercept=intercept,
                                        features=features), label="gram")  # fmt: skip
            passes += 1
        intercept_violation = abs(state.residual_sum) / problem.weight
        violation = max(float(np.max(kkt, initial=0.0)),
                        intercept_violation if problem.fit_intercept else 0.0)  # fmt: skip
        step, step_b, decrease = _direction(
            state, problem, working, np.searchsorted(features, working), w, a, b, positive,
            _MODEL_TOL * violation,
        )  # fmt: skip
        steps += 1
        if not decrease < 0:
            break  # no descent left at machine precision: the certificate as it is
        full = np.zeros_like(w)
        full[working] = step
        changes, trial = data.reduce(partial(
            block_step, coef=w, intercept=intercept, coef_step=full, intercept_step=step_b,
            steps=_STEPS, features=features,
        ), label="line search")  # fmt: skip
        passes += 1
        old_penalty = penalty_value(w, a, b, positive)
        accepted = [k for k, t in enumerate(_STEPS)
                    if changes[k] / problem.weight + penalty_value(w + t * full, a, b, positive)
                    - old_penalty <= _ARMIJO * t * decrease]  # fmt: skip
        if not accepted:
            break
        t = _STEPS[accepted[0]]
        w, intercept = w + t * full, intercept + t * step_b
        if accepted[0] == 0:
            state = trial
        else:
            state = data.reduce(partial(block_state, coef=w, intercept=intercept,
                                        features=features), label="state")  # fmt: skip
            passes += 1
    return _Outcome(_Iterate(w, intercept, state, features), cert, steps, passes,
                    np.asarray(history))  # fmt: skip


def _start(data, problem, penalty):
    """The α ≥ α_max point (w = 0, the null intercept) with its state, and α_max."""
    p = data.n_features
    if np.any(penalty.factors(p) == 0):
        raise ValueError(
            "unpenalised features (penalty_factor 0) are not supported on distributed "
            "data; give every feature a factor > 0."
        )
    w, intercept, features = np.zeros(p), problem.null_intercept, np.zeros(0, dtype=np.int64)
    state = data.reduce(partial(block_state, coef=w, intercept=intercept, features=features),
                        label="gradient")  # fmt: skip
    grid_penalty = Penalty(grid_l1_ratio(penalty.l1_ratio), penalty.penalty_factor,
                           penalty.positive)  # fmt: skip
    alpha_max = LOSS.alpha_max(-state.gradient / problem.weight, grid_penalty, problem.scale)
    return _Iterate(w, intercept, state, features), alpha_max


def _checked(penalty, fit_intercept, standardize, tol, max_iter):
    """The options of :func:`logistic_fit` and :func:`logistic_path`, checked once."""
    penalty = L1() if penalty is None else penalty
    if not isinstance(penalty, Penalty):
        raise TypeError(f"penalty must be a Penalty (L1(), L2(), ...), got {penalty!r}.")
    return (
        penalty,
        check_flag(fit_intercept, "fit_intercept"),
        check_flag(standardize, "standardize"),
        check_tol(tol),
        check_max_iter(max_iter),
    )


def _partitioned(data):
    partitioned = as_partitioned(data)
    if partitioned is None:
        raise TypeError(
            "data must be row blocks (a PartitionedData, Dask or Spark data); for arrays "
            "in memory use shrinkage.path(X, y, loss='logistic')."
        )
    return partitioned


def logistic_fit(
    data, alpha, penalty: Penalty | None = None, *, fit_intercept=True, standardize=False,
    tol=1e-4, max_iter=100,
) -> SolverResult:  # fmt: skip
    """Penalised logistic regression at one α on row blocks, certified.

    Parameters
    ----------
    data : PartitionedData, Dask or Spark data
        Rows with labels 0/1 (and sample weights).
    alpha : float
    penalty : Penalty, default ``L1()``
        Every feature penalised (penalty factors > 0).
    fit_intercept, standardize, tol, max_iter
        As in :func:`logistic_path`; ``max_iter`` counts Newton steps.

    Returns
    -------
    SolverResult
        ``solver="distributed_prox_newton"``, ``n_iter`` the Newton steps.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> X = np.array([[1.0, 0.2], [0.1, 1.0], [1.2, 0.9], [0.0, 0.1], [0.9, 0.0]])
    >>> y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    >>> res = logistic_fit(ArrayBlocks(X, y, n_partitions=2), 0.05, tol=1e-10)
    >>> res.coef.round(3), res.relative_gap <= 1e-10
    (array([3.043, 0.   ]), True)
    """
    data, alpha = _partitioned(data), check_alpha(alpha)
    penalty, fit_intercept, standardize, tol, max_iter = _checked(
        penalty, fit_intercept, standardize, tol, max_iter
    )  # fmt: skip
    problem = prepare_problem(data, standardize=standardize, fit_intercept=fit_intercept)
    iterate, _ = _start(data, problem, penalty)
    a, b = penalty.weights(alpha, data.n_features, problem.scale)
    outcome = _solve(data, problem, a, b, penalty.positive, iterate, tol=tol,
                     max_iter=max_iter)  # fmt: skip
    cert = outcome.certificate
    return SolverResult(outcome.iterate.coef, float(outcome.iterate.intercept), cert,
                        outcome.n_steps, cert.relative_gap <= tol, tol,
                        "distributed_prox_newton", outcome.history)  # fmt: skip


def logistic_path(
    data, penalty: Penalty | None = None, *, alphas=None, n_alphas=100, alpha_min_ratio=None,
    fit_intercept=True, standardize=False, tol=1e-4, max_iter=100, feature_names=None,
    warn=True,
):  # fmt: skip
    """The penalised logistic path on row blocks, warm-started, every point certified.

    Parameters
    ----------
    data : PartitionedData, Dask or Spark data
        Rows with labels 0/1 (and sample weights).
    penalty : Penalty, default ``L1()``
        Every feature penalised (penalty factors > 0).
    alphas, n_alphas, alpha_min_ratio
        The grid (:func:`shrinkage.path.grid.alpha_grid`, α_max from the gradient at the
        intercept-only model).
    fit_intercept, standardize : bool
    tol : float
        Relative duality gap ``gap ≤ tol · P(0)`` at every α.
    max_iter : int
        Newton steps per α.
    feature_names : sequence of str, optional
        Default: the data's.
    warn : bool
        One ``ConvergenceWarning`` when some point misses ``tol``.

    Returns
    -------
    PathResult
        ``loss="logistic"``; ``n_iter``: Newton steps per α; ``timings["passes"]``:
        passes over the data per α (``timings["setup_passes"]``: the moments and α_max
        passes before them); ``n_screened`` 0 (no gap-safe test here).

    See Also
    --------
    shrinkage.path : the in-memory path, the same solutions.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((60, 4))
    >>> y = (X[:, 0] + rng.standard_normal(60) > 0).astype(float)
    >>> result = logistic_path(ArrayBlocks(X, y, n_partitions=3), n_alphas=5)
    >>> result.n_active.tolist(), bool(np.all(result.relative_gaps <= 1e-4))
    ([0, 2, 3, 4, 4], True)
    """
    start = time.perf_counter()
    data = _partitioned(data)
    penalty, fit_intercept, standardize, tol, max_iter = _checked(
        penalty, fit_intercept, standardize, tol, max_iter
    )  # fmt: skip
    check_flag(warn, "warn")
    problem = prepare_problem(data, standardize=standardize, fit_intercept=fit_intercept)
    iterate, alpha_max = _start(data, problem, penalty)
    p = data.n_features
    grid = alpha_grid(alpha_max, n_alphas, alpha_min_ratio, alphas=alphas,
                      shape=(problem.n_rows, p),
                      l1_ratio=penalty.l1_ratio)  # fmt: skip
    rows = output_rows("dense", grid.size, p, np.float64)
    points, passes = new_points(grid.size), np.zeros(grid.size, dtype=np.int64)
    for k, alpha in enumerate(grid):
        tick = time.perf_counter()
        a, b = penalty.weights(float(alpha), p, problem.scale)
        outcome = _solve(data, problem, a, b, penalty.positive, iterate, tol=tol,
                         max_iter=max_iter)  # fmt: skip
        iterate, cert = outcome.iterate, outcome.certificate
        rows.store(k, iterate.coef)
        points[k] = (iterate.intercept, cert.dual_gap, cert.relative_gap, outcome.n_steps,
                     time.perf_counter() - tick, 0)  # fmt: skip
        passes[k] = outcome.n_passes
    names = data.feature_names if feature_names is None else feature_names
    request = PathRequest(penalty, alphas, n_alphas, alpha_min_ratio, fit_intercept, None,
                          standardize, tol, max_iter, names, "dense")  # fmt: skip
    result = assemble(grid, rows.finish(), points, request, "logistic", start,
                      "distributed_prox_newton", tol)  # fmt: skip
    result = replace(result, timings={**result.timings, "passes": passes, "setup_passes": 2})
    if warn:
        warn_unconverged("logistic_path", result.alphas, result.relative_gaps, result.tol)
    return result
