"""The diamond / circle picture for a pair of the report's features.

Restricted to two standardised features (centred, unit variance, as the penalty sees
them), the loss is a quadratic ``½ (v − v̂)ᵀ H (v − v̂)`` up to a constant
(:class:`shrinkage.lab.geometry.QuadraticProblem`):

* squared loss ``1/(2n)‖y − X v − b‖²``: exactly, with ``H = X_sᵀX_s/n`` and v̂ least
  squares on the centred data;
* log-loss and half the Poisson deviance (counts, with the log of their exposures as
  offset): the second-order (Newton) approximation around the unpenalised two-feature
  fit v̂, with the intercept profiled out (``H`` the Schur complement of the intercept in
  the 3 × 3 Hessian).

For each α of the lasso grid, the 2-D lasso ``min ½ (v − v̂)ᵀH(v − v̂) + α‖v‖₁`` is solved
exactly (:func:`lasso_2d`); its L1 norm t is the diamond's budget, and
:func:`shrinkage.lab.geometry.constrained_l2` gives the optimum on the circle of the same
radius t. The contour of the loss through each optimum is an ellipse centred at v̂
with semi-axes ``√(2·loss/λ_i)`` along H's eigenvectors; the explorer only draws these
numbers.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..lab.geometry import QuadraticProblem, constrained_l2
from .refit import unpenalised_fit

__all__ = [
    "explorer_geometry",
    "find_pair",
    "lasso_2d",
    "pair_geometry",
    "pair_problem",
    "strongest_features",
    "strongest_pair",
]


def pair_problem(X_standardized, y, pair, task, exposure=None) -> QuadraticProblem:
    """The quadratic of the two-feature sub-problem (see the module docstring); a count
    task's ``exposure`` enters as the offset ``log(exposure)``."""
    columns = X_standardized[:, list(pair)]
    if task == "regression":
        return QuadraticProblem.from_data(columns, y - y.mean())
    # a whisper of ridge on the two slopes keeps the fit finite should the features
    # separate the classes
    offset = None if exposure is None else np.log(exposure)
    fit = unpenalised_fit(columns, y, "poisson" if task == "count" else "logistic",
                          offset=offset)  # fmt: skip
    full = fit.hessian
    hessian = full[:2, :2] - np.outer(full[:2, 2], full[2, :2]) / full[2, 2]
    return QuadraticProblem(hessian, fit.coef)


def lasso_2d(problem: QuadraticProblem, alpha: float) -> np.ndarray:
    """Exact minimiser of ``½ (v − v̂)ᵀH(v − v̂) + α‖v‖₁`` in two dimensions.

    The problem is unconstrained and convex, so the minimiser is the best of the
    candidates of each support and sign pattern (origin, one axis with soft-thresholding,
    both coordinates by a 2 × 2 solve); near-ties go to the candidate with more exact
    zeros, so a coordinate the geometry removes is 0.0.

    Examples
    --------
    >>> from shrinkage.lab.geometry import make_problem
    >>> lasso_2d(make_problem(0.0, [2.0, 0.5]), 1.0)
    array([1., 0.])
    """
    H, c = problem.hessian, problem.hessian @ problem.ols
    candidates = [np.zeros(2)]
    for j in (0, 1):
        w = np.zeros(2)
        w[j] = np.sign(c[j]) * max(abs(c[j]) - alpha, 0.0) / H[j, j]
        candidates.append(w)
    for signs in ((1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)):
        candidates.append(np.linalg.solve(H, c - alpha * np.array(signs)))

    def objective(w):
        return float(problem.loss(w)) + alpha * float(np.abs(w).sum())

    values = np.array([objective(w) for w in candidates])
    slack = 1e-12 * (abs(values.min()) + float(problem.loss(np.zeros(2))))
    near = [k for k in range(len(candidates)) if values[k] <= values.min() + slack]
    best = max(near, key=lambda k: (int(np.sum(candidates[k] == 0.0)), -values[k]))
    return candidates[best]


def _ellipse(problem, eigenvalues, point):
    level = max(float(problem.loss(point)), 0.0)
    return np.sqrt(2.0 * level / eigenvalues)


