"""Checks of the data: X, y, sample weights, columns, and what a fit returns.

Every message names the problem and the offending columns or values, so a user never sees
a numba traceback or a silent wrong answer.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp

__all__ = [
    "binary_target",
    "check_matrix",
    "check_matrix_offset",
    "check_non_numeric",
    "check_offset",
    "check_representable",
    "check_sample_weight",
    "check_target",
    "check_target_shape",
    "check_varying_columns",
    "offset_of",
    "working_dtype",
]


def check_matrix(X, name="X"):
    """A finite, non-empty 2-D float32/float64 array or CSC matrix, as scikit-learn's
    ``check_array(accept_sparse="csc", dtype=[float64, float32])`` gives, with its
    messages, without importing scikit-learn (``import shrinkage`` stays light for
    :func:`shrinkage.path` and :func:`shrinkage.solve`)."""
    check_non_numeric(X, name)
    if sp.issparse(X):
        X = _canonical_csc(X)
        values = X.data
    else:
        try:
            X = np.asarray(X)
            if type(X) is not np.ndarray:  # np.matrix and other subclasses
                X = X.view(np.ndarray)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} contains non-numeric values: {exc}") from exc
        if X.ndim != 2:
            raise ValueError(
                f"Expected 2D array, got {X.ndim}D array instead. Reshape your data either "
                "using array.reshape(-1, 1) if your data has a single feature or "
                "array.reshape(1, -1) if it contains a single sample."
            )
        values = X
    if values.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has dtype {values.dtype}.")
    if values.dtype not in (np.float64, np.float32):
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} contains non-numeric values: {exc}") from exc
        values = X.data if sp.issparse(X) else X
    n, p = X.shape
    if n < 1:
        raise ValueError(
            f"Found array with 0 sample(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if p < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is required."
        )
    if not np.isfinite(values).all():
        kind = "NaN" if np.isnan(values).any() else "infinity or a value too large for float64"
        raise ValueError(f"Input {name} contains {kind}.")
    return X


def _canonical_csc(X):
    """Sparse input as CSC with sorted indices and no duplicate entries (scipy sums
    duplicates in products but not in ``data``, which the kernels read): the caller's
    matrix when it is that already, else a copy, so the caller's object is never
    written."""
    if X.format == "csc" and X.has_canonical_format:
        return X
    X = sp.csc_matrix(X, copy=True)
    X.sum_duplicates()  # sorts the indices too
    return X


def check_non_numeric(X, name="X"):
    """Reject pandas frames with non-numeric columns, naming them (before conversion)."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return
    bad = [str(col) for col, dt in dtypes.items() if getattr(dt, "kind", "O") not in "biuf"]
    if bad:
        shown = ", ".join(bad[:10]) + (" ..." if len(bad) > 10 else "")
        raise TypeError(
            f"{name} has non-numeric column(s): {shown}. Encode them (e.g. one-hot) or "
            "drop them before fitting."
        )


def check_target(y, n_samples):
    """y: numeric, finite, one value per sample."""
    y = check_target_shape(y, n_samples)
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"y must be numeric, got dtype {y.dtype}: {exc}") from exc
    if not np.all(np.isfinite(y)):
        raise ValueError(f"y contains {int(np.sum(~np.isfinite(y)))} NaN or infinite value(s).")
    return y


