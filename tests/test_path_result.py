"""PathResult at any α: interpolated coefficients, predictions, exact certified refits."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

import shrinkage
from shrinkage.path.homotopy import lasso_homotopy
from shrinkage.penalties import L1, ElasticNetPenalty

X, Y = load_diabetes(return_X_y=True)


@pytest.fixture(scope="module")
def lasso_path():
    return shrinkage.path(X, Y, n_alphas=30, tol=1e-10)


def test_coefficients_at_grid_points_are_the_rows(lasso_path):
    for k in (0, 7, 29):
        np.testing.assert_array_equal(
            lasso_path.coef_at(lasso_path.alphas[k]), lasso_path.coefs[k]
        )
        assert lasso_path.intercept_at(lasso_path.alphas[k]) == lasso_path.intercepts[k]


def test_between_grid_points_the_lasso_interpolation_is_exact_without_a_knot(lasso_path):
    """The lasso path is piecewise linear in α (Efron et al. 2004): between two grid
    points with no knot between them, the linear interpolation is the solution."""
    knots = lasso_homotopy(X, Y, alpha_min=lasso_path.alphas[-1]).alphas
    checked = 0
    for k in range(lasso_path.alphas.size - 1):
        high, low = lasso_path.alphas[k], lasso_path.alphas[k + 1]
        if np.any((knots < high) & (knots > low)):
            continue
        alpha = 0.3 * high + 0.7 * low
        exact = shrinkage.solve(X, Y, alpha, L1(), tol=1e-12)
        np.testing.assert_allclose(
            lasso_path.coef_at(alpha), exact.coef, atol=1e-5 * np.abs(exact.coef).max()
        )
        checked += 1
    assert checked >= 10


def test_refit_at_is_certified_and_beats_the_interpolation(lasso_path):
    alpha = float(np.sqrt(lasso_path.alphas[4] * lasso_path.alphas[5]))
    refit = lasso_path.refit_at(alpha, X, Y)
    assert refit.converged and refit.relative_gap <= lasso_path.tol
    reference = shrinkage.solve(X, Y, alpha, L1(), tol=1e-12)
    np.testing.assert_allclose(
        refit.coef, reference.coef, atol=1e-4 * np.abs(reference.coef).max()
    )
    enet = shrinkage.path(X, Y, ElasticNetPenalty(0.5), n_alphas=10, standardize=True)
    assert enet.refit_at(enet.alphas[3] * 0.9, X, Y).converged


def test_predictions_at_every_alpha_and_at_one(lasso_path):
    every = lasso_path.predict(X[:5])
    assert every.shape == (5, 30)
    np.testing.assert_allclose(every[:, 7], X[:5] @ lasso_path.coefs[7] + lasso_path.intercepts[7])
    alpha = 0.5 * (lasso_path.alphas[7] + lasso_path.alphas[8])
    one = lasso_path.predict(X[:5], alpha=alpha)
    np.testing.assert_allclose(
        one, X[:5] @ lasso_path.coef_at(alpha) + lasso_path.intercept_at(alpha)
    )


def test_alpha_outside_the_range_is_a_clear_error(lasso_path):
    with pytest.raises(ValueError, match="outside the path's range"):
        lasso_path.coef_at(lasso_path.alphas[0] * 2)
    with pytest.raises(ValueError, match="outside the path's range"):
        lasso_path.predict(X[:2], alpha=lasso_path.alphas[-1] / 2)
    with pytest.raises(ValueError, match="10 features"):
        lasso_path.predict(X[:, :3])


def test_logistic_paths_refit_and_predict_log_odds():
    rng = np.random.default_rng(0)
    Xl = rng.standard_normal((120, 6))
    yl = (Xl[:, 0] - Xl[:, 1] + rng.standard_normal(120) > 0).astype(float)
    result = shrinkage.path(Xl, yl, loss="logistic", n_alphas=8)
    alpha = float(np.sqrt(result.alphas[3] * result.alphas[4]))
    refit = result.refit_at(alpha, Xl, yl)
    assert refit.converged
    margin = result.predict(Xl, alpha=alpha)
    np.testing.assert_allclose(margin, Xl @ result.coef_at(alpha) + result.intercept_at(alpha))
