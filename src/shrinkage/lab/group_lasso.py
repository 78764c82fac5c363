r"""The group lasso: whole groups of features enter and leave together.

Objective (Yuan & Lin 2006), in this package's ``1/(2n)`` scaling,

    1/(2n)‖y − Xw − b‖² + α Σ_g √p_g ‖w_g‖₂,

with ``p_g`` the size of group ``g``: the ``√p_g`` weight keeps large groups from being
penalised less per feature. The penalty is not differentiable where a whole ``w_g`` is 0,
so the solution has *group* zeros; inside a non-zero group it is smooth, so members are
generically all non-zero. The optimality (KKT) conditions read ``‖X_gᵀr‖/n ≤ α√p_g``,
with equality where ``w_g ≠ 0``: a group enters the path when its correlation norm reaches
``α√p_g``, all its members at once.

Solver: block coordinate proximal gradient
------------------------------------------
One group at a time, take a gradient step of length ``1/L_g`` with ``L_g = ‖X_g‖₂²/n``
(the block's Lipschitz constant) and apply the prox of ``α√p_g‖·‖``, the *group soft
threshold* ``G(v, t) = v·max(1 − t/‖v‖, 0)``:

    w_g ← G(w_g + X_gᵀr/(n L_g), α√p_g/L_g).

For groups with ``X_gᵀX_g = nI`` this is the exact block minimiser (Breheny & Huang 2015
orthonormalise the groups to get there); in general it is a majorise-minimise step that
decreases the objective monotonically (Tseng & Yun 2009).

Certificate
-----------
With the residual ``r`` (centred data), the dual norm ``d(r) = max_g ‖X_gᵀr‖/(n√p_g)``
and ``s = max(1, d(r)/α)``, the point ``r/(ns)`` is dual feasible, and

    gap = P(w) − (‖y‖² − ‖y − r/s‖²)/(2n) ≥ P(w) − P(w*) ≥ 0.

Networks
--------
:mod:`shrinkage.nn` with ``structure="row"`` or ``"column"`` applies the same group soft
threshold to each row or column of a weight matrix, with threshold ``η·α`` (step times
strength) and no ``√p_g`` factor (all rows of a layer have the same size);
:func:`matrix_group_soft_threshold` is that map in NumPy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "group_soft_threshold",
    "matrix_group_soft_threshold",
    "GroupLassoFit",
    "group_lasso",
    "GroupLassoPath",
    "group_lasso_path",
    "grouped_simulation",
    "figures",
]


def group_soft_threshold(v, threshold):
    """``v·max(1 − t/‖v‖, 0)``: the prox of ``t‖·‖₂``, exactly 0 when ``‖v‖ ≤ t``.

    Examples
    --------
    >>> group_soft_threshold(np.array([3.0, 4.0]), 2.5), group_soft_threshold([0.3, 0.4], 1.0)
    (array([1.5, 2. ]), array([0., 0.]))
    """
    v = np.asarray(v, dtype=float)
    norm = np.linalg.norm(v)
    return np.zeros_like(v) if norm <= threshold else (1.0 - threshold / norm) * v


def matrix_group_soft_threshold(weight, threshold, structure="row"):
    """:func:`group_soft_threshold` of every row (``"row"``) or column of a matrix.

    Examples
    --------
    >>> matrix_group_soft_threshold(np.array([[3.0, 4.0], [0.3, 0.4]]), 2.5)
    array([[1.5, 2. ],
           [0. , 0. ]])
    """
    weight = np.asarray(weight, dtype=float)
    if structure not in ("row", "column"):
        raise ValueError(f"structure must be 'row' or 'column', got {structure!r}.")
    rows = weight if structure == "row" else weight.T
    shrunk = np.array([group_soft_threshold(row, threshold) for row in rows])
    return shrunk if structure == "row" else shrunk.T


def _group_blocks(groups):
    labels = np.asarray(groups)
    return [np.flatnonzero(labels == label) for label in np.unique(labels)]


def _dual_norm(X, residual, blocks):
    n = X.shape[0]
    return max(np.linalg.norm(X[:, b].T @ residual) / (n * np.sqrt(b.size)) for b in blocks)


def _gap(X, y, coef, alpha, blocks):
    n = X.shape[0]
    residual = y - X @ coef
    penalty = sum(np.sqrt(b.size) * np.linalg.norm(coef[b]) for b in blocks)
    primal = residual @ residual / (2 * n) + alpha * penalty
    dual_norm = _dual_norm(X, residual, blocks)
    scale = max(1.0, dual_norm / alpha) if alpha > 0 else 1.0
    shifted = y - residual / scale
    dual = (y @ y - shifted @ shifted) / (2 * n)
    return primal - dual, dual_norm


@dataclass(frozen=True)
class GroupLassoFit:
    """A certified group-lasso solution.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        The weights; the lasso penalty on each group's norm zeroes a group as a whole.
    intercept : float
        ``mean(y) − mean(X)·coef`` with ``fit_intercept``, else 0.
    alpha : float
        The strength α that was fitted (``dual_gap`` and ``dual_norm`` are at it).
    dual_gap : float
        Primal minus dual objective: an upper bound on the objective's distance to optimum.
    dual_norm : float
        ``max_g ‖X_gᵀr‖/(n√p_g)`` at the solution; ``≤ α`` up to the gap.
    n_epochs : int
        Sweeps over all groups.
    """

    coef: np.ndarray
    intercept: float
    alpha: float
    dual_gap: float
    dual_norm: float
    n_epochs: int


def group_lasso(X, y, groups, alpha, *, fit_intercept=True, tol=1e-12, max_epochs=20_000,
                coef_init=None) -> GroupLassoFit:  # fmt: skip
    """Minimise ``1/(2n)‖y − Xw − b‖² + α Σ_g √p_g ‖w_g‖`` by block coordinate descent.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    groups : array-like of shape (n_features,)
        Group label of each feature.
    alpha : float
        Strength α > 0.
    fit_intercept : bool
        Centre X and y (an unpenalised intercept).
    tol : float
        Stop when the duality gap is at most ``tol · P(0)``.
    max_epochs : int
    coef_init : array-like, optional
        Warm start, as along a path.

    Examples
    --------
    >>> X, y, groups = grouped_simulation(seed=0)
    >>> fit = group_lasso(X, y, groups, 0.1)
    >>> bool(fit.dual_gap <= 1e-10), bool(abs(fit.dual_norm - 0.1) <= 1e-10)
    (True, True)
    >>> [bool(np.any(fit.coef[groups == g])) for g in range(5)]
    [True, True, True, False, False]
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if not alpha > 0:
        raise ValueError(f"alpha must be > 0, got {alpha!r}.")
    x_mean = X.mean(axis=0) if fit_intercept else np.zeros(X.shape[1])
    y_mean = y.mean() if fit_intercept else 0.0
    Xc, yc = X - x_mean, y - y_mean
    n = X.shape[0]
    blocks = _group_blocks(groups)
    lipschitz = [np.linalg.norm(Xc[:, b], 2) ** 2 / n for b in blocks]
    coef = np.zeros(X.shape[1]) if coef_init is None else np.array(coef_init, dtype=float)
    residual = yc - Xc @ coef
    target = tol * (yc @ yc) / (2 * n)
    gap, dual_norm = _gap(Xc, yc, coef, alpha, blocks)
    epoch = 0
    while gap > target and epoch < max_epochs:
        epoch += 1
        for block, lip in zip(blocks, lipschitz, strict=True):
            if lip == 0:
                continue
            old = coef[block]
            step = old + Xc[:, block].T @ residual / (n * lip)
            new = group_soft_threshold(step, alpha * np.sqrt(block.size) / lip)
            if np.any(new != old):
                residual -= Xc[:, block] @ (new - old)
                coef[block] = new
        gap, dual_norm = _gap(Xc, yc, coef, alpha, blocks)
    return GroupLassoFit(coef, float(y_mean - x_mean @ coef), float(alpha), float(gap),
                         float(dual_norm), epoch)  # fmt: skip


