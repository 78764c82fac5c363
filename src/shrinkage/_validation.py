"""Input checks shared by the functional API and the estimators.

Every message names the problem and the offending columns or values, so a user never sees
a numba traceback or a silent wrong answer.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp

__all__ = [
    "check_alpha",
    "check_fit_options",
    "check_matrix",
    "check_non_numeric",
    "check_sample_weight",
    "check_target",
    "check_varying_columns",
]


def check_alpha(alpha, name="alpha"):
    """``alpha`` must be a finite real ``>= 0``."""
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"{name} must be a real number, got {type(alpha).__name__}.")
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {alpha!r}.")
    return float(alpha)


def check_matrix(X, name="X"):
    """A finite, non-empty 2-D float32/float64 array or CSC matrix, as scikit-learn's
    ``check_array(accept_sparse="csc", dtype=[float64, float32])`` gives, with its
    messages, without importing scikit-learn (``import shrinkage`` stays light for
    :func:`shrinkage.path` and :func:`shrinkage.solve`)."""
    check_non_numeric(X, name)
    if sp.issparse(X):
        X = X if X.format == "csc" else X.tocsc()
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
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y.shape}.")
    if y.shape[0] != n_samples:
        raise ValueError(f"X has {n_samples} samples but y has {y.shape[0]}.")
    if y.dtype.kind not in "biuf":
        try:
            y = y.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"y must be numeric, got dtype {y.dtype}: {exc}") from exc
    if not np.all(np.isfinite(y)):
        raise ValueError(f"y contains {int(np.sum(~np.isfinite(y)))} NaN or infinite value(s).")
    return y


def check_sample_weight(sample_weight, n_samples):
    """Finite, non-negative weights with a positive sum; returned as float64 or None."""
    if sample_weight is None:
        return None
    if isinstance(sample_weight, Real):
        return np.full(n_samples, float(sample_weight))
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
    if s.sum() <= 0:
        raise ValueError("sample_weight sums to zero: at least one sample needs weight > 0.")
    return s


def check_varying_columns(std, feature_names=None):
    """With ``standardize=True`` every column must vary (σ_j > 0)."""
    const = np.flatnonzero(~(std > 1e-12 * max(1.0, float(np.max(std, initial=0.0)))))
    if const.size:
        names = (
            [str(feature_names[j]) for j in const[:10]]
            if feature_names is not None
            else [f"X[:, {j}]" for j in const[:10]]
        )
        more = " ..." if const.size > 10 else ""
        raise ValueError(
            f"standardize=True but {const.size} column(s) have zero variance: "
            f"{', '.join(names)}{more}. Drop them or use standardize=False."
        )


def is_sparse(X):
    return sp.issparse(X)


def check_fit_options(estimator, flags=("fit_intercept", "standardize", "positive")):
    """``tol > 0``, integer ``max_iter >= 1`` and boolean flags of an estimator."""
    tol, max_iter = estimator.tol, estimator.max_iter
    if isinstance(tol, bool) or not isinstance(tol, Real) or not tol > 0:
        raise ValueError(f"tol must be a number > 0, got {tol!r}.")
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral):
        raise TypeError(f"max_iter must be an integer, got {max_iter!r}.")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}.")
    for name in flags:
        if not isinstance(getattr(estimator, name), bool | np.bool_):
            raise TypeError(f"{name} must be True or False, got {getattr(estimator, name)!r}.")
