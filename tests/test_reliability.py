"""Nothing silently wrong: extreme scales, honest certificates, convergence warnings and
parameter checks at every functional entry point."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold

import shrinkage
from shrinkage import AdaptiveLasso, ElasticNet, Lasso, LassoCV, RelaxedLasso, Ridge
from shrinkage._validation import check_matrix, check_varying_columns, tol_floor
from shrinkage.certificates import GAP_ROUNDING, certified, certify
from shrinkage.design import make_design
from shrinkage.magnitudes import Magnitudes
from shrinkage.penalties import L1, L2
from shrinkage.penalties import ElasticNetPenalty as EnetPenalty
from shrinkage.selection import stability_selection

X_DIABETES, Y_DIABETES = load_diabetes(return_X_y=True)


def _correlated(n=60, p=40, seed=0):
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal((n, 1))
    X = factor + 0.05 * rng.standard_normal((n, p))
    return X, X[:, 0] - X[:, 1] + 0.1 * rng.standard_normal(n)


# --- sparse input is canonicalised once, never in the caller's object ----------------------


def test_sparse_input_with_duplicates_becomes_a_canonical_copy():
    data = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    X = sp.csc_matrix((3, 2))
    X.data, X.indices, X.indptr = data, np.array([0, 0, 2, 2, 1]), np.array([0, 3, 5])
    X.has_sorted_indices = False  # entries (0, 0) twice, column 1 unsorted
    before = [a.copy() for a in (X.data, X.indices, X.indptr)]
    checked = check_matrix(X)
    assert checked is not X and checked.has_canonical_format
    assert [a.tolist() for a in (X.data, X.indices, X.indptr)] == [b.tolist() for b in before]
    assert not X.has_sorted_indices  # not even the flag was changed
    # column 0 holds (0, 1.0), (0, 2.0), (2, 3.0); column 1 holds (2, 4.0), (1, 5.0)
    np.testing.assert_array_equal(checked.toarray(), [[3.0, 0.0], [0.0, 5.0], [3.0, 4.0]])
    np.testing.assert_array_equal(checked.indices, [0, 2, 1, 2])
    canonical = sp.csc_matrix(np.array([[1.0, 0.0], [0.0, 3.0], [5.0, 4.0]]))
    assert check_matrix(canonical) is canonical  # nothing to do: no copy


def test_squared_path_on_duplicate_entries_equals_the_summed_matrix():
    rng = np.random.default_rng(1)
    n, p, nnz = 40, 8, 120
    rows, cols = rng.integers(0, n, nnz), rng.integers(0, p, nnz)
    X = sp.csc_matrix((rng.standard_normal(nnz), (rows, cols)), shape=(n, p))
    y = rng.standard_normal(n)
    # each column's entries stored twice, half the value each (indptr doubled)
    duplicated = sp.csc_matrix(
        (np.repeat(X.data, 2) * 0.5, np.repeat(X.indices, 2), X.indptr * 2), shape=(n, p)
    )
    assert not duplicated.has_canonical_format
    a = shrinkage.path(duplicated, y, n_alphas=8, tol=1e-10)
    b = shrinkage.path(X, y, n_alphas=8, tol=1e-10)
    np.testing.assert_allclose(a.coefs, b.coefs, atol=1e-9)
    assert np.all(a.converged)


# --- paths: a converged flag per point and one warning ---------------------------------------


def test_path_warns_once_naming_the_worst_point():
    X, y = _correlated()
    with pytest.warns(ConvergenceWarning, match=r"worst is alpha=.* relative duality gap") as rec:
        result = shrinkage.path(X, y, strategy="cd", max_iter=1, n_alphas=10, tol=1e-8)
    assert len([w for w in rec if w.category is ConvergenceWarning]) == 1
    assert result.converged.dtype == bool and not result.converged.all()
    worst = int(np.argmax(result.relative_gaps))
    assert f"{result.relative_gaps[worst]:.3g}" in str(rec[0].message)
    np.testing.assert_array_equal(result.converged, result.relative_gaps <= 1e-8)


def test_path_without_problems_is_silent_and_all_converged():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = shrinkage.path(X_DIABETES, Y_DIABETES, n_alphas=20)
    assert result.converged.all() and result.tol == 1e-4


def test_cross_validation_and_stability_selection_warn_once():
    X, y = _correlated()
    with pytest.warns(ConvergenceWarning) as rec:
        LassoCV(cv=3, max_iter=1, n_alphas=8, tol=1e-9).fit(X, y)
    fold_warnings = [w for w in rec if "fold paths" in str(w.message)]
    assert len(fold_warnings) == 1
    X, y = _correlated(n=60, p=300)
    with pytest.warns(ConvergenceWarning, match="subsample paths") as rec:
        stability_selection(sp.csc_matrix(X), y, n_subsamples=6, max_iter=1, tol=1e-12,
                            alpha_min_ratio=0.01, random_state=0)  # fmt: skip
    assert len([w for w in rec if "subsample paths" in str(w.message)]) == 1


def test_float32_tol_below_the_floor_is_raised_with_a_warning_and_certified_honestly():
    X32, y32 = X_DIABETES.astype(np.float32), Y_DIABETES.astype(np.float32)
    with pytest.warns(UserWarning, match="below what float32 data can certify"):
        result = shrinkage.solve(X32, y32, 0.01, tol=1e-8)
    assert result.tol == pytest.approx(tol_floor(np.float32))
    # the certificate is that of the returned float32 coefficients, recomputed in float64
    design = make_design(X32.astype(np.float64), y32.astype(np.float64), None, True)
    a, b = np.full(10, 0.01), np.zeros(10)
    honest = certify(design, result.coef.astype(np.float64), a, b)
    # the library centres in float32, the check in float64: the same gap up to that
    # rounding (1e-10 of P(0), far below the tol it certifies)
    assert result.relative_gap == pytest.approx(honest.relative_gap, abs=1e-9)
    assert result.converged == certified(honest.relative_gap, result.tol)


def test_float32_path_points_carry_the_gap_of_the_stored_coefficients():
    X32, y32 = X_DIABETES.astype(np.float32), Y_DIABETES.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = shrinkage.path(X32, y32, n_alphas=10, tol=1e-7)
    design = make_design(X32.astype(np.float64), y32.astype(np.float64), None, True)
    for k in (3, 9):
        a = np.full(10, result.alphas[k])
        honest = certify(design, result.coefs[k].astype(np.float64), a, np.zeros(10))
        assert result.relative_gaps[k] == pytest.approx(honest.relative_gap, abs=1e-9)


# --- extreme scales: rescaled exactly, never NaN, never a lying certificate ------------------


@pytest.mark.parametrize("scale", [1e154, 1e-80, 1e78])
def test_lasso_at_extreme_scales_equals_the_unit_scale_fit(scale):
    reference = Lasso(alpha=0.1, tol=1e-10).fit(X_DIABETES, Y_DIABETES)
    # X and y both scaled by s: the same w, with alpha scaled by s² (loss ∝ s², |w| fixed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = Lasso(alpha=0.1 * scale**2, tol=1e-10).fit(X_DIABETES * scale, Y_DIABETES * scale)
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-7, atol=1e-9)
    assert 0 <= model.certificate_.relative_gap <= 1e-10 + GAP_ROUNDING


@pytest.mark.parametrize("scale", [1e-80, 1e78])
@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_ridge_and_elastic_net_gaps_stay_meaningful_at_extreme_scales(scale, l1_ratio):
    reference = ElasticNet(alpha=0.1, l1_ratio=l1_ratio, tol=1e-10).fit(X_DIABETES, Y_DIABETES)
    # the L2 part scales with alpha·w², so with w fixed alpha scales by s² too
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no false ConvergenceWarning (the gap was inf)
        model = ElasticNet(alpha=0.1 * scale**2, l1_ratio=l1_ratio, tol=1e-10).fit(
            X_DIABETES * scale, Y_DIABETES * scale
        )
    np.testing.assert_allclose(model.coef_, reference.coef_, rtol=1e-6, atol=1e-8)
    gap = model.certificate_.relative_gap
    assert -GAP_ROUNDING <= gap <= 1e-10 + GAP_ROUNDING  # was −… (underflow) or inf


@pytest.mark.parametrize("estimator", [Lasso, RelaxedLasso, AdaptiveLasso])
def test_columns_whose_squares_overflow_give_finite_correct_fits(estimator):
    X = X_DIABETES.copy()
    X[:, 2] *= 1e160  # |x| ≈ 1e158: x² overflows float64
    # scale-equivariant fits (the lasso standardised; the adaptive lasso as it is, its
    # weights 1/|w_init| scale with the column): column 2's coefficient is divided by 1e160
    standardize = estimator is not AdaptiveLasso
    model = estimator(alpha=0.5, standardize=standardize, tol=1e-8).fit(X, Y_DIABETES)
    reference = estimator(alpha=0.5, standardize=standardize, tol=1e-8).fit(X_DIABETES, Y_DIABETES)
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    np.testing.assert_allclose(model.coef_[2] * 1e160, reference.coef_[2], rtol=1e-5)
    np.testing.assert_allclose(np.delete(model.coef_, 2), np.delete(reference.coef_, 2),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_float32_values_near_1e19_fit_without_overflow():
    X, y = (X_DIABETES * 1e20).astype(np.float32), (Y_DIABETES * 1e17).astype(np.float32)
    result = shrinkage.solve(X, y, 0.1 * 1e37, L1(), tol=1e-5)
    reference = shrinkage.solve(X_DIABETES, Y_DIABETES, 0.1, L1(), tol=1e-10)
    assert np.all(np.isfinite(result.coef))
    np.testing.assert_allclose(result.coef * 1e3, reference.coef, rtol=2e-3, atol=1e-2)
    assert result.converged


def test_paths_on_rescaled_data_report_the_callers_alphas_and_gaps():
    base = shrinkage.path(X_DIABETES, Y_DIABETES, n_alphas=10, tol=1e-8)
    big = shrinkage.path(X_DIABETES * 1e100, Y_DIABETES * 1e-100, n_alphas=10, tol=1e-8)
    # X by c and y by 1/c: w → w/c², the loss and α|w| by 1/c², α_max = |Xᵀy|/n fixed
    np.testing.assert_allclose(big.alphas, base.alphas, rtol=1e-12)
    np.testing.assert_allclose(big.coefs * 1e200, base.coefs, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(big.intercepts * 1e100, base.intercepts, rtol=1e-6)
    # gaps in the caller's units: P(0) scales by 1/c² like the loss
    primal_at_zero = float(np.var(Y_DIABETES) / 2)
    np.testing.assert_allclose(big.dual_gaps * 1e200 / primal_at_zero, big.relative_gaps,
                               rtol=1e-6, atol=1e-15)  # fmt: skip
    assert np.all(big.converged)


def test_gap_below_minus_the_rounding_bound_is_a_failure():
    assert certified(0.0, 1e-4) and certified(-0.5 * GAP_ROUNDING, 1e-4)
    assert not certified(-1e-6, 1e-4) and not certified(np.nan, 1e-4)


def test_magnitudes_are_powers_of_two_and_only_for_data_out_of_range():
    X = np.array([[1.0, 3e-200], [2.0, -1e-201]])
    m = Magnitudes.of(X, np.array([1.0, 2.0]))
    assert m.column.tolist()[0] == 0 and m.column[1] < -600 and m.target == 0
    Xs, _ = m.rescale(X, np.zeros(2))
    assert Xs[0, 0] == 1.0 and 0.5 <= np.max(np.abs(Xs[:, 1])) < 2
    assert Magnitudes.of(X_DIABETES, Y_DIABETES).is_identity


def test_solutions_that_overflow_are_an_error_not_nan():
    X = X_DIABETES * 1e-300
    with pytest.raises(ValueError, match="too large to represent"):
        shrinkage.solve(X, Y_DIABETES * 1e300, 1e-300, L2())


# --- one validation for every entry point -----------------------------------------------------


def _entry_points():
    X, y = X_DIABETES[:60, :4], Y_DIABETES[:60]
    return {
        "solve": lambda **kw: shrinkage.solve(X, y, 0.1, **kw),
        "path": lambda **kw: shrinkage.path(X, y, n_alphas=3, **kw),
        "stability_selection": lambda **kw: stability_selection(
            X, y, n_subsamples=2, random_state=0, **kw
        ),
    }


@pytest.mark.parametrize("entry", ["solve", "path", "stability_selection"])
@pytest.mark.parametrize(
    "options, error, message",
    [
        ({"tol": 0.0}, ValueError, "tol must be a number > 0"),
        ({"tol": -1e-4}, ValueError, "tol must be a number > 0"),
        ({"tol": float("nan")}, ValueError, "tol must be a number > 0"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 10.5}, TypeError, "max_iter must be an integer"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be True or False"),
        ({"standardize": 1}, TypeError, "standardize must be True or False"),
    ],
)
def test_functional_api_rejects_bad_parameters_like_the_estimators(entry, options, error,
                                                                   message):  # fmt: skip
    with pytest.raises(error, match=message):
        _entry_points()[entry](**options)
    model = Lasso(**{k: v for k, v in options.items() if k != "standardize"})
    if "standardize" in options:
        model.set_params(standardize=options["standardize"])
    with pytest.raises(error, match=message):
        model.fit(X_DIABETES[:60, :4], Y_DIABETES[:60])


def test_an_alpha_grid_containing_zero_says_so():
    for call in (
        lambda: shrinkage.path(X_DIABETES, Y_DIABETES, alphas=[1.0, 0.1, 0.0]),
        lambda: LassoCV(alphas=[1.0, 0.0]).fit(X_DIABETES, Y_DIABETES),
    ):
        with pytest.raises(ValueError, match="alphas must be > 0 on a path"):
            call()


def test_an_overflowing_column_is_not_called_constant():
    std = np.array([1.0, np.inf, 0.0])
    with pytest.raises(ValueError, match=r"squares overflow: b\b"):
        check_varying_columns(std, ["a", "b", "c"])
    with pytest.raises(ValueError, match="zero variance: c"):
        check_varying_columns(std[[0, 2]], ["a", "c"])


def test_a_cross_validation_fold_of_zero_weights_is_named():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 5))
    y = X[:, 0] + rng.standard_normal(30)
    weight = np.ones(30)
    weight[:10] = 0.0  # unshuffled 3-fold CV: fold 0 holds out exactly these rows
    with pytest.raises(ValueError, match="fold 0: every held-out row has sample_weight 0"):
        LassoCV(cv=KFold(3)).fit(X, y, sample_weight=weight)


@pytest.mark.parametrize("strategy", ["gram", "working_set", "cd"])
@pytest.mark.parametrize("scale", [1e10, 1e30, 1e100])
def test_nearly_lasso_elastic_net_is_certified_on_badly_scaled_columns(strategy, scale):
    """X scaled by c with y as it is: the L2 weight is c times smaller than the L1 one
    on the solution's scale. Shrinking θ into every L1 constraint keeps the certificate
    tight; θ shrunk for the pure-L1 features only gave gaps of 1e24 and false warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = shrinkage.path(
            X_DIABETES * scale, Y_DIABETES, EnetPenalty(0.5), n_alphas=10, tol=1e-8,
            strategy=strategy,
        )  # fmt: skip
    assert np.all(result.converged) and np.all(result.relative_gaps >= -GAP_ROUNDING)
    design = make_design(X_DIABETES * scale, Y_DIABETES, None, True)
    k = 6
    a, b = np.full(10, 0.5 * result.alphas[k]), np.full(10, 0.5 * result.alphas[k])
    assert certify(design, result.coefs[k], a, b).relative_gap <= 1e-8


