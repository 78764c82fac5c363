"""Bad input fails early, with the right exception, a message that names the problem, and
no numba traceback; good input is never modified."""

import traceback

import numpy as np
import pytest
import scipy.sparse as sp

from _reference import make_regression
from shrinkage import ElasticNet, Lasso, Ridge, solve
from shrinkage.penalties import L1, L2

X, Y = make_regression(n=20, p=4, seed=0)


def _fit_estimator(X_, y_, sample_weight=None, **params):
    return Lasso(**params).fit(X_, y_, sample_weight=sample_weight)


def _fit_solve(X_, y_, sample_weight=None, **params):
    return solve(X_, y_, 0.1, L1(), sample_weight=sample_weight, **params)


ENTRY_POINTS = pytest.mark.parametrize("fit", [_fit_estimator, _fit_solve], ids=["Lasso", "solve"])


def _raises(error, fragment, function, *args, **kwargs):
    """Assert type and message, and that no numba frame took part in the failure."""
    with pytest.raises(error, match=fragment) as info:
        function(*args, **kwargs)
    text = "".join(traceback.format_exception(info.value))
    assert "numba" not in text.lower(), text
    return info.value


def _with(value, i=3, j=1):
    out = X.copy()
    out[i, j] = value
    return out


@ENTRY_POINTS
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(("value", "fragment"), [(np.nan, "NaN"), (np.inf, "infinity")])
def test_nan_or_inf_in_X(fit, value, fragment, sparse):
    bad = _with(value)
    _raises(
        ValueError, f"Input X contains {fragment}", fit, sp.csc_matrix(bad) if sparse else bad, Y
    )


@ENTRY_POINTS
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_y(fit, value):
    y = Y.copy()
    y[5] = value
    _raises(ValueError, r"y contains (1 )?(NaN|infinity|NaN or infinite)", fit, X, y)


def test_mismatched_lengths():
    _raises(ValueError, r"inconsistent numbers of samples: \[20, 19\]", _fit_estimator, X, Y[:-1])
    _raises(ValueError, "X has 20 samples but y has 19", _fit_solve, X, Y[:-1])


@ENTRY_POINTS
def test_empty_X(fit):
    _raises(ValueError, r"0 sample\(s\) \(shape=\(0, 4\)\)", fit, X[:0], Y[:0])
    _raises(ValueError, r"0 feature\(s\) \(shape=\(20, 0\)\)", fit, X[:, :0], Y)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("estimator", [Lasso, ElasticNet, Ridge])
def test_zero_variance_column_with_standardize(estimator, sparse):
    bad = X.copy()
    bad[:, 2] = 7.0
    Xin = sp.csc_matrix(bad) if sparse else bad
    _raises(ValueError, r"standardize=True but 1 column\(s\) have zero variance: X\[:, 2\]",
            estimator(standardize=True).fit, Xin, Y)  # fmt: skip
    # the same column is fine without standardisation
    assert estimator().fit(Xin, Y).coef_.shape == (4,)


def test_zero_variance_message_names_the_dataframe_column():
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    frame["bmi"] = 1.0
    frame["s1"] = -2.0
    _raises(ValueError, "2 column\\(s\\) have zero variance: bmi, s1",
            Lasso(standardize=True).fit, frame, Y)  # fmt: skip


def test_zero_variance_under_the_sample_weights():
    bad = X.copy()
    bad[:10, 0] = 3.0  # varies only on rows of weight 0
    sw = np.r_[np.ones(10), np.zeros(10)]
    _raises(ValueError, r"zero variance: X\[:, 0\]", solve, bad, Y, 0.1, standardize=True,
            sample_weight=sw)  # fmt: skip


@pytest.mark.parametrize("alpha", [-1.0, np.nan, np.inf])
def test_bad_alpha(alpha):
    _raises(ValueError, "alpha must be a finite number >= 0", Lasso(alpha=alpha).fit, X, Y)
    _raises(ValueError, "alpha must be a finite number >= 0", solve, X, Y, alpha)


def test_alpha_of_wrong_type():
    _raises(TypeError, "alpha must be a real number, got str", Ridge(alpha="1").fit, X, Y)


