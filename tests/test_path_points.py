"""What a path records at each point and how it becomes a result
(``shrinkage.path.points``)."""

import time

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from shrinkage.path.points import POINT_FIELDS, PathRequest, assemble, new_points, output_rows
from shrinkage.penalties import L1


def _request(**changes):
    options = dict(
        penalty=L1(), alphas=None, n_alphas=3, alpha_min_ratio=None, fit_intercept=True,
        sample_weight=None, standardize=False, tol=1e-4, max_iter=100, feature_names=None,
        coef_format="dense",
    )  # fmt: skip
    return PathRequest(**{**options, **changes})


def test_points_are_a_record_with_named_fields():
    assert POINT_FIELDS.names == (
        "intercept", "dual_gap", "relative_gap", "n_iter", "seconds", "n_screened",
    )  # fmt: skip
    points = new_points(3)
    points[1] = (0.5, 2e-9, 1e-9, 7, 0.01, 4)
    assert points["n_iter"].dtype == np.int64 and points["n_iter"][1] == 7
    assert points["relative_gap"][1] == 1e-9 and np.all(points["seconds"][[0, 2]] == 0)


@pytest.mark.parametrize("coef_format", ["dense", "sparse"])
def test_output_rows_keep_each_point(coef_format):
    rows = output_rows(coef_format, 2, 4, np.float64)
    rows.store(0, np.array([0.0, 1.5, 0.0, -2.0]))
    rows.store(1, np.array([0.5, 0.0, 0.0, 0.0]))
    coefs = rows.finish()
    dense = coefs.toarray() if sp.issparse(coefs) else coefs
    np.testing.assert_array_equal(dense, [[0.0, 1.5, 0.0, -2.0], [0.5, 0.0, 0.0, 0.0]])


def test_assemble_reads_every_field_and_checks_the_names():
    alphas = np.array([1.0, 0.5, 0.1])
    coefs = np.array([[0.0, 0.0], [0.3, 0.0], [0.6, -0.2]])
    points = new_points(3)
    points["intercept"], points["relative_gap"] = [1.0, 1.1, 1.2], [0.0, 1e-6, 2e-6]
    points["n_iter"], points["n_screened"] = [1, 3, 5], [2, 1, 0]
    result = assemble(alphas, coefs, points, _request(feature_names=["a", "b"]), "squared",
                      time.perf_counter(), "gram", 1e-4)  # fmt: skip
    np.testing.assert_array_equal(result.intercepts, [1.0, 1.1, 1.2])
    np.testing.assert_array_equal(result.n_iter, [1, 3, 5])
    np.testing.assert_array_equal(result.n_screened, [2, 1, 0])
    np.testing.assert_array_equal(result.n_active, [0, 1, 2])
    assert result.strategy == "gram" and result.penalty == L1() and result.fit_intercept
    assert list(result.feature_names) == ["a", "b"]
    with pytest.raises(ValueError, match="3 names for 2 features"):
        assemble(alphas, coefs, points, _request(feature_names=["a", "b", "c"]), "squared",
                 time.perf_counter(), "gram", 1e-4)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_alphas=st.integers(1, 12), p=st.integers(1, 9),
       block=st.integers(1, 40))  # fmt: skip
def test_support_summary_of_blocks_equals_the_row_by_row_count(seed, n_alphas, p, block):
    from shrinkage.path import rows

    rng = np.random.default_rng(seed)
    coefs = rng.standard_normal((n_alphas, p)) * (rng.random((n_alphas, p)) < 0.4)
    alphas = np.sort(rng.uniform(0.1, 2.0, n_alphas))[::-1]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rows, "_BLOCK_ENTRIES", block)  # blocks of a few rows
        entry, n_active = rows.support_summary(coefs, alphas)
    sparse_entry, sparse_active = rows.support_summary(sp.csr_array(coefs), alphas)
    expected = [alphas[np.flatnonzero(coefs[:, j])[0]] if coefs[:, j].any() else 0.0
                for j in range(p)]  # fmt: skip
    np.testing.assert_array_equal(entry, expected)
    np.testing.assert_array_equal(n_active, np.count_nonzero(coefs, axis=1))
    np.testing.assert_array_equal(sparse_entry, entry)
    np.testing.assert_array_equal(sparse_active, n_active)
