"""The multi-task elastic net (``loss="multitask"``, ``MultiTaskLasso`` and friends):
against scikit-learn, cvxpy and R's glmnet ``mgaussian``, its certificate against the
true suboptimality, its screening, path, CV and errors."""

import shutil
import subprocess
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import MultiTaskElasticNet as SkMultiTaskElasticNet
from sklearn.linear_model import MultiTaskLasso as SkMultiTaskLasso

import shrinkage
from shrinkage import (
    MultiTaskElasticNet,
    MultiTaskElasticNetCV,
    MultiTaskLasso,
    MultiTaskLassoCV,
)
from shrinkage.penalties import L1, ElasticNetPenalty, Penalty
from shrinkage.solvers.multitask import prepare_multitask, solve_multitask


def _problem(seed=0, n=60, p=12, n_tasks=3, k=3, rho=0.5, noise=0.5):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, p))
    X = np.empty((n, p))
    X[:, 0] = Z[:, 0]
    for j in range(1, p):  # correlated columns
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho**2) * Z[:, j]
    X *= rng.uniform(0.5, 3.0, p)
    W = np.zeros((p, n_tasks))
    W[rng.choice(p, k, replace=False)] = rng.standard_normal((k, n_tasks)) * 2
    Y = X @ W + noise * rng.standard_normal((n, n_tasks)) + rng.standard_normal(n_tasks)
    return X, Y


def _objective(X, Y, W, b, alpha, l1_ratio=1.0, s=None, factors=None, scale=None):
    """The objective from its definition, in NumPy."""
    n, p = X.shape
    s = np.ones(n) if s is None else s * n / s.sum()
    f = np.ones(p) if factors is None else factors
    sigma = np.ones(p) if scale is None else scale
    R = Y - X @ W - b
    rows = np.linalg.norm(W, axis=1)
    penalty = np.sum(f * sigma * (l1_ratio * rows + 0.5 * (1 - l1_ratio) * sigma * rows**2))
    return float(s @ np.sum(R * R, axis=1)) / (2 * n) + alpha * penalty


@pytest.mark.parametrize("l1_ratio", [1.0, 0.6])
def test_fits_agree_with_scikit_learn(l1_ratio):
    X, Y = _problem(1)
    alpha = 0.3
    ours = MultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-12, max_iter=100_000)
    ours.fit(X, Y)
    reference = SkMultiTaskElasticNet(alpha=alpha, l1_ratio=l1_ratio, tol=1e-14,
                                      max_iter=1_000_000).fit(X, Y)  # fmt: skip
    assert ours.certificate_.relative_gap <= 1e-12
    # both at the optimum to within our gap (a flat valley: 1e-12 in objective is about
    # 1e-6 in coefficients here)
    args = (alpha, l1_ratio)
    mine = _objective(X, Y, ours.coef_.T, ours.intercept_, *args)
    theirs = _objective(X, Y, reference.coef_.T, reference.intercept_, *args)
    assert mine - theirs <= ours.dual_gap_ + 1e-13
    np.testing.assert_allclose(ours.coef_, reference.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, atol=1e-5)
    lasso = MultiTaskLasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, Y)
    sk_lasso = SkMultiTaskLasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X, Y)
    np.testing.assert_allclose(lasso.coef_, sk_lasso.coef_, atol=1e-5)
    assert np.array_equal(lasso.coef_ == 0, sk_lasso.coef_ == 0)  # the same zero rows


