import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab.degrees_of_freedom import degrees_of_freedom, ridge_df
from shrinkage.penalties import L2


def test_ridge_df_is_the_trace_of_the_hat_matrix():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((30, 6))
    n = X.shape[0]
    centred = X - X.mean(axis=0)
    for alpha in (0.01, 0.3, 5.0):
        # ŷ = Hy is linear: the columns of H are the fits of the unit vectors
        hat = np.column_stack(
            [X @ (fit := solve(X, e, alpha, L2(), tol=1e-14)).coef + fit.intercept
             for e in np.eye(n)]
        )  # fmt: skip
        trace = np.trace(hat)
        assert trace == pytest.approx(ridge_df(X, alpha)[0], rel=1e-9)
        gram = centred.T @ centred + n * alpha * np.eye(6)
        assert trace == pytest.approx(1 + np.trace(np.linalg.solve(gram, centred.T @ centred)))
    assert ridge_df(X, 0.0)[0] == pytest.approx(7.0)
    assert ridge_df(X, 1.0, fit_intercept=False)[0] < 6


@pytest.mark.parametrize(
    ("method", "alphas", "expected"),
    [("lasso", [0.05, 0.2, 0.6], [4.06, 5.62, 11.74]),
     ("ridge", [0.03, 0.3, 3.0], [4.44, 11.75, 15.38])],
)  # fmt: skip
def test_covariance_df_matches_formula_within_standard_errors(method, alphas, expected):
    result = degrees_of_freedom(method, alphas, n_draws=500, seed=1)
    np.testing.assert_allclose(result.formula_df, expected, atol=0.005)
    # the standard errors, from the draws, are small against the df themselves
    assert np.all(result.difference_se < 0.3)
    assert np.all(np.abs(result.covariance_df - result.formula_df) < 3.5 * result.difference_se)
    # df decreases as α grows (grid decreasing: df increasing along it)
    assert np.all(np.diff(result.formula_df) > 0)
    assert 1 < result.formula_df[0] < result.formula_df[-1] < 16


def test_bad_method():
    with pytest.raises(ValueError, match="method"):
        degrees_of_freedom("elastic")
