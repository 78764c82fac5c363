"""Unpenalised refits on a set of features: least squares, or a logistic or Poisson
regression by Newton's method.

The report refits the chosen model's support without the penalty (the *relaxed* fit) to
give its coefficients bootstrap intervals (:mod:`shrinkage.report.confidence`), and the
2-D geometry needs the unpenalised two-feature logistic or Poisson fit and its Hessian
(:mod:`shrinkage.report.geometry2d`); both use :func:`unpenalised_fit`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ..selection.relaxed import least_squares_on_support

__all__ = ["UnpenalisedFit", "refit_on_support", "unpenalised_fit", "unpenalised_logistic"]

#: The ridge that keeps an unpenalised fit finite when the classes separate (or a
#: feature's rows beyond some value all count 0).
WHISPER_RIDGE = 1e-6


@dataclass(frozen=True)
class UnpenalisedFit:
    """``coef`` and ``intercept`` of the fit; ``hessian`` of the objective at it, with
    the intercept last; ``separated``: whether the fitted scores split the two classes
    (the unpenalised logistic fit is then unbounded and only the whisper of ridge holds
    it; always False for counts)."""

    coef: np.ndarray
    intercept: float
    hessian: np.ndarray
    separated: bool


def _log_loss(z, y):
    # log(1 + e^z) − y z, computed without overflow
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z))) - y * z


def _poisson_loss(z, y):
    # half the Poisson deviance, up to terms without z: e^z − y z
    with np.errstate(over="ignore"):
        return np.exp(z) - y * z


def _poisson_mean(z):
    with np.errstate(over="ignore"):
        return np.exp(z)


#: loss → (its value per row at the linear predictor z, the mean μ(z), and the Newton
#: weight μ'(z) written in terms of μ)
_FAMILIES = {
    "logistic": (_log_loss, expit, lambda mean: mean * (1.0 - mean)),
    "poisson": (_poisson_loss, _poisson_mean, lambda mean: mean),
}


def _start(loss, y, offset, k):
    """Zero slopes; for counts the intercept of the mean rate, so that Newton's first
    step does not overshoot through the exponential."""
    theta = np.zeros(k + 1)
    if loss == "poisson":
        theta[k] = np.log(np.sum(y) / np.sum(np.exp(offset)))
    return theta


def unpenalised_fit(X, y, loss: str, *, offset=None, ridge: float = WHISPER_RIDGE,
                    max_iter: int = 100) -> UnpenalisedFit:  # fmt: skip
    """Minimise ``mean loss(y, Xw + b + offset) + ½ · ridge · ‖w‖²`` by damped Newton
    steps, for the log-loss (``loss="logistic"``, 0/1 labels) or half the Poisson
    deviance (``"poisson"``, counts with some positive).

    Parameters
    ----------
    X : ndarray of shape (n_samples, k)
        Columns on a comparable scale (the ridge is the same for every slope).
    y : ndarray of shape (n_samples,)
    loss : {"logistic", "poisson"}
    offset : ndarray of shape (n_samples,), optional
        The fixed part of the linear predictor (for counts, the log of the exposures).
    ridge : float
        A whisper of L2 on the slopes (not the intercept), so that the fit stays finite
        when the columns separate the classes.

    Returns
    -------
    UnpenalisedFit

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((2000, 2))
    >>> y = rng.poisson(np.exp(0.5 + X @ [0.3, -0.6])).astype(float)
    >>> fit = unpenalised_fit(X, y, "poisson")
    >>> np.round(fit.coef, 1), round(fit.intercept, 1)
    (array([ 0.3, -0.6]), 0.5)
    """
    per_row, mean_of, weight_of = _FAMILIES[loss]
    n, k = X.shape
    offset = np.zeros(n) if offset is None else np.asarray(offset, dtype=np.float64)
    design = np.column_stack([X, np.ones(n)])
    penalty = np.full(k + 1, float(ridge))
    penalty[-1] = 0.0
    theta = _start(loss, y, offset, k)

    def objective(t):
        return float(np.mean(per_row(design @ t + offset, y)) + 0.5 * penalty @ (t * t))

    def hessian_at(mean):
        return design.T @ ((weight_of(mean) / n)[:, None] * design) + np.diag(penalty)

    value = objective(theta)
    for _ in range(max_iter):
        mean = mean_of(design @ theta + offset)
        gradient = design.T @ (mean - y) / n + penalty * theta
        step = np.linalg.lstsq(hessian_at(mean), gradient, rcond=None)[0]
        size = 1.0  # halve until the objective decreases (Newton alone can overshoot)
        while size > 1e-10 and not objective(theta - size * step) <= value:
            size /= 2
        theta = theta - size * step
        value = objective(theta)
        if np.max(np.abs(size * step)) <= 1e-12 * (1.0 + np.max(np.abs(theta))):
            break
    scores = design @ theta
    separated = bool(loss == "logistic" and 0 < y.sum() < n
                     and scores[y == 1].min() > scores[y == 0].max())  # fmt: skip
    return UnpenalisedFit(theta[:k].copy(), float(theta[k]),
                          hessian_at(mean_of(scores + offset)), separated)  # fmt: skip


def unpenalised_logistic(X, y, *, ridge: float = WHISPER_RIDGE, max_iter: int = 100):
    """:func:`unpenalised_fit` of the log-loss (0/1 labels ``y``).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((2000, 2))
    >>> y = (rng.random(2000) < expit(1.0 + X @ [2.0, -1.0])).astype(float)
    >>> fit = unpenalised_logistic(X, y)
    >>> np.round(fit.coef, 1), round(fit.intercept, 1), fit.separated
    (array([ 1.9, -1. ]), 1.0, False)
    """
    return unpenalised_fit(X, y, "logistic", ridge=ridge, max_iter=max_iter)


def refit_on_support(X, y, support, task, *, mean=None, std=None, offset=None):
    """The unpenalised fit of ``y`` on the columns ``support`` of ``X``:
    ``(coef, intercept, separated)`` with ``coef`` on the original scale, one entry per
    column (zero off the support).

    Squared loss: :func:`shrinkage.selection.least_squares_on_support`. Log-loss
    (classification) and Poisson deviance (count, with the ``offset`` of the exposures):
    :func:`unpenalised_fit` on the support's columns standardised with ``mean`` and
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
    loss = "poisson" if task == "count" else "logistic"
    fit = unpenalised_fit((columns - mean) / std, y, loss, offset=offset)
    coef[support] = fit.coef / std
    return coef, fit.intercept - float(coef[support] @ mean), fit.separated
