"""Duality gaps of the package's two objectives, recomputed from scratch in NumPy.

Nothing here calls the package: the tests use these functions to check the package's
answers without trusting its certificates. The objectives, with sample weights s
normalised to sum to n, ``z = Xw + b`` and per-feature penalty weights
``a_j = α ρ f_j σ_j``, ``c_j = α (1 − ρ) f_j σ_j²`` (σ_j = 1 without standardisation)::

    squared:   P(w, b) = 1/(2n) Σ s_i (y_i − z_i)²                  + Σ_j g_j(w_j)
    logistic:  P(w, b) = 1/n Σ s_i [log(1 + e^{z_i}) − y_i z_i]      + Σ_j g_j(w_j)

with ``g_j(w) = a_j |w| + ½ c_j w²`` (+ the indicator of ``w ≥ 0`` with positivity).
σ_j is the weighted standard deviation of column j with the 1/n convention about the
weighted mean when the intercept is fitted, and about 0 without one (glmnet's rule).

Fenchel duality (Rockafellar 1970, Thm 31.2; the intercept and the unpenalised features
are free variables, which turns their conjugates into linear constraints) gives, for any
θ ∈ ℝⁿ with ``θ_i = 0`` where ``s_i = 0``, ``1ᵀθ = 0`` (intercept), ``X_jᵀθ = 0`` for
unpenalised features (``≤ 0`` with positivity), the lower bound ``D(θ) ≤ min P``::

    squared:   D(θ) = θᵀy − Σ_i n θ_i² / (2 s_i)              − Σ_j g_j*(X_jᵀθ)
    logistic:  D(θ) = −Σ_i (s_i/n) H(y_i − n θ_i / s_i)       − Σ_j g_j*(X_jᵀθ)

where ``H(q) = q log q + (1 − q) log(1 − q)`` on [0, 1] (the conjugate of
``log(1 + e^z)``) and ``g_j*(v) = max(|v| − a_j, 0)² / (2 c_j)`` for ``c_j > 0``, the
indicator of ``|v| ≤ a_j`` for ``c_j = 0`` (``v`` in place of ``|v|`` with positivity).

The dual point starts from the scaled residual ``θ = s ∘ r / n`` (squared) or
``θ = s ∘ (y − σ(z)) / n`` (logistic), which is optimal at the optimum; the linear
constraints are restored by a projection (squared, in the metric of the quadratic term)
or by re-fitting the free variables by Newton (logistic). θ is finally scaled by the
t ≥ 0 that maximises D(tθ) under ``|t X_jᵀθ| ≤ a_j`` on pure-L1 features (scaling keeps
every linear constraint; for the logistic loss t is also kept where ``y − t nθ/s`` stays
in [0, 1]); at the optimum t = 1.
With positivity, an unpenalised feature only needs ``X_jᵀθ ≤ 0``; the best of a few
choices of which of them to hold at 0 is used. θ = 0 is always feasible with
``D(0) = 0``, so the bound used is ``max(D(θ), 0)``: when the free variables alone
separate the classes (no logistic minimiser) the gap is then P itself, which tends to 0
along the separating direction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from scipy.special import expit, xlogy

__all__ = ["Gap", "column_scales", "dense", "logistic_gap", "penalty_weights", "squared_gap"]


@dataclass(frozen=True)
class Gap:
    """``primal − dual`` and the scale the package divides it by (P at w = 0)."""

    primal: float
    dual: float
    primal_at_zero: float

    @property
    def gap(self) -> float:
        return self.primal - self.dual

    @property
    def relative(self) -> float:
        return self.gap / self.primal_at_zero if self.primal_at_zero > 0 else self.gap


def dense(X) -> np.ndarray:
    """float64 copy of X; a sparse matrix's duplicate entries add up (SciPy's meaning)."""
    if sp.issparse(X):
        return np.asarray(X.toarray(), dtype=np.float64)
    return np.array(X, dtype=np.float64)


def _weights(sample_weight, n):
    if sample_weight is None:
        return np.ones(n)
    s = np.asarray(sample_weight, dtype=np.float64)
    return s * (n / s.sum())


def column_scales(X, s, fit_intercept) -> np.ndarray:
    """σ_j: weighted standard deviation (1/n), about the mean only with an intercept."""
    n = X.shape[0]
    centre = (s @ X) / n if fit_intercept else np.zeros(X.shape[1])
    return np.sqrt(s @ (X - centre) ** 2 / n)


def penalty_weights(alpha, l1_ratio, p, penalty_factor=None, scale=None):
    """``(a, c)``: the L1 and L2 weight of every feature."""
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    sigma = np.ones(p) if scale is None else scale
    return alpha * l1_ratio * f * sigma, alpha * (1 - l1_ratio) * f * sigma**2


def _penalty(w, a, c, positive):
    if positive and np.any(w < 0):
        return np.inf
    return float(a @ np.abs(w) + 0.5 * c @ (w * w))


def _conjugate(v, a, c, positive):
    """``Σ_j g_j*(v_j)`` over penalised features; inf outside the domain."""
    excess = np.maximum(v - a, 0.0) if positive else np.maximum(np.abs(v) - a, 0.0)
    smooth = c > 0
    value = float(np.sum(excess[smooth] ** 2 / (2 * c[smooth])))
    # the scaling makes |v_j| ≤ a_j up to the last bit; allow that bit
    if np.any(excess[~smooth] > 1e-12 * a[~smooth]):
        return np.inf
    return value


def _feasible_length(v, a, c, positive):
    """The largest t with ``|t v_j| ≤ a_j`` on the pure-L1 features (inf if none binds)."""
    hard = (c == 0) & (a > 0)
    top = np.maximum(v[hard], 0.0) if positive else np.abs(v[hard])
    ratio = float(np.max(top / a[hard], initial=0.0))
    return 1.0 / ratio if ratio > 0 else np.inf


def _best_on_ray(value_at, t_last):
    """The largest ``value_at(t)`` for t in [0, t_last]: the dual is concave, so on the
    ray {tθ} of feasible points a bounded Brent search finds its top; t = min(1, t_last)
    (the plain shrink onto the L1 constraints) is kept when it is better."""
    best = value_at(min(1.0, t_last))
    found = minimize_scalar(
        lambda t: -value_at(t), bounds=(0.0, t_last), method="bounded",
        options={"xatol": 1e-12 * t_last},
    )  # fmt: skip
    return max(best, -float(found.fun)) if np.isfinite(found.fun) else best


def _orthonormal_basis(M):
    """Orthonormal basis of the span of M's columns (numerical rank, columns rescaled
    first so that scales of 1e±6 do not decide the rank)."""
    norms = np.linalg.norm(M, axis=0)
    M = M[:, norms > 0] / norms[norms > 0]
    if M.shape[1] == 0:
        return M
    U, singular, _ = np.linalg.svd(M, full_matrices=False)
    return U[:, singular > singular[0] * max(M.shape) * np.finfo(float).eps]


@dataclass(frozen=True)
class _Problem:
    """A point ``(w, b)`` of one objective, with the data as the objective sees them."""

    X: np.ndarray  # dense float64, shape (n, p)
    y: np.ndarray  # float64, shape (n,)
    s: np.ndarray  # sample weights, normalised to sum to n
    a: np.ndarray  # L1 weight of every feature, shape (p,)
    c: np.ndarray  # L2 weight of every feature, shape (p,)
    w: np.ndarray  # coefficients, shape (p,)
    b: float  # intercept, 0.0 when none is fitted
    fit_intercept: bool
    positive: bool


def _problem(
    X, y, coef, intercept, alpha, l1_ratio=1.0, *, penalty_factor=None, positive=False,
    fit_intercept=True, sample_weight=None, standardize=False,
) -> _Problem:  # fmt: skip
    """The objective's data and point ``(coef, intercept)``.

    α and ρ set the penalty weights :func:`penalty_weights`; ``penalty_factor`` (the f_j,
    default 1), ``positive``, ``fit_intercept``, ``sample_weight`` (normalised here to sum
    to n) and ``standardize`` (σ_j of :func:`column_scales` in the weights) have the
    package's meaning. Without an intercept b is 0 whatever ``intercept`` says.
    """
    Xd = dense(X)
    n, p = Xd.shape
    s = _weights(sample_weight, n)
    scale = column_scales(Xd, s, fit_intercept) if standardize else None
    a, c = penalty_weights(alpha, l1_ratio, p, penalty_factor, scale)
    return _Problem(
        Xd, np.asarray(y, dtype=np.float64).ravel(), s, a, c,
        np.asarray(coef, dtype=np.float64).ravel(),
        float(intercept) if fit_intercept else 0.0, fit_intercept, positive,
    )  # fmt: skip


def squared_gap(X, y, coef, intercept, alpha, l1_ratio=1.0, **options) -> Gap:
    """Primal, dual and P(0) of ``(coef, intercept)`` for the squared loss; the other
    arguments, keyword ``options`` included, as in :func:`_problem`."""
    problem = _problem(X, y, coef, intercept, alpha, l1_ratio, **options)
    Xd, y, s, a, c, w = problem.X, problem.y, problem.s, problem.a, problem.c, problem.w
    fit_intercept, positive = problem.fit_intercept, problem.positive
    r = y - Xd @ w - problem.b
    n = Xd.shape[0]
    primal = float(s @ (r * r)) / (2 * n) + _penalty(w, a, c, positive)
    centre = float(s @ y) / n if fit_intercept else 0.0
    primal_at_zero = float(s @ (y - centre) ** 2) / (2 * n)

    # θ = u ∘ φ with u = √s: the quadratic term is (n/2)‖φ‖² and the linear constraints
    # Bᵀθ = 0 read (u ∘ B)ᵀφ = 0, an orthogonal projection of φ.
    u = np.sqrt(s)
    free = (a == 0) & (c == 0)
    penalised = ~free

    def dual_value(kept):
        B = _free_block(Xd, kept, fit_intercept)
        phi = u * r / n
        if B.shape[1]:
            Q = _orthonormal_basis(u[:, None] * B)
            phi = phi - Q @ (Q.T @ phi)
        theta = u * phi
        v = Xd.T @ theta
        linear, quadratic = float(theta @ y), 0.5 * n * float(phi @ phi)

        def value_at(t):
            conjugate = _conjugate(t * v[penalised], a[penalised], c[penalised], positive)
            return t * linear - t * t * quadratic - conjugate

        t_last = min(_feasible_length(v, a, c, positive), 10.0)
        return _best_on_ray(value_at, t_last), v

    dual = max(_over_free_sets(dual_value, free, w, positive), 0.0)  # D(0) = 0
    return Gap(primal, dual, primal_at_zero)


def _free_block(X, kept, fit_intercept):
    """The columns held by ``X_jᵀθ = 0``: the intercept's ones and the kept features."""
    ones = np.ones((X.shape[0], int(fit_intercept)))
    return np.hstack([ones, X[:, kept]])


