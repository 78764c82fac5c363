"""scikit-learn-compatible estimators (thin: validation + :func:`shrinkage.solve`)."""

from .groups import GroupLasso
from .linear import ElasticNet, Lasso, Ridge
from .logistic import SparseLogisticRegression
from .multinomial import MultinomialLogisticRegression
from .multitask import MultiTaskElasticNet, MultiTaskLasso
from .poisson import PoissonElasticNet, PoissonLasso

__all__ = [
    "ElasticNet", "GroupLasso", "Lasso", "MultiTaskElasticNet", "MultiTaskLasso",
    "MultinomialLogisticRegression", "PoissonElasticNet", "PoissonLasso", "Ridge",
    "SparseLogisticRegression",
]  # fmt: skip
