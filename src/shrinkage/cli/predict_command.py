"""``shrinkage predict``: predictions from a saved model folder, at its α or another one.

DATA may hold more columns than the model uses (they are ignored, and named on stderr);
an id column (``--id``, or the one given to ``fit --id``) becomes the first column of the
predictions. A category level the model has not seen is an error unless
``--unknown-levels zero``. ``--alpha A`` predicts with the coefficients at ``A`` from the
stored path (:mod:`shrinkage.cli.model_path`).
"""

from __future__ import annotations

import math

import click
import numpy as np
import pandas as pd

from .destinations import check_table_destination, write_table
from .errors import DataError
from .options import id_option, separator_option, writing_options

__all__ = ["predict"]


def _id_column(explicit, saved, frame) -> str | None:
    if explicit is not None:
        if explicit not in set(frame.columns):
            raise DataError(f"--id column {explicit!r} not found in DATA.")
        return explicit
    remembered = saved.schema.get("id")
    return remembered if remembered in set(frame.columns) else None


def _score(saved, frame, predictions) -> dict:
    target = saved.schema["target"]
    if target not in frame.columns or frame[target].isna().any():
        return {}
    truth = frame[target].to_numpy()
    if saved.task == "regression":
        residual = np.asarray(truth, dtype=np.float64) - predictions["prediction"].to_numpy()
        return {"r2": 1.0 - residual @ residual / np.sum((truth - truth.mean()) ** 2)}
    return {"accuracy": float(np.mean(predictions["prediction"].to_numpy() == truth))}


@click.command()
@click.argument("model", type=click.Path(exists=True))
@click.argument("data", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="CSV file for the predictions (default, or -: standard output).",
)
@click.option(
    "--alpha",
    type=float,
    default=None,
    help="Predict at this α instead of the model's: from the stored path, exact "
    "at a grid point, interpolated linearly between two.",
)
@id_option
@click.option(
    "--unknown-levels",
    type=click.Choice(["error", "zero"]),
    default="error",
    show_default=True,
    help="A category level not seen when fitting: an error, or all-zero indicator columns.",
)
@click.option("--encoding", default="utf-8", show_default=True, help="CSV text encoding.")
@separator_option
@writing_options
def predict(model, data, out, alpha, id_column, unknown_levels, encoding, sep, force, output):
    """Predict DATA (a file, or - for standard input) with the model saved in the folder
    MODEL (by shrinkage fit)."""  # fmt: skip
    from .model_io import load_model
    from .reading import parse_separator, read_table

    destination = check_table_destination(out if out is not None else "-", output,
                                          force=force, suffixes=(".csv",))  # fmt: skip
    if alpha is not None and not (math.isfinite(alpha) and alpha > 0):
        raise DataError(f"--alpha must be a positive number, got {alpha:g}.")
    saved = load_model(model, with_path=alpha is not None)
    notes: list[str] = []
    frame = read_table(data, encoding=encoding, sep=parse_separator(sep), notes=notes)
    identifier = _id_column(id_column, saved, frame)
    X = saved.encode(frame, notes, unknown_levels=unknown_levels,
                     keep=[identifier] if identifier is not None else [])  # fmt: skip
    if alpha is not None:
        saved, how = saved.at_alpha(alpha)
        notes.append(how)
    for note in notes:
        output.note(note)
    predictions = pd.DataFrame({"prediction": saved.predict(X)}, index=frame.index)
    if saved.task == "classification":
        predictions[f"probability_{saved.schema['classes'][1]}"] = saved.predict_proba(X)
    if identifier is not None:
        if identifier in predictions.columns:
            raise DataError(f"--id column {identifier!r} has the name of a prediction column.")
        predictions.insert(0, identifier, frame[identifier].to_numpy())
    summary = {"n_rows": len(frame), "task": saved.task,
               "alpha": alpha if alpha is not None else saved.alpha,
               "out": None if isinstance(destination, str) else str(destination)}  # fmt: skip
    summary.update(_score(saved, frame, predictions))
    write_table(predictions, destination, output)
    lines = []
    if not isinstance(destination, str):
        lines.append(f"wrote {len(frame):,} predictions to {destination}")
    if output.json_mode and isinstance(destination, str):
        summary["predictions"] = predictions["prediction"].tolist()
        if saved.task == "classification":
            summary["probabilities"] = predictions.iloc[:, -1].tolist()
        if identifier is not None:
            summary["ids"] = predictions[identifier].tolist()
    for key in ("r2", "accuracy"):
        if key in summary:
            lines.append(f"{key} on DATA's {saved.schema['target']!r} column: {summary[key]:.4f}")
    output.summary(summary, lines)
