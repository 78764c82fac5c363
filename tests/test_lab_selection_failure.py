import numpy as np
import pytest

from shrinkage import solve
from shrinkage.lab.selection_failure import (
    cv_selection,
    irrepresentable_value,
    selection_failure,
    zhao_yu_design,
)


@pytest.fixture(scope="module")
def failure():
    return selection_failure(n_alphas=300)


def test_irrepresentable_condition_fails_near_four_thirds():
    X, _, beta = zhao_yu_design(100_000, seed=1)
    # population value: C_3S C_SS⁻¹ sign(β_S) = ⅔ + ⅔
    assert irrepresentable_value(X, beta) == pytest.approx(4 / 3, abs=0.02)


def test_no_alpha_recovers_the_support(failure):
    assert failure.eta == pytest.approx(1.3396, abs=1e-4)
    assert failure.noise_correlation > 0 and failure.recovery_interval is None
    # exact path: x3 enters first and no segment has support {x1, x2}
    assert failure.knot_active_sets[0] == (2,)
    assert (0, 1) not in failure.knot_active_sets
    # the fine certified grid agrees: x3 is non-zero at every α where x1 or x2 is
    assert not failure.lasso_recovers.any()
    active = failure.lasso_coefs != 0
    assert np.all(active[active[:, :2].any(axis=1), 2])


def test_recovery_interval_when_the_noise_helps():
    result = selection_failure(seed=3, n_alphas=50)
    low, high = result.recovery_interval
    assert low < high
    X, y, beta = zhao_yu_design(seed=3)
    for alpha, expected in ((np.sqrt(low * high), True), (0.5 * low, False), (2 * high, False)):
        coef = solve(X, y, alpha, tol=1e-13).coef
        assert np.array_equal(coef != 0, beta != 0) == expected


def test_adaptive_and_relaxed_lasso(failure):
    # the adaptive lasso recovers the support over more than two decades of α
    recovered = failure.adaptive_alphas[failure.adaptive_recovers]
    assert recovered.max() / recovered.min() > 100
    assert failure.adaptive_recovers.sum() == 274
    # the relaxed lasso refits on the lasso's support: x1, x2 unshrunk, x3 kept
    np.testing.assert_allclose(failure.relaxed_coef, [1.906, 2.844, 0.062], atol=1e-3)
    lasso_at = failure.lasso_coefs[np.argmin(np.abs(failure.alphas - failure.relaxed_alpha))]
    error = np.abs(failure.relaxed_coef - failure.beta)[:2]
    assert np.all(error < np.abs(lasso_at - failure.beta)[:2])


def test_cv_minimum_over_selects():
    result = cv_selection()
    assert (result.n_selected_min, result.false_min) == (19, 14)
    assert (result.n_selected_1se, result.false_1se) == (7, 2)
    assert result.missed_min == result.missed_1se == 0
    assert result.alpha_1se > result.alpha_min
