"""The logistic and Poisson paths: one prepared problem, one proximal-Newton solve per α.

:func:`glm_path` is ``shrinkage.path(..., loss="logistic" | "poisson")``; :func:`solve_path`
is its loop, and that of every fold of
:class:`~shrinkage.selection.SparseLogisticRegressionCV` and of the Poisson CV. The problem is
validated and laid out once (:func:`~shrinkage.solvers.logistic_data.prepare_logistic`:
weights, standardisation, dense or sparse layout), then each α is solved by
:func:`~shrinkage.solvers.logistic.solve_prepared` from the previous solution, to the
same relative duality gap ``tol`` as :func:`~shrinkage.solvers.logistic.solve_logistic`
with the same certificate. The loss at the last predictor of one α (its gradient and dual
point) is handed to the next, whose first certificate then costs O(p).

For the log-loss with every feature penalised and no offset (every path of the
estimators but those with a zero penalty factor), on float64 data or float32 data whose
float64 copy is at most 64 MiB, the loop runs compiled, in one call
(:mod:`shrinkage.path.logistic_compiled`): the same steps and certificates without the
Python between them. The loop below serves the other problems.

Calling ``solve_logistic`` at each α instead validates and prepares the data, and
certifies the warm start from scratch, at every point: the ten fold paths of a 100-α CV
on saheart twice as long that way (``benchmarks/cv_glmnet.py`` times the CV).
"""

from __future__ import annotations

import time

import numpy as np

from .._kernels.logistic_loss import GAP_ROUNDING
from .._validation import check_tol, working_dtype
from ..certificates.logistic import gap_safe_zeros
from ..losses import LogisticLoss, PoissonLoss, SquaredLoss
from ..solvers.logistic import prepared_alpha_max, solve_prepared
from ..solvers.logistic_data import GLMData, prepare_glm, prepare_logistic
from ..solvers.logistic_point import loss_at
from .grid import alpha_grid, grid_l1_ratio
from .logistic_compiled import compiled_path, covers
from .points import assemble, new_points, output_rows
from .prediction import secant_coefficients, secant_intercept

__all__ = ["GLM_LOSSES", "GLMData", "glm_path", "prepare_logistic", "prepared_alpha_max",
           "solve_path"]  # fmt: skip

#: the losses this module's paths solve, by the name :func:`shrinkage.path` takes
GLM_LOSSES = {"logistic": LogisticLoss(), "poisson": PoissonLoss()}
#: with box constraints (:mod:`shrinkage.solvers.box`), the squared loss too
BOXED_LOSSES = {"squared": SquaredLoss(), **GLM_LOSSES}


def glm_path(X, y, request, loss):
    """The path of a :class:`~shrinkage.path.points.PathRequest` for the loss named
    ``loss`` (a key of :data:`GLM_LOSSES`, or ``"squared"`` with box constraints:
    :data:`BOXED_LOSSES`), before any warning."""
    start = time.perf_counter()
    penalty = request.penalty
    tol = check_tol(request.tol, working_dtype(X))
    data = prepare_glm(BOXED_LOSSES[loss], X, y, request.sample_weight, request.standardize,
                       request.fit_intercept, request.offset)  # fmt: skip
    n, p = data.X.shape
    grid_penalty = penalty.with_l1_ratio(grid_l1_ratio(penalty.l1_ratio))
    alphas = alpha_grid(
        lambda: prepared_alpha_max(data, grid_penalty), request.n_alphas,
        request.alpha_min_ratio, alphas=request.alphas, shape=(n, p),
        l1_ratio=penalty.l1_ratio,
    )  # fmt: skip
    rows = output_rows(request.coef_format, alphas.size, p, np.float64)
    points = solve_path(data, penalty, alphas, tol=tol, max_iter=request.max_iter, rows=rows)
    strategy = "proximal_newton"
    if penalty.boxed:
        strategy = "box_cd" if loss == "squared" else "box_newton"
    return assemble(alphas, rows.finish(), points, request, loss, start, strategy, tol)


