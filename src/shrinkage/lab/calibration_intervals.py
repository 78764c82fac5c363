"""How sure is a calibration slope? Four estimates of the least-squares slope on new data.

One test set gives one slope, and on a few dozen rows its sampling error is large. This
module puts an interval beside each of four estimates of the slope that least squares
would have on new data (1 = calibrated, below 1 = over-fitted):

* :func:`single_split_slope`: the slope on one test set, with the t-interval of a
  regression slope (its standard error from the test residuals).
* :func:`split_slopes`: the mean over many random train/test splits of the same sizes,
  with the middle 95 % of the per-split slopes (what one test set of that size can show)
  and the Monte Carlo standard error of the mean.
* :func:`bootstrap_slope`: Harrell's optimism-corrected bootstrap on the training rows
  alone (Efron, 1983; Harrell, *Regression Modeling Strategies*, 2nd ed., §5.3): the
  apparent slope (1 for least squares) minus the mean optimism, where each bootstrap
  fit's optimism is its slope on its own sample minus its slope on the original rows.
* :func:`heuristic_shrinkage`: van Houwelingen & le Cessie (1990),
  ``(LR − p)/LR`` with ``LR = n·log(RSS₀/RSS)`` the likelihood-ratio χ² of the Gaussian
  least-squares fit against the intercept-only model and ``p`` its number of slopes.

On the prostate data (ESL's 67 training rows; asserted in
``tests/test_lab_calibration_intervals.py``): ESL's one test split gives 1.009 (standard
error 0.19, 95 % t-interval [0.62, 1.40]); 500 random 67/30 splits average 0.944 (middle
95 % of splits [0.60, 1.44]); the bootstrap with 500 samples gives 0.947; the heuristic
0.899. Least squares over-fits a little (5 to 10 %), and one 30-row test set cannot tell
a slope of 0.95 from 1. On the diabetes data with 80 training rows, 200 random splits
(seed 0) average 0.898: clearer over-fitting.

Every fit is ordinary least squares with an intercept (``numpy.linalg.lstsq``), the α = 0
end of :mod:`shrinkage.lab.calibration`'s curves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .calibration import calibration_slope

__all__ = [
    "SlopeEstimate",
    "single_split_slope",
    "split_slopes",
    "bootstrap_slope",
    "heuristic_shrinkage",
    "slope_estimates",
]


@dataclass(frozen=True)
class SlopeEstimate:
    """One estimate of the calibration slope of least squares on new data.

    The slope of the new targets on the least-squares predictions: 1 when the fit is
    calibrated, below 1 when it over-fits. :func:`slope_estimates` gives one per method.

    Attributes
    ----------
    method : str
        "single split", "random splits", "optimism bootstrap" or "heuristic".
    estimate : float
        The slope: on the one test set, the mean over splits or over bootstrap samples
        (optimism-corrected), or the ``(LR − p)/LR`` formula's value.
    low, high : float
        The 95 % interval: a t-interval for one split; the 2.5 and 97.5 percentiles of
        the per-draw slopes for splits and bootstrap; equal to ``estimate`` for the
        heuristic (a formula, no sampling).
    standard_error : float
        Of one split's slope (t-interval), or the Monte Carlo standard error of the mean
        over draws; 0 for the heuristic.
    n_draws : int
        Splits or bootstrap samples (1 for a single split, 0 for the heuristic).
    """

    method: str
    estimate: float
    low: float
    high: float
    standard_error: float
    n_draws: int


def _fit(X, y):
    design = np.column_stack([np.ones(len(y)), X])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def _predict(coef, X):
    return coef[0] + X @ coef[1:]


def single_split_slope(X_train, y_train, X_test, y_test, *, level=0.95) -> SlopeEstimate:
    """Slope of ``y_test`` on the least-squares predictions, with its t-interval.

    The slope's standard error is ``s/√Σ(ŷ − mean ŷ)²`` with ``s²`` the residual variance
    of the calibration line (``m − 2`` degrees of freedom on ``m`` test rows).

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, _, train = load_prostate()
    >>> one = single_split_slope(X[train], y[train], X[~train], y[~train])
    >>> round(one.estimate, 3), round(one.standard_error, 3), round(one.low, 2), round(one.high, 2)
    (1.009, 0.189, 0.62, 1.4)
    """
    from scipy.stats import t

    X_train, X_test = np.asarray(X_train, float), np.asarray(X_test, float)
    y_train, y_test = np.asarray(y_train, float), np.asarray(y_test, float)
    prediction = _predict(_fit(X_train, y_train), X_test)
    slope = calibration_slope(y_test, prediction)
    centred = prediction - prediction.mean()
    residual = y_test - y_test.mean() - slope * centred
    m = y_test.size
    error = float(np.sqrt(residual @ residual / (m - 2) / (centred @ centred)))
    half = float(t.ppf(0.5 + level / 2, m - 2)) * error
    return SlopeEstimate("single split", slope, slope - half, slope + half, error, 1)


def _summarise(method, draws) -> SlopeEstimate:
    draws = np.asarray(draws)
    low, high = np.percentile(draws, [2.5, 97.5])
    error = float(draws.std(ddof=1) / np.sqrt(draws.size))
    return SlopeEstimate(method, float(draws.mean()), float(low), float(high), error, draws.size)


def split_slopes(X, y, *, train_size, n_splits=200, seed=0) -> tuple[SlopeEstimate, np.ndarray]:
    """Least-squares calibration slope over seeded random splits of all rows.

    Splits are :class:`sklearn.model_selection.ShuffleSplit` with ``train_size`` rows for
    training and the rest for testing, ``random_state=seed`` (the splits of
    :func:`shrinkage.lab.calibration.repeated_split_calibration` with the same arguments).

    Returns
    -------
    (SlopeEstimate, ndarray of shape (n_splits,))
        The summary and the per-split slopes.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, _, _ = load_prostate()
    >>> summary, slopes = split_slopes(X, y, train_size=67, n_splits=500)
    >>> round(summary.estimate, 3), round(summary.low, 2), round(summary.high, 2)
    (0.944, 0.6, 1.44)
    """
    from sklearn.model_selection import ShuffleSplit

    X, y = np.asarray(X, float), np.asarray(y, float)
    splitter = ShuffleSplit(n_splits=n_splits, train_size=train_size, random_state=seed)
    slopes = np.array([
        calibration_slope(y[test], _predict(_fit(X[train], y[train]), X[test]))
        for train, test in splitter.split(X)
    ])  # fmt: skip
    return _summarise("random splits", slopes), slopes


def bootstrap_slope(X, y, *, n_bootstraps=200, seed=0) -> SlopeEstimate:
    """Harrell's optimism-corrected calibration slope of least squares on ``(X, y)``.

    For each bootstrap sample ``b`` (rows drawn with replacement, ``numpy`` generator
    seeded with ``seed``): fit on ``b``; optimism = slope on ``b`` itself minus slope on
    the original rows. Corrected slope = apparent slope − mean optimism. The interval is
    the 2.5 and 97.5 percentiles of ``apparent − optimism_b``.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, _, train = load_prostate()
    >>> round(bootstrap_slope(X[train], y[train], n_bootstraps=500).estimate, 3)
    0.947
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    apparent = calibration_slope(y, _predict(_fit(X, y), X))  # 1 for least squares
    rng = np.random.default_rng(seed)
    corrected = []
    for _ in range(int(n_bootstraps)):
        rows = rng.integers(0, y.size, y.size)
        coef = _fit(X[rows], y[rows])
        optimism = calibration_slope(y[rows], _predict(coef, X[rows])) - calibration_slope(
            y, _predict(coef, X)
        )
        corrected.append(apparent - optimism)
    return _summarise("optimism bootstrap", corrected)


