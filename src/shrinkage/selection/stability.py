"""Stability selection: how often each feature is selected across subsamples and α.

Meinshausen & Bühlmann (2010, *JRSS B* 72(4)): fit the lasso path on many subsamples of
half the rows; the *selection probability* of feature j at α is the fraction of
subsamples whose fit has ``w_j ≠ 0``. Features whose probability reaches ``threshold``
(π_thr) at some α of the grid Λ are *stably selected*, and for π_thr ∈ (½, 1] the expected
number of false selections V obeys (their Theorem 1, under exchangeability)::

    E[V] ≤ q_Λ² / ((2 π_thr − 1) p)

with ``q_Λ`` the average number of features selected *somewhere on* Λ by one subsample
fit. Shah & Samworth (2013, *JRSS B* 75(1)) draw the subsamples as complementary pairs
(a random half and the other half), which removes the exchangeability assumption from
the bound's validity and lowers the variance of the estimate; that is the default.

Every subsample fit is one :func:`shrinkage.path` call on the full data's α grid, run
through joblib (any backend).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from sklearn.utils import check_array, check_random_state

from .._validation import (
    check_flag,
    check_grid_parameters,
    check_max_iter,
    check_non_numeric,
    check_sample_weight,
    check_target,
    check_tol,
    working_dtype,
)
from ..path import path, warn_unconverged
from ..penalties import Penalty
from ._common import shared_alpha_grid

__all__ = ["StabilityResult", "check_subsampling", "stability_selection"]


@dataclass(frozen=True)
class StabilityResult:
    """Selection frequencies over subsamples and α, and what they guarantee.

    Attributes
    ----------
    alphas : ndarray of shape (n_alphas,)
        The decreasing α grid Λ (from the full data).
    selection_probabilities : ndarray of shape (n_alphas, n_features)
        Fraction of subsample fits with ``w_j ≠ 0`` at each α.
    entry_probabilities : ndarray of shape (n_alphas, n_features)
        Fraction of subsample fits in which j is non-zero at *some* α' ≥ α, i.e. selected
        on ``Λ ∩ [α, α_max]``; non-increasing in α by construction.
    max_probabilities : ndarray of shape (n_features,)
        ``max_α selection_probabilities``: the stability score of each feature.
    selected : ndarray of int
        Features with ``max_probabilities ≥ threshold``, in decreasing score.
    threshold : float
    average_selected : float
        q_Λ: mean number of features non-zero somewhere on the grid, per subsample fit.
    error_bound : float
        ``q_Λ² / ((2 threshold − 1) p)``, the bound on E[number of false selections].
    n_subsamples : int
        Subsample fits made.
    complementary_pairs : bool
    feature_names : ndarray of str
    """

    alphas: np.ndarray
    selection_probabilities: np.ndarray
    entry_probabilities: np.ndarray
    max_probabilities: np.ndarray
    selected: np.ndarray
    threshold: float
    average_selected: float
    error_bound: float
    n_subsamples: int
    complementary_pairs: bool
    feature_names: np.ndarray = field(repr=False)

    def plot(self, ax=None):
        """Stability paths: selection probability against α; selected features solid."""
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(7, 4.5))
        chosen = set(self.selected.tolist())
        for j in range(self.selection_probabilities.shape[1]):
            style = dict(lw=1.4) if j in chosen else dict(lw=0.7, color="0.6", ls="--")
            label = str(self.feature_names[j]) if j in chosen else None
            ax.plot(self.alphas, self.selection_probabilities[:, j], label=label, **style)
        ax.axhline(self.threshold, color="tab:red", lw=0.9, label=f"π_thr = {self.threshold:g}")
        ax.set_xscale("log")
        ax.invert_xaxis()
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("α (log scale, decreasing →)")
        ax.set_ylabel("selection probability")
        ax.set_title(f"Stability selection: E[false selections] ≤ {self.error_bound:.3g}")
        ax.legend(fontsize=8)
        return ax


def _subsamples(n, n_subsamples, sample_fraction, complementary_pairs, random_state):
    rng = check_random_state(random_state)
    if complementary_pairs:
        half = n // 2
        subsets = []
        for _ in range((n_subsamples + 1) // 2):
            order = rng.permutation(n)
            subsets += [order[:half], order[half : 2 * half]]
        return subsets
    size = max(1, int(np.floor(sample_fraction * n)))
    return [rng.choice(n, size, replace=False) for _ in range(n_subsamples)]


def _selected_on_subsample(X, y, sample_weight, rows, penalty, alphas, options):
    """The support at each α on one subsample, and the path's certificates."""
    weight = None if sample_weight is None else sample_weight[rows]
    result = path(
        X[rows], y[rows], penalty, alphas=alphas, sample_weight=weight, warn=False, **options
    )
    return result.coefs != 0, result.relative_gaps


def check_subsampling(n_subsamples, threshold, sample_fraction):
    """The parameters proper to stability selection: an integer ``n_subsamples ≥ 1``, a
    ``threshold`` π_thr in (½, 1] (the error bound needs π_thr > ½) and a
    ``sample_fraction`` in (0, 1)."""
    if isinstance(n_subsamples, bool) or not isinstance(n_subsamples, Integral):
        raise TypeError(f"n_subsamples must be an integer, got {n_subsamples!r}.")
    if n_subsamples < 1:
        raise ValueError(f"n_subsamples must be >= 1, got {n_subsamples}.")
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, Real)
        or not (0.5 < threshold <= 1)
    ):
        raise ValueError(
            f"threshold must be in (0.5, 1] (the bound needs π_thr > 1/2), got {threshold!r}."
        )
    if not isinstance(sample_fraction, Real) or not 0 < sample_fraction < 1:
        raise ValueError(f"sample_fraction must be in (0, 1), got {sample_fraction!r}.")


