"""No public entry point writes into its caller's arrays, sparse matrices or frames.

Every input is fingerprinted (bytes, dtype, shape, strides, flags and, for sparse
matrices, each of data / indices / indptr with ``has_sorted_indices`` and
``has_canonical_format``) before and after the call. The sparse inputs have unsorted
indices and duplicate entries, the cases an in-place ``sort_indices`` or
``sum_duplicates`` would rewrite.
"""

from __future__ import annotations

import hashlib
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import shrinkage
from shrinkage.penalties import Penalty

N_SAMPLES, N_FEATURES = 30, 6


def _array_print(array) -> tuple:
    array = np.asarray(array)
    contiguous = np.ascontiguousarray(array) if array.size else array
    return (
        array.dtype.str,
        array.shape,
        array.strides,
        bool(array.flags.c_contiguous),
        bool(array.flags.f_contiguous),
        bool(array.flags.writeable),
        hashlib.sha256(contiguous.tobytes()).hexdigest(),
    )


def fingerprint(value):
    """A hashable summary of everything a callee could change in ``value`` in place."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, pd.DataFrame | pd.Series):
        digest = pd.util.hash_pandas_object(value, index=True).to_numpy()
        columns = tuple(map(str, value.columns)) if isinstance(value, pd.DataFrame) else value.name
        dtypes = tuple(map(str, np.atleast_1d(value.dtypes)))
        return ("pandas", type(value).__name__, value.shape, columns, dtypes,
                hashlib.sha256(digest.tobytes()).hexdigest())  # fmt: skip
    if sp.issparse(value):
        parts = [type(value).__name__, value.format, value.shape, value.dtype.str]
        for name in ("data", "indices", "indptr", "row", "col", "coords"):
            part = getattr(value, name, None)
            if isinstance(part, tuple):
                parts.extend(_array_print(a) for a in part)
            elif part is not None:
                parts.append((name, _array_print(part)))
        for flag in ("has_sorted_indices", "has_canonical_format"):
            if hasattr(value, flag):
                parts.append((flag, bool(getattr(value, flag))))
        return tuple(parts)
    if isinstance(value, np.ndarray):
        return _array_print(value)
    if isinstance(value, list | tuple):
        return tuple(fingerprint(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, fingerprint(v)) for k, v in sorted(value.items(), key=str))
    raise TypeError(f"no fingerprint for {type(value).__name__}")


def messy_sparse(D, fmt, rng=None, split=1.0, cancel=0.5):
    """``D`` as a CSC / CSR / COO matrix with unsorted indices and duplicate entries.

    Each stored value of D is split, with probability ``split``, in two entries that add
    up to it (up to rounding); the first structural zero of a compressed line gets, with
    probability ``cancel``, a pair of entries that cancel exactly; the entries of every
    line are shuffled. Built from (data, indices, indptr) so that SciPy neither sums nor
    sorts anything.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    major = D.T if fmt == "csc" else D  # CSC compresses columns
    data, indices, indptr = [], [], [0]
    for line in major:
        entries = []
        for i in np.flatnonzero(line):
            if rng.uniform() < split:
                part = line[i] * rng.uniform(0.1, 0.9)
                entries += [(i, part), (i, line[i] - part)]
            else:
                entries.append((i, line[i]))
        zeros = np.flatnonzero(line == 0)
        if zeros.size and rng.uniform() < cancel:
            value = rng.uniform(0.5, 2.0) * np.max(np.abs(line), initial=1.0)
            entries += [(zeros[0], value), (zeros[0], -value)]
        order = rng.permutation(len(entries))
        indices += [entries[j][0] for j in order]
        data += [entries[j][1] for j in order]
        indptr.append(len(indices))
    arrays = (np.array(data, dtype=D.dtype), np.array(indices, dtype=np.int32),
              np.array(indptr, dtype=np.int32))  # fmt: skip
    if fmt == "coo":
        csr = sp.csr_matrix(arrays, shape=D.shape)
        rows = np.repeat(np.arange(D.shape[0]), np.diff(csr.indptr))
        return sp.coo_matrix((csr.data, (rows, csr.indices)), shape=D.shape)
    kind = sp.csc_matrix if fmt == "csc" else sp.csr_matrix
    return kind(arrays, shape=D.shape)


