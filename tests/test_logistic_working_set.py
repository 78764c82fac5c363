"""The working set of the logistic solvers' Newton steps
(:func:`shrinkage.solvers.logistic.working_set`): the kept features, then the largest
KKT violations, never a feature that meets its condition while any violates."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from shrinkage.solvers.logistic import working_set


@st.composite
def _residuals(draw):
    p = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kkt = rng.exponential(size=p) * (rng.random(p) < draw(st.sampled_from([0.0, 0.2, 0.7])))
    kept = rng.random(p) < draw(st.sampled_from([0.0, 0.1, 0.5]))
    return kkt, kept, draw(st.integers(1, 50))


@given(_residuals())
def test_kept_features_then_the_largest_violations(case):
    kkt, kept, asked = case
    p = kkt.shape[0]
    features, size = working_set(kkt, kept, asked)
    assert size == min(p, max(asked, 2 * int(kept.sum())))
    assert features.dtype == np.int64
    assert np.all(np.diff(features) > 0)  # increasing, no repeat
    chosen = np.zeros(p, dtype=bool)
    chosen[features] = True
    violators = ~kept & (kkt > 0)
    if not np.any(kept | violators):  # nothing to rank: the first `size` features
        np.testing.assert_array_equal(features, np.arange(size))
        return
    assert np.all(kept[chosen] | violators[chosen])  # no feature that meets its condition
    assert np.all(chosen[kept]) or kept.sum() > size
    if np.sum(kept | violators) <= size:
        np.testing.assert_array_equal(chosen, kept | violators)
    else:
        assert features.shape[0] == size
        # every violation left out is at most every violation taken
        taken = kkt[chosen & violators]
        left = kkt[~chosen & violators]
        if taken.size and left.size:
            assert left.max() <= taken.min()
