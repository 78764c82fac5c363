r"""Degrees of freedom of the lasso and of ridge, checked by Monte Carlo.

For a fit ŷ = f(y) of ``y = μ + σε`` (μ fixed, ε standard normal) Efron's covariance
definition is

    df = Σ_i Cov(ŷ_i, y_i) / σ² = Σ_i Cov(ŷ_i, ε_i) / σ,

estimated here, for a fixed X and many draws of ε, by the sample covariance over the
draws of each ``ŷ_i`` with its ``ε_i``, summed over i; the standard error is that of the
mean over draws of ``Σ_i (ŷ_i − mean ŷ_i)(ε_i − mean ε_i) / σ``.

**Ridge.** Minimising ``1/(2n)‖y − Xw − b‖² + α·½‖w‖²``: b = ȳ − x̄ᵀw, and setting the
gradient ``−X_cᵀ(y − X_c w)/n + αw`` to zero (X_c the centred X) gives
``(X_cᵀX_c + nα I) w = X_cᵀy``. The fit is linear, ŷ = Hy with
``H = 11ᵀ/n + X_c(X_cᵀX_c + nαI)⁻¹X_cᵀ``, and with ``d_j`` the singular values of X_c

    df(ridge) = tr H = 1 + Σ_j d_j² / (d_j² + nα).

The factor n appears because the loss is averaged: ESL's ``λ`` on the summed loss
(Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*, eq. 3.50,
``df = Σ d_j²/(d_j² + λ)``) is ``nα`` here; the 1 is the intercept.

**Lasso.** Zou, Hastie & Tibshirani (2007, *On the "degrees of freedom" of the lasso*,
Ann. Statist. 35(5)) proved that for fixed α the number of non-zero coefficients is an
unbiased estimate of the degrees of freedom: ``df(lasso) = 1 + E[#{j: ŵ_j ≠ 0}]`` (the 1
for the intercept). The Monte Carlo compares the two expectations draw by draw (paired),
so the standard error is that of the difference.

Every fit is a certified :func:`shrinkage.path` at a relative duality gap of ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..path import path
from ..penalties import L1, L2

__all__ = ["ridge_df", "DegreesOfFreedom", "degrees_of_freedom", "figures"]


def ridge_df(X, alpha, fit_intercept=True):
    """``[1 +] Σ_j d_j²/(d_j² + nα)`` at each α: ``d_j`` the singular values of X
    (centred when ``fit_intercept``).

    Examples
    --------
    >>> X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 2.0], [0.0, -2.0]])
    >>> ridge_df(X, [0.0, 0.5])    # d² = 2 and 8, n = 4: 1 + 2/4 + 8/10
    array([3. , 2.3])
    """
    X = np.asarray(X, dtype=float)
    if fit_intercept:
        X = X - X.mean(axis=0)
    d2 = np.linalg.svd(X, compute_uv=False) ** 2
    alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
    shrink = d2[None, :] / (d2[None, :] + X.shape[0] * alpha[:, None])
    return float(fit_intercept) + shrink.sum(axis=1)


@dataclass(frozen=True)
class DegreesOfFreedom:
    """Monte-Carlo covariance df against the formula, for lasso or ridge.

    Attributes
    ----------
    method : {"lasso", "ridge"}
    alphas : ndarray of shape (n_alphas,)
    covariance_df, covariance_se : ndarray
        ``Σ_i Cov(ŷ_i, ε_i) / σ`` over the draws (module docstring), and its standard
        error.
    formula_df : ndarray
        Ridge: :func:`ridge_df`. Lasso: ``1 + mean number of non-zeros`` over the same
        draws.
    difference_se : ndarray
        Standard error of ``covariance_df − formula_df`` (of the paired difference for
        the lasso, ``covariance_se`` for ridge, whose formula is exact).
    n_draws : int
    """

    method: str
    alphas: np.ndarray
    covariance_df: np.ndarray
    covariance_se: np.ndarray
    formula_df: np.ndarray
    difference_se: np.ndarray
    n_draws: int

    @property
    def z_scores(self) -> np.ndarray:
        """``(covariance_df − formula_df) / difference_se`` at each α."""
        return (self.covariance_df - self.formula_df) / self.difference_se

    def summary(self) -> str:
        """The finding in one line."""
        name = "1 + E[non-zeros]" if self.method == "lasso" else "1 + Σ d²/(d² + nα)"
        pairs = ", ".join(
            f"{c:.2f} vs {f:.2f}" for c, f in zip(self.covariance_df, self.formula_df, strict=True)
        )
        return (
            f"{self.method}: covariance df vs {name} ({self.n_draws} draws): {pairs}; "
            f"largest |z| = {np.max(np.abs(self.z_scores)):.2f}"
        )

    __str__ = summary


def degrees_of_freedom(
    method="lasso", alphas=None, *, n_samples=60, n_features=15, sigma=1.0, n_draws=2000,
    seed=0, tol=1e-10,
) -> DegreesOfFreedom:  # fmt: skip
    """Estimate df by the covariance definition on ``n_draws`` draws of y, fixed X.

    X is standard normal, β has three non-zeros (3, −2, 1.5), both fixed by ``seed``.
    Default α: lasso 0.02 to 1 (from nearly every feature to one or two), ridge 0.01
    to 10.

    See Also
    --------
    shrinkage.selection.LassoIC : information criteria that use df = number of non-zeros.
    shrinkage.plots.degrees_of_freedom.plot_degrees_of_freedom : draws the result.

    Examples
    --------
    >>> result = degrees_of_freedom("ridge", [1.0, 0.1], n_draws=200)
    >>> result.formula_df.round(2), result.covariance_df.round(2)
    (array([ 7.73, 14.17]), array([ 8.22, 14.83]))
    >>> bool(np.all(np.abs(result.z_scores) < 4))
    True
    """
    if method not in ("lasso", "ridge"):
        raise ValueError(f"method must be 'lasso' or 'ridge', got {method!r}.")
    if alphas is None:
        alphas = np.geomspace(1.0, 0.02, 8) if method == "lasso" else np.geomspace(10, 0.01, 7)
    alphas = np.sort(np.asarray(alphas, dtype=float))[::-1]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    beta = np.zeros(n_features)
    beta[:3] = (3.0, -2.0, 1.5)
    mean = X @ beta
    penalty = L1() if method == "lasso" else L2()
    predictions_all, noises, counts = [], [], []
    for _ in range(n_draws):
        noise = rng.standard_normal(n_samples)
        fitted = path(X, mean + sigma * noise, penalty, alphas=alphas, tol=tol)
        coefs = fitted.dense_coefs()
        predictions = coefs @ X.T + fitted.intercepts[:, None]
        predictions_all.append(predictions)
        noises.append(noise)
        counts.append(1.0 + np.count_nonzero(coefs, axis=1))
    # sample covariance over the draws, per observation, summed over observations: the
    # draw means remove the bias part (E ŷ − μ)·ε, whose noise swamps the signal at large α
    predictions_all = np.asarray(predictions_all)  # (draws, alphas, samples)
    predictions_all -= predictions_all.mean(axis=0)
    noises = np.asarray(noises)
    noises -= noises.mean(axis=0)
    covariances = np.einsum("ras,rs->ra", predictions_all, noises) / sigma
    covariances *= n_draws / (n_draws - 1)  # unbiased sample covariance
    counts = np.asarray(counts)
    root = np.sqrt(n_draws)
    covariance_se = covariances.std(axis=0, ddof=1) / root
    if method == "lasso":
        formula = counts.mean(axis=0)
        difference_se = (covariances - counts).std(axis=0, ddof=1) / root
    else:
        formula, difference_se = ridge_df(X, alphas), covariance_se
    return DegreesOfFreedom(
        method, alphas, covariances.mean(axis=0), covariance_se, formula, difference_se,
        n_draws,
    )  # fmt: skip


def figures(out: Path, dpi: int = 100) -> list[tuple[Path, str]]:
    """Draw and save ``degrees_of_freedom.png`` (lasso and ridge side by side) into
    ``out``; return its path with the one-line finding."""
    from ..plots.degrees_of_freedom import plot_degrees_of_freedom
    from .figures import save_side_by_side

    results = [degrees_of_freedom("lasso"), degrees_of_freedom("ridge")]
    return save_side_by_side(results, plot_degrees_of_freedom, out, "degrees_of_freedom", dpi)