@dataclass(frozen=True)
class GroupLassoPath:
    """Group-lasso solutions along decreasing α.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        From ``alpha_max = max_g ‖X_gᵀ(y − ȳ)‖/(n√p_g)`` down.
    coefs : ndarray of shape (n_alphas, n_features)
    dual_gaps : ndarray of shape (n_alphas,)
    groups : ndarray of shape (n_features,)
    entry_alphas : ndarray of shape (n_groups,)
        Largest α on the grid where the group is non-zero (0 if never).
    """

    alphas: np.ndarray
    coefs: np.ndarray
    dual_gaps: np.ndarray
    groups: np.ndarray
    entry_alphas: np.ndarray

    @property
    def groups_enter_together(self) -> bool:
        """At every α, each group's members are all zero or all non-zero."""
        nonzero = self.coefs != 0
        return all(
            np.all(nonzero[:, block].all(axis=1) | ~nonzero[:, block].any(axis=1))
            for block in _group_blocks(self.groups)
        )


def group_lasso_path(X, y, groups, *, n_alphas=40, alpha_min_ratio=1e-2, tol=1e-12):
    """Warm-started :func:`group_lasso` on a geometric grid from ``alpha_max``.

    Examples
    --------
    >>> path = group_lasso_path(*grouped_simulation(seed=0))
    >>> bool(np.all(path.coefs[0] == 0)), path.groups_enter_together
    (True, True)
    >>> np.round(path.entry_alphas, 3)
    array([1.819, 1.276, 0.392, 0.067, 0.084])
    """
    X, y, groups = np.asarray(X, float), np.asarray(y, float), np.asarray(groups)
    blocks = _group_blocks(groups)
    alpha_max = _dual_norm(X - X.mean(axis=0), y - y.mean(), blocks)
    alphas = alpha_max * np.geomspace(1.0, alpha_min_ratio, n_alphas)
    coefs, gaps, coef = [], [], None
    for alpha in alphas:
        fit = group_lasso(X, y, groups, alpha, tol=tol, coef_init=coef)
        coef = fit.coef
        coefs.append(coef)
        gaps.append(fit.dual_gap)
    coefs = np.array(coefs)
    entry = np.array([alphas[np.argmax(coefs[:, b].any(axis=1))]
                      if coefs[:, b].any() else 0.0 for b in blocks])  # fmt: skip
    return GroupLassoPath(alphas, coefs, np.array(gaps), groups, entry)


