"""The rule that recommends L1, L2 or the elastic net from cross-validation summaries.

It makes the usual practical advice — L1 for feature selection and interpretability, L2
when all features are useful; neither wins everywhere (James, Witten, Hastie &
Tibshirani, *An Introduction to Statistical Learning*, §6.2.2: the lasso does better when
few predictors matter, ridge when many do) — concrete:

1. a penalty is *competitive* when its CV error is within one standard error of the best;
2. the lasso is recommended when it is competitive, keeps at most 80 % of the features and
   its selection is stable (Jaccard ≥ 0.7) — or not stable, but no competitive sparse
   elastic net is steadier;
3. otherwise the elastic net when it is competitive and keeps at most 80 % of the features
   (selection, steadier than the lasso's among correlated features);
4. otherwise ridge if competitive (the features all help), else the lowest CV error.

:func:`shrinkage.advise` and the HTML report (:mod:`shrinkage.report`) both apply it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

__all__ = ["SPARSE_SHARE", "STABLE_JACCARD", "PenaltySummary", "jaccard_mean", "recommend"]

#: A model is sparse when it keeps at most this share of the features.
SPARSE_SHARE = 0.8
#: A selection is stable when the mean pairwise Jaccard similarity of the folds' sets is
#: at least this.
STABLE_JACCARD = 0.7


@dataclass(frozen=True)
class PenaltySummary:
    """Cross-validation summary of one penalty at its best α.

    Attributes
    ----------
    name : {"lasso", "ridge", "elastic net"}
    l1_ratio, alpha : float
    cv_error, cv_error_se : float
        Mean held-out error at ``alpha`` and its standard error across folds.
    n_features_kept, n_features : int
        Non-zero coefficients of the model refitted on all data, out of how many.
    stability : float
        :func:`jaccard_mean` of the folds' sets of non-zero coefficients at ``alpha``.
    """

    name: str
    l1_ratio: float
    alpha: float
    cv_error: float
    cv_error_se: float
    n_features_kept: int
    n_features: int
    stability: float


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
    """
    by_name = {s.name: s for s in summaries}
    best = min(summaries, key=lambda s: s.cv_error)
    bound = best.cv_error + best.cv_error_se

    def competitive(s):
        return s.cv_error <= bound

    def sparse(s):
        return s.n_features_kept <= SPARSE_SHARE * s.n_features

    def error_text(s):
        if s is best:
            return f"{s.name} has the lowest CV error ({s.cv_error:.4g})"
        return (
            f"{s.name}'s CV error ({s.cv_error:.4g}) is within one standard error of the "
            f"best ({best.name}, {best.cv_error:.4g} ± {best.cv_error_se:.2g})"
        )

    lasso, ridge, enet = by_name["lasso"], by_name["ridge"], by_name["elastic net"]
    enet_steadier = competitive(enet) and sparse(enet) and enet.stability > lasso.stability
    if (
        competitive(lasso)
        and sparse(lasso)
        and (lasso.stability >= STABLE_JACCARD or not enet_steadier)
    ):
        steadiness = "stable" if lasso.stability >= STABLE_JACCARD else "only moderately stable"
        return "lasso", (
            error_text(lasso),
            f"it keeps only {lasso.n_features_kept} of {lasso.n_features} features: a "
            "smaller model that is easier to interpret",
            f"the selected features are {steadiness} across folds (mean Jaccard "
            f"{lasso.stability:.2f})",
        )
    if competitive(enet) and sparse(enet):
        why_not_lasso = (
            f"the lasso's selection changes between folds (mean Jaccard "
            f"{lasso.stability:.2f}), typical of correlated features, which the elastic net "
            f"keeps together (Jaccard {enet.stability:.2f})"
            if enet_steadier and lasso.stability < STABLE_JACCARD
            else "the lasso is not competitive or keeps most features"
        )
        return "elastic net", (
            error_text(enet),
            f"it keeps {enet.n_features_kept} of {enet.n_features} features",
            why_not_lasso,
        )
    if competitive(ridge):
        kept = max(lasso.n_features_kept, enet.n_features_kept)
        reason = (
            f"the sparse models keep almost all features (up to {kept} of "
            f"{lasso.n_features}), so the features all seem useful and selection buys "
            "little"
            if not (sparse(lasso) or sparse(enet))
            else "the sparse models lose accuracy by dropping features"
        )
        return "ridge", (
            error_text(ridge),
            reason,
            "ridge shrinks every coefficient smoothly and keeps all of them",
        )
    return best.name, (error_text(best), "no other penalty is within one standard error")
