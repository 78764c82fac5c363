r"""When the lasso fails to select: the irrepresentable condition.

Zhao & Yu (2006, *On model selection consistency of Lasso*, JMLR 7) showed that the lasso
can recover the true support S with the right signs only if the *irrepresentable
condition* holds:

    η = max_{j ∉ S} |x_jᵀX_S (X_SᵀX_S)⁻¹ sign(β_S)| < 1      (columns centred).

Their example, used here: x1, x2 independent standard normal,
``x3 = ⅔x1 + ⅔x2 + ⅓e`` (unit variance), ``y = 2x1 + 3x2 + σε``. Then η ≈ 4/3 > 1.

Why no α recovers S (exact, not asymptotic): if the lasso at α had support S = {1, 2}
with positive signs, its coefficients would be ``ŵ_S = (X_SᵀX_S)⁻¹(X_Sᵀy − nα s)`` and
the KKT condition of x3 (see :mod:`shrinkage.lab.threshold`) would read

    |z + α η| ≤ α,      z = x3ᵀ(I − P_S)ε / n,

with ``P_S`` the projection on the columns of S. When ``z ≥ 0`` and ``η > 1`` this fails
for *every* α > 0; when ``z < 0`` it holds only on the short interval
``α ∈ [−z/(1 + η), −z/(η − 1)]`` (the noise happens to cancel the pull of x3). The
module computes z, the interval, the exact path (homotopy: every α at once) and a fine
certified grid, and checks that they agree.

The adaptive lasso (Zou 2006) re-weights the penalty by ``1/|ŵ_OLS|``: x3's small least
squares coefficient makes its penalty large, and a wide range of α recovers S. The
relaxed lasso (Meinshausen 2007) refits least squares *on the lasso's support*, so it
keeps x3 whenever the lasso does: it removes the shrinkage of x1 and x2 but cannot repair
the selection.

A second, common failure is over-selection by cross-validation: on a sparse simulation
the CV-minimum α keeps many noise features, and the one-standard-error α (glmnet's
``lambda.1se``) far fewer (Hastie, Tibshirani & Wainwright, *Statistical Learning with
Sparsity*, §2.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..path import path
from ..path.homotopy import lasso_homotopy
from ..penalties import L1

__all__ = [
    "zhao_yu_design",
    "irrepresentable_value",
    "SelectionFailure",
    "selection_failure",
    "CVSelection",
    "cv_selection",
    "figures",
]


def zhao_yu_design(n_samples=100, *, sigma=1.0, seed=0):
    """``(X, y, beta)`` of Zhao & Yu's example (module docstring): β = (2, 3, 0).

    Examples
    --------
    >>> X, y, beta = zhao_yu_design(50)
    >>> X.shape, beta
    ((50, 3), array([2., 3., 0.]))
    """
    rng = np.random.default_rng(seed)
    x1, x2, e, noise = rng.standard_normal((4, n_samples))
    X = np.column_stack([x1, x2, 2 / 3 * x1 + 2 / 3 * x2 + 1 / 3 * e])
    beta = np.array([2.0, 3.0, 0.0])
    return X, X @ beta + sigma * noise, beta


def irrepresentable_value(X, beta) -> float:
    """η = max over j ∉ S of ``|x_jᵀX_S(X_SᵀX_S)⁻¹ sign(β_S)|`` on centred columns.

    The lasso can be sign-consistent only if η < 1 (Zhao & Yu 2006).

    Examples
    --------
    >>> X = np.array([[1.0, 0, 1], [-1, 0, -1], [0, 1, 1], [0, -1, -1]])
    >>> irrepresentable_value(X, np.array([1.0, 1.0, 0.0]))
    2.0
    """
    X = np.asarray(X, dtype=float)
    centred = X - X.mean(axis=0)
    support = np.flatnonzero(beta)
    others = np.flatnonzero(np.asarray(beta) == 0)
    X_S = centred[:, support]
    direction = X_S @ np.linalg.solve(X_S.T @ X_S, np.sign(beta[support]))
    return float(np.max(np.abs(centred[:, others].T @ direction)))


@dataclass(frozen=True)
class SelectionFailure:
    """The lasso, the adaptive lasso and the relaxed lasso on one design.

    Attributes
    ----------
    eta : float
        :func:`irrepresentable_value` of the design (> 1: the condition fails).
    noise_correlation : float
        z of the module docstring.
    recovery_interval : tuple of float or None
        The α where the lasso's support is S, from z and η; None when z ≥ 0 (no α).
    knot_active_sets : tuple of tuple of int
        Active sets of the exact lasso path, one per segment from α_max down.
    alphas, adaptive_alphas : ndarray of shape (n_alphas,)
        Fine decreasing grids of the lasso and of the adaptive lasso, each from its own
        α_max (the penalty factors move the adaptive one) down four decades.
    lasso_coefs, adaptive_coefs : ndarray of shape (n_alphas, 3)
        Certified lasso and adaptive-lasso paths on those grids.
    lasso_recovers, adaptive_recovers : ndarray of bool
        Whether the support at each α equals S.
    relaxed_alpha : float
        The α of the relaxed lasso: the largest grid α where the lasso keeps x1 and x2.
    relaxed_coef : ndarray of shape (3,)
        The relaxed lasso (γ = 0, least squares on the lasso's support) there.
    beta : ndarray
    """

    eta: float
    noise_correlation: float
    recovery_interval: tuple | None
    knot_active_sets: tuple
    alphas: np.ndarray
    adaptive_alphas: np.ndarray
    lasso_coefs: np.ndarray
    adaptive_coefs: np.ndarray
    lasso_recovers: np.ndarray
    adaptive_recovers: np.ndarray
    relaxed_alpha: float
    relaxed_coef: np.ndarray
    beta: np.ndarray

    def summary(self) -> str:
        """The finding in one line."""
        adaptive = self.adaptive_alphas[self.adaptive_recovers]
        return (
            f"irrepresentable value η = {self.eta:.3f} > 1: the lasso recovers the support "
            f"at {int(self.lasso_recovers.sum())} of {self.alphas.size} α; the adaptive "
            f"lasso at {int(self.adaptive_recovers.sum())} of {self.adaptive_alphas.size} "
            f"(α from {adaptive.min():.3g} to {adaptive.max():.3g}); the relaxed lasso "
            f"keeps x3 = "
            f"{self.relaxed_coef[2]:.3f}"
        )

    __str__ = summary


def _recovers(coefs, beta):
    return np.all((coefs != 0) == (beta != 0), axis=1)


def selection_failure(n_samples=100, *, sigma=1.0, seed=0, n_alphas=400, tol=1e-10):
    """Lasso, adaptive lasso and relaxed lasso on :func:`zhao_yu_design`.

    See Also
    --------
    shrinkage.selection.AdaptiveLasso, shrinkage.selection.RelaxedLasso
    shrinkage.plots.selection_failure.plot_selection_failure : draws the result.

    Examples
    --------
    >>> result = selection_failure(n_alphas=100)
    >>> round(result.eta, 3), result.recovery_interval, int(result.lasso_recovers.sum())
    (1.34, None, 0)
    >>> bool(result.adaptive_recovers.any()), bool(result.relaxed_coef[2] != 0)
    (True, True)
    """
    from ..selection import AdaptiveLasso, RelaxedLasso

    X, y, beta = zhao_yu_design(n_samples, sigma=sigma, seed=seed)
    eta = irrepresentable_value(X, beta)
    centred = X - X.mean(axis=0)
    X_S = centred[:, :2]
    noise = y - X @ beta
    noise = noise - X_S @ np.linalg.lstsq(X_S, noise, rcond=None)[0]
    z = float(centred[:, 2] @ noise / n_samples)
    interval = None if z >= 0 else (-z / (1 + eta), -z / (eta - 1))

    exact = lasso_homotopy(X, y)
    adaptive = AdaptiveLasso(alpha=1.0, initial="ols", tol=tol).fit(X, y)
    weighted = L1(penalty_factor=adaptive.penalty_factor_)
    lasso_path = path(X, y, n_alphas=n_alphas, alpha_min_ratio=1e-4, tol=tol)
    alphas = lasso_path.alphas
    adaptive_path = path(X, y, weighted, n_alphas=n_alphas, alpha_min_ratio=1e-4, tol=tol)
    lasso_coefs, adaptive_coefs = lasso_path.dense_coefs(), adaptive_path.dense_coefs()

    keeps_both = np.all(lasso_coefs[:, :2] != 0, axis=1)
    relaxed_alpha = float(alphas[np.argmax(keeps_both)])
    relaxed = RelaxedLasso(alpha=relaxed_alpha, gamma=0.0, tol=tol).fit(X, y)
    return SelectionFailure(
        eta, z, interval, tuple(tuple(sorted(a)) for a in exact.active_sets), alphas,
        adaptive_path.alphas, lasso_coefs, adaptive_coefs, _recovers(lasso_coefs, beta),
        _recovers(adaptive_coefs, beta), relaxed_alpha, relaxed.coef_.copy(), beta,
    )  # fmt: skip


@dataclass(frozen=True)
class CVSelection:
    """Cross-validated lasso on a sparse simulation: the minimum and the 1-SE α.

    Attributes
    ----------
    cv_alphas, cv_mean, cv_std_error : ndarray
        The CV curve of :class:`~shrinkage.LassoCV`.
    alpha_min, alpha_1se : float
    n_selected_min, n_selected_1se : int
        Non-zeros of the full-data lasso at each α.
    false_min, false_1se : int
        Of those, features whose true coefficient is 0.
    missed_min, missed_1se : int
        True features left out.
    n_true : int
    """

    cv_alphas: np.ndarray
    cv_mean: np.ndarray
    cv_std_error: np.ndarray
    alpha_min: float
    alpha_1se: float
    n_selected_min: int
    n_selected_1se: int
    false_min: int
    false_1se: int
    missed_min: int
    missed_1se: int
    n_true: int

    def summary(self) -> str:
        """The finding in one line."""
        return (
            f"LassoCV on {self.n_true} true features: the CV-minimum α = "
            f"{self.alpha_min:.3g} selects {self.n_selected_min} ({self.false_min} false), "
            f"the 1-SE α = {self.alpha_1se:.3g} selects {self.n_selected_1se} "
            f"({self.false_1se} false)"
        )

    __str__ = summary


def cv_selection(n_samples=100, n_features=50, n_true=5, *, sigma=1.0, seed=0, tol=1e-8):
    """Fit :class:`~shrinkage.LassoCV` (5 folds) to y = Xβ + σε with ``n_true``
    coefficients equal to 1; count what each α selects.

    Examples
    --------
    >>> result = cv_selection()
    >>> result.n_selected_min > result.n_selected_1se >= result.n_true - result.missed_1se
    True
    """
    from ..selection import LassoCV
    from ..solvers import solve

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    beta = np.zeros(n_features)
    beta[:n_true] = 1.0
    y = X @ beta + sigma * rng.standard_normal(n_samples)
    model = LassoCV(selection="min", tol=tol, random_state=seed).fit(X, y)
    counts = []
    for alpha in (model.alpha_min_, model.alpha_1se_):
        support = solve(X, y, alpha, tol=tol).coef != 0
        counts += [int(support.sum()), int(np.sum(support & (beta == 0))),
                   int(np.sum(~support & (beta != 0)))]  # fmt: skip
    return CVSelection(
        model.cv_alphas_, model.cv_mean_, model.cv_std_error_, float(model.alpha_min_),
        float(model.alpha_1se_), counts[0], counts[3], counts[1], counts[4], counts[2],
        counts[5], n_true,
    )  # fmt: skip


def figures(out: Path, dpi: int = 100) -> list[tuple[Path, str]]:
    """Draw and save ``selection_failure.png`` and ``selection_cv.png`` into ``out``;
    return each path with its one-line finding."""
    import matplotlib.pyplot as plt

    from ..plots.selection_failure import plot_cv_selection, plot_selection_failure

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    failure, cv = selection_failure(), cv_selection()
    for name, result, draw, ncols in (
        ("selection_failure", failure, plot_selection_failure, 2),
        ("selection_cv", cv, plot_cv_selection, 1),
    ):
        fig, axes = plt.subplots(1, ncols, figsize=(6.0 * ncols, 4.2), squeeze=False)
        draw(result, *axes[0])
        fig.tight_layout()
        target = out / f"{name}.png"
        fig.savefig(target, dpi=dpi)
        plt.close(fig)
        written.append((target, result.summary()))
    return written
