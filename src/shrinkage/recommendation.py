"""The rule that recommends L1, L2 or the elastic net from cross-validation summaries.

It makes the usual practical advice — L1 for feature selection and interpretability, L2
when all features are useful; neither wins everywhere (James, Witten, Hastie &
Tibshirani, *An Introduction to Statistical Learning*, §6.2.2: the lasso does better when
few predictors matter, ridge when many do) — concrete:

1. a penalty is *competitive* when its CV error exceeds the best penalty's by at most one
   standard error of their per-fold differences (the penalties share the folds, so the
   paired difference is what varies; without it, the best's own standard error);
2. the lasso is recommended when it is competitive, keeps at most 80 % of the features and
   its selection is stable (mean Jaccard ≥ 0.7) — or not stable, but ridge is not
   competitive and no competitive sparse elastic net is *clearly* steadier (by
   ``STABILITY_MARGIN``);
3. a competitive lasso whose selection is unstable while ridge is competitive gives ridge:
   the selection is not reproducible and buys no accuracy (a dense truth of small
   effects, where the lasso drops a different few of them on each subsample);
4. otherwise the elastic net when it is competitive, keeps at most 80 % of the features
   and is stable or ridge is not competitive (selection, steadier than the lasso's among
   correlated features);
5. otherwise ridge if competitive (the features all help), else the lowest CV error.

Why a margin: the Jaccard similarity of two sets grows with their size by chance alone
(two random k-sets of p features have a mean Jaccard of about k / (2p − k)), and the
elastic net keeps more features than the lasso at the same error. On complementary
half-samples of the simulated sparse truths of ``tests/test_advice_simulations.py`` (3 of
20 features, n = 80) and of the 0/1 target of ``tests/test_advice.py`` (2 of 10), the
elastic net's lead over the lasso was at most 0.15, from its larger set; among six
near-copies of one signal (five seeds) it was 0.24 to 0.49.

The model size and the stability are measured at the α that ``selection`` names (the
one-standard-error α in :func:`shrinkage.advise`, as :data:`shrinkage.defaults.SELECTION`):
at the α of least CV error the lasso keeps noise features, which is the wrong moment to
judge a selection.

:func:`shrinkage.advise` and the HTML report (:mod:`shrinkage.report`) both apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

__all__ = [
    "SPARSE_SHARE",
    "STABILITY_MARGIN",
    "STABLE_JACCARD",
    "PenaltySummary",
    "jaccard_mean",
    "recommend",
]

#: A model is sparse when it keeps at most this share of the features.
SPARSE_SHARE = 0.8
#: A selection is stable when the mean pairwise Jaccard similarity of the folds' sets is
#: at least this.
STABLE_JACCARD = 0.7
#: The elastic net is preferred to an unstable lasso for its stability only when its mean
#: Jaccard is higher by at least this (see the module docstring).
STABILITY_MARGIN = 0.2


@dataclass(frozen=True)
class PenaltySummary:
    """Cross-validation summary of one penalty.

    Attributes
    ----------
    name : {"lasso", "ridge", "elastic net"}
    l1_ratio : float
        Share ρ of the L1 term in the penalty: 1 for the lasso, 0 for ridge.
    alpha : float
        The α of least mean CV error.
    cv_error, cv_error_se : float
        Mean held-out error at ``alpha`` and its standard error across folds.
    n_features_kept, n_features : int
        Non-zero coefficients of the model refitted on all data at ``selection_alpha``,
        out of how many.
    stability : float
        Mean pairwise Jaccard similarity (:func:`jaccard_mean`) of the sets of non-zero
        coefficients chosen on resamples at ``selection_alpha``: complementary
        half-samples in :func:`shrinkage.advise`, the folds in the report.
    difference_se : float or None
        Standard error of the per-fold difference between this penalty's held-out errors
        (at ``alpha``) and the best penalty's (0 for the best); None: not measured, and
        the best's ``cv_error_se`` stands in.
    selection : {"min", "1se"}
        The rule that chose ``selection_alpha``: ``alpha``, or the largest α within one
        standard error of the least CV error.
    selection_alpha : float or None
        Where the model size and the stability are measured (None: ``alpha``).
    """

    name: str
    l1_ratio: float
    alpha: float
    cv_error: float
    cv_error_se: float
    n_features_kept: int
    n_features: int
    stability: float
    difference_se: float | None = None
    selection: str = "min"
    selection_alpha: float | None = None


def jaccard_mean(sets) -> float:
    """Mean pairwise Jaccard similarity ``|A ∩ B| / |A ∪ B|`` of ``sets`` (two empty sets
    count as equal; fewer than two sets give 1).

    Examples
    --------
    >>> jaccard_mean([{0, 1}, {0, 1}, {0, 2}])
    0.5555555555555555
    """
    pairs = list(combinations(sets, 2))
    if not pairs:
        return 1.0
    scores = [len(a & b) / len(a | b) if (a | b) else 1.0 for a, b in pairs]
    return float(np.mean(scores))


def recommend(summaries) -> tuple[str, tuple[str, ...]]:
    """The recommended penalty's name and the reasons, most important first.

    ``summaries`` hold a :class:`PenaltySummary` named "lasso", one "ridge" and one
    "elastic net" (see the module docstring for the rule).

    Examples
    --------
    >>> common = dict(cv_error_se=0.2, n_features=20, selection="1se")
    >>> lasso = PenaltySummary("lasso", 1.0, 0.1, 2.0, n_features_kept=3, stability=0.6,
    ...                        difference_se=0.0, **common)
    >>> ridge = PenaltySummary("ridge", 0.0, 1.0, 2.6, n_features_kept=20, stability=1.0,
    ...                        difference_se=0.15, **common)
    >>> enet = PenaltySummary("elastic net", 0.5, 0.2, 2.1, n_features_kept=5,
    ...                       stability=0.65, difference_se=0.12, **common)
    >>> recommend([lasso, ridge, enet])[0]
    'lasso'
    """
    by_name = {s.name: s for s in summaries}
    best = min(summaries, key=lambda s: s.cv_error)

    def competitive(s):
        spread = best.cv_error_se if s.difference_se is None else s.difference_se
        return s.cv_error - best.cv_error <= spread

    def sparse(s):
        return s.n_features_kept <= SPARSE_SHARE * s.n_features

    def stable(s):
        return s.stability >= STABLE_JACCARD

    def error_text(s):
        if s is best:
            return f"{s.name} has the lowest CV error ({s.cv_error:.4g})"
        if s.difference_se is None:
            return (
                f"{s.name}'s CV error ({s.cv_error:.4g}) is within one standard error of "
                f"the best ({best.name}, {best.cv_error:.4g} ± {best.cv_error_se:.2g})"
            )
        return (
            f"{s.name}'s CV error ({s.cv_error:.4g}) exceeds the best ({best.name}, "
            f"{best.cv_error:.4g}) by less than one standard error of their per-fold "
            f"differences ({s.difference_se:.2g})"
        )

    def where(s):
        return "at the one-standard-error α" if s.selection == "1se" else "at its best α"

    def kept_text(s, lead):
        return f"{lead} {s.n_features_kept} of {s.n_features} features {where(s)}"

    def unstable_text(s):
        return (
            f"its selection is unstable (mean Jaccard {s.stability:.2f} < "
            f"{STABLE_JACCARD:g}) and buys no accuracy: ridge is competitive "
            f"({error_text(ridge)})"
        )

    lasso, ridge, enet = by_name["lasso"], by_name["ridge"], by_name["elastic net"]
    enet_steadier = (
        competitive(enet) and sparse(enet) and enet.stability >= lasso.stability + STABILITY_MARGIN
    )
    if competitive(lasso) and sparse(lasso) and not (not stable(lasso) and enet_steadier):
        if stable(lasso) or not competitive(ridge):
            steadiness = "stable" if stable(lasso) else "only moderately stable"
            return "lasso", (
                error_text(lasso),
                kept_text(lasso, "it keeps only")
                + ": a smaller model that is easier to interpret",
                f"the selected features are {steadiness} (mean Jaccard {lasso.stability:.2f})",
            )
        return "ridge", (
            error_text(ridge),
            kept_text(lasso, "the lasso keeps") + ", but " + unstable_text(lasso),
            "ridge shrinks every coefficient smoothly and keeps all of them",
        )
    if competitive(enet) and sparse(enet) and (stable(enet) or not competitive(ridge)):
        why_not_lasso = (
            f"the lasso's selection is unsteady (mean Jaccard {lasso.stability:.2f}), "
            "typical of correlated features, which the elastic net keeps together "
            f"(Jaccard {enet.stability:.2f})"
            if enet_steadier
            else "the lasso is not competitive or keeps most features"
        )
        return "elastic net", (error_text(enet), kept_text(enet, "it keeps"), why_not_lasso)
    if competitive(ridge):
        kept = max(lasso.n_features_kept, enet.n_features_kept)
        if not (sparse(lasso) or sparse(enet)):
            reason = (
                f"the sparse models keep almost all features (up to {kept} of "
                f"{lasso.n_features}) {where(lasso)}, so the features all seem useful and "
                "selection buys little"
            )
        elif competitive(lasso) or competitive(enet):
            reason = "the sparse models' selections are unstable and buy no accuracy"
        else:
            reason = "the sparse models lose accuracy by dropping features"
        return "ridge", (
            error_text(ridge),
            reason,
            "ridge shrinks every coefficient smoothly and keeps all of them",
        )
    return best.name, (error_text(best), "no other penalty is within one standard error")
