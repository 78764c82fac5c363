"""The penalties' reference maths: value, prox, subdifferential, α_max, conjugate."""

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from _reference import correlation_at_zero, make_regression
from shrinkage import solve
from shrinkage._kernels import enet_coordinate_update
from shrinkage.penalties import (
    L1,
    L2,
    ElasticNetPenalty,
    Penalty,
    conjugate_weighted_enet,
    prox_weighted_enet,
    soft_threshold,
    subdiff_distance,
)


def _scalar_penalty(w, a, b):
    return a * abs(w) + 0.5 * b * w * w


# --- value ---------------------------------------------------------------------------


def test_soft_threshold_values():
    out = soft_threshold(np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5]), 1.0)
    np.testing.assert_array_equal(out, [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5])


def test_value_of_named_penalties():
    w = np.array([2.0, -1.0, 0.0, 0.5])
    assert L1().value(w) == pytest.approx(3.5)
    assert L2().value(w) == pytest.approx(0.5 * (4 + 1 + 0.25))
    # ρ Σ|w| + ½(1 − ρ) Σ w² with ρ = 0.3
    assert ElasticNetPenalty(0.3).value(w) == pytest.approx(0.3 * 3.5 + 0.35 * 5.25)


def test_value_with_penalty_factor_and_scale():
    w = np.array([1.0, -2.0, 3.0])
    f = np.array([0.0, 2.0, 0.5])
    scale = np.array([4.0, 0.5, 2.0])
    pen = ElasticNetPenalty(0.25, penalty_factor=f)
    expected = np.sum(f * (0.25 * np.abs(w) + 0.375 * w**2))
    assert pen.value(w) == pytest.approx(expected)
    # standardising: the penalty on σ_j w_j
    expected_scaled = np.sum(f * (0.25 * np.abs(scale * w) + 0.375 * (scale * w) ** 2))
    assert pen.value(w, scale=scale) == pytest.approx(expected_scaled)


def test_value_positive_is_infinite_for_negative_coefficients():
    assert L1(positive=True).value(np.array([1.0, -1e-9])) == np.inf
    assert L1(positive=True).value(np.array([1.0, 0.0])) == pytest.approx(1.0)


def test_weights_multiply_alpha_ratio_factor_and_scale():
    pen = ElasticNetPenalty(0.4, penalty_factor=[1.0, 0.0, 2.0])
    a, b = pen.weights(0.5, 3, scale=np.array([1.0, 3.0, 2.0]))
    np.testing.assert_allclose(a, 0.5 * 0.4 * np.array([1.0, 0.0, 4.0]))
    np.testing.assert_allclose(b, 0.5 * 0.6 * np.array([1.0, 0.0, 8.0]))


def test_gradient_away_from_zero_matches_finite_differences():
    pen = ElasticNetPenalty(0.6, penalty_factor=[1.0, 2.0, 0.5])
    w = np.array([0.7, -1.3, 2.0])
    alpha, h = 0.8, 1e-6
    numeric = [alpha * (pen.value(w + h * e) - pen.value(w - h * e)) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(pen.gradient(w, alpha), numeric, rtol=1e-7)


# --- prox ----------------------------------------------------------------------------


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.3, 1.0])
def test_prox_is_the_numerical_argmin(l1_ratio, positive):
    rng = np.random.default_rng(int(10 * l1_ratio) + positive)
    v = rng.uniform(-3, 3, 15)
    f = rng.uniform(0, 2, 15)
    f[0] = 0.0
    step, alpha = 0.7, 1.3
    pen = Penalty(l1_ratio, f, positive)
    out = pen.prox(v, step, alpha)
    a, b = pen.weights(alpha, 15)
    for j in range(15):

        def cost(w, j=j):
            return 0.5 * (w - v[j]) ** 2 + step * _scalar_penalty(w, a[j], b[j])

        lower = 0.0 if positive else -5.0
        ref = minimize_scalar(cost, bounds=(lower, 5.0), method="bounded",
                              options={"xatol": 1e-12}).x  # fmt: skip
        assert out[j] == pytest.approx(ref, abs=1e-7)
        assert cost(out[j]) <= cost(ref) + 1e-14


def test_prox_gives_exact_zeros_inside_the_threshold():
    v = np.array([-0.9, -0.2, 0.0, 0.5, 1.0, 1.5, -2.0])
    out = L1().prox(v, step=1.0, alpha=1.0)
    np.testing.assert_array_equal(out[:5], 0.0)
    np.testing.assert_allclose(out[5:], [0.5, -1.0])
    # positivity: negative inputs are clipped, positive ones soft-thresholded
    out_pos = L1(positive=True).prox(np.array([-5.0, 0.3, 2.0]), 1.0, 0.5)
    np.testing.assert_allclose(out_pos, [0.0, 0.0, 1.5])


def test_prox_of_ridge_is_proportional_shrinkage():
    v = np.array([-2.0, 0.1, 4.0])
    out = L2().prox(v, step=0.5, alpha=2.0)
    np.testing.assert_allclose(out, v / 2.0)
    assert np.all(out != 0)


