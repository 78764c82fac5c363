"""Regularization paths: the solution for every α of a decreasing grid, warm-started,
each point certified.

- :mod:`.api` — :func:`path`, which validates and dispatches on the loss;
- :mod:`.grid` — the one α-grid rule;
- :mod:`.strategy` — homotopy, Gram, working sets or plain CD for the squared loss;
- :mod:`.squared`, :mod:`.logistic` — the driver of each loss;
- :mod:`.homotopy`, :mod:`.homotopy_points`, :mod:`.active_factor` — the exact lasso
  path (LARS-lasso) and its reading on a grid;
- :mod:`.points`, :mod:`.rows`, :mod:`.result` — what is recorded at each point, where
  the coefficients go, and the frozen :class:`PathResult`.
"""

from .api import path, warn_unconverged
from .grid import RIDGE_GRID_L1_RATIO, alpha_grid, default_alpha_min_ratio
from .result import PathResult

__all__ = [
    "RIDGE_GRID_L1_RATIO", "PathResult", "alpha_grid", "default_alpha_min_ratio", "path",
    "warn_unconverged",
]  # fmt: skip
