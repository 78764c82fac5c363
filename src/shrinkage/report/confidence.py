"""How sure: stability selection with its error bound, and bootstrap intervals of the refit.

**Stability selection** (Meinshausen & Bühlmann 2010, *JRSS B* 72(4); complementary
pairs, Shah & Samworth 2013) by :func:`shrinkage.selection.stability_selection`: the
lasso path on 100 half-samples, and for each feature the largest share of them that
select it at some α of the grid Λ. Features whose share reaches π_thr are *stably
selected*, and the expected number of false selections among them is at most
``q_Λ² / ((2 π_thr − 1) p)``, with q_Λ the average number of features a half-sample fit
selects somewhere on Λ. The bound is useful only when q_Λ is small, so Λ is chosen as
the paper advises, by q rather than by α: a first pass of 20 half-samples on a long grid
measures q at every α, and Λ runs from α_max down to the last α where
``q ≤ √((2 π_thr − 1) · p · E_V)``, which makes the bound about ``E_V`` (one expected false
selection by default). For a classification target the selection is the squared-loss
lasso on the 0/1 labels (a linear probability model), for counts on the rates
(:func:`shrinkage.report.counts.selection_problem`): the bound holds for whatever
procedure selects, so it holds for these.

**Bootstrap intervals** of the *refit*: the chosen model's non-zero features refitted
without penalty (least squares, or an unpenalised logistic or Poisson regression), on
200 resamples of the rows drawn with replacement; percentile intervals. They describe the
refit on a fixed set of features and ignore that the set itself was selected from the
data, so they are narrower than an honest interval for a feature whose selection is
uncertain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..penalties import Penalty
from ..selection import StabilityResult, stability_selection
from .refit import refit_on_support

__all__ = ["RefitIntervals", "bootstrap_refit", "stable_features"]


def stable_features(
    X, y, l1_ratio: float = 1.0, *, threshold: float = 0.8, expected_false: float = 1.0,
    n_subsamples: int = 100, random_state: int = 0, feature_names=None, sample_weight=None,
) -> StabilityResult:  # fmt: skip
    """Stability selection on standardised features, on the grid Λ that keeps the
    Meinshausen–Bühlmann bound near ``expected_false`` (see the module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Real target, or 0/1 labels (selected by the squared-loss lasso).
    l1_ratio : float
        ρ of the elastic-net penalty that selects (1 = lasso; must be > 0).
    threshold : float in (0.5, 1]
        π_thr.
    expected_false : float
        The bound on the expected number of false selections that sets Λ.
    n_subsamples : int
    random_state : int
    feature_names : sequence of str, optional
    sample_weight : array-like of shape (n_samples,), optional
        Row weights of the selecting fits.

    Returns
    -------
    shrinkage.selection.StabilityResult
        On the chosen Λ; its ``error_bound`` is the bound for that Λ.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((120, 30))
    >>> y = 2 * X[:, 0] - 2 * X[:, 1] + rng.standard_normal(120)
    >>> result = stable_features(X, y, n_subsamples=40)
    >>> result.selected.tolist(), bool(result.error_bound <= 1.5)
    ([0, 1], True)
    """
    if not l1_ratio > 0:
        raise ValueError(f"stability selection needs l1_ratio > 0, got {l1_ratio!r}.")
    options = dict(penalty=Penalty(l1_ratio), standardize=True, threshold=threshold,
                   random_state=random_state, feature_names=feature_names,
                   sample_weight=sample_weight)  # fmt: skip
    survey = stability_selection(X, y, n_alphas=30, alpha_min_ratio=1e-2, n_subsamples=20,
                                 **options)  # fmt: skip
    q_at = survey.entry_probabilities.sum(axis=1)  # q_Λ for Λ = the grid down to each α
    q_max = np.sqrt((2 * threshold - 1) * X.shape[1] * expected_false)
    last = max(int(np.flatnonzero(q_at <= q_max)[-1]), 1)
    return stability_selection(X, y, alphas=survey.alphas[: last + 1],
                               n_subsamples=n_subsamples, **options)  # fmt: skip


@dataclass(frozen=True)
class RefitIntervals:
    """The unpenalised refit on the chosen features and its bootstrap intervals.

    Attributes
    ----------
    support : ndarray of int
        The features refitted (the chosen model's non-zero coefficients).
    coef : ndarray of shape (n_features,)
        The refit on all rows (original scale; 0 off the support).
    intercept : float
    lower, upper : ndarray of shape (n_features,)
        Percentile interval of each coefficient over the resamples (NaN off the support).
    level : float
        Coverage aimed at, e.g. 0.95.
    n_resamples : int
    separated : float
        Share of the fits (all rows and every resample) in which the features separate
        the two classes, where the unpenalised logistic fit is unbounded; 0 for
        regression and counts.
    """

    support: np.ndarray
    coef: np.ndarray
    intercept: float
    lower: np.ndarray
    upper: np.ndarray
    level: float
    n_resamples: int
    separated: float


def bootstrap_refit(
    X, y, support, task: str, *, n_resamples: int = 200, level: float = 0.95,
    random_state: int = 0, exposure=None,
) -> RefitIntervals:  # fmt: skip
    """Refit ``support`` without penalty, on all rows and on ``n_resamples`` bootstrap
    resamples; percentile intervals at ``level`` (see the module docstring). Counts
    (``task="count"``) are refitted with the log of their ``exposure`` as offset.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 3))
    >>> y = 1.0 + 2.0 * X[:, 0] + rng.standard_normal(200)
    >>> refit = bootstrap_refit(X, y, [0], "regression")
    >>> bool(refit.lower[0] < 2.0 < refit.upper[0]), np.isnan(refit.lower[1])
    (True, np.True_)
    """
    support = np.asarray(support, dtype=np.int64)
    p = X.shape[1]
    mean, std = X.mean(axis=0), X.std(axis=0)
    offset = None if exposure is None else np.log(exposure)
    coef, intercept, separated = refit_on_support(X, y, support, task, mean=mean, std=std,
                                                  offset=offset)  # fmt: skip
    rng = np.random.default_rng(random_state)
    draws = np.empty((n_resamples, support.size))
    n_separated = int(separated)
    for b in range(n_resamples):
        rows = rng.integers(0, X.shape[0], X.shape[0])
        offset_rows = None if offset is None else offset[rows]
        sample, _, split = refit_on_support(X[rows], y[rows], support, task, mean=mean,
                                            std=std, offset=offset_rows)  # fmt: skip
        draws[b] = sample[support]
        n_separated += int(split)
    lower, upper = np.full(p, np.nan), np.full(p, np.nan)
    if support.size:
        tail = 50.0 * (1.0 - level)
        lower[support], upper[support] = np.percentile(draws, [tail, 100.0 - tail], axis=0)
    return RefitIntervals(support, coef, intercept, lower, upper, float(level),
                          int(n_resamples), n_separated / (n_resamples + 1))  # fmt: skip
