"""Solvers for ``1/(2n)‖y − Xw − b‖² + α·penalty(w)``, each returning a certified result.

- :func:`coordinate_descent` — cyclic, exact coordinate steps (the workhorse);
- :func:`proximal_gradient` — ISTA / FISTA with restart and backtracking;
- :func:`ridge_closed_form` — Cholesky / kernel Cholesky / SVD, by shape;
- :func:`subgradient_descent` — for teaching: does *not* produce exact zeros;
- :func:`solve` — validation, design, weights and dispatch in one call.
"""

from ._result import SolverResult
from .api import solve
from .coordinate_descent import coordinate_descent
from .proximal_gradient import proximal_gradient
from .ridge import ridge_closed_form
from .subgradient import subgradient_descent

__all__ = [
    "SolverResult",
    "coordinate_descent",
    "proximal_gradient",
    "ridge_closed_form",
    "solve",
    "subgradient_descent",
]
