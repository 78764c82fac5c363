"""scikit-learn-compatible estimators (thin: validation + :func:`shrinkage.solve`)."""

from .linear import ElasticNet, Lasso, Ridge

__all__ = ["ElasticNet", "Lasso", "Ridge"]
