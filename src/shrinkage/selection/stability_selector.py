"""``StabilitySelection``: :func:`~shrinkage.selection.stability_selection` as a
scikit-learn feature selector (``fit``, ``get_support``, ``transform``)."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from .._validation import check_flag, check_grid_parameters
from ..estimators.contract import (
    GRID_OPTIONS,
    L1_RATIO,
    ValidatedParameters,
    regression_data,
    store_parameters,
)
from ..penalties import Penalty
from .stability import check_subsampling, stability_selection

__all__ = ["StabilitySelection"]


class StabilitySelection(ValidatedParameters, SelectorMixin, BaseEstimator):
    """Feature selector by stability selection (a scikit-learn transformer).

    ``fit`` runs :func:`stability_selection`: the lasso (or elastic-net) path on many
    half-samples, and each feature's selection probability along the grid; the features
    whose probability reaches ``threshold`` somewhere are kept, with Meinshausen &
    Bühlmann's bound ``E[false selections] ≤ q_Λ² / ((2 threshold − 1) p)``.
    ``transform`` keeps the stably selected columns.

    Parameters
    ----------
    alphas : array-like, optional
        The grid Λ. Default: ``n_alphas`` log-spaced values from α_max of the full data
        down to ``alpha_min_ratio · α_max``; keep it to the sparse end, as the bound grows
        with every feature the smallest α lets in.
    n_alphas : int, default 30
        Points of the default grid.
    alpha_min_ratio : float in (0, 1], default 0.2
        The default grid's smallest α, relative to α_max.
    n_subsamples : int, default 100
        Subsample fits; with complementary pairs rounded up to an even number.
    complementary_pairs : bool, default True
        Draw each half together with its complement (Shah & Samworth 2013).
    sample_fraction : float in (0, 1), default 0.5
        Subsample size without complementary pairs (with them it is ⌊n/2⌋).
    threshold : float in (0.5, 1], default 0.6
        π_thr, the selection probability a feature must reach.
    l1_ratio : float in [0, 1], default 1.0
        ρ of the penalty on the subsamples (1: lasso).
    fit_intercept : bool, default True
        Fit an unpenalised intercept on each subsample.
    standardize : bool, default False
        Penalise standardised columns on each subsample.
    tol : float, default 1e-4
        Relative duality gap of every subsample path.
    random_state : int, RandomState or None, default None
        Seed of the subsamples.
    n_jobs : int, optional
        Parallel subsample fits (joblib, active backend).

    Attributes
    ----------
    result_ : StabilityResult
        Selection probabilities along the grid, the selected features and the bound.
    max_probabilities_ : ndarray of shape (n_features,)
        Each feature's stability score, ``result_.max_probabilities``.
    error_bound_ : float
        The bound on the expected number of false selections, ``result_.error_bound``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when X was a DataFrame with string column names.

    See Also
    --------
    stability_selection : the functional form, with the references.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage.selection import StabilitySelection
    >>> data = load_diabetes(as_frame=True)
    >>> selector = StabilitySelection(n_subsamples=20, random_state=0)
    >>> selector.fit(data.data, data.target).get_feature_names_out()
    array(['bmi', 'bp', 's3', 's5'], dtype=object)
    >>> selector.transform(data.data).shape
    (442, 4)
    """

    _parameter_constraints: dict = {
        **GRID_OPTIONS,
        "n_subsamples": [Interval(Integral, 1, None, closed="left")],
        "complementary_pairs": ["boolean"],
        "sample_fraction": [Interval(Real, 0, 1, closed="neither")],
        "threshold": [Interval(Real, 0.5, 1, closed="right")],
        "l1_ratio": L1_RATIO,
        "fit_intercept": ["boolean"],
        "standardize": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self, *, alphas=None, n_alphas=30, alpha_min_ratio=0.2, n_subsamples=100,
        complementary_pairs=True, sample_fraction=0.5, threshold=0.6, l1_ratio=1.0,
        fit_intercept=True, standardize=False, tol=1e-4, random_state=None, n_jobs=None,
    ):  # fmt: skip
        store_parameters(self, locals())

    def _check_params(self):
        check_grid_parameters(self.alphas, self.n_alphas, self.alpha_min_ratio)
        check_subsampling(self.n_subsamples, self.threshold, self.sample_fraction)
        Penalty(self.l1_ratio)
        check_flag(self.fit_intercept, "fit_intercept")
        check_flag(self.standardize, "standardize")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Run stability selection on (X, y); returns self.

        No ``sample_weight``: subsampling rows is not the same as weighting them, so
        weights would not mean repetitions here.
        """
        X, y, _ = regression_data(self, X, y)
        self.result_ = stability_selection(
            X, y, alphas=self.alphas, n_alphas=self.n_alphas,
            alpha_min_ratio=self.alpha_min_ratio, n_subsamples=self.n_subsamples,
            complementary_pairs=self.complementary_pairs,
            sample_fraction=self.sample_fraction, threshold=self.threshold,
            penalty=Penalty(self.l1_ratio), fit_intercept=self.fit_intercept,
            standardize=self.standardize, tol=self.tol,
            random_state=self.random_state, n_jobs=self.n_jobs,
            feature_names=getattr(self, "feature_names_in_", None),
        )  # fmt: skip
        self.max_probabilities_ = self.result_.max_probabilities
        self.error_bound_ = self.result_.error_bound
        return self

    def _get_support_mask(self):
        check_is_fitted(self)
        mask = np.zeros(self.n_features_in_, dtype=bool)
        mask[self.result_.selected] = True
        return mask

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
