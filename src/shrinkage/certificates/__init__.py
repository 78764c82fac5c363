"""Certificates of optimality: the duality gap and KKT residual of any candidate.

A certificate never trusts the solver: from the coefficients, the data and the penalty
weights it builds a feasible dual point θ and the bound ``D(θ) ≤ P(w*) ≤ P(w)``, so the
gap ``P(w) − D(θ)`` proves how far w is from optimal in objective value.

- :mod:`.base` — :class:`Certificate` and how a gap is read (:func:`certified`,
  :func:`describe_gap`), whatever the loss.
- :mod:`.squared` — squared loss on the effective design (:func:`certify`).
- :mod:`.glm` — any loss of :mod:`shrinkage.losses` with an intercept and an offset
  (:func:`certify_glm`);
- :mod:`.logistic` — mean log-loss (:func:`certify_logistic`), with its gap-safe test;
- :mod:`.poisson` — Poisson deviance (:func:`certify_poisson`).

The loss parts of P and D come from :mod:`shrinkage.losses`; the penalty's conjugate
from :mod:`shrinkage.penalties`.
"""

from .base import GAP_ROUNDING, Certificate, certified, describe_gap, penalty_value
from .glm import certify_from_prediction, certify_glm
from .logistic import certify_logistic
from .poisson import certify_poisson
from .squared import certify, columns_of, dual_point, primal_value

__all__ = [
    "GAP_ROUNDING", "Certificate", "certified", "certify", "certify_from_prediction",
    "certify_glm", "certify_logistic", "certify_poisson", "columns_of", "describe_gap",
    "dual_point", "penalty_value", "primal_value",
]  # fmt: skip
