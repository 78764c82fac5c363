"""Two-feature least squares: the diamond, the circle, and where the contours touch them.

For two features the least-squares loss ``1/(2n)‖y − Xw‖²`` is, up to a constant, the
quadratic ``½ (w − w_ols)ᵀ H (w − w_ols)`` with ``H = XᵀX/n``: elliptical contours
centred at the least-squares solution ``w_ols``. The constrained problems

    L1:  minimise the loss subject to |w₁| + |w₂| ≤ t      (the diamond)
    L2:  minimise the loss subject to √(w₁² + w₂²) ≤ t     (the circle)

are the penalised lasso and ridge problems in another parametrisation (each budget ``t``
corresponds to one α). Both are solved *exactly* here:

* L1 by a direct 2-D method: the minimiser is ``w_ols`` if it is feasible, else it lies on
  the boundary, i.e. in the interior of one of the four edges (the minimiser of the
  quadratic on the edge's line, in closed form) or at one of the four vertices
  ``(±t, 0), (0, ±t)``; the best feasible candidate is the answer. A vertex is exactly on an
  axis, so a coordinate that the geometry sets to zero *is* 0.0. (An edge point closer
  than ``1e-12·t`` to a vertex is treated as the vertex: an error of at most that size.)
* L2 from ``w(α) = (H + αI)⁻¹ H w_ols`` with the α that makes ``‖w(α)‖ = t``, found by
  bisection on the eigen-decomposition of H to machine precision.

The picture of the penalty alone is :func:`penalty_gradient_field`: arrows ``−sign(w)`` for
L1 (every arrow at 45°, so a point slides to an axis before the origin) and ``−w`` for L2
(pointing at the origin). It leaves the loss out; with the loss in, the picture is the
contours touching the diamond or the circle (:func:`constraint_geometry`; Hastie,
Tibshirani & Friedman, *The Elements of Statistical Learning*, Figure 3.11), and the
statement that survives is :func:`axis_fraction`: over random problems, the L1 optimum is
on an axis for a large fraction of budgets, the L2 optimum essentially never.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "QuadraticProblem",
    "make_problem",
    "constrained_l1",
    "constrained_l2",
    "budget_path",
    "ConstraintGeometry",
    "constraint_geometry",
    "penalty_gradient_field",
    "axis_fraction",
    "AxisFraction",
]


@dataclass(frozen=True)
class QuadraticProblem:
    """``loss(w) = ½ (w − ols)ᵀ hessian (w − ols)``: 2-feature least squares up to a constant.

    Its contours are ellipses centred at ``ols``; :func:`make_problem` builds one from a
    feature correlation, :meth:`from_data` from a design of two columns.

    Attributes
    ----------
    hessian : ndarray of shape (2, 2)
        ``XᵀX/n``, symmetric positive definite.
    ols : ndarray of shape (2,)
        The unconstrained (least-squares) minimiser.
    """

    hessian: np.ndarray
    ols: np.ndarray

    @classmethod
    def from_data(cls, X, y) -> QuadraticProblem:
        """The quadratic of ``1/(2n)‖y − Xw‖²`` for X of shape (n, 2) (no intercept)."""
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
            raise ValueError(f"need X of shape (n, 2) and y of shape (n,), got {X.shape}.")
        hessian = X.T @ X / X.shape[0]
        return cls(hessian, np.linalg.solve(hessian, X.T @ y / X.shape[0]))

    def loss(self, w) -> np.ndarray:
        """Loss at points ``w`` of shape (..., 2)."""
        d = np.asarray(w, dtype=float) - self.ols
        return 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)

    def loss_grid(self, limits=(-3.0, 3.0), n_points=201):
        """``(W1, W2, loss)`` on a square grid, for contour plots."""
        axis = np.linspace(limits[0], limits[1], n_points)
        W1, W2 = np.meshgrid(axis, axis)
        return W1, W2, self.loss(np.stack([W1, W2], axis=-1))


def make_problem(correlation: float, ols) -> QuadraticProblem:
    """Problem with unit-variance features of the given correlation and OLS solution.

    Examples
    --------
    >>> problem = make_problem(0.5, [2.0, 1.0])
    >>> constrained_l1(problem, 1.0)
    array([1., 0.])
    """
    if not -1.0 < correlation < 1.0:
        raise ValueError(f"correlation must be in (-1, 1), got {correlation!r}.")
    ols = np.asarray(ols, dtype=float)
    if ols.shape != (2,):
        raise ValueError(f"ols must have 2 entries, got shape {ols.shape}.")
    return QuadraticProblem(np.array([[1.0, correlation], [correlation, 1.0]]), ols)


def _check_budget(budget):
    if not np.isfinite(budget) or budget <= 0:
        raise ValueError(f"budget must be a finite number > 0, got {budget!r}.")


def constrained_l1(problem: QuadraticProblem, budget: float) -> np.ndarray:
    """Exact minimiser of the loss subject to ``|w₁| + |w₂| ≤ budget``.

    The candidates are ``ols`` (if feasible), the four vertices and the four edge-line
    minimisers (Lagrange: ``w = ols − μ H⁻¹ s`` with ``sᵀw = t`` for the sign pattern
    ``s`` of the edge) that fall inside their edge; the best one is returned.
    """
    _check_budget(budget)
    H, ols = problem.hessian, problem.ols
    if np.abs(ols).sum() <= budget:
        return ols.copy()
    t = float(budget)
    candidates = [np.array(v) for v in ((t, 0.0), (-t, 0.0), (0.0, t), (0.0, -t))]
    for s in ((1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)):
        s = np.array(s)
        direction = np.linalg.solve(H, s)
        mu = (s @ ols - t) / (s @ direction)
        w = ols - mu * direction
        # Keep it only if strictly inside this edge: a point within rounding (1e-12·t) of a
        # vertex is that vertex, which is in the list already with its exact zero.
        if np.all(s * w > 1e-12 * t):
            candidates.append(w)
    losses = [float(problem.loss(w)) for w in candidates]
    return candidates[int(np.argmin(losses))]


def constrained_l2(problem: QuadraticProblem, budget: float) -> np.ndarray:
    """Exact minimiser of the loss subject to ``‖w‖₂ ≤ budget`` (ridge in constrained form).

    Examples
    --------
    >>> w = constrained_l2(make_problem(0.5, [2.0, 1.0]), 1.0)
    >>> round(float(np.linalg.norm(w)), 12), bool(np.all(w != 0))
    (1.0, True)
    """
    _check_budget(budget)
    H, ols = problem.hessian, problem.ols
    if np.linalg.norm(ols) <= budget:
        return ols.copy()
    eigenvalues, eigenvectors = np.linalg.eigh(H)
    c = eigenvectors.T @ (H @ ols)  # w(α) = V diag(1/(λ_i + α)) c

    def norm(alpha):
        return np.sqrt(np.sum((c / (eigenvalues + alpha)) ** 2))

    low, high = 0.0, max(np.linalg.norm(c) / budget, 1.0)
    while norm(high) > budget:  # ‖w(α)‖ decreases in α; make sure the root is bracketed
        high *= 2.0
    for _ in range(200):  # bisection to the last bit
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        low, high = (middle, high) if norm(middle) > budget else (low, middle)
    return eigenvectors @ (c / (eigenvalues + high))


def budget_path(problem: QuadraticProblem, budgets):
    """Constrained L1 and L2 optima for each budget: two arrays of shape (len(budgets), 2)."""
    budgets = np.asarray(budgets, dtype=float)
    l1 = np.array([constrained_l1(problem, t) for t in budgets])
    l2 = np.array([constrained_l2(problem, t) for t in budgets])
    return l1, l2


@dataclass(frozen=True)
class ConstraintGeometry:
    """Loss contours, a budget and the constrained L1 and L2 optima, ready to draw.

    Attributes
    ----------
    budget : float
    ols : ndarray of shape (2,)
        The unconstrained minimiser.
    l1, l2 : ndarray of shape (2,)
        :func:`constrained_l1` and :func:`constrained_l2` at ``budget``.
    W1, W2, loss : ndarray of shape (n_points, n_points)
        :meth:`QuadraticProblem.loss_grid` over ``limits`` in both coordinates.
    limits : (float, float)
    touching : tuple of float
        The loss at the two optima (sorted, distinct): the contours that touch the
        constraint regions.
    """

    budget: float
    ols: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    W1: np.ndarray
    W2: np.ndarray
    loss: np.ndarray
    limits: tuple[float, float]
    touching: tuple[float, ...]


def constraint_geometry(problem: QuadraticProblem, budget: float, *, limits=None):
    """Both constrained optima at ``budget`` and the loss on a grid around them.

    ``limits`` default to ±1.3 times the largest of ``budget`` and ``|ols|``.

    Examples
    --------
    >>> geometry = constraint_geometry(make_problem(0.6, [2.0, 0.8]), 1.0)
    >>> geometry.l1, geometry.limits
    (array([1., 0.]), (-2.6, 2.6))
    """
    w_l1, w_l2 = constrained_l1(problem, budget), constrained_l2(problem, budget)
    if limits is None:
        reach = max(np.abs(problem.ols).max(), budget) * 1.3
        limits = (-reach, reach)
    limits = (float(limits[0]), float(limits[1]))
    W1, W2, values = problem.loss_grid(limits)
    touching = tuple(sorted({float(problem.loss(w_l1)), float(problem.loss(w_l2))}))
    return ConstraintGeometry(
        float(budget), problem.ols, w_l1, w_l2, W1, W2, values, limits, touching
    )


def penalty_gradient_field(penalty: str = "l1", limits=(-2.0, 2.0), n_points=9):
    """The penalty's arrows: ``(W1, W2, U, V)`` with ``(U, V) = −∇penalty(W1, W2)``.

    L1: ``−sign(w)`` (minimum-norm subgradient, 0 on an axis coordinate); L2: ``−w``.
    """
    if penalty not in ("l1", "l2"):
        raise ValueError(f"penalty must be 'l1' or 'l2', got {penalty!r}.")
    axis = np.linspace(limits[0], limits[1], n_points)
    W1, W2 = np.meshgrid(axis, axis)
    if penalty == "l1":
        return W1, W2, -np.sign(W1), -np.sign(W2)
    return W1, W2, -W1, -W2


@dataclass(frozen=True)
class AxisFraction:
    """Monte-Carlo share of random 2-D problems whose constrained optimum is on an axis.

    Attributes
    ----------
    budget_ratios : ndarray
        Budget as a fraction of the unconstrained solution's norm (L1 norm for the
        diamond, L2 norm for the circle), so the constraint is active below 1.
    l1 : ndarray
        Fraction with a coordinate exactly 0 under the L1 constraint.
    l2 : ndarray
        The same under the L2 constraint.
    n_problems : int
    seed : int
    """

    budget_ratios: np.ndarray
    l1: np.ndarray
    l2: np.ndarray
    n_problems: int
    seed: int


def axis_fraction(budget_ratios=None, n_problems=500, seed=0) -> AxisFraction:
    """Fraction of random problems whose L1 / L2 constrained optimum has a zero coordinate.

    Problems: feature correlation uniform on (−0.9, 0.9) and least-squares solution
    standard normal in 2-D (a seeded draw). "On an axis" means a coordinate exactly 0.0.

    Examples
    --------
    >>> result = axis_fraction([0.5], n_problems=100, seed=0)
    >>> bool(result.l1[0] > 0.3), float(result.l2[0])
    (True, 0.0)
    """
    if budget_ratios is None:
        budget_ratios = np.linspace(0.05, 1.0, 20)
    budget_ratios = np.asarray(budget_ratios, dtype=float)
    if np.any(budget_ratios <= 0):
        raise ValueError("budget_ratios must be > 0.")
    rng = np.random.default_rng(seed)
    correlations = rng.uniform(-0.9, 0.9, n_problems)
    ols = rng.standard_normal((n_problems, 2))
    l1_hits = np.zeros(budget_ratios.size)
    l2_hits = np.zeros(budget_ratios.size)
    for rho, w in zip(correlations, ols, strict=True):
        problem = make_problem(rho, w)
        for k, ratio in enumerate(budget_ratios):
            l1_hits[k] += np.any(constrained_l1(problem, ratio * np.abs(w).sum()) == 0.0)
            l2_hits[k] += np.any(constrained_l2(problem, ratio * np.linalg.norm(w)) == 0.0)
    return AxisFraction(
        budget_ratios, l1_hits / n_problems, l2_hits / n_problems, int(n_problems), int(seed)
    )
