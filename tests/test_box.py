"""Box constraints ``lower ≤ w ≤ upper`` (glmnet's limits): the box's maths, the
certificate, the solver and the paths of the squared, logistic and Poisson losses,
against cvxpy, R's glmnet and the certificate's own promise (hypothesis)."""

import shutil
import subprocess
import warnings

import cvxpy as cp
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shrinkage import path, solve, solve_logistic, solve_poisson
from shrinkage.bounds import box_conjugate, box_subdiff_distance, check_bounds
from shrinkage.certificates.box import certify_box, certify_box_prediction
from shrinkage.losses import LogisticLoss, PoissonLoss, SquaredLoss
from shrinkage.penalties import (
    L1,
    ElasticNetPenalty,
    Penalty,
    conjugate_weighted_enet,
    subdiff_distance,
)
from shrinkage.solvers.logistic_data import prepare_glm
from shrinkage.solvers.logistic_point import (
    certify_box_at,
    certify_box_gram,
    loss_at,
    with_dual,
)

LOSSES = {"squared": SquaredLoss(), "logistic": LogisticLoss(), "poisson": PoissonLoss()}
SOLVE = {
    "squared": lambda X, y, alpha, pen, **kw: solve(X, y, alpha, pen, **kw),
    "logistic": lambda X, y, alpha, pen, **kw: solve_logistic(X, y, alpha, pen, **kw),
    "poisson": lambda X, y, alpha, pen, **kw: solve_poisson(X, y, alpha, pen, **kw),
}


def _problem(loss, seed, n=60, p=8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    z = X @ rng.standard_normal(p) * 0.6
    if loss == "squared":
        y = z + rng.standard_normal(n)
    elif loss == "logistic":
        y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    else:
        y = rng.poisson(np.exp(0.4 * z)).astype(float)
    return X, y, rng


def _box(rng, p):
    """Bounds of every kind: finite both sides, one side, none, and [0, 0]."""
    lower = np.where(rng.random(p) < 0.5, -rng.uniform(0.05, 0.4, p), -np.inf)
    upper = np.where(rng.random(p) < 0.5, rng.uniform(0.05, 0.4, p), np.inf)
    lower[0], upper[1] = 0.0, 0.0
    lower[2] = upper[2] = 0.0
    return lower, upper


def _cvxpy(X, y, loss, a, b, lower, upper, fit_intercept=True, weights=None, offset=None):
    """The box-constrained problem by an interior-point method (cvxpy, Clarabel)."""
    n, p = X.shape
    s = np.ones(n) if weights is None else weights * n / weights.sum()
    o = np.zeros(n) if offset is None else offset
    w = cp.Variable(p)
    c = cp.Variable() if fit_intercept else 0.0
    z = X @ w + c + o
    if loss == "squared":
        F = cp.sum(cp.multiply(s, cp.square(y - z))) / (2 * n)
    elif loss == "logistic":
        F = cp.sum(cp.multiply(s, cp.logistic(z) - cp.multiply(y, z))) / n
    else:
        F = cp.sum(cp.multiply(s, cp.exp(z) - cp.multiply(y, z))) / n
    finite_low, finite_high = np.isfinite(lower), np.isfinite(upper)
    constraints = [w[finite_low] >= lower[finite_low], w[finite_high] <= upper[finite_high]]
    objective = F + a @ cp.abs(w) + 0.5 * cp.sum(cp.multiply(b, cp.square(w)))
    cp.Problem(cp.Minimize(objective), constraints).solve(
        solver=cp.CLARABEL, tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12
    )
    return w.value, float(c.value) if fit_intercept else 0.0


# -- the box's maths ---------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(v=st.floats(-5, 5), a=st.floats(0, 2), b=st.sampled_from([0.0, 0.3, 2.0]),
       lower=st.sampled_from([-np.inf, -1.5, -0.2, 0.0]),
       upper=st.sampled_from([np.inf, 1.0, 0.3, 0.0]))  # fmt: skip
