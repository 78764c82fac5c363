"""``SparseLogisticRegression``: L1 / L2 / elastic-net logistic regression, certified."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ..certificates import describe_gap
from ..solvers.group_glm import solve_group_glm
from ..solvers.logistic import solve_logistic
from .base import PenalizedLinearModel, linear_predictor
from .contract import (
    ALPHA,
    BOX_OPTIONS,
    FIT_OPTIONS,
    GROUP_OPTIONS,
    L1_RATIO,
    PENALTY_OPTIONS,
    check_group_options,
    classification_data,
    store_parameters,
)
from .distributed import blockwise, is_distributed

__all__ = ["SparseLogisticRegression"]


def _probabilities(z):
    positive = expit(z)
    return np.column_stack([1.0 - positive, positive])


def _log_probabilities(z):
    return np.column_stack([-np.logaddexp(0.0, z), -np.logaddexp(0.0, -z)])


class SparseLogisticRegression(PenalizedLinearModel, ClassifierMixin, BaseEstimator):
    """Binary logistic regression with an L1, L2 or elastic-net penalty.

    Minimises the mean log-loss plus the penalty::

        1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i] + α Σ_j f_j (ρ|w_j| + ½(1 − ρ) w_j²)

    with ``z = Xw + b``, ``y_i ∈ {0, 1}`` (1 is ``classes_[1]``), sample weights s
    normalised to sum to n, ``ρ = l1_ratio`` and penalty factors f. The fit stops when the
    relative duality gap is ``≤ tol`` (proximal Newton with working sets, see
    :func:`shrinkage.solvers.logistic.solve_logistic`).

    **Distributed data** (Dask, Spark, a ``PartitionedData``) is fitted by distributed
    proximal Newton (:class:`~shrinkage.distributed.api.DistributedProblem`); its labels
    must be coded 0/1 (or bool), checked as the rows are read (a
    ``DistributedDataError`` names the partition otherwise), and ``classes_`` is then
    ``[0, 1]``. ``predict``, ``predict_proba`` and ``decision_function`` of Dask data
    are lazy Dask arrays.

    **Conversion to scikit-learn.** ``LogisticRegression`` minimises
    ``C Σ_i s_i ℓ_i + ρ‖w‖₁ + ½(1 − ρ)‖w‖²``, the same problem divided by ``α Σ_i s_i``.
    So ``SparseLogisticRegression(alpha=a, l1_ratio=r)`` equals
    ``LogisticRegression(C=1/(n·a), l1_ratio=r)`` (``penalty="l1"`` for r = 1 or
    ``penalty="elasticnet"`` in older versions; solver "saga", or "liblinear" with a large
    ``intercept_scaling`` for L1), with ``n`` replaced by the sum of the sample weights
    when they are given. scikit-learn penalises no intercept either.

    **Groups of features** (``groups=``) replace the penalty by the group lasso / group
    elastic net ``α Σ_g ω_g (ρ‖w_g‖₂ + ½(1 − ρ)‖w_g‖₂²)`` (Yuan & Lin 2006), solved by
    :func:`shrinkage.solvers.group_glm.solve_group_glm` on X in memory
    (sparse X as its dense copy, :func:`shrinkage.groups.dense_for_groups`).

    Parameters
    ----------
    alpha : float, default 0.01
        Regularisation strength α ≥ 0.
    l1_ratio : float in [0, 1], default 1.0
        ρ, the L1 share: 1 is the lasso penalty, 0 ridge.
    fit_intercept : bool, default True
        Fit an unpenalised intercept.
    standardize : bool, default False
        Penalise coefficients of standardised columns (glmnet's ``standardize=TRUE``);
        ``coef_`` stays on the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        Factors ``f_j ≥ 0``; 0 leaves a feature unpenalised.
    positive : bool, default False
        Constrain the coefficients to be ``>= 0``.
    lower, upper : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ coef_j ≤ upper_j`` (glmnet's ``lower.limits`` /
        ``upper.limits``; ±inf for no bound); each box contains 0. ``positive=True`` is
        ``lower=0``. Solved by proximal Newton on the box
        (:mod:`shrinkage.solvers.box`).
    groups : array-like of shape (n_features,) or list of index lists, optional
        Groups of features penalised by ``ω_g‖w_g‖₂`` (group lasso / group elastic net,
        Yuan & Lin 2006): a group enters or leaves the model whole; sparse X is
        fitted as its dense copy. One label
        per feature, or the features of each group, covering every feature once. Not
        with ``penalty_factor``, ``positive`` or ``lower`` / ``upper``.
    group_weights : array-like of shape (n_groups,), optional
        ω_g > 0 in the order of the sorted labels (or of the lists); default ``√p_g``,
        p_g the size of group g.
    tol : float, default 1e-4
        Target relative duality gap (gap ≤ tol · P(0), P(0) the entropy of the prior).
    max_iter : int, default 100
        Maximum proximal-Newton steps.
    warm_start : bool, default False
        Start from the previous ``coef_`` and ``intercept_``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels; ``classes_[1]`` is the positive class.
    coef_ : ndarray of shape (1, n_features)
        Coefficients (exact zeros where the penalty removed a feature).
    sparse_coef_ : scipy.sparse.csr_matrix of shape (1, n_features)
        ``coef_`` with the zeros dropped.
    intercept_ : ndarray of shape (1,)
    n_iter_ : int
        Proximal-Newton steps taken.
    dual_gap_ : float
        Duality gap reached, an upper bound on the objective's distance to its minimum.
    certificate_ : shrinkage.certificates.Certificate
        Primal, dual, relative gap and per-feature (with ``groups``: per-group) KKT
        residual.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Present when X was a DataFrame with string column names.

    See Also
    --------
    shrinkage.solvers.logistic.solve_logistic : the functional form.
    shrinkage.solvers.logistic.logistic_alpha_max : the α above which all are zero.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = SparseLogisticRegression(alpha=0.01, standardize=True).fit(X, y)
    >>> int((model.coef_ == 0).sum()), model.certificate_.relative_gap <= 1e-4
    (21, True)
    >>> round(model.score(X, y), 3)
    0.974

    Groups of features enter together (here three groups of two):

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((200, 6))
    >>> y = X[:, 0] - X[:, 1] + rng.standard_normal(200) > 0
    >>> grouped = SparseLogisticRegression(alpha=0.1, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> np.flatnonzero(grouped.coef_).tolist()
    [0, 1]
    """

    _loss = "logistic"
    _parameter_constraints: dict = {
        "alpha": ALPHA,
        "l1_ratio": L1_RATIO,
        **FIT_OPTIONS,
        **PENALTY_OPTIONS,
        **BOX_OPTIONS,
        **GROUP_OPTIONS,
        "warm_start": ["boolean"],
    }

    def __init__(
        self, alpha=0.01, *, l1_ratio=1.0, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, lower=None, upper=None, groups=None,
        group_weights=None, tol=1e-4, max_iter=100, warm_start=False,
    ):  # fmt: skip
        store_parameters(self, locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Fit the classifier and certify the solution.

        Parameters
        ----------
        X : array-like, sparse matrix, or Dask, Spark or partitioned data
            Training data of shape (n_samples, n_features) (sparse: used as CSC, never
            densified; distributed: see the class docstring). Dense and in memory with
            ``groups``.
        y : array-like of shape (n_samples,), or str
            Two distinct labels (numbers, strings, booleans); for distributed data 0/1
            labels, the name of the target column with a DataFrame.
        sample_weight : array-like of shape (n_samples,), or str, optional
            Non-negative weights, normalised to sum to n (a column name as ``y``).

        Returns
        -------
        self
        """
        check_group_options(self, X)
        if is_distributed(X):
            from .distributed import fit_distributed

            return fit_distributed(self, X, y, sample_weight)
        X, target, sample_weight, classes = classification_data(self, X, y, sample_weight)
        start = dict(coef_init=None, intercept_init=None)
        previous = getattr(self, "coef_", None)
        if self.warm_start and previous is not None and previous.shape == (1, X.shape[1]):
            start = dict(coef_init=previous.ravel(), intercept_init=float(self.intercept_[0]))
        if self.groups is None:
            result = solve_logistic(X, target, self.alpha, self._penalty(), **start,
                                    **self._fit_options(sample_weight))  # fmt: skip
        else:
            result = self._solve_groups(X, target, self.alpha, self.l1_ratio, sample_weight,
                                        **start)  # fmt: skip
        self._warn_unconverged(result, stacklevel=4)  # the caller of fit, past the wrapper
        self.classes_ = classes
        self._store_solution(result)
        return self

    def _solve_groups(self, X, target, alpha, l1_ratio, sample_weight, **start):
        """The group lasso / group elastic net of ``groups`` at (α, ρ), certified
        (:func:`~shrinkage.solvers.group_glm.solve_group_glm`, from ``start``)."""
        return solve_group_glm(
            X, target, alpha, self.groups, loss=self._loss, l1_ratio=l1_ratio,
            group_weights=self.group_weights, **start, **self._fit_options(sample_weight),
        )  # fmt: skip

    def _warn_unconverged(self, result, stacklevel):
        """A ``ConvergenceWarning`` when ``result`` misses its tolerance."""
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__} did not converge: "
                f"{describe_gap(result.relative_gap, result.tol)} after {result.n_iter} "
                "Newton steps. Try a larger max_iter, standardize=True, or a larger alpha "
                "(separable data have no unpenalised optimum).",
                ConvergenceWarning,
                stacklevel=stacklevel,
            )

    def _store_solution(self, result):
        """The fitted attributes of one certified solve, in scikit-learn's binary shapes."""
        self.coef_ = result.coef.reshape(1, -1)
        self.intercept_ = np.array([result.intercept if self.fit_intercept else 0.0])
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate

    def decision_function(self, X):
        """Linear predictor ``X @ coef_ + intercept_`` (log-odds of ``classes_[1]``)."""
        check_is_fitted(self)
        return linear_predictor(self, X, self.coef_.ravel(), self.intercept_[0])

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, shape (n_samples, 2)."""
        return blockwise(_probabilities, self.decision_function(X))

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed without underflow."""
        return blockwise(_log_probabilities, self.decision_function(X))

    def predict(self, X):
        """The class with the larger probability (``classes_[1]`` when log-odds > 0)."""
        scores, classes = self.decision_function(X), self.classes_
        return blockwise(lambda z: classes[(z > 0).astype(int)], scores)

    def score(self, X, y, sample_weight=None):
        """The mean accuracy (of Dask data: from block sums)."""
        if is_distributed(X):
            from .distributed import dask_score

            return dask_score(self, X, y, sample_weight)
        return super().score(X, y, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
