"""scikit-learn's own estimator checks, every one of them, with no expected failures."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import ElasticNet, Lasso, Ridge


@parametrize_with_checks([Lasso(), ElasticNet(), Ridge()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