def _over_free_sets(dual_value, free, w, positive):
    """The best ``dual_value(kept)`` over a few feasible choices of the free columns whose
    constraint is imposed as ``X_jᵀθ = 0``.

    Without positivity every free column must be kept. With it the others only need
    ``X_jᵀθ ≤ 0``: starting from none of them, from the non-zero free coefficients and
    from all free columns, columns that violate it are added until none does. Each
    candidate is a feasible dual point, so the largest value is a valid bound.
    """
    columns = np.flatnonzero(free)
    if not positive:
        return dual_value(columns)[0]
    best = -np.inf
    for start in (np.zeros_like(free), free & (w != 0), free):
        kept = start.copy()
        while True:
            value, v = dual_value(np.flatnonzero(kept))
            grown = kept | (free & (v > 0))
            if np.array_equal(grown, kept):
                break
            kept = grown
        best = max(best, value)
    return best


def _logistic_loss(z, y, s):
    return float(s @ (np.logaddexp(0.0, z) - y * z)) / z.shape[0]


def _refit_free(B, z, y, s):
    """Newton on the free columns B (z moves to z + Bβ): the minimiser of the loss over
    β, from which θ gets ``Bᵀθ = 0``. B has unit columns (scales of 1e±6 would otherwise
    make the Newton system singular to rounding). Returns the new z."""
    n = z.shape[0]
    for _ in range(100):
        prob = expit(z)
        gradient = B.T @ (s * (prob - y)) / n
        curvature = s * prob * (1 - prob) / n
        hessian = B.T @ (curvature[:, None] * B)
        step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        move = B @ step
        base, t = _logistic_loss(z, y, s), 1.0
        while t > 1e-12 and _logistic_loss(z - t * move, y, s) > base:
            t *= 0.5
        if t <= 1e-12:
            break
        z = z - t * move
        if np.max(np.abs(t * move), initial=0.0) <= 1e-15 * (1 + np.max(np.abs(z))):
            break
    return z


