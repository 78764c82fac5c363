"""shrinkage: fast, certified and explained L1 / L2 / elastic-net regularization.

Every model minimises ``1/(2n)‖y − Xw − b‖² + α · penalty(w)`` with the penalty L1, L2
(½‖w‖²) or their elastic-net mix, and every solution carries its duality-gap certificate.
"""

from . import lab, penalties, selection
from .advice import advise
from .estimators import ElasticNet, Lasso, Ridge, SparseLogisticRegression
from .homotopy import HomotopyResult, lasso_homotopy
from .path import PathResult, path
from .penalties import L1, L2
from .selection import (
    AdaptiveLasso,
    ElasticNetCV,
    LassoCV,
    LassoIC,
    RelaxedLasso,
    SparseLogisticRegressionCV,
    StabilitySelection,
    stability_selection,
)
from .solvers import SolverResult, solve
from .solvers.logistic import logistic_alpha_max, solve_logistic

__version__ = "0.1.0"

__all__ = [
    "AdaptiveLasso",
    "ElasticNetCV",
    "HomotopyResult",
    "LassoCV",
    "LassoIC",
    "RelaxedLasso",
    "SparseLogisticRegressionCV",
    "StabilitySelection",
    "selection",
    "stability_selection",
    "ElasticNet",
    "L1",
    "L2",
    "Lasso",
    "PathResult",
    "Ridge",
    "SolverResult",
    "SparseLogisticRegression",
    "logistic_alpha_max",
    "solve_logistic",
    "advise",
    "lab",
    "lasso_homotopy",
    "path",
    "penalties",
    "solve",
]
