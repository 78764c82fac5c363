"""The one result type every solver returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..certificates import Certificate, certify


@dataclass(frozen=True)
class SolverResult:
    """A solution with the certificate that proves how good it is.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Coefficients on the original scale of X.
    intercept : float
        Fitted intercept (0 when not fitted).
    certificate : Certificate
        Duality gap, relative gap and per-feature KKT residual of ``coef``.
    n_iter : int
        Epochs (coordinate descent) or iterations (gradient methods) run.
    converged : bool
        Whether ``certificate.relative_gap <= tol`` was reached.
    tol : float
        The relative duality-gap target.
    solver : str
        Name of the method that produced it.
    history : ndarray
        Relative duality gap at each check (or each iterate, for the teaching solver).
    n_screened : int or None
        Features proven zero at the optimum by the gap-safe test at the returned point,
        when the solver ran that test (the working-set solvers); else None.
    """

    coef: np.ndarray
    intercept: float
    certificate: Certificate
    n_iter: int
    converged: bool
    tol: float
    solver: str
    history: np.ndarray = field(default_factory=lambda: np.empty(0))
    n_screened: int | None = None

    @property
    def dual_gap(self) -> float:
        return self.certificate.dual_gap

    @property
    def relative_gap(self) -> float:
        return self.certificate.relative_gap

    @property
    def n_zeros(self) -> int:
        """Number of coefficients that are *exactly* zero."""
        return int(np.sum(self.coef == 0))


def checked(design, w, l1_weight, l2_weight, positive, history):
    """The certificate of ``w`` (:func:`~shrinkage.certificates.certify`), its relative
    gap appended to ``history``: the periodic check of the iterative solvers."""
    cert = certify(design, w, l1_weight, l2_weight, positive)
    history.append(cert.relative_gap)
    return cert
