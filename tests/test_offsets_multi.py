"""Offsets of the multi-task and multinomial losses: a fixed part O of the predictions
``XW + 1bᵀ + O``. Multi-task: the fit of ``Y − O``, exactly. Multinomial (O n × K,
glmnet's multinomial ``offset``): against cvxpy and R's glmnet, the certificate's promise
(hypothesis), a per-class constant offset, α_max, the path, the estimator, the CV and
bad input."""

import shutil
import subprocess

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import logsumexp, softmax
from sklearn.metrics import r2_score

from shrinkage import (
    MultinomialLogisticRegression,
    MultinomialLogisticRegressionCV,
    MultiTaskElasticNetCV,
    MultiTaskLasso,
    path,
)
from shrinkage.certificates.multinomial import certify_multinomial
from shrinkage.penalties import L1, Penalty
from shrinkage.selection._common import multinomial_deviance
from shrinkage.solvers.multinomial import (
    multinomial_alpha_max,
    one_hot,
    prepare_multinomial,
    solve_multinomial,
)
from shrinkage.solvers.multitask import solve_multitask

# --------------------------------------------------------------------------- multi-task


def _tasks(seed=0, n=60, p=8, n_tasks=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 2.0, p)
    W = np.zeros((p, n_tasks))
    W[:3] = rng.standard_normal((3, n_tasks))
    O = rng.normal(0.0, 1.0, (n, n_tasks))
    Y = X @ W + O + 0.5 * rng.standard_normal((n, n_tasks)) + 1.0
    return X, Y, O, rng


@pytest.mark.parametrize("vector", [False, True])
def test_multitask_path_with_offset_is_the_path_of_y_minus_offset(vector):
    X, Y, O, rng = _tasks(1)
    O = O[:, 0] if vector else O  # a vector: the same offset for every task
    shifted = Y - (O[:, None] if vector else O)
    weights = rng.uniform(0.5, 2.0, X.shape[0])
    options = dict(loss="multitask", n_alphas=12, tol=1e-10, sample_weight=weights,
                   standardize=True)  # fmt: skip
    with_offset = path(X, Y, offset=O, **options)
    reference = path(X, shifted, **options)
    np.testing.assert_allclose(with_offset.alphas, reference.alphas, rtol=1e-12)
    np.testing.assert_allclose(with_offset.coefs, reference.coefs, atol=1e-10)
    np.testing.assert_allclose(with_offset.intercepts, reference.intercepts, atol=1e-10)
    np.testing.assert_allclose(with_offset.dual_gaps, reference.dual_gaps, atol=1e-10)
    assert with_offset.converged.all() and with_offset.n_active[0] == 0
    fit = solve_multitask(X, Y, with_offset.alphas[5], offset=O, tol=1e-10)
    plain = solve_multitask(X, shifted, with_offset.alphas[5], tol=1e-10)
    np.testing.assert_allclose(fit.coef, plain.coef, atol=1e-10)
    np.testing.assert_allclose(fit.intercept, plain.intercept, atol=1e-10)
    assert abs(fit.dual_gap - plain.dual_gap) <= 1e-10


def test_multitask_estimator_takes_the_offset_in_fit_and_predict():
    X, Y, O, _ = _tasks(2)
    model = MultiTaskLasso(alpha=0.05, tol=1e-10).fit(X, Y, offset=O)
    reference = MultiTaskLasso(alpha=0.05, tol=1e-10).fit(X, Y - O)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, atol=1e-10)
    plain = X @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.predict(X), plain, rtol=1e-12)  # without the offset
    np.testing.assert_allclose(model.predict(X, offset=O), plain + O, rtol=1e-12)
    assert model.score(X, Y, offset=O) == pytest.approx(r2_score(Y, plain + O), rel=1e-12)
    assert model.score(X, Y, offset=O) > model.score(X, Y) + 0.1  # O explains part of Y


