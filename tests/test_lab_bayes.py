import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab.bayes import (
    bayes_maps,
    figures,
    gaussian_posterior_mean,
    laplace_posterior_mean,
    laplace_posterior_mean_quadrature,
    laplace_posterior_mode,
)
from shrinkage.penalties import L2, soft_threshold


@pytest.mark.parametrize(("sigma", "rate"), [(1.0, 1.0), (0.5, 3.0), (2.0, 0.4)])
def test_mode_is_the_lasso_at_alpha_sigma_squared_rate(sigma, rate):
    ys = np.linspace(-3, 3, 13)
    mode = laplace_posterior_mode(ys, sigma, rate)
    np.testing.assert_array_equal(mode, soft_threshold(ys, sigma**2 * rate))
    for y, m in zip(ys, mode, strict=True):
        # −log posterior = (y − θ)²/(2σ²) + λ|θ|  ⇔  ½(y − θ)² + σ²λ|θ|: α = σ²λ, n = 1
        result = solve([[1.0]], [y], sigma**2 * rate, fit_intercept=False, tol=1e-14)
        assert abs(result.coef[0] - m) <= 1e-12
    assert np.all((mode == 0) == (np.abs(ys) <= sigma**2 * rate))


@pytest.mark.parametrize(("sigma", "rate"), [(1.0, 1.0), (0.5, 3.0), (2.0, 0.4)])
def test_closed_form_mean_matches_quadrature_to_1e8(sigma, rate):
    for y in (-4.0, -1.3, -0.2, 0.0, 0.05, 0.7, 1.0, 2.5, 6.0):
        closed = float(laplace_posterior_mean(y, sigma, rate))
        assert abs(closed - laplace_posterior_mean_quadrature(y, sigma, rate)) <= 1e-8


def test_mean_is_odd_strictly_increasing_and_zero_only_at_zero():
    ys = np.linspace(-3, 3, 601)
    mean = laplace_posterior_mean(ys)
    np.testing.assert_allclose(mean, -mean[::-1], atol=1e-15)
    assert np.all(np.diff(mean) > 0)
    assert np.flatnonzero(mean == 0).tolist() == [300]
    away = laplace_posterior_mean(np.linspace(0.1, 3.0, 291))
    assert np.min(np.abs(away)) > 0.04
    # it shrinks: 0 < E[θ|y] < y for y > 0, and the shift tends to σ²λ far out
    assert np.all((away > 0) & (away < np.linspace(0.1, 3.0, 291)))
    assert abs(float(laplace_posterior_mean(20.0)) - 19.0) <= 1e-12


def test_mean_stays_finite_far_in_the_tails():
    mean = laplace_posterior_mean(np.array([-1e3, 1e3]), sigma=0.1, rate=50.0)
    np.testing.assert_allclose(mean, [-1e3 + 0.5, 1e3 - 0.5], rtol=0, atol=1e-9)


def test_gaussian_prior_mode_equals_mean_equals_ridge():
    y, sigma, tau = 1.7, 0.8, 0.5
    expected = y / (1 + sigma**2 / tau**2)
    assert float(gaussian_posterior_mean(y, sigma, tau)) == pytest.approx(expected, rel=1e-15)
    result = solve([[1.0]], [y], sigma**2 / tau**2, L2(), fit_intercept=False, tol=1e-14)
    assert abs(result.coef[0] - expected) <= 1e-12


def test_bayes_maps_numbers():
    maps = bayes_maps(1.0, 1.0)
    assert maps.mode_zero_width == 1.0
    assert maps.prior_sd == pytest.approx(np.sqrt(2))
    assert int(np.sum(maps.laplace_mode == 0)) == 201  # y ∈ [−1, 1] on a 0.01 grid
    assert maps.smallest_mean_away_from_zero == pytest.approx(0.0475152519, abs=1e-9)


def test_figures_writes_one_png(tmp_path):
    ((path, finding),) = figures(tmp_path, 50)
    assert path.exists() and path.stat().st_size > 0
    assert "0.0475" in finding
