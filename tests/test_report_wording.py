"""How the report writes gaps, counts and the certificate sentence."""

from __future__ import annotations

import math

import pytest

from shrinkage.report.wording import certificate_sentence, count, gap_text, percent_bound


@pytest.mark.parametrize(
    ("value", "text"),
    [(3.2e-7, "3.2e-07"), (3.24999e-7, "3.2e-07"), (1.0, "1.0e+00"), (2.5e-16, "2.5e-16"),
     (1e-16, "1.0e-16"), (9.9e-17, "< 1e-16"), (0.0, "< 1e-16"), (-8.4e-17, "< 1e-16"),
     (-1e-12, "< 1e-16"), (math.nan, "not available"), (math.inf, "not available")],
)  # fmt: skip
def test_gaps_are_never_negative_and_in_scientific_notation(value, text):
    assert gap_text(value) == text


def test_counts_agree_in_number():
    assert [count(n, "iteration") for n in (0, 1, 2)] == [
        "0 iterations", "1 iteration", "2 iterations",
    ]  # fmt: skip
    assert count(1, "more feature") == "1 more feature"
    assert count(21, "α value") == "21 α values"
    assert count(1, "class", "classes") == "1 class"
    assert count(2, "class", "classes") == "2 classes"


@pytest.mark.parametrize(
    ("relative_gap", "bound"),
    [(8.3e-7, "0.00009"), (1e-6, "0.0001"), (1.0000001e-6, "0.0002"), (2e-3, "0.2"),
     (0.5, "50"), (1.2e-10, "0.00000002"), (5e-17, None), (-3e-17, None),
     (math.nan, None)],
)  # fmt: skip
def test_percent_bound_rounds_up(relative_gap, bound):
    assert percent_bound(relative_gap) == bound
    if bound is not None:  # still an upper bound on 100 × gap, within one significant digit
        assert 100 * relative_gap <= float(bound) < 100 * relative_gap * 10


def test_certificate_sentence():
    assert certificate_sentence(1e-6) == (
        "This fit is proven to be within 0.0001 % of the best possible."
    )
    assert certificate_sentence(-8.4e-17) == (
        "This fit is proven to be the best possible, up to the rounding of the arithmetic."
    )
    assert certificate_sentence(math.nan) == "This fit carries no proof of optimality."