def test_multitask_cv_scores_each_fold_with_its_offset_rows():
    X, Y, O, _ = _tasks(3, n=72)
    folds = [(np.setdiff1d(np.arange(72), test), test)
             for test in np.array_split(np.arange(72), 3)]  # fmt: skip
    model = MultiTaskElasticNetCV(l1_ratio=0.8, n_alphas=10, cv=folds, tol=1e-10)
    model.fit(X, Y, offset=O)
    reference = MultiTaskElasticNetCV(l1_ratio=0.8, n_alphas=10, cv=folds, tol=1e-10)
    reference.fit(X, Y - O)
    np.testing.assert_allclose(model.cv_fold_errors_, reference.cv_fold_errors_, rtol=1e-10)
    assert model.alpha_ == reference.alpha_
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-10)
    for k, (train, test) in enumerate(folds):  # by hand, one fold at a time
        fold = path(X[train], Y[train], Penalty(0.8), loss="multitask", offset=O[train],
                    alphas=model.cv_alphas_[0], tol=1e-10, warn=False)  # fmt: skip
        errors = [np.mean((Y[test] - X[test] @ W - b - O[test]) ** 2)
                  for W, b in zip(fold.coefs, fold.intercepts, strict=True)]  # fmt: skip
        np.testing.assert_allclose(model.cv_fold_errors_[0, k], errors, rtol=1e-9)


# -------------------------------------------------------------------------- multinomial


def _classes(seed, n=90, p=5, K=3, spread=1.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    W = np.zeros((p, K))
    W[0, 0], W[1, 1], W[2, 2 % K] = 1.5, -1.2, 1.0
    O = rng.normal(0.0, spread, (n, K))
    y = np.array([rng.choice(K, p=row) for row in softmax(X @ W + O, axis=1)])
    y[:K] = np.arange(K)  # every class present
    return X, y, O, rng


def _objective(X, y, W, b, alpha, l1_ratio=1.0, grouped=False, sample_weight=None,
               offset=0.0):  # fmt: skip
    n = X.shape[0]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    Z = X @ W + b + offset
    codes = np.searchsorted(np.unique(y), y)
    loss = s @ (logsumexp(Z, axis=1) - Z[np.arange(n), codes]) / n
    rows = np.linalg.norm(W, axis=1) if grouped else np.abs(W).sum(axis=1)
    return loss + alpha * (l1_ratio * rows.sum() + 0.5 * (1 - l1_ratio) * np.sum(W * W))


def _cvxpy(X, y, O, alpha, l1_ratio, grouped, sample_weight=None, fit_intercept=True):
    import cvxpy as cp

    n, p = X.shape
    Y, _ = one_hot(y)
    K = Y.shape[1]
    s = np.ones(n) if sample_weight is None else sample_weight * n / sample_weight.sum()
    W, b = cp.Variable((p, K)), cp.Variable(K)
    Z = X @ W + O + (np.ones((n, 1)) @ cp.reshape(b, (1, K), order="C") if fit_intercept
                     else 0)  # fmt: skip
    loss = cp.sum(cp.multiply(s, cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(Y, Z), axis=1)))
    rows = cp.sum(cp.norm(W, 2, axis=1)) if grouped else cp.sum(cp.abs(W))
    cost = loss / n + alpha * (l1_ratio * rows + 0.5 * (1 - l1_ratio) * cp.sum_squares(W))
    cp.Problem(cp.Minimize(cost)).solve(solver="CLARABEL", tol_gap_abs=1e-10,
                                        tol_gap_rel=1e-10, tol_feas=1e-10)  # fmt: skip
    return W.value, (b.value if fit_intercept else np.zeros(K))


