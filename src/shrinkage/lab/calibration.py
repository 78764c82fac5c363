"""Shrinkage and calibration on held-out data (Harrell, *Regression Modeling Strategies*,
2nd ed., p. 75).

The *calibration slope* of a model on new data is the slope of the least-squares line of
the observed ``y`` on the predictions ``ŷ``: ``cov(ŷ, y)/var(ŷ)``. A slope below 1 means
the predictions are too spread out (high predictions too high, low ones too low): the
model over-fitted the training data and its coefficients are too large. Harrell's remark
is that shrinkage "pre-shrinks" the coefficients so that the slope on new data is about 1.

What the data say (asserted in ``tests/test_lab_calibration.py``):

* **Prostate, ESL train/test split** (67/30 rows, 8 features): least squares has slope
  1.009 on the 30 test rows, but with standard error 0.19 (95 % interval [0.62, 1.40]),
  so this one split cannot tell calibrated from over-fitted. Averaged over 500 random
  67/30 splits the slope is 0.944, Harrell's optimism-corrected bootstrap on the 67
  training rows gives 0.947 and van Houwelingen & le Cessie's heuristic 0.899
  (:mod:`shrinkage.lab.calibration_intervals`): a little over-fitting, 5 to 10 %. On
  ESL's split every amount of shrinkage raises the slope above 1, while the test error
  still improves a little at moderate α.
* **Diabetes, small training sets** (80 of 442 rows, 10 features): least squares
  over-fits, slope 0.898 on held-out rows (mean of 200 random splits, seed 0; the middle
  95 % of splits lie in [0.72, 1.15]), and ridge or lasso with a moderate α moves it to
  about 1, with a lower test error. Too much shrinkage overshoots (slope > 1).

Every fit here minimises ``1/(2n)‖y − Xw − b‖² + α·penalty(w)`` on standardised
coefficients (``standardize=True``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..penalties import L1, L2
from ..solvers import solve
from .paths import penalty_alphas

__all__ = [
    "calibration_slope",
    "CalibrationCurves",
    "calibration_curves",
    "repeated_split_calibration",
]


def calibration_slope(y_true, y_pred) -> float:
    """Slope of the least-squares regression of ``y_true`` on ``y_pred``.

    NaN when the predictions are constant (e.g. a lasso with every coefficient 0).

    Examples
    --------
    >>> calibration_slope([1.0, 2.0, 3.0], [0.0, 2.0, 4.0])
    0.5
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(f"y_true {y_true.shape} and y_pred {y_pred.shape} must be 1-D, equal.")
    centred = y_pred - y_pred.mean()
    spread = float(centred @ centred)
    if spread <= 1e-24 * max(float(y_pred @ y_pred), 1.0):
        return float("nan")
    return float(centred @ (y_true - y_true.mean()) / spread)


@dataclass(frozen=True)
class CalibrationCurves:
    """Held-out calibration slope and mean squared error along α for ridge and lasso.

    Attributes
    ----------
    ols_slope, ols_mse : float
        Least squares (α = 0).
    ridge_alphas, ridge_slopes, ridge_mse : ndarray
    lasso_alphas, lasso_slopes, lasso_mse : ndarray
        NaN slopes where the lasso predicts a constant.
    """

    ols_slope: float
    ols_mse: float
    ridge_alphas: np.ndarray
    ridge_slopes: np.ndarray
    ridge_mse: np.ndarray
    lasso_alphas: np.ndarray
    lasso_slopes: np.ndarray
    lasso_mse: np.ndarray


def _held_out(X_train, y_train, X_test, y_test, alpha, penalty, coef_init=None):
    result = solve(
        X_train, y_train, alpha, penalty, standardize=True, tol=1e-8, coef_init=coef_init
    )
    prediction = X_test @ result.coef + result.intercept
    return (
        calibration_slope(y_test, prediction),
        float(np.mean((y_test - prediction) ** 2)),
        result.coef,
    )


