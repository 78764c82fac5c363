import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from shrinkage.datasets import load_prostate
from shrinkage.lab.calibration import (
    calibration_curves,
    calibration_slope,
    repeated_split_calibration,
)
from shrinkage.lab.paths import penalty_alphas


def test_slope_definition():
    rng = np.random.default_rng(0)
    prediction = rng.standard_normal(50)
    assert calibration_slope(2.0 * prediction + 1.0, prediction) == pytest.approx(2.0)
    assert calibration_slope(prediction, 3.0 * prediction) == pytest.approx(1 / 3)
    assert np.isnan(calibration_slope(prediction, np.ones(50)))
    with pytest.raises(ValueError, match="1-D"):
        calibration_slope(prediction, prediction[:10])


def test_prostate_esl_split_slope_and_shrinkage_raises_it():
    # On ESL's one split least squares has slope 1.009 (standard error 0.19, so this split
    # alone cannot show over-fitting: tests/test_lab_calibration_intervals.py); shrinking
    # pushes the slope above 1 on these 30 rows.
    X, y, _, train = load_prostate()
    curves = calibration_curves(X[train], y[train], X[~train], y[~train], n_alphas=12)
    assert curves.ols_slope == pytest.approx(1.009, abs=1e-3)
    assert np.all(curves.ridge_slopes > 1.0)
    assert np.all(np.diff(curves.ridge_slopes) < 0)  # α decreasing: slope falls to OLS's
    lasso = curves.lasso_slopes[np.isfinite(curves.lasso_slopes)]
    assert np.all(lasso > 1.0)
    assert curves.ridge_slopes[-1] == pytest.approx(curves.ols_slope, abs=0.01)
    # moderate shrinkage still lowers the test error a little
    assert curves.lasso_mse.min() < 0.9 * curves.ols_mse
    assert curves.ridge_mse.min() < curves.ols_mse


def test_diabetes_small_training_sets_ols_overfits_and_shrinkage_moves_slope_to_one():
    X, y = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN slopes of empty lassos
        curves = repeated_split_calibration(
            X, y, n_repeats=6, n_alphas=12, alpha_min_ratio=1e-5, seed=0,
            lasso_alphas=penalty_alphas(X, y, 1.0, n_alphas=12),
        )  # fmt: skip
    assert curves.ols_slope < 0.95
    # some moderate ridge α is better calibrated than least squares, and predicts better
    closest = int(np.argmin(np.abs(curves.ridge_slopes - 1.0)))
    assert abs(curves.ridge_slopes[closest] - 1.0) < 0.05
    assert abs(curves.ridge_slopes[closest] - 1.0) < abs(curves.ols_slope - 1.0) / 2
    assert curves.ridge_mse[closest] < curves.ols_mse
    lasso_closest = int(np.nanargmin(np.abs(curves.lasso_slopes - 1.0)))
    assert abs(curves.lasso_slopes[lasso_closest] - 1.0) < abs(curves.ols_slope - 1.0)
    assert curves.lasso_mse[lasso_closest] < curves.ols_mse
    # too much shrinkage overshoots
    assert curves.ridge_slopes[0] > 1.5
