"""A logistic problem validated and laid out once: :func:`prepare_logistic`.

Every α of a path, every fold of a cross-validation, reuses the result: validation, the
weights' normalisation, the dense or sparse layout and the column scales of
``standardize=True`` are computed once per problem, not once per solve (a 10-fold CV
with 100 α solves 1000 times). The weights and the scales are those of every other loss:
:func:`shrinkage.losses.normalise_sample_weight` and the effective design's
:meth:`~shrinkage.design.Design.column_std`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from .._validation import check_sample_weight, check_varying_columns
from ..design import make_design
from ..losses import LogisticLoss
from .api import validate_xy

__all__ = ["LogisticData", "prepare_logistic"]

LOSS = LogisticLoss()


def _check_binary(y, s, sample_weight):
    """Labels 0/1, both classes with positive weight, and both resolvable in float64."""
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5].tolist()
        raise ValueError(f"y must be coded 0/1 for logistic loss; found values {bad}.")
    for label in (0, 1):
        members = y == label
        if not np.any(members):
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; only "
                f"one class is present (no sample has y = {label})."
            )
        if sample_weight is not None and not np.any(sample_weight[members] > 0):
            raise ValueError(
                "Logistic regression needs both classes with positive sample weight; only "
                f"one class is present: every sample with y = {label} has weight 0."
            )
    prior = float(s @ y) / float(s.sum())
    if not 0.0 < prior < 1.0:
        # both classes have positive weight, but one is below float64's resolution
        small = 0 if prior >= 1.0 else 1
        log_share = _log10_total(sample_weight[y == small]) - _log10_total(sample_weight)
        exponent = int(np.floor(log_share))  # the share may be below float64's range
        share = f"{10 ** (log_share - exponent):.1f}e{exponent}"
        raise ValueError(
            f"sample_weight is too uneven for float64: class {small} has positive weight, "
            f"but only {share} of the total, which rounds the class prior "
            "to exactly 0 or 1 (or the weights to 0), so the loss would see one class. "
            "Clip the largest weights: each class needs more than about 1e-16 of the total."
        )


def _log10_total(weights):
    """``log10(Σ weights)`` without overflow or underflow in the sum."""
    largest = float(np.max(weights))
    return np.log10(largest) + np.log10(float(np.sum(weights / largest)))


@dataclass(eq=False)
class LogisticData:
    """One validated logistic problem, prepared once for every α of a path.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy.sparse.csc_matrix
        The caller's matrix or a canonical copy, never written to.
    y : ndarray
        Labels 0/1 as float64.
    s : ndarray
        Sample weights normalised to sum to n.
    scale : ndarray or None
        Column scales σ_j of ``standardize=True`` (None: 1).
    fit_intercept : bool
    primal_at_zero : float
        P(0), the scale of the relative gap.
    """

    X: np.ndarray | sp.csc_matrix
    y: np.ndarray
    s: np.ndarray
    scale: np.ndarray | None
    fit_intercept: bool
    primal_at_zero: float

    @cached_property
    def dual_column_norms(self):
        """``‖X_j − x̄_j‖`` (plain mean) with an intercept, ``‖X_j‖`` without: what the
        gap-safe test multiplies its radius by
        (:func:`~shrinkage.certificates.logistic.gap_safe_zeros`). Centring by
        subtraction of ``n·x̄²`` cancels, so the bound of that rounding
        (``(n + 2)·ε·‖X_j‖²``) is added back: the norms are never underestimated."""
        X, n = self.X, self.X.shape[0]
        if sp.issparse(X):
            squares = np.asarray(X.multiply(X).sum(axis=0), dtype=np.float64).ravel()
            sums = np.asarray(X.sum(axis=0), dtype=np.float64).ravel()
        else:
            squares = np.einsum("ij,ij->j", X, X, dtype=np.float64)
            sums = np.asarray(X.sum(axis=0), dtype=np.float64)
        if not self.fit_intercept:
            return np.sqrt(squares)
        centred = np.maximum(squares - sums * sums / n, 0.0)
        return np.sqrt(centred + (n + 2) * np.finfo(float).eps * squares)

    @cached_property
    def rows(self):
        """The CSR copy of sparse X with sorted indices, for the row-wise Gram kernel
        (made on first use, then kept for every α)."""
        rows = self.X.tocsr()
        rows.sort_indices()
        return rows


def prepare_logistic(X, y, sample_weight=None, standardize=False, fit_intercept=True):
    """Validate and lay out a logistic problem once (:class:`LogisticData`).

    X becomes CSC (canonical) or Fortran-ordered dense, y float64 0/1, the weights sum
    to n; with ``standardize`` the weighted column standard deviations (1/n) of the
    effective design (:func:`~shrinkage.design.make_design`, centred when the intercept
    is fitted; made for them and dropped) are the penalty's scales.
    """
    X, y = validate_xy(X, y)
    y = np.asarray(y, dtype=np.float64)
    n = X.shape[0]
    weights = check_sample_weight(sample_weight, n)
    s = LOSS.normalise_weights(weights, n)
    _check_binary(y, s, weights)
    if sp.issparse(X):
        X = X.tocsc()
        if not X.has_canonical_format:
            # the row-wise Gram kernel reads each (row, column) entry once; a copy, so
            # that the caller's matrix is never written to
            X = X.copy()
            X.sum_duplicates()
    else:
        X = np.asfortranarray(X)
    scale = None
    if standardize:
        scale = make_design(X, y, weights, fit_intercept).column_std()
        check_varying_columns(scale)
    primal_at_zero = LOSS.primal_at_zero(y, s, fit_intercept)
    return LogisticData(X, y, s, scale, bool(fit_intercept), primal_at_zero)