def heuristic_shrinkage(X, y) -> SlopeEstimate:
    """van Houwelingen & le Cessie's heuristic shrinkage factor ``(LR − p)/LR``.

    ``LR = n·log(RSS₀/RSS)``: the likelihood-ratio χ² of the Gaussian least-squares fit
    (``RSS``) against the intercept-only model (``RSS₀ = Σ(y − ȳ)²``); ``p`` slopes.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, _, train = load_prostate()
    >>> round(heuristic_shrinkage(X[train], y[train]).estimate, 3)
    0.899
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    n, p = X.shape
    residual = y - _predict(_fit(X, y), X)
    null = y - y.mean()
    ratio = n * np.log(float(null @ null) / float(residual @ residual))
    factor = float((ratio - p) / ratio)
    return SlopeEstimate("heuristic", factor, factor, factor, 0.0, 0)


def slope_estimates(X, y, train, *, n_splits=500, n_bootstraps=500, seed=0):
    """The four estimates for data with one given train/test split (boolean ``train``).

    Returns ``(single split, random splits, optimism bootstrap, heuristic)``: the random
    splits keep the sizes of ``train``; the bootstrap and the heuristic use its rows only.

    Examples
    --------
    >>> from shrinkage.datasets import load_prostate
    >>> X, y, _, train = load_prostate()
    >>> [round(e.estimate, 3) for e in slope_estimates(X, y, train, n_splits=500)]
    [1.009, 0.944, 0.947, 0.899]
    """
    X, y = np.asarray(X, float), np.asarray(y, float)
    train = np.asarray(train, dtype=bool)
    return (
        single_split_slope(X[train], y[train], X[~train], y[~train]),
        split_slopes(X, y, train_size=int(train.sum()), n_splits=n_splits, seed=seed)[0],
        bootstrap_slope(X[train], y[train], n_bootstraps=n_bootstraps, seed=seed),
        heuristic_shrinkage(X[train], y[train]),
    )


def figures(out: Path, dpi: int) -> list[tuple[Path, str]]:
    """Draw ``calibration_intervals.png`` (prostate's four estimates, diabetes' splits)
    into ``out``; return ``[(path, finding)]``."""
    from matplotlib.figure import Figure  # Agg canvas, no pyplot state touched
    from sklearn.datasets import load_diabetes

    from ..datasets import load_prostate
    from ..plots.calibration import plot_slope_intervals

    X, y, _, train = load_prostate()
    prostate = slope_estimates(X, y, train, n_splits=500, n_bootstraps=500, seed=0)
    X_diabetes, y_diabetes = load_diabetes(return_X_y=True)
    diabetes, _ = split_slopes(X_diabetes, y_diabetes, train_size=80, n_splits=200, seed=0)
    labels = [
        "prostate: ESL split (30 test rows)", "prostate: 500 random 67/30 splits",
        "prostate: optimism bootstrap (500)", "prostate: (LR − p)/LR heuristic",
        "diabetes: 200 random 80/362 splits",
    ]  # fmt: skip
    fig = Figure(figsize=(7.0, 4.2), layout="tight")
    plot_slope_intervals([*prostate, diabetes], fig.subplots(), labels=labels)
    path = Path(out) / "calibration_intervals.png"
    fig.savefig(path, dpi=dpi)
    single, splits, boot, heuristic = prostate
    return [
        (path, f"Least-squares calibration slope, prostate: one ESL split {single.estimate:.3f} "
               f"[{single.low:.2f}, {single.high:.2f}], 500 splits {splits.estimate:.3f}, "
               f"bootstrap {boot.estimate:.3f}, heuristic {heuristic.estimate:.3f}; diabetes "
               f"(80 rows, 200 splits) {diabetes.estimate:.3f}: prostate over-fits mildly, "
               "diabetes clearly."),
    ]  # fmt: skip
