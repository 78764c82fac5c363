import numpy as np
import pytest
from scipy.stats import linregress
from sklearn.datasets import load_diabetes

from shrinkage.datasets import load_prostate
from shrinkage.lab.calibration import repeated_split_calibration
from shrinkage.lab.calibration_intervals import (
    bootstrap_slope,
    heuristic_shrinkage,
    single_split_slope,
    split_slopes,
)

# The estimates below are seeded, hence deterministic: the tolerances 5e-4 only absorb the
# rounding of the quoted three decimals (LAPACK differences are ~1e-12). Agreement between
# seeds is asserted separately, within 4 Monte Carlo standard errors.


@pytest.fixture(scope="module")
def prostate():
    return load_prostate()


def test_single_split_interval_is_the_regression_slope_interval(prostate):
    X, y, _, train = prostate
    one = single_split_slope(X[train], y[train], X[~train], y[~train])
    coef = np.linalg.lstsq(np.column_stack([np.ones(67), X[train]]), y[train], rcond=None)[0]
    reference = linregress(coef[0] + X[~train] @ coef[1:], y[~train])
    assert one.estimate == pytest.approx(reference.slope, rel=1e-12)
    assert one.standard_error == pytest.approx(reference.stderr, rel=1e-12)
    assert one.estimate == pytest.approx(1.009, abs=5e-4)
    assert (one.low, one.high) == (pytest.approx(0.622, abs=5e-4), pytest.approx(1.396, abs=5e-4))


def test_random_splits_and_bootstrap_agree_below_one(prostate):
    X, y, _, train = prostate
    splits, slopes = split_slopes(X, y, train_size=67, n_splits=500, seed=0)
    assert slopes.shape == (500,) and splits.n_draws == 500
    assert splits.estimate == pytest.approx(0.944, abs=5e-4)
    assert splits.low == pytest.approx(0.600, abs=5e-4)
    assert splits.high == pytest.approx(1.444, abs=5e-4)
    assert splits.standard_error == pytest.approx(0.009, abs=5e-4)
    boot = bootstrap_slope(X[train], y[train], n_bootstraps=500, seed=0)
    assert boot.estimate == pytest.approx(0.947, abs=5e-4)
    assert (boot.low, boot.high) == (
        pytest.approx(0.771, abs=5e-4),
        pytest.approx(1.180, abs=5e-4),
    )
    assert boot.standard_error == pytest.approx(0.004, abs=5e-4)
    # a different seed moves each mean by Monte Carlo error only
    other, _ = split_slopes(X, y, train_size=67, n_splits=500, seed=1)
    assert abs(other.estimate - splits.estimate) < 4 * np.hypot(
        other.standard_error, splits.standard_error
    )
    other_boot = bootstrap_slope(X[train], y[train], n_bootstraps=500, seed=1)
    assert abs(other_boot.estimate - boot.estimate) < 4 * np.hypot(
        other_boot.standard_error, boot.standard_error
    )
    # the single ESL split (1.009) lies well inside what one 30-row test set can show
    assert splits.low < 1.009 < splits.high


def test_heuristic_is_the_likelihood_ratio_formula(prostate):
    X, y, _, train = prostate
    Xt, yt = X[train], y[train]
    n, p = Xt.shape

    def gaussian_log_likelihood(residual):  # at the maximum-likelihood σ² = RSS/n
        return -n / 2 * (np.log(2 * np.pi * residual @ residual / n) + 1)

    coef = np.linalg.lstsq(np.column_stack([np.ones(n), Xt]), yt, rcond=None)[0]
    ratio = 2 * (
        gaussian_log_likelihood(yt - coef[0] - Xt @ coef[1:])
        - gaussian_log_likelihood(yt - yt.mean())
    )
    heuristic = heuristic_shrinkage(Xt, yt)
    assert heuristic.estimate == pytest.approx((ratio - p) / ratio, rel=1e-12)
    assert heuristic.estimate == pytest.approx(0.899, abs=5e-4)
    assert ratio == pytest.approx(79.42, abs=5e-3)


def test_diabetes_number_and_its_splits():
    X, y = load_diabetes(return_X_y=True)
    summary, _ = split_slopes(X, y, train_size=80, n_splits=200, seed=0)
    assert summary.estimate == pytest.approx(0.898, abs=5e-4)  # the value the docs quote
    assert (summary.low, summary.high) == (
        pytest.approx(0.721, abs=5e-4),
        pytest.approx(1.148, abs=5e-4),
    )
    assert summary.standard_error == pytest.approx(0.008, abs=5e-4)
    assert summary.estimate + 4 * summary.standard_error < 1.0  # over-fits beyond MC error
    # the same splits as the lab's calibration curves (their α = 0 end)
    few, _ = split_slopes(X, y, train_size=80, n_splits=4, seed=0)
    curves = repeated_split_calibration(X, y, n_repeats=4, n_alphas=2, seed=0)
    assert curves.ols_slope == pytest.approx(few.estimate, abs=1e-6)


def test_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from shrinkage.lab.calibration_intervals import figures

    [(path, finding)] = figures(tmp_path, 40)
    assert path.name == "calibration_intervals.png" and path.read_bytes()[:4] == b"\x89PNG"
    assert "500 splits 0.944" in finding