@pytest.mark.parametrize(
    "l1_ratio, grouped, weighted, fit_intercept",
    [(1.0, False, False, True), (0.5, False, True, True), (1.0, True, False, True),
     (0.7, True, True, True), (1.0, False, True, False), (1.0, True, False, False)],
)  # fmt: skip
def test_fits_with_an_offset_agree_with_cvxpy(l1_ratio, grouped, weighted, fit_intercept):
    X, y, O, rng = _classes(1)
    weights = rng.uniform(0.3, 2.0, X.shape[0]) if weighted else None
    data = prepare_multinomial(X, y, weights, fit_intercept=fit_intercept, offset=O)
    alpha = 0.3 * multinomial_alpha_max(data, Penalty(l1_ratio), grouped)
    fit = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-11,
                            sample_weight=weights, fit_intercept=fit_intercept,
                            offset=O)  # fmt: skip
    assert fit.converged and fit.relative_gap <= 1e-11
    W, b = _cvxpy(X, y, O, alpha, l1_ratio, grouped, weights, fit_intercept)
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, grouped, weights, O)
    theirs = _objective(X, y, W, b, alpha, l1_ratio, grouped, weights, O)
    assert ours <= theirs + 1e-10 and ours == pytest.approx(theirs, abs=1e-9)
    assert fit.certificate.primal == pytest.approx(ours, rel=1e-12)
    assert fit.certificate.dual <= theirs + 1e-9  # a lower bound of cvxpy's optimum too
    np.testing.assert_allclose(softmax(X @ fit.coef + fit.intercept + O, axis=1),
                               softmax(X @ W + b + O, axis=1), atol=2e-5)  # fmt: skip
    # the offset matters: the fit without it is another model
    plain = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-8,
                              sample_weight=weights, fit_intercept=fit_intercept)  # fmt: skip
    assert np.max(np.abs(plain.coef - fit.coef)) > 1e-2


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), l1_ratio=st.sampled_from([1.0, 0.5]),
       grouped=st.booleans(), fit_intercept=st.booleans(), scale=st.floats(0.05, 1.0))  # fmt: skip
def test_the_certificate_with_an_offset_bounds_the_true_suboptimality(
    seed, l1_ratio, grouped, fit_intercept, scale
):
    X, y, O, rng = _classes(seed, n=40, p=4, spread=2.0)
    data = prepare_multinomial(X, y, fit_intercept=fit_intercept, offset=O)
    alpha = scale * multinomial_alpha_max(data, Penalty(l1_ratio), grouped)
    a, b = Penalty(l1_ratio).weights(alpha, 4)
    best = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-13,
                             max_iter=500, fit_intercept=fit_intercept, offset=O)  # fmt: skip
    optimum = best.certificate.primal
    W = best.coef + rng.normal(0, 0.3, best.coef.shape) * (rng.random(best.coef.shape) < 0.5)
    intercept = best.intercept + rng.normal(0, 0.3, 3) * fit_intercept
    cert = certify_multinomial(X, data.Y, W, intercept, a, b, grouped=grouped,
                               fit_intercept=fit_intercept, offset=O)  # fmt: skip
    objective = _objective(X, y, W, intercept, alpha, l1_ratio, grouped, offset=O)
    assert cert.primal == pytest.approx(objective, rel=1e-12)
    assert cert.dual <= optimum + 1e-12 * max(1.0, abs(optimum))
    assert cert.primal - optimum <= cert.dual_gap + 1e-12


@pytest.mark.parametrize("grouped", [False, True])
def test_a_constant_offset_per_class_only_moves_the_intercepts(grouped):
    X, y, _, rng = _classes(2, n=120)
    weights = rng.uniform(0.5, 2.0, 120)
    c = np.array([0.7, -1.5, 2.0])
    alpha = 0.01
    tol = 1e-9 if grouped else 1e-13  # the grouped steps stall near a gap of 1e-10
    options = dict(grouped=grouped, sample_weight=weights, tol=tol, max_iter=500)
    shifted = solve_multinomial(X, y, alpha, offset=np.tile(c, (120, 1)), **options)
    plain = solve_multinomial(X, y, alpha, **options)
    assert shifted.relative_gap <= tol and plain.relative_gap <= tol
    assert np.count_nonzero(plain.coef) >= 6
    np.testing.assert_allclose(shifted.coef, plain.coef, atol=1e-8)
    np.testing.assert_allclose(shifted.intercept, plain.intercept - (c - c.mean()), atol=1e-8)


