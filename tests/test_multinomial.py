"""Multinomial logistic regression (ungrouped and grouped penalties): loss, certificate,
solver, path, estimator and CV, against cvxpy, scikit-learn and R's glmnet, and the
certificate's promise (hypothesis)."""

import shutil
import subprocess

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp, softmax
from sklearn.linear_model import LogisticRegression

from shrinkage import MultinomialLogisticRegression, MultinomialLogisticRegressionCV, path
from shrinkage.certificates.multinomial import certify_multinomial
from shrinkage.penalties import L1, Penalty
from shrinkage.solvers.multinomial import (
    multinomial_alpha_max,
    multinomial_weights,
    one_hot,
    prepare_multinomial,
    solve_multinomial,
    solve_multinomial_prepared,
)


def _classes(seed, n=90, p=5, K=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = np.zeros((p, K))
    W[0, 0], W[1, 1], W[2, 2 % K] = 1.5, -1.2, 1.0
    y = np.array([rng.choice(K, p=row) for row in softmax(X @ W, axis=1)])
    y[:K] = np.arange(K)  # every class present
    return X, y, rng


def _objective(X, y, W, b, alpha, l1_ratio=1.0, grouped=False, sample_weight=None):
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    Z = X @ W + b
    codes = np.searchsorted(np.unique(y), y)
    loss = s @ (logsumexp(Z, axis=1) - Z[np.arange(n), codes]) / n
    rows = np.linalg.norm(W, axis=1) if grouped else np.abs(W).sum(axis=1)
    return loss + alpha * (l1_ratio * rows.sum() + 0.5 * (1 - l1_ratio) * np.sum(W * W))


def _cvxpy(X, y, alpha, l1_ratio, grouped, sample_weight=None, fit_intercept=True):
    import cvxpy as cp

    n, p = X.shape
    Y, _ = one_hot(y)
    K = Y.shape[1]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    W, b = cp.Variable((p, K)), cp.Variable(K)
    Z = X @ W + (np.ones((n, 1)) @ cp.reshape(b, (1, K), order="C") if fit_intercept else 0)
    loss = cp.sum(cp.multiply(s, cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(Y, Z), axis=1)))
    rows = cp.sum(cp.norm(W, 2, axis=1)) if grouped else cp.sum(cp.abs(W))
    cost = loss / n + alpha * (l1_ratio * rows + 0.5 * (1 - l1_ratio) * cp.sum_squares(W))
    cp.Problem(cp.Minimize(cost)).solve(solver="CLARABEL", tol_gap_abs=1e-10,
                                        tol_gap_rel=1e-10, tol_feas=1e-10)  # fmt: skip
    return W.value, (b.value if fit_intercept else np.zeros(K))


@pytest.mark.parametrize(
    "l1_ratio, grouped, weighted, fit_intercept",
    [(1.0, False, False, True), (0.5, False, True, True), (1.0, True, False, True),
     (0.7, True, True, True), (1.0, False, False, False)],
)  # fmt: skip
def test_fits_agree_with_cvxpy(l1_ratio, grouped, weighted, fit_intercept):
    X, y, rng = _classes(1)
    weights = rng.uniform(0.3, 2.0, X.shape[0]) if weighted else None
    data = prepare_multinomial(X, y, weights, fit_intercept=fit_intercept)
    alpha = 0.3 * multinomial_alpha_max(data, Penalty(l1_ratio), grouped)
    fit = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-11,
                            sample_weight=weights, fit_intercept=fit_intercept)  # fmt: skip
    assert fit.converged and fit.relative_gap <= 1e-11
    W, b = _cvxpy(X, y, alpha, l1_ratio, grouped, weights, fit_intercept)
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, grouped, weights)
    theirs = _objective(X, y, W, b, alpha, l1_ratio, grouped, weights)
    assert ours <= theirs + 1e-9
    assert fit.certificate.primal == pytest.approx(ours, rel=1e-12)
    # the probabilities are unique even where W is not (a lasso row's shift along 1)
    np.testing.assert_allclose(softmax(X @ fit.coef + fit.intercept, axis=1),
                               softmax(X @ W + b, axis=1), atol=2e-5)  # fmt: skip


