"""The block functions of distributed logistic regression, each one pass over the data.

For raw weights s, total ``W = Σ s_i``, labels y ∈ {0, 1} and the linear predictor
``z = Xw + b`` the objective is ``1/W Σ s_i [log(1 + e^{z_i}) − y_i z_i] + α·penalty(w)``
(:class:`shrinkage.losses.LogisticLoss` with the weights normalised to sum to n). Every
function here returns *sums over rows* (raw weights, not yet divided by W), so that
:func:`~shrinkage.distributed.blocks.combine` adds the blocks' results:

- :func:`block_moments`: W, the weight of class 1, the rows of each class with positive
  weight, and (for ``standardize``) the weighted column means and centred squares,
  merged pairwise (:class:`ColumnMoments`);
- :func:`block_state`: at (w, b), the loss, the gradient ``Xᵀ(s ∘ (σ(z) − y))``, the
  sums the duality gap needs (:class:`LogisticState`) and the weighted Gram matrix
  ``X_Fᵀ diag(s σ(1 − σ)) X_F`` of a working set F, the Newton model;
- :func:`block_loss_changes`: the change of the loss along a direction at several step
  sizes t, summed term by term (``log1p(σ(z)·expm1(t·u))``) so that a change far below
  ``ε·loss`` is still seen;
- :func:`block_step`: both of the last two, the state at t = 1 (a full Newton step is
  usually accepted: the next iteration then needs no other pass).

Bind the NumPy arguments with ``functools.partial``: the results are picklable.

:func:`certify_state` turns a state into the certificate of
:mod:`shrinkage.certificates.logistic` without another pass. Its dual point is
``θ = s ∘ (y − σ(z))/W`` corrected by ``−c·s σ(1 − σ)/W``, ``c = Σ s (y − σ)/Σ s σ(1 − σ)``,
so that ``1ᵀθ = 0`` (the in-memory certificate first refits the intercept by Newton on a
copy of z, which would cost passes); its mean is ``q = σ + c·v``, ``v = σ(1 − σ)``, then
shrunk to ``y − (y − q)/κ`` for the L1 constraint. The in-memory certificate sums the
entropy H row by row at the final mean; here ``Σ s H`` is bounded above from sums that do
not depend on c or κ, so the gap stays an upper bound on the suboptimality:

- Taylor's theorem from σ, with ``H'(σ(z)) = z`` and ``H''(q) = 1/(q(1 − q))``, which on
  the segment is at most ``1/(v(1 − ε)(1 − |c|)²)``, ``ε = 1 − 1/κ`` (for |c| < 1)::

      Σ s H(q_κ) ≤ Σ s H(σ) + (1 − ε) c Σ s v z + ε Σ s (y − σ) z
                   + ((1 − ε)² c² Σ s v + ε² Σ s e^{−ỹz}) / ((1 − ε)(1 − |c|)²),

  using ``(y − σ)²/v = e^{−ỹz}``, ỹ = 2y − 1: second order in c and ε, both of which
  vanish at the optimum;
- convexity of H with ``H(y) = 0``: ``H(q_κ) ≤ H(q)/κ`` (first order in ε, but free of
  the e^{−ỹz} of badly misclassified rows).

The smaller bound counts. On the tests' problems the gap is within a factor 2 of
:func:`~shrinkage.certificates.certify_logistic` at the same (w, b) where c ≈ 1e-5, and
equal to three digits once c and ε are below 1e-8.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import partial

import numpy as np
import scipy.sparse as sp

from .._kernels.logistic_sums import loss_changes, state_sums
from .._validation import check_varying_columns
from ..certificates import Certificate, penalty_value
from ..losses import LogisticLoss
from ..penalties import conjugate_weighted_enet, subdiff_distance
from .blocks import DistributedDataError
from .operations import ColumnMoments

__all__ = [
    "LogisticProblem",
    "LogisticMoments",
    "LogisticState",
    "block_loss_changes",
    "block_moments",
    "block_state",
    "block_step",
    "certify_state",
    "prepare_problem",
]

LOSS = LogisticLoss()


@dataclass(frozen=True, eq=False)
class LogisticMoments:
    """What one pass tells about the rows before any fit.

    Attributes
    ----------
    n_rows : int
    weight, weight_positive : float
        ``W = Σ s_i`` and ``Σ s_i y_i``.
    rows_per_class : ndarray of shape (2,)
        Rows with positive weight of class 0 and of class 1.
    columns : ColumnMoments or None
    """

    n_rows: int
    weight: float
    weight_positive: float
    rows_per_class: np.ndarray
    columns: ColumnMoments | None

    def merge(self, other):
        columns = None if self.columns is None else self.columns.merge(other.columns)
        return LogisticMoments(self.n_rows + other.n_rows, self.weight + other.weight,
                               self.weight_positive + other.weight_positive,
                               self.rows_per_class + other.rows_per_class, columns)  # fmt: skip


def block_moments(block, columns=False) -> LogisticMoments:
    """:class:`LogisticMoments` of one block; labels other than 0 and 1 raise.

    Raises
    ------
    DistributedDataError
        A label other than 0/1, naming the partition and the values found.
    """
    y, s = block.y, block.weights()
    bad = (y != 0) & (y != 1)
    if bad.any():
        found = np.unique(y[bad])[:5].tolist()
        raise DistributedDataError(
            f"partition {block.partition}: y must be coded 0/1 for logistic loss; found "
            f"values {found}."
        )
    weighted = s > 0
    counts = np.array([np.sum(weighted & (y == 0)), np.sum(weighted & (y == 1))])
    moments = ColumnMoments.of(block.X, s) if columns else None
    return LogisticMoments(block.n_rows, float(s.sum()), float(s @ y), counts, moments)


@dataclass(frozen=True, eq=False)
class LogisticState:
    """Sums over rows at one (w, b), with ``σ = σ(z)`` and ``v = σ(1 − σ)``.

    Attributes
    ----------
    loss : float
        ``Σ s [log(1 + e^z) − y z]``.
    gradient : ndarray of shape (p,)
        ``Xᵀ(s ∘ (σ − y))``.
    residual_sum : float
        ``Σ s (σ − y)``, the intercept's gradient.
    entropy : float
        ``Σ s H(σ)``, ``H(q) = q log q + (1 − q) log(1 − q)``.
    curvature_sum, curvature_z : float
        ``Σ s v`` and ``Σ s v z``.
    curvature_x : ndarray of shape (p,)
        ``Xᵀ(s ∘ v)``.
    residual_z, odds : float
        ``Σ s (σ − y) z`` and ``Σ s (y − σ)²/v = Σ s e^{−ỹz}`` (ỹ = 2y − 1).
    gram : ndarray of shape (k, k)
        ``X_Fᵀ diag(s ∘ v) X_F`` for the working set F of the pass.
    """

    loss: float
    gradient: np.ndarray
    residual_sum: float
    entropy: float
    curvature_sum: float
    curvature_z: float
    curvature_x: np.ndarray
    residual_z: float
    odds: float
    gram: np.ndarray

    def merge(self, other):
        return LogisticState(*(getattr(self, f.name) + getattr(other, f.name)
                               for f in fields(self)))  # fmt: skip


def _predictor(X, coef, intercept):
    return np.asarray(X @ coef, dtype=np.float64).ravel() + intercept


def _transposed(X, vector):
    return np.asarray(X.T @ vector, dtype=np.float64).ravel()


def _row_products(X, rows):
    """``rows @ X`` (each row vector times X) in one read of X, dense or sparse."""
    if sp.issparse(X):
        return np.asarray(X.T @ rows.T, dtype=np.float64).T
    return rows @ X


def block_state(block, coef, intercept, features) -> LogisticState:
    """:class:`LogisticState` of one block at ``(coef, intercept)``, with the Gram matrix
    of the columns ``features`` (an int array, possibly empty)."""
    X, y, s = block.X, block.y, block.weights()
    z = _predictor(X, coef, intercept)
    rows = np.empty((2, z.shape[0]))  # s(σ − y) and sσ(1 − σ)
    sums = state_sums(z, y, s, rows[0], rows[1])
    loss, entropy, residual_sum, curvature_sum, curvature_z, residual_z, odds = sums
    gradient, curvature_x = _row_products(X, rows)
    columns = X[:, features]
    if sp.issparse(columns):
        gram = (columns.T @ columns.multiply(rows[1][:, None])).toarray()
    else:
        gram = columns.T @ (rows[1][:, None] * columns)
    return LogisticState(
        loss=loss,
        gradient=np.ascontiguousarray(gradient),
        residual_sum=residual_sum,
        entropy=entropy,
        curvature_sum=curvature_sum,
        curvature_z=curvature_z,
        curvature_x=np.ascontiguousarray(curvature_x),
        residual_z=residual_z,
        odds=odds,
        gram=np.asarray(gram, dtype=np.float64),
    )


def block_loss_changes(block, coef, intercept, coef_step, intercept_step, steps):
    """``Σ s [ℓ(z + t u) − ℓ(z)]`` for each t of ``steps``, ``u = X·coef_step +
    intercept_step``; ℓ the log-loss of one row. Returns an ndarray like ``steps``.

    ``log(1 + e^{z + tu}) − log(1 + e^z) = log1p(σ(z)·expm1(tu))`` keeps the digits of
    small changes; for ``|tu| > 1`` the difference of the two terms is as accurate and
    cannot overflow (:func:`shrinkage._kernels.logistic_step.row_loss_change`).
    """
    X, y, s = block.X, block.y, block.weights()
    z = _predictor(X, coef, intercept)
    u = _predictor(X, coef_step, intercept_step)
    changes = np.empty(len(steps))
    loss_changes(z, u, np.asarray(steps, dtype=np.float64), y, s, changes)
    return changes


def block_step(block, coef, intercept, coef_step, intercept_step, steps, features):
    """``(block_loss_changes(...), block_state(...))``, the state at the full step
    ``(coef + coef_step, intercept + intercept_step)``: one pass for both."""
    changes = block_loss_changes(block, coef, intercept, coef_step, intercept_step, steps)
    state = block_state(block, coef + coef_step, intercept + intercept_step, features)
    return changes, state


@dataclass(frozen=True)
class LogisticProblem:
    """What one pass over the rows tells before any fit (:func:`prepare_problem`).

    Attributes
    ----------
    n_rows : int
    weight : float
        ``W = Σ s_i``.
    prior : float
        ``Σ s_i y_i / W``, the weighted share of class 1.
    scale : ndarray or None
        Column scales σ_j of ``standardize=True`` (weighted, 1/W, centred when the
        intercept is fitted), None for 1.
    fit_intercept : bool
    primal_at_zero : float
        P(0), the scale of the relative gap.
    null_intercept : float
        The intercept of the model without features.
    """

    n_rows: int
    weight: float
    prior: float
    scale: np.ndarray | None
    fit_intercept: bool
    primal_at_zero: float
    null_intercept: float


def prepare_problem(data, *, standardize=False, fit_intercept=True) -> LogisticProblem:
    """One pass: check the labels, both classes, and the column scales.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.distributed import ArrayBlocks
    >>> data = ArrayBlocks(np.eye(4), np.array([1.0, 0.0, 0.0, 0.0]), n_partitions=2)
    >>> problem = prepare_problem(data)
    >>> problem.prior, round(problem.primal_at_zero, 6)
    (0.25, 0.562335)
    """
    moments = data.reduce(partial(block_moments, columns=bool(standardize)), label="moments")
    if moments is None or moments.weight <= 0:
        raise ValueError("the data has no row with positive sample weight.")
    for label in (0, 1):
        if moments.rows_per_class[label] == 0:
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; no "
                f"row with positive weight has y = {label}."
            )
    prior = moments.weight_positive / moments.weight
    scale = None
    if standardize:
        scale = moments.columns.std(centred=bool(fit_intercept))
        check_varying_columns(scale, data.feature_names)
    # the two-row problem with class shares (prior, 1 − prior): the loss's own formulas
    labels, shares = np.array([1.0, 0.0]), 2.0 * np.array([prior, 1.0 - prior])
    return LogisticProblem(
        moments.n_rows, moments.weight, prior, scale, bool(fit_intercept),
        LOSS.primal_at_zero(labels, shares, fit_intercept),
        LOSS.null_prediction(labels, shares, fit_intercept),
    )  # fmt: skip


def certify_state(state, problem, w, l1_weight, l2_weight, positive=False) -> Certificate:
    """The certificate of (w, b) from its :class:`LogisticState`
    (module docstring: the dual point and the bounds)."""
    total = problem.weight
    gradient = state.gradient / total
    primal = state.loss / total + penalty_value(w, l1_weight, l2_weight, positive)
    kkt = subdiff_distance(w, gradient, l1_weight, l2_weight, positive)
    shift = 0.0
    if problem.fit_intercept and state.curvature_sum > 0:
        shift = -state.residual_sum / state.curvature_sum
    if abs(shift) >= 1.0:  # far from the intercept's optimum: no bound yet
        return Certificate.from_bounds(primal, -np.inf, problem.primal_at_zero, kkt)
    correlation = -gradient - shift * state.curvature_x / total
    hard = (l2_weight == 0) & (l1_weight > 0)
    shrink = 1.0
    if np.any(hard):
        magnitude = np.maximum(correlation, 0.0) if positive else np.abs(correlation)
        shrink = max(1.0, float(np.max(magnitude[hard] / l1_weight[hard])))
    # Σ s H(q) at the mean q = σ + c·v of the corrected dual point, bounded above
    distance = (1.0 - abs(shift)) ** 2
    at_corrected = (state.entropy + shift * state.curvature_z
                    + 0.5 * shift**2 * state.curvature_sum / distance)  # fmt: skip
    # ... and at the shrunk point's mean q + ε(y − q), ε = 1 − 1/κ: by convexity of H
    # (H(y) = 0), or by Taylor from σ; the smaller bound counts
    epsilon = 1.0 - 1.0 / shrink
    kept = 1.0 - epsilon
    by_taylor = (state.entropy + kept * shift * state.curvature_z - epsilon * state.residual_z
                 + (kept**2 * shift**2 * state.curvature_sum + epsilon**2 * state.odds)
                 / (kept * distance))  # fmt: skip
    entropy = min(at_corrected / shrink, by_taylor)
    dual = -entropy / total - conjugate_weighted_enet(
        correlation / shrink, l1_weight, l2_weight, positive
    )  # fmt: skip
    return Certificate.from_bounds(primal, dual, problem.primal_at_zero, kkt)
