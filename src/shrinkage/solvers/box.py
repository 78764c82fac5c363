"""Box-constrained penalised fits, ``lower ≤ w ≤ upper``, by proximal Newton and
coordinate descent, certified.

Minimises ``F(Xw + b + o) + α · penalty(w)`` over the box of the penalty
(:attr:`shrinkage.penalties.Penalty.lower`, ``upper``: glmnet's limits) for the
squared, logistic and Poisson losses, on a problem prepared once
(:func:`~shrinkage.solvers.logistic_data.prepare_glm`). Each outer step:

1. certify the current point (:func:`~shrinkage.certificates.box.certify_box_prediction`)
   and stop when its relative gap is ``≤ tol``;
2. form the quadratic model of F at z (the loss itself for the squared loss) and
   minimise it with the penalty over the box by cyclic coordinate descent
   (:mod:`shrinkage._kernels.box_cd`: each step the clipped elastic-net update), full
   sweeps alternating with sweeps of the non-zero coefficients, as glmnet does;
3. move along the step with a backtracking (Armijo) line search on the true objective,
   which stays in the box because the box is convex (the squared loss takes the whole
   step: its model is exact).

The inner tolerance follows the outer gap, so a step is solved about as precisely as the
certificate needs.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import scipy.sparse as sp

from .._kernels.box_cd import (
    box_epoch_dense,
    box_epoch_gram,
    box_epoch_sparse,
    intercept_step,
    weighted_moments_dense,
    weighted_moments_sparse,
)
from .._kernels.columns import subtract_columns_dense, subtract_columns_sparse
from ..bounds import clip_to_box
from ..certificates import certified
from ..certificates.box import certify_box_prediction
from ..losses import SquaredLoss
from ..penalties import Penalty
from ._result import SolverResult
from .line_search import armijo_step
from .logistic_point import (
    INTERCEPT_DUAL_SLACK,
    certify_box_at,
    certify_box_gram,
    loss_at,
    loss_change,
    with_dual,
)

__all__ = ["fit_unpenalised_box", "solve_box_prepared"]

#: epochs of coordinate descent one model may take
INNER_EPOCHS = 10_000
#: the share of the current duality gap the model's last sweep may still move
INNER_SHARE = 0.1
#: how far the inner tolerance may be tightened (by 1e-4 at each step without descent)
STALLS = 1e-16


class _Model:
    """The quadratic model of the loss at z in the coefficients of ``features`` (the
    others held), on the h-weighted centred columns (:mod:`shrinkage._kernels.box_cd`),
    solved in place on ``w`` by :meth:`solve`."""

    def __init__(self, X, h, rho, a, b, lower, upper, fit_intercept, features):
        self.X, self.h, self.r = X, h, rho.copy()
        self.h_sum = float(h.sum())
        self.fit_intercept = fit_intercept and self.h_sum > 0
        self.features = features
        if sp.issparse(X):
            moments = weighted_moments_sparse(X.data, X.indices, X.indptr, h, fit_intercept,
                                              features)  # fmt: skip
        else:
            moments = weighted_moments_dense(X, h, fit_intercept, features)
        self.h_x, self.means, self.lipschitz = moments
        self.weights = (a, b, lower, upper)
        # [c, Σr, n, Σ Δw_j m_j, Σ intercept steps]
        self.state = np.array([0.0, float(self.r.sum()), X.shape[0], 0.0, 0.0])

    def epoch(self, w, features):
        a, b, lower, upper = self.weights
        extra = (self.state, self.means, self.h_x)
        if sp.issparse(self.X):
            X = self.X
            return box_epoch_sparse(
                X.data, X.indices, X.indptr, self.h, self.r, w, self.lipschitz, a, b, lower,
                upper, features, *extra,
            )  # fmt: skip
        return box_epoch_dense(self.X, self.h, self.r, w, self.lipschitz, a, b, lower, upper,
                               features, *extra)  # fmt: skip

    def solve(self, w, tol, budget):
        """Sweeps until the largest ``L_j Δw_j²`` (and the intercept's) is ``≤ tol``
        (:func:`_sweep_until`); returns ``(epochs, the intercept's move)``."""
        if self.fit_intercept:
            intercept_step(self.h, self.r, self.state, self.h_sum)

        def epoch(features):
            change = self.epoch(w, features)
            if self.fit_intercept:
                change = max(change, intercept_step(self.h, self.r, self.state, self.h_sum))
            return change

        sweeps = _sweep_until(epoch, w, tol, budget, self.features)
        return sweeps, float(self.state[4] - self.state[3])


class _GramModel:
    """The squared loss on tall dense data in Gram mode: ``q = c − Gw`` over the weighted
    Gram matrix of the centred columns (:attr:`GLMData.weighted_gram`, formed once per
    problem), the intercept ``ȳ − mᵀw`` after the sweeps."""

    def __init__(self, data, w, intercept, a, b, lower, upper, features):
        self.gram, correlation, self.means, self.y_mean, _ = data.weighted_gram
        self.features = features
        self.q = correlation - self.gram @ w
        self.intercept = intercept
        self.weights = (a, b, lower, upper)
        self.fit_intercept = data.fit_intercept

    def solve(self, w, tol, budget):
        """As :meth:`_Model.solve`."""
        a, b, lower, upper = self.weights

        def epoch(features):
            return box_epoch_gram(self.gram, self.q, w, a, b, lower, upper, features)

        epochs = _sweep_until(epoch, w, tol, budget, self.features)
        if not self.fit_intercept:
            return epochs, 0.0
        return epochs, float(self.y_mean - self.means @ w) - self.intercept


def _sweep_until(epoch, w, tol, budget, everything):
    """Sweeps of the working set ``everything`` alternating with sweeps of its non-zero
    coefficients (as glmnet), until a sweep of the whole set moves no coordinate by more
    than ``tol`` (in ``L_j Δw_j²``); returns the epochs run. ``epoch(features)`` runs one
    and returns its largest move."""
    epochs = 0
    features = everything
    while epochs < budget:
        change = epoch(features)
        epochs += 1
        if change > tol:
            features = everything[w[everything] != 0]
            if features.size == 0:
                features = everything
        elif features is everything:
            break
        else:
            features = everything
    return epochs


def _gram_mode(data, squared):
    """The squared loss on dense data with n ≥ 2p and p ≤ 2000 (the squared path's own
    rule for its Gram mode, :mod:`shrinkage.path.strategy`): the p × p matrix is cheaper
    to sweep than X."""
    n, p = data.X.shape
    return squared and not sp.issparse(data.X) and n >= 2 * p and p <= 2000


def _layout(X):
    """X as float64 (dense Fortran-ordered or CSC with int64-free canonical arrays)."""
    if sp.issparse(X):
        return X if X.dtype == np.float64 else X.astype(np.float64)
    return X if X.dtype == np.float64 else np.asfortranarray(X, dtype=np.float64)


def solve_box_prepared(data, alpha, penalty, *, tol, max_iter, coef_init=None,
                       intercept_init=None) -> SolverResult:  # fmt: skip
    """Minimise ``F + α·penalty`` over the penalty's box on a prepared problem.

    Parameters
    ----------
    data : GLMData
        :func:`~shrinkage.solvers.logistic_data.prepare_glm` of the squared, logistic
        or Poisson loss.
    alpha : float
    penalty : Penalty
        With ``lower`` / ``upper`` (or ``positive``).
    tol : float
        Relative duality gap to certify.
    max_iter : int
        Outer (proximal-Newton) steps for the logistic and Poisson losses; epochs of
        coordinate descent for the squared loss.
    coef_init, intercept_init : optional
        A warm start (clipped into the box).

    Returns
    -------
    SolverResult
        ``n_iter``: Newton steps (epochs for the squared loss); ``solver``
        ``"box_newton"`` or ``"box_cd"``.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.losses import SquaredLoss
    >>> from shrinkage.penalties import L1
    >>> from shrinkage.solvers.logistic_data import prepare_glm
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]])
    >>> y = np.array([1.0, 0.1, 1.1, 2.0])
    >>> data = prepare_glm(SquaredLoss(), X, y)
    >>> result = solve_box_prepared(data, 0.01, L1(upper=0.5), tol=1e-8, max_iter=1000)
    >>> result.coef.round(4), result.converged
    (array([0.5   , 0.0133]), True)
    """
    X = _layout(data.X)
    y, s, loss = data.y, data.s, data.loss
    n, p = X.shape
    squared = isinstance(loss, SquaredLoss)
    a, b = penalty.weights(alpha, p, data.scale)
    lower, upper = penalty.bounds(p)
    factors = penalty.factors(p)
    if coef_init is None and np.any(factors == 0) and np.any(factors > 0):
        # from the α_max solution: a penalised feature at its threshold stays exactly 0
        w, intercept = fit_unpenalised_box(data, penalty)
    else:
        w = np.zeros(p) if coef_init is None else np.array(coef_init, dtype=np.float64)
        w = clip_to_box(w, lower, upper)
        if intercept_init is not None and data.fit_intercept:
            intercept = float(intercept_init)
        else:  # the intercept that fits the start best
            fixed = data.predictor(w, 0.0) if np.any(w) else data.offset
            intercept = loss.null_prediction(y, s, data.fit_intercept, fixed)
    history, n_iter, sharper = [], 0, 1.0
    budget = max_iter if squared else INNER_EPOCHS
    # the squared loss is its own model: from a warm start (the previous α of a path),
    # solve it to the target first and certify after, one certificate instead of two
    certify_first = not (squared and coef_init is not None)
    gram = _gram_mode(data, squared)
    # every feature penalised: the compiled loops of the loss give the derivatives, the
    # dual point and the certificate in a few passes (None: the NumPy construction)
    penalised = not np.any((a == 0) & (b == 0))
    simple = not squared and penalised
    slack = INTERCEPT_DUAL_SLACK * tol * data.primal_at_zero
    # Gram mode with every feature penalised: certified from the Gram matrix, at the
    # intercept that fits w exactly (the model's own), without a pass over X
    gram_certificate = gram and penalised
    if gram_certificate and data.fit_intercept:
        _, _, means, y_mean, _ = data.weighted_gram
        intercept = y_mean - float(means @ w)
    everything = np.arange(p, dtype=np.int64)
    z = None  # the predictor at (w, intercept), carried along the steps of a GLM
    while True:
        # the Gram model's first sweep from a warm start needs no predictor
        if z is None and not gram_certificate and not (gram and not certify_first):
            z = data.predictor(w, intercept)
        gradient = point = None
        features = everything
        if simple:
            point = with_dual(loss_at(data, z), data, simple, slack)
        if not certify_first:
            gap, relative, certify_first = tol * data.primal_at_zero, tol, True
        else:
            if gram_certificate:
                cert = certify_box_gram(data, w, a, b, lower, upper)
            elif point is not None and point.theta is not None:
                cert = certify_box_at(point, data, w, a, b, lower, upper)
                gradient = point.gradient
            else:
                cert, gradient = certify_box_prediction(
                    X, y, s, z, w, a, b, lower, upper, fit_intercept=data.fit_intercept,
                    loss=loss, primal_at_zero=data.primal_at_zero, offset=data.offset,
                )  # fmt: skip
            history.append(cert.relative_gap)
            out_of_budget = budget <= 0 if squared else n_iter >= max_iter
            if certified(cert.relative_gap, tol) or out_of_budget or sharper < STALLS:
                break
            gap, relative = cert.dual_gap, cert.relative_gap
            # the working set: the features whose KKT condition fails and the non-zeros
            # inside their box; the others (at 0, or pinned at a bound by the gradient)
            # stay this step, and the next certificate checks them again
            inside = (w != 0) & (w != lower) & (w != upper)
            features = np.flatnonzero(inside | (cert.kkt_residual > 0))
        loss_gradient = None
        if gram:
            model = _GramModel(data, w, intercept, a, b, lower, upper, features)
        else:
            if point is not None:
                loss_gradient, curvature = point.gradient_z, point.curvature
            else:
                _, loss_gradient, curvature = loss.derivatives(y, z, s)
            model = _Model(X, n * curvature, -n * loss_gradient, a, b, lower, upper,
                           data.fit_intercept, features)  # fmt: skip
        candidate = w.copy()
        inner = sharper * _inner_tolerance(gap, relative, tol, data.primal_at_zero,
                                           features.size)  # fmt: skip
        epochs, moved = model.solve(candidate, inner, budget if squared else INNER_EPOCHS)
        if squared:
            budget -= epochs
            n_iter += epochs
        else:
            n_iter += 1
        step, change = _line_search(data, X, z, w, candidate, moved, a, b, loss_gradient,
                                    gradient, squared, features)  # fmt: skip
        if step is None:
            # the model was not solved far enough to give a descent step that the
            # objective can resolve: solve the next one more precisely
            sharper *= 1e-4
            continue
        w = w + step * (candidate - w) if step < 1 else candidate
        w = clip_to_box(w, lower, upper)
        intercept += step * moved
        z = None if change is None else z + step * change
    return SolverResult(w, intercept if data.fit_intercept else 0.0, cert, n_iter,
                        certified(cert.relative_gap, tol), tol,
                        "box_cd" if squared else "box_newton", np.asarray(history))  # fmt: skip


def _inner_tolerance(gap, relative_gap, tol, scale, p):
    """The largest ``L_j Δw_j²`` of a sweep at which the model counts as solved.

    A sweep's moves measure how far coordinate descent still goes per sweep, not how far
    the model's optimum is: on correlated columns (or the intercept beside uncentred
    sparse ones) the sweeps shrink slowly and the distance is much larger. The tolerance
    is therefore the gap's share times the relative gap itself (``≈ gap²/P(0)``), so
    that the model is solved to about the precision the next certificate needs."""
    relative = min(1.0, max(relative_gap, 1e-3 * tol))
    floor = 1e-3 * tol * scale
    return INNER_SHARE * max(gap, floor) * relative / (1 + p)


def fit_unpenalised_box(data, penalty):
    """The fit of the intercept and the unpenalised features, each in its box, with the
    penalised ones at 0: the solution for α ≥ α_max, ``(w, intercept)``."""
    p = data.X.shape[1]
    w = np.zeros(p)
    free = np.flatnonzero(penalty.factors(p) == 0)
    intercept = data.loss.null_prediction(data.y, data.s, data.fit_intercept, data.offset)
    if free.size:
        lower, upper = penalty.bounds(p)
        k = free.size
        unpenalised = Penalty(1.0, np.zeros(k), False, lower[free], upper[free])
        result = solve_box_prepared(replace(data, X=data.X[:, free], scale=None), 1.0,
                                    unpenalised, tol=1e-12, max_iter=10_000)  # fmt: skip
        w[free], intercept = result.coef, result.intercept
    return w, intercept


def _line_search(data, X, z, w, candidate, moved, a, b, loss_gradient, gradient, squared,
                 features):  # fmt: skip
    """The step length t along ``candidate − w`` (non-zero in ``features`` only; and
    ``moved`` for the intercept; X is ``data.X`` in float64): 1 for the squared loss,
    else the first halving that satisfies Armijo's condition on the true objective; None
    when the step is zero or no halving descends. Returns ``(t, change)``, ``change``
    the step's move of the predictor (None for the squared loss)."""
    direction = candidate - w
    if not np.any(direction) and moved == 0.0:
        return None, None
    if squared:
        return 1.0, None
    change = np.full(z.shape[0], moved)
    minus = -direction[features]
    if sp.issparse(X):
        subtract_columns_sparse(X.data, X.indices, X.indptr, change, features, minus)
    else:
        subtract_columns_dense(X, change, features, minus)

    def penalty_at(v):
        return float(a @ np.abs(v) + 0.5 * b @ (v * v))

    base = penalty_at(w)
    slope = float(gradient @ direction + moved * loss_gradient.sum())
    slope += penalty_at(candidate) - base

    def objective_change(t):
        return loss_change(data, z, change, t) + penalty_at(w + t * direction) - base

    step = armijo_step(objective_change, slope, 1e-15 * (abs(data.primal_at_zero) + abs(base)))
    return step, change