def _problem():
    rng = np.random.default_rng(7)
    shape = (N_SAMPLES, N_FEATURES)
    D = rng.standard_normal(shape) * (rng.uniform(size=shape) < 0.6)
    D[:, 0] += 1.0  # one dense column, so that no column is constant
    signal = D @ np.array([2.0, -1.5, 0.0, 1.0, 0.0, 0.5])
    y = signal + 0.3 * rng.standard_normal(N_SAMPLES) + 1.0
    labels = (signal > np.median(signal)).astype(np.float64)
    weights = rng.uniform(0.5, 2.0, N_SAMPLES)
    weights[3] = 0.0
    return D, y, labels, weights


DENSE, TARGET, LABELS, WEIGHTS = _problem()
FACTORS = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 1.0])  # feature 1 unpenalised
POSITIVE_FACTORS = np.array([1.0, 0.5, 2.0, 0.5, 1.0, 1.0])


def _messy(D, fmt):
    matrix = messy_sparse(D, fmt)
    if fmt != "coo":
        assert not matrix.has_sorted_indices and not matrix.has_canonical_format
    return matrix


LAYOUTS = {
    "dense": lambda: DENSE.copy(),
    "dense_f32_fortran": lambda: np.asfortranarray(DENSE, dtype=np.float32),
    "csc": lambda: _messy(DENSE, "csc"),
    "csr": lambda: _messy(DENSE, "csr"),
    "coo": lambda: _messy(DENSE, "coo"),
    "csc_f32": lambda: _messy(DENSE.astype(np.float32), "csc"),
}


def _fit_predict(model, X, y, sample_weight=None, classifier=False):
    model.fit(X, y) if sample_weight is None else model.fit(X, y, sample_weight=sample_weight)
    model.predict(X)
    if classifier:
        model.predict_proba(X)


