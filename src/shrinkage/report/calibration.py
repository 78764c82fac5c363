"""Held-out calibration of the report's chosen model, from the out-of-fold predictions
of its cross-validation (:class:`~shrinkage.report.runs.PenaltyRun`)."""

from __future__ import annotations

import numpy as np

from .counts import count_scores

__all__ = ["calibration_regression", "held_out_count_scores", "held_out_log_mean",
           "reliability_curve"]  # fmt: skip


def held_out_log_mean(data) -> np.ndarray:
    """A count model's out-of-fold log means ``x_iᵀw + b + log e_i`` at the chosen α."""
    decision = data.chosen_run.oof_decision[:, data.chosen.index]
    return decision if data.exposure is None else decision + np.log(data.exposure)


def held_out_count_scores(data) -> tuple[float, float]:
    """``(mean Poisson deviance, D²)`` of a count model's out-of-fold predictions
    (:func:`shrinkage.report.counts.count_scores`)."""
    return count_scores(data.y, held_out_log_mean(data))


def calibration_regression(data):
    """Held-out calibration of the chosen model: slope and intercept of ``y`` regressed on
    the out-of-fold predictions (for counts, the predicted mean counts; slope 1 is
    perfect; < 1 means over-confident predictions) in a
    :class:`~shrinkage.report.analysis.ReportData`.

    Returns ``(predictions, slope, intercept)``.
    """
    if data.task == "count":
        predictions = np.exp(held_out_log_mean(data))
    else:
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
