"""What the report does its own way for counts (Poisson regression, log link).

A count model minimises half the mean Poisson deviance
``1/n Σ_i [μ_i − y_i z_i + y_i log y_i − y_i]`` plus ``α·penalty(w)``, with
``z_i = x_iᵀw + b + log e_i``, ``μ_i = e^{z_i}`` and ``e_i`` the exposure of row i (time
at risk, population; 1 without one). Three pieces differ from the
other tasks:

* the scores of predicted counts (:func:`count_scores`): the mean Poisson deviance, the
  CV error (glmnet's ``type.measure = "deviance"``), and D², the share of the deviance of
  the mean count that the model explains (scikit-learn's ``PoissonRegressor.score``);
* the stability of a penalty's selection in the comparison: the Poisson fits themselves
  at the chosen α on complementary half-samples
  (:func:`shrinkage.advice.count_half_sample_stability`);
* the selecting fit of stability selection (:func:`selection_problem`): the squared-loss
  lasso on the rates ``y/e``, weighted by the exposures, a linear model of the rate. The
  error bound of stability selection holds for whatever procedure selects, so it holds
  for this one.
"""

from __future__ import annotations

import numpy as np

from ..selection import poisson_deviance

__all__ = ["count_scores", "selection_problem"]


def count_scores(y, log_mean) -> tuple[float, float]:
    """``(mean Poisson deviance, D²)`` of the predicted means ``exp(log_mean)`` of the
    counts ``y``; D² is NaN when every count is 0 (the mean count explains everything).

    Examples
    --------
    >>> y = np.array([0.0, 1.0, 3.0, 4.0])
    >>> deviance, d2 = count_scores(y, np.log([0.5, 1.0, 2.5, 4.0]))
    >>> round(deviance, 4), round(d2, 4)  # scikit-learn's mean_poisson_deviance, d2
    (0.2735, 0.834)
    """
    y = np.asarray(y, dtype=np.float64)
    log_mean = np.asarray(log_mean, dtype=np.float64)
    deviance = float(poisson_deviance(y, log_mean[:, None])[0])
    if not np.any(y > 0):
        return deviance, float("nan")
    null = float(poisson_deviance(y, np.full((y.size, 1), np.log(y.mean())))[0])
    return deviance, 1.0 - deviance / null


def selection_problem(y, exposure) -> tuple[np.ndarray, np.ndarray | None]:
    """``(target, sample_weight)`` of the squared-loss fit that selects for stability
    selection: the rates ``y/e`` weighted by the exposures ``e``; the counts themselves,
    unweighted, without an exposure.

    Examples
    --------
    >>> target, weight = selection_problem(np.array([2.0, 3.0]), np.array([0.5, 3.0]))
    >>> target.tolist(), weight.tolist()
    ([4.0, 1.0], [0.5, 3.0])
    """
    y = np.asarray(y, dtype=np.float64)
    if exposure is None:
        return y, None
    exposure = np.asarray(exposure, dtype=np.float64)
    return y / exposure, exposure