@pytest.mark.parametrize("positive", [False, True])
def test_kernel_coordinate_update_matches_reference_prox(positive):
    """The numba update ``S(z, a)/(L + b)`` is the prox of step 1/L at z/L."""
    rng = np.random.default_rng(7)
    for _ in range(200):
        z, lip = rng.uniform(-3, 3), rng.uniform(0.1, 3)
        a, b = rng.uniform(0, 2) * (rng.uniform() < 0.8), rng.uniform(0, 2) * (rng.uniform() < 0.5)
        kernel = enet_coordinate_update(z, lip, a, b, positive)
        ref = prox_weighted_enet(np.array([z / lip]), 1 / lip, a, b, positive)[0]
        assert kernel == pytest.approx(ref, rel=1e-12, abs=1e-15)
        assert (kernel == 0.0) == (ref == 0.0)
    # a zero column without L2 weight has no curvature: the coordinate stays at 0
    assert enet_coordinate_update(1.0, 0.0, 0.0, 0.0, False) == 0.0


# --- subdifferential distance ---------------------------------------------------------


def test_subdiff_distance_hand_values():
    a = np.full(5, 1.0)
    b = np.zeros(5)
    w = np.array([0.0, 0.0, 2.0, 2.0, -1.0])
    grad = np.array([3.0, -0.5, -1.0, 0.0, 1.0])
    np.testing.assert_allclose(subdiff_distance(w, grad, a, b, False), [2.0, 0.0, 0.0, 1.0, 0.0])
    # positivity: at 0 only a negative gradient beyond a violates; negative w is infeasible
    w = np.array([0.0, 0.0, 1.0, -1.0])
    grad = np.array([-3.0, 3.0, -1.0, 0.0])
    out = subdiff_distance(w, grad, np.ones(4), np.zeros(4), True)
    np.testing.assert_allclose(out[:3], [2.0, 0.0, 0.0])
    assert out[3] == np.inf
    # the L2 part enters through b w
    assert subdiff_distance(np.array([2.0]), np.array([-1.0]), np.zeros(1), np.ones(1), False)[
        0
    ] == pytest.approx(1.0)


@pytest.mark.parametrize("positive", [False, True])
def test_subdiff_distance_is_zero_at_the_prox(positive):
    """w = prox(v) ⇔ (v − w)/step ∈ α∂penalty(w): the residual of ½‖w − v‖²/step is 0."""
    rng = np.random.default_rng(3)
    v = rng.uniform(-3, 3, 30)
    pen = ElasticNetPenalty(0.7, penalty_factor=rng.uniform(0, 2, 30), positive=positive)
    step, alpha = 0.5, 1.2
    w = pen.prox(v, step, alpha)
    dist = pen.subdiff_distance(w, (w - v) / step, alpha)
    np.testing.assert_allclose(dist, 0.0, atol=1e-12)
    # and a perturbed point is not optimal
    assert np.max(pen.subdiff_distance(w + 0.1, (w + 0.1 - v) / step, alpha)) > 0.1


# --- alpha_max -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("penalty", "fit_intercept", "weighted", "standardize"),
    [
        (L1(), True, False, False),
        (L1(), False, False, False),
        (L1(), True, True, False),
        (ElasticNetPenalty(0.3), True, False, False),
        (L1(positive=True), True, False, False),
        (L1(penalty_factor=[0.0, 1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0]), True, True, False),
        (ElasticNetPenalty(0.5), True, True, True),
    ],
)
def test_alpha_max_is_the_exact_threshold(penalty, fit_intercept, weighted, standardize):
    X, y = make_regression(n=30, p=8, seed=4, scales=True)
    y = y - 2.0 * X[:, 0]
    sw = np.random.default_rng(4).uniform(0.2, 3.0, 30) if weighted else None
    free = () if penalty.penalty_factor is None else np.flatnonzero(penalty.penalty_factor == 0)
    corr = correlation_at_zero(X, y, sw, fit_intercept, unpenalised=free)
    scale = None
    if standardize:
        s = 30 * sw / sw.sum()
        mean = s @ X / 30
        scale = np.sqrt(s @ (X - mean) ** 2 / 30)
    alpha_max = penalty.alpha_max(corr, scale=scale)
    assert np.isfinite(alpha_max) and alpha_max > 0
    penalised = penalty.factors(8) > 0
    kwargs = dict(fit_intercept=fit_intercept, sample_weight=sw, standardize=standardize)
    at = solve(X, y, alpha_max, penalty, tol=1e-12, max_iter=10_000, **kwargs)
    assert np.all(at.coef[penalised] == 0.0)
    below = solve(X, y, 0.99 * alpha_max, penalty, tol=1e-12, max_iter=10_000, **kwargs)
    assert np.count_nonzero(below.coef[penalised]) >= 1


def test_alpha_max_of_pure_ridge_is_infinite():
    assert L2().alpha_max(np.array([1.0, -3.0])) == np.inf
    assert L1(penalty_factor=[0.0, 0.0]).alpha_max(np.array([1.0, -3.0])) == np.inf


