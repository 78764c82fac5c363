"""Stability selection: probabilities, monotonicity, the Meinshausen-Bühlmann bound."""

import joblib
import numpy as np
import pytest

from shrinkage.selection import StabilitySelection, stability_selection


def problem(seed=0, n=100, p=25):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = X[:, 0] - 2.0 * X[:, 1] + 1.5 * X[:, 2] + rng.standard_normal(n)
    return X, y


def test_probabilities_monotonicity_and_bound():
    X, y = problem()
    result = stability_selection(X, y, n_subsamples=30, threshold=0.7, random_state=0)
    n_alphas, p = result.selection_probabilities.shape
    assert (n_alphas, p) == (30, 25) and result.n_subsamples == 30
    for probabilities in (result.selection_probabilities, result.entry_probabilities):
        assert np.all((probabilities >= 0) & (probabilities <= 1))
        # fractions of 30 fits
        np.testing.assert_allclose(probabilities * 30, np.round(probabilities * 30), atol=1e-9)
    # selected somewhere on [α, α_max]: can only grow as α decreases
    assert np.all(np.diff(result.entry_probabilities, axis=0) >= 0)
    assert np.all(result.entry_probabilities >= result.selection_probabilities)
    np.testing.assert_allclose(result.max_probabilities, result.selection_probabilities.max(0))
    # q_Λ is the mean size of the union over the grid = Σ_j P(j enters by the smallest α)
    assert result.average_selected == pytest.approx(result.entry_probabilities[-1].sum())
    expected = result.average_selected**2 / ((2 * 0.7 - 1) * p)
    assert result.error_bound == pytest.approx(expected, rel=1e-12)
    assert set(result.selected) == {0, 1, 2}
    assert np.all(result.max_probabilities[[0, 1, 2]] == 1.0)


def test_complementary_pairs_and_parallel():
    X, y = problem(seed=1)
    one_pair = stability_selection(X, y, n_subsamples=2, random_state=3)
    assert set(np.unique(one_pair.selection_probabilities)) <= {0.0, 0.5, 1.0}
    plain = stability_selection(X, y, n_subsamples=7, complementary_pairs=False,
                                sample_fraction=0.6, random_state=3)  # fmt: skip
    assert plain.n_subsamples == 7 and not plain.complementary_pairs
    odd = stability_selection(X, y, n_subsamples=7, random_state=3)
    assert odd.n_subsamples == 8  # pairs: rounded up to even
    serial = stability_selection(X, y, n_subsamples=10, random_state=5)
    with joblib.parallel_backend("threading", n_jobs=2):
        threaded = stability_selection(X, y, n_subsamples=10, random_state=5, n_jobs=2)
    np.testing.assert_array_equal(serial.selection_probabilities,
                                  threaded.selection_probabilities)  # fmt: skip


def test_selector_estimator():
    X, y = problem(seed=2)
    selector = StabilitySelection(n_subsamples=20, random_state=0).fit(X, y)
    mask = selector.get_support()
    assert mask.shape == (25,) and set(np.flatnonzero(mask)) == set(selector.result_.selected)
    assert selector.transform(X).shape == (100, mask.sum())
    assert selector.error_bound_ == selector.result_.error_bound


def test_bad_input():
    X, y = problem()
    with pytest.raises(ValueError, match="threshold"):
        stability_selection(X, y, threshold=0.5)
    with pytest.raises(ValueError, match="n_subsamples"):
        stability_selection(X, y, n_subsamples=0)
    y_nan = y.copy()
    y_nan[0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        stability_selection(X, y_nan)
