"""The one α-grid rule (``shrinkage.path.grid``) and every surface that uses it."""

import numpy as np
import pytest

import shrinkage
from shrinkage.path.grid import (
    RIDGE_GRID_L1_RATIO,
    alpha_grid,
    default_alpha_min_ratio,
    grid_l1_ratio,
)
from shrinkage.penalties import L2, ElasticNetPenalty


def _data(n, p, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    return X, X[:, :3] @ [1.0, -2.0, 0.5] + rng.standard_normal(n)


def test_default_ratio_depends_on_the_shape_and_on_ridge():
    assert default_alpha_min_ratio(100, 10, 1.0) == 1e-3
    assert default_alpha_min_ratio(10, 100, 0.5) == 1e-2
    assert default_alpha_min_ratio(100, 10, 0.0) == 1e-3 * RIDGE_GRID_L1_RATIO
    assert grid_l1_ratio(0.0) == RIDGE_GRID_L1_RATIO and grid_l1_ratio(0.3) == 0.3


def test_grid_is_log_spaced_from_alpha_max_down_to_the_ratio():
    grid = alpha_grid(4.0, 5, 1e-4)
    assert grid[0] == 4.0 and grid[-1] == pytest.approx(4e-4, rel=1e-12)
    np.testing.assert_allclose(np.diff(np.log10(grid)), -1.0, rtol=1e-12)


def test_given_alphas_are_checked_and_alpha_max_is_not_computed():
    def never():
        raise AssertionError("alpha_max computed although the grid was given")

    np.testing.assert_array_equal(alpha_grid(never, alphas=[1.0, 3.0]), [3.0, 1.0])  # sorted
    with pytest.raises(ValueError, match="> 0"):
        alpha_grid(never, alphas=[1.0, 0.0])


@pytest.mark.parametrize("top", [0.0, np.inf, np.nan])
def test_degenerate_alpha_max_gives_a_unit_grid(top):
    # a constant y (or one the unpenalised part explains) has nothing to select
    np.testing.assert_allclose(alpha_grid(top, 3, 1e-2), [1.0, 0.1, 0.01])


def test_the_default_ratio_needs_the_shape():
    with pytest.raises(ValueError, match="shape"):
        alpha_grid(1.0, 5, None)
    np.testing.assert_allclose(alpha_grid(1.0, 2, None, shape=(10, 50)), [1.0, 1e-2])


@pytest.mark.parametrize("penalty", [L2(), ElasticNetPenalty(0.3)])
def test_path_and_cross_validation_share_the_grid(penalty):
    X, y = _data(80, 12)
    path_grid = shrinkage.path(X, y, penalty, n_alphas=15).alphas
    from shrinkage.selection import shared_alpha_grid

    np.testing.assert_allclose(shared_alpha_grid(X, y, penalty, n_alphas=15), path_grid,
                               rtol=1e-12)  # fmt: skip


def test_ridge_grid_ends_where_the_lasso_grid_ends():
    X, y = _data(60, 30)
    lasso = shrinkage.path(X, y, n_alphas=5).alphas
    ridge = shrinkage.path(X, y, L2(), n_alphas=5).alphas
    assert ridge[0] == pytest.approx(lasso[0] / RIDGE_GRID_L1_RATIO, rel=1e-9)
    assert ridge[-1] == pytest.approx(lasso[-1], rel=1e-9)
