"""The figures of the basic lab, each saved as a PNG with a one-line finding computed
from the result it draws (:func:`basic_figures`; ``python -m shrinkage.lab``)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

__all__ = ["basic_figures", "new_figure", "save", "save_side_by_side"]


def new_figure(ncols=1, width=6.0, height=4.2):
    """A figure with ``ncols`` axes side by side: ``(fig, axes)``."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, ncols, figsize=(width * ncols, height), squeeze=False)
    return fig, axes[0]


def save(fig, out: Path, name: str, dpi: int) -> Path:
    """Write ``fig`` as ``out/name.png`` and close it."""
    import matplotlib.pyplot as plt

    path = Path(out) / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path


def save_side_by_side(results, draw, out: Path, name: str, dpi: int, height=4.2):
    """Draw each of ``results`` into its own panel with ``draw(result, ax)``, save the
    row as ``out/name.png`` (creating ``out``) and return ``[(path, finding)]``, the
    finding being the results' ``summary()`` lines joined by ``"; "``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fig, axes = new_figure(len(results), height=height)
    for result, ax in zip(results, axes, strict=True):
        draw(result, ax)
    return [(save(fig, out, name, dpi), "; ".join(result.summary() for result in results))]


def _first_zero(trajectory):
    zeros = np.flatnonzero(trajectory.weights == 0.0)
    return int(zeros[0]) if zeros.size else None


def _dynamics(out, dpi):
    from .. import plots
    from . import dynamics

    fig, (ax,) = new_figure()
    from_five = [
        dynamics.penalty_descent(5.0, 0.5, "l1", n_steps=14),
        dynamics.penalty_descent(5.0, 0.5, "l2", n_steps=14),
        dynamics.penalty_descent(5.0, 1.0, "l2", n_steps=14),
    ]
    plots.plot_trajectories(from_five, ax, title="Start at w = 5 (a multiple of η = 0.5)")
    l1_zero, l2_last = _first_zero(from_five[0]), from_five[1].weights[-1]
    yield (
        save(fig, out, "dynamics_seed", dpi),
        (
            f"L1 steps of η = 0.5 from w = 5 land exactly on 0 at step {l1_zero}; L2 steps "
            f"only halve w (w = {l2_last:.2g} after {from_five[1].weights.size - 1} steps)."
        ),
    )
    fig, (ax,) = new_figure()
    wobble = [
        dynamics.penalty_descent(5.2, 0.5, "l1", n_steps=16),
        dynamics.penalty_descent(5.2, 0.5, "l1", n_steps=16, method="proximal"),
    ]
    plots.plot_trajectories(wobble, ax, title="Start at w = 5.2 (not a multiple of η = 0.5)")
    tail = np.abs(wobble[0].weights[-4:]).max()
    yield (
        save(fig, out, "dynamics_oscillation", dpi),
        (
            f"From w = 5.2 subgradient steps never hit 0 (they oscillate within ±{tail:.2g}); "
            f"the proximal step is exactly 0 from step {_first_zero(wobble[1])}."
        ),
    )
    fig, (ax,) = new_figure()
    solutions = dynamics.one_dimensional_solutions(2.0)
    plots.plot_one_dimensional_solutions(solutions, ax=ax)
    ax.set_title("Minimiser of ½(w − 2)² + λ·penalty(w), L1 = |w|, L2 = ½w²", fontsize=10)
    first = solutions.strengths[np.flatnonzero(solutions.l1 == 0)[0]]
    yield (
        save(fig, out, "dynamics_with_loss", dpi),
        (
            f"min ½(w − 2)² + λ·penalty: the L1 solution is exactly 0 from λ = {first:.3g} "
            f"(= |c|); the L2 (½w²) solution 2/(1 + λ) is never 0."
        ),
    )


def _geometry(out, dpi):
    from .. import plots
    from . import geometry

    problem = geometry.make_problem(0.6, [2.0, 0.8])
    fig, (ax,) = new_figure(width=6.0, height=6.0)
    shapes = geometry.constraint_geometry(problem, 1.0, limits=(-1.6, 2.6))
    plots.plot_constraint_geometry(shapes, ax)
    yield (
        save(fig, out, "geometry_contours", dpi),
        (
            f"At budget 1 the L1 optimum is ({shapes.l1[0]:.3g}, {shapes.l1[1]:.3g}), on a "
            f"corner; the L2 optimum ({shapes.l2[0]:.3g}, {shapes.l2[1]:.3g}) has no zero."
        ),
    )
    fig, axes = new_figure(2, width=4.5, height=4.5)
    for penalty, ax in zip(("l1", "l2"), axes, strict=True):
        plots.plot_gradient_field(penalty, geometry.penalty_gradient_field(penalty), ax)
    yield (
        save(fig, out, "geometry_gradient_field", dpi),
        (
            "The L1 (sub)gradient has the same length everywhere off the axes; the L2 "
            "gradient shrinks to 0 near the origin."
        ),
    )
    fig, (ax,) = new_figure(width=7.0, height=4.0)
    budgets = np.linspace(2.8, 0.0, 41)[:-1]
    optima = geometry.budget_path(problem, budgets)
    plots.plot_budget_path(optima, problem.ols, ax)
    yield (
        save(fig, out, "geometry_budget_path", dpi),
        (
            "As the budget shrinks the L1 optimum reaches an axis and stays there; the L2 "
            "optimum moves towards the origin off the axes."
        ),
    )
    fig, (ax,) = new_figure()
    share = geometry.axis_fraction(n_problems=400, seed=0)
    plots.plot_axis_fraction(share, ax)
    middle = int(np.argmin(np.abs(share.budget_ratios - 0.5)))
    yield (
        save(fig, out, "geometry_axis_fraction", dpi),
        (
            f"Over {share.n_problems} random 2-D problems at half the unconstrained norm, "
            f"{share.l1[middle]:.0%} of L1 optima and {share.l2[middle]:.0%} of L2 optima "
            "have a zero coordinate."
        ),
    )


def _threshold(out, dpi):
    from .. import plots, solve
    from ..datasets import load_prostate
    from . import threshold

    fig, (ax,) = new_figure()
    law = threshold.threshold_law(1.0, 1.5)
    plots.plot_threshold_law(law, ax)
    yield (
        save(fig, out, "threshold_law", dpi),
        (
            f"One observation (x = 1, y = 1.5), loss (y − xθ)² + λ|θ|: θ̂ is exactly 0 for "
            f"λ ≥ {law.threshold:.3g} = 2|xy|."
        ),
    )
    fig, (ax,) = new_figure()
    plots.plot_orthonormal_maps(threshold.orthonormal_maps(1.0), ax)
    yield (
        save(fig, out, "orthonormal_maps", dpi),
        (
            "Orthonormal design: the lasso soft-thresholds the OLS value (a flat zero band of "
            "half-width α), ridge rescales it by 1/(1 + α) (ESL Table 3.4)."
        ),
    )
    X, y, names, _ = load_prostate()
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)  # standardised so one α compares features
    result = solve(Xs, y, 0.1, tol=1e-12)
    fig, (ax,) = new_figure()
    check = threshold.kkt_check(Xs, y, result.coef, result.intercept, 0.1)
    plots.plot_kkt(check, names, ax)
    ax.set_title("Prostate data, lasso at α = 0.1: KKT per feature", fontsize=10)
    yield (
        save(fig, out, "kkt_prostate", dpi),
        (
            f"Prostate, lasso at α = 0.1: {int(np.sum(check.is_zero))} of {len(names)} "
            "coefficients are exactly 0, each with |x_jᵀr|/n strictly below α."
        ),
    )


def _paths(out, dpi):
    from .. import plots
    from ..datasets import load_prostate
    from . import paths

    X, y, names, _ = load_prostate()
    comparison = paths.compare_paths(X, y, feature_names=names)
    fig, axes = new_figure(3, width=5.3, height=4.2)  # room for each panel's title
    for path, ax in zip(comparison, axes, strict=True):
        plots.plot_penalty_path(path, ax)
    fig.suptitle("Prostate data: L1, L2 and elastic-net paths (standardised penalty)")
    zeros = {path.name: int(path.n_zeros.max()) for path in comparison}
    yield (
        save(fig, out, "paths_prostate", dpi),
        (
            "Most zeros on the grid: "
            + ", ".join(f"{name} {count} of {len(names)}" for name, count in zeros.items())
            + "."
        ),
    )
    fig, (ax,) = new_figure()
    plots.plot_zero_counts(comparison, ax)
    halfway = {
        path.name: int(path.n_zeros[np.flatnonzero(path.norm_fraction >= 0.5)[0]])
        for path in comparison
    }
    yield (
        save(fig, out, "paths_zero_counts", dpi),
        "Halfway along each path (half the least-squares L1 norm): "
        + ", ".join(f"{name} {count} zeros" for name, count in halfway.items())
        + ".",
    )


def _calibration(out, dpi):
    from sklearn.datasets import load_diabetes

    from .. import plots
    from ..datasets import load_prostate
    from . import calibration, paths

    X, y, _, train = load_prostate()
    fig, axes = new_figure(2, width=5.5, height=4.2)
    prostate = calibration.calibration_curves(X[train], y[train], X[~train], y[~train])
    plots.plot_calibration(prostate, axes[0], title="Prostate, ESL split (67 train / 30 test)")
    Xd, yd = load_diabetes(return_X_y=True)
    with warnings.catch_warnings():  # NaN slopes of all-zero lassos are expected
        warnings.simplefilter("ignore", RuntimeWarning)
        diabetes = calibration.repeated_split_calibration(
            Xd, yd, n_repeats=200, alpha_min_ratio=1e-5,
            lasso_alphas=paths.penalty_alphas(Xd, yd, 1.0, n_alphas=30),
        )  # fmt: skip
    plots.plot_calibration(diabetes, axes[1], title="Diabetes, 80 train rows (mean of 200 splits)")
    yield (
        save(fig, out, "calibration", dpi),
        (
            f"Calibration slope of least squares on held-out rows: prostate "
            f"{prostate.ols_slope:.3g} (one split), diabetes {diabetes.ols_slope:.3g} (mean of "
            "200 splits); penalising moves it towards or past 1."
        ),
    )


def basic_figures(out, dpi: int = 100) -> list[tuple[Path, str]]:
    """The basic lab's figures in ``out``: ``(path, finding)`` for each."""
    written = []
    for topic in (_dynamics, _geometry, _threshold, _paths, _calibration):
        written.extend(topic(Path(out), dpi))
    return written
