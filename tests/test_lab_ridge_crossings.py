import numpy as np
import pytest

from shrinkage import solve
from shrinkage.datasets import load_prostate
from shrinkage.lab.ridge_crossings import (
    non_monotone_features,
    ridge_crossings,
    ridge_spectrum,
)
from shrinkage.penalties import L2


@pytest.fixture(scope="module")
def prostate():
    X, y, names, _ = load_prostate()
    return X, y, names


def _ridge_by_solve(X, y, alpha):
    """Ridge at α independently of the eigendecomposition: one linear solve."""
    centred = X - X.mean(axis=0)
    scale = centred.std(axis=0)
    n = X.shape[0]
    gram = centred.T @ centred / n + alpha * np.diag(scale**2)
    return np.linalg.solve(gram, centred.T @ (y - y.mean()) / n)


def test_closed_form_is_the_package_ridge(prostate):
    X, y, _ = prostate
    spectrum = ridge_spectrum(X, y)
    for alpha in (0.01, 0.1514, 3.0):
        ref = solve(X, y, alpha, L2(), standardize=True, tol=1e-12).coef
        np.testing.assert_allclose(spectrum.coef(alpha)[0], ref, rtol=0, atol=1e-12)


def test_lcp_and_age_cross_zero_exactly_once(prostate):
    X, y, names = prostate
    crossings = ridge_crossings(X, y, feature_names=names)
    assert [c.name for c in crossings] == ["age", "lcp"]
    lcp = crossings[1]
    assert lcp.alpha == pytest.approx(0.15136156723821623, rel=1e-10)
    assert crossings[0].alpha == pytest.approx(1.3935048578122564, rel=1e-10)
    for crossing in crossings:
        j = crossing.feature
        # independent check: a plain linear solve at the root gives (numerically) zero ...
        assert abs(_ridge_by_solve(X, y, crossing.alpha)[j]) < 1e-12
        # ... and the sign differs on either side (relative step 1e-6)
        above = _ridge_by_solve(X, y, crossing.alpha * (1 + 1e-6))[j]
        below = _ridge_by_solve(X, y, crossing.alpha * (1 - 1e-6))[j]
        assert np.sign(above) == crossing.sign_before == 1
        assert np.sign(below) == crossing.sign_after == -1


def test_four_coefficients_are_not_monotone(prostate):
    X, y, names = prostate
    assert non_monotone_features(X, y, feature_names=names) == ["age", "lcp", "gleason", "pgg45"]


def test_orthogonal_design_has_no_crossing():
    # XᵀX/n = I: every coefficient is c_j/(1 + α), one sign on the whole path
    rng = np.random.default_rng(0)
    A = rng.standard_normal((40, 3))
    Q, _ = np.linalg.qr(A - A.mean(axis=0))  # centred orthonormal columns
    X = Q * np.sqrt(40)
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.standard_normal(40)
    assert ridge_crossings(X, y) == []


def test_bad_input(prostate):
    X, y, _ = prostate
    with pytest.raises(ValueError, match="feature_names"):
        ridge_crossings(X, y, feature_names=["a"])
    with pytest.raises(ValueError, match="alpha_min"):
        ridge_crossings(X, y, alpha_min=1.0, alpha_max=0.5)
    with pytest.raises(ValueError, match="constant"):
        ridge_spectrum(np.column_stack([X, np.ones(len(y))]), y)


def test_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    from shrinkage.lab.ridge_crossings import figures

    [(path, finding)] = figures(tmp_path, 40)
    assert path.name == "ridge_crossings.png" and path.read_bytes()[:4] == b"\x89PNG"
    assert "lcp at α = 0.151362" in finding
