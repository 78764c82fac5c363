"""scikit-learn's estimator contract for the multi-task, group, Poisson and multinomial
models (every check,
no expected failures), and their parameter contract.

The sample-weight equivalence checks compare predictions to rtol 1e-7: the models are
checked at tol=1e-12, so that the comparison measures the weighting and not the stopping
point (see ``test_selection_estimator_checks.py``)."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import (
    GroupLasso,
    GroupLassoCV,
    MultinomialLogisticRegression,
    MultinomialLogisticRegressionCV,
    MultiTaskElasticNet,
    MultiTaskElasticNetCV,
    MultiTaskLasso,
    MultiTaskLassoCV,
    PoissonElasticNet,
    PoissonElasticNetCV,
    PoissonLasso,
    PoissonLassoCV,
)

ESTIMATORS = [
    MultiTaskLasso(alpha=0.1, tol=1e-12, max_iter=20_000),
    MultiTaskElasticNet(alpha=0.1, tol=1e-12, max_iter=20_000),
    GroupLasso(alpha=0.1, tol=1e-12, max_iter=20_000),
    # a fixed grid: the default one is extended to α ~ 1e-10 on these tiny noiseless
    # problems, where two certified fits of 1e-12 may differ by 1e-9 (the checks' atol)
    MultiTaskLassoCV(alphas=[1.0, 0.3, 0.1], cv=2, tol=1e-12),
    MultiTaskElasticNetCV(l1_ratio=[0.5, 1.0], alphas=[1.0, 0.3, 0.1], cv=2, tol=1e-12),
    GroupLassoCV(n_alphas=5, cv=2, tol=1e-12),
    PoissonLasso(alpha=0.01, tol=1e-12),
    # α = 0.05: at 0.01 the ridge part's curvature (α(1 − ρ) = 0.005) lets two fits of
    # gap 1e-15, whose objectives agree to the last bits, differ by 2e-7 in their
    # coefficients, and the check would measure rounding (9 non-zeros of 30 here)
    PoissonElasticNet(alpha=0.05, tol=1e-12),
    PoissonLassoCV(alphas=[1.0, 0.3, 0.1], cv=2, tol=1e-12),
    PoissonElasticNetCV(l1_ratio=[0.5, 1.0], alphas=[1.0, 0.3, 0.1], cv=2, tol=1e-12),
    MultinomialLogisticRegression(alpha=0.01, tol=1e-12),
    MultinomialLogisticRegression(alpha=0.01, grouped=True, l1_ratio=0.5, tol=1e-12),
    MultinomialLogisticRegressionCV(alphas=[0.3, 0.1, 0.03], cv=2, tol=1e-12),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("Estimator", [type(e) for e in ESTIMATORS])
def test_every_parameter_has_a_constraint(Estimator):
    assert set(Estimator._parameter_constraints) == set(Estimator().get_params())
