"""``shrinkage path`` and ``shrinkage cv``: the regularization path and the CV curve.

Both grids come from the library (:func:`shrinkage.path` and the CV estimators), so
``path --penalty l2`` and ``cv --penalty l2`` use the same rule. ``cv`` reports, as
glmnet's ``cv.glmnet``, the number of non-zero coefficients of the full-data fit at
every α (``n_nonzero``) beside its mean over the fold fits
(``mean_nonzero_over_folds``). Either table can go to standard output with ``-o -``.
"""

from __future__ import annotations

import click
import numpy as np

from . import models
from .destinations import check_table_destination, write_table
from .engines import engine_options
from .options import cv_options, describe_penalty, load_data, problem_options, writing_options

__all__ = ["cv_command", "path_command"]


@click.command("path")
@problem_options
@engine_options
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="FILE.csv (coefficients per α), FILE.png (the path plot) or - (the CSV, "
              "or JSON with --json, on standard output).")  # fmt: skip
@writing_options
def path_command(request, penalty, l1_ratio, grouped, standardize, n_alphas, alpha_min_ratio,
                 engine, out, force, output):  # fmt: skip
    """The regularization path of DATA: every coefficient along a decreasing α grid (one
    row per α, or per α and class for a multi-class target)."""
    rho = models.l1_ratio_for(penalty, l1_ratio)
    destination = check_table_destination(out, output, force=force, suffixes=(".csv", ".png"))
    options = dict(l1_ratio=rho, n_alphas=n_alphas, standardize=standardize,
                   alpha_min_ratio=alpha_min_ratio)  # fmt: skip
    if engine.name is not None:
        from . import engine_models
        from .engines import open_data

        with open_data(engine, request, output) as source:
            models.check_grouped(grouped, source.task)
            result = engine_models.run_path(source, output, **options)
    else:
        table = load_data(output, request)
        with output.progress(f"path of {describe_penalty(rho, grouped)}, {n_alphas} α, "
                             f"{len(table.X):,} rows"):  # fmt: skip
            result = models.run_path(table.X, table.y, table.task, table.schema["classes"],
                                     exposure=table.exposure, grouped=grouped,
                                     **options)  # fmt: skip
    frame = models.path_frame(result)
    if isinstance(destination, str) or destination.suffix.lower() == ".csv":
        write_table(frame, destination, output, index=True)
    else:
        _save_path_plot(result, destination)
    entry = dict(zip(map(str, result.feature_names), map(float, result.entry_alpha),
                     strict=True))  # fmt: skip
    order = sorted(entry, key=entry.get, reverse=True)
    summary = {
        "loss": result.loss, "n_alphas": int(result.alphas.size),
        "alpha_max": float(result.alphas[0]),
        "alpha_min": float(result.alphas[-1]), "entry_alpha": entry,
        "max_relative_gap": float(np.max(result.relative_gaps)),
        "seconds": float(result.timings["total"]),
        "out": None if isinstance(destination, str) else str(destination),
    }  # fmt: skip
    if isinstance(destination, str):
        summary["table"] = frame.reset_index().to_dict(orient="list")
    output.summary(
        summary,
        [f"path of {describe_penalty(rho, grouped)} over {result.alphas.size} α from "
         f"{result.alphas[0]:.4g} to {result.alphas[-1]:.4g} "
         f"({result.loss} loss, {result.timings['total']:.2f} s, largest relative gap "
         f"{np.max(result.relative_gaps):.1e})",
         "features by entry α: " + ", ".join(f"{n} ({entry[n]:.3g})" for n in order[:8]),
         *([] if isinstance(destination, str) else [f"wrote {destination}"])],
    )  # fmt: skip


def _save_path_plot(result, out) -> None:
    import matplotlib

    matplotlib.use("Agg")  # a command writing a file needs no display
    import matplotlib.pyplot as plt

    from .atomic import atomic_path

    figure, ax = plt.subplots(figsize=(8, 5))
    try:
        result.plot(ax=ax)
        figure.tight_layout()
        with atomic_path(out) as tmp:
            figure.savefig(tmp, format="png", dpi=110)
    finally:
        plt.close(figure)


@click.command("cv")
@problem_options
@cv_options
@engine_options
@click.option("--out", "-o", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="CSV file for the whole CV table, or - (the CSV, or JSON with --json, on "
              "standard output).")  # fmt: skip
