"""The loss at one linear predictor z: its derivatives, the certificate, the line search.

The proximal-Newton solver (:mod:`shrinkage.solvers.logistic`) needs, at each z it
visits, the loss, its gradient and curvature in z, and at each outer iteration the
duality-gap certificate of :mod:`shrinkage.certificates.logistic`. Everything but the
penalty's share depends on z alone, so :class:`LossAtPoint` holds that share and
:func:`certify_at` adds the penalty. A path certifies the last point of one α and the
warm start of the next at the same z: the second certificate then costs O(p).

For the log-loss the derivatives, the line search and (when the free block is the
intercept alone, or empty) the dual point come from the compiled loops of
:mod:`shrinkage._kernels.logistic_loss`; other losses (Poisson) compute them with the
NumPy methods of their :class:`~shrinkage.losses.Loss`, and every loss with
unpenalised features takes the dual point of
:func:`~shrinkage.certificates.certify_from_prediction` itself. The products with Xᵀ
(all columns, or a working set's) read the columns in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._kernels import logistic_loss, logistic_step, poisson_loss
from .._kernels.columns import (
    all_column_dots_sparse,
    column_dot_pairs_dense,
    column_dot_pairs_sparse,
    column_dots_dense,
    column_dots_sparse,
)
from .._kernels.penalty_side import box_penalty_side, box_shrink_factor
from ..certificates import Certificate, certify_from_prediction
from ..losses import LogisticLoss, PoissonLoss

_NO_OFFSET = np.empty(0)
# The log-loss's intercept dual point stops its Newton steps once the next would gain at
# most this fraction of the target gap (the point is feasible at every step, so the gap
# stays a bound; it is at most that much less tight). At 1e-3, the point took an extra
# pass with an exponential per sample at most certificates; a9a with an intercept 1e-4
# 335 → 306 ms, the same steps. (The compiled path and the box solver.)
INTERCEPT_DUAL_SLACK = 0.1

__all__ = ["INTERCEPT_DUAL_SLACK", "LossAtPoint", "certify_at", "certify_box_at",
           "certify_box_gram", "loss_at", "loss_change", "step_length", "transposed_pair",
           "transposed_product", "working_set_gradient"]  # fmt: skip


@dataclass(frozen=True)
class LossAtPoint:
    """The loss and its dual-side quantities at one linear predictor ``z = Xw + b``.

    Attributes
    ----------
    z : ndarray of shape (n_samples,)
        The linear predictor (log-odds) the other attributes were computed at.
    loss : float
        Mean weighted log-loss.
    gradient_z, curvature : ndarray of shape (n_samples,)
        ``s(σ(z) − y)/n`` and the Newton model's curvature (floored at 1e-12/n).
    gradient : ndarray of shape (n_features,) or None
        ``Xᵀ gradient_z``, the loss gradient in w (None until the certificate needs it).
    theta, correlation : ndarray or None
        The dual point built from z with the intercept (if fitted) as the only free
        variable, and ``Xᵀθ``; None where the free block is larger (the general
        certificate builds its own) or not yet computed.
    """

    z: np.ndarray
    loss: float
    gradient_z: np.ndarray
    curvature: np.ndarray
    gradient: np.ndarray | None = None
    theta: np.ndarray | None = None
    correlation: np.ndarray | None = None


def transposed_product(X, vector):
    """``Xᵀ vector`` in float64 for Fortran-ordered dense or CSC X."""
    if sp.issparse(X):
        out = np.empty(X.shape[1])
        all_column_dots_sparse(X.data, X.indices, X.indptr, vector, out)
        return out
    return np.asarray(X.T @ vector, dtype=np.float64)


def transposed_pair(X, first, second):
    """``(Xᵀ first, Xᵀ second)`` in one pass over Fortran-ordered dense or CSC X."""
    out_first, out_second = np.empty(X.shape[1]), np.empty(X.shape[1])
    if sp.issparse(X):
        column_dot_pairs_sparse(X.data, X.indices, X.indptr, first, second, out_first,
                                out_second)  # fmt: skip
    else:
        column_dot_pairs_dense(X, first, second, out_first, out_second)
    return out_first, out_second


def working_set_gradient(X, vector, features):
    """``X[:, features]ᵀ vector``, reading the columns in place (dense or CSC X)."""
    out = np.empty(features.shape[0])
    if sp.issparse(X):
        column_dots_sparse(X.data, X.indices, X.indptr, vector, features, out)
    else:
        column_dots_dense(X, vector, features, out)
    return out


def _kernels(data):
    """The compiled loops of ``data``'s loss (a module of :mod:`shrinkage._kernels`
    with ``loss_derivatives``, ``intercept_dual_point``, ``clip_dual_point`` and
    ``dual_and_penalty``), or None for a loss without them."""
    if isinstance(data.loss, LogisticLoss):
        return logistic_loss
    if isinstance(data.loss, PoissonLoss):
        return poisson_loss
    return None


def loss_at(data, z) -> LossAtPoint:
    """The loss of ``data`` (a :class:`~shrinkage.solvers.logistic_data.GLMData`) and
    its derivatives at z."""
    kernels = _kernels(data)
    if kernels is None:
        return LossAtPoint(z, *data.loss.derivatives(data.y, z, data.s))
    gradient_z, curvature = np.empty_like(z), np.empty_like(z)
    constant = (data.saturated,) if kernels is poisson_loss else ()
    loss = kernels.loss_derivatives(z, data.y, data.s, gradient_z, curvature, *constant)
    return LossAtPoint(z, loss, gradient_z, curvature)


def _penalty_change(w, step, t, l1_weight, l2_weight):
    """``penalty(w + t·step) − penalty(w)``, term by term."""
    move = t * step
    return float(
        l1_weight @ (np.abs(w + move) - np.abs(w)) + l2_weight @ (move * (w + 0.5 * move))
    )


def loss_change(data, z, u, t):
    """``F(z + t·u) − F(z)`` of ``data``'s loss, summed term by term
    (:meth:`~shrinkage.losses.Loss.loss_change`; one compiled pass for the log-loss)."""
    if _kernels(data) is logistic_loss:
        return logistic_step._loss_change(z, u, t, data.y, data.s)
    return data.loss.loss_change(data.y, z, t * u, data.s)


def step_length(data, point, u, w, step, l1_weight, l2_weight, armijo):
    """Backtracking on the true objective from ``(w, z)`` along ``(step, u)`` until Lee,
    Sun & Saunders' sufficient-descent condition ``ΔP ≤ armijo·t·Δ`` holds, where
    ``Δ = ∇F(z)ᵀu + penalty(w + step) − penalty(w)`` (< 0 unless the step is 0); the
    change of the loss is summed term by term
    (:meth:`~shrinkage.losses.Loss.loss_change`). Returns t, or 0 when there is no
    descent left at machine precision."""
    z, g, y, s = point.z, point.gradient_z, data.y, data.s
    if _kernels(data) is logistic_loss:
        growth = np.empty_like(z)
        return logistic_step.armijo_step(z, u, y, s, w, step, l1_weight, l2_weight, g, armijo,
                                         growth)[0]  # fmt: skip
    decrease = float(g @ u) + _penalty_change(w, step, 1.0, l1_weight, l2_weight)
    t = 1.0
    while decrease < 0.0 and t > 1e-10:
        change = data.loss.loss_change(y, z, t * u, s)
        if change + _penalty_change(w, step, t, l1_weight, l2_weight) <= armijo * t * decrease:
            return t
        t *= 0.5
    return 0.0


def with_dual(point, data, simple, slack=0.0) -> LossAtPoint:
    """``point`` with the gradient in w and, for a ``simple`` free block (the intercept
    or nothing) of a loss with compiled loops, the dual point and its correlations: two
    products with Xᵀ (the log-loss with an offset takes the general construction).

    ``data`` is the problem's :class:`~shrinkage.solvers.logistic_data.GLMData`; ``slack``
    that of the log-loss's intercept dual point
    (:func:`~shrinkage._kernels.logistic_loss.intercept_dual_point`, 0: exact). Where
    the point is its first iterate, ``θ = −g − c·h`` and one pass forms ``Xᵀg`` and
    ``Xᵀh``, from which ``Xᵀθ`` follows.
    """
    if point.gradient is not None:
        return point
    X, y, s = data.X, data.y, data.s
    gradient = theta = correlation = None
    kernels = _kernels(data)
    if kernels is logistic_loss and data.offset is not None:
        kernels = None
    if simple and kernels is not None:
        if data.fit_intercept:
            theta = np.empty_like(point.z)
            found = kernels.intercept_dual_point(point.z, y, s, point.gradient_z,
                                                 point.curvature, theta, slack)  # fmt: skip
            if kernels is poisson_loss:  # θ = (1 − k)·s y/n − k·∇: no pass over X
                gradient = transposed_product(X, point.gradient_z)
                correlation = (1.0 - found) * data.observed_correlation - found * gradient
            elif found[0]:  # the first iterate: θ = −g − c·h, c = found[1]
                gradient, curvature = transposed_pair(X, point.gradient_z, point.curvature)
                correlation = -gradient - found[1] * curvature
            else:
                gradient = transposed_product(X, point.gradient_z)
                correlation = transposed_product(X, theta)
        else:
            gradient = transposed_product(X, point.gradient_z)
            theta, correlation = -point.gradient_z, -gradient
        change = np.empty_like(theta)
        if kernels.clip_dual_point(y, s, theta, change):
            correlation = correlation + transposed_product(X, change)
    else:
        gradient = transposed_product(X, point.gradient_z)
    return LossAtPoint(
        point.z, point.loss, point.gradient_z, point.curvature, gradient, theta, correlation
    )


def certify_at(point, data, w, l1_weight, l2_weight, positive):
    """The certificate of ``(w, b)`` at its predictor ``point.z``, as
    :func:`~shrinkage.certificates.certify_from_prediction` computes it.

    ``point`` must carry the gradient (:func:`with_dual`); without a dual point (free
    features) the general construction runs. Returns a :class:`Certificate` with the
    per-feature KKT residual.
    """
    if point.theta is None:
        certificate, _ = certify_from_prediction(
            data.X, data.y, data.s, point.z, w, l1_weight, l2_weight, positive,
            data.fit_intercept, data.loss, data.primal_at_zero, data.offset,
        )  # fmt: skip
        return certificate
    kkt = np.empty(w.shape[0])
    arguments = (data.y, data.s, point.theta, point.correlation, point.gradient, w,
                 l1_weight, l2_weight, positive, kkt)  # fmt: skip
    if _kernels(data) is poisson_loss:
        offset = _NO_OFFSET if data.offset is None else data.offset
        penalty, dual, _ = poisson_loss.dual_and_penalty(*arguments, offset, data.saturated)
    else:
        penalty, dual, _ = logistic_loss.dual_and_penalty(*arguments)
    return Certificate.from_bounds(point.loss + penalty, dual, data.primal_at_zero, kkt)


def certify_box_at(point, data, w, l1_weight, l2_weight, lower, upper):
    """The certificate of ``(w, b)`` under the box ``lower ≤ w ≤ upper``, as
    :func:`~shrinkage.certificates.box.certify_box_prediction` computes it, from a
    ``point`` with its dual point (:func:`with_dual`, every feature penalised): one pass
    over the samples and one over the features. Returns a :class:`Certificate`."""
    kkt = np.empty(w.shape[0])
    corr = point.correlation
    shrink = box_shrink_factor(corr, l1_weight, l2_weight, lower, upper)
    if _kernels(data) is poisson_loss:
        offset = _NO_OFFSET if data.offset is None else data.offset
        dual = poisson_loss.dual_value(data.y, data.s, point.theta, shrink, offset,
                                       data.saturated)  # fmt: skip
    else:
        dual = logistic_loss.dual_value(data.y, data.s, point.theta, shrink)
    penalty, conjugate, _ = box_penalty_side(corr, shrink, w, point.gradient, l1_weight,
                                             l2_weight, lower, upper, kkt)  # fmt: skip
    return Certificate.from_bounds(point.loss + penalty, dual - conjugate,
                                   data.primal_at_zero, kkt)  # fmt: skip


def certify_box_gram(data, w, l1_weight, l2_weight, lower, upper):
    """The certificate of the squared loss under the box at w, with the intercept that
    fits w (``ȳ − mᵀw``), from :attr:`GLMData.weighted_gram` alone (every feature
    penalised): O(p²) instead of passes over X.

    With ``q = c − Gw`` (``X̃ᵀSr/n``, r the residual) and ``ρ = v − cᵀw − qᵀw``
    (``rᵀSr/n``), the primal is ``ρ/2 + penalty(w)``, and the dual point ``θ = Sr/(n k)``
    (k the box's shrink, :func:`box_shrink_factor`, of ``X̃ᵀθ = q/k``) has the value
    ``(v − cᵀw)/k − ρ/(2k²) − Σ_j h_j*(q_j/k)``: the formulas of
    :func:`~shrinkage.certificates.box.certify_box_prediction` written in those sums.
    """
    gram, correlation, _, _, variance = data.weighted_gram
    q = correlation - gram @ w
    fitted = float(correlation @ w)
    residual = variance - fitted - float(q @ w)
    shrink = box_shrink_factor(q, l1_weight, l2_weight, lower, upper)
    kkt = np.empty(w.shape[0])
    penalty, conjugate, _ = box_penalty_side(q, shrink, w, -q, l1_weight, l2_weight, lower,
                                             upper, kkt)  # fmt: skip
    dual = (variance - fitted) / shrink - residual / (2.0 * shrink * shrink) - conjugate
    return Certificate.from_bounds(0.5 * residual + penalty, dual, data.primal_at_zero, kkt)