def test_lasso_agrees_with_scikit_learn():
    """scikit-learn's multinomial ``LogisticRegression(C)`` with the L1 penalty is the
    ungrouped lasso at ``α = 1/(n C)``."""
    X, y, _ = _classes(2, n=120)
    alpha = 0.02
    ours = MultinomialLogisticRegression(alpha=alpha, tol=1e-12).fit(X, y)
    ref = LogisticRegression(C=1 / (120 * alpha), l1_ratio=1.0, solver="saga", tol=1e-12,
                             max_iter=100_000).fit(X, y)  # fmt: skip
    assert _objective(X, y, ours.coef_.T, ours.intercept_, alpha) == pytest.approx(
        _objective(X, y, ref.coef_.T, ref.intercept_, alpha), abs=1e-8)  # fmt: skip
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)


R_MULTINOMIAL = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); y <- factor(read.csv("{y}", header = FALSE)[, 1])
fit <- glmnet(X, y, family = "multinomial", alpha = {rho}, lambda = {lam},
              type.multinomial = "{kind}", standardize = FALSE, thresh = 1e-14, maxit = 1e7)
B <- do.call(cbind, lapply(coef(fit), as.numeric))
write.table(B, "{out}", sep = ",", row.names = FALSE, col.names = FALSE)
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
@pytest.mark.parametrize("l1_ratio, grouped", [(1.0, False), (0.5, False), (1.0, True)])
def test_fits_agree_with_r_glmnet_multinomial(tmp_path, l1_ratio, grouped):
    """glmnet's ``family = "multinomial"`` minimises the same objective, λ = α; its
    coefficients give the same probabilities and objective value."""
    X, y, _ = _classes(3, n=100, p=6)
    alpha = 0.03
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    np.savetxt(tmp_path / "y.csv", y, fmt="%d")
    script = R_MULTINOMIAL.format(X=tmp_path / "X.csv", y=tmp_path / "y.csv", rho=l1_ratio,
                                  lam=alpha, kind="grouped" if grouped else "ungrouped",
                                  out=tmp_path / "B.csv")  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120)
    if run.returncode != 0 and "glmnet" in run.stderr:
        pytest.skip("R's glmnet package is not installed")
    assert run.returncode == 0, run.stderr
    B = np.loadtxt(tmp_path / "B.csv", delimiter=",")  # (1 + p) × K, intercepts first
    fit = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-12)
    theirs = _objective(X, y, B[1:], B[0], alpha, l1_ratio, grouped)
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, grouped)
    assert ours <= theirs + 1e-9 and ours == pytest.approx(theirs, abs=1e-7)
    np.testing.assert_allclose(softmax(X @ fit.coef + fit.intercept, axis=1),
                               softmax(X @ B[1:] + B[0], axis=1), atol=1e-5)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), l1_ratio=st.sampled_from([1.0, 0.5]),
       grouped=st.booleans(), scale=st.floats(0.05, 1.0))  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, l1_ratio, grouped, scale):
    X, y, rng = _classes(seed, n=40, p=4)
    data = prepare_multinomial(X, y)
    alpha = scale * multinomial_alpha_max(data, Penalty(l1_ratio), grouped)
    a, b = Penalty(l1_ratio).weights(alpha, 4)
    best = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-13,
                             max_iter=500)  # fmt: skip
    optimum = best.certificate.primal
    W = best.coef + rng.normal(0, 0.3, best.coef.shape) * (rng.random(best.coef.shape) < 0.5)
    intercept = best.intercept + rng.normal(0, 0.3, 3)
    cert = certify_multinomial(X, data.Y, W, intercept, a, b, grouped=grouped)
    assert cert.dual <= optimum + 1e-12 * max(1.0, abs(optimum))
    assert cert.primal - optimum <= cert.dual_gap + 1e-12


