"""``shrinkage``: fit, predict, path and cv commands, and the command group.

Run ``shrinkage --help`` or ``shrinkage COMMAND --help``. The report, lab and demo
commands are in :mod:`shrinkage.cli.publish`.
"""

from __future__ import annotations

import io
import sys
import time

import click
import numpy as np

from .atomic import check_output_dir, check_output_file, write_files_into, write_text
from .models import build_estimator, cv_table, fit_quietly, l1_ratio_for, run_path
from .options import (
    check_alpha_or_cv,
    command_line,
    data_options,
    force_option,
    load_data,
    output_options,
)

__all__ = ["cli", "main"]

PENALTY_NAMES = {1.0: "lasso (L1)", 0.0: "ridge (L2)"}


class _Group(click.Group):
    """Remembers the raw arguments, so outputs can record the exact command."""

    def parse_args(self, ctx, args):
        ctx.meta["shrinkage.argv"] = list(args)
        return super().parse_args(ctx, args)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="shrinkage", prog_name="shrinkage")
def cli():
    """Fast, certified and explained L1 / L2 / elastic-net regularization.

    DATA is a CSV or Parquet file. Exit codes: 0 success, 1 internal error, 2 usage or
    data error.
    """


def _penalty_options(function):
    function = click.option(
        "--l1-ratio", type=float, default=None,
        help="ρ, the L1 share of the elastic net (with --penalty enet; default 0.5).",
    )(function)  # fmt: skip
    function = click.option(
        "--penalty", type=click.Choice(["l1", "l2", "enet"]), default="l1", show_default=True,
        help="l1 (lasso), l2 (ridge) or enet (elastic net).",
    )(function)  # fmt: skip
    function = click.option("--standardize/--no-standardize", default=True, show_default=True,
                            help="Penalise standardised columns (coefficients stay on the "
                            "data's scale).")(function)  # fmt: skip
    return click.option("--n-alphas", type=click.IntRange(min=2), default=100,
                        show_default=True, help="Points on the α grid.")(function)  # fmt: skip


def _describe(l1_ratio: float) -> str:
    return PENALTY_NAMES.get(l1_ratio, f"elastic net (ρ={l1_ratio:g})")


@cli.command()
@data_options
@_penalty_options
@click.option("--alpha", type=float, default=None, help="A fixed α (instead of --cv).")
@click.option("--cv", "folds", type=int, default=None, help="Choose α by K-fold CV (default 5).")
@click.option(
    "--select",
    type=click.Choice(["min", "1se"]),
    default="min",
    show_default=True,
    help="CV rule: least error, or the sparsest model within one standard error.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the CV folds.")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="Folder for model.json and coef.csv.")  # fmt: skip
@force_option
@output_options
def fit(data, target, task, encoding, no_encode, dropna, penalty, l1_ratio, standardize,
        n_alphas, alpha, folds, select, seed, out, force, output):  # fmt: skip
    """Fit a penalised model to DATA; write OUT/model.json and OUT/coef.csv."""
    from .model_io import COEF_FILE, MODEL_FILE, document_writers, model_document

    check_alpha_or_cv(alpha, folds)
    rho = l1_ratio_for(penalty, l1_ratio)
    out = check_output_dir(out, [MODEL_FILE, COEF_FILE], force=force)
    table = load_data(output, data, target=target, task=task, encoding=encoding,
                      no_encode=no_encode, dropna=dropna)  # fmt: skip
    folds = 5 if alpha is None and folds is None else folds
    estimator = build_estimator(
        table.task, l1_ratio=rho, alpha=alpha, folds=folds, select=select,
        standardize=standardize, n_alphas=n_alphas, n_rows=len(table.X), random_state=seed,
    )  # fmt: skip
    how = f"α = {alpha:g}" if alpha is not None else f"{folds}-fold CV ({select})"
    start = time.perf_counter()
    with output.progress(f"fitting {_describe(rho)}, {how}, on {len(table.X):,} rows"):
        for note in fit_quietly(estimator, table.X, table.y):
            output.note(note)
    seconds = time.perf_counter() - start
    parameters = {
        "penalty": penalty, "l1_ratio": rho, "alpha": float(getattr(estimator, "alpha_", alpha)),
        "selection": "fixed" if alpha is not None else select, "cv": folds,
        "alpha_min": getattr(estimator, "alpha_min_", None),
        "alpha_1se": getattr(estimator, "alpha_1se_", None),
        "standardize": standardize, "fit_intercept": True, "tol": estimator.tol,
        "n_alphas": n_alphas if alpha is None else None, "seed": seed if alpha is None else None,
    }  # fmt: skip
    document = model_document(estimator, table.schema, parameters=parameters,
                              command=command_line())  # fmt: skip
    document["n_rows"], document["fit_seconds"] = len(table.X), round(seconds, 4)
    paths = write_files_into(out, document_writers(document))
    certificate = document["certificate"]
    n_features = len(document["coefficients"])
    output.summary(
        {"task": table.task, "estimator": document["estimator"], "alpha": parameters["alpha"],
         "l1_ratio": rho, "n_rows": len(table.X), "n_features": n_features,
         "n_nonzero": document["n_nonzero"], "certificate": certificate,
         "fit_seconds": seconds, "files": [str(p) for p in paths]},
        [
            f"{document['estimator']} ({_describe(rho)}, α = {parameters['alpha']:.4g}) on "
            f"{len(table.X):,} rows × {n_features} features, {table.task}: "
            f"{document['n_nonzero']} non-zero, {n_features - document['n_nonzero']} exactly "
            f"zero ({seconds:.2f} s)",
            f"certificate: relative duality gap {certificate['relative_gap']:.2e}, largest "
            f"KKT residual {certificate['max_kkt_residual']:.2e}",
            f"wrote {', '.join(str(p) for p in paths)}",
        ],
    )  # fmt: skip