def test_the_conjugate_is_the_supremum_over_the_box(v, a, b, lower, upper):
    """``h*(v) = sup_{l ≤ w ≤ u} v w − a|w| − ½ b w²``, against a fine grid of w (the
    supremum of a concave function: the grid's best is below by O(step))."""
    high = upper if np.isfinite(upper) else 50.0
    low = lower if np.isfinite(lower) else -50.0
    grid = np.linspace(low, high, 200_001)
    best = np.max(v * grid - a * np.abs(grid) - 0.5 * b * grid**2)
    value = box_conjugate(np.array([v]), np.array([a]), np.array([b]), lower, upper)
    if np.isinf(value):  # unbounded on an open side: the grid's best grows with its range
        assert b == 0 and (np.isinf(upper) and v > a or np.isinf(lower) and v < -a)
    else:
        assert value == pytest.approx(best, abs=1e-3)
        assert value >= best - 1e-12


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), b=st.sampled_from([0.0, 0.5]))
def test_positive_is_the_box_from_zero(seed, b):
    """The box [0, ∞) gives the conjugate and the KKT residual of ``positive=True``, and
    (−∞, ∞) those without it."""
    rng = np.random.default_rng(seed)
    v, w, g = rng.normal(0, 2, 6), np.maximum(rng.normal(0, 1, 6), 0.0), rng.normal(0, 2, 6)
    w[:2] = 0.0
    a, bb = rng.uniform(0.5, 2.0, 6), np.full(6, b)
    if b == 0:
        v = np.clip(v, -np.inf, a)  # inside the positive domain
    assert box_conjugate(v, a, bb, 0.0, np.inf) == pytest.approx(
        conjugate_weighted_enet(v, a, bb, True), abs=1e-12
    )
    np.testing.assert_allclose(
        box_subdiff_distance(w, g, a, bb, 0.0, np.inf),
        subdiff_distance(w, g, a, bb, True),
        atol=1e-12,
    )
    w_free = rng.normal(0, 1, 6)
    np.testing.assert_allclose(
        box_subdiff_distance(w_free, g, a, bb, -np.inf, np.inf),
        subdiff_distance(w_free, g, a, bb, False),
        atol=1e-12,
    )


@pytest.mark.parametrize("lower, upper, message", [
    ([0.5, -1.0], [0.2, 1.0], r"lower > upper at feature indices \[0\]"),
    (0.5, None, "lower must be ≤ 0"),
    (None, -0.1, "upper must be ≥ 0"),
    ([np.nan, 0.0], None, "NaN"),
    ("a", None, "numeric"),
])  # fmt: skip
def test_bad_bounds_get_a_clear_error(lower, upper, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Penalty(1.0, lower=lower, upper=upper)


def test_bounds_of_the_wrong_length_and_positive_with_lower_are_errors():
    X, y, _ = _problem("squared", 0)
    with pytest.raises(ValueError, match="lower has 3 entries but X has 8 features"):
        solve(X, y, 0.1, L1(lower=[-1.0, -1.0, -1.0]))
    with pytest.raises(ValueError, match="positive=True or lower"):
        L1(positive=True, lower=-1.0)
    assert check_bounds(None, 2.0) == (None, 2.0)


# -- solver and certificate against cvxpy --------------------------------------------------


@pytest.mark.parametrize("loss", ["squared", "logistic", "poisson"])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.0])
@pytest.mark.parametrize("layout", ["dense", "sparse"])
def test_fits_agree_with_cvxpy(loss, l1_ratio, layout):
    """Every kind of bound, an unpenalised bounded feature, weights and an offset."""
    X, y, rng = _problem(loss, 7 + int(10 * l1_ratio))
    p = X.shape[1]
    lower, upper = _box(rng, p)
    factors = np.ones(p)
    factors[3] = 0.0  # unpenalised, and bounded on at most one side
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    offset = rng.normal(0, 0.2, X.shape[0])
    penalty = Penalty(l1_ratio, factors, False, lower, upper)
    alpha = 0.05
    data = sp.csr_matrix(X) if layout == "sparse" else X
    options = dict(sample_weight=weights, tol=1e-11)
    if loss != "squared":
        options["offset"] = offset
    fit = SOLVE[loss](data, y, alpha, penalty, **options)
    a, b = penalty.weights(alpha, p)
    ref_w, ref_b = _cvxpy(X, y, loss, a, b, lower, upper, weights=weights,
                          offset=offset if loss != "squared" else None)  # fmt: skip
    assert fit.converged and fit.relative_gap <= 1e-11
    assert np.all(fit.coef >= lower) and np.all(fit.coef <= upper)
    np.testing.assert_allclose(fit.coef, ref_w, atol=2e-5)
    assert fit.intercept == pytest.approx(ref_b, abs=2e-5)
    assert fit.coef[2] == 0.0  # the box [0, 0]
    assert fit.certificate.max_kkt_residual <= 1e-5