def test_weighted_standardized_factors_agree_with_cvxpy():
    cp = pytest.importorskip("cvxpy")
    X, Y = _problem(2, n=40, p=6, n_tasks=2)
    rng = np.random.default_rng(2)
    s = rng.uniform(0.2, 3.0, 40)
    factors = rng.uniform(0.5, 2.0, 6)
    alpha, l1_ratio = 0.2, 0.7
    fit = solve_multitask(X, Y, alpha, Penalty(l1_ratio, factors), sample_weight=s,
                          standardize=True, tol=1e-13, max_iter=200_000)  # fmt: skip
    scale = prepare_multitask(X, Y, s, standardize=True).scale
    W, b = cp.Variable((6, 2)), cp.Variable(2)
    weights = s * 40 / s.sum()
    R = Y - X @ W - np.ones((40, 1)) @ cp.reshape(b, (1, 2), order="C")
    rows = cp.norm(W, 2, axis=1)
    ridge = 0.5 * (1 - l1_ratio) * cp.square(rows)
    objective = (cp.sum(cp.multiply(weights[:, None], cp.square(R))) / 80
                 + alpha * cp.sum(cp.multiply(factors * scale, l1_ratio * rows))
                 + alpha * cp.sum(cp.multiply(factors * scale**2, ridge)))  # fmt: skip
    cp.Problem(cp.Minimize(objective)).solve(solver=cp.CLARABEL, tol_gap_abs=1e-10,
                                             tol_gap_rel=1e-10, tol_feas=1e-10)  # fmt: skip
    ours = _objective(X, Y, fit.coef, fit.intercept, alpha, l1_ratio, s, factors, scale)
    theirs = _objective(X, Y, W.value, b.value, alpha, l1_ratio, s, factors, scale)
    assert ours <= theirs + 1e-9
    np.testing.assert_allclose(fit.coef, W.value, atol=2e-5)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000), fraction=st.floats(0.02, 1.1),
    l1_ratio=st.sampled_from([1.0, 0.5, 0.1]), weighted=st.booleans(),
    standardize=st.booleans(), fit_intercept=st.booleans(),
)  # fmt: skip
def test_the_certificate_bounds_the_true_suboptimality(seed, fraction, l1_ratio, weighted,
                                                        standardize, fit_intercept):  # fmt: skip
    X, Y = _problem(seed, n=30, p=10, n_tasks=3)
    rng = np.random.default_rng(seed)
    s = rng.uniform(0.1, 3.0, 30) if weighted else None
    data = prepare_multitask(X, Y, s, fit_intercept, standardize)
    alpha_max = np.max(np.linalg.norm(data.X.T @ data.Y, axis=1)
                       / (data.scale if standardize else 1.0)) / 30 / l1_ratio  # fmt: skip
    alpha = fraction * alpha_max
    penalty = ElasticNetPenalty(l1_ratio)
    options = dict(sample_weight=s, standardize=standardize, fit_intercept=fit_intercept)
    loose = solve_multitask(X, Y, alpha, penalty, tol=1e-3, max_iter=3, **options)
    best = solve_multitask(X, Y, alpha, penalty, tol=1e-14, max_iter=100_000, **options)
    args = (alpha, l1_ratio, s, None, data.scale)
    suboptimality = (_objective(X, Y, loose.coef, loose.intercept, *args)
                     - _objective(X, Y, best.coef, best.intercept, *args))  # fmt: skip
    assert suboptimality <= loose.dual_gap + 1e-12
    assert loose.certificate.primal == pytest.approx(
        _objective(X, Y, loose.coef, loose.intercept, *args), rel=1e-10, abs=1e-13
    )
    assert best.relative_gap <= 1e-14 or best.dual_gap <= 1e-13


def test_screened_rows_are_zero_at_the_optimum():
    X, Y = _problem(3, n=100, p=40, n_tasks=4, k=4)
    alpha = 0.2
    exact = solve_multitask(X, Y, alpha, tol=1e-14, max_iter=100_000)
    zero_rows = np.sum(~np.any(exact.coef != 0, axis=1))
    assert 0 < exact.n_screened <= zero_rows
    loose = solve_multitask(X, Y, alpha, tol=1e-3)
    assert loose.n_screened <= zero_rows


def test_integer_weights_equal_repeated_rows():
    X, Y = _problem(4, n=20, p=5, n_tasks=2)
    counts = np.arange(20) % 3 + 1
    weighted = solve_multitask(X, Y, 0.1, sample_weight=counts, tol=1e-13, max_iter=100_000)
    repeated = solve_multitask(np.repeat(X, counts, axis=0), np.repeat(Y, counts, axis=0), 0.1,
                               tol=1e-13, max_iter=100_000)  # fmt: skip
    np.testing.assert_allclose(weighted.coef, repeated.coef, atol=1e-9)
    np.testing.assert_allclose(weighted.intercept, repeated.intercept, atol=1e-9)


