"""The report's static figures, rendered to PNG and embedded as ``data:`` URIs.

Matplotlib's object API only (``Figure`` + ``FigureCanvasAgg``): no pyplot, no global
state, no rcParams changes, so building a report leaves the caller's plotting alone.
"""

from __future__ import annotations

import base64
import io
from dataclasses import replace

import numpy as np

from ..plots.text import plain_text
from .analysis import ReportData
from .calibration import calibration_regression, reliability_curve
from .geometry2d import pair_problem, strongest_pair
from .wording import TASK_WORDS

__all__ = ["to_data_uri", "path_and_cv_figure", "calibration_figure", "geometry_figure"]

#: The legend words of the constraint-geometry plot, for the losses it has no words of:
#: it draws a count model's quadratic approximation as the logistic one's, renamed.
_GEOMETRY_LEGEND = {"count": (("log-loss", "Poisson deviance"), ("logistic", "Poisson"))}


def _figure(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def to_data_uri(figure, dpi: int = 96) -> str:
    """PNG bytes of ``figure`` as a ``data:image/png;base64,…`` URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _mark_choices(ax, run):
    alphas = run.path.alphas
    ax.axvline(alphas[run.index_min], color="0.25", ls="--", lw=0.9,
               label=f"α_min = {alphas[run.index_min]:.3g}")  # fmt: skip
    ax.axvline(alphas[run.index_1se], color="0.25", ls=":", lw=1.1,
               label=f"α_1se = {alphas[run.index_1se]:.3g}")  # fmt: skip


#: At most this many labels per path panel (those that enter first): more cannot be read.
MAX_PATH_LABELS = 20


def path_and_cv_figure(data: ReportData):
    """For each penalty: the path of standardised coefficients (top, every feature that
    is ever non-zero labelled, up to :data:`MAX_PATH_LABELS`; for a multi-class model
    each feature's row norm over the classes) and the CV curve with one-standard-error
    bars (bottom), the min and 1-SE choices marked on both."""
    from ..plots.paths import plot_path

    figure = _figure(4.6 * len(data.runs), 7.2)
    axes = figure.subplots(2, len(data.runs), sharex="col", squeeze=False,
                           gridspec_kw=dict(height_ratios=(1.5, 1)))  # fmt: skip
    for column, run in enumerate(data.runs):
        path_ax, cv_ax = axes[0, column], axes[1, column]
        result = run.path
        if result.column_std is None:  # the report fits every path on standardised columns
            result = replace(result, column_std=data.feature_std)
        n_labels = int(np.count_nonzero(result.entry_alpha > 0))
        label = "all" if n_labels <= MAX_PATH_LABELS else MAX_PATH_LABELS
        multiclass = result.coefs.ndim == 3
        if multiclass:  # the row norms (MultinomialPathResult.plot)
            result.plot(ax=path_ax, standardized=True, label=label)
        else:
            plot_path(result, ax=path_ax, standardized=True, label=label)
        _mark_choices(path_ax, run)
        path_ax.set_title(f"{run.name} (ρ = {run.l1_ratio:g})", fontsize=10)
        path_ax.set_xlabel("")
        ylabel = ("standardised ‖row‖ over the classes" if multiclass
                  else "standardised coefficient")  # fmt: skip
        path_ax.set_ylabel(ylabel if column == 0 else "")
        cv_ax.errorbar(run.path.alphas, run.cv_mean, yerr=run.cv_std_error, fmt="o", ms=2.5,
                       color="tab:red", ecolor="0.6", elinewidth=0.8, capsize=1.5)  # fmt: skip
        _mark_choices(cv_ax, run)
        cv_ax.set_xlabel("α (log scale, decreasing →)")
        cv_ax.legend(fontsize=7)
        if column == 0:
            cv_ax.set_ylabel(f"{data.n_splits}-fold CV {TASK_WORDS[data.task].error}")
    return figure


def calibration_figure(data: ReportData):
    """Held-out calibration of the chosen model (out-of-fold predictions)."""
    figure = _figure(5.2, 4.2)
    ax = figure.subplots()
    if data.task in ("regression", "count"):
        predictions, slope, intercept = calibration_regression(data)
        ax.scatter(predictions, data.y, s=9, alpha=0.5, color="tab:blue",
                   label="samples (held-out predictions)")  # fmt: skip
        low, high = (
            float(min(predictions.min(), data.y.min())),
            float(max(predictions.max(), data.y.max())),
        )
        grid = np.linspace(low, high, 2)
        ax.plot(grid, grid, color="tab:green", lw=1, label="perfect calibration (slope 1)")
        if np.isfinite(slope):
            ax.plot(grid, intercept + slope * grid, color="tab:red", lw=1.4,
                    label=f"y regressed on predictions: slope {slope:.2f}")  # fmt: skip
        counted = data.task == "count"
        ax.set_xlabel("out-of-fold predicted mean count" if counted else "out-of-fold prediction")
        ax.set_ylabel("observed count" if counted else "observed y")
    else:
        mean_predicted, observed, counts, brier = reliability_curve(data)
        ax.plot([0, 1], [0, 1], color="tab:green", lw=1, label="perfect calibration")
        ax.plot(mean_predicted, observed, "-o", color="tab:red", ms=4,
                label=f"held-out reliability (Brier {brier:.3f})")  # fmt: skip
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("mean predicted probability (quantile bins)")
        ax.set_ylabel(f"observed frequency of class {plain_text(data.classes[1])}")
    ax.set_title(f"Held-out calibration: {data.chosen.name} at α = {data.chosen.alpha:.3g}",
                 fontsize=10)  # fmt: skip
    ax.legend(fontsize=8)
    return figure


def geometry_figure(data: ReportData):
    """The lab's diamond / circle figure on the two strongest features' sub-problem, at
    half of the unpenalised solution's L1 norm; ``None`` with a single feature."""
    from ..lab.geometry import constraint_geometry
    from ..plots.geometry import plot_constraint_geometry

    pair = strongest_pair(data)
    if pair is None:
        return None
    first, second = pair
    X_standardized = (data.X - data.feature_mean) / data.feature_std
    problem = pair_problem(X_standardized, data.y, (first, second), data.task, data.exposure)
    budget = 0.5 * float(np.abs(problem.ols).sum())
    figure = _figure(5.6, 5.6)
    ax = figure.subplots()
    loss = "squared" if data.task == "regression" else "logistic"
    plot_constraint_geometry(constraint_geometry(problem, budget), ax=ax, loss=loss)
    _rename_legend(ax, _GEOMETRY_LEGEND.get(data.task, ()))
    ax.set_xlabel(f"w₁: {plain_text(data.feature_names[first])} (standardised)")
    ax.set_ylabel(f"w₂: {plain_text(data.feature_names[second])} (standardised)")
    return figure


def _rename_legend(ax, replacements) -> None:
    """Replace words in the legend's labels (``replacements``: ``(old, new)`` pairs)."""
    if not replacements:
        return
    legend = ax.get_legend()
    for text in legend.get_texts():
        label = text.get_text()
        for old, new in replacements:
            label = label.replace(old, new)
        text.set_text(label)
