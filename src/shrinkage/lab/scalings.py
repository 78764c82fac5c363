"""Conversions between the regularization scalings people meet and this package's α.

This package minimises (the scaling of scikit-learn's ``Lasso``/``ElasticNet`` and of
glmnet's software)::

    1/(2n) ‖y − Xw‖²  +  α Σ|w_j|            (L1)
    1/(2n) ‖y − Xw‖²  +  α · ½ Σ w_j²         (L2)

Other conventions, and the α that gives the *same minimiser*:

* **Summed loss** (ISLR's form, ``RSS + λ Σ|β_j|`` and ``RSS + λ Σβ_j²``, §6.2; its one
  feature is :mod:`shrinkage.lab.threshold`'s ``(y − xθ)² + λ|θ|``):
  ``‖y − Xw‖² + λ Σ|w_j|`` is ``2n`` times ours with ``α = λ/(2n)``;
  ``‖y − Xw‖² + λ Σ w_j²`` is ``2n`` times ours with ``α = λ/n`` (ours has the ½).
* **Nielsen** (*Neural Networks and Deep Learning*, ch. 3): ``C = C₀ + (λ/n) Σ|w|`` and
  ``C = C₀ + (λ/2n) Σ w²`` with ``C₀`` the quadratic cost ``1/(2n) Σ‖y − a‖²``, i.e. our
  loss: ``α = λ/n`` for both.
* **Weight decay in SGD**: an optimizer with (coupled) ``weight_decay = d`` adds ``d·w`` to
  the gradient, i.e. minimises ``loss + (d/2)‖w‖²``, and each step multiplies the weights
  by ``1 − lr·d`` before the loss gradient is applied (the per-step decay is ``lr·d``). On
  our loss this is ``α = d``; Nielsen's rescaling factor ``1 − ηλ/n`` is the same with
  ``d = λ/n``.

* **Mean loss** (:mod:`shrinkage.nn`, and any network trained on ``loss + α·penalty``):
  α there is relative to the *mean* loss. With ``torch.nn.MSELoss`` (``1/n Σr²``, twice
  ``Lasso``'s ``1/(2n)Σr²``) the same minimiser needs ``α_nn = 2·α_Lasso``
  (:func:`lasso_alpha_to_nn`).

``loss_scale`` covers losses that are a multiple of ours: 1 for ``1/(2n)Σr²`` (Nielsen's
C₀), 2 for the plain mean squared error ``1/n Σr²`` (PyTorch's ``MSELoss``), ``2n`` for the
summed squared error. Minimising ``loss_scale·ours + penalty`` is the same as minimising
``ours + penalty/loss_scale``, so every α below is divided by ``loss_scale``.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "summed_to_alpha",
    "alpha_to_summed",
    "nielsen_to_alpha",
    "alpha_to_nielsen",
    "weight_decay_to_alpha",
    "alpha_to_weight_decay",
    "decay_per_step",
    "lasso_alpha_to_nn",
    "nn_alpha_to_lasso",
]

_PENALTIES = ("l1", "l2")


def _check(value, name, penalty=None):
    value = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(value)) or np.any(value < 0):
        raise ValueError(f"{name} must be finite and >= 0.")
    if penalty is not None and penalty not in _PENALTIES:
        raise ValueError(f"penalty must be one of {_PENALTIES}, got {penalty!r}.")
    return value if value.ndim else float(value)


def _check_n(n_samples):
    if int(n_samples) != n_samples or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    return int(n_samples)


def _check_scale(loss_scale):
    if not np.isfinite(loss_scale) or loss_scale <= 0:
        raise ValueError(f"loss_scale must be a finite number > 0, got {loss_scale!r}.")
    return float(loss_scale)


def _summed_factor(n_samples, penalty):
    """λ/α of the summed loss: ``2n`` for L1, ``n`` for L2 (ours has the ½)."""
    n = _check_n(n_samples)
    return 2.0 * n if penalty == "l1" else float(n)


def summed_to_alpha(lam, n_samples: int, penalty: str = "l1"):
    """α for ``‖y − Xw‖² + λ Σ|w|`` (``λ/(2n)``) or ``‖y − Xw‖² + λ Σw²`` (``λ/n``).

    Examples
    --------
    >>> summed_to_alpha(10.0, 5, "l1"), summed_to_alpha(10.0, 5, "l2")
    (1.0, 2.0)
    """
    return _check(lam, "lam", penalty) / _summed_factor(n_samples, penalty)


def alpha_to_summed(alpha, n_samples: int, penalty: str = "l1"):
    """Inverse of :func:`summed_to_alpha`.

    Examples
    --------
    >>> alpha_to_summed(1.0, 5, "l1"), alpha_to_summed(2.0, 5, "l2")
    (10.0, 10.0)
    """
    return _check(alpha, "alpha", penalty) * _summed_factor(n_samples, penalty)


def nielsen_to_alpha(lam, n_samples: int, *, loss_scale: float = 1.0):
    """α for Nielsen's ``C₀ + (λ/n)Σ|w|`` or ``C₀ + (λ/2n)Σw²``: ``λ/(n·loss_scale)``.

    ``C₀ = loss_scale · 1/(2n)‖y − Xw‖²`` (1 for Nielsen's quadratic cost).

    Examples
    --------
    >>> nielsen_to_alpha(5.0, 50)
    0.1
    """
    lam = _check(lam, "lam")
    return lam / (_check_n(n_samples) * _check_scale(loss_scale))


def alpha_to_nielsen(alpha, n_samples: int, *, loss_scale: float = 1.0):
    """Inverse of :func:`nielsen_to_alpha`: ``λ = α·n·loss_scale``.

    Examples
    --------
    >>> alpha_to_nielsen(0.1, 50)
    5.0
    """
    alpha = _check(alpha, "alpha")
    return alpha * _check_n(n_samples) * _check_scale(loss_scale)


def weight_decay_to_alpha(weight_decay, *, loss_scale: float = 1.0):
    """α (L2) equivalent to coupled ``weight_decay = d`` on ``loss_scale × our loss``.

    The optimizer minimises ``loss_scale·ours + (d/2)‖w‖²``, so ``α = d/loss_scale``.

    Examples
    --------
    >>> weight_decay_to_alpha(0.01), weight_decay_to_alpha(0.01, loss_scale=2.0)
    (0.01, 0.005)
    """
    return _check(weight_decay, "weight_decay") / _check_scale(loss_scale)


def alpha_to_weight_decay(alpha, *, loss_scale: float = 1.0):
    """Inverse of :func:`weight_decay_to_alpha`: ``d = α·loss_scale``.

    Examples
    --------
    >>> alpha_to_weight_decay(0.005, loss_scale=2.0)
    0.01
    """
    return _check(alpha, "alpha") * _check_scale(loss_scale)


def decay_per_step(learning_rate, weight_decay):
    """Fraction of each weight removed per SGD step by weight decay: ``lr·d``.

    One step is ``w ← (1 − lr·d)·w − lr·∇loss(w)``.

    Examples
    --------
    >>> decay_per_step(0.1, 0.01)
    0.001
    """
    learning_rate = _check(learning_rate, "learning_rate")
    return learning_rate * _check(weight_decay, "weight_decay")


def lasso_alpha_to_nn(alpha, *, loss_scale: float = 2.0):
    """α for ``mean loss + α·penalty`` (:mod:`shrinkage.nn`) with the minimiser of
    ``Lasso(alpha)`` / ``Ridge(alpha)``: ``α_nn = loss_scale · α``.

    ``Lasso`` minimises ``1/(2n)‖y − Xw‖² + α·penalty``; a network's mean loss is
    ``loss_scale`` times that loss: 2 for ``torch.nn.MSELoss()`` (``1/n Σr²``, the
    default here), 1 for ``0.5 * MSELoss()``. The penalty is the same (L1, L2 with the ½,
    or the elastic-net mix), so only α changes.

    Examples
    --------
    >>> lasso_alpha_to_nn(0.05)  # torch.nn.MSELoss
    0.1
    >>> lasso_alpha_to_nn(0.05, loss_scale=1.0)  # 0.5 * torch.nn.MSELoss
    0.05
    """
    return _check(alpha, "alpha") * _check_scale(loss_scale)


def nn_alpha_to_lasso(alpha_nn, *, loss_scale: float = 2.0):
    """Inverse of :func:`lasso_alpha_to_nn`: ``α_Lasso = α_nn / loss_scale``.

    Examples
    --------
    >>> nn_alpha_to_lasso(0.1)
    0.05
    """
    return _check(alpha_nn, "alpha_nn") / _check_scale(loss_scale)