@pytest.mark.parametrize("loss", ["squared", "logistic", "poisson"])
def test_wide_boxed_fits_agree_with_cvxpy(loss):
    """p ≫ n with most of the support on a bound: the Newton steps run on working sets
    (violators and the non-zeros inside their box; features pinned at a bound held),
    and the fit is still the optimum."""
    X, y, rng = _problem(loss, 5, n=40, p=150)
    lower, upper = np.full(150, -0.05), np.full(150, 0.05)
    upper[::7] = np.inf
    penalty = L1(lower=lower, upper=upper)
    alpha = 0.02 if loss == "poisson" else 0.01
    fit = SOLVE[loss](X, y, alpha, penalty, tol=1e-11)
    a, b = penalty.weights(alpha, 150)
    ref_w, ref_b = _cvxpy(X, y, loss, a, b, lower, upper)
    assert fit.converged and fit.relative_gap <= 1e-11
    at_bound = np.sum((fit.coef == lower) | (fit.coef == upper))
    assert at_bound >= 5 and np.sum((fit.coef != 0) & ~np.isin(fit.coef, [-0.05, 0.05])) >= 1
    np.testing.assert_allclose(fit.coef, ref_w, atol=2e-5)
    assert fit.intercept == pytest.approx(ref_b, abs=2e-5)


def test_an_active_bound_moves_the_solution_and_is_certified():
    """The unconstrained lasso coefficient exceeds the bound: the boxed fit sits on it,
    its KKT residual is 0 there (the normal cone absorbs the push), and the others
    adjust."""
    X, y, _ = _problem("squared", 3)
    free = solve(X, y, 0.02, L1(), tol=1e-12)
    j = int(np.argmax(free.coef))
    upper = np.full(X.shape[1], np.inf)
    upper[j] = 0.5 * free.coef[j]
    boxed = solve(X, y, 0.02, L1(upper=upper), tol=1e-12)
    assert boxed.coef[j] == upper[j]
    assert boxed.certificate.kkt_residual[j] == 0.0
    assert np.max(np.abs(np.delete(boxed.coef - free.coef, j))) > 1e-3
    assert boxed.solver == "box_cd" and boxed.relative_gap <= 1e-12


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), loss=st.sampled_from(["squared", "logistic", "poisson"]),
       l1_ratio=st.sampled_from([1.0, 0.5]), fit_intercept=st.booleans())  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, loss, l1_ratio, fit_intercept):
    """At any (w, b) in the box, ``D ≤ P(w*) ≤ P(w)``: P(w*) from a fit certified to
    1e-12, the candidates random perturbations clipped into the box."""
    X, y, rng = _problem(loss, seed, n=40, p=5)
    if loss == "logistic" and (y.min() == y.max()):
        y[0] = 1 - y[0]
    if loss == "poisson" and not np.any(y > 0):
        y[0] = 1.0
    lower, upper = _box(rng, 5)
    penalty = Penalty(l1_ratio, None, False, lower, upper)
    alpha = 0.03
    best = SOLVE[loss](X, y, alpha, penalty, tol=1e-12, fit_intercept=fit_intercept)
    optimum = best.certificate.primal
    w = np.clip(best.coef + rng.normal(0, 0.3, 5), lower, upper)
    intercept = best.intercept + rng.normal(0, 0.3) if fit_intercept else 0.0
    a, b = penalty.weights(alpha, 5)
    cert = certify_box(X, y, w, intercept, a, b, lower=lower, upper=upper, loss=LOSSES[loss],
                       fit_intercept=fit_intercept)  # fmt: skip
    scale = 1e-11 * max(1.0, abs(optimum))
    assert cert.dual <= optimum + scale
    assert cert.primal >= optimum - scale
    assert cert.primal - optimum <= cert.dual_gap + scale


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), loss=st.sampled_from(["logistic", "poisson"]),
       l1_ratio=st.sampled_from([1.0, 0.5, 0.0]), fit_intercept=st.booleans(),
       extras=st.booleans(), layout=st.sampled_from(["dense", "sparse"]))  # fmt: skip
# a first iterate far from the intercept's optimum, whose correction leaves [0, 1]: a
# loose slack must not stop there (the clipped point would not sum to 0)
@example(seed=3353, loss="logistic", l1_ratio=1.0, fit_intercept=True, extras=True,
         layout="sparse")  # fmt: skip
