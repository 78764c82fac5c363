"""The secant start of the GLM paths (shrinkage._kernels.prediction).

Each α of a logistic, Poisson or multinomial path may start from the line through the
last two solutions instead of the last solution. The rule keeps signs (zeros stay zero,
a crossing stops at zero), is exact on a straight piece of path, and is taken only where
it lowers the objective; the points it leads to are certified as before and take fewer
Newton steps on smooth paths.
"""

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import shrinkage
from shrinkage._kernels.prediction import secant_ratio, secant_start
from shrinkage.certificates import certify_logistic, certify_poisson
from shrinkage.certificates.multinomial import certify_multinomial
from shrinkage.path.logistic import prepare_logistic, prepared_alpha_max
from shrinkage.path.logistic_compiled import compiled_path
from shrinkage.path.rows import DenseRows
from shrinkage.penalties import ElasticNetPenalty
from shrinkage.solvers.logistic import COMPILED_SETTINGS

logistic_path_module = importlib.import_module("shrinkage.path.logistic")
multinomial_path_module = importlib.import_module("shrinkage.path.multinomial")

values = arrays(np.float64, 12, elements=st.floats(-5, 5, allow_subnormal=False))


@settings(max_examples=200, deadline=None)
@given(values, values, st.floats(0.0, 3.0))
def test_the_secant_keeps_every_sign_and_every_zero(w, previous, ratio):
    out = np.empty_like(w)
    count = secant_start(w, previous, ratio, out)
    assert np.all(out[w == 0] == 0.0)
    assert np.all(out * w >= 0.0)  # same sign, or stopped at zero
    assert count == np.count_nonzero(out)
    moving = (w != 0) & (out != 0)
    np.testing.assert_allclose(out[moving], (w + ratio * (w - previous))[moving], rtol=1e-12)


def test_the_secant_is_exact_on_a_straight_piece_of_path():
    alphas = np.geomspace(1.0, 0.1, 5)
    slope, level = np.array([0.3, -0.2, 0.0]), np.array([2.0, -1.0, 0.0])

    def line(alpha):
        return level + slope * np.log(alpha)

    ratio = secant_ratio(alphas, 3)
    assert ratio == pytest.approx(1.0)  # a geometric grid
    out = np.empty(3)
    secant_start(line(alphas[2]), line(alphas[1]), ratio, out)
    np.testing.assert_allclose(out, line(alphas[3]), rtol=1e-12)
    assert secant_ratio(np.array([1.0, 0.5, 0.5, 0.25]), 3) == 0.0  # a repeated α


def _logistic_problem(seed=0, n=300, p=20):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1] = X[:, 0] + 0.3 * rng.standard_normal(n)
    z = X[:, :4] @ np.array([1.0, -0.8, 0.6, 0.4])
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_compiled_path_with_the_prediction_takes_fewer_newton_steps(fit_intercept):
    X, y = _logistic_problem()
    penalty = ElasticNetPenalty(0.5)
    data = prepare_logistic(X, y, fit_intercept=fit_intercept)
    alphas = prepared_alpha_max(data, penalty) * np.geomspace(1.0, 1e-2, 30)
    steps = {}
    for predict in (0.0, 1.0):
        rows = DenseRows(np.zeros((alphas.size, X.shape[1])))
        options = (*COMPILED_SETTINGS[:9], predict, *COMPILED_SETTINGS[10:])
        points = compiled_path(data, penalty, alphas, tol=1e-8, max_iter=100, rows=rows,
                               settings=options)  # fmt: skip
        steps[predict] = int(points["n_iter"].sum())
        for alpha, coef, intercept in zip(alphas, rows.coefs, points["intercept"], strict=True):
            a, b = penalty.weights(alpha, X.shape[1])
            certificate = certify_logistic(X, y, coef, intercept, a, b,
                                           fit_intercept=fit_intercept)  # fmt: skip
            assert certificate.relative_gap <= 1e-8
    assert steps[1.0] < steps[0.0]


def _without_prediction(monkeypatch, module):
    """Switch the prediction of a path module off: every α from the last solution."""
    monkeypatch.setattr(module, "_predicted_start", lambda *args: args[-2])


def test_a_poisson_path_with_the_prediction_is_certified_in_fewer_steps(monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.standard_normal((2000, 6))
    y = rng.poisson(np.exp(X @ np.array([0.4, -0.3, 0.2, 0.0, 0.0, 0.1]) + 0.5)).astype(float)
    result = shrinkage.path(X, y, loss="poisson", n_alphas=100, tol=1e-6)
    for alpha, coef, intercept in zip(result.alphas, result.coefs, result.intercepts,
                                      strict=True):  # fmt: skip
        cert = certify_poisson(X, y, coef, intercept, np.full(6, alpha), np.zeros(6))
        assert cert.relative_gap <= 1e-6
    _without_prediction(monkeypatch, logistic_path_module)
    plain = shrinkage.path(X, y, loss="poisson", n_alphas=100, tol=1e-6)
    assert result.n_iter.sum() < plain.n_iter.sum()


def test_a_multinomial_path_with_the_prediction_is_certified(monkeypatch):
    rng = np.random.default_rng(4)
    X = rng.standard_normal((400, 8))
    Z = X[:, :3] @ rng.standard_normal((3, 3))
    y = np.array([rng.choice(3, p=np.exp(z) / np.exp(z).sum()) for z in Z])
    result = shrinkage.path(X, y, loss="multinomial", n_alphas=25, tol=1e-8)
    Y = np.eye(3)[y]
    for alpha, W, b in zip(result.alphas, result.coefs, result.intercepts, strict=True):
        cert = certify_multinomial(X, Y, W, b, np.full(8, alpha), np.zeros(8))
        assert cert.relative_gap <= 1e-8
    _without_prediction(monkeypatch, multinomial_path_module)
    plain = shrinkage.path(X, y, loss="multinomial", n_alphas=25, tol=1e-8)
    np.testing.assert_allclose(result.coefs, plain.coefs, atol=1e-3)


@pytest.mark.parametrize("loss", ["logistic", "poisson"])
def test_an_uncertified_start_still_ends_certified(loss):
    from shrinkage.penalties import L1
    from shrinkage.solvers.logistic import solve_prepared
    from shrinkage.solvers.logistic_data import prepare_glm

    X, y = _logistic_problem(seed=5)
    if loss == "poisson":
        y = np.random.default_rng(5).poisson(np.exp(0.3 * X[:, 0])).astype(float)
    data = prepare_glm(logistic_path_module.GLM_LOSSES[loss], X, y, None, False, True, None)
    alpha = prepared_alpha_max(data, L1()) * 0.1
    a, b = L1().weights(alpha, X.shape[1])
    exact, _ = solve_prepared(data, alpha, L1(), tol=1e-12, max_iter=100)
    certify = certify_logistic if loss == "logistic" else certify_poisson
    # from the optimum (no step makes progress: the start is certified after all) and
    # from far away
    for start, intercept in ((exact.coef, exact.intercept), (np.zeros(X.shape[1]), None)):
        result, _ = solve_prepared(data, alpha, L1(), tol=1e-8, max_iter=100,
                                   coef_init=start, intercept_init=intercept,
                                   certify_start=False)  # fmt: skip
        assert result.converged
        assert certify(X, y, result.coef, result.intercept, a, b).relative_gap <= 1e-8
