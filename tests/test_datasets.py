from pathlib import Path

import numpy as np
import pytest

from shrinkage.datasets import load_prostate

# the shared data folder sits beside the repository (CI: a fresh clone with shared/ beside it)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "prostate_esl.csv"


def test_load_prostate():
    X, y, names, train = load_prostate()
    assert X.shape == (97, 8) and y.shape == (97,) and train.dtype == bool
    assert names == ["lcavol", "lweight", "age", "lbph", "svi", "lcp", "gleason", "pgg45"]
    assert int(train.sum()) == 67
    assert y[0] == pytest.approx(-0.4307829)
    assert set(np.unique(X[:, 4])) == {0.0, 1.0}  # svi is binary


@pytest.mark.skipif(not SHARED.exists(), reason="shared data folder absent")
def test_bundled_copy_equals_shared_file():
    bundled = Path(__file__).parents[1] / "src/shrinkage/datasets/data/prostate_esl.csv"
    assert bundled.read_bytes() == SHARED.read_bytes()