def stability_selection(
    X, y, *, alphas=None, n_alphas=30, alpha_min_ratio=0.2, n_subsamples=100,
    complementary_pairs=True, sample_fraction=0.5, threshold=0.6, penalty=None,
    fit_intercept=True, sample_weight=None, standardize=False, tol=1e-4, max_iter=20_000,
    random_state=None, n_jobs=None, feature_names=None,
) -> StabilityResult:  # fmt: skip
    """Stability selection with the lasso (or any elastic-net penalty) path.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    alphas : array-like, optional
        The grid Λ. Default: ``n_alphas`` log-spaced values from α_max of the full data to
        ``alpha_min_ratio · α_max``. Keep Λ to the sparse end: q_Λ, and so the bound,
        grows with every feature that the smallest α lets in.
    n_alphas : int, default 30
    alpha_min_ratio : float, default 0.2
    n_subsamples : int, default 100
        Subsample fits; with complementary pairs rounded up to an even number (50 pairs
        by default, as Shah & Samworth's B = 50).
    complementary_pairs : bool, default True
        Draw each half together with its complement (Shah & Samworth 2013).
    sample_fraction : float in (0, 1), default 0.5
        Subsample size without complementary pairs (with them it is ⌊n/2⌋).
    threshold : float in (0.5, 1], default 0.6
        π_thr.
    penalty : Penalty, default ``L1()``
    fit_intercept, sample_weight, standardize, tol, max_iter
        As in :func:`shrinkage.path`.
    random_state : int, RandomState or None
    n_jobs : int, optional
        Parallel subsample fits (joblib, active backend).
    feature_names : sequence of str, optional

    Returns
    -------
    StabilityResult
        The selection probabilities on the grid, the stably selected features and the
        bound on the expected number of false selections.

    Examples
    --------
    Three of twenty features carry the signal, one of them with a quarter of the others'
    coefficient; that one reaches a selection probability of 0.4 only, below π_thr, and
    is left out:

    >>> from sklearn.datasets import make_regression
    >>> from shrinkage.selection import stability_selection
    >>> X, y, coef = make_regression(n_samples=100, n_features=20, n_informative=3,
    ...                              noise=10.0, coef=True, random_state=0)
    >>> result = stability_selection(X, y, n_subsamples=20, random_state=0)
    >>> coef.nonzero()[0], result.selected
    (array([ 4, 11, 15]), array([ 4, 11]))
    >>> float(result.max_probabilities[15]), round(result.error_bound, 2)
    (0.4, 1.44)
    """
    check_grid_parameters(alphas, n_alphas, alpha_min_ratio)
    tol, max_iter = check_tol(tol, working_dtype(X)), check_max_iter(max_iter)
    fit_intercept = check_flag(fit_intercept, "fit_intercept")
    standardize = check_flag(standardize, "standardize")
    check_subsampling(n_subsamples, threshold, sample_fraction)
    penalty = Penalty() if penalty is None else penalty
    if feature_names is None and hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    check_non_numeric(X)
    X = check_array(X, accept_sparse="csc", dtype=[np.float64, np.float32], input_name="X")
    y = check_target(y, X.shape[0]).astype(np.float64, copy=False)
    n, p = X.shape
    if n < 4:
        raise ValueError(f"n_samples={n}: stability selection needs at least 4 samples.")
    sample_weight = check_sample_weight(sample_weight, n)
    options = dict(fit_intercept=fit_intercept, standardize=standardize, tol=tol,
                   max_iter=max_iter)  # fmt: skip
    grid = shared_alpha_grid(X, y, penalty, alphas=alphas, n_alphas=n_alphas,
                             alpha_min_ratio=alpha_min_ratio, sample_weight=sample_weight,
                             fit_intercept=fit_intercept, standardize=standardize)  # fmt: skip
    subsets = _subsamples(n, n_subsamples, sample_fraction, complementary_pairs, random_state)
    fits = Parallel(n_jobs=n_jobs)(
        delayed(_selected_on_subsample)(X, y, sample_weight, rows, penalty, grid, options)
        for rows in subsets
    )
    masks = np.array([mask for mask, _ in fits])  # (n_fits, n_alphas, p)
    warn_unconverged(
        "stability_selection (subsample paths)", grid, [gaps for _, gaps in fits], tol
    )
    entered = np.logical_or.accumulate(masks, axis=1)  # non-zero at some α' ≥ α
    probabilities = masks.mean(axis=0)
    max_probabilities = probabilities.max(axis=0)
    selected = np.flatnonzero(max_probabilities >= threshold)
    selected = selected[np.argsort(-max_probabilities[selected], kind="stable")]
    average_selected = float(entered[:, -1, :].sum(axis=1).mean())
    if feature_names is None:
        feature_names = [f"x{j}" for j in range(p)]
    return StabilityResult(
        alphas=grid, selection_probabilities=probabilities,
        entry_probabilities=entered.mean(axis=0), max_probabilities=max_probabilities,
        selected=selected, threshold=float(threshold), average_selected=average_selected,
        error_bound=average_selected**2 / ((2 * threshold - 1) * p),
        n_subsamples=len(subsets), complementary_pairs=bool(complementary_pairs),
        feature_names=np.asarray(feature_names, dtype=object),
    )  # fmt: skip
