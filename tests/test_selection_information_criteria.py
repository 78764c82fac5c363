"""LassoIC against scikit-learn's LassoLarsIC on diabetes, EBIC, the noise variance."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoLars, LassoLarsIC

from shrinkage.selection import LassoIC, information_criterion

TIGHT = dict(tol=1e-12, max_iter=100_000)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
def test_agrees_with_lasso_lars_ic_on_diabetes(criterion):
    X, y = load_diabetes(return_X_y=True)
    n = X.shape[0]
    reference = LassoLarsIC(criterion=criterion).fit(X, y)
    knots = reference.alphas_
    # Between two LARS knots the support is fixed and unique: evaluate there.
    middles = np.sqrt(knots[:-2] * knots[1:-1])
    ours = LassoIC(criterion=criterion, alphas=middles, **TIGHT).fit(X, y)
    np.testing.assert_allclose(ours.noise_variance_, reference.noise_variance_, rtol=1e-10)
    factor = 2.0 if criterion == "aic" else np.log(n)
    sigma2 = reference.noise_variance_
    expected = []
    for alpha in ours.alphas_:
        lars = LassoLars(alpha=alpha).fit(X, y)
        rss = np.sum((y - lars.predict(X)) ** 2)
        df = np.sum(np.abs(lars.coef_) > np.finfo(float).eps)
        expected.append(n * np.log(2 * np.pi * sigma2) + rss / sigma2 + factor * df)
    np.testing.assert_allclose(ours.criterion_, expected, rtol=1e-9)

    # On a fine grid the choice falls just above scikit-learn's knot: the same segment
    fine = LassoIC(criterion=criterion, n_alphas=300, alpha_min_ratio=1e-4, **TIGHT).fit(X, y)
    above = knots[knots > reference.alpha_]
    assert reference.alpha_ < fine.alpha_ < above.min()
    step = fine.alphas_[0] / fine.alphas_[1]
    assert fine.alpha_ <= reference.alpha_ * step * (1 + 1e-12)
    lars = LassoLars(alpha=fine.alpha_).fit(X, y)
    np.testing.assert_allclose(fine.coef_, lars.coef_, atol=1e-6)
    assert np.sum(fine.coef_ != 0) == np.sum(reference.coef_ != 0)


def test_criterion_formula_by_hand():
    rss, df, n, p, sigma2 = np.array([10.0]), np.array([2]), 100, 5, 0.1
    fit = n * np.log(2 * np.pi * sigma2) + rss / sigma2
    aic = information_criterion(rss, df, n, p, sigma2, criterion="aic")
    bic = information_criterion(rss, df, n, p, sigma2, criterion="bic")
    ebic = information_criterion(rss, df, n, p, sigma2, criterion="ebic", gamma=1.0)
    np.testing.assert_allclose(aic, fit + 4)
    np.testing.assert_allclose(bic, fit + 2 * np.log(100))
    np.testing.assert_allclose(ebic, bic + 2 * np.log(10.0))  # C(5, 2) = 10
    profile = information_criterion(rss, df, n, p, None, criterion="aic")
    np.testing.assert_allclose(profile, n * np.log(2 * np.pi * 0.1) + n + 4)


def test_ebic_for_p_much_larger_than_n():
    rng = np.random.default_rng(0)
    n, p = 60, 200
    X = rng.standard_normal((n, p))
    y = X[:, :3] @ np.array([2.0, -2.0, 1.5]) + rng.standard_normal(n)
    with pytest.raises(ValueError, match="noise_variance"):
        LassoIC(criterion="bic").fit(X, y)
    bic = LassoIC(criterion="bic", noise_variance="profile", n_alphas=50).fit(X, y)
    ebic = LassoIC(criterion="ebic", gamma=1.0, noise_variance="profile", n_alphas=50).fit(X, y)
    zero_gamma = LassoIC(criterion="ebic", gamma=0.0, noise_variance="profile", n_alphas=50)
    np.testing.assert_allclose(zero_gamma.fit(X, y).criterion_, bic.criterion_)
    assert np.all(ebic.criterion_ >= bic.criterion_)
    assert ebic.alpha_ >= bic.alpha_
    assert np.sum(ebic.coef_ != 0) <= np.sum(bic.coef_ != 0)
    assert set(np.flatnonzero(ebic.coef_)) >= {0, 1, 2}
    assert bic.noise_variance_ is None
    known = LassoIC(criterion="ebic", noise_variance=1.0, n_alphas=50).fit(X, y)
    assert known.noise_variance_ == 1.0


def test_bad_input():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(ValueError, match="criterion"):
        LassoIC(criterion="hqic").fit(X, y)
    with pytest.raises(ValueError, match="gamma"):
        LassoIC(criterion="ebic", gamma=2.0).fit(X, y)
    with pytest.raises(ValueError, match="noise_variance"):
        LassoIC(noise_variance=-1.0).fit(X, y)
    y_nan = y.copy()
    y_nan[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LassoIC().fit(X, y_nan)
