"""``SparseLogisticRegression``: L1 / L2 / elastic-net logistic regression, certified."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .._validation import check_alpha, check_fit_options, check_non_numeric, check_sample_weight
from ..certificates import describe_gap
from ..penalties import Penalty
from ..solvers.logistic import solve_logistic
from ._base import linear_predictor

__all__ = ["SparseLogisticRegression"]


class SparseLogisticRegression(ClassifierMixin, BaseEstimator):
    """Binary logistic regression with an L1, L2 or elastic-net penalty.

    Minimises the mean log-loss plus the penalty::

        1/n Σ s_i [log(1 + exp(z_i)) − y_i z_i] + α Σ_j f_j (ρ|w_j| + ½(1 − ρ) w_j²)

    with ``z = Xw + b``, ``y_i ∈ {0, 1}`` (1 is ``classes_[1]``), sample weights s
    normalised to sum to n, ``ρ = l1_ratio`` and penalty factors f. The fit stops when the
    relative duality gap is ``≤ tol`` (proximal Newton with working sets, see
    :func:`shrinkage.solvers.logistic.solve_logistic`).

    **Conversion to scikit-learn.** ``LogisticRegression`` minimises
    ``C Σ_i s_i ℓ_i + ρ‖w‖₁ + ½(1 − ρ)‖w‖²``, the same problem divided by ``α Σ_i s_i``.
    So ``SparseLogisticRegression(alpha=a, l1_ratio=r)`` equals
    ``LogisticRegression(C=1/(n·a), l1_ratio=r)`` (``penalty="l1"`` for r = 1 or
    ``penalty="elasticnet"`` in older versions; solver "saga", or "liblinear" with a large
    ``intercept_scaling`` for L1), with ``n`` replaced by the sum of the sample weights
    when they are given. scikit-learn penalises no intercept either.

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
    intercept_ : ndarray of shape (1,)
    n_iter_ : int
        Proximal-Newton steps taken.
    dual_gap_ : float
        Duality gap reached, an upper bound on the objective's distance to its minimum.
    certificate_ : shrinkage.certificates.Certificate
        Primal, dual, relative gap and per-feature KKT residual.
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
    """

    def __init__(
        self, alpha=0.01, *, l1_ratio=1.0, fit_intercept=True, standardize=False,
        penalty_factor=None, positive=False, tol=1e-4, max_iter=100, warm_start=False,
    ):  # fmt: skip
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.positive = positive
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    def _check_params(self):
        check_alpha(self.alpha)
        check_fit_options(self, ("fit_intercept", "standardize", "positive", "warm_start"))
        return Penalty(self.l1_ratio, self.penalty_factor, self.positive)

    def fit(self, X, y, sample_weight=None):
        """Fit the model and certify it.

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
            Training data; sparse input is used as CSC without densifying.
        y : array-like of shape (n_samples,)
            Two distinct labels (numbers, strings, booleans).
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights (normalised to sum to n).

        Returns
        -------
        self
        """
        penalty = self._check_params()
        check_non_numeric(X)
        try:
            X, y = validate_data(self, X, y, accept_sparse="csc", dtype=[np.float64, np.float32])
        except ValueError as exc:
            if "could not convert" in str(exc):
                raise TypeError(f"X contains non-numeric values: {exc}") from exc
            raise
        check_classification_targets(y)
        classes = np.unique(y)
        if classes.shape[0] != 2:
            which = "only one class" if classes.shape[0] < 2 else f"{classes.shape[0]} classes"
            raise ValueError(
                f"Only binary classification is supported: {type(self).__name__} needs "
                f"exactly two classes; y has {which}: {classes[:10].tolist()}."
            )
        sample_weight = check_sample_weight(sample_weight, X.shape[0])
        target = (y == classes[1]).astype(np.float64)
        coef_init = intercept_init = None
        if self.warm_start and getattr(self, "coef_", None) is not None:
            if self.coef_.shape == (1, X.shape[1]):
                coef_init, intercept_init = self.coef_.ravel(), float(self.intercept_[0])
        result = solve_logistic(
            X, target, self.alpha, penalty, fit_intercept=self.fit_intercept,
            sample_weight=sample_weight, standardize=self.standardize, tol=self.tol,
            max_iter=self.max_iter, coef_init=coef_init, intercept_init=intercept_init,
        )  # fmt: skip
        if not result.converged:
            warnings.warn(
                f"{type(self).__name__} did not converge: "
                f"{describe_gap(result.relative_gap, result.tol)} after {result.n_iter} "
                "Newton steps. Try a larger max_iter, standardize=True, or a larger alpha "
                "(separable data have no unpenalised optimum).",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.classes_ = classes
        self.coef_ = result.coef.reshape(1, -1)
        self.intercept_ = np.array([result.intercept if self.fit_intercept else 0.0])
        self.n_iter_ = result.n_iter
        self.dual_gap_ = result.dual_gap
        self.certificate_ = result.certificate
        return self

    def decision_function(self, X):
        """Linear predictor ``X @ coef_ + intercept_`` (log-odds of ``classes_[1]``)."""
        check_is_fitted(self)
        return linear_predictor(self, X, self.coef_.ravel(), self.intercept_[0])

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, shape (n_samples, 2)."""
        positive = expit(self.decision_function(X))
        return np.column_stack([1.0 - positive, positive])

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed without underflow."""
        z = self.decision_function(X)
        return np.column_stack([-np.logaddexp(0.0, z), -np.logaddexp(0.0, -z)])

    def predict(self, X):
        """The class with the larger probability (``classes_[1]`` when log-odds > 0)."""
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(int)]

    @property
    def sparse_coef_(self):
        """``coef_`` as a scipy sparse row (exact zeros dropped)."""
        import scipy.sparse as sp

        return sp.csr_matrix(self.coef_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_class = False
        return tags
