"""The cross-validation curve of a fitted CV estimator (glmnet's ``plot.cv.glmnet``)."""

from __future__ import annotations

import numpy as np

from ._axes import get_ax

__all__ = ["plot_cv"]


def plot_cv(estimator, ax=None):
    """Mean CV error ± one standard error against α, with ``alpha_min_`` and ``alpha_1se_``.

    The glmnet ``plot.cv.glmnet`` picture: for an ``l1_ratio`` grid, the curve of the chosen
    ρ. Works with any fitted CV estimator of :mod:`shrinkage.selection`.

    Parameters
    ----------
    estimator : fitted LassoCV, ElasticNetCV or SparseLogisticRegressionCV
    ax : matplotlib Axes, optional

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    The title names the estimator, its folds and ρ; the error axis names the default
    scoring:

    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage.selection import LassoCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> ax = plot_cv(LassoCV(n_alphas=20, cv=3).fit(X, y))
    >>> ax.get_title(), ax.get_ylabel()
    ('LassoCV: 3-fold CV, ρ = 1', 'mean squared error')
    >>> ax.get_xscale()  # inverted too: the large α of the sparsest fits on the left
    'log'
    """
    ax = get_ax(ax)
    alphas, mean, std_error = estimator.cv_alphas_, estimator.cv_mean_, estimator.cv_std_error_
    if np.ndim(alphas) == 2:
        row = int(np.flatnonzero(estimator.l1_ratios_ == estimator.l1_ratio_)[0])
        alphas, mean, std_error = alphas[row], mean[row], std_error[row]
    ax.errorbar(alphas, mean, yerr=std_error, fmt="o", ms=3, color="tab:red",
                ecolor="0.6", elinewidth=0.8, capsize=2, label="mean CV error ± 1 SE")  # fmt: skip
    ax.axvline(estimator.alpha_min_, color="0.3", ls="--", lw=0.9,
               label=f"α_min = {estimator.alpha_min_:.3g}")  # fmt: skip
    ax.axvline(estimator.alpha_1se_, color="0.3", ls=":", lw=0.9,
               label=f"α_1se = {estimator.alpha_1se_:.3g}")  # fmt: skip
    ax.set_xscale("log")
    ax.invert_xaxis()
    ax.set_xlabel("α (log scale, decreasing →)")
    ax.set_ylabel("CV error" if estimator.scoring is not None else _default_error_name(estimator))
    ax.set_title(f"{type(estimator).__name__}: {estimator.n_folds_}-fold CV, ρ = "
                 f"{estimator.l1_ratio_:g}")  # fmt: skip
    ax.legend(fontsize=8)
    return ax


def _default_error_name(estimator):
    return "binomial deviance" if estimator._loss == "logistic" else "mean squared error"
