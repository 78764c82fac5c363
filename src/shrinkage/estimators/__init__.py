"""scikit-learn-compatible estimators (thin: validation + :func:`shrinkage.solve`)."""

from .linear import ElasticNet, Lasso, Ridge
from .logistic import SparseLogisticRegression

__all__ = ["ElasticNet", "Lasso", "Ridge", "SparseLogisticRegression"]
