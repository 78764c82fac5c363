"""Gradient-descent dynamics of a single weight under an L1 or an L2 penalty.

The usual argument for "L1 gives zeros, L2 does not" follows one weight ``w`` under the
update ``w ← w − η·∂penalty(w)``:

* L1, ``penalty = |w|``: the (sub)gradient is ``sign(w)``, so every step moves ``w`` by the
  *same* amount ``η`` whatever its size. From ``w = 5`` with ``η = ½`` it reaches exactly 0
  after 10 steps and stays there, because the subgradient used at 0 is ``sign(0) = 0``.
* L2, ``penalty = ½w²``: the gradient is ``w``, so each step multiplies ``w`` by
  ``1 − η``. With ``η = ½`` it halves forever and never reaches 0 mathematically; with
  ``η = 1`` it lands on 0 in one step. In floating point (:func:`halving_underflow`),
  ``w ← (1 − η)·w`` from 5 rounds to 0.0 at step 1077 (float64) or 152 (float32), but
  the literal ``w ← w − η·w`` never does: at the smallest subnormal (4.9e-324, 1.4e-45)
  ``η·w`` rounds to 0 (a tie, to even) and ``w`` stays put. Neither is sparsity.

The special case hides the general one, which this module also runs:

* From a start that is not a multiple of ``η`` the L1 subgradient step jumps *over* 0 and
  then oscillates around it forever (amplitude about ``η``); it hits 0 only by luck.
* The *proximal* step ``w ← S(w, η)`` (soft-thresholding) lands on 0 exactly as soon as
  ``|w| ≤ η`` and stays there. This is what makes lasso solvers produce exact zeros.
* With a loss term ``½(w − c)²`` added, the minimiser of ``½(w − c)² + λ|w|`` is
  ``S(c, λ)``, exactly 0 once ``λ ≥ |c|``, while the minimiser of ``½(w − c)² + ½λw²`` is
  ``c/(1 + λ)``, never 0 for ``c ≠ 0``. (This is the 1/(2n) scaling with ``n = 1``, ``x = 1``:
  ``c`` plays the role of the least-squares coefficient and ``λ`` of α.)

See Also
--------
shrinkage.solvers.subgradient_descent : the same subgradient step on a full lasso problem.
shrinkage.lab.threshold : the threshold law ``λ ≥ 2|xy|`` for a general single feature.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..penalties import soft_threshold

__all__ = [
    "Trajectory",
    "penalty_descent",
    "descent_with_loss",
    "one_dimensional_solution",
    "OneDimensionalSolutions",
    "one_dimensional_solutions",
    "halving_underflow",
]

_PENALTIES = ("l1", "l2")
_METHODS = ("subgradient", "proximal")


@dataclass(frozen=True)
class Trajectory:
    """The iterates of a one-weight descent.

    Attributes
    ----------
    weights : ndarray of shape (n_steps + 1,)
        ``weights[k]`` is ``w`` after ``k`` steps (``weights[0]`` is the start).
    penalty : {"l1", "l2"}
    method : {"subgradient", "proximal"}
    step : float
        The step size η.
    strength : float
        The penalty strength λ multiplying the penalty.
    target : float or None
        ``c`` when the loss ``½(w − c)²`` was added, else None (penalty alone).
    """

    weights: np.ndarray
    penalty: str
    method: str
    step: float
    strength: float
    target: float | None

    @property
    def first_exact_zero(self) -> int | None:
        """Index of the first iterate that is exactly 0.0, or None if none is."""
        hits = np.flatnonzero(self.weights == 0.0)
        return int(hits[0]) if hits.size else None

    @property
    def stays_at_zero(self) -> bool:
        """True when some iterate is exactly 0 and every later one is too."""
        first = self.first_exact_zero
        return first is not None and bool(np.all(self.weights[first:] == 0.0))

    @property
    def label(self) -> str:
        """A short legend text, e.g. ``"L1, subgradient, η = 0.5"``."""
        return f"{self.penalty.upper()}, {self.method}, η = {self.step:g}"


def _check(penalty, method, step, n_steps, strength):
    if penalty not in _PENALTIES:
        raise ValueError(f"penalty must be one of {_PENALTIES}, got {penalty!r}.")
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}.")
    if not np.isfinite(step) or step <= 0:
        raise ValueError(f"step must be a finite number > 0, got {step!r}.")
    if not np.isfinite(strength) or strength < 0:
        raise ValueError(f"strength must be a finite number >= 0, got {strength!r}.")
    if int(n_steps) != n_steps or n_steps < 0:
        raise ValueError(f"n_steps must be a non-negative integer, got {n_steps!r}.")


def _penalty_step(w, penalty, method, eta):
    """One step on ``strength·penalty`` alone, with ``eta = step·strength`` folded in."""
    if penalty == "l1":
        # sign(0) = 0: the minimum-norm subgradient, so a weight that hits 0 stays there.
        return soft_threshold(w, eta) if method == "proximal" else w - eta * np.sign(w)
    # For ½w² the proximal step w/(1 + η) and the gradient step (1 − η)w both shrink
    # proportionally: neither can produce a zero except the gradient step with η = 1.
    return w / (1.0 + eta) if method == "proximal" else (1.0 - eta) * w


def penalty_descent(
    start: float,
    step: float,
    penalty: str = "l1",
    *,
    n_steps: int = 20,
    method: str = "subgradient",
    strength: float = 1.0,
) -> Trajectory:
    """Descend on ``strength · penalty(w)`` alone from ``w = start``.

    Parameters
    ----------
    start : float
        Initial weight.
    step : float
        Step size η > 0.
    penalty : {"l1", "l2"}
        ``|w|`` (subgradient ``sign(w)``) or ``½w²`` (gradient ``w``).
    n_steps : int
        Number of updates.
    method : {"subgradient", "proximal"}
        ``w − η·strength·∂penalty(w)`` or the proximal step ``prox_{η·strength·penalty}(w)``
        (soft-thresholding for L1).
    strength : float
        λ ≥ 0 multiplying the penalty.

    Returns
    -------
    Trajectory

    Examples
    --------
    From ``w = 5`` with η = ½, L1 is exactly 0 after 10 steps and stays; L2 halves.

    >>> l1 = penalty_descent(5.0, 0.5, "l1", n_steps=15)
    >>> l1.first_exact_zero, l1.stays_at_zero
    (10, True)
    >>> l2 = penalty_descent(5.0, 0.5, "l2", n_steps=15)
    >>> l2.first_exact_zero is None, float(l2.weights[3])
    (True, 0.625)
    """
    _check(penalty, method, step, n_steps, strength)
    weights = np.empty(int(n_steps) + 1)
    weights[0] = w = float(start)
    for k in range(1, int(n_steps) + 1):
        w = float(_penalty_step(w, penalty, method, step * strength))
        weights[k] = w
    return Trajectory(weights, penalty, method, float(step), float(strength), None)


def descent_with_loss(
    start: float,
    target: float,
    strength: float,
    step: float,
    penalty: str = "l1",
    *,
    n_steps: int = 100,
    method: str = "proximal",
) -> Trajectory:
    """Descend on ``½(w − c)² + strength · penalty(w)`` with ``c = target``.

    The subgradient method steps on the whole objective; the proximal method takes a
    gradient step on the loss and then the proximal step on the penalty (ISTA).

    Examples
    --------
    >>> run = descent_with_loss(3.0, target=1.0, strength=1.5, step=0.5)
    >>> run.stays_at_zero, float(run.weights[-1]), float(one_dimensional_solution(1.0, 1.5))
    (True, 0.0, 0.0)
    """
    _check(penalty, method, step, n_steps, strength)
    weights = np.empty(int(n_steps) + 1)
    weights[0] = w = float(start)
    for k in range(1, int(n_steps) + 1):
        loss_gradient = w - target
        if method == "proximal":
            w = float(_penalty_step(w - step * loss_gradient, penalty, method, step * strength))
        else:
            penalty_gradient = np.sign(w) if penalty == "l1" else w
            w = float(w - step * (loss_gradient + strength * penalty_gradient))
        weights[k] = w
    return Trajectory(weights, penalty, method, float(step), float(strength), float(target))


def one_dimensional_solution(target, strength, penalty: str = "l1"):
    """Exact minimiser of ``½(w − c)² + strength · penalty(w)``, elementwise.

    L1: ``S(c, λ)`` (exactly 0 when ``λ ≥ |c|``). L2 (``½w²``): ``c / (1 + λ)``.

    Examples
    --------
    >>> one_dimensional_solution(2.0, np.array([1.0, 2.0, 3.0]), "l1")
    array([1., 0., 0.])
    >>> one_dimensional_solution(2.0, np.array([1.0, 3.0]), "l2")
    array([1. , 0.5])
    """
    if penalty not in _PENALTIES:
        raise ValueError(f"penalty must be one of {_PENALTIES}, got {penalty!r}.")
    strength = np.asarray(strength, dtype=float)
    if np.any(strength < 0):
        raise ValueError("strength must be >= 0.")
    if penalty == "l1":
        return soft_threshold(target, strength)
    return np.asarray(target, dtype=float) / (1.0 + strength)


@dataclass(frozen=True)
class OneDimensionalSolutions:
    """Minimisers of ``½(w − c)² + λ·penalty(w)`` along λ, for L1 and for L2.

    Attributes
    ----------
    target : float
        The unpenalised minimiser ``c`` (the solution at λ = 0).
    strengths : ndarray of shape (n_strengths,)
        The penalty strengths λ ≥ 0, in the order given (increasing by default).
    l1 : ndarray of shape (n_strengths,)
        The L1 solution ``S(c, λ)`` at each λ, exactly 0 once ``λ ≥ |c|``.
    l2 : ndarray of shape (n_strengths,)
        The L2 solution ``c / (1 + λ)`` at each λ, never 0 unless ``c`` is.
    """

    target: float
    strengths: np.ndarray
    l1: np.ndarray
    l2: np.ndarray


def one_dimensional_solutions(target=2.0, strengths=None) -> OneDimensionalSolutions:
    """Both penalties' minimisers along λ (default: 301 values from 0 to ``3|c|``).

    Examples
    --------
    >>> solutions = one_dimensional_solutions(2.0, np.array([1.0, 3.0]))
    >>> solutions.l1, solutions.l2
    (array([1., 0.]), array([1. , 0.5]))
    """
    if strengths is None:
        strengths = np.linspace(0, 3 * abs(target), 301)
    strengths = np.asarray(strengths, dtype=float)
    return OneDimensionalSolutions(
        float(target), strengths, one_dimensional_solution(target, strengths, "l1"),
        one_dimensional_solution(target, strengths, "l2"),
    )  # fmt: skip


def halving_underflow(start=5.0, step=0.5, *, update="multiply", dtype=np.float64, max_steps=5000):
    """The L2 gradient step on ``½w²`` in floating point, run until ``w`` stops changing;
    returns ``(n_steps, final)``: the step at which ``w`` reached its fixed point (0.0 or
    not) and that value.

    Parameters
    ----------
    start, step : float
        ``w₀`` and η (both cast to ``dtype``).
    update : {"multiply", "subtract"}
        ``w ← (1 − η)·w`` or the literal gradient step ``w ← w − η·w``: equal in exact
        arithmetic, they round differently at the bottom of the subnormal range.
    dtype, max_steps : numpy floating type, int

    Examples
    --------
    >>> halving_underflow(5.0, 0.5, update="multiply")
    (1077, 0.0)
    >>> halving_underflow(5.0, 0.5, update="subtract")  # sticks at the smallest subnormal
    (1076, 5e-324)
    >>> halving_underflow(5.0, 0.5, update="multiply", dtype=np.float32)
    (152, 0.0)
    """
    if update not in ("multiply", "subtract"):
        raise ValueError(f"update must be 'multiply' or 'subtract', got {update!r}.")
    w, eta, one = dtype(start), dtype(step), dtype(1.0)
    for k in range(1, int(max_steps) + 1):
        new = (one - eta) * w if update == "multiply" else w - eta * w
        if new == w:
            return k - 1, float(w)
        w = new
    raise RuntimeError(f"w still changing after {max_steps} steps.")
