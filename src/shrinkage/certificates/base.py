"""What a certificate proves, whatever the loss: :class:`Certificate` and its reading.

A certificate holds a primal value P(w) and a dual value D(θ) ≤ P(w*), so that the
duality gap ``P(w) − D(θ)`` bounds how far w is from optimal in objective value; the
relative gap divides it by P(0), the objective at w = 0 with the intercept fitted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GAP_ROUNDING", "Certificate", "certified", "describe_gap", "penalty_value"]

# A computed gap is ≥ 0 up to the rounding of P − D, two sums of about P(0) each: a
# relative gap below −GAP_ROUNDING is a broken certificate (underflow, a wrong dual
# point), never a proof of optimality.
GAP_ROUNDING = 1e-9


def describe_gap(relative_gap, tol) -> str:
    """Why a relative gap does not certify ``tol``, in words for a warning."""
    if relative_gap < -GAP_ROUNDING:
        return (
            f"the certificate failed: its duality gap is negative ({relative_gap:.3g} of P(0), "
            "beyond rounding), typical of nearly collinear or very badly scaled columns "
            "(standardize=True, or dropping collinear columns, may help)"
        )
    return f"relative duality gap {relative_gap:.3g} > tol={tol:.3g}"


def certified(relative_gap, tol) -> bool:
    """Whether a relative duality gap proves ``tol``: ``−GAP_ROUNDING ≤ gap ≤ tol``
    (NaN never does)."""
    return bool(-GAP_ROUNDING <= relative_gap <= tol)


def penalty_value(w, l1_weight, l2_weight, positive) -> float:
    """``Σ_j a_j|w_j| + ½ b_j w_j²``, or ``inf`` where w violates ``w ≥ 0``."""
    if positive and np.any(w < 0):
        return np.inf
    return float(l1_weight @ np.abs(w) + 0.5 * l2_weight @ (w * w))


@dataclass(frozen=True)
class Certificate:
    """What a solution proves about itself.

    Attributes
    ----------
    primal : float
        P(w).
    dual : float
        D(θ) for the feasible dual point built from w.
    dual_gap : float
        ``primal − dual`` (≥ 0 up to rounding): an upper bound on ``P(w) − P(w*)``.
    primal_at_zero : float
        P(0) (with the intercept still fitted), the scale of the relative gap.
    relative_gap : float
        ``dual_gap / primal_at_zero``; solvers stop when it is ``≤ tol``.
    kkt_residual : ndarray or None
        Per-feature distance of ``−∇loss`` to the penalty's subdifferential (0 at
        optimum); None when the solver was asked for its largest value only (the points
        of a path, which keep no per-feature vector).
    largest_kkt : float or None
        That largest value, when ``kkt_residual`` is None.

    Examples
    --------
    >>> cert = Certificate.from_bounds(1.5, 1.25, 2.0, np.array([0.0, 0.1]))
    >>> cert.dual_gap, cert.relative_gap, cert.max_kkt_residual
    (0.25, 0.125, 0.1)
    """

    primal: float
    dual: float
    dual_gap: float
    primal_at_zero: float
    relative_gap: float
    kkt_residual: np.ndarray | None
    largest_kkt: float | None = None

    @classmethod
    def from_bounds(cls, primal, dual, primal_at_zero, kkt_residual, largest_kkt=None):
        """The certificate of the bounds ``dual ≤ P(w*) ≤ primal``: the gap, and the gap
        relative to P(0) (to 1 where P(0) = 0, a fit that is exact at w = 0)."""
        gap = primal - dual
        scale = primal_at_zero if primal_at_zero > 0 else 1.0
        return cls(primal, dual, gap, primal_at_zero, gap / scale, kkt_residual, largest_kkt)

    @property
    def max_kkt_residual(self) -> float:
        if self.kkt_residual is None:
            return float(self.largest_kkt)
        return float(np.max(self.kkt_residual, initial=0.0))
