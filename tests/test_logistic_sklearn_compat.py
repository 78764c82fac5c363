"""SparseLogisticRegression passes every scikit-learn estimator check, none expected to fail."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage.estimators.logistic import SparseLogisticRegression


# A tight tolerance: the sample-weight equivalence checks compare predictions at rtol 1e-7.
@parametrize_with_checks([SparseLogisticRegression(tol=1e-12)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