@writing_options
def cv_command(request, penalty, l1_ratio, grouped, standardize, n_alphas, alpha_min_ratio,
               folds, select, seed, engine, out, force, output):  # fmt: skip
    """K-fold cross-validation over the α grid: the error curve and the min / 1-SE α."""
    from ..advice import n_features_kept

    rho = models.l1_ratio_for(penalty, l1_ratio)
    destination = check_table_destination(out, output, force=force, suffixes=(".csv",))
    if engine.name is not None:
        from . import engine_models
        from .engines import open_data

        with open_data(engine, request, output) as source:
            models.check_grouped(grouped, source.task)
            estimator = engine_models.fit_model(
                source, output, l1_ratio=rho, alpha=None, folds=folds, select=select,
                standardize=standardize, n_alphas=n_alphas, alpha_min_ratio=alpha_min_ratio,
                seed=seed,
            )  # fmt: skip
        task, full_path = source.task, estimator.path
    else:
        table = load_data(output, request)
        estimator = models.build_estimator(
            table.task, l1_ratio=rho, alpha=None, folds=folds, select=select,
            standardize=standardize, n_alphas=n_alphas, n_rows=len(table.X),
            random_state=seed, alpha_min_ratio=alpha_min_ratio, grouped=grouped,
        )  # fmt: skip
        models.check_cv_classes(table.y, table.task)
        with output.progress(
            f"{folds}-fold CV of {describe_penalty(rho, grouped)} over {n_alphas} α"
        ):
            for note in models.fit_quietly(estimator, table.X, table.y, table.exposure):
                output.note(note)
            full_path = models.run_path(
                table.X, table.y, table.task, table.schema["classes"], l1_ratio=rho,
                standardize=standardize,
                alphas=models.chosen_curve(estimator, estimator.cv_alphas_),
                exposure=table.exposure, grouped=grouped,
            )  # fmt: skip
        task = table.task
    curve = models.cv_table(estimator, full_path)
    _edge_messages(output, estimator, curve)
    write_table(curve, destination, output)
    error = models.CV_ERRORS[task]
    n_nonzero = n_features_kept(estimator.coef_)
    chosen = curve.index[curve["alpha"] == estimator.alpha_]
    fold_mean = None
    if len(chosen) and "mean_nonzero_over_folds" in curve:
        fold_mean = float(curve.loc[chosen[0], "mean_nonzero_over_folds"])
    shown = sorted(set(np.linspace(0, len(curve) - 1, 15).round().astype(int))
                   | set(np.flatnonzero(curve["choice"] != "")))  # fmt: skip
    lines = [f"{folds}-fold CV, {describe_penalty(rho, grouped)}, {task} ({error}; "
             f"{len(shown)} of {len(curve)} α shown; n_nonzero: full-data fit)",
             curve.iloc[shown].to_string(index=False, float_format=lambda v: f"{v:.4g}"),
             f"alpha_min = {estimator.alpha_min_:.4g}, alpha_1se = {estimator.alpha_1se_:.4g}; "
             f"chosen ({select}): {estimator.alpha_:.4g} with {n_nonzero} "
             + ("features non-zero in some class" if task == "multiclass"
                else "non-zero coefficients")]  # fmt: skip
    if not isinstance(destination, str) and destination is not None:
        lines.append(f"wrote {destination}")
    output.summary(
        {"task": task, "l1_ratio": rho, "folds": folds, "alpha_min": estimator.alpha_min_,
         "alpha_1se": estimator.alpha_1se_, "alpha": estimator.alpha_, "selection": select,
         "n_nonzero": n_nonzero, "mean_nonzero_over_folds": fold_mean,
         "alpha_grid_extended": getattr(estimator, "alpha_grid_extended_", None),
         "alpha_at_edge": getattr(estimator, "alpha_at_edge_", None),
         "table": curve.to_dict(orient="list"),
         "out": None if isinstance(destination, str) or destination is None
         else str(destination)},
        lines,
    )  # fmt: skip


def _edge_messages(output, estimator, curve) -> None:
    notes, warnings = models.edge_report(estimator)
    at_small_end = estimator.alpha_min_ == curve["alpha"].iloc[-1]
    if not hasattr(estimator, "alpha_at_edge_") and at_small_end:  # a library without them
        notes.append(
            "the least CV error is at the smallest α of the grid: the error may still fall "
            "below it (the data may need little regularisation)"
        )
    for note in notes:
        output.note(note)
    for warning in warnings:
        output.warn(warning)
