"""scikit-learn's estimator contract for every selection estimator (no expected failures)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage.selection import (
    AdaptiveLasso,
    ElasticNetCV,
    LassoCV,
    LassoIC,
    RelaxedLasso,
    SparseLogisticRegressionCV,
    StabilitySelection,
)

# Small grids and few folds keep the ~50 checks per estimator fast. The sample-weight
# equivalence checks compare predictions to rtol 1e-7, finer than the default certified
# precision (relative gap 1e-4): the CV estimators are checked at tol=1e-12 so that the
# comparison measures the weighting, not the stopping point (a relative gap g bounds
# the coefficient error only by ~sqrt(g), so 1e-7 agreement needs g ~ 1e-12 or below).
ESTIMATORS = [
    LassoCV(n_alphas=5, cv=2, tol=1e-12, max_iter=20_000),
    ElasticNetCV(l1_ratio=[0.5, 1.0], n_alphas=4, cv=2, tol=1e-12, max_iter=20_000),
    SparseLogisticRegressionCV(n_alphas=4, cv=2),
    LassoIC(n_alphas=10, noise_variance="profile"),  # n_iter_: path epochs + re-solve
    RelaxedLasso(alpha=0.01),
    AdaptiveLasso(alpha=0.01),
    StabilitySelection(n_subsamples=4, n_alphas=4, random_state=0),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)