@pytest.mark.parametrize("grouped", [False, True])
def test_alpha_max_is_that_of_the_null_model_with_the_offset(grouped):
    X, y, O, _ = _classes(3, spread=1.5)
    for fit_intercept in (True, False):
        data = prepare_multinomial(X, y, fit_intercept=fit_intercept, offset=O)
        alpha_max = multinomial_alpha_max(data, L1(), grouped)
        assert alpha_max != pytest.approx(
            multinomial_alpha_max(prepare_multinomial(X, y, fit_intercept=fit_intercept),
                                  L1(), grouped), rel=1e-3)  # fmt: skip
        options = dict(grouped=grouped, fit_intercept=fit_intercept, offset=O, tol=1e-12)
        at = solve_multinomial(X, y, alpha_max, **options)
        below = solve_multinomial(X, y, 0.98 * alpha_max, **options)
        assert np.all(at.coef == 0) and np.any(below.coef != 0)
        if fit_intercept:  # the null model's intercepts: each class's total is matched
            P = softmax(at.intercept + O, axis=1)
            np.testing.assert_allclose(P.sum(axis=0), np.bincount(y), rtol=1e-10)
        np.testing.assert_allclose(at.intercept, data.null_intercept, atol=1e-12)


@pytest.mark.parametrize("grouped", [False, True])
def test_the_path_with_an_offset_is_certified_at_every_point(grouped):
    X, y, O, _ = _classes(4, n=150, p=12, K=4)
    X[np.abs(X) < 0.7] = 0.0
    dense = path(X, y, loss="multinomial", grouped=grouped, offset=O, n_alphas=15, tol=1e-8)
    sparse = path(sp.csr_matrix(X), y, loss="multinomial", grouped=grouped, offset=O,
                  n_alphas=15, tol=1e-8)  # fmt: skip
    assert dense.converged.all() and sparse.converged.all()
    assert np.all(dense.relative_gaps <= 1e-8) and np.all(dense.dual_gaps >= -1e-14)
    assert dense.n_active[0] == 0 and dense.n_active[-1] > 3
    np.testing.assert_allclose(dense.alphas, sparse.alphas, rtol=1e-12)
    np.testing.assert_allclose(dense.predict_proba(X), sparse.predict_proba(X), atol=1e-5)
    data = prepare_multinomial(X, y, offset=O)
    assert dense.alphas[0] == pytest.approx(multinomial_alpha_max(data, L1(), grouped),
                                            rel=1e-12)  # fmt: skip
    for k in (3, 9, 14):  # each point against its own certificate
        a, b = L1().weights(dense.alphas[k], 12)
        cert = certify_multinomial(X, data.Y, dense.coefs[k], dense.intercepts[k], a, b,
                                   grouped=grouped, offset=O)  # fmt: skip
        assert cert.relative_gap <= 1e-8
    refit = dense.refit_at(dense.alphas[7], X, y, offset=O)
    np.testing.assert_allclose(refit.coef, dense.coefs[7], atol=1e-3)
    assert refit.relative_gap <= 1e-8


def test_estimator_fits_and_predicts_with_the_offset():
    X, y, O, _ = _classes(5, n=120, spread=1.5)
    labels = np.array(["ant", "bee", "cat"])[y]
    model = MultinomialLogisticRegression(alpha=0.01, tol=1e-10).fit(X, labels, offset=O)
    fit = solve_multinomial(X, y, 0.01, offset=O, tol=1e-10)
    np.testing.assert_allclose(model.coef_, fit.coef.T, atol=1e-10)
    np.testing.assert_allclose(model.intercept_, fit.intercept, atol=1e-10)
    scores = X @ model.coef_.T + model.intercept_
    np.testing.assert_allclose(model.predict_proba(X), softmax(scores, axis=1), rtol=1e-12)
    np.testing.assert_allclose(model.predict_proba(X, offset=O), softmax(scores + O, axis=1),
                               rtol=1e-12)  # fmt: skip
    np.testing.assert_allclose(model.decision_function(X, offset=O), scores + O, rtol=1e-12)
    np.testing.assert_allclose(np.exp(model.predict_log_proba(X, offset=O)),
                               model.predict_proba(X, offset=O), rtol=1e-12)  # fmt: skip
    assert model.predict(X, offset=O).tolist() == labels[np.argmax(scores + O, axis=1)].tolist()
    assert model.score(X, labels, offset=O) > model.score(X, labels)
    warm = MultinomialLogisticRegression(alpha=0.01, tol=1e-10, warm_start=True)
    warm.fit(X, labels, offset=O).fit(X, labels, offset=O)
    np.testing.assert_allclose(warm.coef_, model.coef_, atol=1e-8)