# name -> (call(X, inputs), loss, accepts sparse)
ENTRY_POINTS = {
    "Lasso": (lambda X, i: _fit_predict(
        shrinkage.Lasso(alpha=0.05, penalty_factor=i["factors"]), X, i["y"], i["weights"]),
        "squared", True),
    "Lasso_standardize_positive": (lambda X, i: _fit_predict(
        shrinkage.Lasso(alpha=0.05, penalty_factor=i["positive_factors"], standardize=True,
                        positive=True), X, i["y"], i["weights"]), "squared", True),
    "ElasticNet": (lambda X, i: _fit_predict(
        shrinkage.ElasticNet(alpha=0.05, l1_ratio=0.5, penalty_factor=i["factors"],
                             standardize=True), X, i["y"], i["weights"]), "squared", True),
    "Ridge": (lambda X, i: _fit_predict(
        shrinkage.Ridge(alpha=0.1, penalty_factor=i["factors"]), X, i["y"], i["weights"]),
        "squared", True),
    "SparseLogisticRegression": (lambda X, i: _fit_predict(
        shrinkage.SparseLogisticRegression(alpha=0.02, penalty_factor=i["factors"],
                                           standardize=True),
        X, i["labels"], i["weights"], classifier=True), "logistic", True),
    "LassoCV": (lambda X, i: _fit_predict(
        shrinkage.LassoCV(cv=3, n_alphas=5, penalty_factor=i["factors"]), X, i["y"],
        i["weights"]), "squared", True),
    "ElasticNetCV": (lambda X, i: _fit_predict(
        shrinkage.ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3, n_alphas=5,
                               penalty_factor=i["positive_factors"], standardize=True),
        X, i["y"], i["weights"]), "squared", True),
    "SparseLogisticRegressionCV": (lambda X, i: _fit_predict(
        shrinkage.SparseLogisticRegressionCV(cv=3, n_alphas=5, penalty_factor=i["factors"]),
        X, i["labels"], i["weights"], classifier=True), "logistic", True),
    "LassoIC": (lambda X, i: _fit_predict(
        shrinkage.LassoIC(n_alphas=8, penalty_factor=i["factors"]), X, i["y"], i["weights"]),
        "squared", True),
    "RelaxedLasso": (lambda X, i: _fit_predict(
        shrinkage.RelaxedLasso(alpha=0.05, penalty_factor=i["factors"]), X, i["y"],
        i["weights"]), "squared", True),
    "AdaptiveLasso": (lambda X, i: _fit_predict(
        shrinkage.AdaptiveLasso(alpha=0.05), X, i["y"], i["weights"]), "squared", True),
    "StabilitySelection": (lambda X, i: shrinkage.StabilitySelection(
        n_subsamples=4, n_alphas=5, random_state=0).fit(X, i["y"]).transform(X),
        "squared", True),
    "solve": (lambda X, i: shrinkage.solve(
        X, i["y"], 0.05, Penalty(1.0, i["factors"]), sample_weight=i["weights"],
        standardize=True), "squared", True),
    "solve_working_set": (lambda X, i: shrinkage.solve(
        X, i["y"], 0.05, Penalty(0.5, i["positive_factors"]), solver="working_set",
        sample_weight=i["weights"]), "squared", True),
    "solve_fista": (lambda X, i: shrinkage.solve(
        X, i["y"], 0.05, Penalty(1.0, i["factors"], positive=True), solver="fista",
        sample_weight=i["weights"]), "squared", True),
    "path": (lambda X, i: shrinkage.path(
        X, i["y"], Penalty(1.0, i["factors"]), n_alphas=5, sample_weight=i["weights"],
        standardize=True), "squared", True),
    "path_gram": (lambda X, i: shrinkage.path(
        X, i["y"], Penalty(1.0, i["positive_factors"]), n_alphas=5, strategy="gram",
        sample_weight=i["weights"]), "squared", True),
    "path_working_set": (lambda X, i: shrinkage.path(
        X, i["y"], Penalty(0.5, i["positive_factors"]), n_alphas=5, strategy="working_set",
        sample_weight=i["weights"], coef_format="sparse"), "squared", True),
    "path_logistic": (lambda X, i: shrinkage.path(
        X, i["labels"], Penalty(1.0, i["factors"]), loss="logistic", n_alphas=5,
        sample_weight=i["weights"], standardize=True), "logistic", True),
    # every feature penalised, no weights: the compiled loop, which reads float64 labels
    # in place
    "path_logistic_compiled": (lambda X, i: shrinkage.path(
        X, i["labels"], Penalty(0.5, i["positive_factors"]), loss="logistic", n_alphas=5),
        "logistic", True),
    "solve_logistic": (lambda X, i: shrinkage.solve_logistic(
        X, i["labels"], 0.02, Penalty(0.5, i["factors"]), sample_weight=i["weights"],
        standardize=True), "logistic", True),
    "stability_selection": (lambda X, i: shrinkage.stability_selection(
        X, i["y"], n_subsamples=4, n_alphas=5, penalty=Penalty(1.0, i["factors"]),
        sample_weight=i["weights"], random_state=0), "squared", True),
    "lasso_homotopy": (lambda X, i: shrinkage.lasso_homotopy(
        X, i["y"], sample_weight=i["weights"], standardize=True), "squared", True),
    "advise": (lambda X, i: shrinkage.advise(X, i["y"], n_splits=2, n_alphas=3),
               "squared", False),
}  # fmt: skip


def _inputs():
    return {
        "y": TARGET.copy(),
        "labels": LABELS.copy(),
        "weights": WEIGHTS.copy(),
        "factors": FACTORS.copy(),
        "positive_factors": POSITIVE_FACTORS.copy(),
    }


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("entry_point", list(ENTRY_POINTS))
def test_entry_point_leaves_inputs_unchanged(entry_point, layout):
    call, _, accepts_sparse = ENTRY_POINTS[entry_point]
    X = LAYOUTS[layout]()
    inputs = {"X": X, **_inputs()}
    before = {name: fingerprint(value) for name, value in inputs.items()}
    dense_before = X.toarray() if sp.issparse(X) else X.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence on this tiny problem is not the point
        if sp.issparse(X) and not accepts_sparse:
            with pytest.raises((TypeError, ValueError)):
                call(X, inputs)
        else:
            call(X, inputs)
    changed = [name for name, value in inputs.items() if fingerprint(value) != before[name]]
    assert not changed, f"{entry_point} changed its input(s) {changed} in place"
    after = X.toarray() if sp.issparse(X) else X
    np.testing.assert_array_equal(after, dense_before)


