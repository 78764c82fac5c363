import numpy as np
import pytest

from shrinkage.lab.bias_variance import bias_variance, truths


@pytest.fixture(scope="module")
def results():
    return {truth: bias_variance(truth, n_replicates=30) for truth in ("sparse", "dense")}


def test_truths_have_equal_norm():
    betas = truths(50, 5, seed=0)
    assert np.count_nonzero(betas["sparse"]) == 5 and np.count_nonzero(betas["dense"]) == 50
    assert betas["dense"] @ betas["dense"] == pytest.approx(5.0, rel=1e-12)


def test_lasso_wins_sparse_ridge_wins_dense(results):
    sparse, dense = results["sparse"], results["dense"]
    assert sparse.winner == "lasso" and dense.winner == "ridge"
    # by a clear margin: at least 25 % lower risk
    assert sparse.best("lasso")[0] < 0.75 * sparse.best("ridge")[0]
    assert dense.best("ridge")[0] < 0.75 * dense.best("lasso")[0]


@pytest.mark.parametrize("truth", ["sparse", "dense"])
@pytest.mark.parametrize("method", ["lasso", "ridge"])
def test_bias_plus_variance_is_mse(results, truth, method):
    result = results[truth]
    parts = result.squared_bias[method] + result.variance[method]
    np.testing.assert_allclose(parts, result.mse[method], rtol=1e-12, atol=1e-14)
    # α → large: the estimate tends to 0, all bias ‖β‖² = 5; the lasso is exactly 0
    assert result.mse["lasso"][0] == pytest.approx(5.0, abs=1e-12)
    # the minimum is inside the grid, with both parts non-zero
    k = int(np.argmin(result.mse[method]))
    assert 0 < k < result.alphas.size - 1
    assert result.squared_bias[method][k] > 0.05 and result.variance[method][k] > 0.05


def test_bad_truth():
    with pytest.raises(ValueError, match="truth"):
        bias_variance("medium")
