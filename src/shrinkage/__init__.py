"""shrinkage: fast, certified and explained L1 / L2 / elastic-net regularization.

Every model minimises ``1/(2n)‖y − Xw − b‖² + α · penalty(w)`` with the penalty L1, L2
(½‖w‖²) or their elastic-net mix, and every solution carries its duality-gap certificate.
"""

from . import lab, penalties
from .advice import advise
from .estimators import ElasticNet, Lasso, Ridge
from .path import PathResult, path
from .penalties import L1, L2
from .solvers import SolverResult, solve

__version__ = "0.1.0"

__all__ = [
    "ElasticNet",
    "L1",
    "L2",
    "Lasso",
    "PathResult",
    "Ridge",
    "SolverResult",
    "advise",
    "lab",
    "path",
    "penalties",
    "solve",
]
