"""shrinkage: fast, certified and explained L1 / L2 / elastic-net regularization.

Every model minimises ``1/(2n)‖y − Xw − b‖² + α · penalty(w)`` with the penalty L1, L2
(½‖w‖²) or their elastic-net mix, and every solution carries its duality-gap certificate.
"""

# First, before the heavy imports: as the ``shrinkage`` command, Ctrl-C while they load
# exits with 130 and no traceback (shrinkage.interrupt, standard library only).
from .interrupt import install_early

install_early()

import importlib

from . import penalties
from .path import PathResult, path
from .path.homotopy import HomotopyResult, lasso_homotopy
from .solvers import SolverResult, solve
from .solvers.logistic import logistic_alpha_max, solve_logistic
from .solvers.poisson import poisson_alpha_max, solve_poisson

# scikit-learn-based parts load on first use, so that ``import shrinkage`` for path /
# solve does not pay for importing scikit-learn (about a second on a small machine)
_LAZY = {
    **dict.fromkeys(["ElasticNet", "GroupLasso", "Lasso", "MultiTaskElasticNet",
                     "MultiTaskLasso", "MultinomialLogisticRegression", "PoissonElasticNet",
                     "PoissonLasso", "Ridge",
                     "SparseLogisticRegression"], "estimators"),
    **dict.fromkeys(
        ["AdaptiveLasso", "ElasticNetCV", "GroupLassoCV", "LassoCV", "LassoIC",
         "MultiTaskElasticNetCV", "MultiTaskLassoCV", "MultinomialLogisticRegressionCV",
         "PoissonElasticNetCV",
         "PoissonLassoCV", "RelaxedLasso",
         "SparseLogisticRegressionCV", "StabilitySelection", "stability_selection"],
        "selection",
    ),
    "advise": "advice",
    "read_parquet": "distributed.io",  # Parquet as Dask or Spark row blocks
    "lab": None,
    "selection": None,
}  # fmt: skip


def __getattr__(name):
    if name in ("L1", "L2"):  # penalties live in shrinkage.penalties, beside the others
        raise AttributeError(
            f"module 'shrinkage' has no attribute {name!r}: the penalty is "
            f"shrinkage.penalties.{name} (the top-level name was removed in 0.8.4)."
        )
    if name not in _LAZY:
        raise AttributeError(f"module 'shrinkage' has no attribute {name!r}")
    home = _LAZY[name]
    module = importlib.import_module(f".{home or name}", __name__)
    value = module if home is None else getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__version__ = "0.8.15"

__all__ = [
    "AdaptiveLasso",
    "ElasticNetCV",
    "GroupLassoCV",
    "HomotopyResult",
    "LassoCV",
    "LassoIC",
    "MultiTaskElasticNetCV",
    "MultiTaskLassoCV",
    "MultinomialLogisticRegressionCV",
    "PoissonElasticNetCV",
    "PoissonLassoCV",
    "RelaxedLasso",
    "SparseLogisticRegressionCV",
    "StabilitySelection",
    "selection",
    "stability_selection",
    "ElasticNet",
    "GroupLasso",
    "Lasso",
    "MultiTaskElasticNet",
    "MultiTaskLasso",
    "MultinomialLogisticRegression",
    "PathResult",
    "PoissonElasticNet",
    "PoissonLasso",
    "Ridge",
    "SolverResult",
    "SparseLogisticRegression",
    "logistic_alpha_max",
    "poisson_alpha_max",
    "solve_logistic",
    "solve_poisson",
    "advise",
    "lab",
    "lasso_homotopy",
    "path",
    "penalties",
    "read_parquet",
    "solve",
]