def test_path_points_equal_single_fits_and_start_empty():
    X, Y = _problem(5, n=80, p=15, n_tasks=3)
    result = shrinkage.path(X, Y, ElasticNetPenalty(0.8), loss="multitask", n_alphas=15,
                            tol=1e-13)  # fmt: skip
    assert result.coefs.shape == (15, 15, 3) and result.intercepts.shape == (15, 3)
    assert result.n_active[0] == 0 and result.n_active[1] > 0
    assert np.all(result.relative_gaps <= 1e-13) and result.loss == "multitask"
    for k in (3, 9, 14):
        single = solve_multitask(X, Y, result.alphas[k], ElasticNetPenalty(0.8), tol=1e-13,
                                 max_iter=100_000)  # fmt: skip
        np.testing.assert_allclose(result.coefs[k], single.coef, atol=1e-5)
        np.testing.assert_allclose(result.intercepts[k], single.intercept, atol=1e-5)
    entry = result.entry_alpha
    for j in np.flatnonzero(entry):  # a row is zero above its entry α, non-zero at it
        k = int(np.flatnonzero(result.alphas == entry[j])[0])
        assert np.any(result.coefs[k, j] != 0) and not np.any(result.coefs[:k, j] != 0)
    cold = shrinkage.path(X, Y, loss="multitask", alphas=result.alphas, warm_start=False,
                          tol=1e-13)  # fmt: skip
    warm = shrinkage.path(X, Y, loss="multitask", alphas=result.alphas, tol=1e-13)
    np.testing.assert_allclose(cold.coefs, warm.coefs, atol=1e-5)
    assert warm.n_iter.sum() < cold.n_iter.sum()