def grouped_simulation(n_samples=100, group_sizes=(3, 4, 2, 3, 4), seed=0):
    """Correlated features in groups; the first three groups matter, with decreasing size.

    Within a group features share a common factor (correlation about 0.5); the true
    coefficients are 1.0, 0.5 and 0.25 for every member of groups 0, 1, 2 and 0 otherwise.

    Examples
    --------
    >>> X, y, groups = grouped_simulation()
    >>> X.shape, groups.tolist()
    ((100, 16), [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4])
    """
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(group_sizes)), group_sizes)
    factors = rng.standard_normal((n_samples, len(group_sizes)))
    X = (factors[:, groups] + rng.standard_normal((n_samples, groups.size))) / np.sqrt(2)
    size = np.array([1.0, 0.5, 0.25] + [0.0] * (len(group_sizes) - 3))[groups]
    y = X @ size + rng.standard_normal(n_samples)
    return X, y, groups


def figures(out: Path, dpi: int) -> list[tuple[Path, str]]:
    """Draw the group-lasso path beside the lasso path; return (path, finding) pairs."""
    from matplotlib.figure import Figure  # Agg canvas, no pyplot state touched

    from ..penalties import L1
    from ..plots.group_lasso import plot_group_path
    from .paths import compute_path

    X, y, groups = grouped_simulation()
    path = group_lasso_path(X, y, groups)
    lasso = compute_path(X, y, L1(), path.alphas, standardize=False)
    fig = Figure(figsize=(11.0, 4.2), layout="tight")
    plot_group_path(path, lasso, fig.subplots(1, 2))
    file = Path(out) / "group_lasso_path.png"
    fig.savefig(file, dpi=dpi)
    entered = (lasso != 0)[:, groups <= 2]  # the members of the three true groups
    lasso_entries = np.unique(np.argmax(entered, axis=0)[entered.any(axis=0)]).size
    finding = (
        "Group lasso: groups 0, 1, 2 enter whole at α = "
        + ", ".join(f"{a:.3f}" for a in path.entry_alphas[:3])
        + f"; the lasso lets their members in at {lasso_entries} distinct α's "
        f"(max gap {path.dual_gaps.max():.1e})"
    )
    return [(file, finding)]