@pytest.mark.parametrize("grouped, weighted", [(False, False), (True, True)])
def test_cv_fits_and_scores_each_fold_with_its_offset_rows(grouped, weighted):
    X, y, O, rng = _classes(6, n=150, p=6, spread=1.5)
    weights = rng.uniform(0.5, 2.0, 150) if weighted else None
    order = rng.permutation(150)
    folds = [(np.sort(np.setdiff1d(order, part)), np.sort(part))
             for part in np.array_split(order, 3)]  # fmt: skip
    model = MultinomialLogisticRegressionCV(grouped=grouped, n_alphas=8, cv=folds, tol=1e-8)
    model.fit(X, y, sample_weight=weights, offset=O)
    grid = model.cv_alphas_[0]
    full = path(X, y, loss="multinomial", grouped=grouped, sample_weight=weights, offset=O,
                n_alphas=1)  # fmt: skip
    assert grid[0] == pytest.approx(full.alphas[0], rel=1e-12)
    for k, (train, test) in enumerate(folds):  # by hand, one fold at a time
        w_train = None if weights is None else weights[train]
        w_test = None if weights is None else weights[test]
        fold = path(X[train], y[train], loss="multinomial", grouped=grouped, alphas=grid,
                    sample_weight=w_train, offset=O[train], tol=1e-8, max_iter=100,
                    warn=False)  # fmt: skip
        by_hand = [multinomial_deviance(y[test], X[test] @ W + b + O[test], w_test)
                   for W, b in zip(fold.coefs, fold.intercepts, strict=True)]  # fmt: skip
        np.testing.assert_allclose(model.cv_fold_errors_[0, k], by_hand, rtol=1e-12)
        without = [multinomial_deviance(y[test], X[test] @ W + b, w_test)
                   for W, b in zip(fold.coefs, fold.intercepts, strict=True)]  # fmt: skip
        assert np.max(np.abs(np.subtract(without, by_hand))) > 1e-2  # O[test] counted
    refit = solve_multinomial(X, y, model.alpha_, grouped=grouped, sample_weight=weights,
                              offset=O, tol=1e-8)  # fmt: skip
    np.testing.assert_allclose(model.coef_, refit.coef.T, atol=1e-12)
    np.testing.assert_allclose(model.intercept_, refit.intercept, atol=1e-12)


R_MULTINOMIAL_OFFSET = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); y <- factor(read.csv("{y}", header = FALSE)[, 1])
O <- as.matrix(read.csv("{O}", header = FALSE))
fit <- glmnet(X, y, family = "multinomial", offset = O, alpha = {rho}, lambda = {lam},
              type.multinomial = "{kind}", standardize = FALSE, thresh = 1e-14, maxit = 1e7)