def solve_path(data, penalty, alphas, *, tol, max_iter, rows, screen=True):
    """Solve every α of a decreasing grid, each warm-started from the previous one.

    Parameters
    ----------
    data : GLMData
        The prepared problem (:func:`prepare_logistic`, :func:`prepare_glm`).
    penalty : Penalty
    alphas : ndarray of shape (n_alphas,)
        The grid, decreasing.
    tol : float
        Relative duality gap to certify at every α.
    max_iter : int
        Newton steps per α.
    rows : object with ``store(k, coef)``
        Where the coefficients of point k go (:class:`shrinkage.path.rows.DenseRows` or
        ``SparseRows``).
    screen : bool
        Count the features the gap-safe test proves zero at each point (False: 0, for
        callers that do not report it, such as the folds of a cross-validation).

    Returns
    -------
    points : structured ndarray of shape (n_alphas,)
        Per point (:data:`shrinkage.path.points.POINT_FIELDS`): intercept, duality gap,
        relative gap, Newton steps, seconds, and ``n_screened``: the features proven
        zero at the optimum by the gap-safe sphere test at the certified point
        (:func:`~shrinkage.certificates.logistic.gap_safe_zeros`; 0 where the dual point
        is the general one: unpenalised features, float32 data too large to copy).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import L1
    >>> from shrinkage.path.rows import DenseRows
    >>> X = np.array([[1.0, 0.2], [0.1, 1.0], [1.2, 0.9], [0.0, 0.1], [0.9, 0.0]])
    >>> y = np.array([1.0, 0.0, 1.0, 0.0, 0.0])
    >>> data = prepare_logistic(X, y)
    >>> alphas = prepared_alpha_max(data, L1()) * np.array([1.0, 0.3, 0.1])
    >>> rows = DenseRows(np.zeros((3, 2)))
    >>> points = solve_path(data, L1(), alphas, tol=1e-6, max_iter=100, rows=rows)
    >>> rows.coefs[0], bool(np.all(points["relative_gap"] <= 1e-6))
    (array([0., 0.]), True)
    """
    if covers(data, penalty) and not penalty.boxed:
        points = compiled_path(data, penalty, alphas, tol=tol, max_iter=max_iter, rows=rows,
                               screen=screen)  # fmt: skip
        if points is not None:
            return points
    points = new_points(alphas.shape[0])
    w = intercept = point = previous = result = None
    predicting = False  # from the first α that needs a second Newton step on
    for k, alpha in enumerate(alphas):
        tick = time.perf_counter()
        start = (w, intercept, point)
        if predicting and previous is not None and point is not None and not penalty.boxed:
            start = _predicted_start(data, penalty, alphas, k, start, previous)
        # a start is certified first only where the last one was optimal as it came
        certify = start[0] is w and (result is None or result.n_iter == 0)
        result, point = solve_prepared(
            data, float(alpha), penalty, tol=tol, max_iter=max_iter, coef_init=start[0],
            intercept_init=start[1], point=start[2], certify_start=certify,
        )  # fmt: skip
        previous = None if w is None else (w, intercept)
        w, intercept = result.coef, result.intercept
        predicting = predicting or result.n_iter > 1
        rows.store(k, w)
        points[k] = (
            intercept, result.dual_gap, result.relative_gap, result.n_iter,
            time.perf_counter() - tick,
            _screened(data, penalty, float(alpha), w, point, result.dual_gap) if screen else 0,
        )  # fmt: skip
    return points


def _predicted_start(data, penalty, alphas, k, start, previous):
    """The start of α_k: the secant through the last two solutions
    (:mod:`shrinkage._kernels.prediction`) where its objective at α_k is lower than the
    warm start's, else the warm start; ``(w, intercept, point)`` either way."""
    w, intercept, point = start
    guess = secant_coefficients(w, previous[0], alphas, k)
    guess_intercept = intercept
    if data.fit_intercept:
        guess_intercept = secant_intercept(intercept, previous[1], alphas, k)
    guess_point = loss_at(data, data.predictor(guess, guess_intercept))
    a, b = penalty.weights(float(alphas[k]), w.shape[0], data.scale)

    def objective(v, at):
        return at.loss + float(a @ np.abs(v) + 0.5 * b @ (v * v))

    if objective(guess, guess_point) < objective(w, point):
        return guess, guess_intercept, guess_point
    return start


def _screened(data, penalty, alpha, w, point, gap):
    """How many features the gap-safe test proves zero at the certified point (none for
    a loss whose dual is not strongly concave: Poisson has no gap-safe sphere)."""
    if point is None or point.correlation is None or not isinstance(data.loss, LogisticLoss):
        return 0
    a, b = penalty.weights(alpha, w.shape[0], data.scale)
    # no radius below the gap's rounding (GAP_ROUNDING)
    floor = GAP_ROUNDING * (point.loss + float(a @ np.abs(w) + 0.5 * b @ (w * w)))
    zero = gap_safe_zeros(point.correlation, w, a, b, penalty.positive, max(gap, floor),
                          data.dual_column_norms, data.s)  # fmt: skip
    return int(np.count_nonzero(zero))
