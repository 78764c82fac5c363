"""``advise`` on simulated truths: the expected penalty in most seeds.

Sparse truths (3 of 20 features, noise of standard deviation 1.5, n = 80) should get the
lasso, dense truths (all 20 coefficients of size 0.15 to 0.35, unit noise, n = 80)
ridge. Across the seeds below the rule gives the lasso 5 of 5 and ridge 5 of 5; the test
asks for at least 4 of 5 each, the bar the advice has to clear.
"""

import collections

import numpy as np
import pytest

from shrinkage.advice import advise

SEEDS = range(5)


def _simulate(truth, seed, n=80, p=20):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    if truth == "sparse":
        coef = np.zeros(p)
        coef[:3] = [2.0, -1.5, 1.0]
        noise = 1.5
    else:
        coef = rng.uniform(0.15, 0.35, p) * rng.choice([-1.0, 1.0], p)
        noise = 1.0
    return X, X @ coef + noise * rng.standard_normal(n)


@pytest.mark.parametrize(("truth", "expected"), [("sparse", "lasso"), ("dense", "ridge")])
def test_simulated_truths_get_the_expected_advice(truth, expected):
    chosen = collections.Counter(
        advise(*_simulate(truth, seed), n_alphas=10, n_splits=5).recommendation for seed in SEEDS
    )
    assert chosen[expected] >= 4, dict(chosen)


def test_sparse_truth_is_judged_at_the_one_standard_error_alpha():
    advice = advise(*_simulate("sparse", 1), n_alphas=10, n_splits=5)
    lasso, ridge = advice["lasso"], advice["ridge"]
    assert advice.selection == "1se" and lasso.selection == "1se"
    assert lasso.selection_alpha > lasso.alpha  # sparser than at the CV minimum
    assert lasso.n_features_kept == 3
    assert lasso.difference_se == 0.0  # the lasso is the best penalty
    # paired: the spread of ridge's per-fold excess over the lasso, not either's own SE
    assert 0 < ridge.difference_se < ridge.cv_error - lasso.cv_error
    assert 0.3 < lasso.stability < 1.0  # complementary halves share no rows
    assert any("one-standard-error α" in reason for reason in advice.reasons)
