"""What every fold of a cross-validation must hold for its fit and its held-out error
to exist: rows of positive weight on both sides, and both classes for a classifier."""

from __future__ import annotations

import numpy as np

__all__ = ["check_fold_classes", "check_fold_weights"]


def check_fold_weights(folds, sample_weight):
    """Every fold needs training rows and held-out rows of positive total weight: a
    fit cannot use weights that sum to 0, and a held-out error would be 0/0."""
    if sample_weight is None:
        return
    for k, (train, test) in enumerate(folds):
        for part, rows in (("training", train), ("held-out", test)):
            if not np.sum(sample_weight[rows]) > 0:
                raise ValueError(
                    f"cross-validation fold {k}: every {part} row has sample_weight 0 "
                    f"({rows.size} rows). Shuffle the rows (e.g. cv=KFold(5, shuffle=True)) "
                    "or drop the zero-weight rows before fitting."
                )


def check_fold_classes(folds, y01, classes, sample_weight=None):
    """Raise, naming the fold, when a training part of ``folds`` lacks a class
    (``y01``: the class codes 0, 1, … of ``classes``).

    A fold without both classes (with positive weight) cannot be fitted; the solver
    would only see "one class" deep inside the fold's job.
    """
    counted = np.ones(y01.shape[0], bool) if sample_weight is None else sample_weight > 0
    labels = classes.tolist()

    def counts(rows):
        return {label: int(np.sum(counted[rows] & (y01[rows] == k))) for k, label in
                enumerate(labels)}  # fmt: skip

    failing = [f for f, (train, _) in enumerate(folds) if min(counts(train).values()) == 0]
    if not failing:
        return
    whole = counts(np.arange(y01.shape[0]))
    rarest = min(whole, key=whole.get)
    counting = "; samples with positive weight" if sample_weight is not None else ""
    others = f" (and {len(failing) - 1} other fold(s))" if len(failing) > 1 else ""
    train = folds[failing[0]][0]
    missing = [label for label, count in counts(train).items() if count == 0]
    lacking = ("has only one class" if len(labels) == 2
               else f"lacks class(es) {missing}")  # fmt: skip
    raise ValueError(
        f"Cross-validation fold {failing[0] + 1} of {len(folds)}{others} {lacking} "
        f"in its training part, so it cannot be fitted (class counts there {counts(train)}, "
        f"in the whole data {whole}{counting}). Use fewer folds or stratified folds (an "
        "int cv gives StratifiedKFold); a class needs at least 2 samples to be in every "
        f"training part, and class {rarest!r} has {whole[rarest]}."
    )