def _curve(X_train, y_train, X_test, y_test, alphas, penalty):
    slopes, errors, coef = [], [], None
    for alpha in alphas:
        slope, error, coef = _held_out(X_train, y_train, X_test, y_test, alpha, penalty, coef)
        slopes.append(slope)
        errors.append(error)
    return np.array(slopes), np.array(errors)


def calibration_curves(
    X_train, y_train, X_test, y_test, *, n_alphas=30, alpha_min_ratio=1e-3, ridge_alphas=None,
    lasso_alphas=None,
) -> CalibrationCurves:  # fmt: skip
    """Fit OLS, ridge and lasso on the training rows; slope and error on the test rows.

    Default grids: :func:`shrinkage.lab.paths.penalty_alphas` of the training data (lasso
    from its ``α_max``; ridge from that of
    :data:`~shrinkage.path.grid.RIDGE_GRID_L1_RATIO`), down to ``alpha_min_ratio`` times
    the lasso's ``α_max``.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, _, train = load_prostate()
    >>> curves = calibration_curves(X[train], y[train], X[~train], y[~train], n_alphas=5)
    >>> round(curves.ols_slope, 3)
    1.009
    """
    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y_train, y_test = np.asarray(y_train, float), np.asarray(y_test, float)
    grid = dict(n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio)
    if ridge_alphas is None:
        ridge_alphas = penalty_alphas(X_train, y_train, 0.0, **grid)
    if lasso_alphas is None:
        lasso_alphas = penalty_alphas(X_train, y_train, 1.0, **grid)
    ridge_alphas = np.asarray(ridge_alphas, dtype=float)
    lasso_alphas = np.asarray(lasso_alphas, dtype=float)
    ols_slope, ols_mse, _ = _held_out(X_train, y_train, X_test, y_test, 0.0, L2())
    ridge = _curve(X_train, y_train, X_test, y_test, ridge_alphas, L2())
    lasso = _curve(X_train, y_train, X_test, y_test, lasso_alphas, L1())
    return CalibrationCurves(ols_slope, ols_mse, ridge_alphas, *ridge, lasso_alphas, *lasso)


def repeated_split_calibration(
    X, y, *, train_size=80, n_repeats=20, seed=0, n_alphas=30, alpha_min_ratio=1e-3,
    ridge_alphas=None, lasso_alphas=None,
) -> CalibrationCurves:  # fmt: skip
    """:func:`calibration_curves` averaged over seeded random train/test splits.

    The α grids are fixed once from the full data so the curves can be averaged; slopes
    are averaged ignoring NaN (constant predictions).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> X, y = load_diabetes(return_X_y=True)
    >>> curves = repeated_split_calibration(X, y, n_repeats=3, n_alphas=4)
    >>> bool(curves.ols_slope < 0.95)
    True
    """
    from sklearn.model_selection import ShuffleSplit

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    grid = dict(n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio)
    if ridge_alphas is None:
        ridge_alphas = penalty_alphas(X, y, 0.0, **grid)
    if lasso_alphas is None:
        lasso_alphas = penalty_alphas(X, y, 1.0, **grid)
    splitter = ShuffleSplit(n_splits=n_repeats, train_size=train_size, random_state=seed)
    runs = [
        calibration_curves(
            X[train],
            y[train],
            X[test],
            y[test],
            ridge_alphas=ridge_alphas,
            lasso_alphas=lasso_alphas,
        )  # fmt: skip
        for train, test in splitter.split(X)
    ]

    def mean(attribute):
        return np.nanmean(np.array([getattr(run, attribute) for run in runs]), axis=0)

    return CalibrationCurves(
        float(mean("ols_slope")), float(mean("ols_mse")), np.asarray(ridge_alphas, float),
        mean("ridge_slopes"), mean("ridge_mse"), np.asarray(lasso_alphas, float),
        mean("lasso_slopes"), mean("lasso_mse"),
    )  # fmt: skip
