"""scikit-learn's estimator contract, written once for every estimator of the package.

- :class:`ValidatedParameters`: ``fit``, decorated with ``sklearn.base._fit_context``,
  checks the parameters first with the package's own checks (the messages the
  functional API gives for the same values, naming the fix), then against the class's
  ``_parameter_constraints`` (scikit-learn's declaration of every parameter).
- :data:`ALPHA`, :data:`L1_RATIO`, :data:`FIT_OPTIONS`, :data:`PENALTY_OPTIONS`,
  :data:`BOX_OPTIONS` (``lower`` / ``upper``, of the estimators that take a box),
  :data:`GROUP_OPTIONS` (``groups`` / ``group_weights`` of the logistic and Poisson
  models) and :data:`GRID_OPTIONS` (the α grid of :func:`shrinkage.path`): the
  constraints of the parameters several estimators share; :func:`check_group_options`
  the checks of the groups at fit time.
- :func:`regression_data` and :func:`classification_data`: the preamble of every ``fit``,
  from the caller's ``X``, ``y`` and ``sample_weight`` to the arrays the solvers take.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from .._validation import binary_target, check_non_numeric, check_sample_weight, check_target
from ..path.api import is_distributed

__all__ = [
    "ALPHA",
    "BOX_OPTIONS",
    "FIT_OPTIONS",
    "GRID_OPTIONS",
    "GROUP_OPTIONS",
    "L1_RATIO",
    "PENALTY_OPTIONS",
    "ValidatedParameters",
    "check_group_options",
    "classification_data",
    "multiclass_data",
    "regression_data",
    "store_parameters",
]

ALPHA = [Interval(Real, 0, None, closed="left")]
L1_RATIO = [Interval(Real, 0, 1, closed="both")]

FIT_OPTIONS = {
    "fit_intercept": ["boolean"],
    "standardize": ["boolean"],
    "tol": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
}

PENALTY_OPTIONS = {
    "penalty_factor": ["array-like", None],
    "positive": ["boolean"],
}

# Kept apart from PENALTY_OPTIONS: only the squared, logistic and Poisson estimators (and
# their CV) take a box, and scikit-learn requires the constraints to name exactly the
# parameters of each estimator.
BOX_OPTIONS = {
    "lower": ["array-like", Real, None],
    "upper": ["array-like", Real, None],
}

# Feature groups of the logistic and Poisson models and their CV (the group lasso of
# shrinkage.solvers.group_glm); GroupLasso declares the same two.
GROUP_OPTIONS = {
    "groups": ["array-like", list, None],
    "group_weights": ["array-like", None],
}

GRID_OPTIONS = {
    "alphas": ["array-like", Interval(Real, 0, None, closed="neither"), None],
    "n_alphas": [Interval(Integral, 1, None, closed="left")],
    "alpha_min_ratio": [Interval(Real, 0, 1, closed="right"), None],
}


class ValidatedParameters:
    """Mixin (before ``BaseEstimator``): the package's own parameter checks, then
    scikit-learn's.

    ``sklearn.base._fit_context`` calls ``_validate_params`` before ``fit`` runs. Here
    that first runs :meth:`_check_params`, the checks the functional API shares, whose
    messages say what to change ("alpha must be a finite number >= 0", "l1_ratio must be
    a number in [0, 1]"), and then validates every parameter against
    ``_parameter_constraints``, which catches what the own checks leave out (``cv``,
    ``n_jobs``, ``random_state``, ...) with scikit-learn's ``InvalidParameterError``.
    """

    def _check_params(self):
        """The package's own checks of the parameters; none unless a class adds them."""

    def _validate_params(self):
        self._check_params()
        super()._validate_params()


def check_group_options(estimator, X):
    """Raise unless ``estimator``'s ``groups`` / ``group_weights`` can be fitted on X.

    With groups the penalty is ``α Σ_g ω_g‖w_g‖₂``: per-feature factors, positivity and
    a box have no place in it, and the group solvers take X in memory (sparse X as its
    dense copy, :func:`shrinkage.groups.dense_for_groups`). Without groups,
    ``group_weights`` would be ignored.

    Examples
    --------
    >>> from shrinkage import PoissonLasso
    >>> model = PoissonLasso(groups=[0, 0, 1], positive=True)
    >>> check_group_options(model, [[1.0, 2.0, 3.0]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: with groups, weight the groups by group_weights; ... (got positive).
    """
    if estimator.groups is None:
        if estimator.group_weights is not None:
            raise ValueError("group_weights needs groups: there is one weight per group of "
                             "features.")  # fmt: skip
        return
    given = [name for name, value in (
        ("penalty_factor", estimator.penalty_factor is not None),
        ("positive", bool(estimator.positive)),
        ("lower", estimator.lower is not None),
        ("upper", estimator.upper is not None),
    ) if value]  # fmt: skip
    if given:
        raise ValueError(
            "with groups, weight the groups by group_weights; penalty_factor, positive and "
            f"lower/upper do not apply (got {', '.join(given)})."
        )
    if is_distributed(X):
        raise TypeError(
            "with groups, X must be an array in memory (group-lasso fits work on dense "
            f"columns), got {type(X).__name__}."
        )


def _checked_X_y(estimator, X, y, y_numeric):
    """``validate_data`` with CSC sparse input, float64 / float32, and non-numeric input
    reported as such (a pandas column by name, an object array as a ``TypeError``)."""
    check_non_numeric(X)
    try:
        return validate_data(
            estimator, X, y, accept_sparse="csc", dtype=[np.float64, np.float32],
            y_numeric=y_numeric,
        )  # fmt: skip
    except ValueError as exc:
        if "could not convert" in str(exc):
            raise TypeError(f"X contains non-numeric values: {exc}") from exc
        raise


def regression_data(estimator, X, y, sample_weight=None):
    """The preamble of a regressor's ``fit``: ``(X, y, sample_weight)`` checked.

    ``X`` becomes a float64 or float32 array or CSC matrix (``n_features_in_`` and
    ``feature_names_in_`` are set on ``estimator``), ``y`` a finite 1-D array of X's
    dtype, ``sample_weight`` None or finite non-negative float64 weights, not all zero.

    Examples
    --------
    >>> from shrinkage import Lasso
    >>> X, y, weights = regression_data(Lasso(), [[1, 2], [3, 4]], [1, 0])
    >>> X.dtype, y, weights
    (dtype('float64'), array([1., 0.]), None)
    """
    X, y = _checked_X_y(estimator, X, y, y_numeric=True)
    y = check_target(y, X.shape[0]).astype(X.dtype, copy=False)
    return X, y, check_sample_weight(sample_weight, X.shape[0])


def classification_data(estimator, X, y, sample_weight=None):
    """The preamble of a binary classifier's ``fit``: ``(X, y01, sample_weight, classes)``.

    As :func:`regression_data` for ``X`` and ``sample_weight``; ``y`` holds any two
    labels, ``classes`` them sorted and ``y01`` is 1.0 where ``y`` is ``classes[1]``.

    Examples
    --------
    >>> from shrinkage.estimators import SparseLogisticRegression
    >>> data = classification_data(SparseLogisticRegression(), [[1], [2], [3]], ["b", "a", "b"])
    >>> data[1], data[3]
    (array([1., 0., 1.]), array(['a', 'b'], dtype='<U1'))
    """
    X, y = _checked_X_y(estimator, X, y, y_numeric=False)
    check_classification_targets(y)
    classes, y01 = binary_target(y, X.shape[0], model=type(estimator).__name__)
    return X, y01, check_sample_weight(sample_weight, X.shape[0]), classes


def multiclass_data(estimator, X, y, sample_weight=None):
    """The preamble of a multi-class classifier's ``fit``: ``(X, y, sample_weight)``,
    X as :func:`regression_data` checks it, y class labels of any type (at least the
    shape and the kind are checked here; the classes by the solver).

    Examples
    --------
    >>> from shrinkage import MultinomialLogisticRegression
    >>> model = MultinomialLogisticRegression()
    >>> X, y, _ = multiclass_data(model, [[1], [2], [3]], ["a", "b", "c"])
    >>> y.tolist()
    ['a', 'b', 'c']
    """
    X, y = _checked_X_y(estimator, X, y, y_numeric=False)
    check_classification_targets(y)
    return X, y, check_sample_weight(sample_weight, X.shape[0])


def store_parameters(estimator, parameters):
    """Set each constructor argument as an attribute of the same name, unchanged, as
    scikit-learn requires of ``__init__``: ``store_parameters(self, locals())`` is the
    whole body of every constructor here (validation happens in ``fit``).

    Examples
    --------
    >>> class Model:
    ...     def __init__(self, alpha=1.0, *, tol=1e-4):
    ...         store_parameters(self, locals())
    >>> vars(Model(tol=1e-6))
    {'alpha': 1.0, 'tol': 1e-06}
    """
    for name, value in parameters.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
