"""The mean Poisson deviance ``F(z) = 1/n Σ_i s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i]``."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.special import xlogy

from .base import Loss, weights_or_ones

__all__ = ["NonIntegerCountWarning", "PoissonLoss"]


class NonIntegerCountWarning(UserWarning):
    """A Poisson target holds non-integer values: they are fitted as rates.

    The Poisson loss is defined for any y ≥ 0, and glmnet fits non-integer y too; the
    warning says so, since a fractional count is as often a data error (a rescaled or
    averaged column) as a rate. Counts over an exposure are better fitted as counts with
    ``exposure=`` (or ``offset=log(exposure)``), which weighs each row by its exposure.
    Silence it for rate targets with ``warnings.simplefilter("ignore",
    NonIntegerCountWarning)``.
    """


class PoissonLoss(Loss):
    """Half the mean Poisson deviance, log link: ``1/n Σ s_i [μ_i − y_i z_i + y_i log y_i − y_i]``.

    ``z = Xw + b + o`` is the linear predictor (o an offset, the log exposure of rate
    models), ``μ = e^z`` the predicted mean of the counts y ≥ 0, and the weights s sum to
    n. The loss is the negative log-likelihood up to a constant chosen so that it is 0 at
    the saturated model (``μ = y``): P(0), the scale of the relative gap, is the null
    model's half deviance. glmnet's ``family = "poisson"`` and scikit-learn's
    ``PoissonRegressor`` minimise the same loss (up to that constant), so their λ and
    ``alpha`` are α here, with no conversion.

    The conjugate, for the dual, is written in the mean ``q = y − nθ/s`` that θ is the
    dual point of (q = μ at ``θ = s(y − μ)/n``)::

        −F*(−θ) = 1/n Σ_i s_i [y_i log y_i − y_i − q_i log q_i + q_i],   q ≥ 0

    (``−∞`` for some ``q_i < 0``). Its curvature ``1/q`` has no positive lower bound on
    ``q ≥ 0``, so the dual is not strongly concave and there is no gap-safe sphere
    (:attr:`conjugate_curvature` = 0).

    Non-integer y ≥ 0 (rates, or counts divided by an exposure given as weights) are
    allowed, as in glmnet, with a :class:`NonIntegerCountWarning`.

    Examples
    --------
    >>> loss = PoissonLoss()
    >>> y = np.array([0.0, 1.0, 3.0])
    >>> abs(loss.value(y, np.log(np.maximum(y, 1e-300)))) < 1e-15  # the saturated model
    True
    >>> b = loss.null_prediction(y)   # log of the mean count
    >>> round(float(np.exp(b)), 6), round(loss.primal_at_zero(y), 6)
    (1.333333, 0.715036)
    """

    conjugate_curvature = 0.0
    mean_bounds = (0.0, np.inf)

    def mean(self, prediction):
        """``μ(z) = e^z``."""
        return np.exp(prediction)

    def value(self, y, prediction, weights=None) -> float:
        """``1/n Σ s_i [e^{z_i} − y_i z_i + y_i log y_i − y_i]``."""
        y = np.asarray(y, dtype=np.float64)
        z = np.asarray(prediction, dtype=np.float64)
        s = weights_or_ones(weights, y.shape[0])
        with np.errstate(over="ignore"):
            terms = np.exp(z) - y * z + xlogy(y, y) - y
        return float(s @ terms) / y.shape[0]

    def curvature(self, prediction, weights=None):
        """``s_i e^{z_i}/n``."""
        n = np.shape(prediction)[0]
        with np.errstate(over="ignore"):
            return weights_or_ones(weights, n) * np.exp(prediction) / n

    def dual_value_at_mean(self, y, q, weights=None) -> float:
        """``1/n Σ s_i [y log y − y − q log q + q]`` for q ≥ 0."""
        s = weights_or_ones(weights, q.shape[0])
        terms = xlogy(y, y) - y - xlogy(q, q) + q
        return float(s @ terms) / q.shape[0]

    def dual_value(self, y, theta, weights=None) -> float:
        """``−F*(−θ)``: the loss part of the dual objective (``−∞`` outside q ≥ 0)."""
        y = np.asarray(y, dtype=np.float64)
        theta = np.asarray(theta, dtype=np.float64)
        s = weights_or_ones(weights, y.shape[0])
        if np.any(theta[s == 0] != 0):
            return -np.inf
        q = self.dual_mean(y, theta, s)
        if np.any(q < 0):
            return -np.inf
        return self.dual_value_at_mean(y, q, s)

    def intercept_without_offset(self, y, weights=None) -> float:
        """``log ȳ``, the log of the weighted mean count."""
        return float(np.log(float(weights_or_ones(weights, y.shape[0]) @ y) / y.shape[0]))

    def intercept_with_offset(self, y, weights, offset) -> float:
        """``log(Σ s_i y_i / Σ s_i e^{o_i})``: the rates' closed form."""
        s = weights_or_ones(weights, y.shape[0])
        top = float(np.max(offset))  # e^{o − max o} ≤ 1: no overflow
        return float(np.log(float(s @ y) / float(s @ np.exp(offset - top)))) - top

    def loss_change(self, y, prediction, change, weights=None) -> float:
        """``1/n Σ s_i [μ_i·expm1(u_i) − y_i u_i]``, term by term."""
        s = weights_or_ones(weights, y.shape[0])
        with np.errstate(over="ignore", invalid="ignore"):
            terms = np.exp(prediction) * np.expm1(change) - y * change
        total = float(s @ terms) / y.shape[0]
        return total if np.isfinite(total) else np.inf

    def saturated_value(self, y, weights=None) -> float:
        """``1/n Σ s_i (y_i log y_i − y_i)``: the terms of the loss that do not depend on z."""
        s = weights_or_ones(weights, y.shape[0])
        return float(s @ (xlogy(y, y) - y)) / y.shape[0]

    def check_target(self, y, weights, sample_weight):
        """Counts (or rates) ``y ≥ 0``, finite, with a positive weighted total."""
        if np.any(y < 0):
            bad = np.unique(y[y < 0])[:5].tolist()
            raise ValueError(
                f"Poisson regression needs counts y >= 0; found negative values {bad}."
            )
        if not float(weights @ y) > 0:
            raise ValueError(
                "Poisson regression needs some positive count: every y (with positive "
                "sample weight) is 0, so the fitted mean is 0 and its log, the intercept, "
                "is -inf."
            )
        if np.any(y != np.floor(y)):
            # one message for every subset of y, so that a CV's folds warn once
            warnings.warn(
                "Poisson regression: some targets are not integers; they are fitted as "
                "rates, as glmnet fits them. Counts over an exposure are better fitted "
                "as counts with exposure=.",
                NonIntegerCountWarning,
                stacklevel=2,
            )
