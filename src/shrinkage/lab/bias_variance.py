r"""Bias and variance along α, on a sparse and on a dense truth: "bet on sparsity".

With a fixed design X and a known β, draw many ``y = Xβ + σε`` and fit the lasso and
ridge along one α grid (:func:`shrinkage.path`). For the estimate ŵ(α) the mean squared
error of the coefficients splits exactly into

    E‖ŵ − β‖² = ‖E ŵ − β‖² + E‖ŵ − E ŵ‖²      (squared bias + variance),

and with the expectations replaced by means over the replicates (variance with divisor
R, not R − 1) the split holds to rounding for the estimates too.

Hastie, Tibshirani & Friedman (*The Elements of Statistical Learning*, §16.2.2) put it
as a bet: when the truth is sparse the lasso does well and ridge cannot (it spreads the
fit over every feature); when the truth is dense, with many small coefficients, no
method does well, but ridge does better than the lasso, which zeroes coefficients that
are there. "Use a procedure that does well in sparse problems, since no procedure does
well in dense problems." Here both truths have the same ``‖β‖² = 5``: sparse is five
coefficients of 1; dense is fifty coefficients drawn from a normal distribution and
scaled to that norm.

Every fit minimises ``1/(2n)‖y − Xw‖² + α·penalty(w)`` (no intercept: the simulated y
has none), with the L1 penalty ``‖w‖₁`` or the L2 penalty ``½‖w‖²``, certified to a
relative duality gap of ``tol``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..path import path
from ..penalties import L1, L2

__all__ = ["truths", "BiasVariance", "bias_variance", "figures"]


def truths(n_features=50, n_sparse=5, *, seed=0):
    """``{"sparse": β, "dense": β}`` with ``‖β‖² = n_sparse`` for both.

    Examples
    --------
    >>> betas = truths(10, 2)
    >>> betas["sparse"][:3], round(float(betas["dense"] @ betas["dense"]), 12)
    (array([1., 1., 0.]), 2.0)
    """
    rng = np.random.default_rng(seed)
    sparse = np.zeros(n_features)
    sparse[:n_sparse] = 1.0
    dense = rng.standard_normal(n_features)
    dense *= np.sqrt(n_sparse / (dense @ dense))
    return {"sparse": sparse, "dense": dense}


@dataclass(frozen=True)
class BiasVariance:
    """Squared bias, variance and mean squared error of ŵ(α) for lasso and ridge.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The common grid, decreasing.
    truth : {"sparse", "dense"}
    beta : ndarray of shape (n_features,)
    n_replicates : int
    squared_bias, variance, mse : dict of str to ndarray of shape (n_alphas,)
        Keyed by ``"lasso"`` and ``"ridge"``: ``‖mean ŵ − β‖²``, the mean of
        ``‖ŵ − mean ŵ‖²`` and the mean of ``‖ŵ − β‖²``.
    """

    alphas: np.ndarray
    truth: str
    beta: np.ndarray
    n_replicates: int
    squared_bias: dict
    variance: dict
    mse: dict

    def best(self, method) -> tuple[float, float]:
        """``(minimum MSE, its α)`` of ``"lasso"`` or ``"ridge"``."""
        k = int(np.argmin(self.mse[method]))
        return float(self.mse[method][k]), float(self.alphas[k])

    @property
    def winner(self) -> str:
        """The method with the smaller minimum MSE."""
        return min(("lasso", "ridge"), key=lambda method: self.best(method)[0])

    def summary(self) -> str:
        """The finding in one line."""
        (lasso, a_lasso), (ridge, a_ridge) = self.best("lasso"), self.best("ridge")
        return (
            f"{self.truth} truth: least E‖ŵ − β‖² lasso {lasso:.3f} (α = {a_lasso:.3g}), "
            f"ridge {ridge:.3f} (α = {a_ridge:.3g}): {self.winner} wins"
        )

    __str__ = summary


def bias_variance(
    truth="sparse", *, n_samples=100, n_features=50, sigma=2.0, n_replicates=200,
    alphas=None, seed=0, tol=1e-8,
) -> BiasVariance:  # fmt: skip
    """Monte-Carlo bias, variance and MSE of the lasso and ridge coefficients.

    X (standard normal) and β are fixed by ``seed``; the replicates differ in the noise.
    Default grid: 40 values from 10 down to 1e-3, shared by both penalties.

    See Also
    --------
    shrinkage.plots.bias_variance.plot_bias_variance : draws the result.

    Examples
    --------
    >>> result = bias_variance("sparse", n_replicates=20)
    >>> result.winner
    'lasso'
    >>> parts = result.squared_bias["ridge"] + result.variance["ridge"]
    >>> bool(np.allclose(parts, result.mse["ridge"], rtol=1e-12))
    True
    """
    if truth not in ("sparse", "dense"):
        raise ValueError(f"truth must be 'sparse' or 'dense', got {truth!r}.")
    alphas = np.geomspace(10.0, 1e-3, 40) if alphas is None else np.sort(alphas)[::-1]
    beta = truths(n_features, seed=seed)[truth]
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    estimates = {"lasso": [], "ridge": []}
    for _ in range(n_replicates):
        y = X @ beta + sigma * rng.standard_normal(n_samples)
        for method, penalty in (("lasso", L1()), ("ridge", L2())):
            fitted = path(X, y, penalty, alphas=alphas, fit_intercept=False, tol=tol)
            estimates[method].append(fitted.dense_coefs())
    squared_bias, variance, mse = {}, {}, {}
    for method, coefs in estimates.items():
        coefs = np.asarray(coefs)  # (replicates, alphas, features)
        mean = coefs.mean(axis=0)
        squared_bias[method] = np.sum((mean - beta) ** 2, axis=1)
        variance[method] = np.mean(np.sum((coefs - mean) ** 2, axis=2), axis=0)
        mse[method] = np.mean(np.sum((coefs - beta) ** 2, axis=2), axis=0)
    return BiasVariance(alphas, truth, beta, n_replicates, squared_bias, variance, mse)


def figures(out: Path, dpi: int = 100) -> list[tuple[Path, str]]:
    """Draw and save ``bias_variance.png`` (sparse and dense truth side by side) into
    ``out``; return its path with the one-line finding."""
    from ..plots.bias_variance import plot_bias_variance
    from .figures import save_side_by_side

    results = [bias_variance("sparse"), bias_variance("dense")]
    return save_side_by_side(results, plot_bias_variance, out, "bias_variance", dpi, 4.4)
