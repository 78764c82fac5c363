"""Held-out calibration of the report's chosen model, from the out-of-fold predictions
of its cross-validation (:class:`~shrinkage.report.runs.PenaltyRun`)."""

from __future__ import annotations

import numpy as np

__all__ = ["calibration_regression", "reliability_curve"]


def calibration_regression(data):
    """Held-out calibration of the chosen model: slope and intercept of ``y`` regressed on
    the out-of-fold predictions (slope 1 is perfect; < 1 means over-confident predictions)
    in a :class:`~shrinkage.report.analysis.ReportData`.

    Returns ``(predictions, slope, intercept)``.
    """
    predictions = data.chosen_run.oof_decision[:, data.chosen.index]
    if np.ptp(predictions) == 0:  # all coefficients zero: the fold means only
        return predictions, float("nan"), float("nan")
    slope, intercept = np.polyfit(predictions, data.y, 1)
    return predictions, float(slope), float(intercept)


def reliability_curve(data, n_bins: int = 10):
    """Held-out reliability of the chosen classifier of ``data`` (a
    :class:`~shrinkage.report.analysis.ReportData`): out-of-fold probabilities in
    ``n_bins`` quantile bins, with each bin's mean probability and observed frequency.

    Returns ``(mean_predicted, observed, counts, brier)``.
    """
    from scipy.special import expit

    probability = expit(data.chosen_run.oof_decision[:, data.chosen.index])
    edges = np.unique(np.quantile(probability, np.linspace(0, 1, n_bins + 1)))
    which = np.clip(np.searchsorted(edges, probability, side="right") - 1, 0, edges.size - 2)
    if edges.size < 2:
        which = np.zeros(probability.size, dtype=int)
    counts = np.bincount(which)
    keep = counts > 0
    mean_predicted = np.bincount(which, probability)[keep] / counts[keep]
    observed = np.bincount(which, data.y)[keep] / counts[keep]
    brier = float(np.mean((probability - data.y) ** 2))
    return mean_predicted, observed, counts[keep], brier
