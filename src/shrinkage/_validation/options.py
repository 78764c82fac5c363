"""Checks of the options: α and its grid, tolerances, budgets, flags and weights."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np

__all__ = [
    "check_alpha",
    "check_alpha_min_ratio",
    "check_alphas",
    "check_finite_weights",
    "check_fit_options",
    "check_flag",
    "check_grid_parameters",
    "check_max_iter",
    "check_n_alphas",
    "check_positive_alpha",
    "check_tol",
    "tol_floor",
]


def check_alpha(alpha, name="alpha"):
    """``alpha`` must be a finite real ``>= 0``."""
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(f"{name} must be a real number, got {type(alpha).__name__}.")
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {alpha!r}.")
    return float(alpha)


def check_positive_alpha(alpha, fit):
    """``alpha`` a finite real ``> 0``: the ``fit`` (named in the message) certifies with
    a dual point that needs every coefficient penalised, which α = 0 is not."""
    alpha = check_alpha(alpha)
    if alpha == 0:
        raise ValueError(
            f"{fit} fits need alpha > 0 (at alpha = 0 nothing is penalised: that is least "
            "squares, e.g. numpy.linalg.lstsq)."
        )
    return alpha


def check_fit_options(estimator, flags=("fit_intercept", "standardize", "positive")):
    """``tol > 0``, integer ``max_iter >= 1`` and boolean flags of an estimator (the
    same checks as the functional API's)."""
    tol = estimator.tol
    if isinstance(tol, bool) or not isinstance(tol, Real) or not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a number > 0 (and finite), got {tol!r}.")
    check_max_iter(estimator.max_iter)
    for name in flags:
        check_flag(getattr(estimator, name), name)


def tol_floor(dtype) -> float:
    """The smallest relative duality gap worth asking for in ``dtype``: below its
    machine epsilon the rounding of the coefficients alone moves the objective by more
    than the target (float32: 1.2e-7; float64: 2.2e-16)."""
    return float(np.finfo(dtype).eps)


def check_tol(tol, dtype=np.float64) -> float:
    """``tol``: a finite number > 0, raised to :func:`tol_floor` of ``dtype`` with a
    warning when below it, so that a target that cannot be certified is never silently
    missed."""
    if isinstance(tol, bool) or not isinstance(tol, Real):
        raise TypeError(f"tol must be a number > 0, got {tol!r}.")
    if not (np.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a number > 0 (and finite), got {tol!r}.")
    floor = tol_floor(dtype)
    if tol < floor:
        warnings.warn(
            f"tol={tol:.3g} is below what {np.dtype(dtype).name} data can certify; using "
            f"tol={floor:.3g} (pass float64 data for a tighter target).",
            UserWarning,
            stacklevel=3,
        )
        return floor
    return float(tol)


def check_alphas(alphas) -> np.ndarray:
    """A user's α grid for a path, sorted decreasing: finite and > 0. At α = 0 nothing
    is penalised and the least-squares solution need not be unique; fit it with
    ``solve(..., alpha=0)`` (or an unpenalised model), not on a path."""
    grid = np.sort(np.asarray(alphas, dtype=np.float64).ravel())[::-1]
    if grid.size == 0 or not np.all(np.isfinite(grid)):
        raise ValueError("alphas must be a non-empty array of finite values > 0.")
    if np.any(grid <= 0):
        raise ValueError(
            "alphas must be > 0 on a path: at alpha = 0 nothing is penalised and the "
            "least-squares solution need not be unique. Drop 0 from the grid, or fit it "
            "alone with shrinkage.solve(X, y, alpha=0)."
        )
    return grid.copy()


def check_n_alphas(n_alphas) -> int:
    """An integer ``>= 1``."""
    if isinstance(n_alphas, bool) or not isinstance(n_alphas, Integral) or n_alphas < 1:
        raise ValueError(f"n_alphas must be a positive integer, got {n_alphas!r}.")
    return int(n_alphas)


def check_alpha_min_ratio(ratio):
    """None (the default rule) or a number in (0, 1]."""
    if ratio is None:
        return None
    if isinstance(ratio, bool) or not isinstance(ratio, Real) or not 0 < ratio <= 1:
        raise ValueError(f"alpha_min_ratio must be in (0, 1], got {ratio!r}.")
    return float(ratio)


def check_max_iter(max_iter, name="max_iter") -> int:
    """An integer ``>= 1`` (bools and floats such as 10.5 are refused)."""
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral):
        raise TypeError(f"{name} must be an integer, got {max_iter!r}.")
    if max_iter < 1:
        raise ValueError(f"{name} must be >= 1, got {max_iter}.")
    return int(max_iter)


def check_flag(value, name) -> bool:
    """``True`` or ``False`` (NumPy bools too); strings such as ``"yes"`` are refused."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return bool(value)


def check_finite_weights(l1_weight, l2_weight):
    """Penalty weights (α, factors and column scales multiplied out) must be finite:
    an infinite one means the solution's scale cannot be represented."""
    if not (np.all(np.isfinite(l1_weight)) and np.all(np.isfinite(l2_weight))):
        raise ValueError(
            "the penalty weights overflow float64 for these data and alpha (the solution "
            "is too large to represent): rescale X or y, or choose another alpha."
        )


def check_grid_parameters(alphas, n_alphas, alpha_min_ratio):
    """The α-grid parameters as :func:`shrinkage.path` takes them: a given grid wins
    (finite, > 0, sorted decreasing) and the other two are then not looked at; else
    ``n_alphas`` (an integer ≥ 1) and ``alpha_min_ratio`` (None or in (0, 1]).

    Returns ``(alphas, n_alphas, alpha_min_ratio)``, checked (``alphas`` None when not
    given).

    Examples
    --------
    >>> check_grid_parameters([0.1, 1.0], 100, None)
    (array([1. , 0.1]), 100, None)
    """
    if alphas is not None:
        return check_alphas(alphas), n_alphas, alpha_min_ratio
    return None, check_n_alphas(n_alphas), check_alpha_min_ratio(alpha_min_ratio)
