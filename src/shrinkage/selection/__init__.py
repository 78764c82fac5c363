"""Model selection: cross-validation (min and one-standard-error rules), information
criteria, relaxed and adaptive lasso, stability selection."""

from .adaptive import AdaptiveLasso
from .cross_validation import ElasticNetCV, LassoCV
from .information_criteria import LassoIC, information_criterion
from .logistic_cv import SparseLogisticRegressionCV
from .relaxed import RelaxedLasso, least_squares_on_support
from .stability import StabilityResult, StabilitySelection, stability_selection

__all__ = [
    "AdaptiveLasso",
    "ElasticNetCV",
    "LassoCV",
    "LassoIC",
    "RelaxedLasso",
    "SparseLogisticRegressionCV",
    "StabilityResult",
    "StabilitySelection",
    "information_criterion",
    "least_squares_on_support",
    "stability_selection",
]