def pair_geometry(problem: QuadraticProblem, alphas) -> dict:
    """Numbers to draw the pair at each α: budgets, both optima, their contour ellipses.

    Returns a dict of lists: ``budget`` (n_alphas,), ``l1`` and ``l2`` optima
    (n_alphas × 2), ``l1_radii`` and ``l2_radii`` (n_alphas × 2, semi-axes of the contour
    ellipse along the eigenvectors), and per pair ``ols``, ``angle`` (degrees of the first
    eigenvector) and ``extent`` (half-width of the view).
    """
    eigenvalues, eigenvectors = np.linalg.eigh(problem.hessian)
    angle = float(np.degrees(np.arctan2(eigenvectors[1, 0], eigenvectors[0, 0])))
    budgets, l1, l2, l1_radii, l2_radii = [], [], [], [], []
    for alpha in np.asarray(alphas, dtype=float):
        w1 = lasso_2d(problem, alpha)
        budget = float(np.abs(w1).sum())
        w2 = constrained_l2(problem, budget) if budget > 0 else np.zeros(2)
        budgets.append(budget)
        l1.append(w1.tolist())
        l2.append(w2.tolist())
        l1_radii.append(_ellipse(problem, eigenvalues, w1).tolist())
        l2_radii.append(_ellipse(problem, eigenvalues, w2).tolist())
    extent = 1.15 * max(float(np.abs(problem.ols).max()), max(budgets), 1e-12)
    return {
        "budget": budgets, "l1": l1, "l2": l2, "l1_radii": l1_radii, "l2_radii": l2_radii,
        "ols": problem.ols.tolist(), "angle": angle, "extent": extent,
    }  # fmt: skip


def strongest_features(data, k: int) -> list[int]:
    """Indices of up to ``k`` features, strongest first: largest standardised coefficient
    of the chosen model, then earliest entry on the lasso path."""
    strength = np.abs(data.chosen.coef) * data.feature_std
    entry = data.run("lasso").path.entry_alpha
    order = sorted(range(data.n_features), key=lambda j: (-strength[j], -entry[j], j))
    return order[: min(k, data.n_features)]


def _collinear(X_standardized, i, j) -> bool:
    """Whether two standardised columns are (numerically) exactly collinear: their
    two-feature problem has a singular Hessian and no unique least-squares point."""
    correlation = float(np.mean(X_standardized[:, i] * X_standardized[:, j]))
    return abs(correlation) > 1.0 - 1e-9


def strongest_pair(data):
    """The strongest two features whose sub-problem is well posed (not collinear);
    ``None`` when there is no such pair."""
    X_standardized = (data.X - data.feature_mean) / data.feature_std
    order = strongest_features(data, data.n_features)
    for i, j in combinations(order, 2):
        if not _collinear(X_standardized, i, j):
            return i, j
    return None


def find_pair(geometry: dict, first: int, second: int):
    """The entry of ``geometry["pairs"]`` for features ``first`` and ``second`` (in either
    order) and whether its numbers are in the other order; ``(None, False)`` if absent.

    Each entry names its own two features, in the order of its numbers (w₁, w₂), so
    there is no key to agree on: the explorer's script looks pairs up the same way.
    """
    for entry in geometry["pairs"]:
        if entry["features"] == [first, second]:
            return entry, False
        if entry["features"] == [second, first]:
            return entry, True
    return None, False


def explorer_geometry(data, max_features: int = 8) -> dict:
    """Geometry of every pair among the strongest ``max_features`` features.

    Returns ``{"features": [indices, strongest first], "pairs": [entries]}`` on the lasso
    grid. Each entry has ``features`` ``[i, j]`` (w₁ is feature i, w₂ feature j) and
    either the numbers of :func:`pair_geometry` or ``skipped``: why the pair has no
    picture (exactly collinear columns have no unique unpenalised fit). ``pairs`` is
    empty with fewer than two features; :func:`find_pair` looks an entry up.
    """
    features = strongest_features(data, max_features)
    X_standardized = (data.X - data.feature_mean) / data.feature_std
    alphas = data.run("lasso").path.alphas
    names = data.feature_names
    pairs = []
    for i, j in combinations(features, 2):
        entry = {"features": [int(i), int(j)]}
        if _collinear(X_standardized, i, j):
            entry["skipped"] = (
                f"{names[i]} and {names[j]} are exactly collinear (correlation ±1): their "
                "two-feature fit has no unique optimum, so there is no picture to draw."
            )
        else:
            problem = pair_problem(X_standardized, data.y, (i, j), data.task, data.exposure)
            entry.update(pair_geometry(problem, alphas))
        pairs.append(entry)
    return {"features": [int(j) for j in features], "pairs": pairs}
