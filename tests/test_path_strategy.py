"""How a squared-loss path chooses its strategy (``shrinkage.path.strategy``)."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage.design import make_design
from shrinkage.path.strategy import (
    GRAM_MAX_FEATURES,
    HOMOTOPY_LOOSE_MAX_SAMPLES,
    choose_strategy,
    homotopy_applies,
)
from shrinkage.penalties import L1, L2, ElasticNetPenalty

GRID = np.array([1.0, 0.1])


def _design(n, p, sparse=False, dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, p)).astype(dtype)
    X = sp.csc_matrix(X) if sparse else X
    return make_design(X, rng.standard_normal(n).astype(dtype), dtype=dtype)


@pytest.mark.parametrize(
    ("shape", "penalty", "sparse", "tol", "expected"),
    [
        ((200, 10), L1(), False, 1e-4, "gram"),  # n ≥ 2p
        ((50, 400), L1(), False, 1e-7, "homotopy"),  # wide, dense, lasso
        ((50, 400), L1(), False, 1e-4, "homotopy"),  # n ≤ 200 at a loose tol
        ((50, 400), ElasticNetPenalty(0.5), False, 1e-7, "working_set"),  # not lasso
        ((50, 400), L1(), True, 1e-7, "working_set"),  # sparse
        ((120, 100), L1(), False, 1e-4, "working_set"),  # neither tall nor wide
        ((200, 10), L1(penalty_factor=[0.0] + [1.0] * 9), False, 1e-4, "cd"),  # unpenalised
    ],
)
def test_auto_choice(shape, penalty, sparse, tol, expected):
    design = _design(*shape, sparse=sparse)
    assert choose_strategy("auto", *shape, penalty, design, GRID, tol) == expected


def test_wide_rows_beyond_the_loose_limit_go_to_working_sets():
    n = HOMOTOPY_LOOSE_MAX_SAMPLES + 10
    design = _design(n, 3 * n)
    assert choose_strategy("auto", n, 3 * n, L1(), design, GRID, 1e-4) == "working_set"
    assert choose_strategy("auto", n, 3 * n, L1(), design, GRID, 1e-7) == "homotopy"


def test_gram_has_a_size_limit():
    assert GRAM_MAX_FEATURES == 5000
    design = _design(30, 5)
    assert choose_strategy("auto", 20_000, 6000, L1(), design, GRID, 1e-4) != "gram"


def test_homotopy_needs_a_lasso_in_float64_down_to_a_positive_alpha():
    design = _design(20, 40)
    assert homotopy_applies(L1(), design, GRID)
    assert not homotopy_applies(L2(), design, GRID)
    assert not homotopy_applies(L1(), design, np.array([1.0, 0.0]))
    assert not homotopy_applies(L1(), _design(20, 40, dtype=np.float32), GRID)


@pytest.mark.parametrize(
    ("strategy", "penalty", "match"),
    [
        ("fastest", L1(), "strategy must be one of"),
        ("gram", L1(penalty_factor=[0.0, 1.0, 1.0]), "needs every feature penalised"),
        ("homotopy", ElasticNetPenalty(0.5), "pure L1 penalty"),
    ],
)
def test_asked_strategies_are_checked(strategy, penalty, match):
    with pytest.raises(ValueError, match=match):
        choose_strategy(strategy, 30, 3, penalty, _design(30, 3), GRID, 1e-4)
