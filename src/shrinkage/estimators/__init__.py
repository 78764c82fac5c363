"""scikit-learn-compatible estimators (thin: validation + :func:`shrinkage.solve`)."""

from .groups import GroupLasso
from .linear import ElasticNet, Lasso, Ridge
from .logistic import SparseLogisticRegression
from .multitask import MultiTaskElasticNet, MultiTaskLasso

__all__ = [
    "ElasticNet", "GroupLasso", "Lasso", "MultiTaskElasticNet", "MultiTaskLasso", "Ridge",
    "SparseLogisticRegression",
]  # fmt: skip
