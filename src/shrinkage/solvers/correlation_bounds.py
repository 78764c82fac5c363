"""Full KKT checks that read only the columns that can matter.

A certificate at a point w needs ``c_j = x_jᵀr`` for every feature: the dual point
θ = scale·r/n must satisfy ``|x_jᵀθ| ≤ a_j`` everywhere, and a feature at zero violates
the optimality conditions when ``|c_j| > n·a_j``. Along a path (and between the outer
iterations of a working-set solve) the residual moves little, and by Cauchy–Schwarz

    |x_jᵀr| ≤ |x_jᵀr₀| + ‖x_j‖·‖r − r₀‖

for any earlier residual r₀. So when that bound is below ``n·a_j`` for a feature at
zero, the feature is feasible *and* satisfies its optimality condition, and its exact
correlation changes nothing in the gap, the KKT residual or the choice of a working set:
only the other columns are read. The bound takes the place of ``|c_j|`` for the
consumers that use magnitudes only (gap-safe tests, the strong rule), on the safe side.

On the benchmark's sparse problems about 95 % of the columns are settled this way one
α after the previous check (``benchmarks/README.md``).
"""

from __future__ import annotations

import numpy as np

from .._kernels.gap import drift_bounds
from .._uniform import as_weights, for_kernel

# above this fraction of unsettled columns, one full product is cheaper than the subset
FULL_PASS_FRACTION = 0.3


class CorrelationBounds:
    """Upper bounds ``|x_jᵀr| ≤ bound_j``, exact where last computed.

    One p-vector holds both: ``last_j`` is the signed ``x_jᵀr`` where the column was
    read at the last check (``exact_j``) and the bound (≥ 0) where it was settled, and
    the next check turns it into the new bounds in place.

    Parameters
    ----------
    lipschitz : ndarray of shape (n_features,)
        ``‖x_j‖²/n`` of the effective (centred, weighted) columns: the coordinate
        Lipschitz constants the solver keeps, from which ``‖x_j‖`` is taken.
    """

    def __init__(self, lipschitz):
        self.lipschitz = lipschitz
        self.last = self.exact = self.reference = None

    def correlations(self, r, w, l1_weight, exact_all, exact_some):
        """``X_effᵀr`` where it matters, the bound elsewhere (a view of :attr:`last`,
        overwritten by the next call).

        ``exact_all(r, out)`` returns all correlations (written into ``out`` unless it
        is None), ``exact_some(r, mask, out)`` writes those of the features where
        ``mask`` is True into ``out``. The columns read are those whose bound reaches
        ``n·a_j`` and those with ``w_j ≠ 0``; ``l1_weight=None`` reads all.
        """
        n = r.shape[0]
        lazy = False
        if self.last is not None and l1_weight is not None:
            drift = float(np.linalg.norm(r - self.reference))
            a = for_kernel(as_weights(l1_weight, np.float64))
            # last ← |last| + ‖x_j‖·drift, and exact ← the columns still to read
            count = drift_bounds(self.last, self.lipschitz, drift, a, n,
                                 np.asarray(w, np.float64), self.exact)  # fmt: skip
            if count <= FULL_PASS_FRACTION * self.last.size:
                exact_some(r, self.exact, self.last)
                lazy = True
        if not lazy:
            if self.last is None:
                self.last = np.asarray(exact_all(r, None), dtype=np.float64)
                self.exact = np.ones(self.last.size, dtype=np.bool_)
            else:
                exact_all(r, self.last)
                self.exact[:] = True
        if self.reference is None:
            self.reference = np.array(r, dtype=np.float64)
        else:
            self.reference[:] = r
        return self.last

    def read(self):
        """The last correlations where they were read, 0 where a bound settled them.

        For the sequential strong rule of the next α: a settled feature was proven
        strictly inside its constraint at the last check, so it is left out of the
        guessed working set and, like any feature the guess misses, caught by the
        full KKT check if it enters (reading the settled columns for the rule cost
        more than those few extra checks on the benchmark's sparse problems).
        """
        out = self.last.copy()
        out[~self.exact] = 0.0
        return out
