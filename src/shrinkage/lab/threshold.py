r"""The threshold law: when is a lasso coefficient exactly zero?

One feature, summed loss
------------------------
For data ``x, y`` (one sample, or vectors with ``xy`` read as ``xᵀy`` and ``x²`` as
``xᵀx``) minimise ISLR's form of the lasso (James, Witten, Hastie & Tibshirani, *An
Introduction to Statistical Learning*, §6.2) for one feature,

    f(θ) = (y − xθ)² + λ|θ|.

The derivative of the loss part is

    d/dθ (y − xθ)² = −2x(y − xθ) = 2x²θ − 2xy.

Where θ ≠ 0 the penalty has derivative ``λ·sign(θ)``; at θ = 0 its subdifferential is
the interval ``[−λ, λ]``. So

* θ > 0:  ``2x²θ − 2xy + λ = 0``  ⇒  ``θ = (2xy − λ)/(2x²)``, positive iff ``2xy > λ``;
* θ < 0:  ``2x²θ − 2xy − λ = 0``  ⇒  ``θ = (2xy + λ)/(2x²)``, negative iff ``2xy < −λ``;
* θ = 0:  ``0 ∈ −2xy + [−λ, λ]``  ⇔  ``|2xy| ≤ λ``.

Exactly one case holds, and together they read

    θ̂ = S(2xy, λ) / (2x²),      θ̂ = 0 exactly when λ ≥ 2|xy|,

with ``S(z, t) = sign(z)·max(|z| − t, 0)`` the soft-thresholding operator. With ``x = 1``
this is ISLR's "simple special case" (eq. 6.15): ``θ̂ = y ∓ λ/2``, or 0 when ``|y| ≤ λ/2``.

Conversion to this package's scaling
------------------------------------
We minimise ``1/(2n)‖y − Xw‖² + α‖w‖₁``. Dividing f by ``2n`` gives
``1/(2n)(y − xθ)² + λ/(2n)|θ|``, the same minimiser, so **α = λ/(2n)**; for a single
sample (n = 1) α = λ/2, and the law reads ``θ̂ = S(xᵀy/n, α)/(xᵀx/n)``.

The general lasso (KKT)
-----------------------
With many features, penalty factors ``f_j`` and the residual ``r = y − Xŵ − b̂`` at the
solution, the optimality (KKT) conditions are ``|x_jᵀr|/n ≤ α·f_j`` for every j, with
``x_jᵀr/n = α f_j sign(ŵ_j)`` (equality) where ``ŵ_j ≠ 0``. So a feature whose
correlation with the residual is *strictly* below ``α f_j`` is exactly zero, and a
non-zero feature sits exactly on the threshold ("zero iff ``≤``" up to the degenerate
case of a zero feature exactly at the threshold). Along a path of decreasing α, feature ``j``
therefore enters when the correlation first reaches ``α f_j``: its *entry α*. The first
to enter does so at ``α_max = max_j |x_jᵀ(y − ȳ)|/(n f_j)``.

Orthonormal design
------------------
If ``XᵀX = n·I`` (centred, orthogonal columns of norm √n) the problem separates by
coordinate into ``½(w_j − ŵ^OLS_j)² + α·penalty(w_j)``: the lasso is soft-thresholding
of the least-squares coefficients, ``S(ŵ^OLS, α)``, ridge (our ``½‖w‖²``) divides them,
``ŵ^OLS/(1 + α)`` (Hastie, Tibshirani & Friedman, *The Elements of Statistical
Learning*, Table 3.4).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..penalties import soft_threshold

__all__ = [
    "threshold_minimiser",
    "zero_threshold",
    "ThresholdLaw",
    "threshold_law",
    "summed_lambda_to_alpha",
    "KKTCheck",
    "kkt_check",
    "lasso_orthonormal",
    "ridge_orthonormal",
    "OrthonormalMaps",
    "orthonormal_maps",
    "orthonormal_design",
]


def threshold_minimiser(x, y, lam):
    """Minimiser ``S(2xy, λ)/(2x²)`` of ``(y − xθ)² + λ|θ|`` (one sample, elementwise).

    Examples
    --------
    >>> threshold_minimiser(2.0, 1.5, np.array([0.0, 2.0, 6.0, 7.0]))
    array([0.75, 0.5 , 0.  , 0.  ])
    """
    x = np.asarray(x, dtype=float)
    if np.any(x == 0):
        raise ValueError("x must be non-zero: with x = 0 the loss does not depend on θ.")
    lam = np.asarray(lam, dtype=float)
    if np.any(lam < 0):
        raise ValueError("lam must be >= 0.")
    return soft_threshold(2.0 * x * np.asarray(y, dtype=float), lam) / (2.0 * x * x)


def zero_threshold(x, y):
    """The smallest λ with ``θ̂ = 0``: ``2|xy|``.

    Examples
    --------
    >>> float(zero_threshold(2.0, -1.5))
    6.0
    """
    return 2.0 * np.abs(np.asarray(x, dtype=float) * np.asarray(y, dtype=float))


@dataclass(frozen=True)
class ThresholdLaw:
    """The minimiser of ``(y − xθ)² + λ|θ|`` along λ, and the λ beyond which it is 0.

    Attributes
    ----------
    x, y : float
    lams : ndarray
    minimisers : ndarray
        :func:`threshold_minimiser` at each λ.
    threshold : float
        :func:`zero_threshold`, ``2|xy|``.
    """

    x: float
    y: float
    lams: np.ndarray
    minimisers: np.ndarray
    threshold: float


def threshold_law(x=1.0, y=1.5, lams=None) -> ThresholdLaw:
    """The threshold law along λ (default: 321 values from 0 to 1.6 times the threshold).

    Examples
    --------
    >>> law = threshold_law(1.0, 1.5, np.array([0.0, 3.0]))
    >>> law.threshold, law.minimisers
    (3.0, array([1.5, 0. ]))
    """
    threshold = float(zero_threshold(x, y))
    lams = np.linspace(0, 1.6 * threshold, 321) if lams is None else np.asarray(lams, float)
    return ThresholdLaw(float(x), float(y), lams, threshold_minimiser(x, y, lams), threshold)


def summed_lambda_to_alpha(lam, n_samples: int):
    """α of ``1/(2n)‖y − Xw‖² + α‖w‖₁`` equivalent to ``‖y − Xw‖² + λ‖w‖₁``: ``λ/(2n)``.

    See :mod:`shrinkage.lab.scalings` for the other conventions.

    Examples
    --------
    >>> summed_lambda_to_alpha(3.0, 1)
    1.5
    """
    if n_samples < 1:
        raise ValueError(f"n_samples must be >= 1, got {n_samples!r}.")
    return lam / (2.0 * n_samples)


@dataclass(frozen=True)
class KKTCheck:
    """Per-feature optimality data of a lasso / elastic-net solution.

    Attributes
    ----------
    correlation : ndarray of shape (n_features,)
        ``|x_jᵀr|/n − (l2 part)``: the absolute gradient of the smooth part at ŵ_j.
    threshold : ndarray of shape (n_features,)
        ``α·ρ·f_j``, the L1 weight of the feature.
    is_zero : ndarray of bool
        ``coef == 0``.
    below : ndarray of bool
        ``correlation < threshold·(1 − slack)``: the KKT law says these must be zero.
    at_threshold : ndarray of bool
        ``|correlation − threshold| ≤ slack·threshold``: where non-zeros must be.
    within : ndarray of bool
        ``correlation ≤ threshold·(1 + slack)``: must hold for every feature.
    """

    correlation: np.ndarray
    threshold: np.ndarray
    is_zero: np.ndarray
    below: np.ndarray
    at_threshold: np.ndarray
    within: np.ndarray

    @property
    def consistent(self) -> bool:
        """True when every feature is within its threshold, every feature strictly below
        is zero and every non-zero feature is on its threshold."""
        return bool(
            np.all(self.within)
            and np.all(self.is_zero[self.below])
            and np.all(self.at_threshold[~self.is_zero])
        )


def kkt_check(X, y, coef, intercept, alpha, penalty=None, *, slack=1e-8) -> KKTCheck:
    """KKT law at a solution (dense X, no sample weights): ``c_j = |x_jᵀr/n − b_j ŵ_j|``
    is ``≤ a_j`` everywhere, ``< a_j`` only at zeros, ``= a_j`` at non-zeros.

    ``a_j, b_j`` are the L1 and L2 weights of ``penalty`` at ``alpha``; ``slack`` is
    relative to ``a_j`` and absorbs the solver's tolerance.

    Examples
    --------
    >>> from shrinkage import solve
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((50, 5)); y = X[:, 0] + 0.1 * rng.standard_normal(50)
    >>> res = solve(X, y, 0.3, tol=1e-12)
    >>> kkt_check(X, y, res.coef, res.intercept, 0.3).consistent
    True
    """
    from ..penalties import L1

    penalty = L1() if penalty is None else penalty
    X = np.asarray(X, dtype=float)
    coef = np.asarray(coef, dtype=float)
    residual = np.asarray(y, dtype=float) - X @ coef - intercept
    a, b = penalty.weights(alpha, X.shape[1])
    smooth_gradient = X.T @ residual / X.shape[0] - b * coef
    correlation = np.abs(smooth_gradient)
    return KKTCheck(
        correlation, a, coef == 0, correlation < a * (1.0 - slack),
        np.abs(correlation - a) <= slack * a, correlation <= a * (1.0 + slack),
    )  # fmt: skip


def lasso_orthonormal(ols, alpha):
    """Lasso coefficients for an orthonormal design (``XᵀX = nI``): ``S(ŵ^OLS, α)``.

    Examples
    --------
    >>> lasso_orthonormal(np.array([-2.0, 0.3, 1.0]), 0.5)
    array([-1.5,  0. ,  0.5])
    """
    return soft_threshold(ols, alpha)


def ridge_orthonormal(ols, alpha):
    """Ridge coefficients for an orthonormal design (``XᵀX = nI``): ``ŵ^OLS/(1 + α)``.

    Examples
    --------
    >>> ridge_orthonormal(np.array([-2.0, 0.3, 1.0]), 1.0)
    array([-1.  ,  0.15,  0.5 ])
    """
    return np.asarray(ols, dtype=float) / (1.0 + alpha)


@dataclass(frozen=True)
class OrthonormalMaps:
    """Lasso and ridge coefficients of an orthonormal design as maps of the OLS value.

    With ``XᵀX = nI`` each coefficient is estimated on its own, so these two curves say
    everything (ESL, table 3.4): the lasso translates towards 0 and stops there, ridge
    scales.

    Attributes
    ----------
    alpha : float
        The strength α ≥ 0 of both penalties.
    ols : ndarray of shape (n_points,)
        Least-squares coefficients ``ŵ^OLS``, evenly spaced from ``−limit`` to ``limit``.
    lasso : ndarray of shape (n_points,)
        :func:`lasso_orthonormal` of ``ols``: flat at 0 on ``[−α, α]``, slope 1 outside.
    ridge : ndarray of shape (n_points,)
        :func:`ridge_orthonormal` of ``ols``: a line through 0 of slope ``1/(1 + α)``.
    """

    alpha: float
    ols: np.ndarray
    lasso: np.ndarray
    ridge: np.ndarray


def orthonormal_maps(alpha=1.0, *, limit=3.0, n_points=401) -> OrthonormalMaps:
    """Both maps on ``n_points`` OLS values from ``−limit`` to ``limit``.

    Examples
    --------
    >>> maps = orthonormal_maps(1.0, n_points=3)
    >>> maps.ols, maps.lasso, maps.ridge
    (array([-3.,  0.,  3.]), array([-2.,  0.,  2.]), array([-1.5,  0. ,  1.5]))
    """
    ols = np.linspace(-limit, limit, n_points)
    return OrthonormalMaps(
        float(alpha), ols, lasso_orthonormal(ols, alpha), ridge_orthonormal(ols, alpha)
    )


def orthonormal_design(n_samples: int, n_features: int, seed=0) -> np.ndarray:
    """A centred design with ``XᵀX = n·I`` exactly (up to rounding), from a QR factorisation.

    Examples
    --------
    >>> X = orthonormal_design(20, 3)
    >>> bool(np.allclose(X.T @ X, 20 * np.eye(3))), bool(np.allclose(X.mean(axis=0), 0))
    (True, True)
    """
    if not 0 < n_features < n_samples:
        raise ValueError("need 0 < n_features < n_samples for a centred orthogonal design.")
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n_samples, n_features))
    Z -= Z.mean(axis=0)
    Q, _ = np.linalg.qr(Z)
    return Q * np.sqrt(n_samples)