# --- found by the fuzz suite ------------------------------------------------------------------


def test_sparse_float32_least_squares_on_badly_scaled_columns_is_solved_or_warned():
    rng = np.random.default_rng(5)
    U = rng.standard_normal((28, 3))
    y = U @ [1.0, 0.5, -0.5] + 4 + 0.5 * rng.standard_normal(28)
    X = (U * [1.0, 1e-3, 1e6]).astype(np.float32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = Ridge(alpha=0.0, fit_intercept=False).fit(sp.csc_matrix(X), y)
    best = np.linalg.lstsq(X.astype(np.float64), y, rcond=None)[0]
    excess = np.sum((y - X @ model.coef_) ** 2) / np.sum((y - X @ best) ** 2) - 1
    warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    assert excess < 1e-6 or warned  # was 6.8 % above the optimum with a 1e-8 certificate


def test_float32_weighted_fits_are_certified_for_the_problem_asked():
    rng = np.random.default_rng(6)
    X = (rng.standard_normal((6, 3)) * [1e-3, 1.0, 1e3]).astype(np.float32)
    y = (rng.standard_normal(6) * 1e-8).astype(np.float32)
    weight = rng.uniform(0.2, 3.0, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Ridge(alpha=1e-5, fit_intercept=False).fit(X, y, sample_weight=weight)
    design = make_design(X.astype(np.float64), y.astype(np.float64), weight, False)
    a, b = L2().weights(1e-5, 3)
    honest = certify(design, model.coef_.astype(np.float64), a, b).relative_gap
    # the float32 design rounds √s·X: its own gap was 7.4e-5 where this one is 1.2e-4
    assert model.certificate_.relative_gap == pytest.approx(honest, rel=1e-6)


def test_standardize_does_not_call_a_small_varying_column_constant():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 2)) * [1e-7, 1e6]
    y = X[:, 0] * 1e7 + rng.standard_normal(20)
    model = Lasso(alpha=0.1, standardize=True).fit(X, y)  # was "zero variance: X[:, 0]"
    assert model.coef_[0] != 0
    reference = Lasso(alpha=0.1, standardize=True).fit(X * [1e7, 1e-6], y)
    np.testing.assert_allclose(model.coef_ * [1e-7, 1e6], reference.coef_, rtol=1e-6)
    with pytest.raises(ValueError, match="zero variance: X\\[:, 1\\]"):
        Lasso(standardize=True).fit(np.c_[X[:, 0], np.full(20, 1e5)], y)


def test_every_penalty_factor_zero_says_so():
    X = np.random.default_rng(0).standard_normal((20, 2))
    with pytest.raises(ValueError, match="every penalty factor is 0"):
        shrinkage.path(X, X[:, 0] + 1.0, L1(penalty_factor=[0.0, 0.0]))
    with pytest.raises(ValueError, match="every penalty factor is 0"):
        LassoCV(penalty_factor=[0, 0]).fit(X, X[:, 0])


def test_a_negative_gap_is_reported_as_a_failed_certificate():
    from shrinkage.certificates import describe_gap

    assert "certificate failed" in describe_gap(-3.6e-8, 1e-4)
    assert describe_gap(2e-3, 1e-4) == "relative duality gap 0.002 > tol=0.0001"
