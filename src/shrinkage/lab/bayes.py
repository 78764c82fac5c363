r"""The Bayesian view: the lasso is a posterior *mode*, and only the mode has zeros.

The normal-means model
----------------------
Observe ``y ~ N(θ, σ²)`` with a Laplace prior ``p(θ) = (λ/2)·exp(−λ|θ|)`` (Tibshirani
1996, §5; Park & Casella 2008, *The Bayesian Lasso*). The negative log posterior is

    (y − θ)²/(2σ²) + λ|θ| + const,

so the posterior **mode** (the MAP estimate) is the lasso ``½(y − θ)² + σ²λ|θ|``: in this
package's ``1/(2n)`` scaling with ``n = 1``, ``x = 1`` and **α = σ²λ**, it is the soft
threshold ``S(y, σ²λ)``, exactly 0 on the whole interval ``|y| ≤ σ²λ``.

The posterior mean in closed form
---------------------------------
Split the posterior at 0. On ``θ > 0`` the exponent completes to a normal with centre
``a = y − σ²λ``, on ``θ < 0`` to one with centre ``b = y + σ²λ``; the two pieces have
masses proportional to

    w₊ = e^{−λy} Φ(a/σ),      w₋ = e^{λy} Φ(−b/σ),

and truncated-normal means ``a + σφ(a/σ)/Φ(a/σ)`` and ``b − σφ(b/σ)/Φ(−b/σ)``. The two
``φ`` terms carry the same factor ``e^{−λy}φ(a/σ) = e^{λy}φ(b/σ)`` and cancel, leaving

    E[θ | y] = y − σ²λ · (w₊ − w₋)/(w₊ + w₋) = y − σ²λ · tanh((log w₊ − log w₋)/2),

evaluated with ``log Φ`` (``scipy.special.log_ndtr``) so it stays finite for any ``y``.
By Tweedie's formula ``dE[θ|y]/dy = Var[θ|y]/σ² > 0``: the mean is strictly increasing
and odd, so it is zero **only** at ``y = 0``. The prior is the same for mode and mean;
the exact zeros come from taking the mode of a posterior with a kink at 0.

Ridge: a Gaussian prior
-----------------------
With ``θ ~ N(0, τ²)`` the posterior is normal, so mode = mean = ``y/(1 + σ²/τ²)``: the
ridge map ``½(y − θ)² + ½αθ²`` with **α = σ²/τ²**, a linear shrink with no zeros.

See Also
--------
shrinkage.lab.threshold : the same soft threshold as a law for one feature.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import log_ndtr

from ..penalties import soft_threshold

__all__ = [
    "laplace_posterior_mode",
    "laplace_posterior_mean",
    "laplace_posterior_mean_quadrature",
    "gaussian_posterior_mean",
    "BayesMaps",
    "bayes_maps",
    "figures",
]


def _check_scale(sigma, rate):
    if not (np.isfinite(sigma) and sigma > 0 and np.isfinite(rate) and rate > 0):
        raise ValueError(f"sigma and rate must be finite and > 0, got {sigma!r}, {rate!r}.")


def laplace_posterior_mode(y, sigma=1.0, rate=1.0):
    """Posterior mode (MAP) of θ under the Laplace prior: the lasso ``S(y, σ²λ)``.

    Examples
    --------
    >>> laplace_posterior_mode(np.array([-2.0, 0.5, 1.5]), sigma=1.0, rate=1.0)
    array([-1. ,  0. ,  0.5])
    """
    _check_scale(sigma, rate)
    return soft_threshold(y, sigma * sigma * rate)


def laplace_posterior_mean(y, sigma=1.0, rate=1.0):
    """Posterior mean ``y − σ²λ·tanh((log w₊ − log w₋)/2)`` under the Laplace prior.

    Closed form derived in the module docstring; odd, strictly increasing, zero only at 0.

    Examples
    --------
    >>> np.round(laplace_posterior_mean(np.array([-1.0, 0.0, 0.5, 10.0])), 6)
    array([-0.503223,  0.      ,  0.241019,  9.      ])
    """
    _check_scale(sigma, rate)
    y = np.asarray(y, dtype=float)
    shift = sigma * sigma * rate
    log_positive = -rate * y + log_ndtr((y - shift) / sigma)
    log_negative = rate * y + log_ndtr(-(y + shift) / sigma)
    return y - shift * np.tanh(0.5 * (log_positive - log_negative))


def laplace_posterior_mean_quadrature(y: float, sigma=1.0, rate=1.0) -> float:
    """The posterior mean by adaptive quadrature (``scipy.integrate.quad``), for checking.

    Both integrals are split at the kink θ = 0, and the exponent is shifted by its value
    at the mode so the integrands stay of order one.

    Examples
    --------
    >>> round(laplace_posterior_mean_quadrature(0.5), 6)
    0.241019
    """
    from scipy.integrate import quad

    _check_scale(sigma, rate)
    mode = float(laplace_posterior_mode(y, sigma, rate))

    def log_density(theta):
        return -((y - theta) ** 2) / (2 * sigma**2) - rate * abs(theta)

    peak = log_density(mode)
    options = {"epsabs": 0.0, "epsrel": 1e-13, "limit": 200}
    mass = moment = 0.0
    for lower, upper in ((-np.inf, 0.0), (0.0, np.inf)):
        mass += quad(lambda t: np.exp(log_density(t) - peak), lower, upper, **options)[0]
        moment += quad(lambda t: t * np.exp(log_density(t) - peak), lower, upper, **options)[0]
    return moment / mass


def gaussian_posterior_mean(y, sigma=1.0, prior_sd=1.0):
    """Posterior mean (= mode) under ``θ ~ N(0, τ²)``: ridge, ``y/(1 + σ²/τ²)``.

    Examples
    --------
    >>> gaussian_posterior_mean(np.array([-2.0, 1.0]), sigma=1.0, prior_sd=1.0)
    array([-1. ,  0.5])
    """
    _check_scale(sigma, prior_sd)
    return np.asarray(y, dtype=float) / (1.0 + (sigma / prior_sd) ** 2)


@dataclass(frozen=True)
class BayesMaps:
    """Posterior mode and mean as maps of the observation ``y``.

    Attributes
    ----------
    sigma, rate, prior_sd : float
        Noise σ, Laplace rate λ and the Gaussian prior's τ (chosen with the same prior
        variance as the Laplace, ``τ² = 2/λ²``).
    y : ndarray of shape (n_points,)
    laplace_mode : ndarray
        ``S(y, σ²λ)``, the lasso at α = σ²λ.
    laplace_mean : ndarray
        The closed-form posterior mean.
    gaussian_mean : ndarray
        ``y/(1 + σ²/τ²)``, the ridge at α = σ²/τ² (also the Gaussian posterior mode).
    mode_zero_width : float
        Half-width ``σ²λ`` of the interval where the mode is exactly 0.
    smallest_mean_away_from_zero : float
        ``min |E[θ|y]|`` over ``0.1 ≤ |y| ≤ 3``: positive, the mean has no zeros there.
    """

    sigma: float
    rate: float
    prior_sd: float
    y: np.ndarray
    laplace_mode: np.ndarray
    laplace_mean: np.ndarray
    gaussian_mean: np.ndarray
    mode_zero_width: float
    smallest_mean_away_from_zero: float


def bayes_maps(sigma=1.0, rate=1.0, *, limit=3.0, n_points=601) -> BayesMaps:
    """Mode and mean of the Laplace and Gaussian posteriors on ``y ∈ [−limit, limit]``.

    Examples
    --------
    >>> maps = bayes_maps()
    >>> maps.mode_zero_width, round(maps.smallest_mean_away_from_zero, 5)
    (1.0, 0.04752)
    >>> int(np.sum(maps.laplace_mode == 0)), int(np.sum(maps.laplace_mean == 0))
    (201, 1)
    """
    _check_scale(sigma, rate)
    y = np.linspace(-limit, limit, n_points)
    prior_sd = np.sqrt(2.0) / rate
    away = np.linspace(0.1, 3.0, 291)
    return BayesMaps(
        float(sigma), float(rate), float(prior_sd), y,
        laplace_posterior_mode(y, sigma, rate), laplace_posterior_mean(y, sigma, rate),
        gaussian_posterior_mean(y, sigma, prior_sd), float(sigma * sigma * rate),
        float(np.min(np.abs(laplace_posterior_mean(away, sigma, rate)))),
    )  # fmt: skip


def figures(out: Path, dpi: int) -> list[tuple[Path, str]]:
    """Draw the mode-versus-mean figure into ``out``; return (path, finding) pairs."""
    from ..plots.bayes import plot_bayes_maps
    from .figures import new_figure, save

    maps = bayes_maps()
    fig, (ax,) = new_figure()
    plot_bayes_maps(maps, ax)
    path = save(fig, out, "bayes_mode_mean", dpi)
    finding = (
        f"Laplace prior: the posterior mode (lasso) is 0 for |y| <= {maps.mode_zero_width:g}, "
        f"the posterior mean never is (min |mean| = {maps.smallest_mean_away_from_zero:.4f} "
        "for 0.1 <= |y| <= 3)"
    )
    return [(path, finding)]