def test_alpha_max_formula():
    corr = np.array([0.5, -2.0, 1.0])
    assert L1().alpha_max(corr) == pytest.approx(2.0)
    assert ElasticNetPenalty(0.25).alpha_max(corr) == pytest.approx(8.0)
    assert L1(penalty_factor=[1.0, 4.0, 1.0]).alpha_max(corr) == pytest.approx(1.0)
    # with positivity only positive correlations can start a coefficient
    assert L1(positive=True).alpha_max(corr) == pytest.approx(1.0)


# --- conjugate -----------------------------------------------------------------------


@pytest.mark.parametrize("positive", [False, True])
def test_conjugate_matches_numerical_supremum(positive):
    rng = np.random.default_rng(11)
    for _ in range(40):
        v, a, b = rng.uniform(-3, 3), rng.uniform(0, 1.5), rng.uniform(0.2, 2)
        lower = 0.0 if positive else -50.0
        res = minimize_scalar(lambda w, v=v, a=a, b=b: -(v * w - _scalar_penalty(w, a, b)),
                              bounds=(lower, 50.0), method="bounded",
                              options={"xatol": 1e-12})  # fmt: skip
        value = conjugate_weighted_enet(np.array([v]), np.array([a]), np.array([b]), positive)
        assert value == pytest.approx(-res.fun, abs=1e-9)


def test_conjugate_of_pure_l1_is_an_indicator():
    a, b = np.array([1.0, 2.0]), np.zeros(2)
    assert conjugate_weighted_enet(np.array([-1.0, 1.5]), a, b, False) == 0.0
    assert conjugate_weighted_enet(np.array([-1.01, 1.5]), a, b, False) == np.inf
    # with positivity the constraint is one-sided: v ≤ a
    assert conjugate_weighted_enet(np.array([-50.0, 2.0]), a, b, True) == 0.0
    assert conjugate_weighted_enet(np.array([1.01, 0.0]), a, b, True) == np.inf


def test_fenchel_young_inequality_with_equality_on_the_subdifferential():
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0.1, 1, 20), rng.uniform(0.1, 1, 20)
    w, v = rng.standard_normal(20), rng.standard_normal(20) * 2
    g = float(np.sum(_scalar_penalty(w, a, b)))
    assert g + conjugate_weighted_enet(v, a, b, False) >= w @ v - 1e-12
    v_sub = a * np.sign(w) + b * w  # the (single-valued) subgradient at w ≠ 0
    assert g + conjugate_weighted_enet(v_sub, a, b, False) == pytest.approx(w @ v_sub)


# --- bad parameters ------------------------------------------------------------------


@pytest.mark.parametrize("l1_ratio", [-0.1, 1.0001, np.nan, np.inf])
def test_l1_ratio_outside_unit_interval(l1_ratio):
    with pytest.raises(ValueError, match=r"l1_ratio must be a number in \[0, 1\]"):
        ElasticNetPenalty(l1_ratio)


def test_l1_ratio_not_a_number():
    with pytest.raises(ValueError, match="l1_ratio"):
        Penalty("half")


@pytest.mark.parametrize(
    ("factor", "error", "fragment"),
    [
        ([1.0, -0.5, 1.0], ValueError, r"penalty_factor must be >= 0; negative at indices \[1\]"),
        ([1.0, np.nan, 1.0], ValueError, "penalty_factor contains NaN or infinity"),
        ([np.inf, 1.0, 1.0], ValueError, "penalty_factor contains NaN or infinity"),
        (["a", "b", "c"], TypeError, "penalty_factor must be numeric"),
    ],
)
def test_bad_penalty_factor(factor, error, fragment):
    with pytest.raises(error, match=fragment):
        L1(penalty_factor=factor)


def test_penalty_factor_of_wrong_length():
    pen = L1(penalty_factor=[1.0, 2.0])
    with pytest.raises(ValueError, match="penalty_factor has 2 entries but X has 3 features"):
        pen.weights(1.0, 3)


def test_negative_alpha_in_weights():
    with pytest.raises(ValueError, match="alpha must be a finite number >= 0"):
        L1().weights(-1.0, 3)


def test_penalty_is_frozen_and_copies_its_factors():
    factor = np.array([1.0, 2.0])
    pen = L1(penalty_factor=factor)
    factor[0] = 100.0
    assert pen.penalty_factor[0] == 1.0
    with pytest.raises(ValueError):
        pen.penalty_factor[0] = 3.0  # read-only
    with pytest.raises(AttributeError):
        pen.l1_ratio = 0.5


def test_former_names_are_gone_and_name_their_replacements():
    import shrinkage
    import shrinkage.penalties as penalties

    with pytest.raises(AttributeError, match="ElasticNetPenalty"):
        penalties.ElasticNet  # noqa: B018
    with pytest.raises(AttributeError, match=r"shrinkage\.penalties\.L1"):
        shrinkage.L1  # noqa: B018
    with pytest.raises(AttributeError, match=r"no attribute 'Lasso2'\.$"):
        penalties.Lasso2  # noqa: B018
    assert not hasattr(shrinkage, "L2") and hasattr(shrinkage.penalties, "L2")