@pytest.mark.parametrize("grouped", [False, True])
def test_path_certifies_every_point_dense_and_sparse(grouped):
    X, y, _ = _classes(4, n=150, p=12, K=4)
    X[np.abs(X) < 0.7] = 0.0
    dense = path(X, y, loss="multinomial", grouped=grouped, n_alphas=15, tol=1e-8)
    sparse = path(sp.csr_matrix(X), y, loss="multinomial", grouped=grouped, n_alphas=15,
                  tol=1e-8)  # fmt: skip
    assert dense.coefs.shape == (15, 12, 4) and dense.classes.tolist() == [0, 1, 2, 3]
    assert dense.converged.all() and sparse.converged.all()
    assert dense.n_active[0] == 0 and dense.n_active[-1] > 3
    np.testing.assert_allclose(dense.predict_proba(X), sparse.predict_proba(X), atol=1e-5)
    if grouped:  # a feature is in every class's model or none
        rows = np.abs(dense.coefs).sum(axis=2) > 0
        assert np.all(np.all(dense.coefs != 0, axis=2) == rows)


def test_alpha_max_is_the_first_alpha_with_every_coefficient_zero():
    X, y, _ = _classes(5)
    for grouped in (False, True):
        alpha_max = multinomial_alpha_max(prepare_multinomial(X, y), L1(), grouped)
        at = solve_multinomial(X, y, alpha_max, grouped=grouped, tol=1e-10)
        below = solve_multinomial(X, y, 0.98 * alpha_max, grouped=grouped, tol=1e-10)
        assert np.all(at.coef == 0) and np.any(below.coef != 0)
        priors = np.bincount(y) / y.size
        np.testing.assert_allclose(softmax(at.intercept), priors, rtol=1e-9)


def test_estimator_predicts_string_labels_and_binary_shapes():
    X, y, _ = _classes(6)
    labels = np.array(["ant", "bee", "cat"])[y]
    model = MultinomialLogisticRegression(alpha=0.01).fit(X, labels)
    assert model.classes_.tolist() == ["ant", "bee", "cat"] and model.coef_.shape == (3, 5)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert set(model.predict(X)) <= set(labels) and model.score(X, labels) > 0.6
    binary = MultinomialLogisticRegression(alpha=0.01).fit(X, y == 0)
    assert binary.decision_function(X).shape == (90,)


def test_cross_validation_chooses_by_the_multinomial_deviance():
    X, y, _ = _classes(7, n=240, p=8)
    model = MultinomialLogisticRegressionCV(n_alphas=15, cv=4).fit(X, y)
    assert model.cv_mean_.shape == (1, 15) and model.alpha_ >= model.alpha_min_
    assert model.certificate_.relative_gap <= 1e-4
    assert {0, 1, 2} <= set(np.flatnonzero(np.any(model.coef_ != 0, axis=0)))
    grid = MultinomialLogisticRegressionCV(l1_ratio=[0.5, 1.0], grouped=True, n_alphas=8,
                                           cv=3).fit(X, y)  # fmt: skip
    assert grid.cv_mean_.shape == (2, 8)


@pytest.mark.parametrize(
    "y, kwargs, message",
    [(np.zeros(30), {}, "at least two classes"),
     (np.r_[np.zeros(15), np.ones(15)], {"sample_weight": np.r_[np.ones(15), np.zeros(15)]},
      "sample_weight 0"),
     (np.arange(30) % 3, {"penalty": L1(penalty_factor=[0, 1, 1])}, "penalty factor"),
     (np.arange(30) % 3, {"penalty": L1(positive=True)}, "positivity")],
)  # fmt: skip
def test_bad_input_gets_a_clear_error(y, kwargs, message):
    X = np.random.default_rng(8).standard_normal((30, 3))
    with pytest.raises(ValueError, match=message):
        solve_multinomial(X, y, 0.1, **kwargs)


def test_a_fold_without_a_class_is_named():
    X, y, _ = _classes(9, n=40)
    y[:] = 0
    y[-4:] = [1, 1, 2, 2]  # classes 1 and 2 only in the last rows
    folds = [(np.arange(30), np.arange(30, 40)), (np.arange(10, 40), np.arange(10))]
    with pytest.raises(ValueError, match=r"fold 1 of 2 lacks class\(es\) \[1, 2\]"):
        MultinomialLogisticRegressionCV(cv=folds).fit(X, y)


def test_inputs_are_never_modified():
    X, y, _ = _classes(10)
    copies = X.copy(), y.copy()
    MultinomialLogisticRegressionCV(n_alphas=5, cv=2).fit(X, y)
    path(X, y, loss="multinomial", n_alphas=5)
    np.testing.assert_array_equal(copies[0], X)
    np.testing.assert_array_equal(copies[1], y)


