"""``MultinomialLogisticRegression``: K-class logistic regression with L1 / L2 / elastic-net
or grouped penalties (a feature's row, or user-given groups of features), certified."""

from __future__ import annotations

import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.metrics import accuracy_score
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_matrix_offset, check_non_numeric
from ..solvers.multinomial import solve_multinomial
from ..solvers.multinomial_groups import solve_multinomial_groups
from .base import PenalizedLinearModel
from .contract import (
    ALPHA,
    FIT_OPTIONS,
    GROUP_OPTIONS,
    L1_RATIO,
    check_group_options,
    multiclass_data,
    store_parameters,
)

__all__ = ["MultinomialLogisticRegression", "check_multinomial_groups"]


def check_multinomial_groups(estimator, X):
    """Raise unless ``estimator``'s ``groups`` / ``group_weights`` can be fitted on X:
    :func:`~shrinkage.estimators.contract.check_group_options`, and not both penalties
    of a multinomial model's rows (``grouped=True``) and of groups of features.

    Examples
    --------
    >>> model = MultinomialLogisticRegression(grouped=True, groups=[0, 0, 1])
    >>> check_multinomial_groups(model, [[1.0, 2.0, 3.0]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: grouped=True penalises each feature's row; with groups= ... one or the other.
    """
    if estimator.groups is not None and estimator.grouped:
        raise ValueError(
            "grouped=True penalises each feature's row; with groups= the blocks are the "
            "given groups of features over every class (groups of one feature with unit "
            "group_weights are grouped=True): give one or the other."
        )
    check_group_options(estimator, X)