@cli.command()
@click.argument("model", type=click.Path(exists=True))
@click.argument("data", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="CSV file for the predictions (default: stdout).")  # fmt: skip
@click.option("--encoding", default="utf-8", show_default=True, help="CSV text encoding.")
@force_option
@output_options
def predict(model, data, out, encoding, force, output):
    """Predict DATA with the model saved in the folder MODEL (by shrinkage fit)."""
    import pandas as pd

    from .io import read_table
    from .model_io import load_model

    if out is not None:
        out = check_output_file(out, force=force, suffixes=(".csv",))
    saved = load_model(model)
    frame = read_table(data, encoding=encoding)
    notes: list[str] = []
    X = saved.encode(frame, notes)
    for note in notes:
        output.note(note)
    predictions = pd.DataFrame({"prediction": saved.predict(X)}, index=frame.index)
    if saved.task == "classification":
        predictions[f"probability_{saved.schema['classes'][1]}"] = saved.predict_proba(X)
    summary = {"n_rows": len(frame), "task": saved.task, "out": None if out is None else str(out)}
    target = saved.schema["target"]
    if target in frame.columns and not frame[target].isna().any():
        truth = frame[target].to_numpy()
        if saved.task == "regression":
            residual = np.asarray(truth, dtype=np.float64) - predictions["prediction"].to_numpy()
            summary["r2"] = 1.0 - residual @ residual / np.sum((truth - truth.mean()) ** 2)
        else:
            summary["accuracy"] = float(np.mean(predictions["prediction"].to_numpy() == truth))
    lines = []
    if out is not None:
        buffer = io.StringIO()
        predictions.to_csv(buffer, index=False)
        write_text(out, buffer.getvalue())
        lines.append(f"wrote {len(frame):,} predictions to {out}")
    elif output.json_mode:
        summary["predictions"] = predictions["prediction"].tolist()
    else:
        predictions.to_csv(sys.stdout, index=False)
    for key in ("r2", "accuracy"):
        if key in summary:
            lines.append(f"{key} on DATA's {target!r} column: {summary[key]:.4f}")
    if out is None and not output.json_mode:
        for line in lines:  # stdout carries the CSV: the score goes to stderr
            output.note(line)
        lines = []
    output.summary(summary, lines)


@cli.command("path")
@data_options
@_penalty_options
@click.option("--out", "-o", required=True, type=click.Path(dir_okay=False),
              help="FILE.csv (coefficients per α) or FILE.png (the path plot).")  # fmt: skip