@pytest.mark.parametrize("seed", [0, 2])
def test_the_grouped_penalty_converges_on_sparse_collinear_columns(seed):
    """Columns ``x_1 + 1e-3·noise`` in a sparse matrix: coordinate descent alone left a gap
    of 1e-5 after 100 Newton steps; with a face step once CD has spent what the step costs,
    3 steps, and the dense fit's coefficients."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((100, 25))
    X[:, 1:] = X[:, :1] + 1e-3 * X[:, 1:]
    y = rng.integers(0, 4, 100)
    options = dict(grouped=True, fit_intercept=False, tol=1e-8)
    sparse = solve_multinomial(sp.csc_matrix(X), y, 1e-4, Penalty(0.1), **options)
    dense = solve_multinomial(X, y, 1e-4, Penalty(0.1), **options)
    assert sparse.converged and sparse.relative_gap <= 1e-8 and sparse.n_iter <= 10
    np.testing.assert_allclose(sparse.coef, dense.coef, atol=1e-2)


@pytest.mark.parametrize("grouped", [False, True])
def test_face_steps_converge_on_a_one_factor_design(grouped, monkeypatch):
    """``X = 0.9·f1ᵀ + 0.3·noise``: coordinate descent alone needs 212 runs of 5 epochs
    for the grouped path point below (the rows' Hessians are nearly collinear); with a
    Newton step on the face of the non-zero rows (smooth there for the group norm) after
    each run, a few dozen. The certificate at 1e-8 either way."""
    from shrinkage.solvers import multinomial_model

    rng = np.random.default_rng(0)
    n, p, K = 300, 30, 4
    factor = rng.standard_normal(n)
    X = 0.9 * factor[:, None] + 0.3 * rng.standard_normal((n, p))
    y = rng.integers(0, K, n)
    y[factor > 1] = 0
    data = prepare_multinomial(X, y, None, fit_intercept=True)
    alpha = 0.05 * multinomial_alpha_max(data, Penalty(1.0), grouped)
    a, b = multinomial_weights(data, alpha, Penalty(1.0))
    runs = []
    kernel = multinomial_model.multinomial_cd_dense

    def counted(*args):
        runs.append(1)
        return kernel(*args)

    monkeypatch.setattr(multinomial_model, "multinomial_cd_dense", counted)
    result = solve_multinomial_prepared(data, a, b, grouped, tol=1e-8, max_iter=100)
    assert result.converged and result.relative_gap <= 1e-8
    assert np.count_nonzero(np.linalg.norm(result.coef, axis=1)) >= 5
    assert len(runs) <= 40


@pytest.mark.parametrize("grouped", [False, True])
def test_an_uncertified_start_is_stepped_then_certified(grouped):
    """``certify_start=False`` (a path's start after an α that needed steps): the first
    step is taken from the KKT residuals alone; the fit is the certified one, and a start
    that is already the solution comes back certified as it is."""
    X, y, _ = _classes(7, n=120, p=6)
    data = prepare_multinomial(X, y, None, fit_intercept=True)
    alpha = 0.1 * multinomial_alpha_max(data, Penalty(1.0), grouped)
    a, b = multinomial_weights(data, alpha, Penalty(1.0))
    options = dict(tol=1e-10, max_iter=100)
    certified = solve_multinomial_prepared(data, a, b, grouped, **options)
    stepped = solve_multinomial_prepared(data, a, b, grouped, certify_start=False, **options)
    assert stepped.converged and stepped.relative_gap <= 1e-10 and stepped.n_iter >= 1
    np.testing.assert_allclose(stepped.coef, certified.coef, atol=1e-6)
    again = solve_multinomial_prepared(data, a, b, grouped, certify_start=False,
                                       coef_init=certified.coef,
                                       intercept_init=certified.intercept, **options)  # fmt: skip
    assert again.converged and again.relative_gap <= 1e-10 and again.n_iter <= 1
    np.testing.assert_allclose(again.coef, certified.coef, atol=1e-8)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_face_model_of_sparse_columns_matches_the_dense_one(fit_intercept):
    from shrinkage.solvers.multinomial_model import Point, _face_model

    rng = np.random.default_rng(11)
    n, K = 40, 4
    X = rng.standard_normal((n, 5)) * (rng.random((n, 5)) < 0.4)
    columns = np.array([0, 1, 1, 3, 4, 4, 4])  # a feature in several classes
    classes = np.array([0, 1, 3, 2, 0, 1, 2])
    y = np.arange(n) % K
    data = prepare_multinomial(X, y, sample_weight=rng.uniform(0.5, 2.0, n))
    point = Point.at(data, rng.standard_normal((n, K)))
    U, V = 0.1 * rng.standard_normal((n, K)), 0.1 * rng.standard_normal(n)
    face = X[:, columns]
    dense = _face_model(face, classes, point, data.s, U, V, fit_intercept)
    sparse = _face_model(sp.csc_matrix(face), classes, point, data.s, U, V, fit_intercept)
    for ours, reference in zip(sparse, dense, strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-15)
    # the Hessian against its definition, entry by entry
    ones = np.ones((n, K))
    full = np.hstack([face, ones]) if fit_intercept else face
    labels = np.concatenate([classes, np.arange(K)]) if fit_intercept else classes
    w = data.s / n
    expected = np.einsum(
        "i,ie,if,ief->ef", w, full, full,
        point.P[:, labels][:, :, None] * ((labels[:, None] == labels[None, :])[None]
                                          - point.P[:, labels][:, None, :]),
    )  # fmt: skip
    np.testing.assert_allclose(dense[1], expected, rtol=1e-11, atol=1e-15)


@pytest.mark.parametrize("grouped", [False, True])
def test_the_penalty_side_kernel_matches_its_definitions(grouped):
    from shrinkage._kernels.multinomial_penalty import penalty_side

    rng = np.random.default_rng(12)
    p, K = 9, 3
    W = rng.standard_normal((p, K)) * (rng.random((p, K)) < 0.5)
    W[0] = 0.0
    gradient, corr = rng.standard_normal((p, K)), 0.3 * rng.standard_normal((p, K))
    a = rng.uniform(0.2, 1.0, p)
    b = np.where(np.arange(p) % 3 == 0, 0.4, 0.0)
    kkt = np.empty(p)
    penalty, shrink, conjugate = penalty_side(W, gradient, corr, a, b, grouped, kkt)
    rows = np.linalg.norm(W, axis=1) if grouped else np.abs(W).sum(axis=1)
    assert penalty == pytest.approx(a @ rows + 0.5 * b @ np.sum(W * W, axis=1), rel=1e-14)
    magnitude = np.linalg.norm(corr, axis=1) if grouped else np.abs(corr).max(axis=1)
    pure = b == 0
    assert shrink == pytest.approx(max(1.0, np.max(magnitude[pure] / a[pure])), rel=1e-14)
    if grouped:
        excess = np.maximum(magnitude / shrink - a, 0.0) ** 2
    else:
        excess = np.sum(np.maximum(np.abs(corr) / shrink - a[:, None], 0.0) ** 2, axis=1)
    assert conjugate == pytest.approx(np.sum(excess[~pure] / (2 * b[~pure])), rel=1e-12)
    # each row's KKT residual: the distance of −gradient to the subdifferential
    for j in range(p):
        pulled = gradient[j] + b[j] * W[j]
        if grouped:
            norm = np.linalg.norm(W[j])
            expected = (np.linalg.norm(pulled + a[j] * W[j] / norm) if norm > 0
                        else max(np.linalg.norm(pulled) - a[j], 0.0))  # fmt: skip
        else:
            expected = max(max(abs(pulled[k] + a[j] * np.sign(W[j, k])) if W[j, k] != 0
                               else abs(pulled[k]) - a[j] for k in range(K)), 0.0)  # fmt: skip
        assert kkt[j] == pytest.approx(expected, rel=1e-13, abs=1e-15)
    # a pure lasso: the shrink brings every row into the domain, the conjugate is 0
    _, shrink, conjugate = penalty_side(W, gradient, 10 * corr, a, np.zeros(p), grouped, kkt)
    assert shrink > 1 and conjugate == 0.0