class MultinomialLogisticRegression(PenalizedLinearModel, ClassifierMixin, BaseEstimator):
    """Multinomial (softmax) logistic regression of K ≥ 2 classes, penalised and certified.

    Minimises the mean cross-entropy plus the penalty::

        1/n Σ_i s_i [log Σ_k e^{z_ik} − z_{i,y_i}] + α Σ_j f_j (ρ Ω(W_j) + ½(1 − ρ)‖W_j‖²)

    with ``z_i = Wᵀx_i + b + o_i`` (one column of W per class; o an optional offset,
    glmnet's n × K multinomial ``offset``), ``Ω(W_j) = Σ_k |W_jk|``, or
    ``‖W_j‖₂`` with ``grouped=True`` (a feature enters every class's model or none;
    glmnet's ``type.multinomial = "grouped"``). It is glmnet's
    ``family = "multinomial"`` with λ = α, and, ungrouped, scikit-learn's
    ``LogisticRegression`` (multinomial) with ``C = 1/(n α)``. The fit stops when the
    relative duality gap is ``≤ tol`` (proximal Newton with working sets,
    :func:`shrinkage.solvers.multinomial.solve_multinomial`).

    **Groups of features** (``groups=``) replace the penalty by the multinomial group
    lasso / group elastic net ``α Σ_g ω_g (ρ‖W_g‖_F + ½(1 − ρ)‖W_g‖_F²)``, W_g the block
    of a group's features over every class (adelie's multinomial group elastic net),
    solved by block coordinate descent on dense columns (sparse X as its dense copy)
    (:func:`shrinkage.solvers.multinomial_groups.solve_multinomial_groups`).

    Parameters
    ----------
    alpha : float, default 0.01
        Regularisation strength α ≥ 0.
    l1_ratio : float in [0, 1], default 1.0
        ρ, the L1 (or group-norm) share.
    grouped : bool, default False
        Penalise each feature's row of K coefficients by its norm. Not with ``groups``.
    fit_intercept : bool, default True
    standardize : bool, default False
        Penalise the coefficients of standardised columns; ``coef_`` stays on the
        original scale.
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j > 0`` (every feature is penalised). Not with ``groups``.
    groups : array-like of shape (n_features,) or list of index lists, optional
        Groups of features whose coefficients over every class are penalised together
        by ``ω_g‖W_g‖_F`` (the multinomial group lasso): a group enters every class's
        model or none; sparse X is
        fitted as its dense copy. One label per feature, or the features of each group,
        covering every feature once. Not with ``grouped=True`` or ``penalty_factor``.
    group_weights : array-like of shape (n_groups,), optional
        ω_g > 0 in the order of the sorted labels (or of the lists); default ``√p_g``,
        p_g the size of group g.
    tol : float, default 1e-4
        Target relative duality gap (P(0): the entropy of the class priors).
    max_iter : int, default 100
        Maximum proximal-Newton steps; with ``groups``, sweeps over the blocks (block
        coordinate descent takes far more of them: raise it when a
        ``ConvergenceWarning`` says so).
    warm_start : bool, default False

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (n_classes, n_features)
        One row per class (softmax: only differences between rows matter; the penalty
        picks the representative).
    intercept_ : ndarray of shape (n_classes,)
    n_iter_ : int
        Proximal-Newton steps (with ``groups``: sweeps) taken.
    dual_gap_ : float
    certificate_ : shrinkage.certificates.Certificate
        Its ``kkt_residual`` is per feature (the largest over the classes; with
        ``groups``: per group).
    n_features_in_ : int
    feature_names_in_ : ndarray of str

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = MultinomialLogisticRegression(alpha=0.02).fit(X, y)
    >>> model.coef_.round(1)  # petal length and width; the sepals are out
    array([[ 0. ,  0. , -2.9,  0. ],
           [ 0. ,  0. ,  0. ,  0. ],
           [ 0. ,  0. ,  3.1,  1.3]])
    >>> round(model.score(X, y), 3), model.certificate_.relative_gap <= 1e-4
    (0.967, True)

    A known part of each class's log-odds enters as an offset, one column per class;
    the predictions take it as ``offset=`` too (without it they are those of
    ``X @ coef_.T + intercept_`` alone):

    >>> import numpy as np
    >>> prior = np.tile(np.log([0.2, 0.3, 0.5]), (150, 1))
    >>> shifted = MultinomialLogisticRegression(alpha=0.02).fit(X, y, offset=prior)
    >>> bool(np.allclose(shifted.coef_, model.coef_, atol=1e-4))
    True
    >>> bool(np.allclose(shifted.predict_proba(X, offset=prior), model.predict_proba(X),
    ...                  atol=1e-4))
    True

    The sepals as one group of features, the petals as another: a group enters every
    class's model or none.

    >>> blocks = MultinomialLogisticRegression(alpha=0.05, groups=[0, 0, 1, 1], tol=1e-8)
    >>> blocks = blocks.fit(X, y)
    >>> blocks.coef_.round(1)
    array([[ 0. ,  0. , -1.9, -0.8],
           [ 0. ,  0. ,  0.1, -0.5],
           [ 0. ,  0. ,  1.8,  1.2]])
    >>> blocks.certificate_.relative_gap <= 1e-4
    True
    """

    _loss = "multinomial"
    _parameter_constraints: dict = {
        "alpha": ALPHA, "l1_ratio": L1_RATIO, "grouped": ["boolean"], **FIT_OPTIONS,
        "penalty_factor": ["array-like", None], **GROUP_OPTIONS, "warm_start": ["boolean"],
    }  # fmt: skip
    positive = False

    def __init__(
        self, alpha=0.01, *, l1_ratio=1.0, grouped=False, fit_intercept=True,
        standardize=False, penalty_factor=None, groups=None, group_weights=None, tol=1e-4,
        max_iter=100, warm_start=False,
    ):  # fmt: skip
        store_parameters(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, offset=None):
        """Fit the classifier and certify the solution.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Dense with ``groups``.
        y : array-like of shape (n_samples,)
            At least two distinct labels.
        sample_weight : array-like of shape (n_samples,), optional
        offset : array-like of shape (n_samples, n_classes), optional
            A fixed part of the linear predictors, ``z_i = Wᵀx_i + b + offset_i``, one
            column per class of ``classes_`` (the sorted labels).

        Returns
        -------
        self
        """
        check_multinomial_groups(self, X)
        X, y, sample_weight = multiclass_data(self, X, y, sample_weight)
        previous = self._previous_coef((len(np.unique(y)), X.shape[1]))
        start = dict(
            coef_init=None if previous is None else previous.T,
            intercept_init=None if previous is None else self.intercept_, offset=offset,
        )  # fmt: skip
        if self.groups is None:
            result = solve_multinomial(X, y, self.alpha, self._penalty(), grouped=self.grouped,
                                       **start, **self._fit_options(sample_weight))  # fmt: skip
        else:
            result = self._solve_groups(X, y, self.alpha, self.l1_ratio, sample_weight,
                                        **start)  # fmt: skip
        self._warn_unconverged(result, stacklevel=4)
        self.classes_ = np.unique(y)
        self._store_solution(result)
        return self

    def _solve_groups(self, X, y, alpha, l1_ratio, sample_weight, **start):
        """The multinomial group lasso / group elastic net of ``groups`` at (α, ρ),
        certified (:func:`~shrinkage.solvers.multinomial_groups.solve_multinomial_groups`;
        ``start`` the warm start and the offset)."""
        return solve_multinomial_groups(
            X, y, alpha, self.groups, l1_ratio=l1_ratio, group_weights=self.group_weights,
            **start, **self._fit_options(sample_weight),
        )  # fmt: skip

    def _store_solution(self, result):
        self.coef_ = np.ascontiguousarray(result.coef.T)
        self.intercept_ = np.asarray(result.intercept, dtype=np.float64)
        if not self.fit_intercept:
            self.intercept_ = np.zeros_like(self.intercept_)
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate

    def _scores(self, X, offset=None):
        """``X @ coef_.T + intercept_ (+ offset)``, the linear predictors (n, K)."""
        check_is_fitted(self)
        check_non_numeric(X)
        X = validate_data(self, X, accept_sparse=["csr", "csc", "coo"],
                          dtype=[np.float64, np.float32], reset=False)  # fmt: skip
        scores = np.asarray(X @ self.coef_.T) + self.intercept_
        if offset is not None:
            scores += check_matrix_offset(offset, *scores.shape)
        return scores

    def decision_function(self, X, *, offset=None):
        """The linear predictors (n, K); with two classes the log-odds of ``classes_[1]``
        (n,), as scikit-learn's classifiers. ``offset`` (n, K) is added when given (a
        model fitted with an offset predicts without it otherwise)."""
        scores = self._scores(X, offset)
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 else scores

    def predict_proba(self, X, *, offset=None):
        """Class probabilities (n, K), the softmax of the linear predictors (``offset``
        as :meth:`decision_function`)."""
        return softmax(self._scores(X, offset), axis=1)

    def predict_log_proba(self, X, *, offset=None):
        """Logarithm of :meth:`predict_proba`, without underflow."""
        return log_softmax(self._scores(X, offset), axis=1)

    def predict(self, X, *, offset=None):
        """The most probable class (``offset`` as :meth:`decision_function`)."""
        scores = self._scores(X, offset)
        return self.classes_[np.argmax(scores, axis=1)]

    def score(self, X, y, sample_weight=None, *, offset=None):
        """The accuracy of :meth:`predict` (with ``offset``, if given)."""
        return float(accuracy_score(y, self.predict(X, offset=offset),
                                    sample_weight=sample_weight))  # fmt: skip
