"""scikit-learn's own estimator checks, every one of them, with no expected failures; and
the parameter contract of every estimator (``_parameter_constraints`` and ``fit`` under
``_fit_context``)."""

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import ElasticNet, Lasso, Ridge, selection
from shrinkage.estimators import SparseLogisticRegression

ALL_ESTIMATORS = [
    Lasso, ElasticNet, Ridge, SparseLogisticRegression, selection.LassoCV,
    selection.ElasticNetCV, selection.SparseLogisticRegressionCV, selection.LassoIC,
    selection.RelaxedLasso, selection.AdaptiveLasso, selection.StabilitySelection,
]  # fmt: skip


@parametrize_with_checks([Lasso(), ElasticNet(), Ridge()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("Estimator", ALL_ESTIMATORS)
def test_every_parameter_has_a_constraint(Estimator):
    assert set(Estimator._parameter_constraints) == set(Estimator().get_params())


@pytest.mark.parametrize(
    ("estimator", "parameter"),
    [
        (selection.LassoCV(cv="five"), "cv"),
        (selection.ElasticNetCV(n_jobs="two"), "n_jobs"),
        (selection.SparseLogisticRegressionCV(random_state="seed"), "random_state"),
        (selection.StabilitySelection(complementary_pairs="yes"), "complementary_pairs"),
        (Lasso(penalty_factor=1.0), "penalty_factor"),
    ],
)
def test_scikit_learn_validates_what_the_own_checks_leave_out(estimator, parameter):
    X = np.random.default_rng(0).standard_normal((20, 3))
    y = (X[:, 0] > 0).astype(int)
    # scikit-learn's InvalidParameterError is a ValueError (and a TypeError)
    with pytest.raises(ValueError, match=f"The '{parameter}' parameter of"):
        estimator.fit(X, y)


def test_the_own_message_comes_first():
    """Where both check a value, the package's message (shared with the functional API)
    is the one raised."""
    X = np.random.default_rng(0).standard_normal((20, 3))
    with pytest.raises(ValueError, match=r"l1_ratio must be a number in \[0, 1\]"):
        ElasticNet(l1_ratio=2.0).fit(X, X[:, 0])
    with pytest.raises(ValueError, match="selection must be 'min' or '1se'"):
        selection.LassoCV(selection="max").fit(X, X[:, 0])
    with pytest.raises(ValueError, match=r"threshold must be in \(0.5, 1\]"):
        selection.StabilitySelection(threshold=0.4).fit(X, X[:, 0])
