"""Coordinate descent in covariance ("Gram") mode, one compiled call per solve.

For n ≫ p the whole problem is summarised by ``G = XᵀX``, ``Xᵀy`` and ``‖y‖²``
(:class:`~shrinkage.solvers.states.GramState`), and a solve touches only p-vectors.
:func:`gram_cd` runs the working-set scheme of
:func:`~shrinkage.solvers.working_set.working_set_cd` (same certificate, same stopping
rule ``gap ≤ tol · P(0)``) inside one numba call
(:func:`shrinkage._kernels.gram_solve.gram_solve`), without its Anderson extrapolation:
on these problems a point of a path takes a few epochs, and the Python between epochs
was most of its cost.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .._kernels.gram_solve import gram_path, gram_solve
from ..certificates import Certificate, certify
from ._result import SolverResult
from .warm_start import Weights, starting_point

__all__ = ["GramPathPoints", "gram_cd", "gram_cd_path"]

# inner epochs stop when the working set's own gap is below this fraction of the full gap
INNER_FRACTION = 0.3
# a face step's Cholesky costs at most 1/FACE_SHARE of the epochs between two of them
# (diabetes, 100 α at rel. gap 1e-4: 4,149 epochs without face steps, 104 with)
FACE_SHARE = 4


def gram_cd(state, l1_weight, l2_weight, positive=False, *, tol=1e-4, max_epochs=20_000,
            coef_init=None, face_steps=True):  # fmt: skip
    """Solve the weighted elastic net on a :class:`~shrinkage.solvers.states.GramState`.

    Parameters
    ----------
    state : GramState
        Holds ``G``, ``Xᵀy``, ``‖y‖²`` and, between calls, ``q = Xᵀy − Gw``.
    l1_weight, l2_weight : ndarray of shape (n_features,)
        No feature may have both weights 0. Uniform views (:mod:`shrinkage._uniform`)
        are passed to the kernel as one number.
    positive : bool
    tol : float
        Target relative duality gap ``gap / P(0)``.
    max_epochs : int
        Budget of epochs (full or over the working set).
    coef_init : ndarray or WarmStart, optional
        An array is copied; a :class:`~shrinkage.solvers.warm_start.WarmStart` of
        float64 is solved in place (a path solves in its output rows), and its
        ``state_is_current`` skips the O(p²) reset of q.
    face_steps : bool
        Newton steps on the face of the signs between epochs
        (:func:`shrinkage._kernels.gram_solve.gram_solve`); off only to measure them.

    Returns
    -------
    SolverResult
        ``intercept`` 0, ``kkt_residual`` None (the largest residual is kept), and
        ``n_screened``: the features proven zero at the optimum by the gap-safe test.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.design import make_design
    >>> from shrinkage.solvers.states import GramState
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.standard_normal((200, 5)), rng.standard_normal(200)
    >>> state = GramState.from_design(make_design(X, y))
    >>> result = gram_cd(state, np.full(5, 0.05), np.zeros(5), tol=1e-10)
    >>> bool(result.converged), bool(result.relative_gap <= 1e-10)
    (True, True)
    """
    weights = Weights.resolve(l1_weight, l2_weight)
    w, start = starting_point(coef_init, np.float64, state.xty.shape[0])
    if not start.state_is_current:
        state.reset(w)
    primal_at_zero = max(state.yy / (2 * state.n), np.finfo(float).tiny)
    epochs, gap, primal, dual, largest, screened = gram_solve(
        state.gram, state.xty, state.yy, state.n, state.lipschitz, state.norm_lipschitz, w,
        state.correlation, weights.kernel_l1, weights.kernel_l2, bool(positive),
        tol * primal_at_zero, int(max_epochs), INNER_FRACTION, FACE_SHARE if face_steps else 0,
    )  # fmt: skip
    if epochs < 0:
        raise ValueError("gram_cd needs every feature penalised; use coordinate_descent.")
    cert = Certificate(primal, dual, gap, primal_at_zero, gap / primal_at_zero, None, largest)
    cert = _exact_if_short(state, w, weights.l1_64, weights.l2_64, positive, cert, tol)
    return SolverResult(w, 0.0, cert, epochs, cert.relative_gap <= tol, tol, "gram_cd",
                        n_screened=int(screened))  # fmt: skip


class GramPathPoints(NamedTuple):
    """The statistics of each point of :func:`gram_cd_path`, one array each."""

    n_iter: np.ndarray
    dual_gap: np.ndarray
    relative_gap: np.ndarray
    largest_kkt: np.ndarray
    n_screened: np.ndarray
    seconds: np.ndarray


def gram_cd_path(state, alphas, unit_l1, unit_l2, positive=False, *, tol=1e-4,
                 max_epochs=20_000, coef_init=None, face_steps=True):  # fmt: skip
    """:func:`gram_cd` at every α of a grid, each point warm-started from the last, in
    one compiled call (:func:`shrinkage._kernels.gram_solve.gram_path`).

    Parameters
    ----------
    state : GramState
    alphas : ndarray of shape (n_alphas,)
    unit_l1, unit_l2 : ndarray of shape (n_features,)
        The weights at α = 1 (uniform views allowed): those at α are α times them.
    positive : bool
    tol : float
        Target relative duality gap at every point.
    max_epochs : int
        Budget of epochs per point.
    coef_init : ndarray, optional
        The start of the first point (zero by default).
    face_steps : bool
        As in :func:`gram_cd`.

    Returns
    -------
    coefs : ndarray of shape (n_alphas, n_features)
        Row k solves ``alphas[k]``.
    points : GramPathPoints
        Epochs, certificate (as :func:`gram_cd` gives it) and seconds of each point.

    Examples
    --------
    A lasso path of the diabetes data, each point certified to 1e-10:

    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage.design import make_design
    >>> from shrinkage.solvers.states import GramState
    >>> X, y = load_diabetes(return_X_y=True)
    >>> state = GramState.from_design(make_design(X, y))
    >>> alphas = np.array([10.0, 1.0, 0.1])
    >>> coefs, points = gram_cd_path(state, alphas, np.ones(10), np.zeros(10), tol=1e-10)
    >>> np.count_nonzero(coefs, axis=1).tolist(), bool(np.all(points.relative_gap <= 1e-10))
    ([0, 3, 7], True)
    """
    alphas = np.asarray(alphas, dtype=np.float64)
    weights = Weights.resolve(unit_l1, unit_l2)
    w, _ = starting_point(coef_init, np.float64, state.xty.shape[0])
    state.reset(w)
    primal_at_zero = max(state.yy / (2 * state.n), np.finfo(float).tiny)
    coefs = np.zeros((alphas.shape[0], w.shape[0]))
    values = np.zeros((alphas.shape[0], 7))
    gram_path(
        state.gram, state.xty, state.yy, state.n, state.lipschitz, state.norm_lipschitz, w,
        state.correlation, alphas, weights.kernel_l1, weights.kernel_l2, bool(positive),
        tol * primal_at_zero, int(max_epochs), INNER_FRACTION, FACE_SHARE if face_steps else 0,
        coefs, values,
    )  # fmt: skip
    if values.shape[0] and values[0, 0] < 0:
        raise ValueError("gram_cd needs every feature penalised; use coordinate_descent.")
    points = GramPathPoints(values[:, 0].astype(np.int64), values[:, 1],
                            values[:, 1] / primal_at_zero, values[:, 4],
                            values[:, 5].astype(np.int64), values[:, 6])  # fmt: skip
    for k in np.flatnonzero(points.relative_gap > tol):  # rare: try the exact form
        epochs, gap, primal, dual, largest = values[k, :5]
        cert = Certificate(primal, dual, gap, primal_at_zero, gap / primal_at_zero, None,
                           largest)  # fmt: skip
        l1, l2 = alphas[k] * weights.l1_64, alphas[k] * weights.l2_64
        cert = _exact_if_short(state, coefs[k], l1, l2, positive, cert, tol)
        points.dual_gap[k], points.relative_gap[k] = cert.dual_gap, cert.relative_gap
        points.largest_kkt[k] = cert.largest_kkt
    return coefs, points


def _exact_if_short(state, w, l1, l2, positive, cert, tol):
    """``cert``, or the exact certificate of ``w`` where it is better: short of ``tol``,
    the residual form is exact where ``‖r‖² = yᵀr − wᵀq`` rounds off."""
    if cert.relative_gap <= tol or state.design is None:
        return cert
    exact = certify(state.design, w, l1, l2, bool(positive))
    if exact.relative_gap >= cert.relative_gap:
        return cert
    largest = float(np.max(exact.kkt_residual, initial=0.0))
    return replace(exact, kkt_residual=None, largest_kkt=largest)