def logistic_gap(X, y, coef, intercept, alpha, l1_ratio=1.0, **options) -> Gap:
    """Primal, dual and P(0) of ``(coef, intercept)`` for the logistic loss, y in {0, 1};
    the other arguments, keyword ``options`` included, as in :func:`_problem`."""
    problem = _problem(X, y, coef, intercept, alpha, l1_ratio, **options)
    Xd, y, s, a, c, w = problem.X, problem.y, problem.s, problem.a, problem.c, problem.w
    fit_intercept, positive = problem.fit_intercept, problem.positive
    z = Xd @ w + problem.b
    n = Xd.shape[0]
    primal = _logistic_loss(z, y, s) + _penalty(w, a, c, positive)
    if fit_intercept:
        prior = float(s @ y) / n
        primal_at_zero = -float(xlogy(prior, prior) + xlogy(1 - prior, 1 - prior))
    else:
        primal_at_zero = float(np.log(2.0))
    weighted = s > 0
    free = (a == 0) & (c == 0)

    def dual_value(kept):
        theta = s * (y - expit(z)) / n
        B = _free_block(Xd, kept, fit_intercept)
        if B.shape[1]:
            norms = np.linalg.norm(B, axis=0)
            B = B[:, norms > 0] / norms[norms > 0]
            prob = expit(_refit_free(B, z, y, s))
            theta = s * (y - prob) / n
            # one exact linear correction along s σ(1 − σ) puts Bᵀθ = 0 to rounding
            curvature = s * prob * (1 - prob) / n
            hessian = B.T @ (curvature[:, None] * B)
            correction = np.linalg.lstsq(hessian, B.T @ theta, rcond=None)[0]
            theta = theta - curvature * (B @ correction)
        # q = y − nθ/s must lie in [0, 1]: clip against rounding
        q = np.full(n, 0.5)
        q[weighted] = np.clip(y[weighted] - n * theta[weighted] / s[weighted], 0.0, 1.0)
        theta = np.where(weighted, s * (y - q) / n, 0.0)
        v = Xd.T @ theta
        # the kept constraints hold to rounding only (and not at all when the free
        # columns separate the classes): check them relative to ‖X_j‖‖θ‖
        scale = np.linalg.norm(Xd, axis=0) * np.linalg.norm(theta) + 1e-300
        if fit_intercept and abs(theta.sum()) > 1e-8 * np.sqrt(n) * np.linalg.norm(theta):
            return -np.inf, v
        if np.any(np.abs(v[kept]) > 1e-8 * scale[kept]):
            return -np.inf, v

        def value_at(t):  # θ → tθ moves q towards y: q_t = y − t (y − q)
            q_t = y - t * (y - q)
            entropy = xlogy(q_t, q_t) + xlogy(1 - q_t, 1 - q_t)
            value = -float(s[weighted] @ entropy[weighted]) / n
            return value - _conjugate(t * v[~free], a[~free], c[~free], positive)

        # q_t stays in [0, 1] while t ≤ 1 / |y_i − q_i|
        box = 1.0 / float(np.max(np.abs(y - q)[weighted], initial=0.1))
        t_last = min(_feasible_length(v, a, c, positive), box, 10.0)
        return _best_on_ray(value_at, t_last), v

    # θ = 0 is feasible with D(0) = 0
    dual = max(_over_free_sets(dual_value, free, w, positive), 0.0)
    return Gap(primal, dual, primal_at_zero)
