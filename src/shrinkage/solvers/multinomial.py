r"""Penalised multinomial logistic regression by proximal Newton with working sets, certified.

Minimises, over W (p × K) and the intercepts b (K),

    1/n Σ_i s_i [log Σ_k e^{Z_ik} − Y_iᵀZ_i] + α Σ_j f_j σ_j (ρ Ω_j(W_j) + ½(1 − ρ) σ_j ‖W_j‖²),

``Z = XW + 1bᵀ + O``, Y the one-hot labels of K ≥ 2 classes, O an optional offset
(n × K, glmnet's multinomial ``offset``: a fixed part of the linear predictors, which the
start, the line search and the certificate all include), with ``Ω_j = Σ_k |W_jk|``
(**ungrouped**, glmnet's default) or ``Ω_j = ‖W_j‖₂`` (**grouped**, glmnet's
``type.multinomial = "grouped"``: a feature is in every class's model or in none). This
is glmnet's ``family = "multinomial"`` objective with λ = α (glmnet's symmetric
parametrisation), and scikit-learn's multinomial ``LogisticRegression`` with
``C = 1/(nα)`` for the ungrouped penalty.

Each outer iteration certifies the point (:mod:`shrinkage.certificates.multinomial`),
stops at ``gap ≤ tol · P(0)``, else picks a working set of features (the non-zero rows and
the largest KKT violations, doubling) and takes proximal-Newton steps on it, as the
binary solver (:mod:`shrinkage.solvers.logistic`): the model, with each row's Hessian
``(s/n)(diag P − PPᵀ)`` in full, is minimised by coordinate descent over the rows
(:mod:`shrinkage._kernels.multinomial`) to 0.03 × the working set's target, and the step
is accepted by backtracking on the true objective, whose change is summed term by term.
(Keeping the diagonal of the Hessian alone makes the steps those of a scaled gradient:
on digits, 100 steps left a gap of 1e-5 that the full model reaches in 10.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .._validation import (
    check_alpha,
    check_matrix,
    check_matrix_offset,
    check_sample_weight,
    check_target_shape,
    check_varying_columns,
)
from ..certificates.multinomial import certify_multinomial_prediction, row_kkt
from ..design import make_design
from ..losses import normalise_sample_weight
from ..losses.multinomial import MultinomialLoss
from ..penalties import L1, Penalty
from ._result import SolverResult
from .multinomial_model import Point, model_step, penalty_change

__all__ = ["MultinomialData", "multinomial_alpha_max", "multinomial_weights", "one_hot",
           "prepare_multinomial",
           "solve_multinomial", "solve_multinomial_prepared"]  # fmt: skip

LOSS = MultinomialLoss()
_FIRST_WORKING_SET = 10
_WORKING_SET_TOL = 0.3  # the binary solver's rules (solvers.logistic)
_MODEL_TOL = 0.03
_ARMIJO = 1e-4
# a model step whose predicted decrease is below this fraction of the objective is past
# what the objective resolves (its KKT residual is ~1e-10 and the decrease its square)
_RESOLUTION = 1e-13


def one_hot(y, sample_weight=None):
    """``(Y, classes)``: the one-hot matrix (n × K) of the labels and the sorted classes.

    At least two classes, each with positive weight.

    Examples
    --------
    >>> Y, classes = one_hot(np.array(["b", "a", "c", "a"]))
    >>> classes.tolist(), Y[:, 0].tolist()
    (['a', 'b', 'c'], [0.0, 1.0, 0.0, 1.0])
    """
    classes, codes = np.unique(np.asarray(y).ravel(), return_inverse=True)
    if classes.shape[0] < 2:
        raise ValueError(
            "multinomial regression needs at least two classes; only one class is present "
            f"(every label is {classes[0]!r})."
            if classes.size
            else "y is empty."
        )
    Y = np.zeros((codes.shape[0], classes.shape[0]))
    Y[np.arange(codes.shape[0]), codes] = 1.0
    if sample_weight is not None:
        totals = np.asarray(sample_weight) @ Y
        if np.any(totals <= 0):
            missing = classes[totals <= 0].tolist()
            raise ValueError(f"every sample of class(es) {missing} has sample_weight 0: "
                             "each class needs positive weight.")  # fmt: skip
    return Y, classes


@dataclass(eq=False)
class MultinomialData:
    """One validated multinomial problem, prepared once for every α of a path.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
    Y : ndarray of shape (n_samples, n_classes)
        One-hot labels.
    classes : ndarray
    s : ndarray
        Sample weights normalised to sum to n.
    scale : ndarray or None
        Column scales of ``standardize=True``.
    fit_intercept : bool
    primal_at_zero : float
        The loss of the null model (W = 0, the intercepts fitted).
    offset : ndarray of shape (n_samples, n_classes) or None
        The fixed part O of the linear predictors.
    null_intercept : ndarray of shape (n_classes,)
        The intercepts of the null model (centred; zeros without intercept).
    """

    X: np.ndarray | sp.csc_matrix
    Y: np.ndarray
    classes: np.ndarray
    s: np.ndarray
    scale: np.ndarray | None
    fit_intercept: bool
    primal_at_zero: float
    offset: np.ndarray | None
    null_intercept: np.ndarray

    def predictor(self, W, intercept):
        """``Z = XW + 1bᵀ + O``, the linear predictors (n × K)."""
        Z = np.asarray(self.X @ W) + intercept
        return Z if self.offset is None else Z + self.offset

    @cached_property
    def squares(self):
        """X with every entry squared (for the rows' model curvatures)."""
        return self.X.multiply(self.X).tocsc() if sp.issparse(self.X) else self.X * self.X


def prepare_multinomial(X, y, sample_weight=None, standardize=False, fit_intercept=True,
                        offset=None):  # fmt: skip
    """Validate and lay out a multinomial problem once (:class:`MultinomialData`); the
    labels may be of any sortable type (numbers, strings, booleans), the offset an
    (n_samples, n_classes) array, one column per sorted class.

    Examples
    --------
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> data = prepare_multinomial(X, ["a", "b", "c", "c"], offset=np.zeros((4, 3)))
    >>> data.classes.tolist(), data.null_intercept.round(3).tolist()
    (['a', 'b', 'c'], [-0.231, -0.231, 0.462])
    """
    X = check_matrix(X)
    n = X.shape[0]
    y = check_target_shape(y, n)
    if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        raise ValueError(f"y contains {int(np.sum(~np.isfinite(y)))} NaN or infinite label(s).")
    if y.dtype.kind == "O" and any(label is None for label in y):
        raise ValueError("y contains missing labels (None).")
    weights = check_sample_weight(sample_weight, n)
    Y, classes = one_hot(y, weights)
    offset = check_matrix_offset(offset, n, Y.shape[1])
    s = normalise_sample_weight(weights, n)
    X = X.tocsc() if sp.issparse(X) else np.asfortranarray(X)
    if X.dtype != np.float64:
        X = X.astype(np.float64)
    scale = None
    if standardize:
        scale = make_design(X, Y[:, 0], weights, fit_intercept).column_std()
        check_varying_columns(scale)
    null_intercept = LOSS.null_prediction(Y, s, fit_intercept, offset)
    primal_at_zero = LOSS.primal_at_zero(Y, s, fit_intercept, offset)
    return MultinomialData(X, Y, classes, s, scale, bool(fit_intercept), primal_at_zero,
                           offset, null_intercept)  # fmt: skip


def multinomial_weights(data, alpha, penalty):
    if not np.all(penalty.factors(data.X.shape[1]) > 0):
        raise ValueError("multinomial fits penalise every feature: each penalty factor "
                         "must be > 0.")  # fmt: skip
    if penalty.positive or penalty.boxed:
        raise ValueError("multinomial fits have no positivity or box constraint "
                         "(positive, lower, upper).")  # fmt: skip
    return penalty.weights(alpha, data.X.shape[1], data.scale)


def multinomial_alpha_max(data, penalty, grouped=False) -> float:
    """The smallest α with W = 0: ``max_j c_j/(ρ f_j σ_j)``, ``c_j`` the row norm
    (grouped) or largest entry (ungrouped) of ``Xᵀ s(Y − π)/n`` at the null model, π its
    probabilities: the priors (uniform without intercept), or with an offset
    ``softmax(1b₀ᵀ + O)`` row by row."""
    a, _ = multinomial_weights(data, 1.0, penalty)
    if data.offset is not None:
        null = LOSS.mean(data.null_intercept + data.offset)
    elif data.fit_intercept:
        null = LOSS.priors(data.Y, data.s)
    else:
        null = np.full(data.Y.shape[1], 1.0 / data.Y.shape[1])
    n = data.Y.shape[0]
    corr = np.asarray(data.X.T @ ((data.s / n)[:, None] * (data.Y - null)))
    magnitude = np.linalg.norm(corr, axis=1) if grouped else np.max(np.abs(corr), axis=1)
    if not np.any(a > 0):
        return np.inf
    return float(np.max(magnitude[a > 0] / a[a > 0]))


def solve_multinomial_prepared(data, a, b, grouped, *, tol, max_iter, coef_init=None,
                               intercept_init=None, certify_start=True):  # fmt: skip
    """Proximal Newton with working sets (module docstring) on a prepared problem, with
    the penalty weights ``a = α ρ f σ`` and ``b = α (1 − ρ) f σ²``. Returns a
    :class:`~shrinkage.solvers.SolverResult` whose ``coef`` is (p, K) and ``intercept``
    (K,).

    With ``certify_start=False`` (a path's start that the last α showed to need steps)
    the first working set comes from the KKT residuals alone and a step is taken before
    the first certificate, as :func:`shrinkage.solvers.logistic.prox_newton` does; a start
    no step can improve is then certified as it is."""
    X, Y, s = data.X, data.Y, data.s
    p, K = X.shape[1], Y.shape[1]
    W = np.zeros((p, K)) if coef_init is None else np.array(coef_init, dtype=np.float64)
    intercept = data.null_intercept
    if intercept_init is not None and data.fit_intercept:
        intercept = np.array(intercept_init, dtype=np.float64)
    point = Point.at(data, data.predictor(W, intercept))
    ws_size, n_steps, history = _FIRST_WORKING_SET, 0, []
    unresolved_gap = np.inf  # the gap at the last step taken below the resolution
    cert = None
    while True:
        if certify_start or n_steps > 0:
            cert, gradient, _ = certify_multinomial_prediction(
                X, Y, s, point.Z, W, a, b, grouped, data.fit_intercept, data.primal_at_zero,
                data.offset,
            )  # fmt: skip
            history.append(cert.relative_gap)
            if cert.relative_gap <= tol or n_steps >= max_iter:
                break
            kkt = cert.kkt_residual
        else:  # the first step of an uncertified start: its KKT residuals only
            kkt = row_kkt(W, np.asarray(X.T @ point.G), a, b, grouped)
        violation = np.max(np.abs(point.G.sum(axis=0))) if data.fit_intercept else 0.0
        target = _WORKING_SET_TOL * max(float(np.max(kkt, initial=0.0)), violation)
        nonzero = np.any(W != 0, axis=1)
        size = min(p, max(ws_size, 2 * int(nonzero.sum())))
        score = np.where(nonzero, np.inf, kkt)
        features = np.sort(np.argpartition(-score, size - 1)[:size]).astype(np.int64)
        ws_size = min(p, 2 * size)
        progress = False
        while n_steps < max_iter:
            W_new, U, step_b = model_step(data, features, W, point, a, b, grouped,
                                           _MODEL_TOL * target)  # fmt: skip
            n_steps += 1
            # the step moves the working set's rows only: the penalty's change is theirs
            start, a_ws, b_ws = W[features], a[features], b[features]
            step = W_new[features] - start
            decrease = float(np.vdot(point.G, U)) + penalty_change(start, step, a_ws, b_ws,
                                                                   grouped)  # fmt: skip
            t = 1.0
            while decrease < 0.0 and t > 1e-10:
                change = LOSS.loss_change(Y, point.Z, t * U, s, point.P) + penalty_change(
                    start, t * step, a_ws, b_ws, grouped
                )
                if change <= _ARMIJO * t * decrease:
                    break
                t *= 0.5
            if not (decrease < 0.0 and t > 1e-10):
                # no descent the objective resolves: a step predicted to change it by
                # less than its rounding is taken (the next certificate judges it) while
                # each such step halves the gap
                if cert is None:
                    break  # an uncertified start: certify it first
                resolution = _RESOLUTION * max(abs(cert.primal), 1e-300)
                if abs(decrease) > resolution or not cert.relative_gap < 0.5 * unresolved_gap:
                    break  # no descent left at machine precision
                unresolved_gap, t = cert.relative_gap, 1.0
            progress = True
            W[features] = start + t * step
            intercept = intercept + t * step_b
            point = Point.at(data, point.Z + t * U)
            ws_gradient = np.asarray(X[:, features].T @ point.G)
            ws_kkt = row_kkt(W[features], ws_gradient, a[features], b[features], grouped)
            violation = np.max(np.abs(point.G.sum(axis=0))) if data.fit_intercept else 0.0
            if max(float(np.max(ws_kkt, initial=0.0)), violation) <= target:
                break
        if not progress and size == p:
            if cert is None:  # no step from an uncertified start: certify it now
                certify_start = True
                continue
            break
    intercept = intercept - intercept.mean()  # softmax ignores a common shift: glmnet's
    return SolverResult(W, intercept, cert, n_steps, cert.relative_gap <= tol, tol,
                        "prox_newton", np.asarray(history))  # fmt: skip


def solve_multinomial(
    X, y, alpha, penalty: Penalty | None = None, *, grouped=False, fit_intercept=True,
    sample_weight=None, standardize=False, tol=1e-4, max_iter=100, coef_init=None,
    intercept_init=None, offset=None,
) -> SolverResult:  # fmt: skip
    """Minimise the mean multinomial log-loss plus ``α · penalty(W)`` and certify it.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Labels of K ≥ 2 classes (any sortable values; ``coef[:, k]`` is the k-th of the
        sorted classes).
    alpha : float
        α ≥ 0 (glmnet's λ).
    penalty : Penalty, default ``L1()``
        ρ and penalty factors (all > 0); no positivity.
    grouped : bool
        Penalise each feature's row ``‖W_j‖₂`` (a feature enters all classes or none)
        instead of its entries.
    fit_intercept, sample_weight, standardize, tol, max_iter, coef_init, intercept_init
        As :func:`~shrinkage.solvers.logistic.solve_logistic`.
    offset : array-like of shape (n_samples, n_classes), optional
        The fixed part O of the linear predictors ``Z = XW + 1bᵀ + O`` (glmnet's
        multinomial ``offset``), one column per sorted class; not penalised, not fitted.
        The intercepts are those of the model with the offset.

    Returns
    -------
    SolverResult
        ``coef`` of shape (n_features, n_classes), ``intercept`` (n_classes,), the
        intercepts centred (their sum is free: softmax ignores a common shift).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [0.5, 1.0], [2.5, 0.5]])
    >>> y = np.array([0, 0, 1, 2, 0, 2])
    >>> res = solve_multinomial(X, y, alpha=0.05, tol=1e-8)
    >>> res.coef.shape, res.relative_gap <= 1e-8
    ((2, 3), True)

    An offset that is the same in every row only moves the intercepts:

    >>> shifted = solve_multinomial(X, y, alpha=0.05, tol=1e-12,
    ...                             offset=np.tile([0.5, 0.0, -0.5], (6, 1)))
    >>> plain = solve_multinomial(X, y, alpha=0.05, tol=1e-12)
    >>> bool(np.allclose(shifted.coef, plain.coef, atol=1e-8))
    True
    >>> bool(np.allclose(plain.intercept - shifted.intercept, [0.5, 0.0, -0.5], atol=1e-6))
    True
    """
    penalty = L1() if penalty is None else penalty
    alpha = check_alpha(alpha)
    data = prepare_multinomial(X, y, sample_weight, standardize, fit_intercept, offset)
    a, b = multinomial_weights(data, alpha, penalty)
    return solve_multinomial_prepared(
        data,
        a,
        b,
        grouped,
        tol=tol,
        max_iter=max_iter,
        coef_init=coef_init,
        intercept_init=intercept_init,
    )
