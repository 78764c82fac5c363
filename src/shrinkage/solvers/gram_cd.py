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

import numpy as np

from .._kernels.gram_solve import gram_solve
from ..certificates import Certificate, certify
from ._result import SolverResult
from .warm_start import Weights, starting_point

__all__ = ["gram_cd"]

# inner epochs stop when the working set's own gap is below this fraction of the full gap
INNER_FRACTION = 0.3


def gram_cd(state, l1_weight, l2_weight, positive=False, *, tol=1e-4, max_epochs=20_000,
            coef_init=None):  # fmt: skip
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
        tol * primal_at_zero, int(max_epochs), INNER_FRACTION,
    )  # fmt: skip
    if epochs < 0:
        raise ValueError("gram_cd needs every feature penalised; use coordinate_descent.")
    cert = Certificate(primal, dual, gap, primal_at_zero, gap / primal_at_zero, None, largest)
    if cert.relative_gap > tol and state.design is not None:
        # short of tol: the residual form is exact where ‖r‖² = yᵀr − wᵀq rounds off
        exact = certify(state.design, w, weights.l1_64, weights.l2_64, bool(positive))
        if exact.relative_gap < cert.relative_gap:
            largest = float(np.max(exact.kkt_residual, initial=0.0))
            cert = replace(exact, kkt_residual=None, largest_kkt=largest)
    return SolverResult(w, 0.0, cert, epochs, cert.relative_gap <= tol, tol, "gram_cd",
                        n_screened=int(screened))  # fmt: skip
