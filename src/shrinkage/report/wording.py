"""How the report writes its numbers and names its models: gaps, counts, the certificate
in one sentence, and the words of each task (:data:`TASK_WORDS`).

A duality gap is ≥ 0 in exact arithmetic; computed as ``primal − dual``, two sums of
about the same size, it can come out as ``-8e-17``. The report shows such a gap as
``< 1e-16`` (below what double precision resolves), never as a negative number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["GAP_RESOLUTION", "TASK_WORDS", "TaskWords", "certificate_sentence", "count",
           "gap_text", "percent_bound"]  # fmt: skip


@dataclass(frozen=True)
class TaskWords:
    """How the report names a task's model, where the sections differ by task.

    Attributes
    ----------
    name : str
        The task as the data section names it.
    objective : str
        What every model minimises, before "+ α × penalty(w)".
    error : str
        The held-out error of the CV curves.
    refit : str
        The unpenalised refit of the chosen features (bootstrap intervals).
    fit, contour : str
        The unpenalised two-feature fit and its loss contours (geometry and explorer).
    restricted : str
        The loss that the geometry section restricts to two features.
    """

    name: str
    objective: str
    error: str
    refit: str
    fit: str
    contour: str
    restricted: str


#: The words of each task of the report.
TASK_WORDS = {
    "regression": TaskWords(
        "regression", "½ × mean squared error", "mean squared error", "least squares",
        "least-squares fit", "squared-loss contour", "The squared loss",
    ),
    "classification": TaskWords(
        "classification", "the mean log-loss", "binomial deviance",
        "an unpenalised logistic regression", "unpenalised logistic fit",
        "log-loss contour (its quadratic approximation)",
        "The log-loss (its quadratic approximation around the unpenalised logistic fit)",
    ),
    "multiclass": TaskWords(
        "multi-class classification (multinomial logistic regression)",
        "the mean cross-entropy (multinomial log-loss)", "multinomial deviance",
        "an unpenalised multinomial logistic regression", "unpenalised multinomial fit",
        "cross-entropy contour (its quadratic approximation)",
        "The cross-entropy (its quadratic approximation around the unpenalised "
        "multinomial fit)",
    ),
    "count": TaskWords(
        "count (Poisson regression, log link)", "half the mean Poisson deviance",
        "mean Poisson deviance", "an unpenalised Poisson regression",
        "unpenalised Poisson fit", "Poisson deviance contour (its quadratic approximation)",
        "Half the mean Poisson deviance (its quadratic approximation around the "
        "unpenalised Poisson fit)",
    ),
}  # fmt: skip

#: Gaps below this are shown as "< 1e-16": about the relative rounding of a double.
GAP_RESOLUTION = 1e-16


def gap_text(value: float) -> str:
    """A gap or residual in scientific notation, never negative.

    Examples
    --------
    >>> gap_text(3.21e-7), gap_text(-8.4e-17), gap_text(0.0), gap_text(float("nan"))
    ('3.2e-07', '< 1e-16', '< 1e-16', 'not available')
    """
    value = float(value)
    if not math.isfinite(value):
        return "not available"
    if value < GAP_RESOLUTION:
        return f"< {GAP_RESOLUTION:.0e}"
    return f"{value:.1e}"


def count(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` and the noun in agreement with it.

    Examples
    --------
    >>> count(1, "iteration"), count(2, "iteration"), count(0, "feature")
    ('1 iteration', '2 iterations', '0 features')
    >>> count(1, "exact zero", "exact zeros"), count(3, "class", "classes")
    ('1 exact zero', '3 classes')
    """
    number = int(number)
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def percent_bound(relative_gap: float) -> str | None:
    """``100 · relative_gap`` rounded *up* to one significant digit, written out in
    positional notation (so that it stays an upper bound); ``None`` below the gap
    resolution.

    Examples
    --------
    >>> percent_bound(8.3e-7), percent_bound(2e-3), percent_bound(-1e-17)
    ('0.00009', '0.2', None)
    """
    value = 100.0 * float(relative_gap)
    if not math.isfinite(value) or relative_gap < GAP_RESOLUTION:
        return None
    exponent = math.floor(math.log10(value))
    rounded = math.ceil(value / 10.0**exponent - 1e-9) * 10.0**exponent
    return np.format_float_positional(rounded, precision=max(-exponent, 0), trim="-")


def certificate_sentence(relative_gap: float) -> str:
    """The certificate in one plain sentence, from the relative duality gap
    (``gap / P(0)``, so the bound is a share of the cost of the model without features).

    Examples
    --------
    >>> certificate_sentence(8.3e-7)
    'This fit is proven to be within 0.00009 % of the best possible.'
    >>> certificate_sentence(-1e-17)
    'This fit is proven to be the best possible, up to the rounding of the arithmetic.'
    """
    bound = percent_bound(relative_gap)
    if bound is None:
        if not math.isfinite(float(relative_gap)):
            return "This fit carries no proof of optimality."
        return "This fit is proven to be the best possible, up to the rounding of the arithmetic."
    return f"This fit is proven to be within {bound} % of the best possible."