B <- do.call(cbind, lapply(coef(fit), as.numeric))
write.table(B, "{out}", sep = ",", row.names = FALSE, col.names = FALSE)
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
@pytest.mark.parametrize("l1_ratio, grouped", [(1.0, False), (0.5, False), (1.0, True)])
def test_fits_with_an_offset_agree_with_r_glmnet(tmp_path, l1_ratio, grouped):
    """glmnet's ``family = "multinomial"`` with an n × K ``offset`` minimises the same
    objective, λ = α: the same probabilities and objective value."""
    X, y, O, _ = _classes(7, n=100, p=6, spread=1.5)
    alpha = 0.03
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    np.savetxt(tmp_path / "y.csv", y, fmt="%d")
    np.savetxt(tmp_path / "O.csv", O, delimiter=",")
    script = R_MULTINOMIAL_OFFSET.format(
        X=tmp_path / "X.csv", y=tmp_path / "y.csv", O=tmp_path / "O.csv", rho=l1_ratio,
        lam=alpha, kind="grouped" if grouped else "ungrouped", out=tmp_path / "B.csv",
    )  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120)
    if run.returncode != 0 and "glmnet" in run.stderr:
        pytest.skip("R's glmnet package is not installed")
    assert run.returncode == 0, run.stderr
    B = np.loadtxt(tmp_path / "B.csv", delimiter=",")  # (1 + p) × K, intercepts first
    fit = solve_multinomial(X, y, alpha, Penalty(l1_ratio), grouped=grouped, tol=1e-12,
                            offset=O)  # fmt: skip
    theirs = _objective(X, y, B[1:], B[0], alpha, l1_ratio, grouped, offset=O)
    ours = _objective(X, y, fit.coef, fit.intercept, alpha, l1_ratio, grouped, offset=O)
    assert ours <= theirs + 1e-12 and ours == pytest.approx(theirs, abs=1e-9)
    assert fit.certificate.dual <= theirs + 1e-12
    np.testing.assert_allclose(softmax(X @ fit.coef + fit.intercept + O, axis=1),
                               softmax(X @ B[1:] + B[0] + O, axis=1), atol=2e-6)  # fmt: skip
    np.testing.assert_allclose(fit.coef, B[1:], atol=1e-5)  # the same representative


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    "loss, offset, message",
    [("multinomial", np.zeros(30), r"offset has shape \(30,\), expected \(30, 3\)"),
     ("multinomial", np.zeros((30, 4)), r"expected \(30, 3\): one value per sample and class"),
     ("multinomial", np.zeros((29, 3)), r"expected \(30, 3\)"),
     ("multinomial", np.full((30, 3), np.nan), "NaN or infinite"),
     ("multitask", np.zeros((30, 3)), r"expected \(30, 2\) or \(30,\)"),
     ("multitask", np.zeros(29), r"expected \(30, 2\) or \(30,\)"),
     ("multitask", np.r_[np.inf, np.zeros(29)], "1 NaN or infinite")],
)  # fmt: skip
def test_a_bad_offset_gets_a_clear_error(loss, offset, message):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((30, 3))
    y = np.arange(30) % 3 if loss == "multinomial" else rng.standard_normal((30, 2))
    with pytest.raises(ValueError, match=message):
        path(X, y, loss=loss, offset=offset, n_alphas=3)
    solver = solve_multinomial if loss == "multinomial" else solve_multitask
    with pytest.raises(ValueError, match=message):
        solver(X, y, 0.1, offset=offset)
    model = MultinomialLogisticRegression() if loss == "multinomial" else MultiTaskLasso()
    with pytest.raises(ValueError, match=message):
        model.fit(X, y, offset=offset)


def test_exposure_and_bad_prediction_offsets_are_refused():
    rng = np.random.default_rng(9)
    X, y = rng.standard_normal((30, 3)), np.arange(30) % 3
    for loss, target in (("multinomial", y), ("multitask", rng.standard_normal((30, 2)))):
        with pytest.raises(ValueError, match=f"exposure .* loss={loss!r} takes an offset"):
            path(X, target, loss=loss, exposure=np.ones(30))
    model = MultinomialLogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match=r"expected \(30, 3\)"):
        model.predict_proba(X, offset=np.zeros(30))
    with pytest.raises(ValueError, match=r"expected \(4, 3\)"):
        MultinomialLogisticRegressionCV(cv=2, n_alphas=3).fit(X[:4], y[:4],
                                                             offset=np.zeros((4, 2)))  # fmt: skip
    tasks = MultiTaskLasso(alpha=0.1).fit(X, rng.standard_normal((30, 2)))
    with pytest.raises(ValueError, match=r"expected \(30, 2\) or \(30,\)"):
        tasks.predict(X, offset=np.zeros((30, 3)))


def test_inputs_are_never_modified():
    X, y, O, _ = _classes(10)
    Xt, Yt, Ot, _ = _tasks(10)
    copies = [a.copy() for a in (X, y, O, Xt, Yt, Ot)]
    MultinomialLogisticRegressionCV(n_alphas=5, cv=2).fit(X, y, offset=O)
    MultinomialLogisticRegression().fit(X, y, offset=O).predict_proba(X, offset=O)
    path(X, y, loss="multinomial", offset=O, n_alphas=5, grouped=True)
    MultiTaskElasticNetCV(n_alphas=5, cv=2).fit(Xt, Yt, offset=Ot)
    MultiTaskLasso(alpha=0.1).fit(Xt, Yt, offset=Ot).predict(Xt, offset=Ot)
    path(Xt, Yt, loss="multitask", offset=Ot, n_alphas=5)
    for copy, original in zip(copies, (X, y, O, Xt, Yt, Ot), strict=True):
        np.testing.assert_array_equal(copy, original)