def test_the_compiled_box_certificate_is_the_numpy_one(seed, loss, l1_ratio, fit_intercept,
                                                       extras, layout):  # fmt: skip
    """The solver's certificate (compiled loops, every feature penalised) equals
    :func:`certify_box_prediction` at points inside the box, on its bounds, at 0 and
    outside it, with weights and (Poisson) an offset."""
    X, y, rng = _problem(loss, seed, n=50, p=9)
    if loss == "logistic" and y.min() == y.max():
        y[0] = 1 - y[0]
    if loss == "poisson" and not np.any(y > 0):
        y[0] = 1.0
    weights = rng.uniform(0.2, 2.0, 50) if extras else None
    offset = rng.normal(0, 0.3, 50) if extras and loss == "poisson" else None
    if layout == "sparse":
        X = sp.csc_matrix(X * (rng.random(X.shape) < 0.5))
    data = prepare_glm(LOSSES[loss], X, y, weights, fit_intercept=fit_intercept,
                       offset=offset)  # fmt: skip
    lower, upper = _box(rng, 9)
    penalty = Penalty(l1_ratio, rng.uniform(0.5, 2.0, 9), False, lower, upper)
    a, b = penalty.weights(0.02 + 0.2 * rng.random(), 9)
    w = rng.normal(0, 0.3, 9) * (rng.random(9) < 0.6)
    on_bound = rng.random(9) < 0.4
    w = np.where(on_bound, np.where(rng.random(9) < 0.5, lower, upper), w)
    w = np.where(np.isfinite(w), w, 0.0)
    if rng.random() < 0.8:
        w = np.clip(w, lower, upper)
    inside = bool(np.all((w >= lower) & (w <= upper)))
    z = data.predictor(w, rng.normal(0, 0.5) if fit_intercept else 0.0)
    point = with_dual(loss_at(data, z), data, True)
    compiled = certify_box_at(point, data, w, a, b, lower, upper)
    reference, gradient = certify_box_prediction(
        data.X, data.y, data.s, z, w, a, b, lower, upper, fit_intercept=fit_intercept,
        loss=data.loss, primal_at_zero=data.primal_at_zero, offset=data.offset,
    )  # fmt: skip
    scale = 1e-10 * max(1.0, abs(reference.primal))
    np.testing.assert_allclose(point.gradient, gradient, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(compiled.kkt_residual, reference.kkt_residual, rtol=1e-9,
                               atol=1e-12)  # fmt: skip
    assert compiled.primal == reference.primal or abs(compiled.primal - reference.primal) <= scale
    assert inside == np.isfinite(compiled.primal)
    if np.isfinite(reference.dual):
        assert abs(compiled.dual - reference.dual) <= scale
    else:
        assert compiled.dual == reference.dual
    # with a slack, the intercept's dual point may stop at its first iterate, whose
    # correlations come from one pass forming Xᵀg and Xᵀh: those of its θ, still a
    # feasible point (1ᵀθ = 0), so its value stays below the primal
    for slack in (1e-3 * data.primal_at_zero, 10.0 * data.primal_at_zero):
        loose = with_dual(loss_at(data, z), data, True, slack)
        np.testing.assert_allclose(loose.correlation, data.X.T @ loose.theta, rtol=1e-9,
                                   atol=1e-12)  # fmt: skip
        if fit_intercept:
            assert abs(loose.theta.sum()) <= 1e-12
        loose_cert = certify_box_at(loose, data, w, a, b, lower, upper)
        assert loose_cert.dual <= loose_cert.primal + scale


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), l1_ratio=st.sampled_from([1.0, 0.5, 0.0]),
       fit_intercept=st.booleans(), extras=st.booleans())  # fmt: skip