# -- command-line helpers that take frames ---------------------------------------------


def _frame(task):
    D, y, labels, _ = DENSE, TARGET, LABELS, WEIGHTS
    frame = pd.DataFrame(D, columns=[f"x{j}" for j in range(D.shape[1])])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(D.shape[0]) % 3]
    frame["target"] = y if task == "regression" else np.where(labels == 1, "yes", "no")
    return frame


def _prepare(frame, task):
    from shrinkage.cli.io import prepare

    return prepare(frame, "target", task=task)


def _encode(frame, task):
    from shrinkage.cli.io import encode_with_schema

    table = _prepare(frame.copy(), task)
    return encode_with_schema(frame, table.schema, [])


def _fit_quietly(frame, task):
    from shrinkage.cli.models import build_estimator, fit_quietly

    table = _prepare(frame.copy(), task)
    X, y = table.X, table.y
    before = fingerprint((X, y))
    estimator = build_estimator(
        table.task, l1_ratio=1.0, alpha=0.05, folds=None, select="min", standardize=True,
        n_alphas=5, n_rows=len(X), random_state=0,
    )  # fmt: skip
    fit_quietly(estimator, X, y)
    assert fingerprint((X, y)) == before


def _cross_validated(frame, task):
    from shrinkage.cli.models import build_estimator, cv_table, fit_quietly

    table = _prepare(frame.copy(), task)
    X, y = table.X, table.y
    before = fingerprint((X, y))
    estimator = build_estimator(
        table.task, l1_ratio=0.5, alpha=None, folds=3, select="1se", standardize=True,
        n_alphas=5, n_rows=len(X), random_state=0,
    )  # fmt: skip
    fit_quietly(estimator, X, y)
    cv_table(estimator)
    assert fingerprint((X, y)) == before


def _run_path(frame, task):
    from shrinkage.cli.models import run_path

    table = _prepare(frame.copy(), task)
    X, y = table.X, table.y
    before = fingerprint((X, y))
    run_path(X, y, table.task, table.schema["classes"], l1_ratio=1.0, n_alphas=5,
             standardize=True)  # fmt: skip
    assert fingerprint((X, y)) == before


def _saved_model(frame, task):
    from shrinkage.cli.model_io import SavedModel, model_document
    from shrinkage.cli.models import build_estimator, fit_quietly

    table = _prepare(frame.copy(), task)
    estimator = build_estimator(
        table.task, l1_ratio=1.0, alpha=0.05, folds=None, select="min", standardize=True,
        n_alphas=5, n_rows=len(table.X), random_state=0,
    )  # fmt: skip
    fit_quietly(estimator, table.X, table.y)
    saved = SavedModel(model_document(estimator, table.schema, parameters={}, command="fit"))
    X = saved.encode(frame, [])
    before = fingerprint(X)
    saved.predict(X)
    if task == "classification":
        saved.predict_proba(X)
    assert fingerprint(X) == before


CLI_HELPERS = {
    "prepare": _prepare,
    "encode_with_schema": _encode,
    "fit_quietly": _fit_quietly,
    "fit_quietly_cv": _cross_validated,
    "run_path": _run_path,
    "SavedModel": _saved_model,
}


@pytest.mark.parametrize("task", ["regression", "classification"])
@pytest.mark.parametrize("helper", list(CLI_HELPERS))
def test_cli_helper_leaves_frame_unchanged(helper, task):
    frame = _frame(task)
    before = fingerprint(frame)
    copy = frame.copy(deep=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        CLI_HELPERS[helper](frame, task)
    assert fingerprint(frame) == before
    pd.testing.assert_frame_equal(frame, copy)


def test_fingerprint_sees_an_in_place_sort():
    """The check itself: sorting a messy matrix's indices in place changes its print."""
    X = _messy(DENSE, "csc")
    before = fingerprint(X)
    X.sort_indices()
    assert fingerprint(X) != before
    X = _messy(DENSE, "csc")
    X.has_sorted_indices = True  # a flag set without sorting is a change too
    assert fingerprint(X) != before
