"""Fuzzing: random, badly scaled, weighted, sparse and duplicated problems.

Every public fit must end one of two ways: a clear exception (ValueError or TypeError
with a message, raised by the package's or scikit-learn's own checks), or finite
coefficients whose duality gap, recomputed here without the package's certificates
(``tests/_independent_gap.py``), is within the tolerance asked for, unless the package
said otherwise with a ConvergenceWarning naming the gap. No call may change its inputs.

The number of examples per test comes from ``SHRINKAGE_FUZZ_EXAMPLES`` (25 by default;
nightly runs use more). The outcomes are tallied (hypothesis ``event``, and a summary
printed at the end of the module, visible with ``-s``).
"""

from __future__ import annotations

import collections
import dataclasses
import os
import traceback
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

import shrinkage
from _independent_gap import column_scales, dense, logistic_gap, squared_gap
from shrinkage.penalties import Penalty
from test_inputs_unchanged import fingerprint, messy_sparse

EXAMPLES = int(os.environ.get("SHRINKAGE_FUZZ_EXAMPLES", "25"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Rounding allowance on the relative gap, beyond the tolerance the fit was asked for.
# float64: the gap is recomputed in float64, where P and D agree to ~1e-15 · P(0).
# float32: the answer is float32 (each coefficient rounded, relative error 6e-8) and was
# computed in float32 arithmetic; evaluated in float64, the rounding of p ≤ 12
# coefficients moves P and the dual point by a few units of 6e-8 · P(0) each, so
# 64 · eps32 ≈ 7.6e-6 · P(0) is allowed. A tol that float32 cannot reach at all is for
# the package to raise to its floor or to warn about, not for this allowance to absorb.
SLACK = {np.dtype(np.float64): 1e-10, np.dtype(np.float32): 64 * float(np.finfo(np.float32).eps)}

TALLY: collections.Counter = collections.Counter()
ERRORS: collections.Counter = collections.Counter()


# -- problems ------------------------------------------------------------------------------


@st.composite
def problems(draw, loss="squared"):
    """A random problem: data, target, weights, penalty and options, as a dict."""
    n = draw(st.integers(5, 40))
    p = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    layout = draw(st.sampled_from(["dense", "dense", "csc", "csr", "csc_dup", "csr_dup"]))
    dtype = np.dtype(draw(st.sampled_from([np.float64, np.float32])))
    density = 1.0 if layout == "dense" else draw(st.sampled_from([1.0, 0.5, 0.2]))
    unit = rng.standard_normal((n, p)) * (rng.uniform(size=(n, p)) < density)
    column_exponent = np.zeros(p)
    if draw(st.booleans()):
        column_exponent = rng.choice([-6, -3, 0, 3, 6], p)
    D = unit * 10.0**column_exponent
    signal = unit[:, : min(p, 3)] @ rng.standard_normal(min(p, 3))
    if loss == "squared":
        y_exponent = draw(st.sampled_from([0, 0, -8, -4, 4, 8]))
        y = (signal + 0.5 * rng.standard_normal(n) + rng.normal(0, 2)) * 10.0**y_exponent
    else:
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-2 * signal))).astype(np.float64)
        y[:2] = [0.0, 1.0]  # both classes (a zero weight may still remove one)
    D = D.astype(dtype)
    if layout == "dense":
        X = D if draw(st.booleans()) else np.asfortranarray(D)
    elif layout.endswith("_dup"):
        X = messy_sparse(D, layout[:3], rng, split=0.5, cancel=0.3)
    else:
        X = sp.csc_matrix(D) if layout == "csc" else sp.csr_matrix(D)
    sample_weight = None
    if draw(st.booleans()):
        sample_weight = rng.uniform(0.1, 3.0, n)
        sample_weight[rng.permutation(n)[: draw(st.integers(0, n // 3))]] = 0.0
    penalty_factor = None
    if draw(st.booleans()):
        penalty_factor = rng.choice([0.0, 0.5, 1.0, 2.0], p)
    return dict(
        X=X, y=y, sample_weight=sample_weight, penalty_factor=penalty_factor,
        positive=draw(st.booleans()), l1_ratio=draw(st.sampled_from([0.0, 0.5, 1.0])),
        fit_intercept=draw(st.booleans()), standardize=draw(st.booleans()),
        alpha_fraction=draw(st.sampled_from([2.0, 1.0, 0.3, 0.1, 0.01, 1e-3, 0.0])),
        tol=draw(st.sampled_from([1e-4, 1e-4, 1e-6, 1e-8])),
        layout=layout, column_exponents=column_exponent,
    )  # fmt: skip


def reference_alpha(case, loss):
    """``fraction`` × the lasso α_max of the problem, computed here: the largest
    ``|x_jᵀ s (y − ȳ)| / (n f_j σ_j)`` (a scale for α, not a claim about the package)."""
    X = dense(case["X"])
    n, p = X.shape
    s = np.ones(n) if case["sample_weight"] is None else case["sample_weight"]
    s = s * (n / s.sum()) if s.sum() > 0 else s
    y = np.asarray(case["y"], dtype=np.float64)
    centre = float(s @ y) / n if case["fit_intercept"] else (0.5 if loss == "logistic" else 0)
    correlation = np.abs(X.T @ (s * (y - centre))) / n
    f = np.ones(p) if case["penalty_factor"] is None else case["penalty_factor"]
    sigma = column_scales(X, s, case["fit_intercept"]) if case["standardize"] else np.ones(p)
    weight = f * sigma
    usable = weight > 0
    if not np.any(usable):
        return case["alpha_fraction"]
    return case["alpha_fraction"] * float(np.max(correlation[usable] / weight[usable]))


def _penalty(case):
    return Penalty(case["l1_ratio"], case["penalty_factor"], case["positive"])


# -- checks --------------------------------------------------------------------------------


def _is_clear_error(exc) -> bool:
    """A ValueError / TypeError with a message, raised by a deliberate check of the
    package or of scikit-learn (not by NumPy, SciPy or numba deep inside a solver)."""
    if not isinstance(exc, ValueError | TypeError) or isinstance(exc, np.linalg.LinAlgError):
        return False
    if not str(exc).strip() or "numba" in type(exc).__module__:
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    origin = frames[-1].filename.replace("\\", "/") if frames else ""
    return "/shrinkage/" in origin or "/sklearn/" in origin


def _gap_warnings(caught):
    return [
        str(w.message) for w in caught
        if issubclass(w.category, ConvergenceWarning) and "gap" in str(w.message).lower()
    ]  # fmt: skip


def record(name, outcome):
    """Count an outcome (printed at the end of the module) and tell hypothesis."""
    TALLY[name, outcome] += 1
    if outcome != "tried" and currently_in_test_context():
        event(outcome)


def _describe(case):
    """One line for the failure message; under hypothesis, the data too (a sparse
    matrix's repr does not show its entries)."""
    X = case["X"]
    if currently_in_test_context():
        arrays = {"X": X.toarray() if sp.issparse(X) else X}
        if sp.issparse(X):
            arrays.update(data=X.data, indices=X.indices, indptr=X.indptr)
        for key, values in arrays.items():
            note(f"{key} = np.array({np.asarray(values).tolist()!r})")
    kind = f"{case['layout']} {X.dtype} {X.shape[0]}x{X.shape[1]}"
    keys = ("l1_ratio", "positive", "fit_intercept", "standardize", "alpha_fraction", "tol")
    flags = ", ".join(f"{k}={case[k]}" for k in keys)
    return f"{kind}; {flags}"


def _assert_unchanged(name, case, inputs, before, when=""):
    changed = [k for k, v in inputs.items() if fingerprint(v) != before[k]]
    if changed:
        record(name, "FAILED input changed")
        raise AssertionError(f"{name} changed {changed} in place{when} ({_describe(case)})")


def run_checked(name, case, call):
    """Run ``call()``; check the error is clear, or that the inputs are unchanged and the
    answer finite. Returns ``(result, gap warnings)``, result None after an error."""
    inputs = {k: case[k] for k in ("X", "y", "sample_weight", "penalty_factor")}
    before = {k: fingerprint(v) for k, v in inputs.items()}
    record(name, "tried")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except Exception as exc:  # classified below
            _assert_unchanged(name, case, inputs, before, " before failing")
            if not _is_clear_error(exc):
                record(name, f"FAILED unclear {type(exc).__name__}")
                raise AssertionError(
                    f"{name}: unclear {type(exc).__name__}: {exc} ({_describe(case)})"
                ) from exc
            record(name, "clear error")
            ERRORS[f"{type(exc).__name__}: {str(exc)[:70]}"] += 1
            return None, []
    _assert_unchanged(name, case, inputs, before)
    return result, _gap_warnings(caught)


def assert_finite(name, case, *arrays):
    for values in arrays:
        values = values.toarray() if sp.issparse(values) else np.asarray(values, dtype=float)
        assert np.all(np.isfinite(values)), f"{name}: NaN or inf in the answer ({_describe(case)})"


def gap_of(case, loss, coef, intercept, alpha, l1_ratio=None):
    """The independent gap. Float32 X makes the problem a float32 one: y is rounded to
    float32 too, as scikit-learn's estimators do (``y`` takes X's dtype); the caller's
    float64 y can differ from it by 6e-8 relative, which at a small ridge α moves a
    residual-based gap by far more than the answer's distance to the optimum."""
    function = squared_gap if loss == "squared" else logistic_gap
    y = np.asarray(case["y"]).astype(case["X"].dtype).astype(np.float64)
    return function(
        case["X"], y, coef, intercept, alpha,
        case["l1_ratio"] if l1_ratio is None else l1_ratio,
        penalty_factor=case["penalty_factor"], positive=case["positive"],
        fit_intercept=case["fit_intercept"], sample_weight=case["sample_weight"],
        standardize=case["standardize"],
    )  # fmt: skip


def check_certificate_sign(name, case, certificate, gap, excused=False):
    """A duality gap is ``P(w) − D(θ)`` for a feasible θ, so it is never negative beyond
    rounding: a negative one that the package does not flag (``excused``: it warned, or
    reported no convergence) passes an infeasible dual point off as a proof. Rounding of
    P − D (two sums of about P(0)) is ~1e-14 · P(0) here; only what exceeds 1e-9 · P(0)
    (or the float32 allowance) is flagged."""
    slack = max(SLACK[np.dtype(case["X"].dtype)], 1e-9) * gap.primal_at_zero
    if excused or certificate.dual_gap >= -slack:
        return
    record(name, "FAILED negative certificate")
    raise AssertionError(
        f"{name}: the package's certificate has dual gap {certificate.dual_gap:.3g} < 0 "
        f"(primal {certificate.primal:.6g}, dual {certificate.dual:.6g}; independent "
        f"relative gap {gap.relative:.3g}) ({_describe(case)})"
    )


@dataclasses.dataclass
class _PathPoint:
    """The part of a certificate a path keeps for each point."""

    dual_gap: float
    primal: float = np.nan
    dual: float = np.nan


def check_gaps(name, case, gaps, tol, warned, flagged=None):
    """Every gap within ``tol`` (plus rounding), except where the package warned; when it
    flags each point's convergence, only the points it flagged are excused."""
    slack = SLACK[np.dtype(case["X"].dtype)]
    bad = [
        (k, g.relative) for k, g in enumerate(gaps)
        if not g.gap <= (tol + slack) * g.primal_at_zero
    ]  # fmt: skip
    if not bad:
        record(name, "certified")
        return
    excused = bool(warned)
    if excused and flagged is not None:
        excused = all(not flagged[k] for k, _ in bad)
    if excused:
        record(name, "warned (gap above tol)")
        return
    record(name, "FAILED gap")
    worst = max(bad, key=lambda item: item[1])
    raise AssertionError(
        f"{name}: relative gap {worst[1]:.3g} > tol {tol:g} (+{slack:.1g}) at point "
        f"{worst[0]} of {len(gaps)} without a ConvergenceWarning ({_describe(case)})"
    )


# -- one checked fit per public entry point ------------------------------------------------

REGRESSORS = {
    "Lasso": lambda case, alpha: shrinkage.Lasso(alpha),
    "ElasticNet": lambda case, alpha: shrinkage.ElasticNet(alpha, l1_ratio=case["l1_ratio"]),
    "Ridge": lambda case, alpha: shrinkage.Ridge(alpha),
}
FIXED_L1_RATIO = {"Lasso": 1.0, "Ridge": 0.0}


def check_fitted(name, case, loss, model):
    """Fit ``model`` on the case; a clear error, or a finite answer whose independent gap
    is within tol unless the package warned (at the α and ρ the model used)."""
    fitted, warned = run_checked(
        name, case, lambda: model.fit(case["X"], case["y"], sample_weight=case["sample_weight"])
    )
    if fitted is None:
        return
    coef, intercept = np.ravel(fitted.coef_), np.ravel(fitted.intercept_)[0]
    assert_finite(name, case, coef, intercept)
    alpha = fitted.alpha_ if hasattr(fitted, "alpha_") else fitted.alpha
    l1_ratio = getattr(fitted, "l1_ratio_", None)
    gap = gap_of(case, loss, coef, intercept, alpha, l1_ratio)
    check_certificate_sign(name, case, fitted.certificate_, gap, bool(warned))
    check_gaps(name, case, [gap], case["tol"], warned)


def _options(case):
    return dict(
        penalty_factor=case["penalty_factor"], positive=case["positive"],
        fit_intercept=case["fit_intercept"], standardize=case["standardize"], tol=case["tol"],
    )  # fmt: skip


def check_regressor(name, case):
    case = {**case, "l1_ratio": FIXED_L1_RATIO.get(name, case["l1_ratio"])}
    alpha = reference_alpha(case, "squared")
    check_fitted(name, case, "squared", REGRESSORS[name](case, alpha).set_params(**_options(case)))


def check_logistic_regression(case):
    alpha = reference_alpha(case, "logistic")
    model = shrinkage.SparseLogisticRegression(alpha, l1_ratio=case["l1_ratio"], **_options(case))
    check_fitted("SparseLogisticRegression", case, "logistic", model)


def check_lasso_cv(case):
    model = shrinkage.LassoCV(cv=3, n_alphas=8, **_options(case))
    check_fitted("LassoCV", {**case, "l1_ratio": 1.0}, "squared", model)


def check_logistic_regression_cv(case):
    model = shrinkage.SparseLogisticRegressionCV(
        l1_ratio=case["l1_ratio"], cv=3, n_alphas=6, **_options(case)
    )
    check_fitted("SparseLogisticRegressionCV", case, "logistic", model)


def check_path(loss, case, n_alphas=6):
    name = f"path ({loss})"
    # Newton steps for the logistic loss (the estimator's default), epochs for the squared
    max_iter = 100 if loss == "logistic" else 1000
    result, warned = run_checked(
        name, case,
        lambda: shrinkage.path(
            case["X"], case["y"], _penalty(case), loss=loss, n_alphas=n_alphas,
            fit_intercept=case["fit_intercept"], sample_weight=case["sample_weight"],
            standardize=case["standardize"], tol=case["tol"], max_iter=max_iter,
        ),
    )  # fmt: skip
    if result is None:
        return
    coefs = result.dense_coefs()
    assert_finite(name, case, coefs, result.intercepts, result.alphas)
    assert coefs.shape == (n_alphas, case["X"].shape[1])
    gaps = [
        gap_of(case, loss, coefs[k], result.intercepts[k], result.alphas[k])
        for k in range(n_alphas)
    ]  # fmt: skip
    flagged = getattr(result, "converged", None)
    for k, gap in enumerate(gaps):
        excused = bool(warned) and (flagged is None or not flagged[k])
        check_certificate_sign(name, case, _PathPoint(result.dual_gaps[k]), gap, excused)
    check_gaps(name, case, gaps, case["tol"], warned, flagged)


def check_solve(loss, case):
    """The functional API reports instead of warning: ``converged=True`` must be true."""
    name = f"solve ({loss})"
    alpha = reference_alpha(case, loss)
    function = shrinkage.solve if loss == "squared" else shrinkage.solve_logistic
    result, _ = run_checked(
        name, case,
        lambda: function(
            case["X"], case["y"], alpha, _penalty(case), fit_intercept=case["fit_intercept"],
            sample_weight=case["sample_weight"], standardize=case["standardize"],
            tol=case["tol"],
        ),
    )  # fmt: skip
    if result is None:
        return
    assert_finite(name, case, result.coef, result.intercept)
    gap = gap_of(case, loss, result.coef, result.intercept, alpha)
    tol = max(case["tol"], result.tol)
    warned = [] if result.converged else ["converged=False"]
    check_certificate_sign(name, case, result.certificate, gap, bool(warned))
    check_gaps(name, case, [gap], tol, warned)


# -- the tests -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(REGRESSORS))
@SETTINGS
@given(case=problems("squared"))
def test_regressor(name, case):
    check_regressor(name, case)


@SETTINGS
@given(case=problems("logistic"))
def test_sparse_logistic_regression(case):
    check_logistic_regression(case)


@SETTINGS
@given(case=problems("squared"))
def test_lasso_cv(case):
    check_lasso_cv(case)


@SETTINGS
@given(case=problems("logistic"))
def test_sparse_logistic_regression_cv(case):
    check_logistic_regression_cv(case)


@pytest.mark.parametrize("loss", ["squared", "logistic"])
@SETTINGS
@given(data=st.data())
def test_path(loss, data):
    check_path(loss, data.draw(problems(loss)))


@pytest.mark.parametrize("loss", ["squared", "logistic"])
@SETTINGS
@given(data=st.data())
def test_solve_reports_convergence_honestly(loss, data):
    check_solve(loss, data.draw(problems(loss)))


# -- the independent gap itself -------------------------------------------------------------


@pytest.mark.parametrize("fit_intercept", [False, True])
def test_independent_gap_against_scikit_learn(fit_intercept):
    """scikit-learn's Lasso gap uses the same dual point shrunk onto the constraints; ours
    also picks the best length along it, so it is never larger, and both vanish at the
    optimum (ElasticNet, whose dual scikit-learn builds differently)."""
    from sklearn.linear_model import ElasticNet as ScikitElasticNet
    from sklearn.linear_model import Lasso as ScikitLasso

    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 8))
    y = X @ rng.standard_normal(8) + rng.standard_normal(30) + 2.0
    options = dict(fit_intercept=fit_intercept)
    for max_iter in (1, 2, 5):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = ScikitLasso(alpha=0.05, max_iter=max_iter, tol=0, **options).fit(X, y)
        gap = squared_gap(X, y, model.coef_, model.intercept_, 0.05, **options)
        assert -1e-14 <= gap.gap <= model.dual_gap_ * (1 + 1e-9) + 1e-14
        assert gap.gap > 0.1 * model.dual_gap_  # the same dual point, not a looser bound
    model = ScikitElasticNet(alpha=0.05, l1_ratio=0.5, tol=1e-14, max_iter=100_000, **options)
    model.fit(X, y)
    gap = squared_gap(X, y, model.coef_, model.intercept_, 0.05, 0.5, **options)
    assert abs(gap.gap) <= 1e-12 * gap.primal_at_zero


MAX_ITER = {"squared": 100_000, "logistic": 500}  # epochs, Newton steps


@pytest.mark.parametrize("loss", ["squared", "logistic"])
def test_independent_dual_is_a_lower_bound(loss):
    """On well-posed problems with every option: our gap vanishes at the package's tight
    solution, and our dual at perturbed points never exceeds the optimal value."""
    rng = np.random.default_rng(1)
    function = squared_gap if loss == "squared" else logistic_gap
    fit = shrinkage.solve if loss == "squared" else shrinkage.solve_logistic
    for _ in range(16):
        n, p = int(rng.integers(8, 30)), int(rng.integers(1, 8))
        X = rng.standard_normal((n, p)) * 10.0 ** rng.choice([-2, 0, 2], p)
        signal = (X / np.abs(X).max(axis=0)) @ rng.standard_normal(p)
        if loss == "squared":
            y = signal + rng.standard_normal(n)
        else:
            y = (rng.uniform(size=n) < 1 / (1 + np.exp(-signal))).astype(float)
            y[:2] = [0.0, 1.0]
        weights = rng.uniform(0.0, 2.0, n) if rng.uniform() < 0.5 else None
        factors = rng.choice([0.0, 0.5, 1.0, 2.0], p) if rng.uniform() < 0.5 else None
        penalty = Penalty(float(rng.choice([0.0, 0.5, 1.0])), factors, bool(rng.integers(2)))
        options = dict(fit_intercept=bool(rng.integers(2)), sample_weight=weights,
                       standardize=bool(rng.integers(2)))  # fmt: skip
        alpha = float(rng.choice([0.3, 0.03, 0.003]))
        best = fit(X, y, alpha, penalty, tol=1e-12, max_iter=MAX_ITER[loss], **options)

        problem = dict(penalty_factor=factors, positive=penalty.positive, **options)
        optimum = function(X, y, best.coef, best.intercept, alpha, penalty.l1_ratio, **problem)
        assert optimum.relative <= 1e-8
        for size in (1e-6, 1e-3, 1.0):
            coef = best.coef + size * rng.standard_normal(p) * np.max(np.abs(best.coef))
            coef = np.abs(coef) if penalty.positive else coef
            intercept = best.intercept + size * rng.standard_normal()
            perturbed = function(X, y, coef, intercept, alpha, penalty.l1_ratio, **problem)
            assert perturbed.dual <= optimum.primal + 1e-12 * optimum.primal_at_zero
            assert perturbed.gap >= -1e-12 * optimum.primal_at_zero


@pytest.fixture(scope="module", autouse=True)
def _print_tally():
    yield
    if TALLY:
        names = sorted({name for name, _ in TALLY})
        print("\nfuzz outcomes (examples run, including hypothesis' shrinking):")
        for name in names:
            parts = ", ".join(f"{kind}: {count}" for (n, kind), count in sorted(TALLY.items())
                              if n == name)  # fmt: skip
            print(f"  {name}: {parts}")