def test_the_gram_box_certificate_is_the_numpy_one(seed, l1_ratio, fit_intercept, extras):
    """The squared loss in Gram mode is certified from the weighted Gram matrix alone, at
    the intercept that fits w: the same primal, dual and KKT residuals as
    :func:`certify_box_prediction` at that point, with weights and an offset."""
    X, y, rng = _problem("squared", seed, n=80, p=9)
    weights = rng.uniform(0.2, 2.0, 80) if extras else None
    offset = rng.normal(0, 0.3, 80) if extras else None
    data = prepare_glm(SquaredLoss(), X, y, weights, fit_intercept=fit_intercept,
                       offset=offset)  # fmt: skip
    lower, upper = _box(rng, 9)
    penalty = Penalty(l1_ratio, rng.uniform(0.5, 2.0, 9), False, lower, upper)
    a, b = penalty.weights(0.02 + 0.2 * rng.random(), 9)
    w = rng.normal(0, 0.3, 9) * (rng.random(9) < 0.7)
    w = np.where(rng.random(9) < 0.4, np.where(rng.random(9) < 0.5, lower, upper), w)
    w = np.clip(np.where(np.isfinite(w), w, 0.0), lower, upper)
    _, _, means, y_mean, _ = data.weighted_gram
    intercept = y_mean - means @ w if fit_intercept else 0.0
    gram = certify_box_gram(data, w, a, b, lower, upper)
    reference, _ = certify_box_prediction(
        data.X, data.y, data.s, data.predictor(w, intercept), w, a, b, lower, upper,
        fit_intercept=fit_intercept, loss=data.loss, primal_at_zero=data.primal_at_zero,
        offset=data.offset,
    )  # fmt: skip
    scale = 1e-10 * max(1.0, abs(reference.primal))
    assert abs(gram.primal - reference.primal) <= scale
    assert abs(gram.dual - reference.dual) <= scale
    np.testing.assert_allclose(gram.kkt_residual, reference.kkt_residual, rtol=1e-8,
                               atol=1e-11)  # fmt: skip


def test_a_point_outside_the_box_has_an_infinite_primal():
    X, y, _ = _problem("squared", 1, p=3)
    cert = certify_box(X, y, np.array([2.0, 0.0, 0.0]), 0.0, np.full(3, 0.1), np.zeros(3),
                       lower=-1.0, upper=1.0, loss=SquaredLoss())  # fmt: skip
    assert cert.primal == np.inf and np.isinf(cert.kkt_residual[0])


# -- paths -----------------------------------------------------------------------------


@pytest.mark.parametrize("loss", ["squared", "logistic", "poisson"])
def test_paths_stay_in_the_box_and_certify_every_point(loss):
    X, y, rng = _problem(loss, 11, n=120, p=12)
    lower, upper = _box(rng, 12)
    penalty = ElasticNetPenalty(0.7, lower=lower, upper=upper)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = path(X, y, penalty, loss=loss, n_alphas=30, tol=1e-7)
    assert result.strategy == ("box_cd" if loss == "squared" else "box_newton")
    assert result.converged.all() and np.all(result.relative_gaps <= 1e-7)
    assert np.all(result.coefs >= lower - 0.0) and np.all(result.coefs <= upper)
    assert np.any(result.coefs == upper) or np.any(result.coefs == lower[lower < 0].min())
    # each point is the fit of its α
    k = 20
    point = SOLVE[loss](X, y, result.alphas[k], penalty, tol=1e-10)
    np.testing.assert_allclose(result.coefs[k], point.coef, atol=1e-3)


def test_alpha_max_counts_only_the_open_side_of_each_box():
    """With ``upper = 0`` a feature can only go negative: α_max is the largest
    ``max(−c_j, 0)/ρ``, and the path's first point is exactly zero."""
    X, y, _ = _problem("squared", 5)
    c = X.T @ (y - y.mean()) / X.shape[0] - X.mean(0) * 0  # centred: X has mean ~0
    result = path(X, y, L1(upper=0.0), n_alphas=5, tol=1e-10)
    Xc = X - X.mean(0)
    c = Xc.T @ (y - y.mean()) / X.shape[0]
    assert result.alphas[0] == pytest.approx(np.max(np.maximum(-c, 0.0)), rel=1e-10)
    assert np.all(result.coefs[0] == 0) and np.all(result.coefs <= 0)
    assert np.any(result.coefs[1] < 0)


def test_unpenalised_bounded_features_enter_the_null_model():
    """An unpenalised feature with a one-sided box is fitted in its box at α_max."""
    X, y, _ = _problem("logistic", 2)
    factors = np.ones(X.shape[1])
    factors[0] = 0.0
    lower = np.full(X.shape[1], -np.inf)
    lower[0] = 0.0
    result = path(X, y, L1(factors, lower=lower), loss="logistic", n_alphas=10, tol=1e-9)
    assert np.all(result.coefs[:, 0] >= 0) and np.all(result.coefs[0, 1:] == 0)
    assert result.converged.all()


