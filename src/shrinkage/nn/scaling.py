"""Converting penalty strengths between our α-scaling and the conventions of network texts.

Everything in :mod:`shrinkage.nn` adds the penalty to the *mean* loss,
``cost(w) = C₀(w) + α · penalty(w)`` with ``C₀ = 1/n Σ_i loss_i`` and

    penalty(w) = Σ_j ( ρ |w_j| + ½ (1 − ρ) w_j² )          (ρ = l1_ratio)

Nielsen (*Neural Networks and Deep Learning*, ch. 3) writes the same costs as
``C₀ + λ/n Σ|w|`` (L1) and ``C₀ + λ/(2n) Σ w²`` (L2, "weight decay"), so for both
``α = λ / n``. A penalty ``λ Σ|w|`` added to a *summed* loss ``Σ_i loss_i`` is the same
minimiser as ``C₀ + (λ/n) Σ|w|``: again ``α = λ / n``. Coupled weight decay in
``torch.optim.SGD(weight_decay=wd)`` adds ``wd · w`` to the gradient of the mean loss, which
is the L2 penalty with ``α = wd``; AdamW's *decoupled* decay has no exact α equivalent (it is
not preconditioned), which is why :mod:`shrinkage.nn.experiment` reports it as its own method.

For squared error that is not the estimators' scaling: ``Lasso`` adds the penalty to
``1/(2n)‖y − Xw‖²``, half the mean squared error, so with ``torch.nn.MSELoss`` the same
solution needs ``α_nn = 2·α_Lasso`` (:func:`shrinkage.lab.scalings.lasso_alpha_to_nn`).

This module is deliberately tiny and has no dependency on torch or on ``shrinkage.lab``;
its functions mirror ``shrinkage.lab.scalings.nielsen_to_alpha`` / ``alpha_to_nielsen`` with
``loss_scale = 1`` (the loss is a plain mean).
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

__all__ = ["nielsen_to_alpha", "alpha_to_nielsen"]


def _check_n_samples(n_samples) -> int:
    if isinstance(n_samples, bool) or not isinstance(n_samples, Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    return int(n_samples)


def _check_strength(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    if value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def nielsen_to_alpha(regularization: float, n_samples: int) -> float:
    """α in our scaling from Nielsen's ``λ`` (``λ/n Σ|w|`` or ``λ/(2n) Σ w²``): ``α = λ/n``.

    Parameters
    ----------
    regularization : float
        Nielsen's regularisation parameter λ ≥ 0 (also: λ of a penalty on a summed loss).
    n_samples : int
        n, the number of training examples the loss is averaged over.

    Returns
    -------
    alpha : float
        The strength for ``mean loss + α · penalty`` with ``penalty = Σ|w|`` (L1) or
        ``½ Σ w²`` (L2).

    See Also
    --------
    alpha_to_nielsen : the inverse.

    Examples
    --------
    >>> nielsen_to_alpha(5.0, 50_000)
    0.0001
    """
    return _check_strength(regularization, "regularization") / _check_n_samples(n_samples)


def alpha_to_nielsen(alpha: float, n_samples: int) -> float:
    """Nielsen's ``λ`` from α in our scaling: ``λ = n · α``.

    Examples
    --------
    >>> alpha_to_nielsen(1e-4, 50_000)
    5.0
    """
    return _check_strength(alpha, "alpha") * _check_n_samples(n_samples)
