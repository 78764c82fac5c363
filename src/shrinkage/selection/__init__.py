"""Model selection: cross-validation (min and one-standard-error rules), information
criteria, relaxed and adaptive lasso, stability selection; and the pieces they share (the
α grid of the full data, the binomial deviance, the one-standard-error rule)."""

from ._common import (
    deviance,
    multinomial_deviance,
    one_standard_error_index,
    poisson_deviance,
    shared_alpha_grid,
)
from .adaptive import AdaptiveLasso
from .cross_validation import ElasticNetCV, LassoCV
from .group_cv import GroupLassoCV
from .information_criteria import LassoIC, information_criterion
from .logistic_cv import SparseLogisticRegressionCV
from .multinomial_cv import MultinomialLogisticRegressionCV
from .multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV
from .poisson_cv import PoissonElasticNetCV, PoissonLassoCV
from .relaxed import RelaxedLasso, least_squares_on_support
from .stability import StabilityResult, stability_selection
from .stability_selector import StabilitySelection

__all__ = [
    "AdaptiveLasso",
    "ElasticNetCV",
    "GroupLassoCV",
    "LassoCV",
    "LassoIC",
    "MultiTaskElasticNetCV",
    "MultinomialLogisticRegressionCV",
    "MultiTaskLassoCV",
    "PoissonElasticNetCV",
    "PoissonLassoCV",
    "RelaxedLasso",
    "SparseLogisticRegressionCV",
    "StabilityResult",
    "StabilitySelection",
    "deviance",
    "information_criterion",
    "least_squares_on_support",
    "multinomial_deviance",
    "one_standard_error_index",
    "poisson_deviance",
    "shared_alpha_grid",
    "stability_selection",
]