def test_sparse_and_standardised_paths_match_dense():
    X, y, rng = _problem("squared", 9, n=100, p=10)
    X[:, 3] *= 5.0
    lower, upper = _box(rng, 10)
    penalty = L1(lower=lower, upper=upper)
    dense = path(X, y, penalty, standardize=True, n_alphas=15, tol=1e-10)
    sparse = path(sp.csc_matrix(X), y, penalty, standardize=True, n_alphas=15, tol=1e-10)
    np.testing.assert_allclose(sparse.alphas, dense.alphas, rtol=1e-10)
    np.testing.assert_allclose(sparse.coefs, dense.coefs, atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(loss="multinomial"), "lower / upper bounds work with"),
    (dict(loss="multitask"), "lower / upper bounds work with"),
    (dict(groups=[0, 0, 1, 1, 2, 2, 3, 3]), "with groups"),
])  # fmt: skip
def test_losses_without_box_support_refuse_it(kwargs, message):
    X, y, _ = _problem("squared", 0)
    target = np.column_stack([y, y]) if kwargs.get("loss") == "multitask" else y
    if kwargs.get("loss") == "multinomial":
        target = (y > 0).astype(int) + (y > 1)
    with pytest.raises(ValueError, match=message):
        path(X, target, L1(upper=1.0), **kwargs)


def test_inputs_are_never_modified():
    X, y, _ = _problem("poisson", 4)
    lower = np.full(8, -0.5)
    copies = X.copy(), y.copy(), lower.copy()
    path(X, y, L1(lower=lower), loss="poisson", n_alphas=5)
    for original, kept in zip((X, y, lower), copies, strict=True):
        np.testing.assert_array_equal(original, kept)


# -- R's glmnet ------------------------------------------------------------------------

R_LIMITS = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); y <- read.csv("{y}", header = FALSE)[, 1]
lo <- read.csv("{lo}", header = FALSE)[, 1]; hi <- read.csv("{hi}", header = FALSE)[, 1]
fit <- glmnet(X, y, family = "{family}", alpha = {rho}, lambda = {lam},
              lower.limits = lo, upper.limits = hi, standardize = {standardize},
              thresh = 1e-14, maxit = 1e7)
write.table(as.numeric(coef(fit)), "{out}", row.names = FALSE, col.names = FALSE)
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
@pytest.mark.parametrize("family, l1_ratio, standardize", [
    ("gaussian", 1.0, False), ("binomial", 0.5, False), ("poisson", 1.0, False),
    ("gaussian", 0.5, True),
])  # fmt: skip
def test_fits_agree_with_r_glmnet_limits(tmp_path, family, l1_ratio, standardize):
    """glmnet's ``lower.limits`` / ``upper.limits`` are this box, λ = α."""
    loss = {"gaussian": "squared", "binomial": "logistic", "poisson": "poisson"}[family]
    X, y, rng = _problem(loss, 21, n=100, p=7)
    X[:, 4] *= 3.0
    if family == "gaussian":
        # glmnet scales a gaussian y to unit standard deviation (1/n) and λ with it, which
        # leaves its ridge part divided by that deviation: equal objectives only at 1
        y = y / y.std()
    lower = np.array([-0.1, 0.0, -np.inf, -0.3, -1e9, -0.05, 0.0])
    upper = np.array([0.2, 0.15, 0.1, np.inf, 0.05, 1e9, 0.0])
    lo, hi = np.where(np.isinf(lower), -1e30, lower), np.where(np.isinf(upper), 1e30, upper)
    alpha = 0.03
    for name, array in (("X", X), ("y", y), ("lo", lo), ("hi", hi)):
        np.savetxt(tmp_path / f"{name}.csv", np.atleast_2d(array.T).T, delimiter=",")
    script = R_LIMITS.format(X=tmp_path / "X.csv", y=tmp_path / "y.csv",
                             lo=tmp_path / "lo.csv", hi=tmp_path / "hi.csv", family=family,
                             rho=l1_ratio, lam=alpha, out=tmp_path / "b.csv",
                             standardize="TRUE" if standardize else "FALSE")  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120)
    if run.returncode != 0 and "glmnet" in run.stderr:
        pytest.skip("R's glmnet package is not installed")
    assert run.returncode == 0, run.stderr
    ref = np.loadtxt(tmp_path / "b.csv")
    fit = SOLVE[loss](X, y, alpha, Penalty(l1_ratio, None, False, lower, upper),
                      standardize=standardize, tol=1e-13)  # fmt: skip
    np.testing.assert_allclose(fit.coef, ref[1:], atol=2e-5)
    assert fit.intercept == pytest.approx(ref[0], abs=2e-5)