def test_path_predicts_interpolates_tabulates_refits_and_plots(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    X, Y = _problem(6, n=50, p=8, n_tasks=2)
    result = shrinkage.path(X, Y, loss="multitask", n_alphas=10, tol=1e-10,
                            feature_names=[f"f{j}" for j in range(8)])  # fmt: skip
    every = result.predict(X)
    assert every.shape == (50, 10, 2)
    np.testing.assert_allclose(every[:, 4], X @ result.coefs[4] + result.intercepts[4])
    halfway = (result.alphas[4] + result.alphas[5]) / 2
    np.testing.assert_allclose(result.coef_at(halfway),
                               (result.coefs[4] + result.coefs[5]) / 2)  # fmt: skip
    expected = X @ result.coef_at(halfway) + result.intercept_at(halfway)
    np.testing.assert_allclose(result.predict(X, halfway), expected)
    frame = result.to_frame()
    assert frame.shape == (20, 9) and list(frame.columns[:2]) == ["intercept", "f0"]
    refit = result.refit_at(halfway, X, Y)
    assert refit.converged and refit.coef.shape == (8, 2)
    ax = result.plot()
    assert len(ax.get_lines()) >= int(result.n_active[-1])


def test_cross_validation_picks_the_one_standard_error_alpha():
    X, Y = _problem(7, n=90, p=10, n_tasks=3, noise=1.0)
    model = MultiTaskLassoCV(n_alphas=25, cv=5).fit(X, Y)
    mean, se = model.cv_mean_, model.cv_std_error_
    best = int(np.argmin(mean))
    assert model.alpha_min_ == model.alphas_[best]
    within = np.flatnonzero(mean <= mean[best] + se[best])
    assert model.alpha_1se_ == model.alphas_[within[0]] and model.alpha_ == model.alpha_1se_
    assert model.mse_path_.shape == (25, 5)
    refit = MultiTaskLasso(alpha=model.alpha_, tol=model.tol).fit(X, Y)
    np.testing.assert_allclose(model.coef_, refit.coef_, atol=1e-6)
    minimum = MultiTaskLassoCV(n_alphas=25, cv=5, selection="min").fit(X, Y)
    assert minimum.alpha_ == model.alpha_min_
    enet = MultiTaskElasticNetCV(l1_ratio=[0.3, 1.0], n_alphas=15, cv=4).fit(X, Y)
    assert enet.cv_mean_.shape == (2, 15) and enet.l1_ratio_ in (0.3, 1.0)


def test_held_out_errors_are_the_mean_squared_error_over_tasks():
    from sklearn.model_selection import KFold

    X, Y = _problem(8, n=60, p=6, n_tasks=2)
    folds = KFold(3, shuffle=True, random_state=0)
    model = MultiTaskLassoCV(n_alphas=8, cv=folds, tol=1e-10).fit(X, Y)
    for f, (train, test) in enumerate(folds.split(X)):
        fold = shrinkage.path(X[train], Y[train], loss="multitask", alphas=model.alphas_,
                              tol=1e-10)  # fmt: skip
        for k in (0, 4, 7):
            residual = Y[test] - X[test] @ fold.coefs[k] - fold.intercepts[k]
            assert model.mse_path_[k, f] == pytest.approx(np.mean(residual**2), rel=1e-6)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda X, Y: MultiTaskLasso().fit(X, Y[:, 0]), "Y must be 2-D"),
        (lambda X, Y: MultiTaskLasso().fit(sp.csr_matrix(X), Y), "[Ss]parse"),
        (lambda X, Y: shrinkage.path(sp.csr_matrix(X), Y, loss="multitask"), "dense X"),
        (lambda X, Y: solve_multitask(X, Y, 0.1, L1(positive=True)), "positivity"),
        (lambda X, Y: solve_multitask(X, Y, 0.1, L1([0.0, *[1.0] * 4])), "every feature"),
        (lambda X, Y: solve_multitask(X, Y[:5], 0.1), "samples"),
        (lambda X, Y: solve_multitask(X, np.where(Y > 1, np.nan, Y), 0.1), "NaN"),
        (lambda X, Y: solve_multitask(X, Y, 0.1, coef_init=np.zeros(5)), "coef_init"),
        (lambda X, Y: MultiTaskLasso(alpha=-1.0).fit(X, Y), "alpha"),
        (lambda X, Y: solve_multitask(X, Y, 0.0), "alpha > 0"),
        (lambda X, Y: shrinkage.path(X, Y, loss="multitask", coef_format="sparse"), "dense"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_error(call, message):
    X, Y = _problem(9, n=20, p=5, n_tasks=2)
    with pytest.raises((ValueError, TypeError), match=message):
        call(X, Y)


def test_inputs_are_not_modified():
    X, Y = _problem(10, n=30, p=6, n_tasks=2)
    s = np.linspace(0.5, 2.0, 30)
    copies = X.copy(), Y.copy(), s.copy()
    MultiTaskElasticNet(alpha=0.1, standardize=True).fit(X, Y, sample_weight=s)
    shrinkage.path(X, Y, loss="multitask", n_alphas=5, sample_weight=s)
    for before, after in zip(copies, (X, Y, s), strict=True):
        np.testing.assert_array_equal(before, after)


def test_an_exhausted_budget_warns_with_the_gap():
    X, Y = _problem(11, n=60, p=20, n_tasks=3, rho=0.95)
    with pytest.warns(Warning, match="relative duality gap"):
        MultiTaskLasso(alpha=0.001, tol=1e-14, max_iter=2).fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MultiTaskLasso(alpha=0.1).fit(X, Y)


R_MGAUSSIAN = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("{X}", header = FALSE)); Y <- as.matrix(read.csv("{Y}", header = FALSE))
fit <- glmnet(X, Y, family = "mgaussian", alpha = {rho}, lambda = {lam}, standardize = FALSE,
              thresh = 1e-14, maxit = 1e7)
B <- do.call(cbind, lapply(coef(fit), as.numeric))
write.table(B, "{out}", sep = ",", row.names = FALSE, col.names = FALSE)
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_fits_agree_with_r_glmnet_mgaussian(tmp_path, l1_ratio):
    X, Y = _problem(12, n=50, p=7, n_tasks=3)
    alpha = 0.15
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    np.savetxt(tmp_path / "Y.csv", Y, delimiter=",")
    script = R_MGAUSSIAN.format(X=tmp_path / "X.csv", Y=tmp_path / "Y.csv", rho=l1_ratio,
                                lam=alpha, out=tmp_path / "B.csv")  # fmt: skip
    run = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=120)
    if run.returncode != 0 and "glmnet" in run.stderr:
        pytest.skip("R's glmnet package is not installed")
    assert run.returncode == 0, run.stderr
    B = np.loadtxt(tmp_path / "B.csv", delimiter=",")  # (1 + p) × T: intercepts first
    fit = solve_multitask(X, Y, alpha, ElasticNetPenalty(l1_ratio), tol=1e-13,
                          max_iter=100_000)  # fmt: skip
    np.testing.assert_allclose(fit.coef, B[1:], atol=1e-5)
    np.testing.assert_allclose(fit.intercept, B[0], atol=1e-5)
