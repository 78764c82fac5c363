import numpy as np
import pytest

from shrinkage import solve
from shrinkage.datasets import load_prostate
from shrinkage.lab.paths import compare_paths, penalty_alphas
from shrinkage.penalties import ElasticNetPenalty


@pytest.fixture(scope="module")
def prostate_paths():
    X, y, names, _ = load_prostate()
    return X, y, compare_paths(X, y, n_alphas=20, feature_names=names)


def test_zero_counts(prostate_paths):
    _, _, (lasso, ridge, enet) = prostate_paths
    assert lasso.n_zeros[0] == 8 and enet.n_zeros[0] == 8  # all zero at α_max
    assert lasso.n_zeros[-1] == 0 and enet.n_zeros[-1] == 0
    # no grid point lands on one of ridge's isolated zeros (lcp at α ≈ 0.1514, age ≈ 1.39)
    assert np.all(ridge.n_zeros == 0)
    # ... but lcp (column 5) and age (column 2) change sign between two grid points
    for j, root in ((5, 0.15136156723821623), (2, 1.3935048578122564)):
        flips = np.flatnonzero(np.diff(np.sign(ridge.coefs[:, j])) != 0)
        assert flips.size == 1
        assert ridge.alphas[flips[0]] > root > ridge.alphas[flips[0] + 1]
    assert np.all(np.diff(lasso.n_zeros) <= 1) and lasso.n_zeros.sum() > 20


def test_paths_are_solutions(prostate_paths):
    X, y, paths = prostate_paths
    for path in paths:
        k = len(path.alphas) // 2
        ref = solve(
            X, y, path.alphas[k], ElasticNetPenalty(path.l1_ratio), standardize=True, tol=1e-12
        )
        np.testing.assert_allclose(path.coefs[k], ref.coef, atol=1e-5)


def test_grids_end_at_the_same_alpha(prostate_paths):
    _, _, (lasso, ridge, enet) = prostate_paths
    assert lasso.alphas[-1] == pytest.approx(ridge.alphas[-1]) == pytest.approx(enet.alphas[-1])
    assert enet.alphas[0] == pytest.approx(2 * lasso.alphas[0])
    assert ridge.alphas[0] == pytest.approx(1000 * lasso.alphas[0])  # RIDGE_GRID_L1_RATIO
    assert np.all(np.diff(lasso.alphas) < 0)


def test_bad_input():
    X, y, _, _ = load_prostate()
    with pytest.raises(ValueError, match="l1_ratio"):
        compare_paths(X, y, l1_ratio=1.0)
    with pytest.raises(ValueError, match="feature_names"):
        compare_paths(X, y, feature_names=["a"])
    assert penalty_alphas(X, y, 1.0, n_alphas=3).shape == (3,)


def test_norm_fraction_puts_every_penalty_on_one_axis(prostate_paths):
    lasso, ridge, enet = prostate_paths[2]
    assert lasso.norm_fraction[0] == 0.0 and enet.norm_fraction[0] == 0.0
    assert np.all(np.diff(lasso.norm_fraction) >= -1e-9)  # grows along the path
    assert 0.95 < lasso.norm_fraction[-1] <= 1.0 + 1e-9  # the lasso's norm is bounded by OLS'
    assert ridge.norm_fraction[0] < 0.01  # ridge's grid starts far up, near 0