def check_sample_weight(sample_weight, n_samples):
    """Finite, non-negative weights, not all zero; returned as float64 or None (a
    positive scalar means equal weights). Their sum may overflow: users normalise by
    the largest weight first (:func:`shrinkage.design.make_design`)."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real) and not isinstance(sample_weight, bool):
        if not (np.isfinite(sample_weight) and sample_weight > 0):
            raise ValueError(
                f"a scalar sample_weight must be finite and > 0, got {sample_weight!r}."
            )
        return np.ones(n_samples)
    s = np.asarray(sample_weight)
    if s.dtype.kind not in "biuf":
        raise TypeError(f"sample_weight must be numeric, got dtype {s.dtype}.")
    s = s.astype(np.float64)
    if s.ndim != 1 or s.shape[0] != n_samples:
        raise ValueError(f"sample_weight.shape == {s.shape}, expected ({n_samples},).")
    if not np.all(np.isfinite(s)):
        raise ValueError("sample_weight contains NaN or infinity.")
    if np.any(s < 0):
        raise ValueError("sample_weight must be non-negative.")
    largest = float(np.max(s, initial=0.0))
    if largest <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs weight > 0.")
    return s


def check_offset(offset, n_samples, name="offset"):
    """An offset: None, or a finite float64 vector of length n (a copy: never the
    caller's array)."""
    if offset is None:
        return None
    o = np.asarray(offset)
    if o.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {o.dtype}.")
    o = np.array(o, dtype=np.float64)  # a copy
    if o.ndim == 2 and o.shape[1] == 1:
        o = o[:, 0]
    if o.ndim != 1 or o.shape[0] != n_samples:
        raise ValueError(
            f"{name} has shape {np.shape(offset)}, expected ({n_samples},): one value per sample."
        )
    if not np.all(np.isfinite(o)):
        raise ValueError(f"{name} contains {int(np.sum(~np.isfinite(o)))} NaN or infinite "
                         "value(s).")  # fmt: skip
    return o


def check_matrix_offset(offset, n_samples, n_columns, column="class", vector=False):
    """A matrix offset: None, or a finite float64 (n_samples, n_columns) array (a copy:
    never the caller's array), one value per sample and ``column`` (a class, a task).

    ``vector=True`` also takes one value per sample, the same for every column.

    Examples
    --------
    >>> check_matrix_offset([1.0, 2.0], 2, 3, "task", vector=True)
    array([[1., 1., 1.],
           [2., 2., 2.]])
    >>> check_matrix_offset(np.zeros((2, 2)), 2, 3)
    Traceback (most recent call last):
    ...
    ValueError: offset has shape (2, 2), expected (2, 3): one value per sample and class.
    """
    if offset is None:
        return None
    o = np.asarray(offset)
    if o.dtype.kind not in "biuf":
        raise TypeError(f"offset must be numeric, got dtype {o.dtype}.")
    o = np.array(o, dtype=np.float64)  # a copy
    shapes = [(n_samples, n_columns)] + ([(n_samples,)] if vector else [])
    if o.shape not in shapes:
        expected = " or ".join(str(shape) for shape in shapes)
        raise ValueError(f"offset has shape {o.shape}, expected {expected}: one value per "
                         f"sample and {column}.")  # fmt: skip
    if not np.all(np.isfinite(o)):
        raise ValueError(f"offset contains {int(np.sum(~np.isfinite(o)))} NaN or infinite "
                         "value(s).")  # fmt: skip
    return o if o.ndim == 2 else np.repeat(o[:, None], n_columns, axis=1)


def offset_of(n_samples, offset=None, exposure=None):
    """The offset of a fit given an ``offset`` or an ``exposure`` (its log), or None.

    Examples
    --------
    >>> offset_of(2, exposure=[1.0, np.e])
    array([0., 1.])
    """
    if exposure is None:
        return check_offset(offset, n_samples)
    if offset is not None:
        raise ValueError("give offset or exposure, not both (the offset is log(exposure)).")
    e = check_offset(exposure, n_samples, name="exposure")
    if np.any(e <= 0):
        raise ValueError(
            f"exposure must be > 0 (its log is the offset); found {int(np.sum(e <= 0))} "
            f"value(s) <= 0, e.g. {float(e[e <= 0][0])!r}."
        )
    return np.log(e)


def check_varying_columns(std, feature_names=None, magnitude=None, dtype=np.float64):
    """With ``standardize=True`` every column must vary (σ_j > 0), and its variance must
    be finite (a column whose squares overflow is not a constant one).

    With ``magnitude`` (each column's largest absolute value) a column is constant when
    σ_j ≤ √eps · max_i |x_ij|: the rounding of the centring (√eps after the
    cancellation in ``Σx² − n·x̄²``) cannot make a constant column look more variable
    than that, and a column of tiny values that does vary is not called constant.
    Without it, σ_j ≤ 1e-12 · max(1, max_k σ_k).
    """
    huge = np.flatnonzero(~np.isfinite(std))
    if huge.size:
        raise ValueError(
            f"{huge.size} column(s) have values whose squares overflow: "
            f"{', '.join(_column_names(huge, feature_names))}. Rescale them."
        )
    if magnitude is None:
        threshold = 1e-12 * max(1.0, float(np.max(std, initial=0.0)))
    else:
        threshold = np.sqrt(np.finfo(dtype).eps) * np.asarray(magnitude, dtype=np.float64)
    const = np.flatnonzero(~(std > threshold))
    if const.size:
        raise ValueError(
            f"standardize=True but {const.size} column(s) have zero variance: "
            f"{', '.join(_column_names(const, feature_names))}. Drop them or use "
            "standardize=False."
        )


def _column_names(columns, feature_names=None, shown=10):
    """The names of the first ``shown`` columns (``X[:, j]`` without names), and "..."
    when there are more."""
    names = [
        str(feature_names[j]) if feature_names is not None else f"X[:, {j}]"
        for j in columns[:shown]
    ]
    return names + ["..."] if len(columns) > shown else names


def working_dtype(X):
    """The dtype the solvers will work in for this input: float32 stays float32,
    everything else becomes float64 (as :func:`check_matrix` converts it)."""
    return np.float32 if getattr(X, "dtype", None) == np.float32 else np.float64


def check_representable(coef, intercept, dtype):
    """A solution whose true value overflows ``dtype`` is an error, never NaN or inf."""
    if not (np.all(np.isfinite(coef)) and np.isfinite(intercept)):
        raise ValueError(
            f"the solution is too large to represent in {np.dtype(dtype).name} "
            "(coefficients or intercept overflow): rescale X or y."
        )


def check_target_shape(y, n_samples) -> np.ndarray:
    """``y`` as a 1-D array of ``n_samples`` values (a single column is flattened)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y.shape}.")
    if y.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} samples but y has {y.shape[0]}.")
    return y


def binary_target(y, n_samples, model="this model"):
    """Two-class labels (any two values) → ``(classes, y01)``, ``y01`` 1.0 where ``y`` is
    ``classes[1]``; clear errors otherwise (``model`` names the caller in them).

    Examples
    --------
    >>> binary_target(["no", "yes", "yes"], 3)
    (array(['no', 'yes'], dtype='<U3'), array([0., 1., 1.]))
    """
    y = check_target_shape(y, n_samples)
    if y.dtype.kind in "fc" and not np.all(np.isfinite(y)):
        raise ValueError(f"y contains {int(np.sum(~np.isfinite(y)))} NaN or infinite value(s).")
    if y.dtype.kind == "O" and any(v is None or v != v for v in y):
        raise ValueError("y contains missing values (None or NaN).")
    classes, y01 = np.unique(y, return_inverse=True)
    if classes.size != 2:
        which = "only one class" if classes.size < 2 else f"{classes.size} classes"
        raise ValueError(
            f"Only binary classification is supported: {model} needs exactly two "
            f"classes; y has {which}: {classes[:10].tolist()}."
        )
    return classes, y01.astype(np.float64)
