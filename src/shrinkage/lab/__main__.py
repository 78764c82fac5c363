"""``python -m shrinkage.lab --out DIR``: regenerate every lab figure as a PNG in DIR.

The docs page ``docs/why-l1-gives-zeros.md`` uses ``--out docs/figures``.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np


def _figure(ncols=1, width=6.0, height=4.2):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0]


def _save(fig, out: Path, name: str, dpi: int) -> Path:
    import matplotlib.pyplot as plt

    path = out / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def make_figures(out, dpi: int = 100) -> list[Path]:
    """Write every lab figure into ``out`` (created if needed); return the paths."""
    from sklearn.datasets import load_diabetes

    from .. import plots, solve
    from ..datasets import load_prostate
    from . import calibration, dynamics, geometry, paths, threshold

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []

    fig, (ax,) = _figure()
    from_five = [
        dynamics.penalty_descent(5.0, 0.5, "l1", n_steps=14),
        dynamics.penalty_descent(5.0, 0.5, "l2", n_steps=14),
        dynamics.penalty_descent(5.0, 1.0, "l2", n_steps=14),
    ]
    plots.plot_trajectories(from_five, ax, title="Start at w = 5 (a multiple of η = 0.5)")
    written.append(_save(fig, out, "dynamics_seed", dpi))

    fig, (ax,) = _figure()
    wobble = [
        dynamics.penalty_descent(5.2, 0.5, "l1", n_steps=16),
        dynamics.penalty_descent(5.2, 0.5, "l1", n_steps=16, method="proximal"),
    ]
    plots.plot_trajectories(wobble, ax, title="Start at w = 5.2 (not a multiple of η = 0.5)")
    written.append(_save(fig, out, "dynamics_oscillation", dpi))

    fig, (ax,) = _figure()
    plots.plot_one_dimensional_solutions(dynamics.one_dimensional_solutions(2.0), ax=ax)
    written.append(_save(fig, out, "dynamics_with_loss", dpi))

    problem = geometry.make_problem(0.6, [2.0, 0.8])
    fig, (ax,) = _figure(width=6.0, height=6.0)
    plots.plot_constraint_geometry(
        geometry.constraint_geometry(problem, 1.0, limits=(-1.6, 2.6)), ax
    )
    written.append(_save(fig, out, "geometry_contours", dpi))

    fig, axes = _figure(2, width=4.5, height=4.5)
    for penalty, ax in zip(("l1", "l2"), axes, strict=True):
        plots.plot_gradient_field(penalty, geometry.penalty_gradient_field(penalty), ax)
    written.append(_save(fig, out, "geometry_gradient_field", dpi))

    fig, (ax,) = _figure(width=7.0, height=4.0)
    budgets = np.linspace(2.8, 0.0, 41)[:-1]
    plots.plot_budget_path(geometry.budget_path(problem, budgets), problem.ols, ax)
    written.append(_save(fig, out, "geometry_budget_path", dpi))

    fig, (ax,) = _figure()
    plots.plot_axis_fraction(geometry.axis_fraction(n_problems=400, seed=0), ax)
    written.append(_save(fig, out, "geometry_axis_fraction", dpi))

    fig, (ax,) = _figure()
    plots.plot_threshold_law(threshold.threshold_law(1.0, 1.5), ax)
    written.append(_save(fig, out, "threshold_law", dpi))

    fig, (ax,) = _figure()
    plots.plot_orthonormal_maps(threshold.orthonormal_maps(1.0), ax)
    written.append(_save(fig, out, "orthonormal_maps", dpi))

    X, y, names, train = load_prostate()
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)  # standardised so one α compares features
    result = solve(Xs, y, 0.1, tol=1e-12)
    fig, (ax,) = _figure()
    plots.plot_kkt(threshold.kkt_check(Xs, y, result.coef, result.intercept, 0.1), names, ax)
    ax.set_title("Prostate data, lasso at α = 0.1: KKT per feature", fontsize=10)
    written.append(_save(fig, out, "kkt_prostate", dpi))

    comparison = paths.compare_paths(X, y, feature_names=names)
    fig, axes = _figure(3, width=4.6, height=4.0)
    for path, ax in zip(comparison, axes, strict=True):
        plots.plot_penalty_path(path, ax)
    fig.suptitle("Prostate data: L1, L2 and elastic-net paths (standardised penalty)")
    written.append(_save(fig, out, "paths_prostate", dpi))

    fig, (ax,) = _figure()
    plots.plot_zero_counts(comparison, ax)
    written.append(_save(fig, out, "paths_zero_counts", dpi))

    fig, axes = _figure(2, width=5.5, height=4.2)
    plots.plot_calibration(
        calibration.calibration_curves(X[train], y[train], X[~train], y[~train]),
        axes[0], title="Prostate, ESL split (67 train / 30 test)",
    )  # fmt: skip
    Xd, yd = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():  # NaN slopes of all-zero lassos are expected
        warnings.simplefilter("ignore", RuntimeWarning)
        diabetes = calibration.repeated_split_calibration(
            Xd, yd, n_repeats=20, alpha_min_ratio=1e-5,
            lasso_alphas=paths.penalty_alphas(Xd, yd, 1.0, n_alphas=30),
        )  # fmt: skip
    plots.plot_calibration(diabetes, axes[1], title="Diabetes, 80 train rows (mean of 20 splits)")
    written.append(_save(fig, out, "calibration", dpi))
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m shrinkage.lab", description="Regenerate every lab figure as a PNG."
    )
    parser.add_argument("--out", required=True, help="folder for the PNG files")
    parser.add_argument("--dpi", type=int, default=100, help="resolution (default 100)")
    args = parser.parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")  # a script writing files: no display needed
    for path in make_figures(args.out, dpi=args.dpi):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
