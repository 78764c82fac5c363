"""What a path is asked for, what it records at each point, and how the points become a
:class:`~shrinkage.path.result.PathResult`."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..penalties import Penalty
from .result import PathResult
from .rows import DenseRows, SparseRows, support_summary

__all__ = ["POINT_FIELDS", "PathRequest", "assemble", "new_points", "output_rows"]

# the statistics of each point, a record per α (a NumPy structured array)
POINT_FIELDS = np.dtype([
    ("intercept", np.float64), ("dual_gap", np.float64), ("relative_gap", np.float64),
    ("n_iter", np.int64), ("seconds", np.float64), ("n_screened", np.int64),
])  # fmt: skip


@dataclass(frozen=True)
class PathRequest:
    """A validated call of :func:`shrinkage.path`: the problem's options and the
    strategy's switches (which only the squared loss reads)."""

    penalty: Penalty
    alphas: np.ndarray | None
    n_alphas: int
    alpha_min_ratio: float | None
    fit_intercept: bool
    sample_weight: object
    standardize: bool
    tol: float
    max_iter: int
    feature_names: object
    coef_format: str
    strategy: str = "auto"
    warm_start: bool = True
    screening: bool = True
    extrapolation: bool = True
    offset: np.ndarray | None = None


def new_points(n_alphas):
    """Zeroed statistics for ``n_alphas`` points (:data:`POINT_FIELDS`).

    Examples
    --------
    >>> points = new_points(2)
    >>> points[0] = (0.5, 1e-9, 1e-10, 3, 0.001, 7)
    >>> int(points["n_iter"][0]), int(points["n_screened"].sum())
    (3, 7)
    """
    return np.zeros(n_alphas, dtype=POINT_FIELDS)


def output_rows(coef_format, n_alphas, p, dtype):
    """Where the coefficients of each point go: a dense block or sparse rows."""
    if coef_format == "dense":
        return DenseRows(np.zeros((n_alphas, p), dtype=dtype))
    return SparseRows(n_alphas, p, dtype)


def assemble(alphas, coefs, points, request, loss, start, strategy, tol):
    """The :class:`PathResult` of solved points (``start``: the ``perf_counter`` at the
    call, for the total time)."""
    p = coefs.shape[1]
    entry, n_active = support_summary(coefs, alphas)
    feature_names = request.feature_names
    if feature_names is not None:
        feature_names = np.asarray(feature_names, dtype=object)
        if feature_names.shape != (p,):
            raise ValueError(f"feature_names has {feature_names.size} names for {p} features.")
    timings = {"total": time.perf_counter() - start, "per_alpha": points["seconds"].copy()}
    return PathResult(
        alphas=alphas,
        coefs=coefs,
        intercepts=points["intercept"].copy(),
        dual_gaps=points["dual_gap"].copy(),
        relative_gaps=points["relative_gap"].copy(),
        n_iter=points["n_iter"].astype(int),
        n_active=n_active,
        n_screened=points["n_screened"].astype(int),
        entry_alpha=entry,
        timings=timings,
        _names=feature_names,
        l1_ratio=float(request.penalty.l1_ratio),
        loss=loss,
        strategy=strategy,
        tol=tol,
        penalty=request.penalty,
        fit_intercept=request.fit_intercept,
        standardize=request.standardize,
    )