@pytest.mark.parametrize(
    ("factor", "error", "fragment"),
    [
        (
            [1.0, -1.0, 1.0, 1.0],
            ValueError,
            r"penalty_factor must be >= 0; negative at indices \[1\]",
        ),
        ([1.0, np.nan, 1.0, 1.0], ValueError, "penalty_factor contains NaN"),
        ([1.0, 1.0], ValueError, "penalty_factor has 2 entries but X has 4 features"),
        (["a", "b", "c", "d"], TypeError, "penalty_factor must be numeric"),
    ],
)
def test_bad_penalty_factor(factor, error, fragment):
    _raises(error, fragment, ElasticNet(penalty_factor=factor).fit, X, Y)


@pytest.mark.parametrize("l1_ratio", [-0.1, 1.5, np.nan])
def test_l1_ratio_outside_unit_interval(l1_ratio):
    _raises(ValueError, r"l1_ratio must be a number in \[0, 1\]",
            ElasticNet(l1_ratio=l1_ratio).fit, X, Y)  # fmt: skip


@ENTRY_POINTS
def test_object_and_string_arrays(fit):
    objects = X.astype(object)
    objects[0, 1] = "high"
    _raises(TypeError, "X contains non-numeric values: could not convert string to float",
            fit, objects, Y)  # fmt: skip
    _raises(TypeError, "y must be numeric", fit, X, np.array(["a"] * 20))


@ENTRY_POINTS
def test_dataframe_with_string_column_names_it(fit):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp", "s1"])
    frame["city"] = ["Oslo", "Lima"] * 10
    frame["kind"] = pd.Categorical(["a", "b"] * 10)
    _raises(TypeError, r"X has non-numeric column\(s\): city, kind", fit, frame, Y)


def test_two_column_target():
    y2 = np.column_stack([Y, Y])
    _raises(ValueError, r"y should be a 1d array, got an array of shape \(20, 2\)",
            _fit_estimator, X, y2)  # fmt: skip
    _raises(ValueError, r"y must be one-dimensional, got shape \(20, 2\)", _fit_solve, X, y2)


@ENTRY_POINTS
@pytest.mark.parametrize(
    ("weight", "error", "fragment"),
    [
        (-np.ones(20), ValueError, "sample_weight must be non-negative"),
        (np.ones(19), ValueError, r"sample_weight.shape == \(19,\), expected \(20,\)"),
        (np.ones((20, 2)), ValueError, r"sample_weight.shape == \(20, 2\), expected \(20,\)"),
        (np.r_[np.nan, np.ones(19)], ValueError, "sample_weight contains NaN or infinity"),
        (np.zeros(20), ValueError, "sample_weight sums to zero"),
        (np.array(["a"] * 20), TypeError, "sample_weight must be numeric"),
    ],
)
def test_bad_sample_weight(fit, weight, error, fragment):
    _raises(error, fragment, fit, X, Y, sample_weight=weight)


@pytest.mark.parametrize(
    ("params", "error", "fragment"),
    [
        (dict(tol=0.0), ValueError, "tol must be a number > 0"),
        (dict(max_iter=0), ValueError, "max_iter must be >= 1"),
        (dict(max_iter=2.5), TypeError, "max_iter must be an integer"),
        (dict(fit_intercept="yes"), TypeError, "fit_intercept must be True or False"),
        (dict(solver="lbfgs"), ValueError, "solver must be one of"),
    ],
)
def test_bad_estimator_parameters(params, error, fragment):
    _raises(error, fragment, _fit_estimator, X, Y, **params)


def test_predict_with_the_wrong_number_of_features():
    model = Lasso(alpha=0.1).fit(X, Y)
    _raises(ValueError, "X has 3 features, but Lasso is expecting 4", model.predict, X[:, :3])


# --- inputs are never modified -------------------------------------------------------


def _unsorted_csc(A):
    """A CSC matrix whose row indices are stored in reverse order within each column."""
    M = sp.csc_matrix(A)
    data, indices = M.data.copy(), M.indices.copy()
    for j in range(M.shape[1]):
        lo, hi = M.indptr[j], M.indptr[j + 1]
        data[lo:hi], indices[lo:hi] = data[lo:hi][::-1], indices[lo:hi][::-1]
    out = sp.csc_matrix((data, indices, M.indptr.copy()), shape=M.shape)
    out.has_sorted_indices = False
    return out


def _snapshot(A):
    if sp.issparse(A):
        return A.format, A.data.copy(), A.indices.copy(), A.indptr.copy()
    return np.array(A, copy=True), A.flags.f_contiguous


