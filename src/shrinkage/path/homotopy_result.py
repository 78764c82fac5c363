"""The result of the exact lasso path (:func:`~shrinkage.path.homotopy.lasso_homotopy`):
its knots, the coefficients there, and the exact solution at any α between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

__all__ = ["HomotopyEvent", "HomotopyResult"]


class HomotopyEvent(NamedTuple):
    """What happens at a knot: ``feature`` ``"enter"``-s or ``"leave"``-s the active set,
    or the path ``"end"``-s (feature −1); ``"collinear"`` marks a feature that reached
    the bound but was not added because it lies in the span of the active columns."""

    alpha: float
    feature: int
    kind: str


@dataclass(frozen=True)
class HomotopyResult:
    """The exact lasso path: knots, coefficients there, and what happens at each.

    Attributes
    ----------
    alphas : ndarray of shape (n_knots,)
        Knots, non-increasing from α_max (equal values where events tie).
    coefs : ndarray of shape (n_knots, n_features)
        Exact solutions at the knots (original scale); linear in α in between.
    intercepts : ndarray of shape (n_knots,)
    events : tuple of HomotopyEvent
        One per knot.
    active_sets : tuple of tuple of int
        The active set on the segment that starts at each knot (after its event).
    collinear : tuple of HomotopyEvent
        Features skipped because collinear with the active set (scikit-learn warns
        "Regressors in active set degenerate"); the solution stays exact, not unique.
    stop_reason : str
        ``"alpha_min"`` (reached), ``"max_knots"`` or ``"zero_correlation"`` (y is
        orthogonal to every column: the solution is 0 for every α).
    feature_names : ndarray of str
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    events: tuple
    active_sets: tuple
    collinear: tuple
    stop_reason: str
    feature_names: np.ndarray = field(repr=False)

    @property
    def alpha_max(self) -> float:
        return float(self.alphas[0])

    @property
    def n_knots(self) -> int:
        return int(self.alphas.size)

    @property
    def entry_alpha(self) -> np.ndarray:
        """Per feature, the largest α at which it is active (0 if it never enters)."""
        entry = np.zeros(self.coefs.shape[1])
        for event in reversed(self.events):
            if event.kind == "enter":
                entry[event.feature] = event.alpha
        return entry

    def _interpolate(self, alpha, values):
        alpha = np.asarray(alpha, dtype=np.float64)
        low = self.alphas[-1]
        if np.any(~np.isfinite(alpha)) or np.any(alpha < low * (1 - 1e-12)):
            raise ValueError(f"alpha must be finite and >= {low:g}, the end of the path.")
        # np.interp needs increasing knots; above α_max it holds the value at α_max (0)
        x, fp = self.alphas[::-1], values[::-1]
        if fp.ndim == 1:
            return np.interp(alpha, x, fp)
        return np.stack([np.interp(alpha, x, fp[:, j]) for j in range(fp.shape[1])], -1)

    def coef_at(self, alpha) -> np.ndarray:
        """Exact coefficients at any α ≥ the last knot (scalar → (p,), array → (m, p))."""
        return self._interpolate(alpha, self.coefs)

    def intercept_at(self, alpha):
        """Exact intercept at any α ≥ the last knot."""
        return self._interpolate(alpha, self.intercepts)

    def to_frame(self):
        """One row per knot: α, event, feature, intercept and coefficients (pandas)."""
        import pandas as pd

        frame = pd.DataFrame(self.coefs, columns=list(self.feature_names))
        frame.insert(0, "intercept", self.intercepts)
        frame.insert(0, "feature", [self.feature_name(e.feature) for e in self.events])
        frame.insert(0, "event", [e.kind for e in self.events])
        frame.index = pd.Index(self.alphas, name="alpha")
        return frame

    def feature_name(self, j):
        """The name of feature j ("" for the end of the path, j = −1)."""
        return "" if j < 0 else str(self.feature_names[j])

    def plot(self, ax=None, *, label_top: int = 5):
        """Coefficients against α, knots marked (:func:`shrinkage.plots.homotopy.plot_homotopy`);
        returns the axes."""
        from ..plots.homotopy import plot_homotopy  # matplotlib only when plotting

        return plot_homotopy(self, ax, label_top=label_top)
