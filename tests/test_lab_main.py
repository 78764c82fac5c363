"""``python -m shrinkage.lab --out DIR`` regenerates every lab figure."""

import matplotlib

matplotlib.use("Agg")

from shrinkage.lab.__main__ import main  # noqa: E402

EXPECTED = {
    "calibration.png",
    "dynamics_oscillation.png",
    "dynamics_seed.png",
    "dynamics_with_loss.png",
    "geometry_axis_fraction.png",
    "geometry_budget_path.png",
    "geometry_contours.png",
    "geometry_gradient_field.png",
    "kkt_prostate.png",
    "orthonormal_maps.png",
    "paths_prostate.png",
    "paths_zero_counts.png",
    "threshold_law.png",
    "orthonormal_four_maps.png",
    "l2_descent_stability.png",
    "bayes_mode_mean.png",
    "group_lasso_path.png",
    "bias_variance.png",
    "selection_failure.png",
    "selection_cv.png",
    "degrees_of_freedom.png",
    "ridge_crossings.png",
    "calibration_intervals.png",
}


def test_command_writes_every_figure(tmp_path, capsys):
    assert main(["--out", str(tmp_path), "--dpi", "40"]) == 0
    written = {p.name for p in tmp_path.glob("*.png")}
    assert written == EXPECTED
    for name in EXPECTED:
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"
    out = capsys.readouterr().out
    assert str(tmp_path / "geometry_contours.png") in out
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert all(f'src="{name}"' in index for name in EXPECTED)  # every figure, listed
    assert "exactly 0 for λ ≥ 3 = 2|xy|" in index  # with its finding