def _assert_same(A, snap):
    if sp.issparse(A):
        assert A.format == snap[0]
        for now, then in zip((A.data, A.indices, A.indptr), snap[1:], strict=True):
            np.testing.assert_array_equal(now, then)
    else:
        np.testing.assert_array_equal(A, snap[0])
        assert A.flags.f_contiguous == snap[1]


INPUTS = {
    "C-order": lambda A: np.ascontiguousarray(A),
    "F-order": lambda A: np.asfortranarray(A),
    "float32": lambda A: np.asfortranarray(A, dtype=np.float32),
    "csc": sp.csc_matrix,
    "csr": sp.csr_matrix,
    "csc-unsorted": _unsorted_csc,
}


@pytest.mark.parametrize("kind", list(INPUTS))
@pytest.mark.parametrize(
    "model",
    [
        Lasso(alpha=0.05),
        Lasso(alpha=0.05, fit_intercept=False),
        ElasticNet(alpha=0.05, standardize=True, penalty_factor=[0.0, 1.0, 1.0, 2.0]),
        Ridge(alpha=0.5),
        Ridge(alpha=0.5, fit_intercept=False, solver="fista"),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_inputs_are_not_modified(model, kind, weighted):
    A = INPUTS[kind](X)
    y = Y.astype(np.float32) if kind == "float32" else Y.copy()
    sw = np.linspace(0.5, 2.0, 20) if weighted else None
    factor = None if model.penalty_factor is None else np.array(model.penalty_factor)
    snap_X, snap_y = _snapshot(A), y.copy()
    snap_w = None if sw is None else sw.copy()
    model.set_params(penalty_factor=factor).fit(A, y, sample_weight=sw)
    _assert_same(A, snap_X)
    np.testing.assert_array_equal(y, snap_y)
    if weighted:
        np.testing.assert_array_equal(sw, snap_w)
    if factor is not None:
        np.testing.assert_array_equal(factor, model.penalty_factor)


@pytest.mark.parametrize("solver", ["cd", "fista", "ista", "closed_form", "subgradient"])
@pytest.mark.parametrize("kind", ["F-order", "csc-unsorted"])
def test_solve_does_not_modify_inputs(solver, kind):
    A = INPUTS[kind](X)
    y, sw, start = Y.copy(), np.linspace(0.5, 2.0, 20), np.full(4, 0.1)
    snaps = _snapshot(A), y.copy(), sw.copy(), start.copy()
    pen = L2() if solver == "closed_form" else L1()
    solve(A, y, 0.1, pen, solver=solver, sample_weight=sw, coef_init=start, max_iter=20)
    _assert_same(A, snaps[0])
    for now, then in zip((y, sw, start), snaps[1:], strict=True):
        np.testing.assert_array_equal(now, then)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.asmatrix
def test_check_matrix_converts_like_sklearn_and_names_the_problem():
    from sklearn.utils import check_array

    from shrinkage._validation import check_matrix

    ints = np.arange(12).reshape(4, 3)
    for given in (ints, np.asmatrix(ints), ints.astype(np.float32), ints.tolist()):
        ours = check_matrix(given)
        # (scikit-learn refuses np.matrix outright; we take its array)
        theirs = check_array(np.asarray(given), dtype=[np.float64, np.float32])
        assert type(ours) is np.ndarray and ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    csr = sp.csr_matrix(ints)
    assert check_matrix(csr).format == "csc"
    csc = sp.csc_matrix(ints.astype(np.float64))
    assert check_matrix(csc) is csc  # no copy of what is already right
    with pytest.raises(ValueError, match="Expected 2D array, got 1D"):
        check_matrix(np.ones(3))
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_matrix(np.ones((3, 2), dtype=complex))
    with pytest.raises(TypeError, match="non-numeric"):
        check_matrix(np.array([["a", "b"], ["c", "d"]], dtype=object))
    bad = sp.csc_matrix(ints.astype(float))
    bad.data[2] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        check_matrix(bad)


def test_functional_api_does_not_import_sklearn():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, shrinkage\n"
        "X = np.random.default_rng(0).standard_normal((30, 8)); y = X[:, 0]\n"
        "shrinkage.path(X, y, n_alphas=5); shrinkage.solve(X, y, 0.1)\n"
        "assert 'sklearn' not in sys.modules, 'sklearn imported'\n"
        "assert shrinkage.Lasso.__name__ == 'Lasso' and 'sklearn' in sys.modules\n"
        "assert shrinkage.lab.__name__ == 'shrinkage.lab' and 'LassoCV' in dir(shrinkage)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
