"""Unpenalised refits on a set of features: least squares, or logistic by Newton's method.

The report refits the chosen model's support without the penalty (the *relaxed* fit) to
give its coefficients bootstrap intervals (:mod:`shrinkage.report.confidence`), and the
2-D geometry needs the unpenalised two-feature logistic fit and its Hessian
(:mod:`shrinkage.report.geometry2d`); both use :func:`unpenalised_logistic`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ..selection.relaxed import least_squares_on_support

__all__ = ["LogisticFit", "refit_on_support", "unpenalised_logistic"]

#: The ridge that keeps an unpenalised logistic fit finite when the classes separate.
WHISPER_RIDGE = 1e-6


@dataclass(frozen=True)
class LogisticFit:
    """``coef`` and ``intercept`` of the fit; ``hessian`` of the objective at it, with
    the intercept last; ``separated``: whether the fitted scores split the two classes
    (the unpenalised fit is then unbounded and only the whisper of ridge holds it)."""

    coef: np.ndarray
    intercept: float
    hessian: np.ndarray
    separated: bool


def _log_loss(z, y):
    # log(1 + e^z) − y z, computed without overflow
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - y * z


def unpenalised_logistic(X, y, *, ridge: float = WHISPER_RIDGE, max_iter: int = 100):
    """Minimise ``mean log-loss(y, Xw + b) + ½ · ridge · ‖w‖²`` by damped Newton steps.

    Parameters
    ----------
    X : ndarray of shape (n_samples, k)
        Columns on a comparable scale (the ridge is the same for every slope).
    y : ndarray of shape (n_samples,)
        0/1 labels.
    ridge : float
        A whisper of L2 on the slopes (not the intercept), so that the fit stays finite
        when the columns separate the classes.

    Returns
    -------
    LogisticFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((2000, 2))
    >>> y = (rng.random(2000) < expit(1.0 + X @ [2.0, -1.0])).astype(float)
    >>> fit = unpenalised_logistic(X, y)
    >>> np.round(fit.coef, 1), round(fit.intercept, 1), fit.separated
    (array([ 1.9, -1. ]), 1.0, False)
    """
    n, k = X.shape
    design = np.column_stack([X, np.ones(n)])
    penalty = np.full(k + 1, float(ridge))
    penalty[-1] = 0.0
    theta = np.zeros(k + 1)

    def objective(t):
        return float(np.mean(_log_loss(design @ t, y)) + 0.5 * penalty @ (t * t))

    def hessian_at(probability):
        weights = probability * (1.0 - probability) / n
        return design.T @ (weights[:, None] * design) + np.diag(penalty)

    value = objective(theta)
    for _ in range(max_iter):
        probability = expit(design @ theta)
        gradient = design.T @ (probability - y) / n + penalty * theta
        step = np.linalg.lstsq(hessian_at(probability), gradient, rcond=None)[0]
        size = 1.0  # halve until the objective decreases (Newton alone can overshoot)
        while size > 1e-10 and objective(theta - size * step) > value:
            size /= 2
        theta = theta - size * step
        value = objective(theta)
        if np.max(np.abs(size * step)) <= 1e-12 * (1.0 + np.max(np.abs(theta))):
            break
    scores = design @ theta
    separated = bool(0 < y.sum() < n and scores[y == 1].min() > scores[y == 0].max())
    return LogisticFit(theta[:k].copy(), float(theta[k]), hessian_at(expit(scores)), separated)


def refit_on_support(X, y, support, task, *, mean=None, std=None):
    """The unpenalised fit of ``y`` on the columns ``support`` of ``X``:
    ``(coef, intercept, separated)`` with ``coef`` on the original scale, one entry per
    column (zero off the support).

    Squared loss: :func:`shrinkage.selection.least_squares_on_support`. Log-loss:
    :func:`unpenalised_logistic` on the support's columns standardised with ``mean`` and
    ``std`` (default: their own), then mapped back to the original scale.

    Examples
    --------
    >>> X = np.array([[1.0, 5.0], [2.0, 1.0], [3.0, 0.0], [4.0, 2.0]])
    >>> coef, intercept, _ = refit_on_support(X, 2 * X[:, 0] + 1, [0], "regression")
    >>> coef.round(6), round(intercept, 6)
    (array([2., 0.]), 1.0)
    """
    support = np.asarray(support, dtype=np.int64)
    if task == "regression":
        coef, intercept = least_squares_on_support(X, y, support)
        return coef, intercept, False
    coef = np.zeros(X.shape[1])
    columns = X[:, support]
    mean = columns.mean(axis=0) if mean is None else np.asarray(mean)[support]
    std = columns.std(axis=0) if std is None else np.asarray(std)[support]
    std = np.where(std > 0, std, 1.0)
    fit = unpenalised_logistic((columns - mean) / std, y)
    coef[support] = fit.coef / std
    return coef, fit.intercept - float(coef[support] @ mean), fit.separated