@force_option
@output_options
def path_command(data, target, task, encoding, no_encode, dropna, penalty, l1_ratio,
                 standardize, n_alphas, out, force, output):  # fmt: skip
    """The regularization path of DATA: every coefficient along a decreasing α grid."""
    rho = l1_ratio_for(penalty, l1_ratio)
    out = check_output_file(out, force=force, suffixes=(".csv", ".png"))
    table = load_data(output, data, target=target, task=task, encoding=encoding,
                      no_encode=no_encode, dropna=dropna)  # fmt: skip
    with output.progress(f"path of {_describe(rho)}, {n_alphas} α, {len(table.X):,} rows"):
        result = run_path(table.X, table.y, table.task, table.schema["classes"], l1_ratio=rho,
                          n_alphas=n_alphas, standardize=standardize)  # fmt: skip
    if out.suffix.lower() == ".csv":
        frame = result.to_frame()
        frame.insert(0, "n_nonzero", result.n_active)
        frame.insert(1, "relative_gap", result.relative_gaps)
        buffer = io.StringIO()
        frame.to_csv(buffer)
        write_text(out, buffer.getvalue())
    else:
        _save_path_plot(result, out)
    entry = dict(zip(map(str, result.feature_names), map(float, result.entry_alpha),
                     strict=True))  # fmt: skip
    order = sorted(entry, key=entry.get, reverse=True)
    output.summary(
        {"n_alphas": int(result.alphas.size), "alpha_max": float(result.alphas[0]),
         "entry_alpha": entry, "max_relative_gap": float(np.max(result.relative_gaps)),
         "seconds": float(result.timings["total"]), "out": str(out)},
        [f"path of {_describe(rho)} over {result.alphas.size} α from "
         f"{result.alphas[0]:.4g} to {result.alphas[-1]:.4g} "
         f"({result.timings['total']:.2f} s, largest relative gap "
         f"{np.max(result.relative_gaps):.1e})",
         "features by entry α: " + ", ".join(f"{n} ({entry[n]:.3g})" for n in order[:8]),
         f"wrote {out}"],
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


@cli.command("cv")
@data_options
@_penalty_options
@click.option("--cv", "folds", type=int, default=5, show_default=True, help="Folds K.")
@click.option("--select", type=click.Choice(["min", "1se"]), default="min", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the folds.")
@click.option("--out", "-o", type=click.Path(dir_okay=False), default=None,
              help="CSV file for the whole CV table.")  # fmt: skip
@force_option
@output_options
def cv_command(data, target, task, encoding, no_encode, dropna, penalty, l1_ratio,
               standardize, n_alphas, folds, select, seed, out, force, output):  # fmt: skip
    """K-fold cross-validation over the α grid: the error curve and the min / 1-SE α."""
    rho = l1_ratio_for(penalty, l1_ratio)
    if out is not None:
        out = check_output_file(out, force=force, suffixes=(".csv",))
    table = load_data(output, data, target=target, task=task, encoding=encoding,
                      no_encode=no_encode, dropna=dropna)  # fmt: skip
    estimator = build_estimator(
        table.task, l1_ratio=rho, alpha=None, folds=folds, select=select,
        standardize=standardize, n_alphas=n_alphas, n_rows=len(table.X), random_state=seed,
    )  # fmt: skip
    with output.progress(f"{folds}-fold CV of {_describe(rho)} over {n_alphas} α"):
        for note in fit_quietly(estimator, table.X, table.y):
            output.note(note)
    curve = cv_table(estimator)
    if estimator.alpha_min_ == curve["alpha"].iloc[-1]:
        output.note(
            "the least CV error is at the smallest α of the grid: the error may still fall "
            "below it (the data may need little regularisation)"
        )
    if out is not None:
        buffer = io.StringIO()
        curve.to_csv(buffer, index=False)
        write_text(out, buffer.getvalue())
    error = "deviance" if table.task == "classification" else "mean squared error"
    shown = sorted(set(np.linspace(0, len(curve) - 1, 15).round().astype(int))
                   | set(np.flatnonzero(curve["choice"] != "")))  # fmt: skip
    lines = [f"{folds}-fold CV, {_describe(rho)}, {table.task} ({error}; "
             f"{len(shown)} of {len(curve)} α shown)",
             curve.iloc[shown].to_string(index=False, float_format=lambda v: f"{v:.4g}"),
             f"alpha_min = {estimator.alpha_min_:.4g}, alpha_1se = {estimator.alpha_1se_:.4g}; "
             f"chosen ({select}): {estimator.alpha_:.4g} with "
             f"{int(np.count_nonzero(estimator.coef_))} non-zero coefficients"]  # fmt: skip
    if out is not None:
        lines.append(f"wrote {out}")
    output.summary(
        {"task": table.task, "l1_ratio": rho, "folds": folds, "alpha_min": estimator.alpha_min_,
         "alpha_1se": estimator.alpha_1se_, "alpha": estimator.alpha_, "selection": select,
         "n_nonzero": int(np.count_nonzero(estimator.coef_)),
         "table": curve.to_dict(orient="list"), "out": None if out is None else str(out)},
        lines,
    )  # fmt: skip


def _register_publishing_commands():
    from .publish import demo, lab, report

    for command in (report, lab, demo):
        cli.add_command(command)


_register_publishing_commands()


def main(args=None) -> int:
    """Entry point of the ``shrinkage`` console script; returns the exit code."""
    try:
        cli.main(args=args, prog_name="shrinkage", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
